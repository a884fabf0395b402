"""The ``autofix`` entry point: plain ``check`` and ``fix`` runs start without typer, click or rich.

Building the typer application costs more than checking a small template, so a command line
that is a well-formed ``check`` or ``fix`` invocation is parsed here (by a small reader of the
option table below: even :mod:`argparse` costs a few milliseconds to import) and handed to
:mod:`autofix.commands`, which the typer commands call too.  Anything else (help,
``--version``, the other commands, and every command line this parser does not accept exactly)
goes to the full command line in :mod:`autofix.cli`, which also reports usage errors.  A test
holds the options declared here to those of the typer commands.
"""

from __future__ import annotations

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
    (("--no-cache",), "no_cache", "flag", None),
    (("--cache-dir",), "cache_dir", "value", "AUTOFIX_CACHE_DIR"),
)
OPTIONS: dict[str, tuple[tuple[tuple[str, ...], str, str, str | None], ...]] = {
    "check": _COMMON,
    "fix": (*_COMMON, (("--diff",), "diff", "flag", None), (("--patch",), "patch", "flag", None),
            (("--validate",), "validate", "flag", None)),
}
FORMATS = ("text", "json", "sarif", "github", "html")


def _table(command: str) -> dict[str, tuple[str, str, bool | None]]:
    """Each flag of ``command`` -> (dest, kind, constant for the two halves of a "pair")."""
    table: dict[str, tuple[str, str, bool | None]] = {}
    for flags, dest, kind, _env in OPTIONS[command]:
        if kind == "pair":
            table[flags[0]] = (dest, kind, True)
            table[flags[1]] = (dest, kind, False)
        else:
            for flag in flags:
                table[flag] = (dest, kind, None)
    return table


def _read(command: str, args: list[str]) -> dict[str, Any] | None:
    """The options and paths of ``args``, or None for anything but a plain, well-formed command line.

    Long options as ``--opt value`` or ``--opt=value``, short ones as ``-j 2`` or ``-j2``, options and
    paths in any order, ``--`` before paths.  Whatever is unusual (an unknown or abbreviated option, a
    value that looks like an option, a flag given a value) is left to typer, which decides and words
    the error, so this parser can only ever agree with it or step aside.
    """
    table = _table(command)
    options: dict[str, Any] = {dest: None for _flags, dest, _kind, _env in OPTIONS[command]}
    options.update({dest: False for _flags, dest, kind, _env in OPTIONS[command] if kind == "flag"})
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            paths.extend(args[i:])
            break
        if not arg.startswith("-") or arg == "-":
            paths.append(arg)
            continue
        if arg.startswith("--"):
            flag, has_value, value = arg.partition("=")
        else:  # a short option, its value attached or not
            flag, value = arg[:2], arg[2:]
            has_value = "=" if value else ""
        known = table.get(flag)
        if known is None:
            return None
        dest, kind, constant = known
        if kind in ("flag", "pair"):
            if has_value:
                return None
            options[dest] = True if kind == "flag" else constant
            continue
        if not has_value:
            if i >= len(args) or (args[i].startswith("-") and args[i] != "-"):
                return None
            value = args[i]
            i += 1
        if kind == "many":
            options[dest] = [*(options[dest] or []), value]
        elif kind == "int":
            try:
                options[dest] = int(value)
            except ValueError:
                return None
        else:
            options[dest] = value
    if not paths:
        return None
    options["paths"] = paths
    return options


def parse(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """``(command, options)`` for :mod:`autofix.commands`, or None to leave ``argv`` to typer."""
    if not argv or argv[0] not in OPTIONS:
        return None
    command, rest = argv[0], list(argv[1:])
    if any(a.startswith("-") and a != "-" and a.lstrip("-").split("=")[0] in {"help", "h"} for a in rest):
        return None
    options = _read(command, rest)
    if options is None:
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
