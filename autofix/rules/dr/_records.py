"""Shared by DR002 and DR003: the Route53 records a health check guards, and what they serve.

A health check only matters through the records that carry its ``HealthCheckId``: Route53
answers with a failover (or latency, weighted...) record while its check is healthy.  The
check must therefore probe what the record serves.  Aiming a check at a new or different
endpoint while the record keeps answering with a dead address turns the check green in front
of a dead record, and failover stops working.  This module finds the guarded records
(``AWS::Route53::RecordSet``, items of ``AWS::Route53::RecordSetGroup``; the check referenced
by ``Ref``, ``Fn::GetAtt [Check, HealthCheckId]`` or inside ``Fn::If``), classifies what each
one serves, and plans how to retarget a record to a load balancer.
"""

from __future__ import annotations

import ipaddress
from typing import Any, NamedTuple

from autofix.fixes import FixBuilder
from autofix.intrinsics import if_branches
from autofix.nodes import extend_pointer
from autofix.rules.dr._endpoints import LB_TYPES, Endpoint, classify_domain, shown
from autofix.template import Template, getatt_target, ref_target, references

#: Route53's hosted zone id for every CloudFront alias target.
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


class Record(NamedTuple):
    """One record that carries a health check's id."""

    logical_id: str  # the RecordSet or RecordSetGroup
    pointer: str  # of the record's own dict (Properties, or RecordSets/<i>)
    props: dict[str, Any]

    @property
    def label(self) -> str:
        if self.pointer.endswith("/Properties"):
            return self.logical_id
        return f"{self.logical_id} record {self.pointer.rsplit('/', 1)[1]}"


class Serves(NamedTuple):
    """What a record answers with.

    ``kind`` is ``"resource"`` (a resource of this template, in ``resource``), ``"placeholder"``
    (a placeholder domain or a reserved address that serves nothing), ``"private"`` (private
    addresses that Route53 health checkers cannot reach), ``"external"`` (a real-looking name or
    public address outside this template) or ``"unknown"``.
    """

    kind: str
    shown: str
    resource: str | None = None


def _mentions(value: Any, check_id: str) -> bool:
    if ref_target(value) == check_id:
        return True
    target = getatt_target(value)
    if target and target[0] == check_id:
        return True
    branches = list(if_branches(value))
    return branches != [value] and any(_mentions(v, check_id) for v in branches)


def guarded_records(template: Template, check_id: str) -> list[Record]:
    """Every record of the template whose ``HealthCheckId`` is ``check_id``'s id."""
    out = []
    for logical_id, _ in template.resources_of("AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup"):
        props = template.properties(logical_id)
        if template.type_of(logical_id) == "AWS::Route53::RecordSet":
            if _mentions(props.get("HealthCheckId"), check_id):
                out.append(Record(logical_id, template.pointer("Resources", logical_id, "Properties"), props))
            continue
        items = props.get("RecordSets")
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and _mentions(item.get("HealthCheckId"), check_id):
                out.append(Record(logical_id, template.pointer("Resources", logical_id, "Properties",
                                                                "RecordSets", i), item))
    return out


def private_zone(template: Template, record: Record) -> str | None:
    """The logical id of the private hosted zone (one with ``VPCs``) the record lives in, if the template has it."""
    zone = ref_target(record.props.get("HostedZoneId"))
    if zone and template.type_of(zone) == "AWS::Route53::HostedZone" and template.properties(zone).get("VPCs"):
        return zone
    parent = template.properties(record.logical_id)
    zone = ref_target(parent.get("HostedZoneId")) if parent is not record.props else None
    if zone and template.type_of(zone) == "AWS::Route53::HostedZone" and template.properties(zone).get("VPCs"):
        return zone
    return None


def _address(value: str) -> str | None:
    """``"private"``, ``"placeholder"`` or ``"external"`` for a literal IP address; None for anything else."""
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    documentation = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                                       "2001:db8::/32")]
    if ip.is_unspecified or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or any(
            ip in n for n in documentation):
        return "placeholder"
    if ip.is_private or ip in ipaddress.ip_network("100.64.0.0/10"):
        return "private"
    return "external"


def _one_value(value: Any, template: Template) -> Serves:
    names = references(value) & set(template.resources)
    if len(names) == 1:
        return Serves("resource", shown(value), next(iter(names)))
    if names:
        return Serves("unknown", shown(value))
    if isinstance(value, str):
        kind = _address(value)
        if kind:
            return Serves(kind, value)
    if isinstance(value, dict) and "Fn::If" in value:
        return Serves("unknown", shown(value))
    if classify_domain(value, template):
        return Serves("placeholder", shown(value))
    if isinstance(value, str) or ref_target(value) or (isinstance(value, dict) and "Fn::Sub" in value):
        return Serves("external", shown(value))
    return Serves("unknown", shown(value))


#: API Gateway custom domain names, and the resources that map one to an API: type -> (domain property, API property).
DOMAIN_TYPES = ("AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName")
_MAPPINGS = {"AWS::ApiGateway::BasePathMapping": "RestApiId", "AWS::ApiGatewayV2::ApiMapping": "ApiId"}


def api_behind(template: Template, domain: str) -> str | None:
    """The one API that custom domain name ``domain`` (a resource of the template) maps to, if any."""
    if template.type_of(domain) not in DOMAIN_TYPES:
        return None
    found = set()
    for mapping, _ in template.resources_of(*_MAPPINGS):
        props = template.properties(mapping)
        if ref_target(props.get("DomainName")) == domain:
            api = ref_target(props.get(_MAPPINGS[template.type_of(mapping) or ""]))
            if api:
                found.add(api)
    return found.pop() if len(found) == 1 else None


def serves(template: Template, record: Record) -> Serves:
    """What ``record`` answers with (all its values must agree, else ``"unknown"``)."""
    alias = record.props.get("AliasTarget")
    if isinstance(alias, dict):
        return _one_value(alias.get("DNSName"), template)
    values = record.props.get("ResourceRecords")
    if not isinstance(values, list) or not values:
        return Serves("unknown", shown(values))
    found = [_one_value(v, template) for v in values]
    kinds = {s.kind for s in found}
    resources = {s.resource for s in found}
    text = ", ".join(s.shown for s in found)
    if len(kinds) == 1 and len(resources) == 1:
        return Serves(found[0].kind, text, found[0].resource)
    if "private" in kinds:
        return Serves("private", text)
    return Serves("unknown", text)


def retarget(fix: FixBuilder, template: Template, record: Record, endpoint: Endpoint) -> bool:
    """Make ``record`` serve load balancer ``endpoint`` in ``fix``; False (and nothing written) when it cannot.

    An ``A`` record becomes an alias record (``AliasTarget`` with the load balancer's DNS name
    and canonical hosted zone id, ``EvaluateTargetHealth``; ``ResourceRecords`` and ``TTL``
    removed); a ``CNAME`` record keeps its type, so it still matches its SECONDARY twin, and
    answers with the load balancer's DNS name.
    """
    if template.type_of(endpoint.logical_id) not in LB_TYPES:
        return False
    kind = record.props.get("Type")
    base = record.pointer
    if kind == "CNAME" and "ResourceRecords" in record.props and "AliasTarget" not in record.props:
        fix.replace(extend_pointer(base, "ResourceRecords"), [{"Fn::GetAtt": [endpoint.logical_id, "DNSName"]}])
        return True
    if kind != "A":
        return False
    zone_attribute = ("CanonicalHostedZoneNameID"
                      if template.type_of(endpoint.logical_id) == "AWS::ElasticLoadBalancing::LoadBalancer"
                      else "CanonicalHostedZoneID")
    alias = {"DNSName": {"Fn::GetAtt": [endpoint.logical_id, "DNSName"]},
             "HostedZoneId": {"Fn::GetAtt": [endpoint.logical_id, zone_attribute]},
             "EvaluateTargetHealth": True}
    for key in ("ResourceRecords", "TTL"):
        if key in record.props:
            fix.remove(extend_pointer(base, key))
    (fix.replace if "AliasTarget" in record.props else fix.add)(extend_pointer(base, "AliasTarget"), alias)
    return True


def healthy_before_other(template: Template) -> list[str]:
    """Health checks that probe a resource of this template other than what a record they guard serves.

    The invariant the DR fixes keep: for each check aimed at a template resource, every record
    it guards serves that resource.  Returned as ``"Check -> Record"`` strings (empty: fine).
    """
    out = []
    for check_id, _ in template.resources_of("AWS::Route53::HealthCheck"):
        config = template.properties(check_id).get("HealthCheckConfig")
        if not isinstance(config, dict):
            continue
        probed = references(config.get("FullyQualifiedDomainName")) & set(template.resources)
        if not probed:
            continue
        for record in guarded_records(template, check_id):
            served = serves(template, record)
            resource = served.resource and (api_behind(template, served.resource) or served.resource)
            if resource is None or resource not in probed:
                out.append(f"{check_id} -> {record.label}")
    return out
