"""DR009 two-region-deploy-failure: a template meant for both regions fails when deployed in the documented order."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import if_condition, intrinsic_name, is_no_value, parse_sub, sub_names
from autofix.nodes import split_pointer
from autofix.rules.base import Applicability, Finding, Fix, Rule
from autofix.rules.dr import _deploy, _names, _regions, _s3
from autofix.settings import Settings
from autofix.template import Template

#: What gating to the primary region keeps naming in the secondary stack: type -> name property.
_GATED_NAME = {"AWS::DynamoDB::GlobalTable": "TableName", "AWS::RDS::GlobalCluster": "GlobalClusterIdentifier"}
_TABLE_ARN = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/"


class _Declined(Exception):
    """A deterministic fix does not fit this template (the message says why)."""


class TwoRegionDeployFailure(Rule):
    """## What it does
    Simulates the deployment of a DR template that is written for two regions (a condition compares
    `AWS::Region`), whoever wrote the layout, in the documented order: the primary region's stack is
    created (`SecondaryStackDeployed=false`), then the secondary region's, then the primary's is
    updated with `SecondaryStackDeployed=true`.  Each stack is resolved with its region and the
    parameters' defaults (and once more for every other `AllowedValues` entry of a parameter the
    conditions read).  It reports, naming the resources on both sides:

    - a name that both stacks create where names are global: S3 buckets; IAM roles, managed
      policies, instance profiles, users, groups, OIDC and SAML providers, server certificates and
      service-linked roles (inline `AWS::IAM::Policy` names are not global); Aurora global cluster
      identifiers; CloudFront aliases, cache, origin request and response headers policies, origin
      access controls and functions; Route 53 records by zone, name, type and set identifier
      (records in a zone that each stack creates for itself do not collide); two public hosted
      zones of one name (only one can be delegated); and names a replica takes in the other region
      (a global table's replica, a secret's `ReplicaRegions`);
    - a `Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn` or output naming a resource that the stack does
      not create;
    - a global table that both stacks create, or whose replicas omit the stack's region or repeat one;
    - replication to a bucket that only a later stack creates (the primary replicating before the
      secondary exists);
    - a cluster joining a global cluster that no earlier stack created, or joining one that already
      has a writer with master credentials.

    `AWS::AccountId` and `AWS::StackName` are the same in both stacks; a name left out is made unique
    by CloudFormation; a value the template does not determine (a parameter without a default, an
    attribute, an import) is unknown, and nothing resting on it is reported.

    ## Why is this bad?
    One template deployed in two regions creates everything twice unless its conditions say
    otherwise.  Bucket, IAM and global cluster names are global, a global table's replica already
    holds its name in the secondary region, and S3 rejects replication to a bucket that does not
    exist yet: the secondary stack (or the primary's update) fails, and a template that "passes"
    every check gives no disaster recovery at all.

    ## Example
    ```yaml
    Conditions:
      IsPrimaryRegion: !Equals [!Ref 'AWS::Region', !Ref PrimaryRegion]
    Resources:
      Table:
        Type: AWS::DynamoDB::GlobalTable
        Properties:
          TableName: orders
          Replicas: [{Region: !Ref 'AWS::Region'}, {Region: !Ref SecondaryRegion}]
    ```

    Use instead:
    ```yaml
    Resources:
      Table:
        Type: AWS::DynamoDB::GlobalTable
        Condition: IsPrimaryRegion
        Properties:
          TableName: orders
          Replicas: [{Region: !Ref 'AWS::Region'}, {Region: !Ref SecondaryRegion}]
    ```

    ## Fix safety
    Each fix keeps what the primary region's stack already has: a name changes only where the
    resource is new, in the secondary region.  Safe where the secondary stack fails to deploy
    today and the primary's is untouched: a global table or a global cluster without a source
    cluster that both stacks create is created by the primary only (references to it in the
    secondary stack name it instead; a cluster joining it there drops its master credentials); a
    secondary cluster joining an existing global cluster drops its master credentials there; a
    bucket or IAM role, user, group, managed policy or instance profile that both stacks create
    gets `-${AWS::Region}` in its name in the secondary region only (`!If [IsSecondaryRegion,
    ...]`).  Unsafe where it changes what runs: a renamed resource whose name is also written as
    text elsewhere (an ARN in a policy), or whose name needs a `MaxLength` on a parameter (a new
    one, or a tighter one that still admits the default) to stay within its limit (63 characters
    for buckets, 64 for roles and users, 128 for the rest); two
    unrelated global tables made into one; PRIMARY and SECONDARY
    failover records put in their own region's stack; replication gated on
    `SecondaryStackDeployed` (an existing primary stack stops replicating until updated with
    `true`).  Everything else (different resources under one name, references to what a stack
    does not create, replicas, deploy order of global clusters) is reported with the reason and
    no fix.

    ## References
    - [Bucket naming rules](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
    - [IAM identifiers: names unique in the account, not case sensitive](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html)
    - [AWS::DynamoDB::GlobalTable](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html)
    - [Adding a secondary AWS Region to an Aurora global database](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attaching.html)
    - [Route 53 failover routing](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-failover.html)
    - [Replicate Secrets Manager secrets across Regions](https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html)
    - [Moving a CloudFront alternate domain name (CNAMEAlreadyExists)](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html)
    """

    id = "DR009"
    name = "two-region-deploy-failure"
    summary = "A template for both regions fails when the two stacks are deployed in the documented order"
    fix_applicability = Applicability.UNSAFE
    enabled_by_default = True  # a documented DR failure (a deploy failure too)
    needs_precondition = True
    reads_whole_template = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        if not _deploy.compares_region(ctx):
            return
        for problem in _deploy.simulate(ctx, settings):
            fix, plan = None, f"No automatic fix: {problem.reason}." if problem.reason else ""
            if problem.remedy is not None:
                try:
                    fix = self._fix(ctx, settings, problem)
                    plan = f"Fix: {fix.description}."
                except _Declined as why:
                    plan = f"No automatic fix: {why}."
            resource = problem.subject if problem.subject in ctx.resources else None
            detail = f"{problem.detail.strip()} {plan}".strip()
            yield Finding(self.id, problem.pointer, problem.message, fix=fix, resource=resource,
                          rule_name=self.name, extra={"detail": detail, "check": problem.check})

    # -- fixes

    def _fix(self, ctx: RuleContext, settings: Settings, problem: _deploy.Problem) -> Fix:
        builder = {"gate-primary": self._gate_primary, "region-suffix": self._region_suffix,
                   "failover-own-region": self._failover, "gate-replication": self._gate_replication,
                   "secondary-credentials": self._secondary_credentials}[problem.remedy or ""]
        return builder(ctx, settings, problem)

    def _gate_primary(self, ctx: RuleContext, settings: Settings, problem: _deploy.Problem) -> Fix:
        logical_id = problem.subject
        kind = ctx.type_of(logical_id)
        names = _regions.layout(ctx, settings, replication=False)
        resource = ctx.resources[logical_id]
        if "Condition" in resource:
            raise _Declined(f"{logical_id} already has the condition {resource['Condition']}")
        key = _GATED_NAME[kind or ""]
        name = ctx.properties(logical_id).get(key)
        fix = self.fixer(ctx).extend(names.changes.operations)
        fix.set(("Resources", logical_id, "Condition"), names.is_primary)
        secondary = _secondary_stack(ctx, settings)
        joined: list[str] = []
        for pointer, how in _deploy.references_to(secondary, logical_id):
            if name is None:  # naming it now would replace the primary's: never
                raise _Declined(f"{logical_id} has no {key}, so the secondary stack cannot name the primary's")
            _rewrite(ctx, fix, pointer, how, logical_id, kind or "", name, names.is_primary)
            path = split_pointer(pointer)
            if (kind == "AWS::RDS::GlobalCluster" and len(path) >= 4 and path[2:4] == ["Properties",
                                                                                       "GlobalClusterIdentifier"]
                    and ctx.type_of(path[1]) == "AWS::RDS::DBCluster"):
                joined.append(path[1])
        for cluster in dict.fromkeys(joined):
            _drop_credentials(ctx, fix, cluster, names.is_secondary)
        what = "global table" if kind == "AWS::DynamoDB::GlobalTable" else "global cluster"
        description = (f"Create the {what} {logical_id} in the primary region's stack only ({names.is_primary}); "
                       f"the secondary stack names it instead")
        if joined:
            description += f", and {', '.join(dict.fromkeys(joined))} joins it there without master credentials"
        return fix.build(description, Applicability.SAFE if problem.fails else Applicability.UNSAFE)

    def _region_suffix(self, ctx: RuleContext, settings: Settings, problem: _deploy.Problem) -> Fix:
        logical_id = problem.subject
        key, limit = _deploy.REGION_SUFFIX[ctx.type_of(logical_id) or ""]
        names = _regions.layout(ctx, settings, replication=False)
        raw = ctx.properties(logical_id).get(key)
        text = _s3.normalize(raw)
        if text is None:
            raise _Declined(f"its {key} is not a literal, Fn::Sub or Fn::Join the fix can extend")
        new_text = f"{text}-${{AWS::Region}}"
        bounds = _bounds(ctx, new_text, limit, names.region_parameters())
        if bounds is None:
            raise _Declined(f"'{new_text}' can exceed the {limit} characters {key} allows for some parameter value")
        fix = self.fixer(ctx).extend(names.changes.operations)
        for parameter, length in bounds.items():
            fix.set(("Parameters", parameter, "MaxLength"), length)
        fix.replace(("Resources", logical_id, "Properties", key),
                    {"Fn::If": [names.is_secondary, {"Fn::Sub": new_text}, copy.deepcopy(raw)]})
        elsewhere = _written_elsewhere(ctx, logical_id, text)
        description = f"Name {logical_id} '{new_text}' in the secondary region only ({names.is_secondary})"
        if bounds:
            description += "; bound " + ", ".join(f"{p} to {n} characters" for p, n in bounds.items())
        if elsewhere:
            description += f"; {', '.join(elsewhere)} still write the primary's name as text"
        return fix.build(description, Applicability.UNSAFE if bounds or elsewhere else Applicability.SAFE)

    def _failover(self, ctx: RuleContext, settings: Settings, problem: _deploy.Problem) -> Fix:
        logical_id = problem.subject
        resource = ctx.resources[logical_id]
        if "Condition" in resource:
            raise _Declined(f"{logical_id} already has the condition {resource['Condition']}")
        names = _regions.layout(ctx, settings, replication=False)
        side = ctx.properties(logical_id).get("Failover")
        condition = names.is_primary if side == "PRIMARY" else names.is_secondary
        fix = self.fixer(ctx).extend(names.changes.operations)
        fix.set(("Resources", logical_id, "Condition"), condition)
        region = "primary" if side == "PRIMARY" else "secondary"
        return fix.build(f"Create the {side} failover record {logical_id} in the {region} region's stack only "
                         f"({condition})", Applicability.UNSAFE)

    def _gate_replication(self, ctx: RuleContext, settings: Settings, problem: _deploy.Problem) -> Fix:
        logical_id = problem.subject
        names = _regions.layout(ctx, settings, replication=True)
        path = ("Resources", logical_id, "Properties", "ReplicationConfiguration")
        value = ctx.properties(logical_id).get("ReplicationConfiguration")
        fix = self.fixer(ctx).extend(names.changes.operations)
        arg = value.get("Fn::If") if intrinsic_name(value) == "Fn::If" else None
        if arg is not None and if_condition(value) == names.is_primary and is_no_value(arg[2]):
            fix.replace((*path, "Fn::If", 0), names.replicate)
        else:
            fix.replace(path, {"Fn::If": [names.replicate, copy.deepcopy(value), {"Ref": "AWS::NoValue"}]})
        return fix.build(f"Replicate {logical_id} only once the secondary stack exists ({names.replicate}: "
                         f"update the primary stack with {names.deployed}=true after deploying the secondary); "
                         f"objects written before then are not copied (use S3 Batch Replication)",
                         Applicability.UNSAFE)

    def _secondary_credentials(self, ctx: RuleContext, settings: Settings, problem: _deploy.Problem) -> Fix:
        names = _regions.layout(ctx, settings, replication=False)
        fix = self.fixer(ctx).extend(names.changes.operations)
        if not _drop_credentials(ctx, fix, problem.subject, names.is_secondary):
            raise _Declined("its credentials are already chosen by a condition")
        return fix.build(f"Leave the master credentials of {problem.subject} out in the secondary region "
                         f"({names.is_secondary}), where it joins the global cluster", Applicability.SAFE)


def _bounds(ctx: RuleContext, text: str, limit: int, regions: set[str]) -> dict[str, int] | None:
    """``MaxLength`` values that keep the ``Fn::Sub`` text ``text`` within ``limit`` characters for every
    parameter value: new bounds for unbounded string parameters, else tightened ones for string parameters
    whose ``MaxLength`` is too loose (their defaults still fit); None when no bound can make it fit."""
    known = {p: _regions.REGION_MAX for p in regions}
    bounds = _names.bounds_to_add(ctx, text, limit, known)
    if bounds is not None:
        return bounds
    loose = {name: param for name, param in ctx.parameters.items()
             if name in sub_names(text) and name not in regions and isinstance(param, dict)
             and "MaxLength" in param and "AllowedValues" not in param and param.get("Type", "String") == "String"}
    if not loose:
        return None
    data = copy.deepcopy(ctx.data)
    for name in loose:
        del data["Parameters"][name]["MaxLength"]
    tightened = _names.bounds_to_add(Template(data), text, limit, known)
    if tightened is None:
        return None
    return {p: n for p, n in tightened.items() if p not in loose or n < int(loose[p]["MaxLength"])}


def _secondary_stack(ctx: RuleContext, settings: Settings) -> Any:
    pair = _deploy.regions(ctx, settings)
    return _deploy.deploy_order(ctx, pair)[1]


def _rewrite(ctx: RuleContext, fix: FixBuilder, pointer: str, how: str, logical_id: str, kind: str,
             name: Any, is_primary: str) -> None:
    """Make one reference to a resource the secondary stack no longer creates name it instead."""
    node = fix.get(pointer)
    text = _s3.normalize(name)
    if how == "Ref":
        fix.replace(pointer, {"Fn::If": [is_primary, copy.deepcopy(node), copy.deepcopy(name)]})
    elif how == "Fn::GetAtt" and kind == "AWS::DynamoDB::GlobalTable" and node["Fn::GetAtt"] in (
            [logical_id, "Arn"], f"{logical_id}.Arn") and text is not None:
        fix.replace(pointer, {"Fn::If": [is_primary, copy.deepcopy(node), {"Fn::Sub": _TABLE_ARN + text}]})
    elif how == "Fn::Sub" and text is not None:
        sub = parse_sub(node)
        assert sub is not None  # the walk found a variable in it

        def name_it(match: re.Match[str]) -> str:
            attribute = match.group(1)
            if attribute is None:
                return text
            if attribute == ".Arn" and kind == "AWS::DynamoDB::GlobalTable":
                return _TABLE_ARN + text
            raise _Declined(f"the secondary stack reads ${{{logical_id}{attribute}}}, which only the primary's has")

        new_text = re.sub(r"\$\{\s*" + re.escape(logical_id) + r"(\.[A-Za-z]+)?\s*\}", name_it, sub.text)
        fix.replace(pointer, {"Fn::Sub": [new_text, copy.deepcopy(sub.local)] if sub.local else new_text})
    else:
        where = "/".join(split_pointer(pointer)[:2])
        raise _Declined(f"{where} uses {logical_id} through {how}, which the secondary stack cannot name")


def _drop_credentials(ctx: RuleContext, fix: FixBuilder, cluster: str, is_secondary: str) -> bool:
    """Leave a cluster's master credentials out where ``is_secondary`` holds; False when nothing changes."""
    props = ctx.properties(cluster)
    changed = False
    for key in ("MasterUsername", "MasterUserPassword", "ManageMasterUserPassword"):
        value = props.get(key)
        if value is None or (if_condition(value) == is_secondary and is_no_value(value["Fn::If"][1])):
            continue
        fix.replace(("Resources", cluster, "Properties", key),
                    {"Fn::If": [is_secondary, {"Ref": "AWS::NoValue"}, copy.deepcopy(value)]})
        changed = True
    return changed


def _written_elsewhere(ctx: RuleContext, logical_id: str, text: str) -> list[str]:
    """Resources and outputs (other than ``logical_id``) that write the name ``text`` as text: the name itself,
    or an ARN ending in it (``arn:aws:s3:::name/*``, ``arn:aws:iam::123:role/name``)."""
    from autofix.intrinsics import strings_in

    written = re.compile(r"(^|[:/])" + re.escape(text) + r"($|/)")
    out = []
    for entries in (ctx.resources, ctx.section("Outputs")):
        for other, value in entries.items():
            if other != logical_id and any(written.search(s) for s in strings_in(value)):
                out.append(other)
    return out
