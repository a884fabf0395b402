"""The ``autofix`` command line.

``autofix check`` reports findings, ``autofix fix`` repairs templates in place
(or shows a ``--diff`` / RFC 6902 ``--patch`` without writing), ``autofix rules``
lists the rules and ``autofix explain`` prints one rule's documentation.

Exit codes: 0 clean (or everything fixed); 1 findings remain, or ``--diff``
would change something; 2 an error (unreadable or unparsable input, a fix
that failed verification, bad usage).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from autofix import __version__, commands
from autofix.commands import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from autofix.errors import AutofixError, ConfigError
from autofix.escape import dumps, visible
from autofix.formats import OutputFormat
from autofix.formats.text import print_markdown
from autofix.registry import all_rules, get_rule
from autofix.ruledocs import explain_text, help_uri, markdown, rules_table
from autofix.runner import default_jobs

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
DaskScheduler = Annotated[str | None, typer.Option("--dask-scheduler", envvar="AUTOFIX_DASK_SCHEDULER",
                                                   metavar="ADDRESS", help="Run on the Dask distributed "
                                                   "cluster of this scheduler, e.g. tcp://10.0.0.5:8786 "
                                                   "(needs autofix[dask] here and on the workers).")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache (also: "
                                        "AUTOFIX_NO_CACHE=1).")]
CacheDir = Annotated[str | None, typer.Option("--cache-dir", envvar="AUTOFIX_CACHE_DIR", metavar="DIR",
                                              help="Keep the result cache here (default: .autofix_cache in the "
                                              "project root, else the current directory).")]
OnlyTemplates = Annotated[bool, typer.Option("--only-templates", help="Skip files that are not CloudFormation "
                                             "templates quietly, even when named (for pre-commit).")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {visible(message)}", err=True)
    return typer.Exit(EXIT_ERROR)


def _call(command, **options) -> None:
    try:
        command(**options)
    except commands.Exit as exc:
        raise typer.Exit(exc.code) from None


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
    dask_scheduler: DaskScheduler = None,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
) -> None:
    """Report findings as file:line:col: RULE [*] message ([*]: a fix autofix fix would apply)."""
    _call(commands.check, **locals())


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
    dask_scheduler: DaskScheduler = None,
    validate: Annotated[bool, typer.Option("--validate", help="Run cfn-lint on each fixed template and do not "
                                           "write one that gains a cfn-lint error (needs autofix[validate]).")
                        ] = False,
    no_cache: NoCache = False,
    cache_dir: CacheDir = None,
) -> None:
    """Apply safe fixes in place (--unsafe-fixes adds unsafe ones); --diff or --patch only show them."""
    _call(commands.fix, **locals())


@app.command()
def clean(cache_dir: CacheDir = None) -> None:
    """Remove the result cache (.autofix_cache in the project root, or --cache-dir)."""
    _call(commands.clean, cache_dir=cache_dir)


@app.command("rules")
def list_rules(output_format: Annotated[RulesFormat, typer.Option(
        "--format", help="text (a table), json, or markdown (the docs/rules.md page).")] = RulesFormat.text) -> None:
    """List every rule by family: id, name, fix safety, the cfn-lint rules it resolves, and summary."""
    rules = all_rules()
    if output_format is RulesFormat.json:
        typer.echo(dumps([
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


@app.command()
def server() -> None:
    """Run the language server over standard input and output, for editors (needs autofix[server])."""
    try:
        from autofix.server.server import serve
    except ImportError as exc:
        if exc.name not in ("pygls", "lsprotocol"):
            raise
        raise _fail("autofix server needs pygls and lsprotocol: pip install 'autofix[server]'") from None
    serve()


def main() -> None:
    """Console-script entry point: usage errors exit 2, no traceback ever reaches the user."""
    try:
        app()
    except AutofixError as exc:  # pragma: no cover - every path above catches its own
        typer.echo(f"error: {visible(exc.message)}", err=True)
        raise SystemExit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None


__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "app", "default_jobs", "main"]
