"""The reporter interface shared by every output format."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from autofix.pipeline import ErrorEntry, FileResult
    from autofix.report import Summary
    from autofix.settings import Settings


class Reporter:
    """Collects results; subclasses write them.  ``explicit``: the file was named on the command line."""

    def __init__(self, out: TextIO, settings: Settings, *, fix: bool = False, color: bool | None = None) -> None:
        self.out = out
        self.color = color
        self.settings = settings
        self.fix = fix
        self.results: list[tuple[FileResult, bool]] = []

    def add(self, result: FileResult, explicit: bool) -> None:
        self.results.append((result, explicit))

    def finish(self, summary: Summary | None = None) -> None:
        """Write whatever was collected (machine formats write here)."""

    def errors(self, result: FileResult, explicit: bool) -> list[ErrorEntry]:
        """The errors worth reporting: a file that is no template is skipped quietly unless named."""
        return [e for e in result.errors if explicit or e.kind != "not-a-template"]
