"""Engine processes: where the server's checks and fixes run, apart from the protocol.

A template can take the engine long (a fix-all of hundreds of fixes re-reads the text for
each); a thread doing it could not be stopped, and would hold up every later request.  Each
:class:`Engine` is therefore one child process running one job at a time: the protocol side
stays free to read cancellations and newer changes, and a job whose request is cancelled or
superseded ends with its process (unless it finishes within a grace period), which is
replaced at once.  A process that dies (a crash, the out-of-memory killer) costs only the job
it was running.

The child keeps the :class:`~autofix.server.analysis.Analysis` of the few latest versions,
so the fixes of a version reuse its check and its positioned document; every job carries
what is needed to build the analysis again, so a replaced process loses only time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import struct
import sys
import traceback
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

if TYPE_CHECKING:
    from autofix.server.analysis import Analysis
    from autofix.settings import Settings

log = logging.getLogger(__name__)

#: Analyses the engine process keeps (the latest versions of the open documents).
KEPT = 16
#: The methods of :class:`~autofix.server.analysis.Analysis` a job may call, with an index or not.
METHODS = frozenset({"check", "fix_all", "quick_fix", "suppression"})
#: Seconds a cancelled job may still take before its process is ended (a new one starts cold).
GRACE = 0.25
#: Each message between the server and its engine is a pickle behind its length.
_HEADER = struct.Struct("!Q")


class Job(NamedTuple):
    """One call on the analysis of one document version."""

    uri: str
    version: int | None
    text: str
    filename: str
    settings: Settings
    method: str
    args: tuple[Any, ...] = ()


class EngineFailed(Exception):
    """The engine process died, or failed outside the engine's own error handling."""


# ---------------------------------------------------------------------- the child process


def _analysis(kept: OrderedDict[tuple[str, int | None], Analysis], job: Job) -> Analysis:
    from autofix.server.analysis import Analysis

    key = (job.uri, job.version)
    found = kept.get(key)
    if found is None or found.text != job.text or found.settings != job.settings:
        found = Analysis(job.text, job.filename, job.settings)  # checked when a job needs it
        kept[key] = found
    kept.move_to_end(key)
    while len(kept) > KEPT:
        kept.popitem(last=False)
    return found


def serve_jobs(requests: BinaryIO, replies: BinaryIO) -> None:
    """The child's loop: answer each job with ``("ok", value, problems)`` or ``("error", text, [])``."""
    kept: OrderedDict[tuple[str, int | None], Analysis] = OrderedDict()
    while True:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return  # the server went away
        job: Job = pickle.loads(requests.read(_HEADER.unpack(header)[0]))
        try:
            if job.method not in METHODS:
                raise ValueError(f"unknown engine method {job.method!r}")
            analysis = _analysis(kept, job)
            value = getattr(analysis, job.method)(*job.args)
            reply: tuple[str, Any, list[str]] = ("ok", value, list(dict.fromkeys(analysis.problems)))
        except Exception:
            reply = ("error", traceback.format_exc(), [])
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a value that cannot travel (a rule's odd extra data) fails its job only
            data = pickle.dumps(("error", traceback.format_exc(), []), protocol=pickle.HIGHEST_PROTOCOL)
        replies.write(_HEADER.pack(len(data)) + data)
        replies.flush()


def main() -> None:
    """``python -m autofix.server.engine``: serve jobs on standard input and output (nothing else may
    write to the real standard output, so ``print`` goes to standard error)."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    import autofix.server.analysis  # noqa: F401 - the engine's imports, while the editor is still starting

    serve_jobs(sys.stdin.buffer, replies)


# ---------------------------------------------------------------------- the server's side


class Engine:
    """The engine process as the asyncio side sees it: :meth:`run` a job, cancellable."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> asyncio.subprocess.Process:
        """The running process, started when there is none (early, by the server's initialisation,
        so that the first document does not wait for the engine's imports)."""
        if self._process is None or self._process.returncode is not None:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", "from autofix.server.engine import main; main()",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        return self._process

    async def warm(self) -> None:
        async with self._lock:
            await self.start()

    def stop(self) -> None:
        """End the process (and the job it runs)."""
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
        self._process = None

    async def run(self, job: Job) -> tuple[Any, list[str]]:
        """The job's value and the analysis' problems so far.  Cancelled, the job is given
        :data:`GRACE` to finish (a fresh process costs more than a short job), then ends with its
        process; raises :class:`EngineFailed` when the process dies or the job fails."""
        async with self._lock:
            process = await self.start()
            assert process.stdin is not None and process.stdout is not None
            data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
            reply = asyncio.ensure_future(_exchange(process, _HEADER.pack(len(data)) + data))
            try:
                status, value, problems = await asyncio.shield(reply)
            except asyncio.CancelledError:
                try:
                    await asyncio.wait_for(reply, GRACE)
                except (asyncio.TimeoutError, asyncio.CancelledError, EngineFailed):
                    self.stop()  # the job is not wanted any more: end it with its process
                raise
            except EngineFailed:
                self.stop()
                raise
        if status != "ok":
            raise EngineFailed(value)
        return value, problems


async def _exchange(process: asyncio.subprocess.Process, request: bytes) -> tuple[str, Any, list[str]]:
    """Send one job, read its reply."""
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(request)
        await process.stdin.drain()
        size = _HEADER.unpack(await process.stdout.readexactly(_HEADER.size))[0]
        return pickle.loads(await process.stdout.readexactly(size))
    except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
        raise EngineFailed("the engine process ended while working") from exc
