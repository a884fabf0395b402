"""S3 helpers shared by DR001 (s3-bucket-without-replication) and DR006 (replication-destination-missing).

Bucket names are compared in a normalized "template string" form: a literal, an
``Fn::Sub`` string or an ``Fn::Join`` of literals and ``Ref``/``GetAtt`` pieces all
become one string with ``${X}`` variables, so ``!Sub arn:aws:s3:::app-${Env}-replica``
and ``BucketName: !Join ['-', [app, !Ref Env, replica]]`` compare equal.  Anything
that cannot be normalized (``Fn::If``, ``Fn::Select``, ``Fn::ImportValue``...) is
``None``: callers treat it as unknown and stay silent rather than guess.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from autofix.fixes import FixBuilder
from autofix.intrinsics import if_branches_at, parse_sub, scalar_text, sub_names, sub_substitute
from autofix.nodes import extend_pointer
from autofix.patterns import lazy_pattern
from autofix.template import Template, getatt_target, ref_target, references, resource_type, strings_in

BUCKET = "AWS::S3::Bucket"
_ARN_PREFIX = lazy_pattern(r"^arn:(aws|aws-cn|aws-us-gov|\$\{AWS::Partition\}):s3:::")
#: Parameters whose value points outside this stack: another region or another account.
_ELSEWHERE_PARAM = lazy_pattern(
    r"region|account|secondary|destination|target|remote|failover|standby|peer|partner", re.IGNORECASE)
#: A region code written into a literal name (``backup-us-west-2``) means the bucket lives there.
_REGION_CODE = lazy_pattern(r"(^|[^a-z])(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(north|south|east|west|central|"
                          r"northeast|southeast|northwest|southwest|isob?-east|gov-east|gov-west)-\d($|[^0-9])")
_STACK_PSEUDO = {"AWS::StackName", "AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix",
                 "AWS::StackId"}
_REPLICA_NAME = lazy_pattern(r"replica", re.IGNORECASE)

LOG_PRINCIPALS = {
    "logging.s3.amazonaws.com", "delivery.logs.amazonaws.com", "cloudtrail.amazonaws.com",
    "config.amazonaws.com", "logdelivery.elasticloadbalancing.amazonaws.com",
    "logdelivery.elb.amazonaws.com", "elasticloadbalancing.amazonaws.com", "logs.amazonaws.com",
}
#: Elastic Load Balancing account ids that write access logs (per region, AWS docs).
ELB_ACCOUNTS = {
    "127311923021", "033677994240", "027434742980", "797873946194", "985666609251", "054676820928",
    "156460612806", "652711504416", "009996457667", "897822967062", "582318560864", "600734575887",
    "383597477331", "114774131450", "783225319266", "718504428378", "507241528517", "076674570225",
    "048591011584", "190560391635", "638102146993", "457407706054", "292271616090",
}


def _piece(value: Any) -> str | None:
    text = scalar_text(value)
    if text is not None:
        return text
    target = ref_target(value)
    if target:
        return "${" + target + "}"
    att = getatt_target(value)
    if att:
        return "${" + att[0] + "." + att[1] + "}"
    return None


def normalize(value: Any) -> str | None:
    """The template string of a literal / Sub / Join value, or None when it cannot be known."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if "Fn::Sub" in value:
        sub = parse_sub(value)
        if sub is None:
            return None
        pieces = {name: _piece(local) for name, local in sub.local.items()}
        if any(name in pieces and pieces[name] is None for name in sub.names()):
            return None  # a variable of the map that is no literal, Ref or GetAtt
        return sub_substitute(sub.text, {name: piece for name, piece in pieces.items() if piece is not None})
    if "Fn::Join" in value:
        arg = value["Fn::Join"]
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], list):
            pieces = [_piece(p) for p in arg[1]]
            if any(p is None for p in pieces):
                return None
            return arg[0].join(pieces)  # type: ignore[arg-type]
        return None
    piece = _piece(value)
    return piece


def strip_arn(text: str) -> str | None:
    """The bucket name of an S3 bucket ARN template string, or None if it is not one."""
    match = _ARN_PREFIX.match(text)
    if not match:
        return None
    name = text[match.end():]
    return name or None


def bucket_names(template: Template) -> dict[str, list[str]]:
    """Normalized ``BucketName`` values (every ``Fn::If`` branch) by bucket logical id."""
    out: dict[str, list[str]] = {}
    for logical_id, _ in template.resources_of(BUCKET):
        names = []
        for _, value in if_branches_at(template.properties(logical_id).get("BucketName")):
            text = normalize(value)
            if text:
                names.append(text)
        out[logical_id] = names
    return out


def _name_of_target(text: str) -> str:
    """Strip ARN prefix, object suffixes and the S3 domain from a normalized bucket reference."""
    name = strip_arn(text) or text
    name = name.split("/", 1)[0]
    for suffix in (".s3.amazonaws.com", ".s3.${AWS::URLSuffix}", ".s3.${AWS::Region}.amazonaws.com",
                   ".s3-${AWS::Region}.amazonaws.com"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.startswith("s3://"):
        name = name[5:].split("/", 1)[0]
    return name


def buckets_named_by(template: Template, value: Any, names: dict[str, list[str]] | None = None) -> set[str]:
    """Bucket logical ids that ``value`` designates: by Ref/GetAtt/Sub variable or by BucketName match."""
    names = bucket_names(template) if names is None else names
    found = {r for r in references(value) if r in names}
    for _, branch in if_branches_at(value):
        for v in _leaves(branch):
            text = normalize(v)
            if not text:
                continue
            target = _name_of_target(text)
            for logical_id, own in names.items():
                if target in own:
                    found.add(logical_id)
    return found


def _leaves(value: Any) -> Iterator[Any]:
    """The value and, for lists, each element (log targets are sometimes lists of ARNs)."""
    yield value
    if isinstance(value, list):
        yield from value


def replication_destinations(template: Template, logical_id: str) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(pointer, Destination.Bucket value, rule) for every replication rule of a bucket, through Fn::If."""
    base = template.pointer("Resources", logical_id, "Properties", "ReplicationConfiguration")
    props = template.properties(logical_id)
    for p_config, config in if_branches_at(props.get("ReplicationConfiguration"), base):
        if not isinstance(config, dict):
            continue
        for p_rules, rules in if_branches_at(config.get("Rules"), extend_pointer(p_config, "Rules")):
            if not isinstance(rules, list):
                continue
            for i, rule in enumerate(rules):
                for p_rule, r in if_branches_at(rule, extend_pointer(p_rules, i)):
                    if not isinstance(r, dict):
                        continue
                    for p_dest, dest in if_branches_at(r.get("Destination"), extend_pointer(p_rule, "Destination")):
                        if isinstance(dest, dict) and "Bucket" in dest:
                            yield extend_pointer(p_dest, "Bucket"), dest["Bucket"], r


def has_replication(props: dict[str, Any]) -> bool:
    """A ReplicationConfiguration is present (in any branch of an Fn::If)."""
    return props.get("ReplicationConfiguration") is not None


def _principals(statement: Any) -> Iterator[str]:
    if not isinstance(statement, dict):
        return
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        for key in ("Service", "AWS"):
            yield from strings_in(principal.get(key))
        for v in _leaves(principal.get("AWS")):
            if isinstance(v, dict) and "Fn::FindInMap" in v:
                args = v["Fn::FindInMap"]
                if isinstance(args, list) and args and isinstance(args[0], str) and "elb" in args[0].lower():
                    yield "elasticloadbalancing.amazonaws.com"


def _is_log_principal(text: str) -> bool:
    if text in LOG_PRINCIPALS:
        return True
    return any(account in text for account in ELB_ACCOUNTS)


def exempt_buckets(template: Template) -> dict[str, str]:
    """Buckets that are not primary data: replicas and log/trail/config/artifact targets, with why."""
    names = bucket_names(template)
    exempt: dict[str, str] = {}

    def mark(value: Any, reason: str) -> None:
        for logical_id in buckets_named_by(template, value, names):
            exempt.setdefault(logical_id, reason)

    for logical_id, resource in template.resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource_type(resource)
        props = template.properties(logical_id)
        if kind == BUCKET:
            for _, dest, _ in replication_destinations(template, logical_id):
                mark(dest, f"it is the replication destination of {logical_id}")
            for _, logging in if_branches_at(props.get("LoggingConfiguration")):
                if isinstance(logging, dict):
                    mark(logging.get("DestinationBucketName"), f"it receives the access logs of {logical_id}")
            if props.get("AccessControl") in ("LogDeliveryWrite",):
                exempt.setdefault(logical_id, "it is a log delivery bucket")
        elif kind == "AWS::S3::BucketPolicy":
            document = props.get("PolicyDocument")
            statements = document.get("Statement") if isinstance(document, dict) else None
            if isinstance(statements, dict):
                statements = [statements]
            if isinstance(statements, list) and any(
                _is_log_principal(p) for s in statements for _, b in if_branches_at(s) for p in _principals(b)
            ):
                mark(props.get("Bucket"), "its bucket policy lets a log delivery service write to it")
        elif kind == "AWS::CloudTrail::Trail":
            mark(props.get("S3BucketName"), f"it is the CloudTrail bucket of {logical_id}")
        elif kind == "AWS::Config::DeliveryChannel":
            mark(props.get("S3BucketName"), f"it is the AWS Config delivery bucket of {logical_id}")
        elif kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            attributes = props.get("LoadBalancerAttributes")
            for attribute in attributes if isinstance(attributes, list) else []:
                for _, a in if_branches_at(attribute):
                    if isinstance(a, dict) and a.get("Key") in ("access_logs.s3.bucket",
                                                                 "connection_logs.s3.bucket"):
                        mark(a.get("Value"), f"it receives the access logs of {logical_id}")
        elif kind == "AWS::ElasticLoadBalancing::LoadBalancer":
            for _, policy in if_branches_at(props.get("AccessLoggingPolicy")):
                if isinstance(policy, dict):
                    mark(policy.get("S3BucketName"), f"it receives the access logs of {logical_id}")
        elif kind == "AWS::CloudFront::Distribution":
            config = props.get("DistributionConfig")
            for _, c in if_branches_at(config):
                if isinstance(c, dict):
                    for _, logging in if_branches_at(c.get("Logging")):
                        if isinstance(logging, dict):
                            mark(logging.get("Bucket"), f"it receives the CloudFront logs of {logical_id}")
        elif kind == "AWS::CodePipeline::Pipeline":
            for _, store in if_branches_at(props.get("ArtifactStore")):
                if isinstance(store, dict):
                    mark(store.get("Location"), f"it is the artifact store of {logical_id}")
            stores = props.get("ArtifactStores")
            for item in stores if isinstance(stores, list) else []:
                store = item.get("ArtifactStore") if isinstance(item, dict) else None
                if isinstance(store, dict):
                    mark(store.get("Location"), f"it is an artifact store of {logical_id}")
        elif kind == "AWS::EC2::FlowLog":
            mark(props.get("LogDestination"), f"it receives the flow logs of {logical_id}")
        elif kind == "AWS::KinesisFirehose::DeliveryStream":
            for _, value in _walk_keys(props, "BucketARN"):
                mark(value, f"it is a Firehose destination of {logical_id}")
    for logical_id, own in names.items():
        if logical_id in exempt:
            continue
        if _REPLICA_NAME.search(logical_id) or any(_REPLICA_NAME.search(n) for n in own):
            exempt[logical_id] = "its name says it is a replica"
    return exempt


def _walk_keys(value: Any, key: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                yield k, v
            else:
                yield from _walk_keys(v, key)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_keys(v, key)


def replica_ids(template: Template, source: str, taken: set[str]) -> tuple[str, str, str]:
    """(replica bucket, role, policy) logical ids derived from the source's id, never colliding."""
    stem = source[: -len("Bucket")] if source.endswith("Bucket") and len(source) > len("Bucket") else source
    ids = []
    for base in (f"{stem}ReplicaBucket", f"{stem}ReplicationRole", f"{stem}ReplicationPolicy"):
        new = template.unique_id(base, taken | set(ids))
        ids.append(new)
    return ids[0], ids[1], ids[2]


def replica_name(template: Template, source: str, avoid: set[str]) -> Any:
    """The replica's ``BucketName``: the source's expression + ``-replica``; None when not derivable."""
    value = template.properties(source).get("BucketName")
    if value is None:
        return None
    if isinstance(value, str):
        name = f"{value}-replica"
        return name if len(name) <= 63 and name not in avoid else None
    text = normalize(value)
    if text is None:
        return None
    new = f"{text}-replica"
    if new in avoid or any(not v.startswith("AWS::") and "." in v for v in sub_names(new)):
        return None
    if not sub_names(new):
        return new if len(new) <= 63 else None
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), list):
        result: Any = {"Fn::Sub": [f"{value['Fn::Sub'][0]}-replica", value["Fn::Sub"][1]]}
    else:
        result = {"Fn::Sub": new}
    # bucket names are 3-63 characters for every value the stack can be deployed with
    from autofix.rules.dr._names import fits

    return result if fits(template, result, 63) else None


def names_in_use(template: Template) -> set[str]:
    """Every normalized bucket name mentioned as a BucketName or a replication destination."""
    used: set[str] = set()
    for logical_id, own in bucket_names(template).items():
        used.update(own)
        for _, dest, _ in replication_destinations(template, logical_id):
            for _, branch in if_branches_at(dest):
                text = normalize(branch)
                if text:
                    used.add(_name_of_target(text))
    return used


def stack_built(template: Template, text: str) -> bool:
    """Is a destination name (template string) built from this stack only, not deployed elsewhere?

    True for literals and Subs of pseudo parameters and naming parameters (environment
    suffix, project name).  False when a variable is a region/account/destination parameter,
    when the whole name is one parameter, when a literal region code is written into the name,
    or when a variable is a resource or unknown.
    """
    if _REGION_CODE.search(text.lower()):
        return False
    names = sub_names(text)
    if len(names) == 1 and text == "${" + names[0] + "}" and template.is_parameter(names[0]):
        return False
    for name in names:
        if name in _STACK_PSEUDO:
            continue
        if template.is_parameter(name) and not _ELSEWHERE_PARAM.search(name):
            continue
        return False
    return True


def encryption_rules(props: dict[str, Any]) -> list[Any] | None:
    """The source's ServerSideEncryptionConfiguration list (plain, no Fn::If), [] when absent."""
    enc = props.get("BucketEncryption")
    if enc is None:
        return []
    if not isinstance(enc, dict):
        return None
    rules = enc.get("ServerSideEncryptionConfiguration")
    if not isinstance(rules, list) or any(not isinstance(r, dict) for r in rules):
        return None
    for r in rules:
        if any(isinstance(v, dict) and "Fn::If" in v for _, v in _deep(r)):
            return None
    return rules


def _deep(value: Any) -> Iterator[tuple[str, Any]]:
    from autofix.template import walk

    return walk(value)


def kms_key(props: dict[str, Any]) -> tuple[str, Any] | None:
    """("none"|"kms"|"unknown", key value) describing the source's default encryption."""
    rules = encryption_rules(props)
    if rules is None:
        return ("unknown", None)
    for rule in rules:
        default = rule.get("ServerSideEncryptionByDefault")
        if not isinstance(default, dict):
            continue
        algorithm = default.get("SSEAlgorithm")
        if algorithm == "AES256":
            continue
        if algorithm == "aws:kms":
            return ("kms", default.get("KMSMasterKeyID"))
        return ("unknown", None)
    return ("none", None)


def _with_noncurrent_expiry(rules: Any) -> tuple[Any, bool]:
    """The lifecycle ``rules`` with a ``NoncurrentVersionExpiration`` added to every rule that expires
    current objects (``ExpirationInDays``) but says nothing about noncurrent versions; and whether
    anything was added.  Once versioning is on, an expired object only becomes noncurrent: without
    this, the source's retention rule would keep every old version forever."""
    if not isinstance(rules, list):
        return rules, False
    out = []
    changed = False
    for rule in rules:
        if (isinstance(rule, dict) and isinstance(rule.get("ExpirationInDays"), int)
                and not isinstance(rule.get("ExpirationInDays"), bool)
                and "NoncurrentVersionExpiration" not in rule and "NoncurrentVersionExpirationInDays" not in rule):
            rule = {**rule, "NoncurrentVersionExpiration": {"NoncurrentDays": rule["ExpirationInDays"]}}
            changed = True
        out.append(rule)
    return out, changed


def data_management(template: Template, source: str, versioning_turned_on: bool,
                    replica_name: str) -> tuple[dict[str, Any], FixBuilder]:
    """(properties for the replica bucket, changes of the source) that keep the source's
    data-management settings on its replica.

    - ``LifecycleConfiguration`` is copied; when versioning is turned on by the fix, rules that
      expire current objects also expire noncurrent versions after the same number of days, on
      the source and on the replica;
    - ``LoggingConfiguration`` is copied with the log prefix extended by the replica's name, so
      the replica's access logs go to the same log bucket apart from the source's.
    """
    props = template.properties(source)
    extra: dict[str, Any] = {}
    changes = FixBuilder(template.data)
    lifecycle = props.get("LifecycleConfiguration")
    if lifecycle is not None:
        copied = copy.deepcopy(lifecycle)
        if versioning_turned_on and isinstance(lifecycle, dict):
            rules, changed = _with_noncurrent_expiry(lifecycle.get("Rules"))
            if changed:
                copied = {**copied, "Rules": copy.deepcopy(rules)}
                changes.replace(("Resources", source, "Properties", "LifecycleConfiguration", "Rules"), rules)
        extra["LifecycleConfiguration"] = copied
    logging = props.get("LoggingConfiguration")
    if isinstance(logging, dict) and "DestinationBucketName" in logging:
        copied = copy.deepcopy(logging)
        prefix = logging.get("LogFilePrefix", "")
        if isinstance(prefix, str):
            copied["LogFilePrefix"] = f"{prefix}{replica_name}/"  # not a JSON pointer: an S3 key prefix
        extra["LoggingConfiguration"] = copied
    return extra, changes


def replica_key(rule: dict[str, Any]) -> Any:
    """The rule's ``ReplicaKmsKeyID`` (plain, not chosen by ``Fn::If``), if it has one."""
    dest = rule.get("Destination")
    config = dest.get("EncryptionConfiguration") if isinstance(dest, dict) else None
    key = config.get("ReplicaKmsKeyID") if isinstance(config, dict) else None
    return None if key is None or (isinstance(key, dict) and "Fn::If" in key) else key


def local_key(template: Template, key: Any) -> bool:
    """A key this stack creates (``Ref``/``GetAtt``/``${Key}``), or one built with ``${AWS::Region}``: a key of the
    region the stack runs in, not of the secondary region."""
    from autofix.intrinsics import references

    return any(r in template.resources or r == "AWS::Region" for r in references(key))
