"""The ``autofix`` entry point: plain ``check`` and ``fix`` runs start without typer, click or rich.

Building the typer application costs more than checking a small template, so a command line
that is a well-formed ``check`` or ``fix`` invocation is parsed here (by a small reader of the
option table in :mod:`autofix.options`: even :mod:`argparse` costs a few milliseconds to import)
and handed to :mod:`autofix.commands`, which the typer commands call too.  Anything else (help,
``--version``, the other commands, and every command line this parser does not accept exactly)
goes to the full command line in :mod:`autofix.cli`, generated from the same table, which also
reports usage errors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from autofix.options import COMMANDS


def _table(command: str) -> dict[str, tuple[str, str, bool | None]]:
    """Each flag of ``command`` -> (dest, kind, constant for the two halves of a "pair")."""
    table: dict[str, tuple[str, str, bool | None]] = {}
    for option in COMMANDS[command].options:
        if option.kind == "pair":
            table[option.flags[0]] = (option.dest, option.kind, True)
            table[option.flags[1]] = (option.dest, option.kind, False)
        else:
            for flag in option.flags:
                table[flag] = (option.dest, option.kind, None)
    return table


def _read(command: str, args: list[str]) -> dict[str, Any] | None:
    """The options and paths of ``args``, or None for anything but a plain, well-formed command line.

    Long options as ``--opt value`` or ``--opt=value``, short ones as ``-j 2`` or ``-j2``, options and
    paths in any order, ``--`` before paths.  Whatever is unusual (an unknown or abbreviated option, a
    value that looks like an option, a flag given a value) is left to typer, which decides and words
    the error, so this parser can only ever agree with it or step aside.
    """
    table = _table(command)
    options: dict[str, Any] = {o.dest: False if o.kind == "flag" else None for o in COMMANDS[command].options}
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
        elif kind == "count":
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
    if not argv or argv[0] not in COMMANDS:
        return None
    command, rest = argv[0], list(argv[1:])
    if any(a.startswith("-") and a != "-" and a.lstrip("-").split("=")[0] in {"help", "h"} for a in rest):
        return None
    options = _read(command, rest)
    if options is None:
        return None
    if any(p.startswith("-") and p != "-" for p in options["paths"]):
        return None  # click would read this as an option
    for option in COMMANDS[command].options:
        value = options[option.dest]
        if value is None and option.env and os.environ.get(option.env):
            value = options[option.dest] = os.environ[option.env]
        if option.kind == "count" and value is not None and value < 1:
            return None
        if option.kind == "format":
            from autofix.formats import OutputFormat

            try:
                options[option.dest] = OutputFormat("text" if value is None else value)
            except ValueError:
                return None
        elif option.kind == "file" and value is not None:
            if os.path.isdir(value or "."):  # typer reads an empty path as "."
                return None  # typer refuses a directory with its own message
            from pathlib import Path

            options[option.dest] = Path(value)
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
