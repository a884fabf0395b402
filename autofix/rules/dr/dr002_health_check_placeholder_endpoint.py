"""DR002 health-check-placeholder-endpoint: a Route53 health check aimed at a domain that is not an endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.nodes import extend_pointer, split_pointer
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Fix, Rule
from autofix.rules.dr._endpoints import (
    Endpoint,
    HealthCheck,
    apis,
    condition_of,
    endpoints,
    health_checks,
    role,
    shown,
)
from autofix.rules.dr._records import (
    Record,
    Serves,
    api_behind,
    guarded_records,
    private_zone,
    retarget,
    serves,
)
from autofix.rules.dr._report import finding
from autofix.settings import Settings
from autofix.template import Template, ref_target

PATCHES = "DR002-health-check-placeholder-endpoint"


def choose_endpoint(template: Template, check: HealthCheck, found: list[Endpoint]) -> Endpoint | None:
    """The one endpoint ``check`` is meant to probe, or None when there is none or the choice is ambiguous.

    A secondary-side check (by condition or name) only takes a secondary-side endpoint, any
    other check only a primary-side or neutral one; the endpoint must exist whenever the check
    does (no condition, or the check's own).  APIs come before load balancers, load balancers
    before CloudFront; among equals an exact role match wins, otherwise the choice is ambiguous.
    """
    wanted = role(template, check.logical_id)
    usable = [endpoint for endpoint in found if fits(template, check, endpoint.logical_id)]
    if not usable:
        return None
    tier = min(e.tier for e in usable)
    usable = [e for e in usable if e.tier == tier]
    if len(usable) > 1 and wanted:
        exact = [e for e in usable if role(template, e.logical_id) == wanted]
        usable = exact or usable
    return usable[0] if len(usable) == 1 else None


def fits(template: Template, check: HealthCheck, logical_id: str) -> bool:
    """``logical_id`` exists whenever ``check`` does and is on the check's side (secondary or not)."""
    if condition_of(template, logical_id) not in (None, condition_of(template, check.logical_id)):
        return False
    return (role(template, logical_id) == "secondary") == (role(template, check.logical_id) == "secondary")


def private_reason(template: Template, record: Record, served: Serves) -> str:
    zone = private_zone(template, record)
    where = f" in private hosted zone {zone}" if zone else ""
    return (f"record {record.label} answers with private address(es) {served.shown}{where}; Route 53 health "
            f"checkers run outside the VPC and cannot reach private addresses, so no endpoint probe can guard "
            f"this record: base the check on a CloudWatch alarm that watches the primary (Type "
            f"CLOUDWATCH_METRIC with AlarmIdentifier)")


def _cannot_serve(template: Template, record: Record, served: Serves, endpoint: Endpoint) -> str:
    name = shown(record.props.get("Name"))
    dead = (f"aiming only the check at {endpoint.kind} {endpoint.logical_id} would turn it healthy while the "
            f"record keeps answering with {served.shown}, and Route 53 would never fail over")
    if endpoint.tier == 0:
        why = (f"an execute-api hostname cannot be served under the record's name {name} without an API "
               f"Gateway custom domain name (certificate and API mapping)")
    elif endpoint.tier == 2:
        why = (f"CloudFront serves only the names listed in the distribution's Aliases, with a matching "
               f"certificate, and {name} is not one of them")
    else:
        why = f"a {record.props.get('Type')!s} record cannot alias a load balancer"
    return f"record {record.label} answers with {served.shown}; {why}; {dead}"


def plan_records(template: Template, check: HealthCheck, chosen: Endpoint | None,
                 found: list[Endpoint]) -> tuple[Endpoint | None, FixBuilder, str | None]:
    """The endpoint to aim ``check`` at, the changes that make its records serve it, or why there is none.

    A health check must probe what the records it guards serve.  Records that already serve
    a resource of the template decide the endpoint; records that answer with a placeholder are
    retargeted with the check when the endpoint is a load balancer (an alias or CNAME record
    can serve it under any name).  Anything else gets no fix: a reason is returned instead.
    """
    changes = FixBuilder(template.data)
    records = guarded_records(template, check.logical_id)
    if not records:
        return chosen, changes, None
    served = [(record, serves(template, record)) for record in records]
    for record, what in served:
        if what.kind == "private":
            return None, changes, private_reason(template, record, what)
    targets = {what.resource for _, what in served if what.kind == "resource"}
    endpoint = chosen
    if len(targets) > 1:
        serving = ", ".join(sorted(map(str, targets)))
        return None, changes, (f"the records it guards serve different resources ({serving}), "
                               f"which one check cannot probe")
    if targets:
        target = targets.pop()
        assert target is not None
        record = next(r for r, what in served if what.resource == target)
        behind = api_behind(template, target)
        if behind is None and target in apis(template):
            return None, changes, (f"record {record.label} answers with {target}'s execute-api hostname under its "
                                   f"own name, which API Gateway serves only through a custom domain name: clients "
                                   f"get a TLS name mismatch or a 403 while a check on the API stays green, and "
                                   f"Route 53 never fails over (DR010 adds the custom domain name)")
        target = behind or target
        matches = [e for e in found if e.logical_id == target]
        if not matches:
            return None, changes, (f"record {record.label} serves {target}, which is not an API, load balancer or "
                                   f"CloudFront distribution this rule can aim the check at; aim the check at what the "
                                   f"record serves")
        if not fits(template, check, target):
            return None, changes, (f"record {record.label} serves {target}, which belongs to the other side or exists "
                                   f"under another condition than the check; a check and the record it guards must "
                                   f"watch the same side: fix the record or the check by hand")
        endpoint = matches[0]
    if endpoint is None:
        return None, changes, None
    for record, what in served:
        if what.kind == "resource":
            continue
        if what.kind != "placeholder":
            return None, changes, (f"record {record.label} answers with {what.shown}, not with {endpoint.kind} "
                                   f"{endpoint.logical_id}: a check aimed there would turn healthy while the record "
                                   f"keeps answering with {what.shown}, and Route 53 would never fail over; aim the "
                                   f"check at what the record serves, or point both at one endpoint")
        if not retarget(changes, template, record, endpoint):
            return None, changes, _cannot_serve(template, record, what, endpoint)
    return endpoint, changes, None


def _path(endpoint: Endpoint, existing: Any) -> Any:
    """The ResourcePath to probe: the endpoint's own health path, else the check's, else the default."""
    stage = endpoint.stage
    prefix = f"/{stage}" if isinstance(stage, str) and stage else ""  # not a JSON pointer: a URL path
    path = endpoint.health_path
    if path is None and isinstance(existing, str) and existing.startswith("/") and existing != "/":
        path = existing
        if prefix and (path == prefix or path.startswith(prefix + "/")):  # not a JSON pointer: a URL path
            path = path[len(prefix):] or None
    if path is None:
        path = endpoint.default_path
    param = ref_target(stage)
    if param:
        return fragment(PATCHES, "staged_path", StageParameter=param, Path=path)
    return prefix + path


def _type(current: Any, protocol: str) -> str:
    if protocol != "TCP" and isinstance(current, str) and current.endswith("_STR_MATCH"):
        return f"{protocol}_STR_MATCH"
    return protocol


class HealthCheckPlaceholderEndpoint(Rule):
    """## What it does
    Finds `AWS::Route53::HealthCheck` resources whose `HealthCheckConfig.FullyQualifiedDomainName`
    cannot be a real endpoint:

    - a bare regional service domain with no resource id, such as
      `!Sub '${AWS::Region}.elb.amazonaws.com'`, `elb.amazonaws.com` or
      `execute-api.${AWS::Region}.amazonaws.com` (literal, `Fn::Sub` or `Fn::Join`);
    - a reserved or non-public domain: `example.com`, `example.net`, `example.org` and their
      subdomains, `*.test`, `*.invalid`, `*.example`, `*.localhost`, `*.local`, `*.internal`;
    - an obvious placeholder: `your-domain...`, `placeholder`, `changeme`, `TODO`, `xxx`, `<...>`.

    Domains built from a resource (`!GetAtt Alb.DNSName`, `!Sub '${Api}.execute-api...'`) or
    from a parameter without a default are taken as real.  A parameter whose `Default` is such
    a placeholder is reported at the health check that uses it, without a fix.

    ## Why is this bad?
    Route53 resolves the domain to probe it.  A placeholder resolves to nothing (or to a host
    that is not yours), so the check is unhealthy from the start and a failover record guarded
    by it fails over immediately, or never recovers; the DR design does not work.

    ## Example
    ```yaml
    PrimaryHealthCheck:
      Type: AWS::Route53::HealthCheck
      Properties:
        HealthCheckConfig:
          Type: HTTPS
          FullyQualifiedDomainName: !Sub '${AWS::Region}.elb.amazonaws.com'
    ```

    Use instead (the template defines the HTTP API `PrimaryApi` with a `$default` stage):
    ```yaml
          Type: HTTPS
          FullyQualifiedDomainName: !Sub '${PrimaryApi}.execute-api.${AWS::Region}.amazonaws.com'
          Port: 443
          ResourcePath: /health
          EnableSNI: true
    ```

    ## Fix safety
    Safe: the check keeps its thresholds, interval, tags and condition; only where it points
    changes, to the endpoint the template itself defines, and only where the records it guards
    serve that endpoint (below).  The fix aims the check at:

    - an API Gateway API (REST, HTTP or SAM): `${Api}.execute-api.${AWS::Region}.amazonaws.com`,
      HTTPS on 443 with SNI, and the health path: a `GET .../health` route or `health` resource
      of the API when it has one, else the check's own path, else `/health`; a REST API's
      stage is part of the path (`/prod/health`), an HTTP API's `$default` stage is not;
    - otherwise an internet-facing load balancer: `!GetAtt Lb.DNSName` with the protocol and
      port of its listeners (HTTPS before HTTP; TCP for network load balancers) and the check's
      path, or its target group's `HealthCheckPath`;
    - otherwise a CloudFront distribution: `!GetAtt Distribution.DomainName`, HTTPS 443.

    A health check must probe what the records it guards serve (records of the template whose
    `HealthCheckId` is the check's `Ref` or `!GetAtt Check.HealthCheckId`, in a `RecordSet` or a
    `RecordSetGroup`): Route53 answers with a failover record while its check is healthy, so a
    check aimed at a working endpoint in front of a record that still answers with a dead address
    turns green and Route53 never fails over.  Therefore:

    - a record that serves a resource of the template (`AliasTarget` or `ResourceRecords` built
      from it) decides the endpoint the check is aimed at; a record that serves an API Gateway
      custom domain name of the template counts as serving the API mapped to it;
    - no fix when a record serves an API's raw `execute-api` hostname under its own name (a
      `CNAME` of `api.example.com` to `${Api}.execute-api...`): API Gateway serves an API under a
      name of your own only through a custom domain name, so clients get a TLS name mismatch or a
      403 while a check on the API stays green, and Route 53 never fails over.  DR010 reports such
      a record and adds the custom domain name; this rule aims the check on the next round;
    - a record that answers with a placeholder (a placeholder domain, a documentation, loopback
      or unspecified address) is retargeted together with the check when the endpoint is a load
      balancer: an `A` record becomes an alias record (`AliasTarget` with `!GetAtt Lb.DNSName`,
      `!GetAtt Lb.CanonicalHostedZoneID` and `EvaluateTargetHealth: true`; `ResourceRecords`
      and `TTL` removed), a `CNAME` keeps its type (so it still matches its SECONDARY twin) and
      answers with `!GetAtt Lb.DNSName`;
    - no fix when the endpoint is an API (an `execute-api` hostname is not served under the
      record's name without an API Gateway custom domain name, certificate and API mapping) or
      a CloudFront distribution (it serves only the names in its `Aliases`), when a record
      answers with a real name or address outside the template, with records that serve
      different resources, or with private addresses (Route53 health checkers run outside the
      VPC: a failover record in a private hosted zone needs a health check based on a
      CloudWatch alarm, `Type: CLOUDWATCH_METRIC`).  The finding says why.

    A check that guards no record of this template (its record lives in another stack, or it
    only feeds an alarm) is aimed at the endpoint as below.

    A secondary-side check (by condition or name) is only aimed at a secondary-side endpoint,
    others never are; the endpoint must carry no condition or the check's own.  When there is
    no such endpoint, or more than one of the same kind, the finding is reported without a fix;
    in a DR template DR003 then adds a primary API and this rule aims the check at it on the
    next round of the fix loop.  No fix either when the placeholder comes from a parameter
    default (the value passed at deploy time is the user's), when the check also sets an
    `IPAddress`, when the domain is inside `Fn::If`, or when the settings are written directly
    under `Properties` instead of `HealthCheckConfig` (that shape does not deploy; move them first).
    The fix changes `Type` to HTTPS (or HTTP/TCP for a load balancer) when needed, which makes
    CloudFormation replace the health check: harmless for a check that never worked.

    ## References
    - [AWS::Route53::HealthCheck HealthCheckConfig](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-route53-healthcheck-healthcheckconfig.html)
    - [Invoking a REST API (the stage is part of the path)](https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html)
    - [HTTP API stages ($default is served from the base URL)](https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html)
    - [RFC 2606: reserved top level DNS names](https://www.rfc-editor.org/rfc/rfc2606)
    - [Configuring failover in a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-private-hosted-zones.html)
    - [Custom domain names for REST APIs](https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html)
    - [Routing traffic to an ELB load balancer (alias records)](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html)
    """

    id = "DR002"
    name = "health-check-placeholder-endpoint"
    summary = "Route53 health check probes a placeholder domain instead of the template's endpoint"
    enabled_by_default = True  # a documented DR failure
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({"AWS::Route53::HealthCheck"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        found: list[Endpoint] | None = None
        for check in health_checks(ctx):
            if check.placeholder is None:
                continue
            if found is None:
                found = endpoints(ctx)
            yield self._one(ctx, check, found)

    def _one(self, ctx: RuleContext, check: HealthCheck, found: list[Endpoint]) -> Finding:
        placeholder = check.placeholder
        assert placeholder is not None
        pointer = extend_pointer(check.pointer, "FullyQualifiedDomainName")
        message = f"Health check {check.logical_id} probes {placeholder.shown}, which is not a real endpoint"
        what = (f"{placeholder.shown} is {placeholder.reason}: the check is unhealthy from the start, so Route 53 "
                f"fails over at once or never recovers.")

        def report(detail: str, fix: Fix | None = None) -> Finding:
            return finding(self, pointer, message, f"{what} {detail}", fix=fix, resource=check.logical_id)

        if placeholder.parameter:
            default = ctx.parameter_default(placeholder.parameter)
            return report(f"Parameter {placeholder.parameter} defaults to {default!r}: pass a real domain at deploy "
                          f"time or aim the check at the template's endpoint.")
        if check.flat:
            return report("No automatic fix: its settings are directly under Properties instead of "
                          "HealthCheckConfig, which does not deploy; move them there first.")
        domain = check.config["FullyQualifiedDomainName"]
        if "IPAddress" in check.config or (isinstance(domain, dict) and "Fn::If" in domain):
            return report("No automatic fix: aim it at a real endpoint.")
        endpoint, record_changes, reason = plan_records(ctx, check, choose_endpoint(ctx, check, found), found)
        if reason is not None:
            return report(f"No automatic fix: {reason}.")
        if endpoint is None:
            side = "secondary-side " if role(ctx, check.logical_id) == "secondary" else ""
            return report(f"No automatic fix: the template has no single {side}API, load balancer or CloudFront "
                          f"distribution to aim it at.")
        fix = self.fixer(ctx)
        summary = self._aim(fix, check, endpoint)
        retargeted = sorted({split_pointer(op["path"])[1] for op in record_changes.operations})
        also = f", and point record {', '.join(retargeted)} at it" if retargeted else ""
        fix.extend(record_changes.operations)
        plan = f"Aim {check.logical_id} at {endpoint.kind} {endpoint.logical_id} ({summary}){also}"
        return report(f"Fix: {plan}.", fix.build(plan, Applicability.SAFE))

    @staticmethod
    def _aim(fix: FixBuilder, check: HealthCheck, endpoint: Endpoint) -> str:
        """Aim ``check`` at ``endpoint`` in ``fix`` (domain, type, port, path, SNI); what it now probes."""
        config = check.config
        base = check.pointer
        fix.replace(extend_pointer(base, "FullyQualifiedDomainName"), endpoint.domain)

        def put(key: str, value: Any) -> None:
            fix.set(extend_pointer(base, key), value)  # added, or replaced when it differs

        kind = _type(config.get("Type"), endpoint.protocol)
        put("Type", kind)
        put("Port", endpoint.port)
        summary = f"{kind} {endpoint.port}"
        if endpoint.protocol != "TCP":
            path = _path(endpoint, config.get("ResourcePath"))
            put("ResourcePath", path)
            summary += f" {path if isinstance(path, str) else path.get('Fn::Sub')}"
        if kind.startswith("HTTPS"):
            put("EnableSNI", True)
        return summary
