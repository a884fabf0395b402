"""Find the files a run should look at.

Explicitly named files are always processed (and must be templates).
Directories are walked for ``.json .yaml .yml .template`` files, skipping
hidden directories, ``--exclude`` globs and whatever ``.gitignore`` files on
the way ignore; symlinked directories are not followed, so link loops cannot
trap the walk, and a file reached under two names is processed once.  A
symlink loop named as a file is read like any file and reported as unreadable.
The order is sorted, so output is stable.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

EXTENSIONS = (".json", ".yaml", ".yml", ".template")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", "cdk.out"}


@dataclass(frozen=True, order=True)
class Target:
    path: str
    explicit: bool


def _excluded(rel: str, name: str, exclude: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat) for pat in exclude)


def _gitignore(directory: Path) -> pathspec.PathSpec | None:
    path = directory / ".gitignore"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.PathSpec.from_lines("gitwildmatch", lines)


def walk(root: Path, exclude: tuple[str, ...] = (), respect_gitignore: bool = True) -> list[str]:
    found: list[str] = []
    specs: list[tuple[Path, pathspec.PathSpec]] = []

    def ignored(path: Path, is_dir: bool) -> bool:
        for base, spec in specs:
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + ("/" if is_dir else "")):
                return True
        return False

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        if respect_gitignore:
            spec = _gitignore(here)
            if spec is not None:
                specs.append((here, spec))
        rel_dir = here.relative_to(root).as_posix()
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            rel = d if rel_dir == "." else f"{rel_dir}/{d}"
            if d.startswith(".") or d in SKIP_DIRS or _excluded(rel, d, exclude) or ignored(sub, True):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            if not f.lower().endswith(EXTENSIONS):
                continue
            path = here / f
            rel = f if rel_dir == "." else f"{rel_dir}/{f}"
            if _excluded(rel, f, exclude) or ignored(path, False):
                continue
            found.append(str(path))
    return sorted(found)


def discover(paths: list[str], exclude: tuple[str, ...] = (), respect_gitignore: bool = True) -> list[Target]:
    """Targets for ``paths`` in a stable order, duplicates removed; ``-`` is left to the caller."""
    targets: dict[str, Target] = {}
    real_seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in walk(path, exclude, respect_gitignore):
                real = os.path.realpath(found)
                if real in real_seen:  # one file under two names (a symlink): fixing it twice would fail
                    continue
                real_seen.add(real)
                targets.setdefault(found, Target(found, False))
        else:
            targets[raw] = Target(raw, True)
    return list(targets.values())
