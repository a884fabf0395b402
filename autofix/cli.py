"""The ``autofix`` command line.

``autofix check`` reports findings, ``autofix fix`` repairs templates in place
(or shows a ``--diff`` / RFC 6902 ``--patch`` without writing), ``autofix rules``
lists the rules and ``autofix explain`` prints one rule's documentation.

Exit codes: 0 clean (or everything fixed); 1 findings remain, or ``--diff``
would change something; 2 an error (unreadable or unparsable input, a fix
that failed verification, bad usage).
"""

from __future__ import annotations

import inspect
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from autofix import __version__, commands
from autofix.commands import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from autofix.errors import AutofixError, ConfigError
from autofix.escape import dumps, visible
from autofix.formats import OutputFormat
from autofix.formats.text import print_markdown
from autofix.options import CLEAN, COMMANDS, PATHS_HELP, Option
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


#: How each kind of option of :mod:`autofix.options` is declared to typer: its type, default and checks.
_KINDS: dict[str, tuple[Any, Any, dict[str, Any]]] = {
    "flag": (bool, False, {}),
    "pair": (bool | None, None, {}),
    "value": (str | None, None, {}),
    "many": (list[str] | None, None, {}),
    "count": (int | None, None, {"min": 1}),
    "format": (OutputFormat, OutputFormat.text, {}),
    "file": (Path | None, None, {"dir_okay": False}),
}


def _parameter(option: Option) -> inspect.Parameter:
    """The typer parameter of one option of the table."""
    annotation, default, checks = _KINDS[option.kind]
    flags = ("/".join(option.flags),) if option.kind == "pair" else option.flags
    declared = typer.Option(*flags, envvar=option.env, metavar=option.metavar, help=option.help, **checks)
    return inspect.Parameter(option.dest, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[annotation, declared])


def _command(name: str, paths: bool = True) -> None:
    """Register the typer command ``name`` of the option table, calling :mod:`autofix.commands`'s ``name``;
    ``paths`` False: a command without paths (``clean``, the table's :data:`~autofix.options.CLEAN`)."""
    command = COMMANDS[name] if paths else CLEAN

    def run(**options: Any) -> None:
        _call(getattr(commands, name), **options)

    parameters = [_parameter(option) for option in command.options]
    if paths:
        parameters.insert(0, inspect.Parameter("paths", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                               annotation=Annotated[list[str], typer.Argument(help=PATHS_HELP)]))
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__name__ = run.__qualname__ = name
    run.__doc__ = command.help
    app.command(name)(run)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {visible(message)}", err=True)
    return typer.Exit(EXIT_ERROR)


def _call(command, **options) -> None:
    try:
        command(**options)
    except commands.Exit as exc:
        raise typer.Exit(exc.code) from None


_command("check")
_command("fix")
_command("clean", paths=False)


@app.command("rules")
def list_rules(output_format: Annotated[RulesFormat, typer.Option(
        "--format", help="text (a table), json, or markdown (the docs/rules.md page).")] = RulesFormat.text) -> None:
    """List every rule by family: id, name, on by default or opt-in, fix safety, the cfn-lint rules it
    resolves, and summary."""
    rules = all_rules()
    if output_format is RulesFormat.json:
        typer.echo(dumps([
            {"id": r.id, "name": r.name, "family": r.family, "default": r.enabled_by_default,
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
