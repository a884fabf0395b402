"""DP003 circular-dependency: resources that depend on each other in a cycle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, thaw, walk_in
from autofix.intrinsics import SUB_VARIABLE, getatt_target, parse_sub, ref_target, references, sub_names, sub_substitute
from autofix.patches import fragment
from autofix.rules.base import MAX_MESSAGE, Applicability, Finding, Fix, Rule
from autofix.rules.dp._graph import cycles, dependency_graph
from autofix.settings import Settings
from autofix.template import Template, depends_on

PATCHES = "DP003-circular-dependency"
SG = "AWS::EC2::SecurityGroup"
BUCKET = "AWS::S3::Bucket"
ROLE = "AWS::IAM::Role"
#: resources whose ARN (and Ref) can be built from their name: type -> (name property, what Ref returns
#: ("name" or "arn"), the ARN with {name} for the name)
NAMED = {
    BUCKET: ("BucketName", "name", "arn:${AWS::Partition}:s3:::{name}"),
    "AWS::Lambda::Function": ("FunctionName", "name",
                              "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:{name}"),
    "AWS::DynamoDB::Table": ("TableName", "name",
                             "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/{name}"),
    "AWS::SNS::Topic": ("TopicName", "arn", "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:{name}"),
    "AWS::SQS::Queue": ("QueueName", None, "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:{name}"),
    "AWS::Kinesis::Stream": ("Name", "name",
                             "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/{name}"),
    "AWS::StepFunctions::StateMachine": (
        "StateMachineName", "arn",
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:{name}"),
}
#: inline rule lists and the standalone resource each rule becomes
_RULE_LISTS = (("SecurityGroupIngress", "ingress", "Ingress"), ("SecurityGroupEgress", "egress", "Egress"))


class CircularDependency(Rule):
    """## What it does
    Finds resources that depend on each other in a cycle (through `Ref`, `Fn::GetAtt`,
    `Fn::Sub` variables or `DependsOn`) and breaks the cycles that have a deterministic
    rewrite:

    - security groups that name each other (or themselves) in inline `SecurityGroupIngress`
      / `SecurityGroupEgress` rules: the rules that reference a group of the cycle move to
      standalone `AWS::EC2::SecurityGroupIngress` / `AWS::EC2::SecurityGroupEgress`
      resources (ingress rules first; egress rules only when that is not enough);
    - an S3 bucket in a cycle (typically a bucket notifying a Lambda function whose role or
      permission names the bucket): the references to the bucket from the other members
      are rewritten from its name, `arn:${AWS::Partition}:s3:::NAME` for its ARN.

    Any other cycle is reported with its members named, without a fix.

    ## Why is this bad?
    CloudFormation refuses a template whose resources form a dependency cycle
    ("Circular dependency between resources"): nothing in the stack can be created.

    ## Example
    ```yaml
    AppSG:
      Type: AWS::EC2::SecurityGroup
      Properties:
        SecurityGroupIngress:
          - {IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref LbSG}
    LbSG:
      Type: AWS::EC2::SecurityGroup
      Properties:
        SecurityGroupEgress:
          - {IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationSecurityGroupId: !Ref AppSG}
    ```

    Use instead:
    ```yaml
    AppSGIngressLbSG:
      Type: AWS::EC2::SecurityGroupIngress
      Properties:
        GroupId: !GetAtt AppSG.GroupId
        IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        SourceSecurityGroupId: !Ref LbSG
    ```

    ## Fix safety
    Security groups: safe.  The moved rules are the same rules (every key, `Description`
    included), attached to the same group through `GroupId: !GetAtt Group.GroupId`, and the
    standalone resource keeps the group's `Condition`.  EC2 adds its default allow-all
    egress rule only to a group created without egress rules; when every inline egress rule
    of a group moves out, an inline rule that matches no traffic (the one the AWS CDK writes
    for `allowAllOutbound: false`) stays in the group so its egress is still limited to the
    moved rules.

    S3 buckets: safe when the bucket's name is known (`BucketName` a literal, a parameter or
    a `Fn::Sub` of parameters and pseudo parameters): the rewritten references evaluate to
    the same values.  When the bucket has no `BucketName`, the fix gives it one,
    `<logical id>-${AWS::AccountId}-${AWS::Region}`, and is unsafe: the bucket's name
    changes from a generated one, and a second stack of the same template in the same
    account and region would collide on it.

    ## References
    - [AWS::EC2::SecurityGroup (cross-referencing groups)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html)
    - [AWS::EC2::SecurityGroupIngress](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroupingress.html)
    - [Resolve circular dependencies with S3 event notifications](https://repost.aws/knowledge-center/unable-validate-circular-dependency-cloudformation)
    - [Avoiding circular dependencies](https://aws.amazon.com/blogs/infrastructure-and-automation/handling-circular-dependency-errors-in-aws-cloudformation/)
    """

    id = "DP003"
    reads_whole_template = True
    name = "circular-dependency"
    summary = "Resources depend on each other in a cycle"
    cfn_lint = ("E3004",)
    enabled_by_default = True  # resolves cfn-lint E3004
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        resources = ctx.resources
        graph = dependency_graph(resources, ctx.reference_graph)
        for members in cycles(graph):
            pointer = ctx.pointer("Resources", members[0])
            fix = (self._security_group_fix(ctx, graph, members)
                   or self._named_fix(ctx, graph, members)
                   or self._role_policy_fix(ctx, graph, members))
            detail = f"Dependencies: {self._path(graph, members)}."
            if fix is None:
                detail += " No automatic rewrite breaks it."
            yield self.finding(pointer, self._message(members), detail=detail, fix=fix, resource=members[0])

    @staticmethod
    def _message(members: list[str]) -> str:
        """The cycle's members, or as many as fit in a message and how many more (the detail has them all)."""
        message = f"circular dependency between {', '.join(members)}"
        if len(message) <= MAX_MESSAGE:
            return message
        return f"circular dependency between {members[0]} and {len(members) - 1} other resources"

    @staticmethod
    def _path(graph: dict[str, set[str]], members: list[str]) -> str:
        inside = set(members)
        return "; ".join(f"{m} -> {', '.join(sorted(graph[m] & inside))}" for m in members)

    # -- security groups

    def _security_group_fix(self, ctx: RuleContext, graph: dict[str, set[str]],
                            members: list[str]) -> Fix | None:
        groups = [m for m in members if ctx.type_of(m) == SG]
        if not groups:
            return None
        cycle = set(members)
        for phases in ((0,), (0, 1)):
            moves: dict[str, dict[int, list[int]]] = {}
            for group in groups:
                props = ctx.properties(group)
                for phase in phases:
                    key = _RULE_LISTS[phase][0]
                    rules = props.get(key)
                    if key not in props:
                        continue
                    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
                        if references(rules) & cycle:
                            return None  # Fn::If around the list: not rewritten
                        continue
                    picked = [i for i, r in enumerate(rules) if references(r) & cycle and _plain_rule(r)]
                    if picked:
                        moves.setdefault(group, {})[phase] = picked
            if not moves:
                continue
            trial = {k: set(v) for k, v in graph.items()}
            for group in groups:
                resource = dict(ctx.resources[group])
                props = dict(ctx.properties(group))
                for phase, picked in moves.get(group, {}).items():
                    key = _RULE_LISTS[phase][0]
                    props[key] = [r for i, r in enumerate(props[key]) if i not in picked]
                resource["Properties"] = props
                body = {k: v for k, v in resource.items() if k != "DependsOn"}
                trial[group] = {r for r in references(body) if r in graph} | {
                    d for d in depends_on(resource) if d in graph}
            if cycles({m: trial[m] & cycle for m in members}):
                continue
            return self._move_rules(ctx, moves)
        return None

    def _move_rules(self, ctx: RuleContext, moves: dict[str, dict[int, list[int]]]) -> Fix:
        fix = self.fixer(ctx)
        taken: set[str] = set()
        moved = 0
        for group, by_phase in moves.items():
            condition = ctx.resources[group].get("Condition")
            for phase, picked in sorted(by_phase.items()):
                key, kind, word = _RULE_LISTS[phase]
                rules = ctx.properties(group)[key]
                for i in picked:
                    rule = thaw(rules[i])
                    peers = sorted(references(rule) & set(ctx.resources), key=list(ctx.resources).index)
                    name = ctx.unique_id(f"{group}{word}{peers[0] if peers else ''}", taken)
                    taken.add(name)
                    body = fragment(PATCHES, kind, Rule={"GroupId": {"Fn::GetAtt": [group, "GroupId"]}, **rule})
                    if isinstance(condition, str):
                        body = {"Type": body["Type"], "Condition": condition, **{k: v for k, v in body.items()
                                                                                   if k != "Type"}}
                    fix.add(("Resources", name), body)
                    moved += 1
                path = ("Resources", group, "Properties", key)
                if len(picked) == len(rules):
                    if kind == "ingress":
                        fix.remove(path)
                    else:
                        fix.replace(path, [fragment(PATCHES, "no_egress")])
                else:
                    for i in sorted(picked, reverse=True):
                        fix.remove((*path, i))
        groups = ", ".join(moves)
        return fix.build(f"Move {moved} inline rule(s) of {groups} that reference each other into standalone "
                         "SecurityGroupIngress/SecurityGroupEgress resources", Applicability.SAFE)

    # -- S3 buckets

    def _named_fix(self, ctx: RuleContext, graph: dict[str, set[str]], members: list[str]) -> Fix | None:
        cycle = set(members)
        for bucket in members:
            kind = NAMED.get(ctx.type_of(bucket) or "")
            if kind is None:
                continue
            referrers = [m for m in members if m != bucket and bucket in graph[m]]
            if any(bucket in depends_on(ctx.resources[m]) for m in referrers):
                continue
            name, named = _known_name(ctx, bucket, kind[0])
            if name is None or (not named and kind[0] != "BucketName"):
                continue
            rewrites: list[tuple[str, Any]] = []
            ok = True
            for member in referrers:
                base = ctx.pointer("Resources", member)
                for pointer, value in walk_in(ctx, ctx.resources[member], base):
                    new = _rewrite(value, bucket, name, kind, in_policy_resource=_policy_resource(pointer))
                    if new is _FAIL:
                        ok = False
                        break
                    if new is not None:
                        rewrites.append((pointer, new))
                if not ok:
                    break
            if not ok or not rewrites:
                continue
            trial = {m: (graph[m] - {bucket} if m in referrers else graph[m]) & cycle for m in members}
            if cycles(trial):
                continue
            fix = self.fixer(ctx)
            if not named:
                if "Properties" in ctx.resources[bucket]:
                    fix.add(("Resources", bucket, "Properties", "BucketName"), {"Fn::Sub": name})
                else:
                    fix.add(("Resources", bucket, "Properties"), {"BucketName": {"Fn::Sub": name}})
            for pointer, new in rewrites:
                fix.replace(pointer, new)
            if named:
                return fix.build(f"Build the references to {bucket} from its name", Applicability.SAFE)
            return fix.build(f"Name bucket {bucket} {name} and build the references to it from that name",
                             Applicability.UNSAFE)
        return None

    # -- roles: inline policies that name cycle members become AWS::IAM::Policy resources

    def _role_policy_fix(self, ctx: RuleContext, graph: dict[str, set[str]], members: list[str]) -> Fix | None:
        cycle = set(members)
        moves: dict[str, list[int]] = {}
        trial = {m: graph[m] & cycle for m in members}
        for role in members:
            if ctx.type_of(role) != ROLE:
                continue
            policies = ctx.properties(role).get("Policies")
            if not isinstance(policies, list):
                continue
            picked = [i for i, p in enumerate(policies) if isinstance(p, dict) and references(p) & cycle
                      and isinstance(p.get("PolicyName"), str) and "PolicyDocument" in p]
            if not picked:
                continue
            resource = dict(ctx.resources[role])
            props = dict(ctx.properties(role))
            props["Policies"] = [p for i, p in enumerate(policies) if i not in picked]
            resource["Properties"] = props
            body = {k: v for k, v in resource.items() if k != "DependsOn"}
            trial[role] = ({r for r in references(body)} | set(depends_on(resource))) & cycle
            moves[role] = picked
        if not moves or cycles(trial):
            return None
        fix = self.fixer(ctx)
        taken: set[str] = set()
        for role, picked in moves.items():
            policies = ctx.properties(role)["Policies"]
            condition = ctx.resources[role].get("Condition")
            for i in picked:
                policy = thaw(policies[i])
                base = re.sub(r"[^A-Za-z0-9]", "", policy["PolicyName"]) or "Inline"
                name = ctx.unique_id(f"{role}{base[:1].upper()}{base[1:]}", taken)
                taken.add(name)
                body: dict[str, Any] = {"Type": "AWS::IAM::Policy"}
                if isinstance(condition, str):
                    body["Condition"] = condition
                body["Properties"] = {**policy, "Roles": [{"Ref": role}]}
                fix.add(("Resources", name), body)
            path = ("Resources", role, "Properties", "Policies")
            if len(picked) == len(policies):
                fix.remove(path)
            else:
                for i in sorted(picked, reverse=True):
                    fix.remove((*path, i))
        return fix.build(f"Move the inline policies of {', '.join(moves)} that name resources of the cycle into "
                         "AWS::IAM::Policy resources attached to the role", Applicability.UNSAFE)


_FAIL = object()


def _plain_rule(rule: Any) -> bool:
    return isinstance(rule, dict) and all(isinstance(k, str) and not k.startswith("Fn::") for k in rule)


def _known_name(template: Template, bucket: str, key: str) -> tuple[str | None, bool]:
    """The resource's name as Fn::Sub text, and whether the template names it (False: a name to add)."""
    props = template.properties(bucket)
    value = props.get(key)
    if value is None:
        if "Properties" in template.resources[bucket] and not isinstance(template.resources[bucket]["Properties"],
                                                                          dict):
            return None, False
        prefix = bucket.lower()[:34]
        return f"{prefix}-${{AWS::AccountId}}-${{AWS::Region}}", False
    if isinstance(value, str):
        return (None, True) if "${" in value else (value, True)
    param = ref_target(value)
    if param is not None and template.is_parameter(param):
        return f"${{{param}}}", True
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"]
        for var in sub_names(text):
            if not (var.startswith("AWS::") or template.is_parameter(var)):
                return None, True
        return text, True
    return None, True


def _policy_resource(pointer: str) -> bool:
    """Is ``pointer`` inside the Resource (or NotResource) of an IAM policy statement?"""
    return bool(re.search(r"/Statement/(\d+/)?(Not)?Resource(/|$)", pointer))


def _rewrite(value: Any, bucket: str, name: str, kind: tuple[str, str | None, str],
             in_policy_resource: bool = False) -> Any:
    """The replacement of ``value`` when it is a Ref/GetAtt/Sub naming ``bucket``; None when it does not
    name it (directly); _FAIL when it does in a way that cannot be rewritten."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    arn = kind[2].replace("{name}", name)
    ref = {"name": name, "arn": arn}.get(kind[1] or "")
    if ref_target(value) == bucket:
        if ref is None:
            return _FAIL
        return ref if "${" not in ref else {"Fn::Sub": ref}
    target = getatt_target(value)
    if target and target[0] == bucket:
        if target[1] == "Arn":
            return {"Fn::Sub": arn}
        return _FAIL
    sub = parse_sub(value)
    if sub is not None:
        if bucket in sub.local:
            return None
        uses = [v for v in sub.outside() if v.split(".", 1)[0] == bucket]
        if not uses:
            return None
        if any(v not in (bucket, f"{bucket}.Arn") for v in uses) or (ref is None and bucket in uses):
            return _FAIL
        new_text = sub_substitute(sub.text, {f"{bucket}.Arn": arn})
        first = SUB_VARIABLE.match(new_text)
        if in_policy_resource and kind[1] == "name" and first is not None and first.group(1) == bucket:
            # a policy Resource is an ARN: "${Bucket}/*" meant the bucket's ARN
            new_text = arn + new_text[first.end():]
        new_text = sub_substitute(new_text, {bucket: ref or ""})
        if sub.text_at != ("Fn::Sub",):
            return {"Fn::Sub": [new_text, *thaw(value["Fn::Sub"][1:])]}
        return {"Fn::Sub": new_text} if "${" in new_text else new_text
    return None
