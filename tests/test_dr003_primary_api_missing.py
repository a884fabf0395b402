"""DR003 primary-api-missing: DR gating, both triggers, generated API, DR002 cooperation."""

from __future__ import annotations

import copy
import json

import jsonpatch
import pytest
from rule_harness import findings

from autofix.apply import fix_loop
from autofix.document import TemplateDocument
from autofix.pipeline import process_text
from autofix.registry import rules_for
from autofix.rules.dr.dr003_primary_api_missing import PrimaryApiMissing
from autofix.settings import Settings
from autofix.template import Template

RULE = PrimaryApiMissing()
DR = Settings(dr="true")
PLACEHOLDER = {"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"}


def hc(domain=PLACEHOLDER, **extra) -> dict:
    return {"Type": "AWS::Route53::HealthCheck", **extra, "Properties": {"HealthCheckConfig": {
        "Type": "HTTPS", "FullyQualifiedDomainName": domain, "ResourcePath": "/health"}}}


def failover(check="PrimaryHealthCheck") -> dict:
    return {"Type": "AWS::Route53::RecordSet", "Properties": {
        "HostedZoneName": "corp-payments.net.", "Name": "api.corp-payments.net", "Type": "CNAME", "TTL": "60",
        "SetIdentifier": "primary", "Failover": "PRIMARY", "HealthCheckId": {"Ref": check},
        "ResourceRecords": ["primary.corp-payments.net"]}}


def check(data: dict, settings: Settings = DR) -> list:
    return findings(RULE, data, settings)


def added(finding) -> dict:
    return {op["path"]: op["value"] for op in finding.fix.operations}


def aurora(**extra) -> dict:
    return {"Type": "AWS::RDS::DBCluster", **extra, "Properties": {"Engine": "aurora-postgresql",
                                                                    "DBClusterIdentifier": "orders"}}


def detail(finding) -> str:
    return finding.detail


def test_not_a_dr_template() -> None:
    data = {"Resources": {"PrimaryHealthCheck": hc()}}
    assert check(data, Settings()) == []
    data["Resources"]["Record"] = failover()
    assert len(check(data, Settings())) == 1


def test_a_check_with_nothing_to_probe_is_based_on_an_alarm_of_the_primarys_writer() -> None:
    data = {"Resources": {"PrimaryHealthCheck": hc(), "Database": aurora()}}
    (finding,) = check(data)
    assert finding.pointer == "/Resources/PrimaryHealthCheck/Properties/HealthCheckConfig/FullyQualifiedDomainName"
    assert finding.fix.applicability.value == "unsafe" and len(finding.message) <= 160
    after = jsonpatch.apply_patch(data, list(finding.fix.operations))
    config = after["Resources"]["PrimaryHealthCheck"]["Properties"]["HealthCheckConfig"]
    # Route 53 counts missing alarm data as unhealthy: in a regional outage the metrics stop
    assert config == {"Type": "CLOUDWATCH_METRIC", "InsufficientDataHealthStatus": "Unhealthy",
                      "AlarmIdentifier": {"Name": {"Ref": "PrimaryHealthCheckWriterAlarm"},
                                          "Region": {"Ref": "AWS::Region"}}}
    alarm = after["Resources"]["PrimaryHealthCheckWriterAlarm"]["Properties"]
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["Statistic"] in ("Average", "Minimum", "Maximum", "Sum", "SampleCount")  # no extended statistic
    assert "ExtendedStatistic" not in alarm
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/RDS", "CPUUtilization")
    assert alarm["Dimensions"] == [{"Name": "DBClusterIdentifier", "Value": {"Ref": "Database"}},
                                   {"Name": "Role", "Value": "WRITER"}]
    assert "stub API" in detail(finding) and "InsufficientDataHealthStatus Unhealthy" in detail(finding)
    assert check(after) == []  # a metric check probes no domain


def test_without_a_real_signal_there_is_no_fix() -> None:
    (finding,) = check({"Parameters": {"EnvironmentSuffix": {"Type": "String"}},
                        "Resources": {"PrimaryHealthCheck": hc()}})
    assert finding.fix is None
    assert "no real signal" in detail(finding) and "guards nothing" in detail(finding)


def test_the_alarm_takes_the_checks_condition_and_the_writer_must_be_on_its_side() -> None:
    data = {"Resources": {"Check": hc(Condition="IsPrimary"), "Database": aurora(Condition="IsPrimary"),
                          "SecondaryDatabase": aurora(Condition="IsSecondary")}}
    (finding,) = check(data)
    alarm = added(finding)["/Resources/CheckWriterAlarm"]
    assert alarm["Condition"] == "IsPrimary"
    assert alarm["Properties"]["Dimensions"][0]["Value"] == {"Ref": "Database"}
    data["Resources"]["Other"] = aurora()  # two writers the check could watch: none is chosen
    data["Resources"]["Other"]["Condition"] = "IsPrimary"
    (finding,) = check(data)
    assert finding.fix is None


@pytest.mark.parametrize("entry", [
    {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer"},
    {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "internal"}},
    {"Type": "AWS::CloudFront::Distribution"},
    {"Type": "AWS::Lambda::Url"},
    {"Type": "AWS::Serverless::Function", "Properties": {"Events": {"Get": {"Type": "HttpApi"}}}},
    {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET"}},
    {"Type": "AWS::EC2::EIP"},
    {"Type": "AWS::EC2::EIP", "Properties": {"InstanceId": "i-0123"}},
])
def test_any_entry_point_suppresses(entry) -> None:
    assert check({"Resources": {"Check": hc(), "Entry": entry}}) == []


@pytest.mark.parametrize("domain", [
    {"Ref": "PrimaryAlbDns"},  # split stack: wired by the caller
    {"Fn::Sub": "${AWS::Region}.${Domain}"},  # placeholder only through a parameter default
    "status.payments-corp.io",
    {"Fn::ImportValue": "alb-dns"},
])
def test_external_or_parameter_domains_are_not_reported(domain) -> None:
    data = {"Parameters": {"PrimaryAlbDns": {"Type": "String"}, "Domain": {"Type": "String", "Default": "example.com"}},
            "Resources": {"Check": hc(domain)}}
    assert check(data) == []


def test_secondary_side_check_alone_is_not_reported() -> None:
    assert check({"Resources": {"SecondaryHealthCheck": hc()}}) == []


def test_a_secondary_api_without_a_primary_one_gets_no_stub() -> None:
    data = {"Resources": {
        "PrimaryKMSKey": {"Type": "AWS::KMS::Key"},
        "SecondaryTransactionApi": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": {"Fn::Sub": "Secondary-Transaction-API-${EnvironmentSuffix}"}, "ProtocolType": "HTTP"}}}}
    (finding,) = check(data)
    assert finding.pointer == "/Resources/SecondaryTransactionApi" and finding.fix is None
    assert "the primary API is the application itself" in detail(finding)


def test_a_secondary_api_and_a_placeholder_check_get_the_writers_alarm() -> None:
    data = {"Resources": {"SecondaryApi": {"Type": "AWS::ApiGatewayV2::Api", "Condition": "IsSecondary"},
                          "PrimaryHealthCheck": hc(), "Database": aurora()}}
    (finding,) = check(data)
    assert finding.pointer == "/Resources/SecondaryApi"
    assert "/Resources/PrimaryHealthCheckWriterAlarm" in added(finding)


def test_secondary_api_in_a_secondary_only_stack_is_not_reported() -> None:
    data = {"Resources": {"SecondaryApi": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}}}}
    assert check(data) == []


def test_messy_shapes_do_not_crash() -> None:
    data = {"Resources": {"A": None, "B": {"Type": "AWS::ApiGatewayV2::Api", "Condition": {"Fn::If": []}},
                          "SecondaryApi": {"Type": "AWS::ApiGatewayV2::Api", "Condition": ["x"]},
                          "Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": None}}},
            "Conditions": []}
    assert check(data) == []


SEED = {
    "Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev"},
                   "SecondaryRegion": {"Type": "String", "Default": "us-west-2"}},
    "Resources": {"PrimaryHealthCheck": hc(), "Database": aurora()},
}


def test_dr002_has_nothing_left_to_aim_once_the_check_watches_the_writer() -> None:
    text = json.dumps(SEED, indent=2)
    result = process_text(text, "t.json", Settings(select=("DR002", "DR003"), unsafe_fixes=True), fix=True)
    assert not result.errors
    assert [a["rule"] for a in result.applied] == ["DR003"] and result.findings == []


def test_safe_fixes_only_leave_the_check_reported() -> None:
    result = process_text(json.dumps(SEED), "t.json", Settings(select=("DR002", "DR003")), fix=True)
    assert not result.changed
    assert sorted(f.rule_id for f in result.findings) == ["DR002", "DR003"]
    assert next(f for f in result.findings if f.rule_id == "DR002").fix is None


def test_result_does_not_depend_on_rule_order() -> None:
    settings = Settings(select=("DR002", "DR003"), unsafe_fixes=True)
    rules = rules_for(settings)
    outputs = set()
    for ordered in (rules, tuple(reversed(rules))):
        doc = TemplateDocument.from_text(json.dumps(copy.deepcopy(SEED), indent=2), "t.json")
        outcome = fix_loop(doc, ordered, settings)
        assert outcome.converged
        outputs.add(outcome.document.dumps())
    assert len(outputs) == 1


# -- a check that guards a record


def test_a_check_guarding_a_placeholder_record_gets_no_fix() -> None:
    record = failover()
    record["Properties"]["ResourceRecords"] = ["placeholder.corp-payments.net"]
    (finding,) = check({"Resources": {"PrimaryHealthCheck": hc(), "Record": record, "Database": aurora()}})
    assert finding.fix is None and "guards record Record" in detail(finding)


def test_a_check_guarding_a_real_record_may_watch_the_writer() -> None:
    (finding,) = check({"Resources": {"PrimaryHealthCheck": hc(), "Record": failover(), "Database": aurora()}})
    assert finding.fix is not None


# -- the post-mortem's own shape: private failover records, NAT gateways with Elastic IPs, no API


def private_shape() -> dict:
    return {
        "Parameters": {"SecondaryRegion": {"Type": "String", "Default": "us-west-2"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "NatEip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
            "Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {
                "AllocationId": {"Fn::GetAtt": ["NatEip", "AllocationId"]}, "SubnetId": "subnet-1"}},
            "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {
                "Name": "payments.internal-corp.net", "VPCs": [{"VPCId": {"Ref": "Vpc"}, "VPCRegion": "us-east-1"}]}},
            "PrimaryHealthCheck": hc(),
            "PrimaryRecord": {"Type": "AWS::Route53::RecordSet", "Properties": {
                "HostedZoneId": {"Ref": "Zone"}, "Name": "db.payments.internal-corp.net", "Type": "A",
                "TTL": "60", "SetIdentifier": "primary", "Failover": "PRIMARY",
                "HealthCheckId": {"Fn::GetAtt": ["PrimaryHealthCheck", "HealthCheckId"]},
                "ResourceRecords": ["10.0.1.100"]}},
            "SecondaryRecord": {"Type": "AWS::Route53::RecordSet", "Properties": {
                "HostedZoneId": {"Ref": "Zone"}, "Name": "db.payments.internal-corp.net", "Type": "A",
                "TTL": "60", "SetIdentifier": "secondary", "Failover": "SECONDARY",
                "ResourceRecords": ["10.1.1.100"]}},
        },
    }


def test_nat_gateway_eip_is_not_an_entry_point() -> None:
    from autofix.rules.dr._endpoints import entry_points

    assert entry_points(Template(private_shape())) == []


def test_private_failover_records_get_an_alarm_check_when_the_writer_is_there() -> None:
    data = private_shape()
    (finding,) = check(data, Settings())
    assert finding.fix is None and "no real signal" in detail(finding)
    data["Resources"]["Database"] = aurora()
    (finding,) = check(data, Settings())
    # Route 53 health checkers cannot reach private addresses: a CloudWatch alarm is how such a record is guarded
    assert finding.fix is not None and "CLOUDWATCH_METRIC" in finding.fix.description
