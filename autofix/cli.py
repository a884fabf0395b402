"""The ``autofix`` command line.

``autofix check`` reports findings, ``autofix fix`` repairs templates in place
(or shows a ``--diff`` / RFC 6902 ``--patch`` without writing), ``autofix rules``
lists the rules and ``autofix explain`` prints one rule's documentation.

Exit codes: 0 clean (or everything fixed); 1 findings remain, or ``--diff``
would change something; 2 an error (unreadable or unparsable input, a fix
that failed verification, bad usage).
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from autofix import __version__
from autofix.config import build_settings
from autofix.discover import discover
from autofix.errors import AutofixError, ConfigError, LoadError, WriteError
from autofix.formats import OutputFormat, reporter
from autofix.formats.base import Reporter
from autofix.formats.text import print_markdown, write_diff
from autofix.pipeline import ErrorEntry, FileResult, process_text
from autofix.registry import all_rules, get_rule
from autofix.report import Summary, unified_diff
from autofix.ruledocs import explain_text, help_uri, markdown, rules_table
from autofix.runner import default_jobs, run
from autofix.settings import Settings
from autofix.validate import require_cfn_lint
from autofix.write import atomic_write, write_back

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="autofix",
    help="Find and fix known failures in AWS CloudFormation templates (JSON and YAML).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class RulesFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


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
MaxBytes = Annotated[str | None, typer.Option("--max-bytes", envvar="AUTOFIX_MAX_BYTES", metavar="SIZE",
                                              help="Refuse files larger than this (bytes, or 512K, 10M...; "
                                              "default 10M).")]
NoProgress = Annotated[bool, typer.Option("--no-progress", help="Never show a progress bar.")]
ReportFile = Annotated[str | None, typer.Option("--report", metavar="FILE", help="Also write the run's summary "
                                                "and errors to FILE as JSON.")]
OutputFile = Annotated[Path | None, typer.Option("--output-file", "-o", dir_okay=False,
                                                 help="Write the report (in --format) to this file instead of "
                                                 "standard output.")]
ShowUnused = Annotated[bool, typer.Option("--show-unused-suppressions",
                                          help="Also report Metadata autofix ignore entries that suppress "
                                          "nothing.")]
OnlyTemplates = Annotated[bool, typer.Option("--only-templates", help="Skip files that are not CloudFormation "
                                             "templates quietly, even when named (for pre-commit).")]


@dataclass
class _Run:
    settings: Settings
    fmt: OutputFormat
    exit_code: int = EXIT_CLEAN
    output_file: Path | None = None
    fix: bool = False
    _reporter: Reporter | None = field(default=None, repr=False)

    def worse(self, code: int) -> None:
        self.exit_code = max(self.exit_code, code)

    def reporter(self, stream: TextIO | None = None) -> Reporter:
        """The run's reporter, writing to ``stream`` (stdout) or, with --output-file, to a buffer."""
        if self._reporter is None:
            out = io.StringIO() if self.output_file else (stream or sys.stdout)
            self._reporter = reporter(self.fmt, out, self.settings, fix=self.fix,
                                      color=False if self.output_file else None)
        return self._reporter

    def close(self) -> None:
        """Finish the report; with --output-file, write it there (a failure to write is exit 2)."""
        if self._reporter is None or self.output_file is None:
            return
        try:
            self.output_file.write_text(self._reporter.out.getvalue(), encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot write {self.output_file}: {exc.strerror or exc}", err=True)
            self.worse(EXIT_ERROR)


def _settings(paths: list[str], select, ignore, dr, unsafe, exclude, max_bytes) -> Settings:
    return build_settings(paths, select=select, ignore=ignore, dr=dr, unsafe_fixes=unsafe, exclude=exclude,
                          max_bytes=max_bytes)


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
    """Hand a result to the reporter and fold its findings and errors into the exit code."""
    _fold(state, result, explicit)
    state.reporter().add(result, explicit)


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
    filename = name or "-"
    from autofix.document import decode

    try:
        text = sys.stdin.buffer.read(state.settings.max_bytes + 1)
        if len(text) > state.settings.max_bytes:
            raise LoadError(f"input is larger than the limit of {state.settings.max_bytes} bytes (--max-bytes)")
        decoded = decode(text)
    except AutofixError as exc:
        where = f":{exc.location()}" if exc.line else ""
        typer.echo(f"{filename}{where}: error: {exc.message}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    result = process_text(decoded, filename, state.settings, fix=fix)
    if not fix:
        _finish_check(state, [(result, True)])
        return
    if patch:
        typer.echo(json.dumps(result.patch, indent=2, ensure_ascii=False))
        if result.patch:
            state.worse(EXIT_FINDINGS)
    elif diff:
        if result.changed:
            write_diff(unified_diff(filename, result.original or "", result.fixed or ""), sys.stdout)
            state.worse(EXIT_FINDINGS)
    else:
        sys.stdout.write(result.fixed if result.changed else decoded)
    # standard output holds the template: the report goes to standard error (or --output-file)
    state.reporter(sys.stderr)
    _finish_check(state, [(result, True)])


def _finish_check(state: _Run, results: list[tuple[FileResult, bool]], summary: Summary | None = None) -> None:
    for result, explicit in results:
        _emit(state, result, explicit)
    state.reporter().finish(summary)


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
    max_bytes: MaxBytes = None,
    no_progress: NoProgress = False,
    report: ReportFile = None,
    output_file: OutputFile = None,
    show_unused_suppressions: ShowUnused = False,
    only_templates: OnlyTemplates = False,
) -> None:
    """Report findings as file:line:col: RULE [*] message ([*]: a fix autofix fix would apply)."""
    try:
        settings = _settings(paths, select, ignore, dr, unsafe_fixes, exclude, max_bytes)
    except ConfigError as exc:
        raise _fail(exc.message) from None
    settings = settings.with_(show_unused_suppressions=show_unused_suppressions)
    state = _Run(settings, output_format, output_file=output_file)
    if paths == ["-"]:
        _stdin(state, stdin_filename, fix=False, diff=False, patch=False)
        state.close()
        raise typer.Exit(state.exit_code)
    summary = Summary()
    for target, result in _results(paths, settings, fix=False, jobs=jobs, gitignore=not no_gitignore,
                                   progress=not no_progress):
        explicit = target.explicit and not only_templates
        summary.add(result, settings, explicit)
        _emit(state, result, explicit)
    state.reporter().finish(summary)
    state.close()
    if output_format is OutputFormat.text and (summary.files > 1 or summary.findings_by_rule
                                               or summary.unsafe_hidden):
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
    max_bytes: MaxBytes = None,
    no_progress: NoProgress = False,
    report: ReportFile = None,
    output_file: OutputFile = None,
    show_unused_suppressions: ShowUnused = False,
    only_templates: OnlyTemplates = False,
    validate: Annotated[bool, typer.Option("--validate", help="Run cfn-lint on each fixed template and do not "
                                           "write one that gains a cfn-lint error (needs autofix[validate]).")
                        ] = False,
) -> None:
    """Apply safe fixes in place (--unsafe-fixes adds unsafe ones); --diff or --patch only show them."""
    if diff and patch:
        raise _fail("--diff and --patch are alternatives; choose one")
    try:
        settings = _settings(paths, select, ignore, dr, unsafe_fixes, exclude, max_bytes)
        if validate:
            require_cfn_lint()
    except ConfigError as exc:
        raise _fail(exc.message) from None
    settings = settings.with_(show_unused_suppressions=show_unused_suppressions, validate=validate)
    state = _Run(settings, output_format, output_file=output_file, fix=True)
    if paths == ["-"]:
        _stdin(state, stdin_filename, fix=True, diff=diff, patch=patch)
        state.close()
        raise typer.Exit(state.exit_code)
    targets_seen = 0
    summary = Summary()
    patches: list[list[dict]] = []
    if diff or patch:  # standard output holds the diff or the patch: the report goes to standard error
        state.reporter(sys.stderr)
    for target, result in _results(paths, settings, fix=True, jobs=jobs, gitignore=not no_gitignore,
                                   progress=not no_progress):
        targets_seen += 1
        if result.changed and not diff and not patch:
            try:
                write_back(target.path, result.original or "", result.fixed or "")
            except WriteError as exc:
                result.errors.append(ErrorEntry(target.path, exc.message, kind="write"))
                result.fixed = None
                result.applied = []
        explicit = target.explicit and not only_templates
        summary.add(result, settings, explicit)
        if patch:
            patches.append(result.patch)
        if diff and result.changed:
            state.worse(EXIT_FINDINGS)
            write_diff(unified_diff(target.path, result.original or "", result.fixed or ""), sys.stdout)
        _emit(state, result, explicit)
    if patch:
        if targets_seen != 1:
            raise _fail(f"--patch prints the patch of a single file; {targets_seen} files were given")
        typer.echo(json.dumps(patches[0], indent=2, ensure_ascii=False))
        if patches[0]:
            state.worse(EXIT_FINDINGS)
    state.reporter().finish(summary)
    state.close()
    if output_format is OutputFormat.text and not patch:
        typer.echo(_summary_line(summary, fix=True, dry_run=diff), err=True)
    _write_report(state, report, summary)
    raise typer.Exit(state.exit_code)


@app.command("rules")
def list_rules(output_format: Annotated[RulesFormat, typer.Option(
        "--format", help="text (a table), json, or markdown (the docs/rules.md page).")] = RulesFormat.text) -> None:
    """List every rule by family: id, name, fix safety, the cfn-lint rules it resolves, and summary."""
    rules = all_rules()
    if output_format is RulesFormat.json:
        typer.echo(json.dumps([
            {"id": r.id, "name": r.name, "family": r.family,
             "fix": r.fix_applicability.value if r.fix_applicability else None,
             "cfn_lint": list(r.cfn_lint), "available": not r.missing_requirements(),
             "summary": r.summary, "url": help_uri(r)} for r in rules], indent=2))
    elif output_format is RulesFormat.markdown:
        sys.stdout.write(markdown(rules))
    else:
        sys.stdout.write(rules_table(rules))


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="Rule id or name, e.g. DR004 or "
                                                "aurora-cluster-not-global.")]) -> None:
    """Print a rule's documentation: what it finds, why it matters, an example, how safe its fix is."""
    try:
        found = get_rule(rule)
    except ConfigError as exc:
        raise _fail(exc.message) from None
    print_markdown(explain_text(found), sys.stdout)


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
