"""What ``autofix check`` and ``autofix fix`` do, apart from parsing the command line.

Both command-line front ends call these functions: the full one (:mod:`autofix.cli`, typer:
help, every command, usage errors) and the fast one (:mod:`autofix.fastcli`, the plain
``check`` and ``fix`` invocations, which start without importing typer).  Each ends by raising
:class:`Exit` with the exit code; nothing here imports more than the run needs.
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

from autofix.config import build_settings
from autofix.discover import discover
from autofix.errors import AutofixError, ConfigError, LoadError, WriteError
from autofix.escape import dumps, visible
from autofix.formats import OutputFormat, reporter
from autofix.pipeline import ErrorEntry, FileResult, process_text
from autofix.report import Summary, unified_diff
from autofix.runner import run
from autofix.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from autofix.formats.base import Reporter

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Exit(Exception):
    """End the command with exit code ``code``."""

    def __init__(self, code: int = EXIT_CLEAN) -> None:
        super().__init__(code)
        self.code = code


def echo(message: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{message}\n")
    stream.flush()


class _Run:
    """One check or fix run: its settings, output and the exit code it has earned so far."""

    def __init__(self, settings: Settings, fmt: OutputFormat, output_file: Path | None = None,
                 fix: bool = False, dry_run: bool = False) -> None:
        self.settings = settings
        self.fmt = fmt
        self.exit_code = EXIT_CLEAN
        self.output_file = output_file
        self.fix = fix
        self.dry_run = dry_run
        self._reporter: Reporter | None = None

    def worse(self, code: int) -> None:
        self.exit_code = max(self.exit_code, code)

    def reporter(self, stream: TextIO | None = None) -> Reporter:
        """The run's reporter, writing to ``stream`` (stdout) or, with --output-file, to a buffer."""
        if self._reporter is None:
            out = io.StringIO() if self.output_file else (stream or sys.stdout)
            self._reporter = reporter(self.fmt, out, self.settings, fix=self.fix,
                                      color=False if self.output_file else None, dry_run=self.dry_run)
        return self._reporter

    def close(self) -> None:
        """Finish the report; with --output-file, write it there (a failure to write is exit 2)."""
        if self._reporter is None or self.output_file is None:
            return
        try:
            self.output_file.write_text(self._reporter.out.getvalue(), encoding="utf-8")
        except OSError as exc:
            echo(f"error: cannot write {visible(self.output_file)}: {visible(exc.strerror or exc)}", err=True)
            self.worse(EXIT_ERROR)


def _write_diff(diff: str, stream: TextIO) -> None:
    from autofix.formats.text import write_diff

    write_diff(diff, stream)


def _settings(paths: list[str], select, ignore, dr, unsafe, exclude, max_bytes, extend_select,
              show_fixes) -> Settings:
    return build_settings(paths, select=select, ignore=ignore, dr=dr, unsafe_fixes=unsafe, exclude=exclude,
                          max_bytes=max_bytes, extend_select=extend_select, show_fixes=show_fixes)


def _fail(message: str) -> Exit:
    echo(f"error: {visible(message)}", err=True)
    return Exit(EXIT_ERROR)


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


def _engine(address: str | None):
    """The distributed engine for ``--dask-scheduler`` (None: run locally); exit 2 when unusable."""
    if not address:
        return None
    from autofix.dask_engine import connect

    try:
        return connect(address)
    except AutofixError as exc:
        raise _fail(exc.message) from None


def _tune_gc() -> None:
    """For a command-line run: the cyclic garbage collector fires every few hundred allocations and
    rescans the modules, rules and schemas loaded at start-up, yet templates are plain data without
    cycles.  Those are set apart (``gc.freeze``) and collections come less often.  The library
    never touches the collector: this is the command line's process."""
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _cache(paths: list[str], settings: Settings, no_cache: bool, cache_dir: str | None):
    """The run's result cache (see :mod:`autofix.cache`), or None: ``--no-cache``, ``AUTOFIX_NO_CACHE``,
    or a directory that cannot be created."""
    from autofix import cache

    if no_cache or cache.disabled_by_environment():
        return None
    return cache.open_cache(cache.cache_root(paths, cache_dir), settings)


def _results(paths: list[str], settings: Settings, *, fix: bool, jobs: int | None, gitignore: bool,
             progress: bool, scheduler: str | None = None, cache=None):
    # by path, as a directory walk orders its files: every output format lists files in this order
    targets = sorted(discover(paths, settings.exclude, gitignore), key=lambda t: t.path)
    _tune_gc()  # local workers are forked after this and inherit it
    engine = _engine(scheduler)
    try:
        bar = _progress(len(targets), progress)
        if bar is None:
            yield from zip(targets, run([t.path for t in targets], settings, fix=fix, jobs=jobs, engine=engine,
                                        cache=cache), strict=False)
            return
        with bar:
            task = bar.add_task("autofix", total=len(targets))
            results = run([t.path for t in targets], settings, fix=fix, jobs=jobs,
                          progress=lambda n: bar.advance(task, n), engine=engine, cache=cache)
            yield from zip(targets, results, strict=False)
    finally:
        if engine is not None:
            engine.close()


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
        from autofix.write import atomic_write

        atomic_write(path, summary.report().encode("utf-8"))
    except OSError as exc:
        echo(f"error: cannot write report {visible(path)}: {visible(exc.strerror or exc)}", err=True)
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
        echo(f"{visible(filename)}{where}: error: {visible(exc.message)}", err=True)
        raise Exit(EXIT_ERROR) from None
    result = process_text(decoded, filename, state.settings, fix=fix)
    if not fix:
        _finish_check(state, [(result, True)])
        return
    if patch:
        echo(dumps(result.patch, indent=2))
        if result.patch:
            state.worse(EXIT_FINDINGS)
    elif diff:
        if result.changed:
            _write_diff(unified_diff(filename, result.original or "", result.fixed or ""), sys.stdout)
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


def _unwritten(result: FileResult, path: str, settings: Settings, exc: WriteError) -> FileResult:
    """A fixed file that could not be written: it still holds every finding it had, none fixed."""
    original = result.original or ""
    try:
        unfixed = process_text(original, path, settings, fix=False)
    except Exception:  # pragma: no cover - it just ran with fix=True on the same text
        unfixed = FileResult(path, original=original)
    unfixed.errors = [e for e in unfixed.errors if e not in result.errors] + result.errors
    unfixed.errors.append(ErrorEntry(path, exc.message, kind="write"))
    return unfixed


def _fold(state: _Run, result: FileResult, explicit: bool) -> None:
    if any(e.kind != "not-a-template" or explicit for e in result.errors):
        state.worse(EXIT_ERROR)
    if result.findings:
        state.worse(EXIT_FINDINGS)


def check(
    paths: list[str],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    output_format: OutputFormat = OutputFormat.text,
    stdin_filename: str | None = None,
    jobs: int | None = None,
    exclude: list[str] | None = None,
    no_gitignore: bool = False,
    dr: str | None = None,
    unsafe_fixes: bool | None = None,
    max_bytes: str | None = None,
    no_progress: bool = False,
    report: str | None = None,
    output_file: Path | None = None,
    show_unused_suppressions: bool = False,
    only_templates: bool = False,
    dask_scheduler: str | None = None,
    extend_select: list[str] | None = None,
    show_fixes: bool = False,
    no_cache: bool = False,
    cache_dir: str | None = None,
) -> NoReturn:
    """Report findings as file:line:col: RULE [*] message ([*]: a fix autofix fix would apply)."""
    try:
        settings = _settings(paths, select, ignore, dr, unsafe_fixes, exclude, max_bytes, extend_select,
                             show_fixes)
    except ConfigError as exc:
        raise _fail(exc.message) from None
    settings = settings.with_(show_unused_suppressions=show_unused_suppressions)
    state = _Run(settings, output_format, output_file=output_file)
    if paths == ["-"]:
        _stdin(state, stdin_filename, fix=False, diff=False, patch=False)
        state.close()
        raise Exit(state.exit_code)
    summary = Summary()
    for target, result in _results(paths, settings, fix=False, jobs=jobs, gitignore=not no_gitignore,
                                   progress=not no_progress, scheduler=dask_scheduler,
                                   cache=_cache(paths, settings, no_cache, cache_dir)):
        explicit = target.explicit and not only_templates
        summary.add(result, settings, explicit)
        _emit(state, result, explicit)
    state.reporter().finish(summary)
    state.close()
    if output_format is OutputFormat.text and (summary.files > 1 or summary.findings_by_rule
                                               or summary.unsafe_hidden):
        echo(_summary_line(summary, fix=False), err=True)
    _write_report(state, report, summary)
    raise Exit(state.exit_code)


def fix(
    paths: list[str],
    unsafe_fixes: bool | None = None,
    diff: bool = False,
    patch: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    output_format: OutputFormat = OutputFormat.text,
    stdin_filename: str | None = None,
    jobs: int | None = None,
    exclude: list[str] | None = None,
    no_gitignore: bool = False,
    dr: str | None = None,
    max_bytes: str | None = None,
    no_progress: bool = False,
    report: str | None = None,
    output_file: Path | None = None,
    show_unused_suppressions: bool = False,
    only_templates: bool = False,
    dask_scheduler: str | None = None,
    validate: bool = False,
    extend_select: list[str] | None = None,
    show_fixes: bool = False,
    no_cache: bool = False,
    cache_dir: str | None = None,
) -> NoReturn:
    """Apply safe fixes in place (--unsafe-fixes adds unsafe ones); --diff or --patch only show them."""
    if diff and patch:
        raise _fail("--diff and --patch are alternatives; choose one")
    try:
        settings = _settings(paths, select, ignore, dr, unsafe_fixes, exclude, max_bytes, extend_select,
                             show_fixes)
        if validate:
            from autofix.validate import require_cfn_lint

            require_cfn_lint()
    except ConfigError as exc:
        raise _fail(exc.message) from None
    settings = settings.with_(show_unused_suppressions=show_unused_suppressions, validate=validate)
    state = _Run(settings, output_format, output_file=output_file, fix=True, dry_run=diff or patch)
    if paths == ["-"]:
        _stdin(state, stdin_filename, fix=True, diff=diff, patch=patch)
        state.close()
        raise Exit(state.exit_code)
    targets_seen = 0
    summary = Summary()
    patches: list[list[dict]] = []
    if diff or patch:  # standard output holds the diff or the patch: the report goes to standard error
        state.reporter(sys.stderr)
    for target, result in _results(paths, settings, fix=True, jobs=jobs, gitignore=not no_gitignore,
                                   progress=not no_progress, scheduler=dask_scheduler,
                                   cache=_cache(paths, settings, no_cache, cache_dir)):
        targets_seen += 1
        if result.changed and not diff and not patch:
            try:
                from autofix.write import write_back

                write_back(target.path, result.original or "", result.fixed or "")
            except WriteError as exc:
                result = _unwritten(result, target.path, settings, exc)
        explicit = target.explicit and not only_templates
        summary.add(result, settings, explicit)
        if patch:
            patches.append(result.patch)
        if diff and result.changed:
            state.worse(EXIT_FINDINGS)
            _write_diff(unified_diff(target.path, result.original or "", result.fixed or ""), sys.stdout)
        _emit(state, result, explicit)
    if patch:
        if targets_seen != 1:
            raise _fail(f"--patch prints the patch of a single file; {targets_seen} files were given")
        echo(dumps(patches[0], indent=2))
        if patches[0]:
            state.worse(EXIT_FINDINGS)
    state.reporter().finish(summary)
    state.close()
    if output_format is OutputFormat.text and not patch:
        echo(_summary_line(summary, fix=True, dry_run=diff), err=True)
    _write_report(state, report, summary)
    raise Exit(state.exit_code)


def clean(cache_dir: str | None = None) -> NoReturn:
    """Remove the result cache that runs from here use (``.autofix_cache`` in the project root, or
    ``--cache-dir``); a directory that is not an autofix cache is refused."""
    from autofix import cache

    root = cache.cache_root(["."], cache_dir)
    try:
        removed = cache.clean(root)
    except OSError as exc:
        raise _fail(str(exc.strerror or exc)) from None
    if removed:
        echo(f"Removed cache at {visible(root)}", err=True)
    raise Exit(EXIT_CLEAN)
