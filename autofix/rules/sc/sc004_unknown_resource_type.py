"""SC004 unknown-resource-type: a resource whose type does not exist in the region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule, concise
from autofix.rules.sc._removal import plan_removal, removal_blockers
from autofix.rules.sc._walk import region
from autofix.schema import known_types, resource_schema, type_by_case
from autofix.settings import Settings
from autofix.template import Template, ref_target, resource_type

PATCHES = "SC004-unknown-resource-type"

#: Parameter types (a parameter written under Resources by mistake).
_PARAMETER_TYPE = lazy_pattern(
    r"^(String|Number|CommaDelimitedList|List<Number>|List<String>|AWS::SSM::Parameter::Name"
    r"|AWS::SSM::Parameter::Value<.+>|AWS::EC2::[A-Za-z]+::[A-Za-z]+|List<AWS::EC2::[A-Za-z]+::[A-Za-z]+>"
    r"|AWS::Route53::HostedZone::Id|List<AWS::Route53::HostedZone::Id>)$")
_PARAMETER_KEYS = frozenset({"Type", "Default", "Description", "AllowedValues", "AllowedPattern", "NoEcho",
                             "MinLength", "MaxLength", "MinValue", "MaxValue", "ConstraintDescription"})
_ATTACHMENT = "AWS::ElasticLoadBalancingV2::TargetGroupAttachment"


def _skipped(template: Template, type_name: str) -> bool:
    if type_name.startswith("Custom::") or type_name.endswith("::MODULE"):
        return True
    # SAM resources exist once the transform has run; without a transform the fix is to add it
    return type_name.startswith("AWS::Serverless::")


class UnknownResourceType(Rule):
    """## What it does
    Finds resources whose `Type` is not a resource type of the region (cfn-lint E3006): checked
    against the resource provider schemas that cfn-lint ships (us-east-1, or the configured
    `primary-region`).  `Custom::` types, modules and SAM types are left alone.

    ## Why is this bad?
    CloudFormation refuses the whole template: the stack cannot be created.  LLM-written
    templates misspell types (`AWS::EC2::NATGateway`) and invent types for things
    CloudFormation cannot do (`AWS::IAM::AccountPasswordPolicy`,
    `AWS::Config::ConfigurationRecorderStatus`, `AWS::EC2::EBSEncryptionByDefault`).

    ## Example
    ```yaml
    Resources:
      Nat:
        Type: AWS::EC2::NATGateway
      PasswordPolicy:
        Type: AWS::IAM::AccountPasswordPolicy
        Properties:
          MinimumPasswordLength: 14
    ```

    Use instead:
    ```yaml
    Resources:
      Nat:
        Type: AWS::EC2::NatGateway
    ```
    (and set the password policy outside CloudFormation.)

    ## Fix safety
    Relocation comes first; removal is the last resort.
    - A type that differs from a real one only by case, or that a short alias table maps to a
      real type (`patches/SC004-unknown-resource-type.yaml`:
      `AWS::AutoScaling::TargetTrackingScalingPolicy` is an `AWS::AutoScaling::ScalingPolicy`
      with `PolicyType: TargetTrackingScaling`), is renamed when its properties fit the real
      type's schema, with the properties the alias needs: safe.
    - Otherwise, when exactly one type of the same service allows every property written and
      has every property it requires, the type becomes that one: unsafe, a guess to confirm.
    - A parameter written under `Resources` (its type is a parameter type such as
      `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` and it has only parameter keys) moves to
      `Parameters`, where its `Ref`s keep working: safe.
    - An `AWS::ElasticLoadBalancingV2::TargetGroupAttachment` (no such type) whose target group
      is in the template becomes an entry of that target group's `Targets`: safe.
    - Any other type has no counterpart.  The fix removes the resource together with its
      `DependsOn` entries in other resources and the outputs that reference it, and says what
      the resource was meant to do that the template now lacks: unsafe, since that intent is
      lost.  Parameters only it used stay (nothing else removes them in the same run).  When
      another resource, a condition or metadata refers to it, or it is the only resource,
      there is no fix (removing more would change more than the broken resource).

    ## References
    - [Resource and property types reference](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html)
    - [Parameters (SSM parameter types)](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html)
    - [AWS::ElasticLoadBalancingV2::TargetGroup Targets](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-targetgroup.html)
    """

    id = "SC004"
    reads_whole_template = True
    name = "unknown-resource-type"
    summary = "Resource type does not exist in the region"
    cfn_lint = ("E3006",)
    enabled_by_default = True  # resolves cfn-lint E3006
    fix_applicability = Applicability.UNSAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        where = region(settings)
        types = None
        for logical_id, resource in ctx.resources.items():
            if not isinstance(resource, dict) or not isinstance(resource_type(resource), str):
                continue
            type_name = resource["Type"]
            if _skipped(ctx, type_name):
                continue
            if types is None:
                types = known_types(where)
            if type_name in types:
                continue
            yield self._finding(ctx, logical_id, resource, type_name, where)

    def _finding(self, ctx: RuleContext, logical_id: str, resource: dict, type_name: str,
                 where: str) -> Finding:
        pointer = ctx.pointer("Resources", logical_id, "Type")
        what = f"resource type {type_name} does not exist in {where}"
        found = _counterpart(type_name, resource, where)
        if found is not None:
            real, preset, sure = found
            fix = self.fixer(ctx).replace(pointer, real)
            props = resource.get("Properties")
            for key, value in preset.items():
                if not (isinstance(props, dict) and key in props):
                    fix.set(("Resources", logical_id, "Properties", key), value)
            also = "".join(f", {k}: {v}" for k, v in preset.items() if not (isinstance(props, dict) and k in props))
            return self.finding(
                pointer, f"{what}; did you mean {real}?" if sure else f"{what}; its properties fit {real}",
                fix=fix.build(f"Change the type of {logical_id} to {real}{also}",
                              Applicability.SAFE if sure else Applicability.UNSAFE),
                resource=logical_id)
        if _PARAMETER_TYPE.match(type_name) and set(resource) <= _PARAMETER_KEYS:
            return self._as_parameter(ctx, logical_id, pointer, what)
        if type_name == _ATTACHMENT:
            found_target = self._as_target(ctx, logical_id, resource, pointer, what)
            if found_target:
                return found_target
        purpose = fragment(PATCHES, "purposes").get(type_name)
        meant = f"it was meant for {purpose}" if purpose else "what it was meant to do is not deployed"
        blockers = removal_blockers(ctx, logical_id)
        if blockers:
            return self.finding(pointer, f"{what} and has no counterpart; remove it and what uses it",
                                detail=f"{meant}; it is used by {', '.join(blockers)}", resource=logical_id)
        fix = self.fixer(ctx)
        also = plan_removal(ctx, fix, logical_id)
        if also is None:
            return self.finding(pointer, f"{what} and has no counterpart", detail=meant, resource=logical_id)
        extra = f" and {', '.join(also)}" if also else ""
        lost = f"the template no longer does {purpose}" if purpose else "what it was meant to do is lost"
        return self.finding(
            pointer, concise(f"{what} and has no counterpart; removing {logical_id} loses what it was for",
                             f"{type_name} does not exist and has no counterpart; removing {logical_id} loses what "
                             "it was for", f"{type_name} does not exist; removing {logical_id} loses what it was for"),
            detail=f"{meant}; the fix removes {logical_id}{extra}",
            fix=fix.build(f"Remove {logical_id} ({type_name}){extra}; {lost}", Applicability.UNSAFE),
            resource=logical_id)

    def _as_parameter(self, ctx: RuleContext, logical_id: str, pointer: str, what: str) -> Finding:
        found = f"{logical_id} is a parameter written under Resources"
        message = concise(f"{what}: {found}", found)
        fix = self.fixer(ctx)
        if logical_id in ctx.parameters or any(v.startswith(f"{logical_id}.") for v in _getatts(ctx)):
            return self.finding(pointer, message, resource=logical_id)
        if len(ctx.resources) <= 1:
            return self.finding(pointer, message, resource=logical_id)
        fix.remove(("Resources", logical_id))
        fix.set(("Parameters", logical_id), thaw(ctx.resources[logical_id]))
        moved = f"{found}; move it to Parameters"
        return self.finding(pointer, concise(f"{what}: {moved}", moved),
                            fix=fix.build(f"Move {logical_id} to Parameters", Applicability.SAFE),
                            resource=logical_id)

    def _as_target(self, ctx: RuleContext, logical_id: str, resource: dict, pointer: str,
                   what: str) -> Finding | None:
        props = resource.get("Properties")
        if not isinstance(props, dict) or set(props) - {"TargetGroupArn", "TargetId", "Port", "AvailabilityZone"}:
            return None
        group = ref_target(props.get("TargetGroupArn"))
        if (group is None or ctx.type_of(group) != "AWS::ElasticLoadBalancingV2::TargetGroup"
                or "TargetId" not in props or set(resource) - {"Type", "Properties", "DependsOn"}
                or removal_blockers(ctx, logical_id)):
            return None
        fix = self.fixer(ctx)
        targets = fix.get(("Resources", group, "Properties", "Targets"))
        if targets is not None and not isinstance(targets, list):
            return None
        entry = {"Id": thaw(props["TargetId"])}
        for key in ("Port", "AvailabilityZone"):
            if key in props:
                entry[key] = thaw(props[key])
        if targets is None:
            fix.set(("Resources", group, "Properties", "Targets"), [entry])
        else:
            fix.add(("Resources", group, "Properties", "Targets", "-"), entry)
        if plan_removal(ctx, fix, logical_id) is None:
            return None
        return self.finding(pointer, f"{what}; register the target in {group}'s Targets instead",
                            fix=fix.build(f"Move {logical_id} into the Targets of {group}", Applicability.SAFE),
                            resource=logical_id)


def _counterpart(type_name: str, resource: dict, where: str) -> tuple[str, dict[str, Any], bool] | None:
    """The real type an unknown type names: (type, properties it needs set, sure).

    Sure: the type differs only by case, or the alias table names it (its properties must fit).
    Not sure: the one type of the same service whose schema fits the properties written (all of
    them allowed, every required one present), a guess.
    """
    real = type_by_case(type_name, where)
    if real:
        return real, {}, True
    props = resource.get("Properties", {})
    if not isinstance(props, dict):
        return None
    entry = fragment(PATCHES, "aliases").get(type_name)
    if entry is not None:
        target, preset = (entry, {}) if isinstance(entry, str) else (entry["type"], dict(entry.get("set", {})))
        if target in known_types(where) and _fits(target, props, preset, where):
            return target, preset, True
        return None
    prefix = type_name.rsplit("::", 1)[0] + "::"
    if not props or not type_name.startswith("AWS::"):
        return None
    fitting = [t for t in sorted(known_types(where)) if t.startswith(prefix) and t.count("::") == 2
               and _fits(t, props, {}, where)]
    return (fitting[0], {}, False) if len(fitting) == 1 else None


def _fits(type_name: str, props: dict, preset: dict, where: str) -> bool:
    """Whether ``props`` (with ``preset``) are properties ``type_name`` allows, its required ones included."""
    schema = resource_schema(type_name, where)
    if schema is None:
        return False
    allowed = set(schema.properties(schema.root)) - schema.read_only()
    given = set(props) | set(preset)
    return set(props) <= allowed and set(schema.required(schema.root)) <= given


def _getatts(template: Template) -> set[str]:
    """``X.Attr`` strings of every GetAtt and Sub in the template (to tell a parameter's users apart)."""
    from autofix.intrinsics import getatt_target, parse_sub, values

    found: set[str] = set()
    for value in values(template.data):
        target = getatt_target(value)
        if target:
            found.add(f"{target[0]}.{target[1]}")
        sub = parse_sub(value)
        if sub is not None:
            found.update(v for v in sub.outside() if "." in v)
    return found
