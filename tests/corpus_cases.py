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
  (``select = ["ALL"]``): a case shows what each rule does, not which rules a run selects.

Run ``AUTOFIX_UPDATE_CORPUS=1 pytest tests/test_corpus.py`` to (re)write the expected files from
the current behaviour, then review the diff like any other change.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from autofix.settings import Settings

ROOT = Path(__file__).resolve().parent.parent / "corpus"


@dataclass
class Case:
    path: Path

    @property
    def id(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def rule_folder(self) -> str:
        """The top folder under ``corpus/``: ``DR001-s3-bucket-without-replication`` or ``seed``."""
        return self.path.relative_to(ROOT).parts[0]

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


def all_cases() -> list[Case]:
    return [Case(p.parent) for p in sorted(ROOT.rglob("input.*"))]


def dump_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
