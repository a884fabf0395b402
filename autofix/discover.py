"""Find the files a run should look at.

Explicitly named files are always processed (and must be templates).
Directories are walked for ``.json .yaml .yml .template`` files, skipping
hidden directories, tool and dependency directories (``node_modules``,
``cdk.out``, ``.aws-sam``...), ``--exclude`` globs and whatever ``.gitignore``
files ignore, as git would: the ``.gitignore`` of every directory from the
repository root down, a deeper file overriding a shallower one (``!keep.json``
re-includes).  Symlinked directories are not followed, so link loops cannot
trap the walk, and a file reached under two names is processed once (a symlink loop named
as a file is reported as unreadable).  The order is sorted, so output is stable whatever the scheduling.
"""

from __future__ import annotations

import fnmatch
import os
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

    import pathspec

EXTENSIONS = (".json", ".yaml", ".yml", ".template")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", "cdk.out"}


class Target(NamedTuple):
    path: str
    #: Named on the command line (True) or found by walking a directory (False).
    explicit: bool


def _excluded(rel: str, name: str, exclude: tuple[str, ...]) -> bool:
    """``--exclude`` globs match the path relative to the walked directory, or the bare name."""
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat) for pat in exclude)


def _gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import pathspec  # only when a .gitignore exists: it costs start-up time

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _repository_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that holds ``.git``."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


class _Ignores:
    """The ``.gitignore`` files in force at a point of the walk, deepest last."""

    def __init__(self, root: Path) -> None:
        self.specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        top = _repository_root(root)
        if top is not None and top != root:
            # the ones between the repository root and the walked directory apply too
            for directory in reversed(root.parents):
                if directory == top or top in directory.parents:
                    self.enter(directory)

    def enter(self, directory: Path) -> None:
        spec = _gitignore(directory)
        if spec is not None:
            self.specs.append((directory, spec))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        for base, spec in reversed(self.specs):
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            verdict = spec.check_file(rel + ("/" if is_dir else "")).include
            if verdict is not None:
                return verdict
        return False


def walk(root: str | Path, exclude: tuple[str, ...] = (), respect_gitignore: bool = True) -> list[str]:
    """Candidate files under ``root`` (paths spelled from ``root`` as given), sorted."""
    from pathlib import Path  # a directory walk (a file named on the command line never needs it)

    found: list[str] = []
    absolute = Path(os.path.abspath(root))
    ignores = _Ignores(absolute) if respect_gitignore else None
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        where = absolute if rel_dir == "." else absolute / rel_dir
        if ignores is not None:
            ignores.enter(where)
        keep = []
        for d in sorted(dirnames):
            rel = d if rel_dir == "." else f"{rel_dir}/{d}"
            if d.startswith(".") or d in SKIP_DIRS or _excluded(rel, d, exclude):
                continue
            if ignores is not None and ignores.ignored(where / d, True):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            if not f.lower().endswith(EXTENSIONS):
                continue
            rel = f if rel_dir == "." else f"{rel_dir}/{f}"
            if _excluded(rel, f, exclude) or (ignores is not None and ignores.ignored(where / f, False)):
                continue
            found.append(str(here / f))
    return sorted(found)


def discover(paths: list[str], exclude: tuple[str, ...] = (), respect_gitignore: bool = True) -> list[Target]:
    """Targets for ``paths`` in a stable order, duplicates removed; ``-`` is left to the caller."""
    targets: dict[str, Target] = {}
    real_seen: set[str] = set()
    for raw in paths:
        if os.path.isdir(raw):
            for found in walk(raw, exclude, respect_gitignore):
                real = os.path.realpath(found)
                if real in real_seen:  # one file under two names (a symlink): fixing it twice would fail
                    continue
                real_seen.add(real)
                targets.setdefault(found, Target(found, False))
        else:
            targets[raw] = Target(raw, True)
    return list(targets.values())
