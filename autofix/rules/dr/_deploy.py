"""The two-region deploy simulation: one template, deployed once per region, in the documented order.

A DR template written for both regions (conditions comparing ``AWS::Region``) is deployed as two
stacks of the same template, and the order matters:

1. the primary region's stack is created (``SecondaryStackDeployed=false``);
2. the secondary region's stack is created;
3. the primary region's stack is updated with ``SecondaryStackDeployed=true`` (when the template
   has that switch).

:func:`simulate` resolves each stack with :class:`~autofix.rules.dr._evaluate.Stack` (conditions
evaluated with the region and the parameters' defaults, plus one pass for every other
``AllowedValues`` entry of a parameter the conditions read) and reports, as :class:`Problem`\\ s:

- ``name-collision``: a name both stacks create where names are global (S3 buckets; IAM roles,
  managed policies, instance profiles, users, groups, OIDC/SAML providers, server certificates and
  service-linked roles; Aurora global clusters; CloudFront aliases, cache/origin-request/response-headers
  policies, origin access controls and functions; public hosted zones; Route 53 records by zone, name,
  type and set identifier) or where one stack's replica takes a name in the other's region (a global
  table's or a secret's replica);
- ``dangling-reference``: a ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``DependsOn`` or output that names a
  resource this stack does not create;
- ``global-table-twice`` and ``global-table-replicas``: a global table that both stacks create, or whose
  replicas omit the stack's own region or repeat one;
- ``replication-order``: replication to a bucket that only a later stack creates;
- ``global-cluster-order`` and ``join-credentials``: a cluster joining a global cluster that no earlier
  stack created, or joining one that has a writer already while setting master credentials.

:func:`simulate_update` runs the same order after an existing primary stack of an older template, and
adds ``replacement`` (a physical name changes: the resource is replaced and starts empty),
``deletion`` (a stateful resource leaves the primary stack without a policy that keeps it) and
collisions with what a ``Retain`` policy left behind.

Only what can be proven is reported: a name built from a value the template does not determine, a
resource whose condition cannot be decided, a bucket or global cluster the template never creates
(made elsewhere) are left alone.  ``AWS::AccountId`` and ``AWS::StackName`` are the same in both
stacks; a resource created without a name gets a unique one from CloudFormation.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from typing import Any, NamedTuple

from autofix.intrinsics import getatt_target, if_condition, intrinsic_name, is_no_value, ref_target, values
from autofix.nodes import join_pointer
from autofix.rules.base import concise
from autofix.rules.dr._evaluate import NOVALUE, UNKNOWN, Stack, parameter_values, shown, text
from autofix.settings import Settings
from autofix.template import Template, resource_type

#: Global names: type -> (property path, what it names, compared without case).
GLOBAL_NAMES: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "AWS::S3::Bucket": (("BucketName",), "S3 bucket", False),
    "AWS::IAM::Role": (("RoleName",), "IAM role", True),
    "AWS::IAM::ManagedPolicy": (("ManagedPolicyName",), "IAM managed policy", True),
    "AWS::IAM::InstanceProfile": (("InstanceProfileName",), "IAM instance profile", True),
    "AWS::IAM::User": (("UserName",), "IAM user", True),
    "AWS::IAM::Group": (("GroupName",), "IAM group", True),
    "AWS::IAM::OIDCProvider": (("Url",), "IAM OIDC provider", True),
    "AWS::IAM::SAMLProvider": (("Name",), "IAM SAML provider", True),
    "AWS::IAM::ServerCertificate": (("ServerCertificateName",), "IAM server certificate", True),
    "AWS::IAM::ServiceLinkedRole": (("AWSServiceName",), "IAM service-linked role", True),
    "AWS::RDS::GlobalCluster": (("GlobalClusterIdentifier",), "Aurora global cluster", True),
    "AWS::CloudFront::CachePolicy": (("CachePolicyConfig", "Name"), "CloudFront cache policy", False),
    "AWS::CloudFront::OriginRequestPolicy": (("OriginRequestPolicyConfig", "Name"),
                                             "CloudFront origin request policy", False),
    "AWS::CloudFront::ResponseHeadersPolicy": (("ResponseHeadersPolicyConfig", "Name"),
                                               "CloudFront response headers policy", False),
    "AWS::CloudFront::OriginAccessControl": (("OriginAccessControlConfig", "Name"),
                                             "CloudFront origin access control", False),
    "AWS::CloudFront::Function": (("Name",), "CloudFront function", False),
}
#: Types whose physical name, when it changes, makes CloudFormation replace the resource.
NAME_PROPERTIES: dict[str, tuple[str, ...]] = {
    **{kind: path for kind, (path, _, _) in GLOBAL_NAMES.items()},
    "AWS::DynamoDB::Table": ("TableName",), "AWS::DynamoDB::GlobalTable": ("TableName",),
    "AWS::RDS::DBCluster": ("DBClusterIdentifier",), "AWS::RDS::DBInstance": ("DBInstanceIdentifier",),
    "AWS::SecretsManager::Secret": ("Name",), "AWS::SQS::Queue": ("QueueName",), "AWS::SNS::Topic": ("TopicName",),
    "AWS::Kinesis::Stream": ("Name",), "AWS::EFS::FileSystem": (), "AWS::KMS::Alias": ("AliasName",),
}
#: Resources whose deletion loses data (RDS clusters and instances are snapshotted by default).
STATEFUL = frozenset({"AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable",
                      "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::RDS::GlobalCluster",
                      "AWS::SecretsManager::Secret", "AWS::EFS::FileSystem", "AWS::KMS::Key"})
#: Names a fix may give the region in the secondary stack: type -> (property, longest name AWS accepts).
REGION_SUFFIX: dict[str, tuple[str, int]] = {
    "AWS::S3::Bucket": ("BucketName", 63), "AWS::IAM::Role": ("RoleName", 64), "AWS::IAM::User": ("UserName", 64),
    "AWS::IAM::Group": ("GroupName", 128), "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", 128),
    "AWS::IAM::InstanceProfile": ("InstanceProfileName", 128),
}
_SNAPSHOT_BY_DEFAULT = frozenset({"AWS::RDS::DBCluster", "AWS::RDS::DBInstance"})
_CREDENTIALS = ("MasterUsername", "MasterUserPassword", "ManageMasterUserPassword")
BUCKET_NS = "S3 bucket"
CLUSTER_NS = "Aurora global cluster"


class Regions(NamedTuple):
    """The two regions of the deployment and the parameters that carry them."""

    primary: str
    secondary: str
    primary_parameter: str | None
    secondary_parameter: str | None
    #: the ``SecondaryStackDeployed`` switch, when the template has it
    deployed: str | None


class Claim(NamedTuple):
    """A name one stack takes where names are unique: global, or in one region."""

    namespace: str  # "S3 bucket", "DynamoDB table in us-west-2"...
    key: Hashable  # the name as compared (lower-cased where AWS ignores case)
    shown: str  # the name as a reader writes it
    logical_id: str


class Problem(NamedTuple):
    """Something that fails (or silently breaks DR) when the stacks are deployed in order."""

    check: str
    subject: str  # the resource's logical id, or "output Name"
    message: str  # one sentence, at most 160 characters
    detail: str  # both sides, why, and what fixes it
    stage: str  # the stack operation that fails
    pointer: str  # where: the resource, the output, or the reference itself
    others: tuple[str, ...] = ()  # the resources on the other side
    #: a deterministic fix the rule can write (see DR009), None when there is none
    remedy: str | None = None
    reason: str = ""  # why there is no fix
    #: the stack operation certainly fails (False: it deploys, but DR does not work as meant)
    fails: bool = True

    @property
    def identity(self) -> tuple[str, str, tuple[str, ...], str]:
        """The same problem, whichever parameter values show it."""
        return (self.check, self.subject, self.others, self.pointer)


def _resource(logical_id: str) -> str:
    return join_pointer("Resources", logical_id)


def compares_region(template: Template) -> bool:
    """Does a condition compare ``AWS::Region``, i.e. is the template written for more than one region?"""
    return any(ref_target(v) == "AWS::Region" for v in values(template.conditions))


def _region_comparisons(template: Template) -> Iterator[tuple[str, Any, bool]]:
    """(condition name, the value compared with ``AWS::Region``, whether the condition negates the comparison)
    for every ``Fn::Equals`` on the region (``IsSecondary: !Not [!Equals [!Ref AWS::Region, us-east-1]]``
    names the primary region)."""
    def walk(name: str, body: Any, negated: bool, depth: int) -> Iterator[tuple[str, Any, bool]]:
        if depth > 10 or not isinstance(body, dict) or len(body) != 1:
            return
        (function, arg), = body.items()
        if function == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            if ref_target(arg[0]) == "AWS::Region":
                yield name, arg[1], negated
            elif ref_target(arg[1]) == "AWS::Region":
                yield name, arg[0], negated
        elif function == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            yield from walk(name, arg[0], not negated, depth + 1)
        elif function in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            for part in arg:
                yield from walk(name, part, negated, depth + 1)

    for name, body in template.conditions.items():
        yield from walk(name, body, False, 0)


def regions(template: Template, settings: Settings | None = None, *, swap: bool = False) -> Regions:
    """The region pair the template is written for: its region parameters' defaults, else the regions its
    conditions name (a condition named like ``IsPrimary``/``IsDR`` says which is which), else the
    configured or usual pair.  ``swap`` exchanges the two when both are parameters, or when the template
    is meant for one region only (literal regions in conditions fix which is which)."""
    from autofix.rules.dr._endpoints import condition_role
    from autofix.rules.dr._regions import layout

    settings = settings or Settings()
    names = layout(template, settings, replication=False)
    params = template.parameters
    primary_param = names.primary if names.primary in params else None
    secondary_param = names.secondary if names.secondary in params else None
    deployed = names.deployed if names.deployed in params else None
    found: dict[str, str | None] = {
        "primary": _default_text(template, primary_param), "secondary": _default_text(template, secondary_param)}
    unassigned: list[str] = []
    for name, other, negated in _region_comparisons(template):
        region = other if isinstance(other, str) else None
        if region is None:
            continue
        role = condition_role(name)
        if role and negated:
            role = "primary" if role == "secondary" else "secondary"
        if role and found[role] is None:
            found[role] = region
        elif region not in unassigned:
            unassigned.append(region)
    for role in ("primary", "secondary"):
        if found[role] is None:
            rest = [r for r in unassigned if r not in found.values()]
            found[role] = rest[0] if rest else None
    primary = found["primary"] or settings.primary_region or "us-east-1"
    secondary = found["secondary"] or _configured_secondary(settings) or (
        "us-west-2" if primary != "us-west-2" else "us-east-1")
    if swap and ((primary_param and secondary_param) or not compares_region(template)):
        primary, secondary = secondary, primary
    return Regions(primary, secondary, primary_param, secondary_param, deployed)


def _default_text(template: Template, parameter: str | None) -> str | None:
    if parameter is None:
        return None
    value = template.parameter_default(parameter)
    return value if isinstance(value, str) and value else None


def _configured_secondary(settings: Settings) -> str | None:
    from autofix.rules.dr import FAMILY

    value = FAMILY.option(settings, "secondary-region")
    return value if isinstance(value, str) and value else None


# -- the stacks of one deployment


def _scenarios(template: Template, pair: Regions) -> list[dict[str, Any]]:
    """Parameter values to simulate beyond the defaults: every other ``AllowedValues`` entry of each
    parameter the conditions read (one parameter at a time, at most a dozen passes)."""
    fixed = {pair.primary_parameter, pair.secondary_parameter, pair.deployed}
    read: set[str] = set()
    for value in values(template.conditions):
        target = ref_target(value)
        if target and target in template.parameters and target not in fixed:
            read.add(target)
    defaults = parameter_values(template)
    out: list[dict[str, Any]] = [{}]
    for name in sorted(read):
        allowed = template.parameters[name].get("AllowedValues") if isinstance(
            template.parameters[name], dict) else None
        for value in allowed if isinstance(allowed, list) else []:
            if not isinstance(value, (dict, list)) and text(value) != text(defaults.get(name)):
                out.append({name: value})
    return out[:12]


def _parameters(template: Template, pair: Regions, scenario: dict[str, Any], deployed: str) -> dict[str, Any]:
    params = {**parameter_values(template), **scenario}
    if pair.primary_parameter in template.parameters:
        params[pair.primary_parameter] = pair.primary
    if pair.secondary_parameter in template.parameters:
        params[pair.secondary_parameter] = pair.secondary
    if pair.deployed in template.parameters:
        params[pair.deployed] = deployed
    return params


def deploy_order(template: Template, pair: Regions, scenario: dict[str, Any] | None = None) -> list[Stack]:
    """The stacks of the documented deploy order, each evaluated with its region and parameters (a template
    that never compares ``AWS::Region`` is meant for one stack: one, in a region it does not name)."""
    scenario = scenario or {}
    if not compares_region(template):
        return [Stack(template, None, "primary", "stack (created)", _parameters(template, pair, scenario, "false"))]
    out = [Stack(template, pair.primary, "primary", f"primary stack ({pair.primary}, created)",
                 _parameters(template, pair, scenario, "false"))]
    out.append(Stack(template, pair.secondary, "secondary", f"secondary stack ({pair.secondary}, created)",
                     _parameters(template, pair, scenario, "false")))
    if pair.deployed:
        out.append(Stack(template, pair.primary, "primary",
                         f"primary stack ({pair.primary}, updated with {pair.deployed}=true)",
                         _parameters(template, pair, scenario, "true")))
    return out


# -- names each stack takes


def _at(props: Any, path: Sequence[str]) -> Any:
    for key in path:
        props = props.get(key) if isinstance(props, dict) else None
    return props


def _norm_domain(name: str) -> str:
    return name.strip().rstrip(".").lower()


def _resolved(stack: Stack, value: Any) -> Any:
    """``value`` with ``Fn::If`` chosen and ``AWS::NoValue`` as :data:`NOVALUE` (nothing else evaluated)."""
    for _ in range(20):
        if is_no_value(value):
            return NOVALUE
        if intrinsic_name(value) != "Fn::If":
            return value
        decided = stack.condition(if_condition(value))
        arg = value["Fn::If"]
        if decided is None or not (isinstance(arg, list) and len(arg) == 3):
            return UNKNOWN
        value = arg[1] if decided else arg[2]
    return UNKNOWN


def claims(stack: Stack) -> Iterator[Claim]:
    """Every name ``stack`` certainly takes where names must be unique."""
    for logical_id, resource in stack.created():
        kind = resource_type(resource)
        props = resource.get("Properties")
        props = props if isinstance(props, dict) else {}
        if kind in GLOBAL_NAMES:
            path, namespace, fold = GLOBAL_NAMES[kind]
            name = stack.text_of(_at(props, path))
            if name and kind == "AWS::IAM::ServiceLinkedRole":
                name += "_" + (stack.text_of(props.get("CustomSuffix")) or "")
            if name:
                yield Claim(namespace, name.lower() if fold else name, shown(name), logical_id)
        elif kind == "AWS::CloudFront::Distribution":
            aliases = stack.value(_at(props, ("DistributionConfig", "Aliases")))
            for alias in aliases if isinstance(aliases, list) else []:
                if isinstance(alias, str):
                    yield Claim("CloudFront alternate domain name", _norm_domain(alias), shown(alias), logical_id)
        elif kind == "AWS::Route53::HostedZone":
            vpcs = stack.value(props.get("VPCs"))
            name = stack.text_of(props.get("Name"))
            if name and (vpcs is NOVALUE or vpcs is None or vpcs == []):
                yield Claim("public hosted zone", _norm_domain(name), _norm_domain(name), logical_id)
        elif kind == "AWS::Route53::RecordSet":
            yield from _record(stack, logical_id, props, props)
        elif kind == "AWS::Route53::RecordSetGroup":
            items = stack.value(props.get("RecordSets"))
            raw = props.get("RecordSets")
            for i, _ in enumerate(items if isinstance(items, list) and isinstance(raw, list) else []):
                item = raw[i] if i < len(raw) else None
                if isinstance(item, dict):
                    yield from _record(stack, logical_id, props, item)
        elif kind in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"):
            name = stack.text_of(props.get("TableName"))
            if not name:
                continue
            where = [stack.region or "its region"]
            if kind == "AWS::DynamoDB::GlobalTable":
                where = replica_regions(stack, props) or []
            for region in dict.fromkeys(where):
                yield Claim(f"DynamoDB table in {region}", name, shown(name), logical_id)
        elif kind == "AWS::SecretsManager::Secret":
            name = stack.text_of(props.get("Name"))
            if not name:
                continue
            replicas = stack.value(props.get("ReplicaRegions"))
            where = [stack.region or "its region"]
            if isinstance(replicas, list):
                where += [text(r.get("Region")) for r in replicas if isinstance(r, dict)]
            for region in dict.fromkeys(r for r in where if r):
                yield Claim(f"Secrets Manager secret in {region}", name, shown(name), logical_id)


def _record(stack: Stack, logical_id: str, group: dict[str, Any], props: dict[str, Any]) -> Iterator[Claim]:
    zone = _zone(stack, props) or (_zone(stack, group) if group is not props else None)
    name, kind = stack.text_of(props.get("Name")), stack.text_of(props.get("Type"))
    if zone is None or not name or not kind:
        return
    identifier = stack.text_of(props.get("SetIdentifier")) if "SetIdentifier" in props else ""
    if identifier is None:
        return
    label = f"{_norm_domain(name)} {kind.upper()}" + (f" [{identifier}]" if identifier else "")
    yield Claim("Route 53 record", (zone, _norm_domain(name), kind.upper(), identifier), shown(label), logical_id)


def _zone(stack: Stack, props: dict[str, Any]) -> Hashable | None:
    """The hosted zone a record lives in: a zone of this very stack (never shared with the other stack),
    or the id/name of an existing one (shared)."""
    if "HostedZoneId" in props:
        raw = _resolved(stack, props["HostedZoneId"])
        target = ref_target(raw)
        if target and stack.template.type_of(target) == "AWS::Route53::HostedZone":
            return ("zone of the stack", stack.role, target)
        value = stack.text_of(raw)
        return ("id", value.rsplit("/", 1)[-1]) if value else None
    if "HostedZoneName" in props:
        value = stack.text_of(props["HostedZoneName"])
        return ("name", _norm_domain(value)) if value else None
    return None


def replica_regions(stack: Stack, props: dict[str, Any]) -> list[str] | None:
    """A global table's replica regions in ``stack`` (None when any is unknown)."""
    replicas = stack.value(props.get("Replicas"))
    if not isinstance(replicas, list):
        return None
    out = []
    for replica in replicas:
        region = text(replica.get("Region")) if isinstance(replica, dict) else None
        if region is None:
            return None
        out.append(region)
    return out


# -- the checks


def _clip(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[: limit - 3] + "..."


class _Run:
    """One pass through a deploy order, collecting problems."""

    def __init__(self, stacks: list[Stack], update: bool) -> None:
        self.stacks = stacks
        self.update = update  # stacks[0] is the existing primary stack (an older template)
        self.claims = [list(claims(s)) for s in stacks]
        self.problems: list[Problem] = []
        self.world: dict[str, list[tuple[Claim, Stack]]] = {}  # owner -> names it holds now
        self.members: set[Hashable] = set()  # global clusters that have a writer
        self.collided: set[tuple[str, Hashable, str, str]] = set()  # reported once, at the first failure
        self.twice = self._global_tables_twice()

    @property
    def template(self) -> Template:
        return self.stacks[-1].template

    def run(self) -> list[Problem]:
        for i, stack in enumerate(self.stacks):
            own = self.claims[i]
            if self.update and i == 0:
                self._joins(stack, own, check=False)
                self.world[stack.role] = [(c, stack) for c in own]
                continue
            if self.update and i == 1:
                self._update(self.stacks[0], stack)
            self._collisions(stack, own)
            self._dangling(stack)
            self._replicas(stack)
            self._replication(stack, own, i)
            self._joins(stack, own, later=[c for cs in self.claims[i + 1:] for c in cs])
            self.world[stack.role] = [(c, stack) for c in own]
        return self.problems

    def _report(self, problem: Problem) -> None:
        self.problems.append(problem._replace(message=concise(problem.message)))

    def _held(self, stack: Stack) -> dict[tuple[str, Hashable], list[tuple[Claim, Stack, str]]]:
        """Names other owners hold while ``stack`` deploys (the other region's stack, what was retained)."""
        held: dict[tuple[str, Hashable], list[tuple[Claim, Stack, str]]] = {}
        for owner, names in self.world.items():
            if owner == stack.role:
                continue
            for claim, holder in names:
                held.setdefault((claim.namespace, claim.key), []).append((claim, holder, owner))
        return held

    # name collisions

    def _collisions(self, stack: Stack, own: list[Claim]) -> None:
        held = self._held(stack)
        for claim in own:
            for other, holder, owner in held.get((claim.namespace, claim.key), []):
                key = (claim.namespace, claim.key, *sorted((other.logical_id, claim.logical_id)))
                if key in self.collided:
                    continue
                self.collided.add(key)
                if other.logical_id == claim.logical_id and claim.logical_id in self.twice:
                    continue  # a global table both stacks create: reported once, as such
                self._report(self._collision(stack, claim, other, holder, owner))

    def _collision(self, stack: Stack, claim: Claim, other: Claim, holder: Stack, owner: str) -> Problem:
        what = claim.namespace.split(" in ", 1)[0]
        fails = f"so the {stack.role} stack fails"
        if claim.namespace == "public hosted zone":
            fails = "so one zone's records are never served"
        for limit in (60, 30):
            name = _clip(claim.shown, limit)
            if owner == "retained":
                message = (f"The retained old {other.logical_id} still holds {what} '{name}' that "
                           f"{claim.logical_id} creates, {fails}")
            elif other.logical_id == claim.logical_id:
                message = f"Both stacks create {what} '{name}' ({claim.logical_id}), {fails}"
            else:
                message = f"{other.logical_id} and {claim.logical_id} both create {what} '{name}', {fails}"
            if len(message) <= 160:
                break
        detail = (f"{other.logical_id} in the {holder.label} and {claim.logical_id} in the {stack.label} both "
                  f"take the {claim.namespace} name '{claim.shown}'")
        reason = ""
        if claim.namespace == "public hosted zone":
            detail += (": Route 53 creates both, but the domain is delegated to one zone only, so the records of the "
                       "other are never served. ")
            reason = "create the zone in one region's stack only and give the other its id"
        else:
            detail += f", so the {stack.label} fails with 'already exists'. "
        remedy = None
        if other.logical_id == claim.logical_id and owner != "retained":
            remedy, reason = _collision_remedy(self.template, claim.logical_id, reason)
        elif not reason:
            reason = ("the two sides are different resources: give one of them a condition on the region, or the "
                      "region in its name")
        return Problem(check="name-collision", subject=claim.logical_id, message=message, detail=detail,
                       stage=stack.label, pointer=_resource(claim.logical_id), others=(other.logical_id,),
                       remedy=remedy, reason=reason, fails=claim.namespace != "public hosted zone")

    # references to what the stack does not create

    def _dangling(self, stack: Stack) -> None:
        found: dict[str, list[tuple[str, str, str]]] = {}
        for subject, pointer, target, how in stack_references(stack):
            found.setdefault(subject, []).append((pointer, target, how))
        for subject, references in found.items():
            self._report_dangling(stack, subject, references, stack.template.resources)

    def _report_dangling(self, stack: Stack, subject: str, found: list[tuple[str, str, str]],
                         resources: dict[str, Any]) -> None:
        reported: set[str] = set()
        for pointer, target, how in found:
            if target not in resources or target in reported or stack.exists(target) is not False:
                continue
            reported.add(target)
            message = (f"{subject} references {target}, which the {stack.role} stack does not create, so that "
                       f"stack fails")
            detail = (f"In the {stack.label}, {subject} uses {target} through {how} at {pointer}, but {target}'s "
                      f"condition is false there: CloudFormation rejects the template with 'Unresolved resource "
                      f"dependencies'. ")
            self._report(Problem(
                check="dangling-reference", subject=subject, message=message, detail=detail, stage=stack.label,
                pointer=pointer, others=(target,),
                reason=(f"make {target} exist wherever {subject} uses it, or choose the reference with Fn::If on "
                        f"{target}'s condition")))

    # global tables

    def _global_tables_twice(self) -> set[str]:
        """Global tables that the (new) template creates in both regions' stacks, reported as such."""
        current = [s for s in self.stacks if s.template is self.template]
        out = set()
        for logical_id, _ in self.template.resources_of("AWS::DynamoDB::GlobalTable"):
            sides: dict[str, Stack] = {}
            for stack in current:
                if stack.exists(logical_id) is True:
                    sides.setdefault(stack.role, stack)
            if len(sides) < 2:
                continue
            lists = {role: replica_regions(s, s.template.properties(logical_id)) for role, s in sides.items()}
            if all(lists[role] is not None and set(lists[role] or ()) == {s.region} for role, s in sides.items()):
                continue  # one single-region table per stack: nothing global, nothing shared
            out.add(logical_id)
            primary, secondary = sides["primary"], sides["secondary"]
            name = primary.text_of(primary.template.properties(logical_id).get("TableName"))
            fails = name is not None and secondary.region in (lists["primary"] or ())
            detail = (f"{logical_id} is created by the {primary.label} and by the {secondary.label}, but a global "
                      f"table is one resource with its replicas, so it belongs to one stack")
            if fails:
                detail += (f": its replica '{shown(name or '')}' in {secondary.region} already exists when the "
                           f"secondary stack creates the table again, which fails. ")
            else:
                detail += ": two unrelated global tables are created, and neither region's writes reach the other. "
            message = f"Global table {logical_id} is created by both stacks, but a global table belongs to one stack"
            self._report(Problem(
                check="global-table-twice", subject=logical_id, message=message, detail=detail,
                stage=secondary.label, pointer=_resource(logical_id), remedy="gate-primary", fails=fails))
        return out

    def _replicas(self, stack: Stack) -> None:
        for logical_id, _ in stack.template.resources_of("AWS::DynamoDB::GlobalTable"):
            if stack.exists(logical_id) is not True or (logical_id in self.twice and stack.role == "secondary"):
                continue
            found = replica_regions(stack, stack.template.properties(logical_id))
            if found is None:
                continue
            repeated = sorted({r for r in found if found.count(r) > 1})
            if stack.region is not None and stack.region not in found:
                message = (f"Global table {logical_id} has no replica in the {stack.role} stack's own region "
                           f"{stack.region}, so that stack fails")
                detail = (f"In the {stack.label}, {logical_id}'s replicas are {', '.join(found)}: CloudFormation "
                          f"requires a replica in the region the stack is deployed in. ")
            elif repeated:
                message = (f"Global table {logical_id} lists replica region {repeated[0]} twice in the {stack.role} "
                           f"stack, so that stack fails")
                detail = (f"In the {stack.label}, {logical_id}'s replicas are {', '.join(found)}: a region holds "
                          f"one replica of a table. ")
            else:
                continue
            raw = stack.template.properties(logical_id).get("Replicas")
            literal = any(isinstance(r, dict) and isinstance(r.get("Region"), str) for r in raw) if isinstance(
                raw, list) else False
            self._report(Problem(
                check="global-table-replicas", subject=logical_id, message=message, detail=detail,
                stage=stack.label, pointer=join_pointer("Resources", logical_id, "Properties", "Replicas"),
                remedy="replica-regions" if literal else None,
                reason="" if literal else "name each replica region once, with the stack's own region (AWS::Region) "
                                          "among them"))

    # replication and its destinations

    def _replication(self, stack: Stack, own: list[Claim], index: int) -> None:
        from autofix.rules.dr._s3 import strip_arn

        now = {c.key for c in own if c.namespace == BUCKET_NS}
        now |= {c.key for names in self.world.values() for c, _ in names if c.namespace == BUCKET_NS}
        later = {c.key: (c, s) for s, cs in zip(self.stacks[index + 1:], self.claims[index + 1:], strict=True)
                 for c in cs if c.namespace == BUCKET_NS}
        for logical_id, resource in stack.created():
            if resource_type(resource) != "AWS::S3::Bucket":
                continue
            config = stack.value(stack.template.properties(logical_id).get("ReplicationConfiguration"))
            rules = config.get("Rules") if isinstance(config, dict) else None
            for rule in rules if isinstance(rules, list) else []:
                destination = rule.get("Destination") if isinstance(rule, dict) else None
                bucket = text(destination.get("Bucket")) if isinstance(destination, dict) else None
                if not bucket:
                    continue
                name = (strip_arn(bucket) or bucket).split("/", 1)[0]
                if name in now or name not in later:
                    continue  # exists by now, or made outside this template
                target, creator = later[name]
                message = (f"{logical_id} replicates to bucket '{_clip(shown(name), 50)}' before the {creator.role} "
                           f"stack creates it, so the {stack.role} stack fails")
                detail = (f"In the {stack.label}, {logical_id} replicates to '{shown(name)}', which only the "
                          f"{creator.label} creates ({target.logical_id}): S3 rejects a replication rule whose "
                          f"destination does not exist. ")
                remedy = "gate-replication" if stack.role == "primary" and creator.role == "secondary" else None
                self._report(Problem(
                    check="replication-order", subject=logical_id, message=message, detail=detail,
                    stage=stack.label,
                    pointer=join_pointer("Resources", logical_id, "Properties", "ReplicationConfiguration"),
                    others=(target.logical_id,), remedy=remedy,
                    reason="" if remedy else "replicate only from a stack deployed after the destination's"))
                break

    # Aurora global clusters

    def _joins(self, stack: Stack, own: list[Claim], later: Sequence[Claim] = (), check: bool = True) -> None:
        template = stack.template
        in_stack = {c.key for c in own if c.namespace == CLUSTER_NS}
        elsewhere = {c.key: (c, s) for names in self._held(stack).values() for c, s, _ in names
                     if c.namespace == CLUSTER_NS}
        for logical_id, _ in template.resources_of("AWS::RDS::GlobalCluster"):
            if stack.exists(logical_id) is True:
                props = template.properties(logical_id)
                source = _resolved(stack, props.get("SourceDBClusterIdentifier"))
                name = stack.text_of(props.get("GlobalClusterIdentifier"))
                if name and source not in (None, NOVALUE, UNKNOWN):
                    self.members.add(name.lower())
        joins: list[tuple[str, str, bool]] = []  # cluster, global cluster, joined across stacks
        for logical_id, _ in template.resources_of("AWS::RDS::DBCluster"):
            if stack.exists(logical_id) is not True:
                continue
            raw = _resolved(stack, template.properties(logical_id).get("GlobalClusterIdentifier"))
            if raw is NOVALUE or raw is UNKNOWN or raw is None:
                continue
            target = ref_target(raw)
            if target and template.type_of(target) == "AWS::RDS::GlobalCluster":
                if stack.exists(target) is True:  # otherwise a dangling reference, reported as such
                    name = stack.text_of(template.properties(target).get("GlobalClusterIdentifier"))
                    joins.append((logical_id, (name or target).lower(), False))
                continue
            name = stack.text_of(raw)
            if not name:
                continue
            key = name.lower()
            if key in in_stack or key in elsewhere:
                joins.append((logical_id, key, key not in in_stack))
            elif check and any(c.namespace == CLUSTER_NS and c.key == key for c in later):
                message = (f"{logical_id} joins global cluster '{_clip(shown(name), 50)}' before any stack creates "
                           f"it, so the {stack.role} stack fails")
                detail = (f"In the {stack.label}, {logical_id} joins '{shown(name)}', which only a later stack "
                          f"operation creates: RDS answers GlobalClusterNotFoundFault. ")
                self._report(Problem(
                    check="global-cluster-order", subject=logical_id, message=message, detail=detail,
                    stage=stack.label, pointer=_resource(logical_id),
                    reason="create the global cluster in the stack that is deployed first"))
        for logical_id, key, across in sorted(joins, key=lambda j: j[2]):  # in-stack writers first
            if across and check and key in self.members:
                self._credentials(stack, logical_id, elsewhere[key])
            self.members.add(key)

    def _credentials(self, stack: Stack, logical_id: str, where: tuple[Claim, Stack]) -> None:
        props = stack.template.properties(logical_id)
        present = [k for k in _CREDENTIALS if k in props and _resolved(stack, props[k]) not in (
            NOVALUE, UNKNOWN, False, "false")]
        if not present:
            return
        claim, holder = where
        message = (f"{logical_id} joins global cluster '{_clip(claim.shown, 50)}' as a secondary cluster but sets "
                   f"{present[0]}, which Aurora rejects")
        detail = (f"In the {stack.label}, {logical_id} joins the global cluster that the {holder.label} created "
                  f"({claim.logical_id}), which has a writer already, and sets {', '.join(present)}: a secondary "
                  f"cluster takes its credentials from the primary (InvalidParameterCombination). ")
        remedy = "secondary-credentials" if stack.role == "secondary" else None
        self._report(Problem(
            check="join-credentials", subject=logical_id, message=message, detail=detail, stage=stack.label,
            pointer=join_pointer("Resources", logical_id, "Properties", present[0]), others=(claim.logical_id,),
            remedy=remedy,
            reason="" if remedy else "leave the credentials out where the cluster joins an existing global cluster"))

    # an existing primary stack, updated to the new template

    def _update(self, old: Stack, new: Stack) -> None:
        retained: list[tuple[Claim, Stack]] = []
        for logical_id, resource in old.created():
            kind = resource_type(resource)
            still = new.exists(logical_id)
            if still is None:
                continue
            if still is False:
                # conditioned out: the new definition's policy applies; removed: the last deployed one's
                defined = new.template.resources.get(logical_id)
                policy = (defined if isinstance(defined, dict) else resource).get("DeletionPolicy")
                if policy in ("Retain", "RetainExceptOnCreate"):
                    retained.extend((c, old) for c in self.claims[0] if c.logical_id == logical_id)
                elif kind in STATEFUL and policy != "Snapshot" and not (
                        policy is None and kind in _SNAPSHOT_BY_DEFAULT):
                    message = f"The update removes {logical_id} from the primary stack, which deletes it with its data"
                    detail = (f"{logical_id} ({kind}) exists in the {old.label} but not in the {new.label}, and no "
                              f"DeletionPolicy keeps it. ")
                    self._report(Problem(
                        check="deletion", subject=logical_id, message=message, detail=detail, stage=new.label,
                        pointer=_resource(logical_id),
                        reason="keep it in the primary region's stack, or give it DeletionPolicy: Retain"))
                continue
            new_kind = new.template.type_of(logical_id)
            if new_kind != kind:
                message = f"The update changes the type of {logical_id}, so CloudFormation replaces it"
                self._report(Problem(
                    check="replacement", subject=logical_id, message=message,
                    detail=f"{logical_id} is {kind} in the {old.label} and {new_kind} in the {new.label}. ",
                    stage=new.label, pointer=_resource(logical_id), reason="keep the type"))
                continue
            path = NAME_PROPERTIES.get(kind or "")
            if not path:
                continue
            before, after = _name(old, logical_id, path), _name(new, logical_id, path)
            if before is UNKNOWN or after is UNKNOWN or before == after:
                continue
            message = f"The update renames {logical_id} in the primary stack, so it is replaced by a new, empty one"
            detail = (f"{logical_id}'s {'.'.join(path)} is {_said(before)} in the {old.label} and {_said(after)} in "
                      f"the {new.label}: a new name means a new resource, and what the old one held stays behind. ")
            self._report(Problem(
                check="replacement", subject=logical_id, message=message, detail=detail, stage=new.label,
                pointer=_resource(logical_id),
                reason=("keep the primary's name; change it only where the resource is new, as in the secondary "
                        "region (Fn::If on the secondary region's condition)")))
        if retained:
            self.world["retained"] = retained


def _name(stack: Stack, logical_id: str, path: Sequence[str]) -> Any:
    """The physical name set by ``path`` (None: left to CloudFormation; UNKNOWN: not known)."""
    raw = _at(stack.template.properties(logical_id), path)
    if raw is None:
        return None
    resolved = _resolved(stack, raw)
    if resolved is NOVALUE:
        return None
    value = stack.text_of(resolved)
    return UNKNOWN if value is None else value


def _said(name: Any) -> str:
    return "generated by CloudFormation" if name is None else f"'{shown(name)}'"


def _collision_remedy(template: Template, logical_id: str, reason: str) -> tuple[str | None, str]:
    """The fix for one resource that both stacks create under one name, or why there is none."""
    props = template.properties(logical_id)
    kind = template.type_of(logical_id)
    if kind in REGION_SUFFIX:
        return "region-suffix", ""
    if kind == "AWS::RDS::GlobalCluster":
        source = props.get("SourceDBClusterIdentifier")
        target = ref_target(source) or (getatt_target(source) or (None,))[0] if source is not None else None
        if source is not None and template.type_of(target or "") != "AWS::RDS::DBCluster":
            return None, ("the global cluster is built from a source cluster in each stack: make only the primary "
                          "region's cluster its source and let the secondary region's join it")
        return "gate-primary", ""
    if kind == "AWS::Route53::RecordSet" and props.get("Failover") in ("PRIMARY", "SECONDARY"):
        return "failover-own-region", ""
    return None, reason or "give it a condition on the region, or the region in its name"


# -- entry points


def _merge(found: dict[tuple[Any, ...], Problem], problems: list[Problem], scenario: dict[str, Any]) -> None:
    for problem in problems:
        key = problem.identity
        if key in found:
            continue
        if scenario:
            note = ", ".join(f"{k}={text(v)}" for k, v in scenario.items())
            problem = problem._replace(detail=problem.detail + f"(Simulated with {note}.) ")
        found[key] = problem


def simulate(template: Template | dict[str, Any], settings: Settings | None = None, *,
             swap: bool = False) -> list[Problem]:
    """Every problem of deploying ``template`` in both regions in the documented order."""
    template = template if isinstance(template, Template) else Template(template)
    pair = regions(template, settings, swap=swap)
    found: dict[tuple[Any, ...], Problem] = {}
    for scenario in _scenarios(template, pair):
        _merge(found, _Run(deploy_order(template, pair, scenario), update=False).run(), scenario)
    return list(found.values())


def simulate_update(old: Template | dict[str, Any], new: Template | dict[str, Any],
                    settings: Settings | None = None, *, swap: bool = False) -> list[Problem]:
    """:func:`simulate` of ``new`` where the primary region already has a stack of ``old``: the first
    operation is an update of that stack, and what it replaces, deletes or leaves behind counts."""
    old = old if isinstance(old, Template) else Template(old)
    new = new if isinstance(new, Template) else Template(new)
    pair = regions(new, settings, swap=swap)
    found: dict[tuple[Any, ...], Problem] = {}
    for scenario in _scenarios(new, pair):
        stacks = deploy_order(new, pair, scenario)
        where = stacks[0].region
        shown_where = f" ({where}, " if where else " ("
        existing = Stack(old, where, "primary", f"existing primary stack{shown_where}old template)",
                         _parameters(old, pair, {k: v for k, v in scenario.items() if k in old.parameters}, "false"))
        stacks[0].label = f"primary stack{shown_where}updated to the new template)"
        _merge(found, _Run([existing, *stacks], update=True).run(), scenario)
    return list(found.values())


def stack_references(stack: Stack) -> Iterator[tuple[str, str, str, str]]:
    """(who, pointer, logical id, how) of every reference ``stack`` evaluates: in the resources it creates
    (``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``DependsOn``) and in the outputs it has (who: ``output Name``)."""
    for logical_id, resource in stack.created():
        for pointer, target, how in stack.references(resource.get("Properties"),
                                                     join_pointer("Resources", logical_id, "Properties")):
            yield logical_id, pointer, target, how
        depends = resource.get("DependsOn")
        for i, target in enumerate(depends if isinstance(depends, list) else [depends]):
            if isinstance(target, str):
                where = [i] if isinstance(depends, list) else []
                yield logical_id, join_pointer("Resources", logical_id, "DependsOn", *where), target, "DependsOn"
    for name, output in stack.template.section("Outputs").items():
        if not isinstance(output, dict):
            continue
        if "Condition" in output and stack.condition(output["Condition"]) is not True:
            continue
        shown_output = {k: output[k] for k in ("Value", "Export") if k in output}
        for pointer, target, how in stack.references(shown_output, join_pointer("Outputs", name)):
            yield f"output {name}", pointer, target, how


def references_to(stack: Stack, logical_id: str) -> Iterator[tuple[str, str]]:
    """(pointer, how) of every reference to ``logical_id`` that ``stack`` evaluates (see :func:`stack_references`)."""
    for _, pointer, target, how in stack_references(stack):
        if target == logical_id:
            yield pointer, how
