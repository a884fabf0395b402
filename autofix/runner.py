"""Run the pipeline over many files, in parallel, with results in a stable order.

Workers receive a path and settings and return a :class:`FileResult`; the
parent process alone writes files, so a crash of a worker cannot leave a
file half-written.  Results come back in input order whatever the scheduling.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from autofix.document import decode
from autofix.errors import LoadError
from autofix.pipeline import ErrorEntry, FileResult, process_text
from autofix.settings import Settings

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from autofix.cache import Cache


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


def process_path(path: str, settings: Settings, fix: bool, cache: Cache | None = None) -> FileResult:
    """One file, from disk: never raises, whatever the file holds.

    Bad input is the tool's own :class:`LoadError`; anything else escaping the pipeline is a
    bug, reported for this file as an internal error so the rest of the batch still runs.
    With a ``cache``, a result stored for the same text (and everything else it depends on) is
    taken instead of running the pipeline, and a new result is stored.
    """
    try:
        text = read_text(path, settings)
    except LoadError as exc:
        return read_error(path, exc)
    if cache is None:
        return guarded(text, path, settings, fix)
    result = cache.get(path, text, settings, fix)
    if result is None:
        result = guarded(text, path, settings, fix)
        cache.put(path, text, result, settings, fix)
    return result


def guarded(text: str, path: str, settings: Settings, fix: bool) -> FileResult:
    """:func:`~autofix.pipeline.process_text` for one file of a batch: a bug costs that file, never the batch."""
    try:
        return process_text(text, path, settings, fix=fix)
    except Exception as exc:
        result = FileResult(path, original=text)
        result.errors.append(ErrorEntry(path, f"internal error: {type(exc).__name__}: {exc} "
                                        "(please report this; the file was left untouched)", kind="internal"))
        return result


def read_error(path: str, exc: LoadError) -> FileResult:
    result = FileResult(path)
    result.errors.append(ErrorEntry(path, exc.message, exc.line, exc.column))
    return result


#: Test-only hook: a worker process that is handed a file whose name contains this
#: environment variable's value kills itself with SIGKILL, as the OOM killer would.  Read in
#: the parent and passed with the work; it never fires in the parent process itself.
KILL_WORKER_ENV = "AUTOFIX_TEST_KILL_WORKER"

WORKER_DIED = "worker process died while processing this file ({cause}); the file was left untouched"


def kill_pattern() -> str | None:
    return os.environ.get(KILL_WORKER_ENV) or None


def _maybe_die(path: str, pattern: str | None) -> None:
    if pattern and _IN_WORKER and pattern in os.path.basename(path):
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def slim(result: FileResult) -> FileResult:
    """Drop the text a parent does not need (it needs it only to diff, write or place fixes)."""
    if not result.changed and not result.findings:
        result.original = None
    return result


def _job(args: tuple) -> FileResult:
    """A worker's unit of work: one path.  Nothing a file holds may stop the batch."""
    path, settings, fix = args[:3]
    _maybe_die(path, args[3] if len(args) > 3 else None)
    try:
        result = process_path(path, settings, fix, args[4] if len(args) > 4 else None)
    except Exception as exc:  # a bug, not bad input: still one error entry, never a dead run
        result = FileResult(path)
        result.errors.append(ErrorEntry(path, f"internal error: {type(exc).__name__}: {exc}", kind="internal"))
        return result
    return slim(result)


def _chunk_job(items: list[tuple]) -> list[FileResult]:
    return [_job(item) for item in items]


def died(path: str, cause: str = "killed by signal 9?") -> FileResult:
    """The result of a file whose worker died under it."""
    result = FileResult(path)
    result.errors.append(ErrorEntry(path, WORKER_DIED.format(cause=cause)))
    return result


_IN_WORKER = False


def _watch_parent(parent: int) -> None:
    """Worker start-up: exit as soon as the parent is gone.

    A parent killed outright (SIGKILL, OOM) cannot stop its pool, and a forked worker that
    inherited both ends of the task pipe would wait for work forever.  Workers never write
    files, so leaving at once loses nothing.
    """

    global _IN_WORKER
    _IN_WORKER = True

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    import threading  # workers only: kept off the start-up of a one-file run

    threading.Thread(target=watch, name="autofix-parent-watch", daemon=True).start()


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run(paths: Sequence[str], settings: Settings, *, fix: bool, jobs: int | None = None,
        progress: Callable[[int], None] | None = None, engine: object | None = None,
        cache: Cache | None = None) -> Iterator[FileResult]:
    """Yield one result per path, in the order of ``paths``.

    ``engine`` is a connected distributed engine (see :mod:`autofix.dask_engine`); None runs
    locally, in this process for one job, else in a pool of ``jobs`` worker processes.
    ``cache`` (see :mod:`autofix.cache`) is read and written where the files are read: by
    local workers, or by this process for a distributed engine.
    """
    pattern = kill_pattern()
    if engine is not None:
        yield from engine.run(paths, settings, fix=fix, progress=progress, kill_pattern=pattern, cache=cache)
        return
    jobs = jobs or default_jobs()
    work = [(p, settings, fix, pattern, cache) for p in paths]
    if jobs <= 1 or len(work) <= 1:
        for item in work:
            yield _job(item)
            if progress:
                progress(1)
        return
    size = max(1, min(16, len(work) // (jobs * 8) or 1))
    chunks = [work[i:i + size] for i in range(0, len(work), size)]
    for results in _Pool(jobs).map(chunks):
        yield from results
        if progress:
            progress(len(results))


class _Pool:
    """A process pool that survives the death of a worker.

    At most ``4 * jobs`` chunks are in flight, so memory stays flat on any corpus.  When a
    worker dies (SIGKILL, the OOM killer), every chunk still in flight in the broken pool is a
    suspect: each of its files is run once more, alone, in a fresh pool.  A file that kills its
    worker again is that file's error; the others get their results, and the run goes on in a
    fresh pool, in order.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def _fresh(self, workers: int | None = None) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=workers or self.jobs, initializer=_watch_parent,
                                   initargs=(os.getpid(),))

    def _drop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def map(self, chunks: list[list[tuple]]) -> Iterator[list[FileResult]]:
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        window = 4 * self.jobs
        pending: deque[tuple[list[tuple], Future | list[FileResult]]] = deque()
        upcoming = iter(chunks)
        try:
            while True:
                while len(pending) < window:
                    chunk = next(upcoming, None)
                    if chunk is None:
                        break
                    if self.pool is None:
                        self.pool = self._fresh()
                    try:
                        pending.append((chunk, self.pool.submit(_chunk_job, chunk)))
                    except BrokenProcessPool:
                        pending.append((chunk, _broken_future()))
                if not pending:
                    return
                chunk, head = pending[0]
                if isinstance(head, Future):
                    try:
                        head.result()
                    except BrokenProcessPool:
                        self._recover(pending)
                        continue
                pending.popleft()
                yield head.result() if isinstance(head, Future) else head
        finally:
            self._drop()

    def _recover(self, pending: deque) -> None:
        """The pool broke: rerun every file of every chunk it lost, alone, in a fresh pool."""
        from concurrent.futures import Future

        self._drop()
        for i, (chunk, future) in enumerate(pending):
            if isinstance(future, Future) and _lost(future):
                pending[i] = (chunk, [self._alone(item) for item in chunk])

    def _alone(self, item: tuple) -> FileResult:
        from concurrent.futures.process import BrokenProcessPool

        pool = self._fresh(1)
        try:
            future = pool.submit(_job, item)
            workers = list((getattr(pool, "_processes", None) or {}).values())
            try:
                return future.result()
            except BrokenProcessPool:
                return died(item[0], _cause(workers))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _lost(future: Future) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    try:
        future.result()
    except BrokenProcessPool:
        return True
    return False


def _broken_future() -> Future:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    future: Future = Future()
    future.set_exception(BrokenProcessPool("the pool was broken before this chunk could be submitted"))
    return future


def _cause(workers: list) -> str:
    """How the worker of a one-worker pool ended (best effort: the pool's processes are private)."""
    for process in workers:
        with contextlib.suppress(Exception):
            process.join(1)
            # the pool's own thread may reap the process first: then its exit code shows up a moment later
            deadline = time.monotonic() + 1
            while process.exitcode is None and time.monotonic() < deadline:
                time.sleep(0.01)
            if process.exitcode is not None and process.exitcode < 0:
                return f"killed by signal {-process.exitcode}"
    return "killed by signal 9?"
