"""``--format text`` (the default): ruff-like lines, coloured on a terminal, plain otherwise.

``file:line:col: RULE [*] message`` where ``[*]`` marks a finding that
``autofix fix`` would fix with the current options.  Errors go to standard
error so that a pipe of findings stays clean.  With ``--show-fixes`` each
finding is followed by its detail and its fix, indented (so that no such line
can pass for a finding), and a fix run ends with the findings it resolved.  Colour follows the stream:
``rich`` decides (a terminal, unless ``NO_COLOR`` is set; ``FORCE_COLOR``
forces it), so redirected or ``--output-file`` output is plain text.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from autofix.escape import visible
from autofix.formats.base import Reporter
from autofix.plan import allowed
from autofix.report import error_line, finding_line, rewrite_notes, shown_fix

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from autofix.pipeline import ErrorEntry, FileResult
    from autofix.rules.base import Finding


def console(stream: TextIO, color: bool | None = None) -> Console:
    """A console on ``stream`` that never wraps, highlights or interprets markup.

    ``color`` None lets rich decide from the stream and the environment; False never colours.
    """
    from rich.console import Console

    return Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True,
                   force_terminal=color, no_color=True if color is False else None)


def coloured(stream: TextIO, color: bool | None = None) -> Console | None:
    """A colouring console for ``stream``, or None when output there is plain text.

    rich (slow to import) is asked only when colour is possible at all: forced, a terminal, or
    an environment that forces it.
    """
    if color is False:
        return None
    if color is None and not (_isatty(stream) or os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE")):
        return None
    out = console(stream, color)
    return None if out.color_system is None or out.no_color else out


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def finding_text(file: str, f: Finding, fixable: bool) -> Text:
    from rich.text import Text

    text = Text()
    text.append(visible(file), style="bold")
    text.append(f":{f.line}:{f.column}:", style="dim")
    text.append(" ")
    text.append(visible(f.rule_id), style="bold red")
    if fixable:
        text.append(" [*]", style="cyan")
    text.append(f" {visible(f.message)}")
    return text


def error_text(e: ErrorEntry) -> Text:
    from rich.text import Text

    where = f":{e.line}:{e.column or 1}" if e.line else ""
    text = Text()
    text.append(f"{visible(e.file)}{where}:", style="bold")
    text.append(" error:", style="bold red")
    text.append(f" {visible(e.message)}")
    return text


class TextReporter(Reporter):
    """Plain lines (the same as :func:`autofix.report.finding_line`) unless the stream shows colour."""

    def __init__(self, out: TextIO, settings, *, fix: bool = False, color: bool | None = None,
                 err: TextIO | None = None) -> None:
        super().__init__(out, settings, fix=fix, color=color)
        self.err = err or sys.stderr
        self.console = coloured(out, color)
        self.err_console = coloured(self.err)

        #: (file, findings resolved) of each fixed file, for ``--show-fixes``
        self.resolved: list[tuple[str, list[Finding]]] = []

    def add(self, result: FileResult, explicit: bool) -> None:
        for e in self.errors(result, explicit):
            if self.err_console is None:
                self.err.write(error_line(e) + "\n")
            else:
                self.err_console.print(error_text(e))
        for note in rewrite_notes(result.file, result.applied):
            self.err.write(note + "\n")
        for f in result.findings:
            if self.console is None:
                self.out.write(finding_line(result.file, f, self.settings) + "\n")
            else:
                self.console.print(finding_text(result.file, f, allowed(f, self.settings)))
            if self.settings.show_fixes:
                self._notes(f)
        if result.resolved and self.settings.show_fixes:
            self.resolved.append((result.file, result.resolved))
        if result.findings:
            self.out.flush()  # people watch it; and findings stay in order with errors on a shared stream

    def _plain(self, line: str, style: str = "") -> None:
        if self.console is None:
            self.out.write(line + "\n")
        else:
            from rich.text import Text

            self.console.print(Text(line, style=style))

    def _notes(self, f: Finding) -> None:
        """A finding's detail and fix, each line indented and escaped."""
        for line in (f.detail or "").splitlines():
            self._plain(f"    {visible(line)}", "dim")
        fix = shown_fix(f, self.settings)
        if fix:
            self._plain(f"    {fix}", "cyan")

    def finish(self, summary=None) -> None:
        if self.resolved:
            self._plain("Fixed:", "bold")
            for file, findings in self.resolved:
                self._plain(f"  {visible(file)}", "bold")
                for f in findings:
                    self._plain(f"    {f.line}:{f.column} {visible(f.rule_id)} {visible(f.message)}")
        self.out.flush()


_DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"),
                ("\\", "dim"))


def write_diff(diff: str, stream: TextIO) -> None:
    """Write a unified diff, coloured when ``stream`` is a terminal, byte for byte otherwise.

    Piped, the diff stays exact so that ``patch`` applies it (each line starts with its diff
    marker, so no template text can pass for a report line); on a terminal every control or
    bidi character in it is shown escaped.
    """
    out = coloured(stream)
    if out is None:
        stream.write(diff)
        return
    from rich.text import Text

    for line in diff.split("\n")[:-1]:  # on a terminal, no template byte may act as a control
        style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), None)
        out.print(Text(visible(line.removesuffix("\r")), style=style or ""))


def print_markdown(text: str, stream: TextIO) -> None:
    """Markdown rendered by rich on a terminal; the source itself when piped (it reads fine)."""
    out = coloured(stream)
    if out is None:
        stream.write(text)
        return
    from rich.markdown import Markdown

    out.print(Markdown(text, code_theme="ansi_dark"))
