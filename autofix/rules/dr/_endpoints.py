"""Shared by DR002 and DR003: public entry points of a template and placeholder domains.

- :func:`classify_domain` decides whether a health check's ``FullyQualifiedDomainName``
  (literal, ``Fn::Sub``, ``Fn::Join``, ``Ref``) can name a real endpoint or is a placeholder.
- :func:`endpoints` lists what a Route53 health check can be aimed at (API Gateway REST and
  HTTP APIs, SAM APIs, internet-facing load balancers, CloudFront distributions), each with
  the domain expression, protocol, port and health path to probe.
- :func:`entry_points` lists every resource that could be the thing a health check probes
  (wider than :func:`endpoints`: Lambda function URLs, Global Accelerator, instances...).
- :func:`role` tells primary-side from secondary-side resources by condition and name.

Everything tolerates any shape (``Fn::If``, ``AWS::NoValue``, parameters) and answers
"unknown" rather than guessing.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from autofix.intrinsics import if_branches, parse_sub, scalar_text, sub_resolve
from autofix.patterns import lazy_pattern
from autofix.template import Template, getatt_target, ref_target, resource_type

#: Health check types that probe an endpoint (the others ignore the domain name).
PROBE_TYPES = ("HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP")

API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api", "AWS::Serverless::Api",
             "AWS::Serverless::HttpApi")
LB_TYPES = ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer")
CDN_TYPES = ("AWS::CloudFront::Distribution",)
#: Other resources a health check may legitimately probe (a template with one of these is not
#: missing an entry point, even if no rule can aim a check at it).
OTHER_ENTRY_TYPES = ("AWS::Lambda::Url", "AWS::GlobalAccelerator::Accelerator", "AWS::EC2::EIP",
                     "AWS::EC2::Instance", "AWS::AppRunner::Service", "AWS::ElasticBeanstalk::Environment",
                     "AWS::Lightsail::Instance", "AWS::Amplify::App", "AWS::AppSync::GraphQLApi",
                     "AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName")

# -- roles: primary side or secondary side --------------------------------------------------

#: Words that name the secondary side in logical ids and names (DR003 swaps them for "primary").
SECONDARY_WORDS = frozenset({"secondary", "standby", "failover", "passive", "dr"})
_PRIMARY_WORDS = {"primary", "active"}
_SECONDARY_CONDITION = lazy_pattern(
    r"^(is_?)?(secondary|failover|standby|dr|disaster_?recovery|passive)(_?region)?$", re.IGNORECASE)
_PRIMARY_CONDITION = lazy_pattern(r"^(is_?)?(primary|active)(_?region)?$", re.IGNORECASE)
_WORDS = lazy_pattern(r"[A-Z]+(?=[A-Z][a-z]|\d|$|[^A-Za-z])|[A-Z]?[a-z]+|\d+")


def words(name: str) -> list[str]:
    """``SecondaryTransactionApi`` -> ``["Secondary", "Transaction", "Api"]``; ``DRApi`` -> ``["DR", "Api"]``."""
    return _WORDS.findall(name)


def name_role(name: str) -> str | None:
    for word in words(name):
        if word.lower() in SECONDARY_WORDS:
            return "secondary"
        if word.lower() in _PRIMARY_WORDS:
            return "primary"
    return None


def condition_role(condition: Any) -> str | None:
    if not isinstance(condition, str):
        return None
    if _SECONDARY_CONDITION.match(condition):
        return "secondary"
    if _PRIMARY_CONDITION.match(condition):
        return "primary"
    return None


def role(template: Template, logical_id: str) -> str | None:
    """``"secondary"``, ``"primary"`` or None (neutral), from the resource's condition, then its name."""
    resource = template.resources.get(logical_id)
    condition = resource.get("Condition") if isinstance(resource, dict) else None
    return condition_role(condition) or name_role(logical_id)


def condition_of(template: Template, logical_id: str) -> str | None:
    resource = template.resources.get(logical_id)
    condition = resource.get("Condition") if isinstance(resource, dict) else None
    return condition if isinstance(condition, str) else None


def primary_condition(template: Template) -> str | None:
    """A condition of the template that singles out the primary side (``IsPrimaryRegion``)."""
    for name in template.conditions:
        if condition_role(name) == "primary":
            return name
    return None


# -- placeholder domains ----------------------------------------------------------------------

_RESOURCE = "\x00"  # a value that comes from a resource of the template (a real endpoint)
_UNKNOWN = "\x01"  # a value only known at deploy time (parameter without default, import...)
_PSEUDO = {"AWS::Region": "us-east-1", "AWS::URLSuffix": "amazonaws.com", "AWS::Partition": "aws",
           "AWS::AccountId": _UNKNOWN, "AWS::StackName": _UNKNOWN, "AWS::StackId": _UNKNOWN,
           "AWS::NotificationARNs": _UNKNOWN, "AWS::NoValue": _UNKNOWN}
_REGION = lazy_pattern(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
_SERVICE_SUFFIXES = ("amazonaws.com.cn", "amazonaws.com", "cloudfront.net", "on.aws", "awsglobalaccelerator.com")
_SERVICE_WORDS = {"elb", "execute-api", "elasticloadbalancing", "s3", "s3-website", "lambda-url", "dualstack",
                  "cloudfront", "apigateway", "elasticbeanstalk", "awsapprunner", "amplifyapp"}
_RESERVED_TLDS = {"test", "invalid", "example", "localhost", "local", "internal", "localdomain"}
_RESERVED_DOMAINS = {"example.com", "example.net", "example.org"}
_PLACEHOLDER_WORD = lazy_pattern(
    r"(?:^|[.\-_])(your[-_]?(?:domain|app|api|endpoint|site|host|service)[a-z]*|placeholder|changeme|change[-_]me"
    r"|replace[-_]?me|todo|tbd|fixme|xxx+|dummy)(?=$|[.\-_\d])")


class Placeholder(NamedTuple):
    """Why a domain is a placeholder; ``parameter`` names the parameter whose default made it one."""

    reason: str
    shown: str
    parameter: str | None = None


class _Render:
    def __init__(self, template: Template, use_defaults: bool) -> None:
        self.template = template
        self.use_defaults = use_defaults
        self.parameters: list[str] = []

    def name(self, name: str) -> str:
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name.split(".", 1)[0] in self.template.resources:
            return _RESOURCE
        if self.template.is_parameter(name):
            default = self.template.parameter_default(name)
            if self.use_defaults and isinstance(default, (str, int, float)) and not isinstance(default, bool):
                self.parameters.append(name)
                return str(default)
            return _UNKNOWN
        return _UNKNOWN

    def value(self, value: Any) -> str:
        text = scalar_text(value)
        if text is not None:
            return text
        target = ref_target(value)
        if target:
            return self.name(target)
        if getatt_target(value):
            return _RESOURCE if getatt_target(value)[0] in self.template.resources else _UNKNOWN
        if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
            sub = parse_sub(value)
            if sub is None:
                return _UNKNOWN
            local = sub.local
            return sub_resolve(sub.text, lambda var: self.value(local[var]) if var in local else self.name(var))
        if isinstance(value, dict) and len(value) == 1 and "Fn::Join" in value:
            arg = value["Fn::Join"]
            if (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)
                    and isinstance(arg[1], list)):
                return arg[0].join(self.value(v) for v in arg[1])
            return _UNKNOWN
        return _UNKNOWN


def shown(value: Any) -> str:
    """A short readable form of a domain expression for messages."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == "Fn::Sub":
            return f"!Sub '{arg[0] if isinstance(arg, list) and arg else arg}'"
        if key == "Ref":
            return f"!Ref {arg}"
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            parts = [p if isinstance(p, str) else shown(p) for p in arg[1]]
            return f"!Join '{arg[0]}' {parts}"
        return f"!{key.replace('Fn::', '')} ..."
    return repr(value)


def _verdict(host: str) -> str | None:
    host = host.strip().lower()
    if host == "":
        return "an empty domain name"
    host = re.sub(r"^[a-z]+://", "", host).split("/", 1)[0].rstrip(".")
    if "<" in host or ">" in host or ("{{" in host and "{{resolve:" not in host):
        return "a template placeholder, not a domain name"
    labels = host.split(".")
    if labels[-1] in _RESERVED_TLDS or ".".join(labels[-2:]) in _RESERVED_DOMAINS:
        return "a reserved example or non-public domain that Route53 health checkers cannot reach"
    match = _PLACEHOLDER_WORD.search(host.replace(_RESOURCE, " ").replace(_UNKNOWN, " "))
    if match:
        return f"an obvious placeholder ({match.group(1)!r})"
    for suffix in _SERVICE_SUFFIXES:
        if host == suffix or host.endswith("." + suffix):
            lead = [label for label in host[: -len(suffix)].split(".") if label]
            if all(label in _SERVICE_WORDS or _REGION.match(label) for label in lead):
                return "a bare regional service domain with no resource id, which resolves to nothing"
    return None


def classify_domain(value: Any, template: Template) -> Placeholder | None:
    """A :class:`Placeholder` when ``value`` cannot be a real endpoint, else None (real or unknown).

    ``Fn::If`` is looked through: a placeholder in either branch counts.  A placeholder that
    only appears once parameter defaults are substituted carries the parameter's name.
    """
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        branches = list(if_branches(value))
        if branches == [value]:
            return None  # a malformed Fn::If: nothing certain to judge
        return next((found for branch in branches if (found := classify_domain(branch, template))), None)
    if value is None or isinstance(value, (bool, list)):
        return None
    hard = _Render(template, use_defaults=False)
    reason = _verdict(hard.value(value))
    if reason:
        return Placeholder(reason, shown(value))
    soft = _Render(template, use_defaults=True)
    reason = _verdict(soft.value(value))
    if reason and soft.parameters:
        return Placeholder(reason, shown(value), soft.parameters[0])
    return None


# -- health check configs ---------------------------------------------------------------------


class HealthCheck(NamedTuple):
    logical_id: str
    config: dict[str, Any]
    pointer: str  # of the dict holding FullyQualifiedDomainName
    flat: bool  # config written directly under Properties (invalid: HealthCheckConfig is required)
    placeholder: Placeholder | None


def health_checks(template: Template) -> list[HealthCheck]:
    """Route53 health checks that probe a domain name, with their verdict."""
    out = []
    for logical_id, _ in template.resources_of("AWS::Route53::HealthCheck"):
        props = template.properties(logical_id)
        config = props.get("HealthCheckConfig")
        flat = False
        pointer = template.pointer("Resources", logical_id, "Properties", "HealthCheckConfig")
        if not isinstance(config, dict):
            if "HealthCheckConfig" in props or "FullyQualifiedDomainName" not in props:
                continue
            config, flat = props, True
            pointer = template.pointer("Resources", logical_id, "Properties")
        if "FullyQualifiedDomainName" not in config:
            continue
        kind = config.get("Type")
        if isinstance(kind, str) and kind not in PROBE_TYPES:
            continue
        out.append(HealthCheck(logical_id, config, pointer, flat,
                               classify_domain(config["FullyQualifiedDomainName"], template)))
    return out


# -- endpoints --------------------------------------------------------------------------------


class Endpoint(NamedTuple):
    logical_id: str
    kind: str  # "HTTP API", "REST API", "load balancer", "CloudFront distribution"
    tier: int  # preference: APIs, then load balancers, then distributions
    domain: Any  # the FullyQualifiedDomainName expression
    protocol: str  # HTTPS, HTTP or TCP
    port: int
    stage: Any  # "" (served from the root), a stage name, or {"Ref": param}
    health_path: str | None  # a health path the resource is known to serve, else None
    default_path: str  # the path to use when neither the resource nor the check gives one


def _refers(value: Any, logical_id: str) -> bool:
    return ref_target(value) == logical_id or (getatt_target(value) or (None,))[0] == logical_id


def children(template: Template, kind: str, key: str, logical_id: str) -> list[str]:
    return [c for c, _ in template.resources_of(kind) if _refers(template.properties(c).get(key), logical_id)]


def _stage_value(value: Any, template: Template) -> Any:
    """A stage name usable in a path: a literal, or a Ref to a parameter; else None."""
    if isinstance(value, str) and value and "/" not in value:
        return "" if value == "$default" else value
    target = ref_target(value)
    if target and template.is_parameter(target):
        return {"Ref": target}
    return None


def _http_api(template: Template, logical_id: str) -> Endpoint | None:
    props = template.properties(logical_id)
    if props.get("ProtocolType") != "HTTP":
        return None
    stages = [template.properties(s).get("StageName")
              for s in children(template, "AWS::ApiGatewayV2::Stage", "ApiId", logical_id)]
    if not stages or "$default" in stages or "Target" in props:
        stage: Any = ""
    elif len(stages) == 1:
        stage = _stage_value(stages[0], template)
    else:
        stage = None
    if stage is None:
        return None
    path = None
    for route in children(template, "AWS::ApiGatewayV2::Route", "ApiId", logical_id):
        key = template.properties(route).get("RouteKey")
        if isinstance(key, str) and re.match(r"^(GET|ANY) /\S*health\S*$", key, re.IGNORECASE):
            path = key.split(" ", 1)[1]
            break
    return Endpoint(logical_id, "HTTP API", 0, None, "HTTPS", 443, stage, path, "/health")


def _rest_api(template: Template, logical_id: str) -> Endpoint | None:
    stages = [template.properties(s).get("StageName")
              for s in children(template, "AWS::ApiGateway::Stage", "RestApiId", logical_id)]
    if not stages:
        stages = [template.properties(d).get("StageName")
                  for d in children(template, "AWS::ApiGateway::Deployment", "RestApiId", logical_id)
                  if "StageName" in template.properties(d)]
    if len(stages) != 1:
        return None
    stage = _stage_value(stages[0], template)
    if not stage:
        return None
    path = None
    for resource in children(template, "AWS::ApiGateway::Resource", "RestApiId", logical_id):
        props = template.properties(resource)
        part = props.get("PathPart")
        parent = getatt_target(props.get("ParentId"))
        if isinstance(part, str) and "health" in part.lower() and parent == (logical_id, "RootResourceId"):
            path = "/" + part  # not a JSON pointer: a URL path
            break
    return Endpoint(logical_id, "REST API", 0, None, "HTTPS", 443, stage, path, "/health")


def _sam_api(template: Template, logical_id: str, http: bool) -> Endpoint | None:
    value = template.properties(logical_id).get("StageName", "$default" if http else None)
    stage = _stage_value(value, template)
    if stage is None or (stage == "" and not http):
        return None
    return Endpoint(logical_id, "HTTP API" if http else "REST API", 0, None, "HTTPS", 443, stage, None,
                    "/health")


def _listener_protocol(protocols: list[tuple[Any, Any]]) -> tuple[str, int] | None:
    """(health check type, port) from listener (protocol, port) pairs: HTTPS wins, then HTTP, then TCP."""
    for wanted, kind in (("HTTPS", "HTTPS"), ("HTTP", "HTTP"), ("TLS", "TCP"), ("SSL", "TCP"), ("TCP", "TCP")):
        for protocol, port in protocols:
            if isinstance(protocol, str) and protocol.upper() == wanted:
                if isinstance(port, str) and port.isdigit():
                    port = int(port)
                if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
                    return kind, port
    return None


def _load_balancer(template: Template, logical_id: str) -> Endpoint | None:
    props = template.properties(logical_id)
    if props.get("Scheme", "internet-facing") != "internet-facing":
        return None
    path = None
    if template.type_of(logical_id) == "AWS::ElasticLoadBalancing::LoadBalancer":
        listeners = props.get("Listeners")
        pairs = [(item.get("Protocol"), item.get("LoadBalancerPort"))
                 for item in (listeners if isinstance(listeners, list) else []) if isinstance(item, dict)]
        check = props.get("HealthCheck")
        target = check.get("Target") if isinstance(check, dict) else None
        if isinstance(target, str) and re.match(r"^HTTPS?:\d+/", target, re.IGNORECASE):
            path = "/" + target.split("/", 1)[1]  # not a JSON pointer: a URL path
    else:
        if props.get("Type", "application") not in ("application", "network"):
            return None
        pairs = []
        groups = []
        for listener in children(template, "AWS::ElasticLoadBalancingV2::Listener", "LoadBalancerArn", logical_id):
            lp = template.properties(listener)
            pairs.append((lp.get("Protocol"), lp.get("Port")))
            actions = lp.get("DefaultActions")
            for action in actions if isinstance(actions, list) else []:
                group = ref_target(action.get("TargetGroupArn")) if isinstance(action, dict) else None
                if group:
                    groups.append(group)
        paths = {template.properties(g).get("HealthCheckPath") for g in groups}
        if len(paths) == 1:
            only = paths.pop()
            path = only if isinstance(only, str) and only.startswith("/") else None
    chosen = _listener_protocol(pairs)
    if chosen is None:
        return None
    domain = {"Fn::GetAtt": [logical_id, "DNSName"]}
    return Endpoint(logical_id, "load balancer", 1, domain, chosen[0], chosen[1], "", path, "/")


def endpoint_of(template: Template, api: str) -> Endpoint | None:
    """How to reach API ``api`` of the template (REST or HTTP API; its stage), or None when it cannot be told."""
    kind = template.type_of(api)
    if kind == "AWS::ApiGatewayV2::Api":
        return _http_api(template, api)
    if kind == "AWS::ApiGateway::RestApi":
        return _rest_api(template, api)
    return None


def endpoints(template: Template) -> list[Endpoint]:
    """Everything a health check can be aimed at, with how to probe it (unusable shapes left out)."""
    out: list[Endpoint] = []
    for logical_id, resource in template.resources.items():
        kind = resource_type(resource) if isinstance(resource, dict) else None
        found: Endpoint | None = None
        if kind == "AWS::ApiGatewayV2::Api":
            found = _http_api(template, logical_id)
        elif kind == "AWS::ApiGateway::RestApi":
            found = _rest_api(template, logical_id)
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            found = _sam_api(template, logical_id, http=kind == "AWS::Serverless::HttpApi")
        elif kind in LB_TYPES:
            found = _load_balancer(template, logical_id)
        elif kind in CDN_TYPES:
            domain = {"Fn::GetAtt": [logical_id, "DomainName"]}
            found = Endpoint(logical_id, "CloudFront distribution", 2, domain, "HTTPS", 443, "", None, "/")
        if found is not None and found.domain is None:
            from autofix.patches import fragment

            domain = fragment("DR002-health-check-placeholder-endpoint", "api_domain", Api=logical_id)
            found = Endpoint(found.logical_id, found.kind, found.tier, domain, found.protocol, found.port,
                             found.stage, found.health_path, found.default_path)
        if found is not None:
            out.append(found)
    return out


def nat_addresses(template: Template) -> set[str]:
    """Elastic IPs that NAT gateways use: egress addresses, not entry points a health check could probe."""
    from autofix.template import references

    out: set[str] = set()
    for logical_id, _ in template.resources_of("AWS::EC2::NatGateway"):
        out |= references(template.properties(logical_id).get("AllocationId"))
    return {name for name in out if template.type_of(name) == "AWS::EC2::EIP"}


def entry_points(template: Template) -> list[str]:
    """Logical ids of every resource a health check could probe (usable by DR002 or not)."""
    types = (*API_TYPES, *LB_TYPES, *CDN_TYPES, *OTHER_ENTRY_TYPES)
    egress = nat_addresses(template)
    out = [logical_id for logical_id, _ in template.resources_of(*types) if logical_id not in egress]
    for logical_id, _ in template.resources_of("AWS::Serverless::Function"):
        props = template.properties(logical_id)
        events = props.get("Events")
        kinds = [e.get("Type") for e in events.values() if isinstance(e, dict)] if isinstance(events, dict) else []
        if "FunctionUrlConfig" in props or "Api" in kinds or "HttpApi" in kinds:
            out.append(logical_id)
    return out


def apis(template: Template) -> list[str]:
    return [logical_id for logical_id, _ in template.resources_of(*API_TYPES)]
