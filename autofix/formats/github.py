"""``--format github``: GitHub Actions workflow commands, one ``::error`` line per finding or error, and
one ``::notice`` line per value a fix rewrote whole (losing comments and layout it did not change).

GitHub turns each line into an annotation on the pull request's diff.  Values
are escaped as the workflow-command syntax requires (``%``, CR and LF, and in
properties also ``:`` and ``,``); every other control or bidi character is escaped
visibly (:func:`autofix.escape.visible`), so no template value reaches the log raw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autofix.escape import visible
from autofix.formats.base import Reporter
from autofix.plan import allowed
from autofix.report import rewrite_message, rewrites

if TYPE_CHECKING:
    from autofix.report import Summary


def escape_data(value: object) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded as GitHub specifies, every
    other control or invisible character escaped visibly (:func:`autofix.escape.visible`)."""
    return visible(value, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: object) -> str:
    """A workflow command's property value: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: object) -> str:
    """``::level key=value,...::message`` with every part escaped."""
    fields = ",".join(f"{k}={escape_property(v)}" for k, v in props.items() if v is not None)
    return f"::{level} {fields}::{escape_data(message)}" if fields else f"::{level}::{escape_data(message)}"


class GithubReporter(Reporter):
    def add(self, result, explicit: bool) -> None:
        for e in self.errors(result, explicit):
            self.out.write(command("error", e.message, file=e.file, line=e.line, col=e.column,
                                   title="autofix error") + "\n")
        for rule, rewrite in rewrites(result.applied):
            self.out.write(command("notice", rewrite_message(rule, rewrite), file=result.file,
                                   title=f"{rule} rewrote a value whole") + "\n")
        for f in result.findings:
            hint = " (autofix fix can fix this)" if allowed(f, self.settings) else ""
            self.out.write(command("error", f"{f.rule_id} {f.message}{hint}", file=result.file, line=f.line,
                                   col=f.column, title=f"{f.rule_id} {f.rule_name}".strip()) + "\n")

    def finish(self, summary: Summary | None = None) -> None:
        self.out.flush()
