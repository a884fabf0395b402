"""Output formats for ``check`` and ``fix``: one module per format, one :class:`Reporter` each.

A reporter receives every file's result as the run produces it and writes to
one stream: ``text`` prints as it goes (people watch it), the machine formats
(``json``, ``sarif``, ``github``) write once at the end so the document is
whole.  Exit codes are not a reporter's business: the CLI folds them.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from autofix.formats.base import Reporter
    from autofix.settings import Settings


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    html = "html"


def reporter(fmt: OutputFormat | str, out: TextIO, settings: Settings, *, fix: bool = False,
             color: bool | None = None, dry_run: bool = False) -> Reporter:
    """The reporter for ``fmt`` writing to ``out``; ``color`` None lets the stream decide (text only);
    ``dry_run``: a fix that writes nothing (``--diff``), which the html page says."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.html:
        from autofix.formats.html import HtmlReporter

        return HtmlReporter(out, settings, fix=fix, color=color, dry_run=dry_run)
    if fmt is OutputFormat.text:
        from autofix.formats.text import TextReporter as cls
    elif fmt is OutputFormat.json:
        from autofix.formats.json import JsonReporter as cls
    elif fmt is OutputFormat.sarif:
        from autofix.formats.sarif import SarifReporter as cls
    else:
        from autofix.formats.github import GithubReporter as cls
    return cls(out, settings, fix=fix, color=color)


__all__ = ["OutputFormat", "reporter"]
