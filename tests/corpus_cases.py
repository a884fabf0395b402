"""Discovery and snapshotting of the cases under ``corpus/``.

A case is a folder ``corpus/<RULE>-<name>/<case>/`` (or ``corpus/seed/<case>/``) holding:

- ``input.json|yaml``: the template as found;
- ``findings.json``: what ``check`` reports on the input (rule, path, line, column);
- ``output.json|yaml``: the fixed template, byte for byte (absent: the input must stay untouched);
- ``patch.json``: the RFC 6902 patch ``fix --patch`` emits (absent with ``output``);
- ``case.toml`` (optional): settings for the case, e.g. ``unsafe_fixes = true``, ``dr = "true"``,
  ``select = ["DR002"]``.

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
        return f"{self.path.parent.name}/{self.path.name}"

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
        for key in ("select", "ignore"):
            if key in options:
                options[key] = tuple(options[key])
        options.pop("description", None)
        return Settings(**options)


def all_cases() -> list[Case]:
    return [Case(p.parent) for p in sorted(ROOT.glob("*/*/input.*"))]


def dump_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
