"""The region-correct layout that DR fixes write by default.

A CloudFormation stack lives in one region.  A DR fix that creates the "secondary" half in the
same stack creates it in the primary region, which does not survive the outage it exists for.
The layout here keeps every fix an RFC 6902 patch of the one template, deployed once per
region (the StackSets pattern):

- parameters ``PrimaryRegion`` and ``SecondaryRegion`` (the template's own region parameters
  are reused) and conditions ``IsPrimaryRegion`` / ``IsSecondaryRegion`` comparing
  ``AWS::Region`` with them (the template's own such conditions are reused);
- a parameter ``SecondaryStackDeployed`` (``"false"`` by default) and a condition
  ``ReplicateToSecondaryRegion`` (primary region and ``SecondaryStackDeployed`` is ``"true"``):
  S3 rejects a replication destination that does not exist, so the primary turns replication
  on only once the secondary region's stack has created the destination buckets.

Deploy order: (1) the primary region with the defaults; (2) the secondary region; (3) update
the primary region's stack with ``SecondaryStackDeployed=true``.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from autofix.fixes import FixBuilder
from autofix.intrinsics import sub_names, sub_substitute
from autofix.patterns import LazyPattern, lazy_pattern
from autofix.settings import Settings
from autofix.template import Template, ref_target

_PRIMARY_PARAM = lazy_pattern(r"^(primary|main|source|active|home)_?region(name)?$", re.IGNORECASE)
_SECONDARY_PARAM = lazy_pattern(
    r"^(secondary|failover|standby|dr|disaster_?recovery|replica(tion)?|backup|recovery|passive)_?region(name)?$",
    re.IGNORECASE)
#: The longest value a region parameter of the layout takes (for name-length bounds).
REGION_MAX = 20
#: What every fix that writes the layout's replication says about the deploy order.
DEPLOY_ORDER = ("Deploy the primary region with the defaults, then the secondary region, then update the primary "
                "with SecondaryStackDeployed=true: S3 rejects replication to a bucket that does not exist yet.")
#: ... and about the objects a bucket held before (S3 user guide, "Replicating existing objects").
BATCH_REPLICATION = ("Replication copies only objects written after it is switched on: copy the objects the bucket "
                     "already holds with S3 Batch Replication.")
#: The ``Rules`` entry that keeps a stack of the layout out of a third region.
RULE_NAME = "DeployInPrimaryOrSecondaryRegion"


class Layout(NamedTuple):
    primary: str  # parameter names
    secondary: str
    is_primary: str  # condition names
    is_secondary: str
    replicate: str  # condition: primary region, and the secondary region's stack exists
    deployed: str  # the SecondaryStackDeployed parameter
    changes: FixBuilder  # adds the parameters, conditions and rule the template lacks

    def region_parameters(self) -> set[str]:
        return {self.primary, self.secondary}

    def known_lengths(self) -> dict[str, int]:
        """The longest value of each region parameter, for name-length bounds."""
        return dict.fromkeys(self.region_parameters(), REGION_MAX)

    def shared(self, text: str) -> str:
        """``Fn::Sub`` text ``text`` as both regions compute it: ``${AWS::Region}`` (written with or without
        spaces) becomes the primary region parameter, so the secondary stack names what the primary has."""
        return sub_substitute(text, {"AWS::Region": "${" + self.primary + "}"})

    def names_region(self, text: str) -> bool:
        """Does ``Fn::Sub`` text ``text`` differ between the two stacks (``${AWS::Region}`` or the secondary
        region parameter in it)?"""
        return any(name in ("AWS::Region", self.secondary) for name in sub_names(text))


def with_region(text: str) -> str:
    """``Fn::Sub`` text ``text`` with the stack's region appended (``name`` -> ``name-${AWS::Region}``)."""
    return f"{text}-${{AWS::Region}}"


def _region_equals(body: Any, parameter: str) -> bool:
    if isinstance(body, dict) and isinstance(body.get("Fn::Equals"), list) and len(body["Fn::Equals"]) == 2:
        names = {ref_target(a) for a in body["Fn::Equals"]}
        return names == {"AWS::Region", parameter}
    return False


def _negates(body: Any, condition: str | None, parameter: str) -> bool:
    """``!Not [!Condition <condition>]`` or ``!Not [!Equals [!Ref AWS::Region, !Ref <parameter>]]``: the other
    region of the pair (the ``Rules`` entry of the layout keeps stacks out of any third region)."""
    arg = body.get("Fn::Not") if isinstance(body, dict) and len(body) == 1 else None
    if not (isinstance(arg, list) and len(arg) == 1):
        return False
    inner = arg[0]
    if condition is not None and isinstance(inner, dict) and inner == {"Condition": condition}:
        return True
    return _region_equals(inner, parameter)


def _literal_region(template: Template, role: str) -> str | None:
    """A region the template's conditions compare ``AWS::Region`` with literally, in a condition named for
    ``role`` (``IsPrimary: !Equals [!Ref AWS::Region, us-east-1]``): the default a new parameter takes, so
    that the template's own condition and the layout's agree."""
    from autofix.rules.dr._endpoints import condition_role

    for name, body in template.conditions.items():
        if condition_role(name) != role or not isinstance(body, dict):
            continue
        args = body.get("Fn::Equals")
        if isinstance(args, list) and len(args) == 2:
            targets = [ref_target(a) for a in args]
            if "AWS::Region" in targets:
                other = args[1 - targets.index("AWS::Region")]
                if isinstance(other, str) and other:
                    return other
    return None


def _default(settings: Settings, key: str, fallback: str) -> str:
    """The configured region for one side of the pair: ``primary-region`` (a top-level setting) or the DR
    family's ``secondary-region``."""
    from autofix.rules.dr import FAMILY

    value = settings.primary_region if key == "primary-region" else FAMILY.option(settings, key)
    return value if isinstance(value, str) and value else fallback


def region_rule(primary: str, secondary: str) -> dict[str, Any]:
    """The ``Rules`` entry that refuses a stack of the layout in any region but the two of the pair: there both
    region conditions are false, so nothing would be created, replicated or failed over to."""
    return {"Assertions": [{
        "Assert": {"Fn::Or": [{"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": primary}]},
                              {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": secondary}]}]},
        "AssertDescription": (f"Deploy this template in the region {primary} names (primary) or the region "
                              f"{secondary} names (secondary) only"),
    }]}


def _has_region_rule(template: Template, primary: str, secondary: str) -> bool:
    from autofix.intrinsics import values

    rules = template.section("Rules")
    wanted = {primary, secondary, "AWS::Region"}
    return any(wanted <= {ref_target(v) for v in values(rule)} for rule in rules.values())


def layout(template: Template, settings: Settings, replication: bool = True) -> Layout:
    """The names the layout uses in ``template`` and the changes that add what is missing
    (``replication``: also the ``SecondaryStackDeployed`` switch that S3 replication waits for)."""
    changes = FixBuilder(template.data)
    taken: set[str] = set()
    params = template.parameters
    new_params: dict[str, Any] = {}
    new_conditions: dict[str, Any] = {}

    def param(pattern: LazyPattern, base: str, default: str, description: str) -> str:
        for name in params:
            if pattern.match(name):
                return name
        name = template.unique_id(base, taken)
        taken.add(name)
        new_params[name] = {"Type": "String", "Default": default, "Description": description}
        return name

    primary = param(_PRIMARY_PARAM, "PrimaryRegion",
                    _literal_region(template, "primary") or _default(settings, "primary-region", "us-east-1"),
                    "The region of the primary deployment of this template")
    secondary = param(_SECONDARY_PARAM, "SecondaryRegion",
                      _literal_region(template, "secondary") or _default(settings, "secondary-region", "us-west-2"),
                      "The region of the secondary (disaster recovery) deployment of this template")

    def condition(parameter: str, other: str, base: str, negated: str | None = None) -> str:
        for name, body in template.conditions.items():
            if _region_equals(body, parameter):
                return name
        for name, body in template.conditions.items():
            if _negates(body, negated, other):
                return name
        name = template.unique_id(base, taken)
        taken.add(name)
        new_conditions[name] = {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": parameter}]}
        return name

    def existing(parameter: str) -> str | None:
        return next((n for n, b in template.conditions.items() if _region_equals(b, parameter)), None)

    is_secondary = condition(secondary, primary, "IsSecondaryRegion", existing(primary))
    is_primary = condition(primary, secondary, "IsPrimaryRegion", is_secondary)
    deployed = next((n for n in params if n == "SecondaryStackDeployed"), None)
    if not replication:
        deployed = deployed or "SecondaryStackDeployed"
    elif deployed is None:
        deployed = template.unique_id("SecondaryStackDeployed", taken)
        taken.add(deployed)
        new_params[deployed] = {
            "Type": "String", "Default": "false", "AllowedValues": ["false", "true"],
            "Description": (f"Set to true once this template's stack exists in the region {secondary} names: "
                            f"the primary region then replicates to the buckets that stack created")}
    replicate_body = {"Fn::And": [{"Condition": is_primary}, {"Fn::Equals": [{"Ref": deployed}, "true"]}]}
    replicate = next((n for n, b in template.conditions.items() if b == replicate_body), None)
    if not replication:
        replicate = replicate or "ReplicateToSecondaryRegion"
    elif replicate is None:
        replicate = template.unique_id("ReplicateToSecondaryRegion", taken)
        taken.add(replicate)
        new_conditions[replicate] = replicate_body
    new_rules: dict[str, Any] = {}
    if not _has_region_rule(template, primary, secondary):
        new_rules[template.unique_id(RULE_NAME, taken | set(template.section("Rules")))] = region_rule(
            primary, secondary)
    new_conditions = {name: new_conditions[name] for name in (is_primary, is_secondary, replicate)
                      if name in new_conditions}
    for section, new in (("Parameters", new_params), ("Rules", new_rules), ("Conditions", new_conditions)):
        if not new:
            continue
        if isinstance(template.data.get(section), dict):
            for key, value in new.items():
                changes.add((section, key), value)
        else:
            changes.add((section,), new)
    return Layout(primary, secondary, is_primary, is_secondary, replicate, deployed, changes)


def replica_bounds(template: Template, names: Layout, replica: str, limit: int = 63) -> dict[str, int] | None:
    """``MaxLength`` bounds that keep a replica's name (``Fn::Sub`` text both regions compute alike) within
    ``limit`` characters for every parameter value: ``{}`` when it fits already, None when it cannot fit."""
    from autofix.rules.dr import _names

    return _names.bounds_to_add(template, replica, limit, names.known_lengths())


def primary_name(template: Template, names: Layout, logical_id: str, key: str = "BucketName") -> Any:
    """The name the primary stack gives ``logical_id``: its ``key``, or the primary's branch of the layout's own
    ``!If [IsSecondaryRegion, <name in the secondary region>, <primary's name>]``."""
    from autofix.intrinsics import if_condition

    value = template.properties(logical_id).get(key)
    if if_condition(value) == names.is_secondary:
        return value["Fn::If"][2]
    return value
