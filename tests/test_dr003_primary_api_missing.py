"""DR003 primary-api-missing: DR gating, both triggers, generated API, DR002 cooperation."""

from __future__ import annotations

import copy
import json

import jsonpatch
import pytest
from rule_harness import findings

from autofix.apply import fix_loop
from autofix.document import TemplateDocument
from autofix.pipeline import process_text, rules_for
from autofix.rules.dr.dr003_primary_api_missing import PrimaryApiMissing, swap_side
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


def test_not_a_dr_template() -> None:
    data = {"Resources": {"PrimaryHealthCheck": hc()}}
    assert check(data, Settings()) == []
    data["Resources"]["Record"] = failover()
    assert len(check(data, Settings())) == 1


def test_placeholder_check_without_endpoint_adds_http_api() -> None:
    data = {"Parameters": {"EnvironmentSuffix": {"Type": "String"}},
            "Resources": {"PrimaryHealthCheck": hc()}}
    (finding,) = check(data)
    assert finding.pointer == "/Resources/PrimaryHealthCheck/Properties/HealthCheckConfig/FullyQualifiedDomainName"
    assert finding.fix.applicability.value == "unsafe"
    res = added(finding)
    assert list(res) == [f"/Resources/PrimaryApi{s}" for s in (
        "", "Stage", "HealthFunctionRole", "HealthFunction", "HealthIntegration", "HealthRoute", "HealthPermission")]
    api = res["/Resources/PrimaryApi"]["Properties"]
    assert api["ProtocolType"] == "HTTP"
    assert api["Name"] == {"Fn::Sub": "primary-api-${EnvironmentSuffix}"}
    stage = res["/Resources/PrimaryApiStage"]["Properties"]
    assert stage == {"ApiId": {"Ref": "PrimaryApi"}, "StageName": "$default", "AutoDeploy": True}
    fn = res["/Resources/PrimaryApiHealthFunction"]["Properties"]
    assert fn["Runtime"] == "python3.12" and fn["Handler"] == "index.handler"
    assert fn["Role"] == {"Fn::GetAtt": ["PrimaryApiHealthFunctionRole", "Arn"]}
    assert "statusCode\": 200" in fn["Code"]["ZipFile"]
    role = res["/Resources/PrimaryApiHealthFunctionRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}]
    integration = res["/Resources/PrimaryApiHealthIntegration"]["Properties"]
    assert (integration["IntegrationType"], integration["PayloadFormatVersion"]) == ("AWS_PROXY", "2.0")
    route = res["/Resources/PrimaryApiHealthRoute"]["Properties"]
    assert route["RouteKey"] == "GET /health"
    assert route["Target"] == {"Fn::Sub": "integrations/${PrimaryApiHealthIntegration}"}
    permission = res["/Resources/PrimaryApiHealthPermission"]["Properties"]
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["SourceArn"] == {"Fn::Sub": (
        "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${PrimaryApi}/*/GET/health")}
    # the fix stops the rule
    assert check(jsonpatch.apply_patch(data, list(finding.fix.operations))) == []


def test_name_without_suffix_parameter_uses_stack_name_and_ids_do_not_collide() -> None:
    data = {"Parameters": {"PrimaryApi": {"Type": "String"}},
            "Resources": {"Check": hc(), "PrimaryApi2Stage": {"Type": "AWS::SNS::Topic"}}}
    (finding,) = check(data)
    res = added(finding)
    assert "/Resources/PrimaryApi2" in res and "/Resources/PrimaryApi2Stage2" in res
    assert res["/Resources/PrimaryApi2"]["Properties"]["Name"] == {"Fn::Sub": "${AWS::StackName}-primary-api-2"}


def test_health_check_condition_is_copied() -> None:
    data = {"Resources": {"Check": hc(Condition="CreateRoute53Resources")}}
    (finding,) = check(data)
    assert all(v["Condition"] == "CreateRoute53Resources" for v in added(finding).values())
    assert list(added(finding)["/Resources/PrimaryApi"])[:2] == ["Type", "Condition"]


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


def test_secondary_api_without_primary_swaps_names() -> None:
    data = {"Resources": {
        "PrimaryKMSKey": {"Type": "AWS::KMS::Key"},
        "SecondaryTransactionApi": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": {"Fn::Sub": "Secondary-Transaction-API-${EnvironmentSuffix}"}, "ProtocolType": "HTTP"}}}}
    (finding,) = check(data)
    assert finding.pointer == "/Resources/SecondaryTransactionApi"
    res = added(finding)
    api = res["/Resources/PrimaryTransactionApi"]
    assert api["Properties"]["Name"] == {"Fn::Sub": "Primary-Transaction-API-${EnvironmentSuffix}"}
    assert "Condition" not in api


def test_secondary_api_in_a_secondary_only_stack_is_not_reported() -> None:
    data = {"Resources": {"SecondaryApi": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}}}}
    assert check(data) == []


def test_secondary_condition_gets_new_primary_condition() -> None:
    data = {"Conditions": {"IsSecondary": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-west-2"]}},
            "Resources": {"OrdersApi": {"Type": "AWS::ApiGateway::RestApi", "Condition": "IsSecondary"},
                          "PrimaryHealthCheck": hc("api.example.com")}}
    (finding,) = check(data)
    res = added(finding)
    assert res["/Conditions/IsPrimaryRegion"] == {"Fn::Not": [{"Condition": "IsSecondary"}]}
    assert res["/Resources/PrimaryOrdersApi"]["Condition"] == "IsPrimaryRegion"
    fixed = jsonpatch.apply_patch(data, list(finding.fix.operations))
    assert check(fixed) == []


def test_existing_primary_condition_is_reused() -> None:
    data = {"Conditions": {"IsPrimary": {"Fn::Equals": ["a", "a"]}, "IsDR": {"Fn::Not": [{"Condition": "IsPrimary"}]}},
            "Resources": {"DRApi": {"Type": "AWS::Serverless::HttpApi", "Condition": "IsDR"}}}
    (finding,) = check(data)
    res = added(finding)
    assert "/Resources/PrimaryApi" in res and res["/Resources/PrimaryApi"]["Condition"] == "IsPrimary"
    assert not any(p.startswith("/Conditions") for p in res)


def test_no_conditions_section_is_created() -> None:
    data = {"Resources": {"StandbyApi": {"Type": "AWS::ApiGatewayV2::Api", "Condition": "IsStandby"},
                          "PrimaryHealthCheck": hc()}}
    (finding,) = check(data)
    ops = finding.fix.operations
    assert ops[0] == {"op": "add", "path": "/Conditions",
                      "value": {"IsPrimaryRegion": {"Fn::Not": [{"Condition": "IsStandby"}]}}}


@pytest.mark.parametrize(("text", "expected"), [
    ("secondary-api", "primary-api"), ("SecondaryApi", "PrimaryApi"), ("dr-orders-${Env}", "primary-orders-${Env}"),
    ("DR_API", "PRIMARY_API"), ("address-api", "address-api"), ("standby", "primary"),
    ("SecondaryDrApi", "PrimaryDrApi"), ("Standbyish", "Standbyish"),
])
def test_swap_side(text, expected) -> None:
    assert swap_side(text) == expected


def test_messy_shapes_do_not_crash() -> None:
    data = {"Resources": {"A": None, "B": {"Type": "AWS::ApiGatewayV2::Api", "Condition": {"Fn::If": []}},
                          "SecondaryApi": {"Type": "AWS::ApiGatewayV2::Api", "Condition": ["x"]},
                          "Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": None}}},
            "Conditions": []}
    assert check(data) == []


SEED = {
    "Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev"},
                   "SecondaryRegion": {"Type": "String", "Default": "us-west-2"}},
    "Resources": {
        "SecondaryTransactionApi": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": {"Fn::Sub": "secondary-transaction-api-${EnvironmentSuffix}"}, "ProtocolType": "HTTP"}},
        "PrimaryHealthCheck": hc(),
    },
}


def test_dr002_aims_the_check_at_the_new_api_in_the_next_round() -> None:
    text = json.dumps(SEED, indent=2)
    result = process_text(text, "t.json", Settings(select=("DR002", "DR003"), unsafe_fixes=True), fix=True)
    assert not result.errors
    assert [a["rule"] for a in result.applied] == ["DR003", "DR002"]
    fixed = json.loads(result.fixed)
    config = fixed["Resources"]["PrimaryHealthCheck"]["Properties"]["HealthCheckConfig"]
    assert config["FullyQualifiedDomainName"] == {
        "Fn::Sub": "${PrimaryTransactionApi}.execute-api.${AWS::Region}.amazonaws.com"}
    assert (config["Type"], config["Port"], config["ResourcePath"], config["EnableSNI"]) == ("HTTPS", 443, "/health",
                                                                                           True)


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


# -- a check that guards a record: an added API must not turn it healthy in front of that record


def test_check_guarding_a_record_is_reported_without_an_api() -> None:
    data = {"Resources": {"PrimaryHealthCheck": hc(), "Record": failover()}}
    (finding,) = check(data)
    assert finding.fix is None
    assert "guards record Record" in finding.message and "custom domain" in finding.message


def test_secondary_api_with_a_guarded_record_is_reported_without_a_fix() -> None:
    data = copy.deepcopy(SEED)
    data["Resources"]["PrimaryRecord"] = failover()
    (finding,) = check(data)
    assert finding.fix is None and "secondary API SecondaryTransactionApi" in finding.message


def test_the_loop_never_leaves_a_healthy_check_before_a_record_that_serves_something_else() -> None:
    from autofix.rules.dr._records import healthy_before_other

    data = copy.deepcopy(SEED)
    data["Resources"]["PrimaryRecord"] = failover()
    result = process_text(json.dumps(data, indent=2), "t.json",
                          Settings(select=("DR002", "DR003"), unsafe_fixes=True), fix=True)
    assert not result.errors and not result.changed
    assert sorted(f.rule_id for f in result.findings) == ["DR002", "DR003"]
    assert healthy_before_other(Template(data)) == []


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


def test_private_failover_records_are_reported_without_a_fix() -> None:
    (finding,) = check(private_shape(), Settings())
    assert finding.fix is None
    assert "private address(es) 10.0.1.100 in private hosted zone Zone" in finding.message
    assert "CLOUDWATCH_METRIC" in finding.message
