"""The ``autofix`` command line.

``autofix check`` reports findings, ``autofix fix`` repairs templates in place
(or shows a ``--diff`` / RFC 6902 ``--patch`` without writing), ``autofix rules``
lists the rules and ``autofix explain`` prints one rule's documentation.

Exit codes: 0 clean (or everything fixed); 1 findings remain, or ``--diff``
would change something; 2 an error (unreadable or unparsable input, a fix
that failed verification, bad usage).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from enum import Enum
from typing import Annotated

import typer

from autofix import __version__
from autofix.config import build_settings
from autofix.discover import discover
from autofix.errors import AutofixError, ConfigError
from autofix.pipeline import FileResult, process_text
from autofix.registry import all_rules, get_rule
from autofix.report import (
    Summary,
    error_line,
    finding_line,
    json_document,
    unified_diff,
)
from autofix.runner import default_jobs, run
from autofix.settings import Settings
from autofix.write import atomic_write

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="autofix",
    help="Find and fix known failures in AWS CloudFormation templates (JSON and YAML).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"autofix {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Find and fix known failures in AWS CloudFormation templates (JSON and YAML)."""


Paths = Annotated[list[str], typer.Argument(help="Template files or directories; '-' reads standard input.")]
Select = Annotated[list[str] | None, typer.Option("--select", help="Only these rules (ids, names or prefixes; "
                                                   "repeat or separate with commas).")]
Ignore = Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rules (ids or names).")]
Format = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
StdinName = Annotated[str | None, typer.Option("--stdin-filename", help="Name to report for standard input.")]
Jobs = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Parallel worker processes "
                                          "(default: number of cores).")]
Exclude = Annotated[list[str] | None, typer.Option("--exclude", help="Glob of files or directories to skip "
                                                    "when walking directories.")]
NoGitignore = Annotated[bool, typer.Option("--no-gitignore", help="Do not skip files that .gitignore ignores.")]
Dr = Annotated[str | None, typer.Option("--dr", help="Treat templates as multi-region DR templates: "
                                        "auto, true or false.")]
Unsafe = Annotated[bool | None, typer.Option("--unsafe-fixes/--no-unsafe-fixes",
                                             help="Also apply fixes that add architecture.")]
NoProgress = Annotated[bool, typer.Option("--no-progress", help="Never show a progress bar.")]
ReportFile = Annotated[str | None, typer.Option("--report", metavar="FILE", help="Also write the run's summary "
                                                "and errors to FILE as JSON.")]


@dataclass
class _Run:
    settings: Settings
    fmt: OutputFormat
    exit_code: int = EXIT_CLEAN

    def worse(self, code: int) -> None:
        self.exit_code = max(self.exit_code, code)


def _settings(paths: list[str], select, ignore, dr, unsafe, exclude) -> Settings:
    return build_settings(paths, select=select, ignore=ignore, dr=dr, unsafe_fixes=unsafe, exclude=exclude)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _progress(total: int, enabled: bool):
    """A rich progress bar on a terminal for long runs; None otherwise."""
    if not enabled or total < 20 or not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), transient=True, console=_stderr_console())


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _results(paths: list[str], settings: Settings, *, fix: bool, jobs: int | None, gitignore: bool,
             progress: bool):
    targets = discover(paths, settings.exclude, gitignore)
    bar = _progress(len(targets), progress)
    if bar is None:
        yield from zip(targets, run([t.path for t in targets], settings, fix=fix, jobs=jobs), strict=False)
        return
    with bar:
        task = bar.add_task("autofix", total=len(targets))
        results = run([t.path for t in targets], settings, fix=fix, jobs=jobs,
                      progress=lambda n: bar.advance(task, n))
        yield from zip(targets, results, strict=False)


def _emit(state: _Run, result: FileResult, explicit: bool) -> None:
    """Print a result's findings and errors (text format) and fold them into the exit code."""
    for e in result.errors:
        if e.kind == "not-a-template" and not explicit:
            continue
        state.worse(EXIT_ERROR)
        if state.fmt is OutputFormat.text:
            typer.echo(error_line(e), err=True)
    if result.findings:
        state.worse(EXIT_FINDINGS)
        if state.fmt is OutputFormat.text:
            for f in result.findings:
                typer.echo(finding_line(result.file, f, state.settings))


def _summary_line(summary: Summary, fix: bool, dry_run: bool = False) -> str:
    return summary.line(fix, dry_run)


def _write_report(state: _Run, path: str | None, summary: Summary) -> None:
    """``--report FILE``: the summary as JSON, written whole or not at all."""
    if path is None:
        return
    try:
        atomic_write(path, summary.report().encode("utf-8"))
    except OSError as exc:
        typer.echo(f"error: cannot write report {path}: {exc.strerror or exc}", err=True)
        state.worse(EXIT_ERROR)


def _stdin(state: _Run, name: str | None, *, fix: bool, diff: bool, patch: bool) -> None:
    text = sys.stdin.buffer.read()
    filename = name or "-"
    from autofix.document import decode

    try:
        decoded = decode(text)
    except AutofixError as exc:
        typer.echo(f"{filename}:{exc.location()}: error: {exc.message}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    result = process_text(decoded, filename, state.settings, fix=fix)
    if not fix:
        _finish_check(state, [(result, True)])
        return
    _emit_fix_errors(state, result)
    if patch:
        typer.echo(json.dumps(result.patch, indent=2, ensure_ascii=False))
        if result.patch:
            state.worse(EXIT_FINDINGS)
    elif diff:
        if result.changed:
            sys.stdout.write(unified_diff(filename, result.original or "", result.fixed or ""))
            state.worse(EXIT_FINDINGS)
    else:
        sys.stdout.write(result.fixed if result.changed else decoded)
    if result.findings:
        state.worse(EXIT_FINDINGS)
        for f in result.findings:
            typer.echo(finding_line(filename, f, state.settings), err=True)


def _emit_fix_errors(state: _Run, result: FileResult) -> None:
    for e in result.errors:
        state.worse(EXIT_ERROR)
        typer.echo(error_line(e), err=True)


def _finish_check(state: _Run, results: list[tuple[FileResult, bool]], summary: Summary | None = None) -> None:
    if state.fmt is OutputFormat.json:
        for result, explicit in results:
            _fold(state, result, explicit)
        typer.echo(json_document(results, summary))
    else:
        for result, explicit in results:
            _emit(state, result, explicit)


def _fold(state: _Run, result: FileResult, explicit: bool) -> None:
    if any(e.kind != "not-a-template" or explicit for e in result.errors):
        state.worse(EXIT_ERROR)
    if result.findings:
        state.worse(EXIT_FINDINGS)


@app.command()
def check(
    paths: Paths,
    select: Select = None,
    ignore: Ignore = None,
    output_format: Format = OutputFormat.text,
    stdin_filename: StdinName = None,
    jobs: Jobs = None,
    exclude: Exclude = None,
    no_gitignore: NoGitignore = False,
    dr: Dr = None,
    unsafe_fixes: Unsafe = None,
    no_progress: NoProgress = False,
    report: ReportFile = None,
) -> None:
    """Report findings as file:line:col: RULE [*] message ([*]: a fix autofix fix would apply)."""
    try:
        settings = _settings(paths, select, ignore, dr, unsafe_fixes, exclude)
    except ConfigError as exc:
        raise _fail(exc.message) from None
    state = _Run(settings, output_format)
    if paths == ["-"]:
        _stdin(state, stdin_filename, fix=False, diff=False, patch=False)
        raise typer.Exit(state.exit_code)
    summary = Summary()
    collected: list[tuple[FileResult, bool]] = []
    for target, result in _results(paths, settings, fix=False, jobs=jobs, gitignore=not no_gitignore,
                                   progress=not no_progress):
        summary.add(result, settings, target.explicit)
        if output_format is OutputFormat.json:
            collected.append((result, target.explicit))
        else:
            _emit(state, result, target.explicit)
    if output_format is OutputFormat.json:
        _finish_check(state, collected, summary)
    elif summary.files > 1 or summary.findings_by_rule or summary.unsafe_hidden:
        typer.echo(_summary_line(summary, fix=False), err=True)
    _write_report(state, report, summary)
    raise typer.Exit(state.exit_code)


@app.command()
def fix(
    paths: Paths,
    unsafe_fixes: Unsafe = None,
    diff: Annotated[bool, typer.Option("--diff", help="Change nothing; print a unified diff of the fixes.")] = False,
    patch: Annotated[bool, typer.Option("--patch", help="Change nothing; print the RFC 6902 patch for one "
                                        "file.")] = False,
    select: Select = None,
    ignore: Ignore = None,
    output_format: Format = OutputFormat.text,
    stdin_filename: StdinName = None,
    jobs: Jobs = None,
    exclude: Exclude = None,
    no_gitignore: NoGitignore = False,
    dr: Dr = None,
    no_progress: NoProgress = False,
    report: ReportFile = None,
) -> None:
    """Apply safe fixes in place (--unsafe-fixes adds unsafe ones); --diff or --patch only show them."""
    if diff and patch:
        raise _fail("--diff and --patch are alternatives; choose one")
    try:
        settings = _settings(paths, select, ignore, dr, unsafe_fixes, exclude)
    except ConfigError as exc:
        raise _fail(exc.message) from None
    state = _Run(settings, output_format)
    if paths == ["-"]:
        _stdin(state, stdin_filename, fix=True, diff=diff, patch=patch)
        raise typer.Exit(state.exit_code)
    targets_seen = 0
    summary = Summary()
    collected: list[tuple[FileResult, bool]] = []
    patches: list[list[dict]] = []
    for target, result in _results(paths, settings, fix=True, jobs=jobs, gitignore=not no_gitignore,
                                   progress=not no_progress):
        targets_seen += 1
        if result.changed and not diff and not patch:
            try:
                _write_back(target.path, result)
            except OSError as exc:
                result.errors.append(_write_error(target.path, exc))
                result.fixed = None
                result.applied = []
        summary.add(result, settings, target.explicit)
        if patch:
            patches.append(result.patch)
        if diff and result.changed:
            state.worse(EXIT_FINDINGS)
            sys.stdout.write(unified_diff(target.path, result.original or "", result.fixed or ""))
        if output_format is OutputFormat.json:
            collected.append((result, target.explicit))
        else:
            _emit(state, result, target.explicit)
    if patch:
        if targets_seen != 1:
            raise _fail(f"--patch prints the patch of a single file; {targets_seen} files were given")
        typer.echo(json.dumps(patches[0], indent=2, ensure_ascii=False))
        if patches[0]:
            state.worse(EXIT_FINDINGS)
    if output_format is OutputFormat.json:
        _finish_check(state, collected, summary)
    elif not patch:
        typer.echo(_summary_line(summary, fix=True, dry_run=diff), err=True)
    _write_report(state, report, summary)
    raise typer.Exit(state.exit_code)


def _write_back(path: str, result: FileResult) -> None:
    """Write ``result.fixed`` over ``path`` unless the file changed since it was read."""
    with open(path, "rb") as handle:
        current = handle.read()
    if current.decode("utf-8", errors="surrogateescape") != result.original:
        raise OSError(f"{path} changed while autofix was running; not overwritten")
    atomic_write(path, (result.fixed or "").encode("utf-8"))


def _write_error(path: str, exc: OSError):
    from autofix.pipeline import ErrorEntry

    return ErrorEntry(path, f"cannot write fixed file: {exc.strerror or exc}")


@app.command("rules")
def list_rules(output_format: Format = OutputFormat.text) -> None:
    """List every rule: id, name, fix safety and summary."""
    rules = all_rules()
    if output_format is OutputFormat.json:
        typer.echo(json.dumps([
            {"id": r.id, "name": r.name, "fix": r.fix_applicability.value if r.fix_applicability else None,
             "summary": r.summary} for r in rules], indent=2))
        return
    for r in rules:
        safety = r.fix_applicability.value if r.fix_applicability else "no fix"
        typer.echo(f"{r.id}  {r.name:<36} {safety:<12} {r.summary}")


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="Rule id or name, e.g. DR004.")]) -> None:
    """Print a rule's documentation."""
    try:
        cls = get_rule(rule)
    except ConfigError as exc:
        raise _fail(exc.message) from None
    safety = cls.fix_applicability.value if cls.fix_applicability else "no fix"
    typer.echo(f"# {cls.id} {cls.name}\n\n{cls.summary}. Fix: {safety}.\n\n{cls.documentation()}")


def main() -> None:
    """Console-script entry point: usage errors exit 2, no traceback ever reaches the user."""
    try:
        app()
    except AutofixError as exc:  # pragma: no cover - every path above catches its own
        typer.echo(f"error: {exc.message}", err=True)
        raise SystemExit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None


__all__ = ["app", "default_jobs", "main"]
