"""The ``autofix`` entry point: plain ``check`` and ``fix`` runs start without typer, click or rich.

Building the typer application costs more than checking a small template, so a command line
that is a well-formed ``check`` or ``fix`` invocation is parsed here, with :mod:`argparse`, and
handed to :mod:`autofix.commands`, which the typer commands call too.  Anything else (help,
``--version``, the other commands, and every command line this parser does not accept exactly)
goes to the full command line in :mod:`autofix.cli`, which also reports usage errors.  A test
holds the options declared here to those of the typer commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

#: (flags, dest, kind, environment variable); kind: "flag", "value", "many", "int", "format", "pair"
_COMMON: tuple[tuple[tuple[str, ...], str, str, str | None], ...] = (
    (("--select",), "select", "many", None),
    (("--ignore",), "ignore", "many", None),
    (("--format",), "output_format", "format", None),
    (("--stdin-filename",), "stdin_filename", "value", None),
    (("--jobs", "-j"), "jobs", "int", None),
    (("--exclude",), "exclude", "many", None),
    (("--no-gitignore",), "no_gitignore", "flag", None),
    (("--dr",), "dr", "value", None),
    (("--unsafe-fixes", "--no-unsafe-fixes"), "unsafe_fixes", "pair", None),
    (("--max-bytes",), "max_bytes", "value", "AUTOFIX_MAX_BYTES"),
    (("--no-progress",), "no_progress", "flag", None),
    (("--report",), "report", "value", None),
    (("--output-file", "-o"), "output_file", "value", None),
    (("--show-unused-suppressions",), "show_unused_suppressions", "flag", None),
    (("--only-templates",), "only_templates", "flag", None),
    (("--dask-scheduler",), "dask_scheduler", "value", "AUTOFIX_DASK_SCHEDULER"),
)
OPTIONS: dict[str, tuple[tuple[tuple[str, ...], str, str, str | None], ...]] = {
    "check": _COMMON,
    "fix": (*_COMMON, (("--diff",), "diff", "flag", None), (("--patch",), "patch", "flag", None),
            (("--validate",), "validate", "flag", None)),
}
FORMATS = ("text", "json", "sarif", "github")


class _Unsupported(Exception):
    """Not a command line this parser takes on: the full command line will."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # never print usage here; typer does that
        raise _Unsupported(message)


def _formatter(prog: str) -> argparse.HelpFormatter:
    # this parser never prints help (typer does); a fixed width spares argparse's import of shutil
    return argparse.HelpFormatter(prog, width=80)


def _parser(command: str) -> _Parser:
    parser = _Parser(prog=f"autofix {command}", add_help=False, allow_abbrev=False, formatter_class=_formatter)
    parser.add_argument("paths", nargs="+")
    for flags, dest, kind, _env in OPTIONS[command]:
        if kind == "flag":
            parser.add_argument(*flags, dest=dest, action="store_true")
        elif kind == "pair":
            parser.add_argument(flags[0], dest=dest, action="store_const", const=True, default=None)
            parser.add_argument(flags[1], dest=dest, action="store_const", const=False)
        elif kind == "many":
            parser.add_argument(*flags, dest=dest, action="append", default=None)
        elif kind == "int":
            parser.add_argument(*flags, dest=dest, type=int, default=None)
        else:
            parser.add_argument(*flags, dest=dest, default=None)
    return parser


def parse(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """``(command, options)`` for :mod:`autofix.commands`, or None to leave ``argv`` to typer."""
    if not argv or argv[0] not in OPTIONS:
        return None
    command, rest = argv[0], list(argv[1:])
    if any(a.startswith("-") and a != "-" and a.lstrip("-").split("=")[0] in {"help", "h"} for a in rest):
        return None
    try:
        options = vars(_parser(command).parse_intermixed_args(rest))
    except (_Unsupported, ValueError, TypeError):
        return None
    if any(p.startswith("-") and p != "-" for p in options["paths"]):
        return None  # click would read this as an option
    if options["jobs"] is not None and options["jobs"] < 1:
        return None
    if options["output_format"] is None:
        options["output_format"] = "text"
    elif options["output_format"] not in FORMATS:
        return None
    for _flags, dest, _kind, env in OPTIONS[command]:
        if env and options[dest] is None and os.environ.get(env):
            options[dest] = os.environ[env]
    if options["output_file"] is not None:
        if os.path.isdir(options["output_file"]):
            return None  # typer refuses a directory with its own message
        from pathlib import Path

        options["output_file"] = Path(options["output_file"])
    from autofix.formats import OutputFormat

    options["output_format"] = OutputFormat(options["output_format"])
    return command, options


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    args = sys.argv[1:] if argv is None else list(argv)
    parsed = parse(args)
    if parsed is None:
        from autofix.cli import main as full

        full()
        return
    command, options = parsed
    try:
        from autofix import commands

        getattr(commands, command)(**options)
        code = 0
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:
        from autofix.commands import EXIT_ERROR, Exit, echo
        from autofix.errors import AutofixError
        from autofix.escape import visible

        if isinstance(exc, Exit):
            code = exc.code
        elif isinstance(exc, AutofixError):  # pragma: no cover - the commands catch their own
            echo(f"error: {visible(exc.message)}", err=True)
            code = EXIT_ERROR
        else:
            raise
    raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
