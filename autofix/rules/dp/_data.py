"""Data that ships with cfn-lint, read as data (no cfn-lint check is run).

- ``LmbdRuntimeLifecycle.json``: per Lambda runtime, its deprecation, create-block and
  update-block dates and its successor;
- the RDS schema extensions ``engine_version.json`` / ``engine_version_deprecated.json``:
  per engine, the engine versions that exist and those that can no longer create resources.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from typing import Any

from autofix.schema import data_dir, read_json


def _load(package: str, name: str) -> Any:
    """A data file of a ``cfnlint.data...`` package, found on disk: importing cfn-lint would take seconds."""
    prefix = "cfnlint.data."
    assert package.startswith(prefix), package
    return read_json(os.path.join(os.path.dirname(data_dir()), *package[len(prefix):].split("."), name))


@lru_cache(maxsize=1)
def runtime_lifecycle() -> dict[str, dict[str, Any]]:
    """``{runtime: {"deprecated": "YYYY-MM-DD", "create-block": ..., "update-block": ..., "successor": ...}}``."""
    data = _load("cfnlint.data.AdditionalSpecs", "LmbdRuntimeLifecycle.json")
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def runtime_deprecated(runtime: str, today: date) -> bool:
    """Is ``runtime`` past its deprecation date on ``today`` (cfn-lint's W2531/E2531 start there)?"""
    entry = runtime_lifecycle().get(runtime)
    if not entry:
        return False
    deprecated = _day(entry.get("deprecated"))
    return deprecated is not None and deprecated <= today


def runtime_successor(runtime: str, today: date) -> str | None:
    """The successor the data names for ``runtime``, followed while it is itself deprecated on ``today``;
    None when there is none or the chain ends on a deprecated runtime."""
    seen = {runtime}
    current = runtime_lifecycle().get(runtime, {}).get("successor")
    while isinstance(current, str) and current not in seen:
        if not runtime_deprecated(current, today):
            return current
        seen.add(current)
        current = runtime_lifecycle().get(current, {}).get("successor")
    return None


_RDS_PACKAGES = {
    "AWS::RDS::DBInstance": "cfnlint.data.schemas.extensions.aws_rds_dbinstance",
    "AWS::RDS::DBCluster": "cfnlint.data.schemas.extensions.aws_rds_dbcluster",
}


def _versions_by_engine(schema: dict[str, Any]) -> dict[str, list[str]]:
    """``{engine: [versions]}`` from an allOf of ``if Engine const X ... then/if EngineVersion enum``."""
    found: dict[str, list[str]] = {}
    for clause in schema.get("allOf", []):
        cond = clause.get("if", {}).get("properties", {})
        engine = cond.get("Engine", {}).get("const")
        if not isinstance(engine, str):
            continue
        enum = cond.get("EngineVersion", {}).get("enum")
        if enum is None:
            enum = clause.get("then", {}).get("properties", {}).get("EngineVersion", {}).get("enum")
        if isinstance(enum, list):
            found.setdefault(engine, []).extend(str(v) for v in enum)
    return found


@lru_cache(maxsize=4)
def engine_versions(resource_type: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``(valid, deprecated)``: per lower-case engine, the versions cfn-lint accepts (E3690/E3691)
    and those it reports as deprecated (W3690/W3691), for a DBInstance or DBCluster."""
    package = _RDS_PACKAGES[resource_type]
    valid = _versions_by_engine(_load(package, "engine_version.json"))
    deprecated = _versions_by_engine(_load(package, "engine_version_deprecated.json"))
    return valid, deprecated
