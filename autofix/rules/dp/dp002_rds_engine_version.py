"""DP002 rds-engine-version: an RDS engine version that does not exist or is deprecated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.intrinsics import ref_target
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp import _data
from autofix.rules.dp._values import Place, literal_places, per_parameter, replace_literal
from autofix.settings import Settings
from autofix.template import Template

RDS_TYPES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::RDS::GlobalCluster")
#: whose data judges a type's versions: a global cluster's members are clusters, so it shares their versions
DATA_OF = {"AWS::RDS::GlobalCluster": "AWS::RDS::DBCluster"}
_PART = lazy_pattern(r"\d+|[^\d.]+")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """An order on engine versions: dot-separated parts, numbers compared as numbers."""
    key: list[tuple[int, int | str]] = []
    for part in version.split("."):
        for piece in _PART.findall(part):
            key.append((1, int(piece)) if piece.isdigit() else (0, piece))
    return tuple(key)


def major_line(engine: str, version: str) -> str:
    """The major version line: ``14`` for PostgreSQL 14.7, ``8.0`` for MySQL 8.0.35 and for Aurora MySQL
    ``8.0.mysql_aurora.3.05.2``, ``9.6`` for PostgreSQL 9.6.x, ``15.00`` for SQL Server 15.00.4236.7.v1."""
    parts = version.split(".")
    if engine in ("postgres", "aurora-postgresql") and parts[0].isdigit() and int(parts[0]) >= 10:
        return parts[0]
    if engine.startswith("aurora-mysql") and len(parts) > 3 and parts[2] == "mysql_aurora" and parts[3].isdigit():
        # 8.0.mysql_aurora.3.x and 8.4.mysql_aurora.8.4.x are lines of their own; "8.0" is line 8.0
        return ".".join(parts[:2])
    return ".".join(parts[:2])


def in_line(engine: str, line: str, version: str) -> bool:
    return major_line(engine, version) == line


def replacement(engine: str, version: str, valid: list[str], deprecated: set[str]) -> str | None:
    """The newest version of ``version``'s major line that exists and is not deprecated, when it is
    newer than ``version`` (never a downgrade); None otherwise."""
    line = major_line(engine, version)
    current = version_key(version)
    candidates = [v for v in valid if v not in deprecated and in_line(engine, line, v)
                  and version_key(v) > current and not _is_alias(engine, v)]
    plain = [v for v in candidates if "-" not in v]  # 8.0.40 before its patch releases 8.0.40-rds.YYYYMMDD
    if not candidates:
        return None
    return max(plain or candidates, key=version_key)


def _is_alias(engine: str, version: str) -> bool:
    """Aurora MySQL's bare ``8.0``/``5.7`` name a line, not a release: never chosen as a replacement."""
    return engine == "aurora-mysql" and "mysql_aurora" not in version


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return None


class RdsEngineVersion(Rule):
    """## What it does
    Finds `EngineVersion` values of `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` that do
    not exist for the resource's `Engine` (cfn-lint E3690/E3691), or exist but are
    deprecated and can no longer create resources (W3690/W3691); an `AWS::RDS::GlobalCluster`
    is judged with its member clusters' versions, so that it moves with them.  The version may be written
    literally, in a branch of `Fn::If`, or as a parameter's `Default`; the engine must be
    known (a literal, or a parameter's `Default`).  The versions are the data cfn-lint ships.
    A major version alone (MySQL `8.0`, PostgreSQL `15`) is left alone while its line has a
    supported version: RDS accepts it and picks the line's default minor version.  A
    parameter gets one finding for its `Default` and all its `AllowedValues`.

    ## Why is this bad?
    RDS rejects an engine version it does not offer (`Cannot find version 8.0.35 for
    mysql`), and versions past their end of standard support cannot create new instances or
    clusters: the stack fails to create.  Language models often write versions that were
    current in their training data (MySQL `8.0.35`, PostgreSQL `14.7`, Aurora `8.0`).

    ## Example
    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: postgres
        EngineVersion: "14.7"
    ```

    Use instead:
    ```yaml
        EngineVersion: "14.20"
    ```

    ## Fix safety
    Unsafe: the version becomes the newest version of the same major line (PostgreSQL 14.x,
    MySQL 8.0.x, Aurora MySQL 8.0 / 3.x...) that exists and is not deprecated.  It never
    downgrades and never crosses a major version, which would need a data migration plan;
    a minor upgrade can still change behaviour, and an existing database is upgraded in
    place on the next deploy.  When the newest version of the line is an RDS Extended Support
    release (`11.22-rds.20240418`), the message says it is charged extra.  When the line has
    no such version (a whole major version is past support, e.g. MySQL 5.7) the finding has
    no fix: moving to another major version is the owner's decision, and until then the
    database runs under RDS Extended Support, which is charged extra.  A parameter's `Default`
    is changed and its old entries in `AllowedValues` replaced.

    ## References
    - [AWS::RDS::DBInstance EngineVersion](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-engineversion)
    - [AWS::RDS::DBCluster EngineVersion](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbcluster.html#cfn-rds-dbcluster-engineversion)
    - [Supported RDS for PostgreSQL versions](https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html)
    - [RDS Extended Support](https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html)
    - [ModifyDBInstance EngineVersion (a major version alone)](https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html)
    - [Aurora MySQL version numbers](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraMySQLReleaseNotes/AuroraMySQL.Updates.Versions.html)
    """

    id = "DP002"
    name = "rds-engine-version"
    summary = "RDS engine version does not exist or is deprecated; use the newest of its major line"
    cfn_lint = ("E3690", "E3691", "W3690", "W3691")
    enabled_by_default = True  # resolves cfn-lint E3690/E3691/W3690/W3691
    fix_applicability = Applicability.UNSAFE
    requires = ("cfnlint",)
    resource_types = frozenset(RDS_TYPES)

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        seen: set[str] = set()
        for logical_id, resource in ctx.resources_of(*RDS_TYPES):
            props = ctx.properties(logical_id)
            if "EngineVersion" not in props:
                continue
            engine = self._engine(ctx, props.get("Engine"), resource["Type"])
            if engine is None:
                continue
            valid, deprecated = _data.engine_versions(DATA_OF.get(resource["Type"], resource["Type"]))
            if engine not in valid:
                continue
            pointer = ctx.pointer("Resources", logical_id, "Properties", "EngineVersion")
            old = set(deprecated.get(engine, ()))
            bad = [place for place in literal_places(ctx, props["EngineVersion"], pointer)
                   if place.pointer not in seen and _wrong(engine, place.value, valid[engine], old)]
            for group in per_parameter(bad):
                seen.update(place.pointer for place in group)
                yield self._judge(ctx, logical_id, engine, group, valid[engine], old)

    @staticmethod
    def _engine(template: Template, value: Any, resource_type: str) -> str | None:
        param = ref_target(value)
        if param is not None and template.is_parameter(param):
            allowed = template.parameters[param].get("AllowedValues")
            if isinstance(allowed, list) and len(allowed) > 1:
                return None  # the engine is chosen at deploy time
            value = template.parameter_default(param)
        if not isinstance(value, str):
            return None
        return value.lower() if resource_type == "AWS::RDS::DBInstance" else value

    @staticmethod
    def _better(engine: str, value: Any, valid: list[str], deprecated: set[str]) -> str | None:
        version = _text(value)
        if version is None or not _wrong(engine, version, valid, deprecated):
            return None
        return replacement(engine, version, valid, deprecated)

    def _judge(self, ctx: RuleContext, logical_id: str, engine: str, group: list[Place], valid: list[str],
               deprecated: set[str]) -> Finding:
        """One finding for the wrong versions of one place or one parameter (its Default and AllowedValues)."""
        first = group[0]
        version = str(_text(first.value))
        line = major_line(engine, version)
        state = "is deprecated" if version in valid else "does not exist"
        more = f" and {len(group) - 1} more of its allowed values" if len(group) > 1 else ""
        where = f" (parameter {first.parameter}{more})" if first.parameter else first.where
        message = f"{logical_id}: {engine} engine version {version}{where} {state}"
        fixable = [(p, replacement(engine, str(_text(p.value)), valid, deprecated)) for p in group]
        fixable = [(p, new) for p, new in fixable if new is not None]
        if not fixable:
            supported = any(v not in deprecated and in_line(engine, line, v) for v in valid)
            if supported:  # the version is past the newest of its line: never downgraded
                return self.finding(first.pointer, f"{message}; no newer {line} version exists", resource=logical_id,
                                    detail=f"{message}; choosing an older version of the {line} line is the "
                                           "owner's decision (not done automatically)")
            return self.finding(
                first.pointer, f"{message}; its {line} line has no supported version left", resource=logical_id,
                detail=(f"{engine} {line} is past the end of standard support: a database on it runs only under RDS "
                        "Extended Support, which is charged extra per vCPU-hour. Plan a major version upgrade "
                        "(a data migration, not done automatically)."))
        place, new = fixable[0]
        old = str(_text(place.value))
        extended = "-rds." in new
        cost = ("an Extended Support release, charged extra" if extended
                else "a minor upgrade, applied in place on the next deploy")
        short = f"{message}; use {new} ({cost})"
        detail = (f"{new} is the newest version of the {major_line(engine, old)} line that RDS offers; "
                  + ("that line is past standard support, so it runs only under RDS Extended Support, which is "
                     "charged extra per vCPU-hour: plan a major version upgrade." if extended else
                     "an existing database is upgraded in place on the next deploy (a short outage)."))
        return self.finding(
            first.pointer,
            short if len(short) <= 160 else f"{message}; use {new}",
            detail=detail,
            fix=replace_literal(self.fixer(ctx), ctx, place, new,
                                lambda v: self._better(engine, v, valid, deprecated)).build(
                f"Change {engine} engine version {old} to {new}{place.where}", Applicability.UNSAFE),
            resource=logical_id,
        )


def _wrong(engine: str, value: Any, valid: list[str], deprecated: set[str]) -> bool:
    """Whether ``value`` is a version RDS does not offer or no longer creates.

    A major version alone (MySQL ``8.0``, PostgreSQL ``15``) is right while its line has a version
    that is offered and not deprecated: RDS then picks that line's default minor version.
    """
    version = _text(value)
    if version is None or (version in valid and version not in deprecated):
        return False
    major_only = version == major_line(engine, version)
    return not (major_only and any(v not in deprecated and in_line(engine, version, v) and v != version
                                   for v in valid))
