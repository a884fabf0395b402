"""DR003 primary-api-missing: a DR template whose health checks have no primary entry point to probe."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.nodes import extend_pointer
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr._endpoints import (
    API_TYPES,
    CDN_TYPES,
    LB_TYPES,
    OTHER_ENTRY_TYPES,
    HealthCheck,
    apis,
    condition_of,
    condition_role,
    entry_points,
    health_checks,
    name_role,
    primary_condition,
    role,
)
from autofix.rules.dr._records import guarded_records, serves
from autofix.rules.dr._report import finding
from autofix.settings import Settings
from autofix.template import Template

PATCHES = "DR003-primary-api-missing"


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
    In a multi-region DR template (see `autofix.rules.dr._intent`), finds:

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
    stacks); neither is reported.

    ## Why is this bad?
    The health check has nothing real to probe, so Route53 sees the primary as unhealthy from
    the start (or the check guards nothing), or the primary side has no API at all while the
    secondary side has one: the failover design cannot work.

    ## Example
    ```yaml
    PrimaryHealthCheck:
      Type: AWS::Route53::HealthCheck
      Properties:
        HealthCheckConfig:
          Type: HTTPS
          FullyQualifiedDomainName: !Sub '${AWS::Region}.elb.amazonaws.com'   # nothing to probe
    OrdersCluster:
      Type: AWS::RDS::DBCluster
      Properties:
        Engine: aurora-postgresql
    ```

    Use instead: base the check on an alarm of a real signal of the primary, its Aurora writer:
    ```yaml
    PrimaryHealthCheck:
      Type: AWS::Route53::HealthCheck
      Properties:
        HealthCheckConfig:
          Type: CLOUDWATCH_METRIC
          AlarmIdentifier: {Name: !Ref PrimaryHealthCheckWriterAlarm, Region: !Ref AWS::Region}
          InsufficientDataHealthStatus: Unhealthy
    PrimaryHealthCheckWriterAlarm:
      Type: AWS::CloudWatch::Alarm
      Properties:
        Namespace: AWS/RDS
        MetricName: CPUUtilization
        Dimensions:
          - {Name: DBClusterIdentifier, Value: !Ref OrdersCluster}
          - {Name: Role, Value: WRITER}
        Statistic: SampleCount          # a standard statistic: Route 53 rejects extended ones (p99)
        Period: 60
        EvaluationPeriods: 3
        Threshold: 1
        ComparisonOperator: LessThanThreshold
        TreatMissingData: breaching     # in a regional outage the metrics stop
    ```

    ## Fix safety
    Unsafe: it replaces how the primary's health is judged, and adds an alarm.  A stub API that
    answers `200` whatever the application's state would give the check something to probe and
    guard nothing, so the fix never adds one.  It bases the check on a CloudWatch alarm of a real
    signal the template has: the writer of the primary side's one Aurora cluster keeps reporting
    its metrics (`SampleCount` of `CPUUtilization` for `Role: WRITER`, fewer than one a minute for
    three minutes is an alarm).  In a regional outage the metrics stop: the alarm treats missing
    data as breaching, and the check (`Type: CLOUDWATCH_METRIC`) counts insufficient data as
    unhealthy (`InsufficientDataHealthStatus: Unhealthy`), so Route 53 fails over instead of keeping
    a green check.  Route 53 accepts alarms on standard-resolution metrics with a standard
    statistic (Average, Minimum, Maximum, Sum, SampleCount), not an extended one such as p99.  The
    alarm takes the check's condition; the check's `Inverted` setting is kept, its probe settings go,
    and the new `Type` makes CloudFormation replace the check (records that guard with it follow its
    new id).  This suits records of a private hosted zone too, which Route 53's checkers cannot reach.

    No fix when the template has no such signal (no Aurora cluster on the check's side, or more than
    one), when the check guards a record that answers with a placeholder (a green check would keep
    Route 53 answering with a dead address: give the record the primary's real entry point), or for
    a secondary API without a primary one and without a placeholder check (the primary API is the
    application itself).  The finding says why, and what a check on a real signal needs.

    ## References
    - [Route 53 health checks based on CloudWatch alarms (AlarmIdentifier: standard statistics only)](https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html)
    - [HealthCheckConfig InsufficientDataHealthStatus](https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html)
    - [Configure custom health checks for DNS failover for an API Gateway API](https://docs.aws.amazon.com/apigateway/latest/developerguide/dns-failover.html)
    - [Configuring how CloudWatch alarms treat missing data](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data)
    - [Creating CloudWatch alarms to monitor Aurora (WRITER and READER role metrics)](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/creating_alarms.html)
    - [Configuring failover in a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-private-hosted-zones.html)
    """

    id = "DR003"
    name = "primary-api-missing"
    summary = "DR template has a health check or secondary API but no primary entry point to probe"
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
            for check in checks:
                yield self._metric_finding(
                    ctx, check, f"health check {check.logical_id} probes {check.placeholder.shown}, and this DR "
                                f"template has no entry point it could probe",
                    "Route 53 sees the primary as unhealthy from the start (or the check guards nothing), so the "
                    "failover design cannot work.")
            return
        if any(role(ctx, e) != "secondary" for e in entries):
            return
        secondary = [a for a in apis(ctx) if role(ctx, a) == "secondary"]
        if not secondary or not (checks or _has_primary_side(ctx)):
            return
        source = secondary[0]
        message = f"secondary API {source} has no primary counterpart in this DR template"
        why = ("The primary side has no API at all while the secondary side has one: there is nothing to fail over "
               "from.")
        if not checks:
            yield finding(self, ctx.pointer("Resources", source), message,
                          f"{why} No automatic fix: the primary API is the application itself; add it to the primary "
                          f"side (or deploy this template, which creates the API, in the primary region too).",
                          resource=source)
            return
        for check in checks:
            yield self._metric_finding(ctx, check, message, why, pointer=ctx.pointer("Resources", source),
                                       resource=source)

    def _metric_finding(self, ctx: RuleContext, check: HealthCheck, message: str, why: str,
                        pointer: str | None = None, resource: str | None = None) -> Finding:
        """The check based on an alarm of the primary's writer, or why there is none."""
        pointer = pointer or extend_pointer(check.pointer, "FullyQualifiedDomainName")
        resource = resource or check.logical_id
        stub = ("A stub API that answers 200 whatever the application's state would only turn the check green: it "
                "guards nothing.")
        blocked = self._blocked(ctx, check)
        if blocked:
            return finding(self, pointer, message, f"{why} {stub} No automatic fix: {blocked}.", resource=resource)
        writer = _writer(ctx, check)
        if writer is None:
            return finding(self, pointer, message,
                           f"{why} {stub} No automatic fix: the template has no real signal of the primary to base "
                           f"the check on (an Aurora writer of the check's side); aim the check at the application's "
                           f"own endpoint, or base it on a CloudWatch alarm of a metric the application publishes "
                           f"(Type CLOUDWATCH_METRIC, InsufficientDataHealthStatus Unhealthy, TreatMissingData "
                           f"breaching).", resource=resource)
        alarm_id = ctx.unique_id(f"{check.logical_id}WriterAlarm")
        fix = self.fixer(ctx)
        alarm = fragment(PATCHES, "writer_alarm", Cluster=writer, Check=check.logical_id)
        condition = condition_of(ctx, check.logical_id)
        if condition:
            alarm = {"Type": alarm["Type"], "Condition": condition, "Properties": alarm["Properties"]}
        fix.add(("Resources", alarm_id), alarm)
        config = fragment(PATCHES, "metric_check", Alarm=alarm_id)
        if check.config.get("Inverted") is not None:
            config["Inverted"] = check.config["Inverted"]
        fix.replace(check.pointer, config)
        detail = (f"{why} {stub} The fix bases {check.logical_id} on CloudWatch alarm {alarm_id}, which watches that "
                  f"the writer of Aurora cluster {writer} keeps reporting its metrics (SampleCount of CPUUtilization "
                  f"for Role WRITER, a standard statistic, as Route 53 requires), with TreatMissingData breaching and "
                  f"InsufficientDataHealthStatus Unhealthy: in a regional outage the metrics stop, and the check "
                  f"turns unhealthy instead of staying green. The check's Type changes to CLOUDWATCH_METRIC, so "
                  f"CloudFormation replaces it.")
        return finding(self, pointer, message, detail, resource=resource, fix=fix.build(
            f"Base {check.logical_id} on CloudWatch alarm {alarm_id} of {writer}'s writer (CLOUDWATCH_METRIC)",
            Applicability.UNSAFE))

    @staticmethod
    def _blocked(template: Template, check: HealthCheck) -> str | None:
        """Why no check can guard the records ``check`` guards: they answer with a placeholder, so a green check
        would keep Route 53 answering with a dead address."""
        for record in guarded_records(template, check.logical_id):
            served = serves(template, record)
            if served.kind == "placeholder":
                return (f"{check.logical_id} guards record {record.label}, which answers with the placeholder "
                        f"{served.shown}: give the record the primary's real entry point first")
        return None


def _writer(template: Template, check: HealthCheck) -> str | None:
    """The one Aurora cluster of the check's side (no condition or the check's own) whose writer's health the check
    can watch."""
    condition = condition_of(template, check.logical_id)
    found = [cluster for cluster, resource in template.resources_of("AWS::RDS::DBCluster")
             if str(template.properties(cluster).get("Engine", "")).lower().startswith("aurora")
             and resource.get("Condition") in (None, condition) and role(template, cluster) != "secondary"]
    return found[0] if len(found) == 1 else None
