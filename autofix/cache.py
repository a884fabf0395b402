"""The cache of results for re-runs, like ruff's: unchanged files cost a read and a look-up.

A pre-commit hook or a CI job checks the same unchanged files again and again.  Each result is
stored under a key made of everything it depends on:

* the file's path and its exact text (the text is read anyway: the key is its content, not a
  modification time that a checkout or a copy resets);
* the code that judged it: autofix's version, a fingerprint of the installed package's files
  (so a development checkout never reads a result made by other code at the same version
  number), and the rule plug-ins installed;
* the effective :class:`~autofix.settings.Settings` (every option and family table);
* the version of the cfn-lint data the schema and deprecation rules read;
* the date deprecation is judged at (``[tool.autofix.dp] as-of``, or today when unset), so a
  cached result expires the day that date moves on;
* whether it is a ``check`` or a ``fix``.

``fix`` keeps only results with nothing to fix (nothing changed, no finding that these settings
would fix), and takes a cached one only under the same key: so it never trusts a cached "nothing
to fix" once the text, the settings or any version changed.  Results that record an internal
error are never kept.

Entries are small JSON documents (never pickle: a cache directory committed to a repository
must not be able to run code), written to a temporary file and renamed into place, so runs
in parallel (``--jobs``, several processes at once) never read half an entry; an entry that
cannot be read or does not have the expected shape counts as missing and is written again.
The directory, ``.autofix_cache/`` in the project root (where the configuration file was found,
else the current directory) or ``--cache-dir``, holds a ``CACHEDIR.TAG`` and a ``.gitignore``
that ignores everything, like ruff's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import date
from typing import Any, NamedTuple

from autofix import __version__
from autofix.model import Applicability, Finding, Fix
from autofix.pipeline import ErrorEntry, FileResult
from autofix.plan import allowed
from autofix.settings import Settings

CACHE_DIR_NAME = ".autofix_cache"
#: The environment's say in the matter: the same as ``--cache-dir`` (read with the command line's
#: options) and ``--no-cache`` (read here, so that every entry point honours it).
CACHE_DIR_ENV = "AUTOFIX_CACHE_DIR"
NO_CACHE_ENV = "AUTOFIX_NO_CACHE"
#: Bumped whenever the layout of an entry changes.
FORMAT = 1

TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
       "# This file is a cache directory tag created by autofix.\n"
       "# For information about cache directory tags see https://bford.info/cachedir/\n")
GITIGNORE = "# Automatically created by autofix.\n*\n"


class Cache(NamedTuple):
    """Where entries live and the part of their key that is the same for every file of a run.

    Picklable and small: local worker processes get it with their work and use it themselves.
    """

    directory: str
    salt: str

    def key(self, path: str, text: str, fix: bool) -> str:
        digest = hashlib.sha256(self.salt.encode())
        digest.update(b"\0fix\0" if fix else b"\0check\0")
        digest.update(path.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, path: str, text: str, settings: Settings, fix: bool) -> FileResult | None:
        """The stored result for this text, or None (missing, unreadable, or not usable for ``fix``)."""
        try:
            with open(os.path.join(self.directory, self.key(path, text, fix)), encoding="utf-8") as handle:
                result = decode(json.load(handle), path, text)
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None  # missing, or half-written by a crash, or edited: computed and written again
        if fix and any(allowed(f, settings) for f in result.findings):
            return None  # never stored so; trust nothing that would let a fix go undone
        return result

    def put(self, path: str, text: str, result: FileResult, settings: Settings, fix: bool) -> None:
        """Store ``result`` if it may be reused; a cache that cannot be written is no error."""
        if not storable(result, settings, fix):
            return
        try:
            data = json.dumps(encode(result), ensure_ascii=False, allow_nan=True, separators=(",", ":"))
        except (TypeError, ValueError):
            return  # a value JSON cannot hold: not worth a special format
        with contextlib.suppress(OSError):
            _replace(os.path.join(self.directory, self.key(path, text, fix)), data)


def storable(result: FileResult, settings: Settings, fix: bool) -> bool:
    """Whether ``result`` may stand for a later run: a check's, or a fix's that had nothing to fix."""
    if result.fixed is not None or result.applied or result.patch or result.fighting:
        return False
    if any(e.kind == "internal" for e in result.errors):
        return False
    return not (fix and any(allowed(f, settings) for f in result.findings))


# ---------------------------------------------------------------- entries


def encode(result: FileResult) -> dict[str, Any]:
    return {
        "template": result.is_template,
        "findings": [_finding(f) for f in result.findings],
        "errors": [list(e) for e in result.errors],
    }


def _finding(f: Finding) -> dict[str, Any]:
    fields = f._asdict()
    if f.fix is not None:
        fields["fix"] = [list(f.fix.operations), f.fix.description, f.fix.applicability.value]
    return fields


def decode(data: dict[str, Any], path: str, text: str) -> FileResult:
    """The result an entry holds, for ``path`` read as ``text`` (raises on an entry of another shape)."""
    findings = []
    for fields in data["findings"]:
        fix = fields.get("fix")
        if fix is not None:
            operations, description, applicability = fix
            fields["fix"] = Fix(tuple(operations), description, Applicability(applicability))
        findings.append(Finding(**fields))
    errors = [ErrorEntry(*e) for e in data["errors"]]
    kept = text if findings else None  # as the runner's slim() leaves it: the text only where it is shown
    return FileResult(path, is_template=bool(data["template"]), findings=findings, errors=errors, original=kept)


def _replace(path: str, data: str) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it (no fsync: a cache entry
    lost or cut short by a crash is only computed again)."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------- the key's common part


def _package_fingerprint() -> str:
    """Names, sizes and modification times of the installed package's files (a checkout's code changes
    while its version number stays the same)."""
    import autofix

    roots = [os.path.dirname(autofix.__file__)]
    with contextlib.suppress(ImportError, AttributeError, TypeError):
        import autofix._patches as fragments  # the patch fragments live in their own directory

        roots.append(os.path.dirname(fragments.__file__))
    digest = hashlib.sha256()
    for root in roots:
        for directory, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".yaml", ".json")):
                    st = os.stat(os.path.join(directory, name))
                    digest.update(f"{os.path.relpath(os.path.join(directory, name), root)}\0{st.st_size}\0"
                                  f"{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _plugins() -> list[str]:
    from autofix.plugins import entry_points

    out = []
    for point in entry_points("autofix.rules"):
        dist = getattr(point, "dist", None)
        out.append(f"{point.name}={point.value}@{getattr(dist, 'version', '?')}")
    return sorted(out)


def cfn_lint_data_version() -> str:
    """The installed cfn-lint's version, read from its ``version.py`` (importing cfn-lint, or
    :mod:`importlib.metadata`, would cost more than a warm run)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("cfnlint")
    except (ImportError, ValueError):
        return "none"
    if spec is None or not spec.submodule_search_locations:
        return "none"
    for location in spec.submodule_search_locations:
        with contextlib.suppress(OSError), open(os.path.join(location, "version.py"), encoding="utf-8") as handle:
            return handle.read()
    return "unknown"


def as_of(settings: Settings) -> str:
    """The date the deprecation rules judge by: the configured ``as-of``, else today."""
    configured = settings.family_settings.get("dp", {}).get("as-of")
    return str(configured) if configured else date.today().isoformat()


def salt(settings: Settings) -> str:
    """Everything but the file that a result depends on, as one string."""
    parts = {
        "format": FORMAT,
        "autofix": __version__,
        "package": _package_fingerprint(),
        "plugins": _plugins(),
        "settings": settings,
        "cfn-lint": cfn_lint_data_version(),
        "as-of": as_of(settings),
    }
    return json.dumps(parts, sort_keys=True, default=repr)


# ---------------------------------------------------------------- the directory


def cache_root(paths: list[str], cache_dir: str | None = None) -> str:
    """The cache directory for a run on ``paths``: ``cache_dir`` (``--cache-dir``, or ``AUTOFIX_CACHE_DIR``
    read by the command line), else ``.autofix_cache`` in the directory of the configuration file found
    for them, else in the current directory."""
    if cache_dir:
        return os.path.abspath(cache_dir)
    from autofix.config import find_config, start_directory

    found = find_config(start_directory(paths))
    base = str(found.path.parent) if found is not None else os.getcwd()
    return os.path.join(base, CACHE_DIR_NAME)


def open_cache(root: str, settings: Settings) -> Cache | None:
    """The cache for a run with ``settings``, its directory created; None when it cannot be created
    (a read-only checkout runs without one)."""
    try:
        _prepare(root)
        directory = os.path.join(root, f"{__version__}-{FORMAT}")
        os.makedirs(directory, exist_ok=True)
    except OSError:
        return None
    return Cache(directory, salt(settings))


def _prepare(root: str) -> None:
    os.makedirs(root, exist_ok=True)
    for name, content in (("CACHEDIR.TAG", TAG), (".gitignore", GITIGNORE)):
        target = os.path.join(root, name)
        if not os.path.exists(target):
            _replace(target, content)


def is_cache(root: str) -> bool:
    """Whether ``root`` is a cache directory autofix made (only those are ever removed)."""
    try:
        with open(os.path.join(root, "CACHEDIR.TAG"), encoding="utf-8") as handle:
            return handle.read() == TAG
    except OSError:
        return False


def clean(root: str) -> bool:
    """Remove the cache directory ``root``; False when there is none.  A directory that is not an
    autofix cache (no autofix ``CACHEDIR.TAG``) is refused with :class:`OSError`."""
    if not os.path.exists(root):
        return False
    if not is_cache(root):
        raise OSError(f"{root} is not an autofix cache directory (it has no CACHEDIR.TAG written by autofix)")
    import shutil

    shutil.rmtree(root)
    return True


def disabled_by_environment() -> bool:
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() in ("1", "true", "yes", "on")
