"""Entry points of installed distributions, without paying for :mod:`importlib.metadata` when none exist.

Importing :mod:`importlib.metadata` and scanning every distribution costs about
40 ms, a third of a small ``autofix check``, and almost no installation has an
autofix plugin.  A distribution declares entry points in a plain
``entry_points.txt`` of its ``*.dist-info`` (or ``*.egg-info``, or an egg's
``EGG-INFO``) directory, so reading those small files for the group's name
decides "none" in a millisecond or two.  Anything the quick look cannot read (a
zip file on ``sys.path``, an unreadable file) or any mention of the group falls
through to
:func:`importlib.metadata.entry_points`, which stays the one authority on what
an entry point is.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


def _may_declare(group: str) -> bool:
    """False only when no distribution on ``sys.path`` can declare an entry point of ``group``."""
    for entry in sys.path:
        path = entry or "."
        if not os.path.isdir(path):
            if os.path.exists(path):
                return True  # a zip or egg file: only importlib.metadata reads those
            continue
        try:
            names = os.listdir(path)
        except OSError:
            continue  # importlib.metadata cannot list it either
        egg = path.lower().endswith(".egg")
        for name in names:
            if not (name.lower().endswith(_METADATA_SUFFIXES) or (egg and name.lower() == "egg-info")):
                continue
            try:
                with open(os.path.join(path, name, "entry_points.txt"), encoding="utf-8") as handle:
                    if group in handle.read():
                        return True
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError):
                return True
    return False


def entry_points(group: str) -> list[Any]:
    """The installed entry points of ``group``, as :func:`importlib.metadata.entry_points` gives them."""
    if not _may_declare(group):
        return []
    from importlib.metadata import entry_points as installed

    return list(installed(group=group))
