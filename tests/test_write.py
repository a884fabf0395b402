"""Writing: atomic replacement, permission bits kept, no write without a change, and SIGKILL at any
moment of a batch leaves every file exactly old or exactly new."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from samples import CLEAN_YAML, FIXABLE_JSON, FIXABLE_YAML, FIXED_JSON, FIXED_YAML, ROOT, cli

import autofix.write
from autofix.errors import WriteError
from autofix.write import TMP_SUFFIX, atomic_write, write_back


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_atomic_write_keeps_permission_bits(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("old")
    path.chmod(mode)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o7777 == mode
    assert [p.name for p in tmp_path.iterdir()] == ["t.yaml"]


def test_atomic_write_through_a_symlink_replaces_the_target(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("old")
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    atomic_write(tmp_path / "link.yaml", b"new")
    assert (tmp_path / "link.yaml").is_symlink()
    assert (tmp_path / "real.yaml").read_bytes() == b"new"


def test_a_failed_write_keeps_the_original_and_leaves_no_temporary(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(FIXABLE_YAML)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autofix.write.os, "fsync", full_disk)
    with pytest.raises(WriteError, match=r"^cannot write fixed file: No space left on device$"):
        write_back(str(path), FIXABLE_YAML, FIXED_YAML)
    assert path.read_text() == FIXABLE_YAML
    assert [p.name for p in tmp_path.iterdir()] == ["t.yaml"]


@pytest.mark.parametrize("args", [(), ("--unsafe-fixes",)])
def test_never_writes_when_nothing_changed(tmp_path: Path, args: tuple[str, ...]) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(CLEAN_YAML)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    out = cli("fix", *args, str(path))
    assert out.code == 0
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino, after.st_ctime_ns) == (before.st_mtime_ns, before.st_ino,
                                                                    before.st_ctime_ns)


def test_fix_mode_keeps_bits_of_each_file(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(FIXABLE_JSON)
    path.chmod(0o604)
    assert cli("fix", str(path)).code == 0
    assert path.read_text() == FIXED_JSON
    assert path.stat().st_mode & 0o777 == 0o604


# ------------------------------------------------------------------ SIGKILL in the middle of a batch

N_FILES = 40


def _batch(tmp_path: Path) -> dict[Path, tuple[bytes, bytes]]:
    """Files of both formats, each with its exact old and new bytes."""
    files = {}
    for i in range(N_FILES):
        old, new = (FIXABLE_YAML, FIXED_YAML) if i % 2 else (FIXABLE_JSON, FIXED_JSON)
        marker = f"# file {i}\n" if i % 2 else ""
        path = tmp_path / f"t{i:03d}.{'yaml' if i % 2 else 'json'}"
        path.write_text(marker + old)
        files[path] = ((marker + old).encode(), (marker + new).encode())
    return files


def _assert_old_or_new(files: dict[Path, tuple[bytes, bytes]]) -> tuple[int, int]:
    old = new = 0
    for path, (before, after) in files.items():
        data = path.read_bytes()
        assert data in (before, after), f"{path.name} is neither the old nor the new file"
        old += data == before
        new += data == after
    return old, new


#: Fault injection run inside the child before the CLI: SIGKILL itself at the k-th call of a step.
_INJECT = """
import os, signal, sys
import autofix.write as w
from autofix.cli import main
point, k = sys.argv[1], int(sys.argv[2])
calls = {"n": 0}
def hit():
    calls["n"] += 1
    if calls["n"] == k:
        os.kill(os.getpid(), signal.SIGKILL)
real_replace, real_fsync, real_fdopen = os.replace, os.fsync, os.fdopen
if point == "before-rename":
    def replace(a, b):
        hit(); real_replace(a, b)
    w.os.replace = replace
elif point == "after-rename":
    def replace(a, b):
        real_replace(a, b); hit()
    w.os.replace = replace
elif point == "before-fsync":
    def fsync(fd):
        hit(); real_fsync(fd)
    w.os.fsync = fsync
elif point == "half-written":
    class Half:
        def __init__(self, f): self.f = f
        def __enter__(self): return self
        def __exit__(self, *a): return self.f.__exit__(*a)
        def write(self, data):
            self.f.write(data[: len(data) // 2]); self.f.flush(); hit(); self.f.write(data[len(data) // 2:])
        def __getattr__(self, name): return getattr(self.f, name)
    w.os.fdopen = lambda fd, mode: Half(real_fdopen(fd, mode))
sys.argv = ["autofix", "fix", "--jobs", "2", *sys.argv[3:]]
main()
"""


@pytest.mark.parametrize(("point", "k"), [("half-written", 1), ("before-fsync", 5), ("before-rename", 1),
                                          ("before-rename", 17), ("after-rename", 29)])
def test_sigkill_at_each_step_of_a_write(tmp_path: Path, point: str, k: int) -> None:
    files = _batch(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", _INJECT, point, str(k), str(tmp_path)], env=env,
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    old, new = _assert_old_or_new(files)
    # fsync runs twice per file (the temporary, then the directory after the rename)
    written = {"after-rename": k, "before-fsync": (k - 1) // 2}.get(point, k - 1)
    assert (old, new) == (N_FILES - written, written)
    # at worst a stray temporary, which is never mistaken for a template
    strays = [p for p in tmp_path.iterdir() if p not in files]
    assert all(p.name.startswith(".") and p.name.endswith(TMP_SUFFIX) for p in strays)
    out = cli("fix", str(tmp_path))
    assert out.code == 0 and _assert_old_or_new(files) == (0, N_FILES)


def test_sigkill_from_outside_during_a_batch(tmp_path: Path) -> None:
    """Kill the whole process group once the first fixed file appears: old or new, nothing between."""
    files = _batch(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "autofix", "fix", "--jobs", "2", str(tmp_path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        first = next(iter(files))
        while proc.poll() is None:
            if any(p.read_bytes() == after for p, (_b, after) in files.items() if p != first):
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    _assert_old_or_new(files)
