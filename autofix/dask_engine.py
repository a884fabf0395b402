"""Dask distributed as the engine beyond one machine (``--dask-scheduler ADDRESS``; needs ``autofix[dask]``).

The client (the ``autofix`` process) walks, reads and writes every file; workers only run the
pure per-file function (:func:`autofix.pipeline.process_text`) on the text they are sent, so
they need no shared file system, only ``autofix`` installed at the same version.  Files travel
in batches, one task each, sized by characters so that a task is worth what Dask charges for it
(see :class:`Sizes`); at most a bounded window of batches is in flight (twice as many as the
cluster has threads, at least :data:`MIN_WINDOW`), so the client's memory stays flat on any
corpus; results are put back in input order, so the output is the same as a local run's.  The
cache (:mod:`autofix.cache`) is the client's: a file whose result it holds is never sent.

A worker that dies is the scheduler's to recover: tasks it held are rescheduled, and a task
that keeps killing workers fails with ``KilledWorker`` (so may its bystanders, on a cluster
that allows few failures).  The client then lets the batches in flight finish, splits each
failed batch and runs each of its files once more, alone; one that fails again becomes that
file's error.  No result is lost.

``dask`` and ``distributed`` are imported only here, and only when this engine is asked for.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from autofix import __version__
from autofix.errors import AutofixError, LoadError
from autofix.pipeline import ErrorEntry, FileResult
from autofix.runner import died, guarded, read_error, read_text, slim
from autofix.settings import Settings

if TYPE_CHECKING:
    from autofix.cache import Cache

#: Fewest batches in flight, whatever the size of the cluster.
MIN_WINDOW = 4
#: A batch (one task) holds at most this many files, and stops growing past its budget of characters:
#: :data:`BATCH_CHARS` (about half a second of work: a Dask task costs the client, the scheduler and
#: the worker some milliseconds each, which a batch this size makes small), less towards the end of a
#: run so that the last batches finish together, never below :data:`MIN_BATCH_CHARS`.
BATCH_FILES = 256
BATCH_CHARS = 1_000_000
MIN_BATCH_CHARS = 64_000
#: Seconds to wait for the scheduler before giving up (read when :func:`connect` runs, so it can be changed).
CONNECT_TIMEOUT = 10


class EngineError(AutofixError):
    """The distributed engine cannot be used (extra missing, scheduler unreachable, workers unfit)."""


def process_remote(text: str, path: str, settings: Settings, fix: bool, kill_pattern: str | None = None,
                   client_pid: int | None = None) -> FileResult:
    """A worker's task: one file's text in, its result out (without the text, which the client has).

    ``kill_pattern`` is the test-only hook of :data:`autofix.runner.KILL_WORKER_ENV`: a worker
    process (never the client's own) handed a matching file name kills itself.
    """
    if kill_pattern and os.getpid() != client_pid and kill_pattern in os.path.basename(path):
        os.kill(os.getpid(), signal.SIGKILL)
    result = guarded(text, path, settings, fix)
    result.original = None  # the client holds the text and puts it back
    return result


def process_batch(items: list[tuple[str, str]], settings: Settings, fix: bool, kill_pattern: str | None = None,
                  client_pid: int | None = None) -> list[FileResult]:
    """A worker's task: :func:`process_remote` over a batch of ``(text, path)`` pairs (one task per file
    would cost more in scheduling than checking a small template).

    The cyclic garbage collector is paused meanwhile: templates are plain data without cycles, yet
    a worker process holds so many objects (Dask's own among them) that the collections their
    allocations set off would cost a fifth of the work.  It is restored after, whatever happens.
    """
    with _Collector.paused():
        return [process_remote(text, path, settings, fix, kill_pattern, client_pid) for text, path in items]


class _Collector:
    """Pauses the cyclic garbage collector while any batch of this worker process runs (a worker may
    run several at once, one per thread) and restores it as it was when the last one ends."""

    lock = threading.Lock()
    running = 0
    was_enabled = True

    @classmethod
    @contextlib.contextmanager
    def paused(cls) -> Iterator[None]:
        with cls.lock:
            if cls.running == 0:
                cls.was_enabled = gc.isenabled()
                gc.disable()
            cls.running += 1
        try:
            yield
        finally:
            with cls.lock:
                cls.running -= 1
                if cls.running == 0 and cls.was_enabled:
                    gc.enable()


class Sizes:
    """How many characters a batch may hold: what is left to send, shared out so that each thread of
    the cluster gets two more batches, between :data:`MIN_BATCH_CHARS` and :data:`BATCH_CHARS`
    (file sizes from ``stat``; a file that cannot be stated counts as small)."""

    def __init__(self, paths: Sequence[str], threads: int) -> None:
        left = [0] * (len(paths) + 1)
        for i in range(len(paths) - 1, -1, -1):
            try:
                size = os.stat(paths[i]).st_size
            except OSError:
                size = 0
            left[i] = left[i + 1] + size
        self.left = left
        self.shares = 2 * threads

    def budget(self, start: int) -> int:
        """The budget of a batch starting at the ``start``-th file."""
        return max(MIN_BATCH_CHARS, min(BATCH_CHARS, self.left[start] // self.shares))


def worker_version() -> str:
    return __version__


def connect(address: str, timeout: float | None = None) -> DaskEngine:
    """A :class:`DaskEngine` on the scheduler at ``address``, or :class:`EngineError` saying why not.

    ``timeout`` defaults to :data:`CONNECT_TIMEOUT` as it is at the call, not as it was when this
    function was defined, so that a caller (or a test) that sets the module's value is obeyed.
    """
    if timeout is None:
        timeout = CONNECT_TIMEOUT
    try:
        from distributed import Client
    except ImportError:
        raise EngineError("--dask-scheduler needs Dask distributed: pip install 'autofix[dask]'") from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address...
        raise EngineError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        versions = client.run(worker_version)
    except Exception as exc:
        client.close()
        raise EngineError(f"the Dask workers at {address} cannot run autofix (install autofix {__version__} "
                          f"on them): {type(exc).__name__}: {exc}") from None
    wrong = sorted({v for v in versions.values() if v != __version__})
    if wrong:
        client.close()
        raise EngineError(f"the Dask workers at {address} run autofix {', '.join(wrong)}; this is autofix "
                          f"{__version__} (install the same version everywhere)")
    if not versions:
        client.close()
        raise EngineError(f"the Dask scheduler at {address} has no workers")
    return DaskEngine(client, owned=True)


class DaskEngine:
    """Maps :func:`process_batch` over files on a ``distributed.Client``."""

    def __init__(self, client: Any, *, owned: bool = False) -> None:
        self.client = client
        self.owned = owned

    def close(self) -> None:
        if self.owned:
            self.client.close()

    def threads(self) -> int:
        """Worker threads of the cluster (at least one)."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # pragma: no cover - a scheduler that went away fails the run just after
            return 1

    def run(self, paths: Sequence[str], settings: Settings, *, fix: bool,
            progress: Callable[[int], None] | None = None, kill_pattern: str | None = None,
            cache: Cache | None = None) -> Iterator[FileResult]:
        """Yield one result per path, in the order of ``paths``.

        With a ``cache``, this process looks each text up before sending it and stores what comes back.
        """
        from distributed import as_completed

        run_id = uuid.uuid4().hex[:12]
        threads = self.threads()
        window = max(MIN_WINDOW, 2 * threads)
        sizes = Sizes(paths, threads)
        pending = as_completed(loop=self.client.loop)
        inflight: dict[Any, list[int]] = {}  # future -> the indexes of its batch
        texts: dict[int, str] = {}
        done: dict[int, FileResult] = {}
        submitted = yielded = 0
        total = len(paths)

        def submit(batch: list[int], key: str) -> Any:
            items = [(texts[i], paths[i]) for i in batch]
            return self.client.submit(process_batch, items, settings, fix, kill_pattern, os.getpid(),
                                      key=f"autofix-{run_id}-{key}", pure=False, retries=1)

        def collect(future: Any, batch: list[int]) -> bool:
            """Put a batch's results in ``done``; False when its worker died."""
            results = self._collect(future, [paths[i] for i in batch], [texts[i] for i in batch])
            if results is None:
                return False
            for i, result in zip(batch, results, strict=True):
                if cache is not None:
                    cache.put(paths[i], texts[i], result, settings, fix)
                done[i] = slim(result)
                del texts[i]
            return True

        def read(index: int) -> bool:
            """Read file ``index``: True when it is to be sent, False when its result is known here."""
            try:
                texts[index] = read_text(paths[index], settings)
            except LoadError as exc:
                done[index] = read_error(paths[index], exc)
                return False
            if cache is not None:
                hit = cache.get(paths[index], texts[index], settings, fix)
                if hit is not None:
                    done[index] = hit
                    del texts[index]
                    return False
            return True

        suspects: list[int] = []
        while yielded < total:
            while not suspects and submitted < total and len(inflight) < window \
                    and submitted - yielded < window * BATCH_FILES:
                batch, size, budget = [], 0, sizes.budget(submitted)
                while submitted < total and len(batch) < BATCH_FILES and size < budget:
                    index, submitted = submitted, submitted + 1
                    if read(index):
                        batch.append(index)
                        size += len(texts[index])
                if batch:
                    future = submit(batch, str(batch[0]))
                    inflight[future] = batch
                    pending.add(future)
            while yielded in done:
                result = done.pop(yielded)
                yielded += 1
                yield result
                if progress:
                    progress(1)
            if yielded >= total:
                break
            if inflight:
                future = next(pending)
                batch = inflight.pop(future)
                if not collect(future, batch):  # its worker died: a culprit in it, or bystanders
                    suspects.extend(batch)
            elif suspects:
                # nothing else in flight now: the failed batches are split, and each of their files
                # runs once more, alone, so that only a file that kills its worker again is lost
                for index in sorted(suspects):
                    if not collect(submit([index], f"{index}-again"), [index]):
                        done[index] = died(paths[index], "killed by signal 9?")
                        del texts[index]
                suspects.clear()

    @staticmethod
    def _collect(future: Any, paths: list[str], texts: list[str]) -> list[FileResult] | None:
        """The batch's results with their texts restored; None when its worker died."""
        from distributed.scheduler import KilledWorker

        try:
            results = future.result()
        except KilledWorker:
            return None
        except Exception as exc:  # a task that failed twice (retries=1) for another reason
            message = (f"internal error on the Dask cluster: {type(exc).__name__}: {exc} "
                       "(the file was left untouched)")
            return [FileResult(path, errors=[ErrorEntry(path, message)]) for path in paths]
        finally:
            future.release()
        for result, text in zip(results, texts, strict=True):
            result.original = text
        return results
