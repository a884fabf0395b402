"""DR010 api-failover-record-without-custom-domain: a failover record serves a custom name with an API's raw
execute-api hostname."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, NamedTuple

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _endpoints, _s3, _whole
from autofix.rules.dr._records import DOMAIN_TYPES, api_behind
from autofix.rules.dr._report import NoFix, finding, refused
from autofix.rules.dr.dr008_same_region_replication import region_condition
from autofix.settings import Settings
from autofix.template import Template

PATCHES = "DR010-api-failover-record-without-custom-domain"
#: ``${Api}.execute-api.<region>.<suffix>``: an API of the template by its raw hostname.
_TEMPLATE_API = lazy_pattern(r"^\$\{([A-Za-z0-9]+)\}\.execute-api\.[^.]+\.")
#: ``abc123.execute-api.us-east-1.amazonaws.com``: an API somewhere, by its raw hostname.
_RAW_API = lazy_pattern(r"^[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\.?$")
_REST, _HTTP = "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"


class _Record(NamedTuple):
    logical_id: str  # the RecordSet or RecordSetGroup
    path: tuple[str | int, ...]  # of the record's own mapping
    props: dict[str, Any]
    served: Any  # the hostname value it answers with
    api: str | None  # the API of the template it names, if any


def _records(template: Template) -> Iterator[_Record]:
    """Failover records (PRIMARY or SECONDARY) that answer with an execute-api hostname."""
    for logical_id, _ in template.resources_of("AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup"):
        props = template.properties(logical_id)
        if template.type_of(logical_id) == "AWS::Route53::RecordSet":
            items = [(("Resources", logical_id, "Properties"), props)]
        else:
            group = props.get("RecordSets")
            items = [(("Resources", logical_id, "Properties", "RecordSets", i), r)
                     for i, r in enumerate(group if isinstance(group, list) else []) if isinstance(r, dict)]
        for path, record in items:
            if record.get("Failover") not in ("PRIMARY", "SECONDARY"):
                continue
            alias = record.get("AliasTarget")
            values = record.get("ResourceRecords")
            served = alias.get("DNSName") if isinstance(alias, dict) else (
                values[0] if isinstance(values, list) and len(values) == 1 else None)
            text = _s3.normalize(served)
            if not text:
                continue
            match = _TEMPLATE_API.match(text)
            if match and template.type_of(match.group(1)) in _endpoints.API_TYPES:
                yield _Record(logical_id, path, record, served, match.group(1))
            elif _RAW_API.match(text.lower()):
                yield _Record(logical_id, path, record, served, None)


def _name_key(value: Any) -> Any:
    """A record or domain name as compared: text without the trailing dot, lower case."""
    text = _s3.normalize(value)
    return text.rstrip(".").lower() if isinstance(text, str) else repr(value)


class ApiFailoverRecordWithoutCustomDomain(Rule):
    """## What it does
    Finds Route 53 failover records (`Failover: PRIMARY` or `SECONDARY`, in an `AWS::Route53::RecordSet` or
    a `RecordSetGroup`) that answer for a custom name (`api.example.com`) with an API Gateway API's raw
    `execute-api` hostname: a `CNAME` (or alias) to `!Sub '${Api}.execute-api.${AWS::Region}.amazonaws.com'`,
    or to a literal `abc123.execute-api.us-east-1.amazonaws.com`.

    ## Why is this bad?
    API Gateway serves an API under a name of your own only through a custom domain name: its certificate,
    and the API mapping that routes the name to the API.  Clients of `api.example.com` that land on the
    `execute-api` host get that host's certificate (a TLS name mismatch), or a 403 Forbidden once the Host
    header is checked.  Meanwhile a health check on the API itself stays healthy, so Route 53 never fails
    over: the DR design looks right and serves nothing.  The API Gateway guide's multi-region failover puts
    a regional custom domain name of the same name in each region, maps the API to it, and aims the
    failover records at it.

    ## Example
    ```yaml
    PrimaryRecord:
      Type: AWS::Route53::RecordSet
      Properties:
        HostedZoneName: example.com.
        Name: api.example.com
        Type: CNAME
        TTL: '60'
        SetIdentifier: primary
        Failover: PRIMARY
        ResourceRecords:
          - !Sub '${OrdersApi}.execute-api.${AWS::Region}.amazonaws.com'
    ```

    Use instead:
    ```yaml
    Parameters:
      OrdersApiCertificateArn:    # an ACM certificate for api.example.com, in the stack's region
        Type: String
    Resources:
      OrdersApiDomainName:
        Type: AWS::ApiGatewayV2::DomainName
        Properties:
          DomainName: api.example.com
          DomainNameConfigurations:
            - CertificateArn: !Ref OrdersApiCertificateArn
              EndpointType: REGIONAL
              SecurityPolicy: TLS_1_2
      OrdersApiMapping:
        Type: AWS::ApiGatewayV2::ApiMapping
        Properties:
          ApiId: !Ref OrdersApi
          DomainName: !Ref OrdersApiDomainName
          Stage: $default
      PrimaryRecord:
        Type: AWS::Route53::RecordSet
        Properties:
          # ...
          ResourceRecords:
            - !GetAtt OrdersApiDomainName.RegionalDomainName
    ```

    ## Fix safety
    Unsafe: it adds a custom domain name, which needs an ACM certificate for the name in the region the stack
    is deployed to: the fix adds a parameter for its ARN, without a default (pass each region's certificate
    when you deploy that region's stack).  For a REST API the fix adds an `AWS::ApiGateway::DomainName`
    (`REGIONAL`, TLS 1.2) and a `BasePathMapping` to the API's stage; for an HTTP API an
    `AWS::ApiGatewayV2::DomainName` and an `ApiMapping`.  The mapping waits for the resource that creates the
    stage.  The record answers with the custom domain's regional domain name: an alias record gets
    `AliasTarget` with `RegionalDomainName` and `RegionalHostedZoneId` (and so does a `CNAME` whose failover
    twins this rule fixes too, which all become alias `A` records); a `CNAME` whose twin stays as it is keeps
    its type, so the two still match.  The new resources take the record's condition.  In a template deployed
    in both regions each region's stack creates its own custom domain name of the same name (custom domain
    names are per region), and the fix is applied only when the whole layout still deploys.

    No fix for an API outside the template (a literal `execute-api` hostname), a SAM API, an API whose stage
    cannot be told, or two failover records of one name that one stack creates (a custom domain name exists
    once per region: put each record in its own region's stack first, which DR009 does).

    ## References
    - [Configure custom health checks for DNS failover for an API Gateway API](https://docs.aws.amazon.com/apigateway/latest/developerguide/dns-failover.html)
    - [Set up a Regional custom domain name in API Gateway](https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html)
    - [AWS::ApiGatewayV2::ApiMapping](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-apimapping.html)
    - [AWS::ApiGateway::BasePathMapping](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-basepathmapping.html)
    - [Route 53 failover routing](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-failover.html)
    """

    id = "DR010"
    name = "api-failover-record-without-custom-domain"
    summary = "A failover record serves a custom name with an API's raw execute-api hostname"
    enabled_by_default = True  # a documented DR failure
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({"AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        found = list(_records(ctx))
        for record in found:
            yield self._finding(ctx, settings, record, found)

    def _finding(self, ctx: RuleContext, settings: Settings, record: _Record, found: list[_Record]) -> Finding:
        pointer = ctx.pointer(*record.path)
        name = _endpoints.shown(record.props.get("Name"))
        api = record.api or "an API"
        message = (f"Failover record {record.logical_id} answers for {name} with {api}'s raw execute-api hostname, "
                   f"which API Gateway does not serve under {name}")
        why = (f"API Gateway serves an API under {name} only through a custom domain name (its certificate and API "
               f"mapping): clients get a TLS name mismatch or a 403, while a health check on the API stays healthy, "
               f"so Route 53 never fails over.")
        try:
            fix, plan = self._plan(ctx, record, found)
            also = _whole.complete_fix(ctx, settings, fix)
        except NoFix as reason:
            return refused(self, pointer, message, why, reason, resource=record.logical_id)
        return finding(self, pointer, message, f"{why} Fix: {plan}.{also}", resource=record.logical_id,
                       fix=fix.build(plan, Applicability.UNSAFE))

    def _plan(self, ctx: RuleContext, record: _Record, found: list[_Record]) -> tuple[FixBuilder, str]:
        api = record.api
        if api is None:
            raise NoFix("the API is not in this template: give it a regional custom domain name for the record's "
                        "name, map the API to it, and aim the record at its regional domain name")
        kind = ctx.type_of(api) or ""
        if kind not in (_REST, _HTTP):
            raise NoFix(f"{api} is a SAM API: give it a Domain (a regional custom domain name with a certificate) "
                        f"in its own properties, and aim the record at it")
        key = _name_key(record.props.get("Name"))
        together = [r for r in found if _name_key(r.props.get("Name")) == key and r is not record]
        name = _endpoints.shown(record.props.get("Name"))
        fix = self.fixer(ctx)
        existing = next((d for n, d in _custom_domains(ctx).items() if n == key and api_behind(ctx, d) == api), None)
        if existing is not None:
            domain_id, made = existing, f"the custom domain name {existing}, which maps {api} already"
        else:
            for other in together:
                if other.api and other.api != api and not _separated(ctx, record, other):
                    raise NoFix(f"{other.logical_id} answers for the same name with another API of the same stack, "
                                f"and a custom domain name exists once per region: put each failover record in its "
                                f"own region's stack first (DR009)")
            domain_id, parameter, stage = self._add_domain(ctx, fix, record, api, kind, name)
            made = (f"a regional custom domain name {domain_id} (certificate from parameter {parameter}, of the "
                    f"stack's region) mapped to {api}'s stage {stage}")
        alias = all(r.api and ctx.type_of(r.api) in (_REST, _HTTP) for r in together) or (
            "AliasTarget" in record.props)
        _retarget(fix, record, domain_id, alias)
        shape = "an alias record of" if alias else "a CNAME to"
        return fix, f"Serve {name} through {made}, and make {record.logical_id} {shape} its regional domain name"

    @staticmethod
    def _add_domain(template: Template, fix: FixBuilder, record: _Record, api: str, kind: str,
                    name: str) -> tuple[str, str, Any]:
        """Add the certificate parameter, the custom domain name and the mapping to ``api``'s stage; they exist
        wherever the API does (each region's stack has its own custom domain name of the same name)."""
        stage, stage_ids = _stage(template, api, kind)
        taken: set[str] = set()
        parameter = template.unique_id(f"{api}CertificateArn", taken)
        taken.add(parameter)
        domain_id = template.unique_id(f"{api}DomainName", taken)
        taken.add(domain_id)
        mapping_id = template.unique_id(f"{api}ApiMapping", taken)
        fix.set(("Parameters", parameter), fragment(PATCHES, "certificate_parameter", Name=name))
        v2 = kind == _HTTP
        domain = fragment(PATCHES, "http_domain" if v2 else "rest_domain",
                          DomainName=_without_dot(record.props.get("Name")), Certificate=parameter)
        mapping = fragment(PATCHES, "http_mapping" if v2 else "rest_mapping", Api=api, Domain=domain_id, Stage=stage)
        condition = template.resources[api].get("Condition")
        for new_id, new in ((domain_id, domain), (mapping_id, mapping)):
            head: dict[str, Any] = {"Type": new.pop("Type")}
            if isinstance(condition, str):
                head["Condition"] = condition
            if new_id == mapping_id and stage_ids:
                head["DependsOn"] = stage_ids if len(stage_ids) > 1 else stage_ids[0]
            fix.add(("Resources", new_id), {**head, **new})
        return domain_id, parameter, stage


def _custom_domains(template: Template) -> dict[Any, str]:
    """The template's API Gateway custom domain names by the name they serve."""
    return {_name_key(template.properties(d).get("DomainName")): d for d, _ in template.resources_of(*DOMAIN_TYPES)}


def _without_dot(name: Any) -> Any:
    """A record name as a custom domain name takes it: without the trailing dot of a fully qualified name."""
    if isinstance(name, str):
        return name.rstrip(".")
    if isinstance(name, dict) and isinstance(name.get("Fn::Sub"), str):
        return {"Fn::Sub": name["Fn::Sub"].rstrip(".")}
    return copy.deepcopy(name)


def _separated(template: Template, one: _Record, other: _Record) -> bool:
    """Region conditions put the two records in different stacks."""
    a = template.resources[one.logical_id].get("Condition")
    b = template.resources[other.logical_id].get("Condition")
    return a != b and region_condition(template, a) and region_condition(template, b)


def _stage(template: Template, api: str, kind: str | None) -> tuple[Any, list[str]]:
    """The stage the mapping routes to, and the resources that create it (the mapping waits for them)."""
    endpoint = _endpoints.endpoint_of(template, api)
    if endpoint is None or endpoint.stage is None:
        raise NoFix(f"the stage of {api} cannot be told (none, or more than one)")
    stage = endpoint.stage if endpoint.stage != "" else "$default"
    parents = (("AWS::ApiGatewayV2::Stage", "ApiId"),) if kind == _HTTP else (
        ("AWS::ApiGateway::Stage", "RestApiId"), ("AWS::ApiGateway::Deployment", "RestApiId"))
    ids = [child for child_kind, key in parents
           for child in _endpoints.children(template, child_kind, key, api)
           if child_kind != "AWS::ApiGateway::Deployment" or "StageName" in template.properties(child)]
    if not ids and "Target" not in template.properties(api):  # a quick-create HTTP API has its $default stage
        raise NoFix(f"the stage of {api} is not created by this template")
    return stage, ids


def _retarget(fix: FixBuilder, record: _Record, domain: str, alias: bool) -> None:
    """Make ``record`` answer with custom domain name ``domain``'s regional domain name."""
    base = record.path
    target = {"Fn::GetAtt": [domain, "RegionalDomainName"]}
    if not alias:
        fix.replace((*base, "ResourceRecords"), [target])
        return
    evaluate = record.props.get("AliasTarget", {}).get("EvaluateTargetHealth", False) if isinstance(
        record.props.get("AliasTarget"), dict) else False
    for key in ("ResourceRecords", "TTL"):
        if key in record.props:
            fix.remove((*base, key))
    if record.props.get("Type") != "A":
        fix.replace((*base, "Type"), "A")
    value = {"DNSName": target, "HostedZoneId": {"Fn::GetAtt": [domain, "RegionalHostedZoneId"]},
             "EvaluateTargetHealth": evaluate}
    (fix.replace if "AliasTarget" in record.props else fix.add)((*base, "AliasTarget"), value)

