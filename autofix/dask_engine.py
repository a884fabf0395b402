"""Dask distributed as the engine beyond one machine (``--dask-scheduler ADDRESS``; needs ``autofix[dask]``).

The client (the ``autofix`` process) walks, reads and writes every file; workers only run the
pure per-file function (:func:`autofix.pipeline.process_text`) on the text they are sent, so
they need no shared file system, only ``autofix`` installed at the same version.  At most a
bounded window of files is in flight (batches of up to :data:`BATCH_FILES` files, twice as
many batches as the cluster has threads, at least :data:`MIN_WINDOW`), so the client's memory
stays flat on any corpus; results are put back in input order, so the output is the same as a
local run's.

A worker that dies is the scheduler's to recover: tasks it held are rescheduled, and a task
that keeps killing workers fails with ``KilledWorker`` (so may its bystanders, on a cluster
that allows few failures).  The client then lets the files in flight finish and runs each such
file once more, alone; one that fails again becomes that file's error.  No result is lost.

``dask`` and ``distributed`` are imported only here, and only when this engine is asked for.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from autofix import __version__
from autofix.errors import AutofixError, LoadError
from autofix.pipeline import ErrorEntry, FileResult
from autofix.runner import died, guarded, read_error, read_text, slim
from autofix.settings import Settings

#: Fewest batches in flight, whatever the size of the cluster.
MIN_WINDOW = 4
#: A batch (one task) holds at most this many files, and stops growing past this many characters.
BATCH_FILES = 8
BATCH_CHARS = 1_000_000
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
    """A worker's task: :func:`process_remote` over a few ``(text, path)`` pairs (one task per file
    would cost more in scheduling than checking a small template)."""
    return [process_remote(text, path, settings, fix, kill_pattern, client_pid) for text, path in items]


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
    """Maps :func:`process_remote` over files on a ``distributed.Client``."""

    def __init__(self, client: Any, *, owned: bool = False) -> None:
        self.client = client
        self.owned = owned

    def close(self) -> None:
        if self.owned:
            self.client.close()

    def window(self) -> int:
        """Batches in flight: twice the cluster's threads, at least :data:`MIN_WINDOW`."""
        try:
            threads = sum(self.client.nthreads().values())
        except Exception:  # pragma: no cover - a scheduler that went away fails the run just after
            threads = 0
        return max(MIN_WINDOW, 2 * threads)

    def run(self, paths: Sequence[str], settings: Settings, *, fix: bool,
            progress: Callable[[int], None] | None = None, kill_pattern: str | None = None) -> Iterator[FileResult]:
        """Yield one result per path, in the order of ``paths``."""
        from distributed import as_completed

        run_id = uuid.uuid4().hex[:12]
        window = self.window()
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
                done[i] = result
                del texts[i]
            return True

        suspects: list[int] = []
        while yielded < total:
            while not suspects and submitted < total and len(inflight) < window \
                    and submitted - yielded < window * BATCH_FILES:
                batch, size = [], 0
                while submitted < total and len(batch) < BATCH_FILES and size < BATCH_CHARS:
                    index, submitted = submitted, submitted + 1
                    try:
                        texts[index] = read_text(paths[index], settings)
                    except LoadError as exc:
                        done[index] = read_error(paths[index], exc)
                        continue
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
                # nothing else in flight now: each suspect runs once more, alone, so that only a
                # file that kills its worker again is lost
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
        return [slim(r) for r in results]
