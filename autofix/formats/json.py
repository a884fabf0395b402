"""``--format json``: one object ``{"findings": [...], "errors": [...], "fixes"?: [...], "summary": {...}}``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autofix.formats.base import Reporter
from autofix.report import json_document

if TYPE_CHECKING:
    from autofix.report import Summary


class JsonReporter(Reporter):
    def finish(self, summary: Summary | None = None) -> None:
        self.out.write(json_document(self.results, summary) + "\n")
