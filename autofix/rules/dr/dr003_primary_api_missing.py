"""DR003 primary-api-missing: a DR template whose health checks have no primary entry point to probe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.nodes import extend_pointer
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr._endpoints import (
    API_TYPES,
    CDN_TYPES,
    LB_TYPES,
    OTHER_ENTRY_TYPES,
    SECONDARY_WORDS,
    apis,
    condition_of,
    condition_role,
    entry_points,
    health_checks,
    name_role,
    primary_condition,
    role,
    words,
)
from autofix.rules.dr._records import guarded_records, serves
from autofix.rules.dr.dr002_health_check_placeholder_endpoint import private_reason
from autofix.settings import Settings
from autofix.template import Template

PATCHES = "DR003-primary-api-missing"
_SECONDARY_WORD = lazy_pattern(rf"(?<![A-Za-z])((?i:{'|'.join(sorted(SECONDARY_WORDS))}))(?![a-z])")
_SUFFIX_PARAM = lazy_pattern(r"^(environment_?suffix|env_?suffix|suffix)$", re.IGNORECASE)
_ENV_PARAM = lazy_pattern(r"^(environment|env|stage)(_?name)?$", re.IGNORECASE)
#: (fragment, logical id suffix) of the resources added, in the order they are written.
PARTS = (("api", ""), ("stage", "Stage"), ("role", "HealthFunctionRole"), ("function", "HealthFunction"),
         ("integration", "HealthIntegration"), ("route", "HealthRoute"), ("permission", "HealthPermission"))


def _primary_word(found: str) -> str:
    if found.isupper() and len(found) > 1:
        return "PRIMARY"
    return "Primary" if found[0].isupper() else "primary"


def swap_side(text: str) -> str:
    """``secondary-api-${Env}`` -> ``primary-api-${Env}`` (first secondary word, case kept)."""
    return _SECONDARY_WORD.sub(lambda m: _primary_word(m.group(1)), text, count=1)


def _swapped_name(value: Any) -> Any:
    """The secondary API's ``Name`` with its side swapped, or None when it does not name a side."""
    if isinstance(value, str):
        new = swap_side(value)
        return new if new != value else None
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        arg = value["Fn::Sub"]
        if isinstance(arg, str):
            new = swap_side(arg)
            return {"Fn::Sub": new} if new != arg else None
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            new = swap_side(arg[0])
            return {"Fn::Sub": [new, arg[1]]} if new != arg[0] else None
    return None


def _kebab(logical_id: str) -> str:
    return "-".join(w.lower() for w in words(logical_id)) or "api"


def default_name(template: Template, api_id: str) -> Any:
    """``primary-api-${EnvironmentSuffix}``, or ``${AWS::StackName}-primary-api`` without such a parameter."""
    slug = _kebab(api_id)
    for pattern in (_SUFFIX_PARAM, _ENV_PARAM):
        for name in template.parameters:
            if pattern.match(name):
                return {"Fn::Sub": f"{slug}-${{{name}}}"}
    return {"Fn::Sub": f"${{AWS::StackName}}-{slug}"}


def _has_primary_side(template: Template) -> bool:
    if primary_condition(template):
        return True
    for logical_id, resource in template.resources.items():
        if name_role(logical_id) == "primary":
            return True
        if isinstance(resource, dict) and condition_role(resource.get("Condition")) == "primary":
            return True
    return False


class PrimaryApiMissing(Rule):
    """## What it does
    In a multi-region DR template (see `autofix.rules.dr.context`), finds:

    - a Route53 health check aimed at a placeholder domain (the domains DR002 reports, written
      in the template rather than taken from a parameter default) while the template defines
      no API Gateway API, load balancer, CloudFront distribution or other public entry point
      (Lambda function URL, Global Accelerator, instance, App Runner...) for it to probe;
    - a secondary-side API (by condition, e.g. `IsSecondary`, or by name, e.g.
      `SecondaryTransactionApi`) with no primary-side or neutral entry point, in a template that
      also holds the primary side (a placeholder health check, a `Primary*` resource or a
      primary condition).

    A NAT gateway's Elastic IP is an egress address, not an entry point: it does not count.

    A health check whose domain comes from a resource already has something to probe; one
    whose domain comes from a parameter without a default is wired from outside (split
    stacks, the entry point lives in another stack); neither is reported.  Failover records
    without a health check are left to the author: adding an API would not repair them.

    ## Why is this bad?
    The health check has nothing real to probe, so Route53 sees the primary as unhealthy from
    the start, or the primary side has no API at all while the secondary side has one: the
    failover design cannot work.

    ## Example
    ```yaml
    SecondaryTransactionApi:          # only the secondary side has an API
      Type: AWS::ApiGatewayV2::Api
      Properties:
        Name: secondary-transaction-api
        ProtocolType: HTTP
    ```

    Use instead: add the primary API (HTTP API, `$default` stage with `AutoDeploy`, a Lambda
    health handler with its execution role, an `AWS_PROXY` integration with payload format 2.0,
    a `GET /health` route and the invoke permission):
    ```yaml
    PrimaryTransactionApi:
      Type: AWS::ApiGatewayV2::Api
      Properties:
        Name: primary-transaction-api
        ProtocolType: HTTP
    PrimaryTransactionApiStage:
      Type: AWS::ApiGatewayV2::Stage
      Properties:
        ApiId: !Ref PrimaryTransactionApi
        StageName: $default
        AutoDeploy: true
    # ... PrimaryTransactionApiHealthFunction, -HealthFunctionRole, -HealthIntegration,
    #     -HealthRoute (GET /health), -HealthPermission
    ```

    ## Fix safety
    Unsafe: it adds billable architecture (an API, a Lambda function, an IAM role).  The new
    API only answers `GET /health` with `200 {"status": "healthy"}`: it gives the health check
    a real target, and the author still has to route the application behind it.  On the next
    round of the fix loop DR002 aims the placeholder health check at it.  A stub `/health`
    that checks nothing proves little: it reports that API Gateway and Lambda answer in the
    region, not that the application, its database or its dependencies work.  Replace the
    handler with one that checks what the service needs.

    No fix when a placeholder health check guards a Route53 record of this template (failover,
    latency...): the added API's `execute-api` hostname cannot be served under the record's name
    without an API Gateway custom domain name and certificate, so aiming the check at it would
    turn the check healthy while the record keeps answering with its dead address, and Route53
    would never fail over.  The finding names the record; when it answers with private
    addresses (a private hosted zone), it says that Route53 health checkers cannot reach them and
    that such records need a health check based on a CloudWatch alarm (`CLOUDWATCH_METRIC`).

    Names follow the template: the secondary API's logical id and `Name` with the side swapped
    (`SecondaryTransactionApi` -> `PrimaryTransactionApi`), or `PrimaryApi` with a
    `Name` built from an `EnvironmentSuffix`-like parameter when there is one, else from the
    stack name; logical ids never collide.  Conditions: the new resources take the health
    check's condition; for a secondary API conditioned on the secondary side they take the
    template's primary condition, or a new `IsPrimaryRegion: !Not [!Condition IsSecondary]`.
    A stack deploys in one region: the API is created wherever this stack is deployed, so deploy
    the stack in the primary region (and its counterpart in the secondary region).

    ## References
    - [Working with HTTP APIs: stages ($default, auto-deploy)](https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html)
    - [Lambda proxy integrations for HTTP APIs (payload format 2.0)](https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html)
    - [AWS::ApiGatewayV2::Route](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-route.html)
    - [Lambda runtimes](https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)
    - [Creating Route53 health checks](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating.html)
    - [Configuring failover in a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-private-hosted-zones.html)
    """

    id = "DR003"
    name = "primary-api-missing"
    summary = "DR template has a health check or secondary API but no primary API to probe"
    enabled_by_default = True  # a documented DR failure
    fix_applicability = Applicability.UNSAFE
    needs_precondition = True  # run only on DR templates (the family's precondition)
    # a placeholder health check, or an entry point (API, load balancer...) of the secondary side
    resource_types = frozenset({"AWS::Route53::HealthCheck", "AWS::Serverless::Function", *API_TYPES,
                                *LB_TYPES, *CDN_TYPES, *OTHER_ENTRY_TYPES})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        checks = [c for c in health_checks(ctx)
                  if c.placeholder and not c.placeholder.parameter and role(ctx, c.logical_id) != "secondary"]
        entries = entry_points(ctx)
        if not entries:
            if not checks:
                return
            check = checks[0]
            blocked = self._blocked(ctx, checks)
            if blocked:
                yield self.finding(
                    extend_pointer(check.pointer, "FullyQualifiedDomainName"),
                    f"health check {check.logical_id} probes {check.placeholder.shown} but this DR template has no "
                    f"API, load balancer or CloudFront distribution for it to probe; {blocked}",
                    resource=check.logical_id)
                return
            api_id = ctx.unique_id("PrimaryApi")
            fix = self.fixer(ctx)
            self._add_api(fix, ctx, api_id, default_name(ctx, api_id), condition_of(ctx, check.logical_id))
            yield self.finding(
                extend_pointer(check.pointer, "FullyQualifiedDomainName"),
                f"health check {check.logical_id} probes {check.placeholder.shown} but this DR template has no "
                f"API, load balancer or CloudFront distribution for it to probe; add HTTP API {api_id} with a "
                f"GET /health Lambda handler (created in the region this stack is deployed to)",
                fix=fix.build(f"Add HTTP API {api_id} with a $default stage, a GET /health route and its "
                              f"Lambda health handler", Applicability.UNSAFE),
                resource=check.logical_id)
            return
        if any(role(ctx, e) != "secondary" for e in entries):
            return
        secondary = [a for a in apis(ctx) if role(ctx, a) == "secondary"]
        if not secondary or not (checks or _has_primary_side(ctx)):
            return
        source = secondary[0]
        parts = words(source)
        for i, word in enumerate(parts):
            if word.lower() in SECONDARY_WORDS:
                parts[i] = "Primary"
                break
        else:
            parts.insert(0, "Primary")
        api_id = ctx.unique_id("".join(parts))
        name = _swapped_name(ctx.properties(source).get("Name")) or default_name(ctx, api_id)
        fix = self.fixer(ctx)
        condition = condition_of(ctx, source)
        if condition_role(condition) == "secondary":
            assert condition is not None
            primary = primary_condition(ctx)
            if primary is None:
                primary = ctx.unique_id("IsPrimaryRegion")
                value = fragment(PATCHES, "primary_condition", Secondary=condition)
                if "Conditions" in ctx.data and isinstance(ctx.data["Conditions"], dict):
                    fix.add(("Conditions", primary), value)
                else:
                    fix.add(("Conditions",), {primary: value})
            condition = primary
        where = f" (condition {condition})" if condition else ""
        blocked = self._blocked(ctx, checks)
        if blocked:
            yield self.finding(
                ctx.pointer("Resources", source),
                f"secondary API {source} has no primary counterpart in this DR template; {blocked}",
                resource=source)
            return
        self._add_api(fix, ctx, api_id, name, condition)
        yield self.finding(
            ctx.pointer("Resources", source),
            f"secondary API {source} has no primary counterpart in this DR template; add HTTP API {api_id}{where} "
            f"with a GET /health Lambda handler (created in the region this stack is deployed to)",
            fix=fix.build(f"Add primary HTTP API {api_id} with a $default stage, a GET /health route and its "
                          f"Lambda health handler", Applicability.UNSAFE),
            resource=source)

    @staticmethod
    def _blocked(template: Template, checks: list[Any]) -> str | None:
        """Why an added API must not be offered: a placeholder check guards records that could not serve it."""
        for check in checks:
            for record in guarded_records(template, check.logical_id):
                served = serves(template, record)
                if served.kind == "private":
                    return private_reason(template, record, served)
                return (f"health check {check.logical_id} guards record {record.label}, which answers with "
                        f"{served.shown}; an added API's execute-api hostname cannot be served under the "
                        f"record's name without an API Gateway custom domain name and certificate, so a check "
                        f"aimed at it would turn healthy while the record keeps answering with {served.shown}, "
                        f"and Route 53 would never fail over: give the primary an entry point the record "
                        f"serves (for example a load balancer the record aliases)")
        return None

    @staticmethod
    def _add_api(fix: FixBuilder, template: Template, api_id: str, name: Any, condition: str | None) -> None:
        """Add HTTP API ``api_id`` with its stage, health route, Lambda handler and their wiring."""
        ids = {"api": api_id}
        taken = {api_id}
        for part, suffix in PARTS[1:]:
            ids[part] = template.unique_id(api_id + suffix, taken)
            taken.add(ids[part])
        values = {"Api": ids["api"], "Stage": ids["stage"], "Role": ids["role"], "Function": ids["function"],
                  "Integration": ids["integration"], "Route": ids["route"], "Permission": ids["permission"],
                  "ApiName": name}
        for part, _ in PARTS:
            resource = fragment(PATCHES, part, **values)
            if condition:
                resource = {"Type": resource["Type"], "Condition": condition,
                            **{k: v for k, v in resource.items() if k != "Type"}}
            fix.add(("Resources", ids[part]), resource)
