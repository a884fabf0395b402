"""DR010 api-failover-record-without-custom-domain: the failover record on an API's raw execute-api host, and the
regional custom domain name that serves its name."""

from __future__ import annotations

from typing import Any

import pytest
from rule_harness import applied, findings

from autofix.rules.dr._deploy import simulate, simulate_update
from autofix.rules.dr.dr010_api_failover_record_without_custom_domain import ApiFailoverRecordWithoutCustomDomain

RULE = ApiFailoverRecordWithoutCustomDomain()
RAW = {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}


def record(side: str = "PRIMARY", value: Any = RAW, kind: str = "CNAME", **extra: Any) -> dict:
    props = {"HostedZoneName": "example.com.", "Name": "api.example.com.", "Type": kind, "SetIdentifier": side.lower(),
             "Failover": side, **extra}
    if kind == "CNAME":
        props.update(TTL="60", ResourceRecords=[value])
    else:
        props["AliasTarget"] = {"DNSName": value, "HostedZoneId": "Z2FDTNDATAQYW2"}
    return {"Type": "AWS::Route53::RecordSet", "Properties": props}


def http_api() -> dict:
    return {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "orders", "ProtocolType": "HTTP"}},
            "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
                "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}}}


def rest_api() -> dict:
    return {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "orders"}},
            "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {
                "RestApiId": {"Ref": "Api"}, "StageName": "live"}}}


def detail(finding) -> str:
    return finding.detail


def test_an_http_apis_record_gets_a_regional_custom_domain_and_keeps_its_cname_twin_in_step() -> None:
    data = {"Resources": {**http_api(), "Primary": record(),
                          "Secondary": record("SECONDARY", "abc123.execute-api.us-west-2.amazonaws.com")}}
    primary, secondary = findings(RULE, data)
    assert primary.fix.applicability.value == "unsafe" and len(primary.message) <= 160
    assert "TLS name mismatch or a 403" in detail(primary)
    assert secondary.fix is None and "not in this template" in detail(secondary)
    after = applied(data, [primary])
    parameter = after["Parameters"]["ApiCertificateArn"]
    assert parameter["Type"] == "String" and "Default" not in parameter  # each region's certificate, passed
    domain = after["Resources"]["ApiDomainName"]
    assert domain["Type"] == "AWS::ApiGatewayV2::DomainName"
    assert domain["Properties"] == {"DomainName": "api.example.com", "DomainNameConfigurations": [
        {"CertificateArn": {"Ref": "ApiCertificateArn"}, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}]}
    mapping = after["Resources"]["ApiApiMapping"]
    assert mapping["DependsOn"] == "Stage"
    assert mapping["Properties"] == {"ApiId": {"Ref": "Api"}, "DomainName": {"Ref": "ApiDomainName"},
                                     "Stage": "$default"}
    # its SECONDARY twin stays a CNAME, so the record stays a CNAME too: failover records of a name match in type
    props = after["Resources"]["Primary"]["Properties"]
    assert props["Type"] == "CNAME" and props["ResourceRecords"] == [{"Fn::GetAtt": ["ApiDomainName",
                                                                                   "RegionalDomainName"]}]
    assert findings(RULE, after)[0].resource == "Secondary"


def test_a_rest_apis_record_becomes_an_alias_of_the_custom_domain_when_every_twin_is_fixed() -> None:
    data = {"Resources": {**rest_api(), "Primary": record(), "Secondary": record("SECONDARY")}}
    first, _ = findings(RULE, data)
    after = applied(data, [first])
    domain = after["Resources"]["ApiDomainName"]
    assert domain["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert domain["Properties"]["RegionalCertificateArn"] == {"Ref": "ApiCertificateArn"}
    mapping = after["Resources"]["ApiApiMapping"]
    assert mapping["Type"] == "AWS::ApiGateway::BasePathMapping" and mapping["DependsOn"] == "Deployment"
    assert mapping["Properties"]["Stage"] == "live"
    props = after["Resources"]["Primary"]["Properties"]
    assert props["Type"] == "A" and "ResourceRecords" not in props and "TTL" not in props
    assert props["AliasTarget"] == {"DNSName": {"Fn::GetAtt": ["ApiDomainName", "RegionalDomainName"]},
                                    "HostedZoneId": {"Fn::GetAtt": ["ApiDomainName", "RegionalHostedZoneId"]},
                                    "EvaluateTargetHealth": False}
    # the twin reuses the custom domain name the first fix made
    (twin,) = findings(RULE, after)
    final = applied(after, [twin])
    assert final["Resources"]["Secondary"]["Properties"]["AliasTarget"] == props["AliasTarget"]
    assert sorted(r for r in final["Resources"] if "Domain" in r) == ["ApiDomainName"]
    assert findings(RULE, final) == []


def test_in_the_two_region_layout_each_stack_serves_the_name_with_its_own_custom_domain() -> None:
    data = {"Parameters": {"PrimaryRegion": {"Type": "String", "Default": "us-east-1"},
                           "SecondaryRegion": {"Type": "String", "Default": "us-west-2"}},
            "Conditions": {"IsPrimaryRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "PrimaryRegion"}]},
                           "IsSecondaryRegion": {"Fn::Equals": [{"Ref": "AWS::Region"},
                                                                {"Ref": "SecondaryRegion"}]}},
            "Resources": {**http_api(), "Primary": {**record(), "Condition": "IsPrimaryRegion"},
                          "Secondary": {**record("SECONDARY"), "Condition": "IsSecondaryRegion"}}}
    after = data
    for _ in range(2):
        after = applied(after, findings(RULE, after)[:1])
    assert findings(RULE, after) == []
    assert "Condition" not in after["Resources"]["ApiDomainName"]  # wherever the API is, in each region
    assert simulate(after) == [] and simulate(after, swap=True) == [] and simulate_update(data, after) == []


@pytest.mark.parametrize("resources, why", [
    ({"Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {}}, "Primary": record()}, "SAM API"),
    ({"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}}, "Primary": record()},
     "stage"),
    ({**http_api(), "Other": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}},
      "Primary": record(), "Secondary": record("SECONDARY", {"Fn::Sub": "${Other}.execute-api.${AWS::Region}.x"})},
     "once per region"),
])
def test_no_fix_rather_than_a_wrong_one(resources, why) -> None:
    found = findings(RULE, {"Resources": resources})
    assert found and found[0].fix is None and why in detail(found[0])


@pytest.mark.parametrize("resources", [
    {**http_api(), "Plain": {"Type": "AWS::Route53::RecordSet", "Properties": {
        "HostedZoneName": "example.com.", "Name": "raw.example.com", "Type": "CNAME", "TTL": "60",
        "ResourceRecords": [RAW]}}},
    {**http_api(), "Primary": record(value="app.example.net")},
    {**http_api(), "Primary": record(kind="A", value={"Fn::GetAtt": ["Domain", "RegionalDomainName"]})},
])
def test_leaves_other_records_alone(resources) -> None:
    assert findings(RULE, {"Resources": resources}) == []
