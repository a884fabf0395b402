"""Run the pipeline over many files, in parallel, with results in a stable order.

Workers receive a path and settings and return a :class:`FileResult`; the
parent process alone writes files, so a crash of a worker cannot leave a
file half-written.  Results come back in input order whatever the scheduling.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from autofix.document import decode
from autofix.errors import LoadError
from autofix.pipeline import ErrorEntry, FileResult, process_text
from autofix.settings import Settings


def read_text(path: str, settings: Settings) -> str:
    """Read and decode ``path``, refusing huge, binary and non-UTF-8 files with a :class:`LoadError`.

    At most ``max_bytes + 1`` bytes are ever read, so a file that grows meanwhile, a pipe or a
    device cannot exhaust memory.
    """
    limit = settings.max_bytes
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise LoadError(f"file is larger than the limit of {limit} bytes ({size} bytes; see --max-bytes)")
            data = handle.read(limit + 1)
    except IsADirectoryError:
        raise LoadError("cannot read file: is a directory") from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise LoadError(f"file is larger than the limit of {limit} bytes (see --max-bytes)")
    return decode(data)


def process_path(path: str, settings: Settings, fix: bool) -> FileResult:
    """One file, from disk: never raises, whatever the file holds.

    Bad input is the tool's own :class:`LoadError`; anything else escaping the pipeline is a
    bug, reported for this file as an internal error so the rest of the batch still runs.
    """
    try:
        text = read_text(path, settings)
    except LoadError as exc:
        result = FileResult(path)
        result.errors.append(ErrorEntry(path, exc.message, exc.line, exc.column))
        return result
    try:
        return process_text(text, path, settings, fix=fix)
    except Exception as exc:  # a bug must cost one file, not the batch
        result = FileResult(path, original=text)
        result.errors.append(ErrorEntry(path, f"internal error: {type(exc).__name__}: {exc} "
                                        "(please report this; the file was left untouched)"))
        return result


def _job(args: tuple[str, Settings, bool]) -> FileResult:
    """A worker's unit of work: one path.  Nothing a file holds may stop the batch."""
    path = args[0]
    try:
        result = process_path(*args)
    except Exception as exc:  # a bug, not bad input: still one error entry, never a dead run
        result = FileResult(path)
        result.errors.append(ErrorEntry(path, f"internal error: {type(exc).__name__}: {exc}"))
        return result
    if not result.changed and not result.findings:
        result.original = None  # the parent needs the text only to diff, write or place fixes; spare the pipe
    return result


def _watch_parent(parent: int) -> None:
    """Worker start-up: exit as soon as the parent is gone.

    A parent killed outright (SIGKILL, OOM) cannot stop its pool, and a forked worker that
    inherited both ends of the task pipe would wait for work forever.  Workers never write
    files, so leaving at once loses nothing.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="autofix-parent-watch", daemon=True).start()


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run(paths: Sequence[str], settings: Settings, *, fix: bool, jobs: int | None = None,
        progress: Callable[[int], None] | None = None) -> Iterator[FileResult]:
    """Yield one result per path, in the order of ``paths``."""
    jobs = jobs or default_jobs()
    work = [(p, settings, fix) for p in paths]
    if jobs <= 1 or len(work) <= 1:
        for item in work:
            yield _job(item)
            if progress:
                progress(1)
        return
    chunk = max(1, min(16, len(work) // (jobs * 8) or 1))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_watch_parent, initargs=(os.getpid(),)) as pool:
        for result in pool.map(_job, work, chunksize=chunk):
            yield result
            if progress:
                progress(1)
