"""The arguments of ``autofix check``, ``autofix fix`` and ``autofix clean``, declared once.

:mod:`autofix.fastcli` parses a plain command line from this table without importing typer, and
:mod:`autofix.cli` generates the typer commands, their help included, from it: a new option is one
entry here (and the keyword of :func:`autofix.commands.check` / :func:`~autofix.commands.fix` it
fills).  The plain ``check`` and ``fix`` start by importing this module, so it holds data only.
"""

from __future__ import annotations


class Option:
    """One option of a command.

    ``kind`` says how it is read, the same way by both parsers:

    - ``flag``: ``--x``, true when given;
    - ``pair``: ``--x`` / ``--no-x`` (``flags`` holds both), None when neither is given;
    - ``value``: one string; ``many``: a string each time it is given (a list);
    - ``count``: an integer of at least 1;
    - ``format``: one of :class:`~autofix.formats.OutputFormat`'s values, ``text`` when not given;
    - ``file``: a path that must not be a directory.

    (A plain class: a named tuple compiles its constructor at every start of ``check``.)
    """

    __slots__ = ("dest", "env", "flags", "help", "kind", "metavar")

    def __init__(self, flags: tuple[str, ...], dest: str, kind: str, help: str, *, env: str | None = None,
                 metavar: str | None = None) -> None:
        self.flags = flags
        self.dest = dest  # the keyword of the command function it fills
        self.kind = kind
        self.help = help
        self.env = env  # the environment variable read when the option is not given
        self.metavar = metavar

    def __repr__(self) -> str:
        return f"Option({self.flags!r}, {self.dest!r}, {self.kind!r})"


class Command:
    """A command's help (its docstring in ``--help``) and its options, in the order ``--help`` lists them."""

    __slots__ = ("help", "options")

    def __init__(self, help: str, options: tuple[Option, ...]) -> None:
        self.help = help
        self.options = options


PATHS_HELP = "Template files or directories; '-' reads standard input."

_SELECT = Option(("--select",), "select", "many", "Only these rules (ids, names or prefixes; repeat or separate "
                 "with commas).")
_EXTEND_SELECT = Option(("--extend-select",), "extend_select", "many", "Add these rules to the selection "
                        "(e.g. opt-in rules to the default set; repeat or separate with commas).")
_SHOW_FIXES = Option(("--show-fixes",), "show_fixes", "flag", "Show each finding's detail and fix in text "
                     "output, and after a fix the findings it resolved.")
_IGNORE = Option(("--ignore",), "ignore", "many", "Skip these rules (ids or names).")
_FORMAT = Option(("--format",), "output_format", "format", "Output format.")
_STDIN_NAME = Option(("--stdin-filename",), "stdin_filename", "value", "Name to report for standard input.")
_JOBS = Option(("--jobs", "-j"), "jobs", "count", "Parallel worker processes (default: number of cores).")
_EXCLUDE = Option(("--exclude",), "exclude", "many", "Glob of files or directories to skip when walking "
                  "directories.")
_NO_GITIGNORE = Option(("--no-gitignore",), "no_gitignore", "flag", "Do not skip files that .gitignore ignores.")
_DR = Option(("--dr",), "dr", "value", "Treat templates as multi-region DR templates: auto, true or false.")
_UNSAFE = Option(("--unsafe-fixes", "--no-unsafe-fixes"), "unsafe_fixes", "pair", "Also apply fixes that add "
                 "architecture.")
_MAX_BYTES = Option(("--max-bytes",), "max_bytes", "value", "Refuse files larger than this (bytes, or 512K, "
                    "10M...; default 10M).", env="AUTOFIX_MAX_BYTES", metavar="SIZE")
_NO_PROGRESS = Option(("--no-progress",), "no_progress", "flag", "Never show a progress bar.")
_REPORT = Option(("--report",), "report", "value", "Also write the run's summary and errors to FILE as JSON.",
                 metavar="FILE")
_OUTPUT_FILE = Option(("--output-file", "-o"), "output_file", "file", "Write the report (in --format) to this "
                      "file instead of standard output.")
_SHOW_UNUSED = Option(("--show-unused-suppressions",), "show_unused_suppressions", "flag", "Also report Metadata "
                      "autofix ignore entries that suppress nothing.")
_ONLY_TEMPLATES = Option(("--only-templates",), "only_templates", "flag", "Skip files that are not "
                         "CloudFormation templates quietly, even when named (for pre-commit).")
_DASK = Option(("--dask-scheduler",), "dask_scheduler", "value", "Run on the Dask distributed cluster of this "
               "scheduler, e.g. tcp://10.0.0.5:8786 (needs autofix[dask] here and on the workers).",
               env="AUTOFIX_DASK_SCHEDULER", metavar="ADDRESS")
_NO_CACHE = Option(("--no-cache",), "no_cache", "flag", "Neither read nor write the result cache (also: "
                   "AUTOFIX_NO_CACHE=1).")
_CACHE_DIR = Option(("--cache-dir",), "cache_dir", "value", "Keep the result cache here (default: .autofix_cache "
                    "in the project root, else the current directory).", env="AUTOFIX_CACHE_DIR", metavar="DIR")

COMMANDS: dict[str, Command] = {
    "check": Command(
        "Report findings as file:line:col: RULE [*] message ([*]: a fix autofix fix would apply).",
        (_SELECT, _EXTEND_SELECT, _IGNORE, _FORMAT, _SHOW_FIXES, _STDIN_NAME, _JOBS, _EXCLUDE, _NO_GITIGNORE, _DR,
         _UNSAFE, _MAX_BYTES, _NO_PROGRESS, _REPORT, _OUTPUT_FILE, _SHOW_UNUSED, _ONLY_TEMPLATES, _DASK,
         _NO_CACHE, _CACHE_DIR)),
    "fix": Command(
        "Apply safe fixes in place (--unsafe-fixes adds unsafe ones); --diff or --patch only show them.",
        (_UNSAFE,
         Option(("--diff",), "diff", "flag", "Change nothing; print a unified diff of the fixes."),
         Option(("--patch",), "patch", "flag", "Change nothing; print the RFC 6902 patch for one file."),
         _SELECT, _EXTEND_SELECT, _IGNORE, _FORMAT, _SHOW_FIXES, _STDIN_NAME, _JOBS, _EXCLUDE, _NO_GITIGNORE, _DR,
         _MAX_BYTES, _NO_PROGRESS, _REPORT, _OUTPUT_FILE, _SHOW_UNUSED, _ONLY_TEMPLATES, _DASK,
         Option(("--validate",), "validate", "flag", "Run cfn-lint on each fixed template and do not write one "
                "that gains a cfn-lint error."),
         _NO_CACHE, _CACHE_DIR)),
}

#: ``autofix clean`` takes no paths and is never on the fast path (it is not in :data:`COMMANDS`, which
#: :mod:`autofix.fastcli` reads), but its ``--cache-dir`` is the same option as ``check``'s and ``fix``'s.
CLEAN = Command("Remove the result cache (.autofix_cache in the project root, or --cache-dir).", (_CACHE_DIR,))
