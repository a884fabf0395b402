"""DR007 aurora-global-burstable-class: burstable instances in an Aurora global cluster."""

from __future__ import annotations

import re
from collections.abc import Iterator

from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template, ref_target

BURSTABLE = re.compile(r"^db\.t(2|3|4g)\.[a-z0-9]+$")
PATCHES = "DR007-aurora-global-burstable-class"


def global_clusters(template: Template) -> set[str]:
    """Logical ids of DBClusters that are members of a global cluster (or its source)."""
    members: set[str] = set()
    for logical_id, _ in template.resources_of("AWS::RDS::DBCluster"):
        if template.properties(logical_id).get("GlobalClusterIdentifier") not in (None, ""):
            members.add(logical_id)
    for logical_id, _ in template.resources_of("AWS::RDS::GlobalCluster"):
        source = ref_target(template.properties(logical_id).get("SourceDBClusterIdentifier"))
        if source:
            members.add(source)
    return members


def replacement(current: str, settings: Settings) -> str:
    return settings.graviton_instance_class if current.startswith("db.t4g.") else settings.instance_class


class AuroraGlobalBurstableClass(Rule):
    """## What it does
    Finds `AWS::RDS::DBInstance` resources that belong to an Aurora cluster which is a
    member of a global database (`GlobalClusterIdentifier` set, or named as the source of an
    `AWS::RDS::GlobalCluster`) and use a burstable class: `db.t2.*`, `db.t3.*` or `db.t4g.*`.
    The class may be written literally or come from a parameter's `Default`.

    ## Why is this bad?
    Aurora Global Database needs memory-optimized instance classes; burstable classes are
    rejected at deploy time ("The requested instance class is not supported by global
    databases"), so the stack fails to create or update.

    ## Example
    ```yaml
    AuroraInstance:
      Type: AWS::RDS::DBInstance
      Properties:
        DBClusterIdentifier: !Ref AuroraCluster   # a global cluster member
        DBInstanceClass: db.t3.medium
    ```

    Use instead:
    ```yaml
        DBInstanceClass: db.r5.large
    ```

    ## Fix safety
    Safe: the instance keeps its role, engine and cluster; only the class changes to the
    smallest supported memory-optimized one (`db.r5.large`, or `db.r6g.large` for Graviton
    `db.t4g.*`; both configurable as `instance-class` and `graviton-instance-class`).  This
    does cost more than the burstable class, which the deployment could not use anyway.
    When the class comes from a parameter, its `Default` is changed (and added to its
    `AllowedValues` when those are listed); values passed at deploy time are the user's.

    ## References
    - [Aurora Global Database limitations](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html#aurora-global-database.limitations)
    - [AWS::RDS::DBInstance DBInstanceClass](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-dbinstanceclass)
    """

    id = "DR007"
    name = "aurora-global-burstable-class"
    summary = "Aurora instance in a global cluster uses a burstable (db.t*) class"
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({"AWS::RDS::DBInstance"})

    def check(self, template: Template, settings: Settings) -> Iterator[Finding]:
        members = global_clusters(template)
        if not members:
            return
        fixed_parameters: set[str] = set()
        for logical_id, _ in template.resources_of("AWS::RDS::DBInstance"):
            props = template.properties(logical_id)
            if ref_target(props.get("DBClusterIdentifier")) not in members:
                continue
            value = props.get("DBInstanceClass")
            if isinstance(value, str) and BURSTABLE.match(value):
                new = replacement(value, settings)
                pointer = template.pointer("Resources", logical_id, "Properties", "DBInstanceClass")
                yield self.finding(
                    pointer,
                    f"{logical_id} is in an Aurora global cluster but uses burstable class {value}, "
                    f"which global databases do not support; use {new}",
                    fix=self.fix([{"op": "replace", "path": pointer,
                                   "value": fragment(PATCHES, "instance_class", InstanceClass=new)}],
                                 f"Change DBInstanceClass from {value} to {new}"),
                    resource=logical_id,
                )
            param = ref_target(value)
            if param and param not in fixed_parameters and template.is_parameter(param):
                finding = self._parameter_finding(template, settings, logical_id, param)
                if finding is not None:
                    fixed_parameters.add(param)
                    yield finding

    def _parameter_finding(self, template: Template, settings: Settings, logical_id: str,
                           param: str) -> Finding | None:
        default = template.parameter_default(param)
        if not (isinstance(default, str) and BURSTABLE.match(default)):
            return None
        new = replacement(default, settings)
        base = template.pointer("Parameters", param)
        ops = [{"op": "replace", "path": f"{base}/Default",
                "value": fragment(PATCHES, "instance_class", InstanceClass=new)}]
        allowed = template.parameters[param].get("AllowedValues")
        if isinstance(allowed, list) and new not in allowed:
            ops.append({"op": "add", "path": f"{base}/AllowedValues/-", "value": new})
        return self.finding(
            f"{base}/Default",
            f"parameter {param} gives {logical_id} (an Aurora global cluster member) the burstable "
            f"default class {default}, which global databases do not support; use {new}",
            fix=self.fix(ops, f"Change the default of {param} from {default} to {new}"),
            resource=None,
        )
