"""Discovery and snapshotting of the cases under ``corpus/``.

A case is any folder below ``corpus/`` holding an ``input.*`` file, found at any depth:
``corpus/<RULE>-<name>/<case>/`` for one rule's cases (``corpus/DR001-s3-bucket-without-replication/json-long-form/``),
deeper folders to group them (``corpus/SC001-unknown-property/nested/arrays/``), or ``corpus/seed/<case>/``.
It holds:

- ``input.json|yaml``: the template as found;
- ``findings.json``: what ``check`` reports on the input (rule, path, line, column);
- ``output.json|yaml``: the fixed template, byte for byte (absent: the input must stay untouched);
- ``patch.json``: the RFC 6902 patch ``fix --patch`` emits (absent with ``output``);
- ``case.toml`` (optional): settings for the case, e.g. ``unsafe_fixes = true``, ``dr = "true"``,
  ``select = ["DR002"]``.  Without ``select`` a case runs every rule, opt-in ones included
  (``select = ["ALL"]``): a case shows what each rule does, not which rules a run selects;
- ``cfn-lint.json`` (with ``output``): what cfn-lint said of the input and the output in each region the
  tests lint them in, each result keyed on the linted file's SHA-256, the cfn-lint version and the
  region (see :func:`cfn_lint_matches`).

Run ``AUTOFIX_UPDATE_CORPUS=1 pytest tests/test_corpus.py`` to (re)write the expected files from
the current behaviour (and re-lint into ``cfn-lint.json`` what changed), then review the diff like any
other change. ``AUTOFIX_UPDATE_CORPUS=1 pytest -m cfn_lint`` rewrites only the stale snapshots (after
an upgrade of cfn-lint, say).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from autofix.settings import Settings

ROOT = Path(__file__).resolve().parent.parent / "corpus"
UPDATE = os.environ.get("AUTOFIX_UPDATE_CORPUS") == "1"
#: cfn-lint lints every fixed case here; a DR case (and a seed) in both regions of its pair.
REGION = "us-east-1"
DR_REGIONS = ("us-east-1", "us-west-2")


@dataclass
class Case:
    path: Path
    #: the corpus it belongs to (a test may build one elsewhere)
    root: Path = ROOT

    @property
    def id(self) -> str:
        return self.path.relative_to(self.root).as_posix()

    @property
    def rule_folder(self) -> str:
        """The top folder under ``corpus/``: ``DR001-s3-bucket-without-replication`` or ``seed``."""
        return self.path.relative_to(self.root).parts[0]

    @property
    def input(self) -> Path:
        (found,) = [p for p in self.path.iterdir() if p.stem == "input"]
        return found

    @property
    def output(self) -> Path:
        return self.path / f"output{self.input.suffix}"

    @property
    def patch(self) -> Path:
        return self.path / "patch.json"

    @property
    def findings(self) -> Path:
        return self.path / "findings.json"

    @property
    def cfn_lint(self) -> Path:
        return self.path / "cfn-lint.json"

    @property
    def is_dr(self) -> bool:
        """A DR rule's case or a seed: its output must lint clean in both :data:`DR_REGIONS`."""
        return self.rule_folder.startswith("DR") or self.rule_folder == "seed"

    def lint_targets(self) -> list[tuple[Path, str]]:
        """The (file, region) pairs the cfn-lint tests lint: empty for a case without output."""
        if not self.output.exists():
            return []
        regions = DR_REGIONS if self.is_dr else (REGION,)
        return [(self.input, REGION), *((self.output, region) for region in regions)]

    def settings(self) -> Settings:
        options = {}
        toml = self.path / "case.toml"
        if toml.exists():
            options = tomllib.loads(toml.read_text(encoding="utf-8"))
        options.setdefault("select", ["ALL"])
        for key in ("select", "ignore"):
            if key in options:
                options[key] = tuple(options[key])
        options.pop("description", None)
        return Settings(**options)


def fixed_cases() -> list[Case]:
    """The cases whose input is fixed (they have an ``output``)."""
    return [c for c in all_cases() if c.output.exists()]


def all_cases() -> list[Case]:
    return [Case(p.parent) for p in sorted(ROOT.rglob("input.*"))]


def dump_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------- cfn-lint snapshots
#
# Linting the corpus costs about a second a file, and its files rarely change: each case keeps what
# cfn-lint said in ``cfn-lint.json``, and a result is trusted only while its key (the linted file's
# SHA-256, the installed cfn-lint's version and the region) still holds. Anything else is linted
# afresh, so a changed output is always judged by cfn-lint itself, never by an old snapshot.


def _key(path: Path, region: str) -> dict[str, str]:
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "cfn-lint": version("cfn-lint"), "region": region}


def lint(path: Path, region: str) -> list[dict]:
    """What cfn-lint says of ``path`` in ``region``: every match (errors, warnings, notes), sorted."""
    from cfnlint import api

    matches = api.lint(path.read_text(encoding="utf-8"), config=api.ManualArgs(regions=[region]))
    found = {(m.rule.id, m.linenumber, m.columnnumber, m.message) for m in matches}
    return [{"rule": rule, "line": line, "column": column, "message": message}
            for rule, line, column, message in sorted(found)]


def _snapshot(case: Case) -> list[dict]:
    if not case.cfn_lint.exists():
        return []
    return json.loads(case.cfn_lint.read_text(encoding="utf-8"))["results"]


def _find(results: list[dict], key: dict[str, str]) -> list[dict] | None:
    """The matches of the result stored under ``key``, or None."""
    for result in results:
        if {k: result.get(k) for k in key} == key:
            return result["matches"]
    return None


def cfn_lint_matches(case: Case, path: Path, region: str) -> list[dict]:
    """cfn-lint's matches for ``path`` (the case's input or output) in ``region``.

    From the case's snapshot when its key holds; otherwise linted now, with a warning that the
    snapshot is stale (``AUTOFIX_UPDATE_CORPUS=1`` writes the whole snapshot of the case afresh).
    """
    key = _key(path, region)
    found = _find(_snapshot(case), key)
    if found is None and UPDATE:
        write_cfn_lint_snapshot(case)
        found = _find(_snapshot(case), key)
    if found is not None:
        return found
    warnings.warn(f"no cfn-lint snapshot for {path.name} in {region} with cfn-lint {key['cfn-lint']} and this "
                  f"file's hash in {case.path}; linted now (AUTOFIX_UPDATE_CORPUS=1 rewrites the snapshot)",
                  stacklevel=2)
    return lint(path, region)


def write_cfn_lint_snapshot(case: Case) -> None:
    """(Re)write ``case``'s snapshot: every :meth:`Case.lint_targets` pair, reusing results whose key holds.

    Two tests may write the same case's snapshot at once (under pytest-xdist); both write the same
    bytes, each through a file of its own renamed into place.
    """
    old = _snapshot(case)
    results = []
    for path, region in case.lint_targets():
        key = _key(path, region)
        kept = _find(old, key)
        results.append({**key, "matches": lint(path, region) if kept is None else kept})
    if not results:
        case.cfn_lint.unlink(missing_ok=True)
        return
    scratch = case.cfn_lint.with_name(f".{case.cfn_lint.name}.{os.getpid()}")
    scratch.write_text(dump_json({"results": results}), encoding="utf-8")
    scratch.replace(case.cfn_lint)
