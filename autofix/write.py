"""Step 6, write: replace a file atomically, keeping its permission bits.

The new bytes go to a temporary file in the same directory, are flushed and
fsynced, get the original's mode (and owner, when allowed), and are renamed
over the original; then the directory is fsynced so the rename itself is
durable.  A crash at any moment leaves either the old file or the new one,
never a mix (at worst a stray ``.<name>.*.autofix-tmp`` file, which no run
ever picks up as a template).

:func:`write_back` adds the checks a batch needs: the file must still hold
exactly what was read (someone may have edited or deleted it meanwhile) and
must be writable *by this user*, as the operating system decides it: a file
the user may not write is left alone (even when the directory would allow a
rename to replace it), while a user allowed to write it (the owner of a
writable file, or root whatever the mode bits) gets it fixed, like ``sed -i``
or any formatter would.  The file keeps its mode either way.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from autofix.errors import WriteError

TMP_SUFFIX = ".autofix-tmp"


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` (following symlinks to the real file) by ``data``, atomically."""
    target = Path(path)
    real = target.resolve()
    try:
        st: os.stat_result | None = real.stat()
    except FileNotFoundError:
        st = None
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o644
    import tempfile  # only writes need it

    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=TMP_SUFFIX, dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if st is not None and hasattr(os, "chown"):
            with contextlib.suppress(OSError):  # only root may give a file away; keep the group if we can
                os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(real.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _read_only(path: str) -> bool:
    """Whether this user may not write ``path`` (the operating system's answer, root included)."""
    try:
        os.stat(path)
    except OSError:
        return False  # the write itself will say what is wrong
    return not os.access(path, os.W_OK)


def write_back(path: str, original: str, fixed: str) -> None:
    """Write ``fixed`` over ``path`` if it still holds ``original``; raise :class:`WriteError` otherwise."""
    try:
        with open(path, "rb") as handle:
            current = handle.read()
    except FileNotFoundError:
        raise WriteError("file disappeared while autofix was running; not recreated") from None
    except OSError as exc:
        raise WriteError(f"cannot re-read file before writing: {exc.strerror or exc}") from None
    if current != original.encode("utf-8", "surrogatepass"):
        raise WriteError("file changed while autofix was running; not overwritten")
    if _read_only(path):
        raise WriteError("cannot write fixed file: file is read-only; not overwritten")
    try:
        atomic_write(path, fixed.encode("utf-8", "surrogatepass"))
    except OSError as exc:
        raise WriteError(f"cannot write fixed file: {exc.strerror or exc}") from None
