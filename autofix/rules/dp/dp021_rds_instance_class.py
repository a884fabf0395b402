"""DP021 rds-instance-class: an RDS instance class the engine version does not offer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._data import _load
from autofix.settings import Settings

INSTANCE = "AWS::RDS::DBInstance"
#: ``db.t2.micro``: family letters, generation, attribute letters, size
_CLASS = lazy_pattern(r"^db\.([a-z]+)(\d+)([a-z-]*)\.(\w+)$")


@lru_cache(maxsize=1)
def _clauses() -> tuple[tuple[str, re.Pattern[str], frozenset[str]], ...]:
    """(engine, engine version pattern, instance classes) from cfn-lint's RDS extension data."""
    data = _load("cfnlint.data.schemas.extensions.aws_rds_dbinstance", "db_instance_class.json")
    found = []
    for clause in data.get("allOf") or ():
        cond = (clause.get("if") or {}).get("properties") or {}
        engine = (cond.get("Engine") or {}).get("const")
        pattern = (cond.get("EngineVersion") or {}).get("pattern")
        classes = (((clause.get("then") or {}).get("properties") or {}).get("DBInstanceClass") or {}).get("enum")
        if isinstance(engine, str) and isinstance(pattern, str) and isinstance(classes, list):
            found.append((engine, re.compile(pattern), frozenset(c for c in classes if isinstance(c, str))))
    return tuple(found)


def offered(engine: str, version: str) -> frozenset[str] | None:
    """The instance classes ``engine`` ``version`` runs on; None when the data says nothing about it."""
    for name, pattern, classes in _clauses():
        if name == engine.lower() and pattern.match(version):
            return classes
    return None


def successor(instance_class: str, classes: frozenset[str]) -> str | None:
    """The same size and attributes in the nearest later generation of the family that is offered."""
    match = _CLASS.match(instance_class)
    if not match:
        return None
    family, generation, attributes, size = match.groups()
    for later in range(int(generation) + 1, int(generation) + 6):
        candidate = f"db.{family}{later}{attributes}.{size}"
        if candidate in classes:
            return candidate
    return None


class RdsInstanceClass(Rule):
    """## What it does
    Finds RDS DB instances whose `DBInstanceClass` the engine version does not offer (cfn-lint
    E3062, from the per-engine, per-version instance classes cfn-lint ships), and moves them
    to the same size of the family's nearest later generation that is offered
    (`db.t2.micro` -> `db.t3.micro` for MySQL 8.0).

    ## Why is this bad?
    RDS refuses to create the instance ("RDS does not support creating a DB instance with the
    following combination: DBInstanceClass=db.t2.micro, Engine=mysql, EngineVersion=8.0..."):
    the stack does not deploy.  LLM-written templates reach for classes of older
    generations, which newer engine versions no longer run on.

    ## Example
    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: mysql
        EngineVersion: '8.0.40'
        DBInstanceClass: db.t2.micro
    ```

    Use instead:
    ```yaml
        DBInstanceClass: db.t3.micro
    ```

    ## Fix safety
    Unsafe: the instance runs on other hardware at another price (a later generation is
    usually as cheap or cheaper for the same size).  A class with no later generation on
    offer is reported without a fix.

    ## References
    - [DB instance classes: supported engines](https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html)
    - [AWS::RDS::DBInstance DBInstanceClass](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html)
    """

    id = "DP021"
    name = "rds-instance-class"
    summary = "RDS instance class the engine version does not offer"
    cfn_lint = ("E3062",)
    enabled_by_default = True  # resolves cfn-lint E3062
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({INSTANCE})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, _ in ctx.resources_of(INSTANCE):
            props = ctx.properties(logical_id)
            engine, version, kind = props.get("Engine"), props.get("EngineVersion"), props.get("DBInstanceClass")
            if not (isinstance(engine, str) and isinstance(kind, str) and isinstance(version, (str, int, float))):
                continue
            classes = offered(engine, str(version))
            if classes is None or kind in classes:
                continue
            yield self._finding(ctx, logical_id, engine, str(version), kind, classes)

    def _finding(self, ctx: RuleContext, logical_id: str, engine: str, version: str, kind: str,
                 classes: frozenset[str]) -> Finding:
        pointer = ctx.pointer("Resources", logical_id, "Properties", "DBInstanceClass")
        message = f"{engine} {version} does not run on {kind}"
        better: Any = successor(kind, classes)
        if better is None:
            return self.finding(pointer, message, resource=logical_id)
        fix = self.fixer(ctx).replace(pointer, better)
        return self.finding(pointer, f"{message}; {better} is the same size in a later generation", resource=logical_id,
                            fix=fix.build(f"DBInstanceClass {better}", Applicability.UNSAFE))
