"""DR002 health-check-placeholder-endpoint: placeholder detection, endpoint choice, generated ops."""

from __future__ import annotations

import copy

import jsonpatch
import pytest
from rule_harness import findings

from autofix.rules.dr._endpoints import classify_domain
from autofix.rules.dr.dr002_health_check_placeholder_endpoint import HealthCheckPlaceholderEndpoint
from autofix.settings import Settings
from autofix.template import Template

RULE = HealthCheckPlaceholderEndpoint()
PARAMS = {"NoDefault": {"Type": "String"}, "Domain": {"Type": "String", "Default": "example.com"},
          "Env": {"Type": "String", "Default": "prod"}, "StageName": {"Type": "String", "Default": "v1"}}


def hc(domain, **config) -> dict:
    return {"Type": "AWS::Route53::HealthCheck",
            "Properties": {"HealthCheckConfig": {"Type": "HTTPS", "FullyQualifiedDomainName": domain, **config}}}


def http_api(name="Api", stage="$default", **extra) -> dict:
    return {name: {"Type": "AWS::ApiGatewayV2::Api", **extra, "Properties": {"ProtocolType": "HTTP"}},
            f"{name}Stage": {"Type": "AWS::ApiGatewayV2::Stage",
                             "Properties": {"ApiId": {"Ref": name}, "StageName": stage}}}


def alb(name="Alb", protocol="HTTP", port=80, lb_type=None, scheme=None) -> dict:
    props: dict = {"Subnets": ["subnet-1", "subnet-2"]}
    if lb_type:
        props["Type"] = lb_type
    if scheme:
        props["Scheme"] = scheme
    return {name: {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": props},
            f"{name}Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener",
                                "Properties": {"LoadBalancerArn": {"Ref": name}, "Protocol": protocol, "Port": port}}}


def doc(resources: dict, **sections) -> dict:
    return {"Parameters": PARAMS, **sections, "Resources": resources}


def check(data: dict) -> list:
    return findings(RULE, data, Settings())


def apply(data: dict, finding) -> dict:
    return jsonpatch.apply_patch(copy.deepcopy(data), list(finding.fix.operations))


@pytest.mark.parametrize("domain", [
    "elb.amazonaws.com",
    "us-east-1.elb.amazonaws.com",
    {"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"},
    {"Fn::Sub": "execute-api.${AWS::Region}.${AWS::URLSuffix}"},
    {"Fn::Join": [".", ["execute-api", {"Ref": "AWS::Region"}, "amazonaws.com"]]},
    {"Fn::Join": ["", [{"Ref": "AWS::Region"}, ".elb.amazonaws.com"]]},
    "dualstack.eu-west-1.elb.amazonaws.com",
    "example.com", "api.example.org", "www.example.net.", "health.test", "x.invalid", "localhost",
    "api.svc.local", {"Fn::Sub": "primary.app-${Env}.internal"},
    "your-domain.com", "api.yourdomain.com", "placeholder.acme.io", "changeme.acme.io", "TODO.acme.io",
    "<api-endpoint>", "xxx.execute-api.us-east-1.amazonaws.com", "",
    {"Fn::Sub": ["${Host}.example.com", {"Host": {"Ref": "NoDefault"}}]},
    {"Fn::Sub": "${NoDefault}.example.com"},
])
def test_hard_coded_placeholders(domain) -> None:
    found = classify_domain(domain, Template(doc({"Api": {"Type": "AWS::ApiGatewayV2::Api"}})))
    assert found is not None and found.parameter is None


@pytest.mark.parametrize("domain", [
    {"Fn::GetAtt": ["Alb", "DNSName"]},
    {"Fn::GetAtt": "Distribution.DomainName"},
    {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"},
    {"Fn::Join": ["", [{"Ref": "Api"}, ".execute-api.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]},
    {"Ref": "NoDefault"},
    {"Fn::Sub": "${NoDefault}.elb.amazonaws.com"},
    {"Fn::ImportValue": "shared-alb-dns"},
    {"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::GetAtt": ["Fn", "FunctionUrl"]}]}]},
    "abc123def4.execute-api.us-east-1.amazonaws.com",
    "my-alb-1234567890.us-east-1.elb.amazonaws.com",
    "d111111abcdef8.cloudfront.net",
    "todoapp.com", "status.payments-corp.io", "{{resolve:ssm:/app/health-domain}}",
    {"Fn::Sub": "${AWS::StackName}.acme.io"},
    None, 42, ["a"], {"Fn::If": ["C", {"Ref": "NoDefault"}, {"Fn::GetAtt": ["Alb", "DNSName"]}]},
])
def test_real_or_unknown_domains(domain) -> None:
    resources = {"Api": {"Type": "AWS::ApiGatewayV2::Api"},
                 "Alb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer"},
                 "Distribution": {"Type": "AWS::CloudFront::Distribution"}, "Fn": {"Type": "AWS::Lambda::Function"}}
    assert classify_domain(domain, Template(doc(resources))) is None


def test_placeholder_from_parameter_default_is_reported_without_fix() -> None:
    data = doc({**http_api(), "Check": hc({"Fn::Sub": "${AWS::Region}.${Domain}"})})
    (finding,) = check(data)
    assert finding.fix is None
    assert "Parameter Domain defaults to 'example.com'" in finding.detail
    assert finding.pointer == "/Resources/Check/Properties/HealthCheckConfig/FullyQualifiedDomainName"


def test_seed_shape_aimed_at_http_api() -> None:
    data = doc({**http_api("PrimaryApiGateway"),
                "Check": hc({"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"}, ResourcePath="/health")})
    (finding,) = check(data)
    assert finding.resource == "Check"
    assert "bare regional service domain" in finding.detail
    assert "HTTP API PrimaryApiGateway (HTTPS 443 /health)" in finding.detail
    fixed = apply(data, finding)["Resources"]["Check"]["Properties"]["HealthCheckConfig"]
    assert fixed == {"Type": "HTTPS", "ResourcePath": "/health", "Port": 443, "EnableSNI": True,
                     "FullyQualifiedDomainName": {
                         "Fn::Sub": "${PrimaryApiGateway}.execute-api.${AWS::Region}.amazonaws.com"}}
    assert check(apply(data, finding)) == []


def test_rest_api_stage_in_path_and_health_resource() -> None:
    resources = {
        "Rest": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "r"}},
        "Health": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": {"Ref": "Rest"}, "ParentId": {"Fn::GetAtt": ["Rest", "RootResourceId"]},
            "PathPart": "health"}},
        "Deployment": {"Type": "AWS::ApiGateway::Deployment",
                       "Properties": {"RestApiId": {"Ref": "Rest"}, "StageName": "prod"}},
        "Check": hc("example.com", Type="HTTP", ResourcePath="/"),
    }
    (finding,) = check(doc(resources))
    ops = {op["path"].rsplit("/", 1)[1]: op for op in finding.fix.operations}
    assert ops["ResourcePath"]["value"] == "/prod/health"
    assert ops["Type"]["value"] == "HTTPS"


def test_rest_api_stage_from_parameter_gives_sub_path() -> None:
    resources = {
        "Rest": {"Type": "AWS::ApiGateway::RestApi"},
        "Stage": {"Type": "AWS::ApiGateway::Stage",
                  "Properties": {"RestApiId": {"Ref": "Rest"}, "StageName": {"Ref": "StageName"}}},
        "Check": hc("your-domain.com"),
    }
    (finding,) = check(doc(resources))
    ops = {op["path"].rsplit("/", 1)[1]: op for op in finding.fix.operations}
    assert ops["ResourcePath"]["value"] == {"Fn::Sub": "/${StageName}/health"}


def test_existing_stage_prefixed_path_is_kept() -> None:
    resources = {**http_api(stage="v2"), "Check": hc("example.com", ResourcePath="/v2/status")}
    (finding,) = check(doc(resources))
    assert all(not op["path"].endswith("ResourcePath") for op in finding.fix.operations)


def test_api_preferred_to_load_balancer_and_str_match_kept() -> None:
    resources = {**alb(), **http_api(), "Check": hc("example.com", Type="HTTP_STR_MATCH", SearchString="ok")}
    (finding,) = check(doc(resources))
    assert "HTTP API Api" in finding.detail
    ops = {op["path"].rsplit("/", 1)[1]: op for op in finding.fix.operations}
    assert ops["Type"]["value"] == "HTTPS_STR_MATCH"


def test_load_balancer_https_listener_wins() -> None:
    resources = {**alb(), "AlbHttps": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
        "LoadBalancerArn": {"Ref": "Alb"}, "Protocol": "HTTPS", "Port": 443}},
        "Check": hc({"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"}, Type="HTTP", Port=80)}
    (finding,) = check(doc(resources))
    fixed = apply(doc(resources), finding)["Resources"]["Check"]["Properties"]["HealthCheckConfig"]
    assert fixed["FullyQualifiedDomainName"] == {"Fn::GetAtt": ["Alb", "DNSName"]}
    assert (fixed["Type"], fixed["Port"], fixed["ResourcePath"], fixed["EnableSNI"]) == ("HTTPS", 443, "/", True)


def test_network_load_balancer_gets_tcp_without_path() -> None:
    resources = {**alb("Nlb", protocol="TCP", port=8443, lb_type="network"), "Check": hc("elb.amazonaws.com")}
    (finding,) = check(doc(resources))
    fixed = apply(doc(resources), finding)["Resources"]["Check"]["Properties"]["HealthCheckConfig"]
    assert (fixed["Type"], fixed["Port"]) == ("TCP", 8443)
    assert "ResourcePath" not in fixed and "EnableSNI" not in fixed


def test_internal_load_balancer_is_not_a_target() -> None:
    (finding,) = check(doc({**alb(scheme="internal"), "Check": hc("example.com")}))
    assert finding.fix is None
    assert "no single API" in finding.detail


def test_classic_elb_and_cloudfront() -> None:
    elb = {"Elb": {"Type": "AWS::ElasticLoadBalancing::LoadBalancer", "Properties": {
        "Listeners": [{"Protocol": "HTTP", "LoadBalancerPort": "80", "InstancePort": "8080"}],
        "HealthCheck": {"Target": "HTTP:8080/ping"}}}}
    (finding,) = check(doc({**elb, "Check": hc("example.com", Type="HTTP")}))
    fixed = apply(doc({**elb, "Check": hc("example.com", Type="HTTP")}), finding)
    config = fixed["Resources"]["Check"]["Properties"]["HealthCheckConfig"]
    assert (config["Port"], config["ResourcePath"]) == (80, "/ping")
    cdn = {"Cdn": {"Type": "AWS::CloudFront::Distribution", "Properties": {}}}
    (finding,) = check(doc({**cdn, "Check": hc("example.com")}))
    assert finding.fix.operations[0]["value"] == {"Fn::GetAtt": ["Cdn", "DomainName"]}


def test_sides_and_conditions() -> None:
    resources = {**http_api("PrimaryApi", Condition="IsPrimaryRegion"),
                 **http_api("SecondaryApi", Condition="IsSecondaryRegion"),
                 "PrimaryCheck": {**hc("example.com"), "Condition": "IsPrimaryRegion"},
                 "SecondaryCheck": {**hc("example.com"), "Condition": "IsSecondaryRegion"},
                 "UnconditionedCheck": hc("example.com")}
    found = {f.resource: f for f in check(doc(resources))}
    assert "PrimaryApi" in found["PrimaryCheck"].fix.operations[0]["value"]["Fn::Sub"]
    assert "SecondaryApi" in found["SecondaryCheck"].fix.operations[0]["value"]["Fn::Sub"]
    # both APIs are conditioned: an unconditioned check cannot reference either
    assert found["UnconditionedCheck"].fix is None


def test_secondary_api_is_never_the_primary_target() -> None:
    resources = {**http_api("SecondaryTransactionApi"), "PrimaryHealthCheck": hc("example.com")}
    (finding,) = check(doc(resources))
    assert finding.fix is None


def test_two_equal_apis_are_ambiguous() -> None:
    (finding,) = check(doc({**http_api("OrdersApi"), **http_api("UsersApi"), "Check": hc("example.com")}))
    assert finding.fix is None


@pytest.mark.parametrize("config", [
    {"Type": "HTTPS", "FullyQualifiedDomainName": "example.com", "IPAddress": "203.0.113.10"},
    {"Type": "HTTPS", "FullyQualifiedDomainName": {"Fn::If": ["C", "example.com", {"Ref": "NoDefault"}]}},
])
def test_reported_without_fix(config) -> None:
    resources = {**http_api(), "Check": {"Type": "AWS::Route53::HealthCheck",
                                         "Properties": {"HealthCheckConfig": config}}}
    (finding,) = check(doc(resources))
    assert finding.fix is None


def test_flat_config_is_reported_without_fix() -> None:
    resources = {**http_api(), "Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {
        "Type": "HTTPS", "FullyQualifiedDomainName": {"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"}}}}
    (finding,) = check(doc(resources))
    assert finding.fix is None
    assert finding.pointer == "/Resources/Check/Properties/FullyQualifiedDomainName"
    assert "HealthCheckConfig" in finding.detail


def test_type_from_fn_if_is_replaced() -> None:
    data = doc({**http_api(), "Check": hc("example.com", Type={"Fn::If": ["UseHttps", "HTTPS", "HTTP"]})})
    (finding,) = check(data)
    assert apply(data, finding)["Resources"]["Check"]["Properties"]["HealthCheckConfig"]["Type"] == "HTTPS"


@pytest.mark.parametrize("resources", [
    {"Check": {"Type": "AWS::Route53::HealthCheck"}},
    {"Check": {"Type": "AWS::Route53::HealthCheck", "Properties": None}},
    {"Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": {
        "Fn::If": ["C", {"Type": "HTTPS", "FullyQualifiedDomainName": "example.com"}, {"Ref": "AWS::NoValue"}]}}}},
    {"Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": {
        "Type": "CALCULATED", "FullyQualifiedDomainName": "example.com"}}}},
    {"Check": "not a resource",
     "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": {"Ref": "P"}}}},
    {"Check": hc({"Ref": "AWS::NoValue"})},
    {"Check": hc({"Fn::Sub": 42})},
    {"Check": hc({"Fn::Join": ["", {"Ref": "Parts"}]})},
])
def test_messy_shapes_do_not_crash_or_flag(resources) -> None:
    assert check(doc(resources)) == []


def test_messy_endpoints_do_not_crash() -> None:
    resources = {
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}},
        "S1": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": {
            "Fn::If": ["C", "a", "b"]}}},
        "Rest": {"Type": "AWS::ApiGateway::RestApi", "Properties": None},
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": {"Ref": "S"}}},
        "L": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "Lb"}, "Protocol": {"Ref": "P"}, "Port": {"Ref": "Port"},
            "DefaultActions": [None, {"TargetGroupArn": {"Fn::If": ["C", "a", "b"]}}]}},
        "Elb": {"Type": "AWS::ElasticLoadBalancing::LoadBalancer", "Properties": {"Listeners": {"Ref": "L"}}},
        "Check": hc("example.com"),
    }
    (finding,) = check(doc(resources))
    assert finding.fix is None


# -- the records a check guards: a check must probe what its records serve

PH = {"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"}


def record(kind="A", values=("192.0.2.10",), check_ref=None, **extra) -> dict:
    props = {"HostedZoneName": "corp-payments.net.", "Name": "api.corp-payments.net", "Type": kind,
             "SetIdentifier": "primary", "Failover": "PRIMARY",
             "HealthCheckId": check_ref or {"Ref": "PrimaryHealthCheck"}, **extra}
    if values is not None:
        props["ResourceRecords"] = list(values)
        props["TTL"] = "60"
    return {"Type": "AWS::Route53::RecordSet", "Properties": props}


def fixed(data: dict) -> dict:
    (finding,) = check(data)
    assert finding.fix is not None, finding.message
    return apply(data, finding)


def assert_consistent(data: dict) -> None:
    from autofix.rules.dr._records import healthy_before_other

    assert healthy_before_other(Template(data)) == []


def test_placeholder_a_record_becomes_an_alias_of_the_load_balancer() -> None:
    data = doc({**alb(), "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record()})
    out = fixed(data)
    props = out["Resources"]["PrimaryRecord"]["Properties"]
    assert "ResourceRecords" not in props and "TTL" not in props
    assert props["AliasTarget"] == {"DNSName": {"Fn::GetAtt": ["Alb", "DNSName"]},
                                    "HostedZoneId": {"Fn::GetAtt": ["Alb", "CanonicalHostedZoneID"]},
                                    "EvaluateTargetHealth": True}
    assert props["HealthCheckId"] == {"Ref": "PrimaryHealthCheck"}
    assert out["Resources"]["PrimaryHealthCheck"]["Properties"]["HealthCheckConfig"]["FullyQualifiedDomainName"] == {
        "Fn::GetAtt": ["Alb", "DNSName"]}
    assert_consistent(out)
    assert check(out) == []


def test_placeholder_cname_keeps_its_type_and_answers_with_the_load_balancer() -> None:
    data = doc({**alb(), "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record("CNAME", ["primary.example.com"])})
    props = fixed(data)["Resources"]["PrimaryRecord"]["Properties"]
    assert props["Type"] == "CNAME" and props["TTL"] == "60"
    assert props["ResourceRecords"] == [{"Fn::GetAtt": ["Alb", "DNSName"]}]


def test_classic_load_balancer_alias_uses_its_zone_name_id() -> None:
    data = doc({"Elb": {"Type": "AWS::ElasticLoadBalancing::LoadBalancer", "Properties": {
        "Listeners": [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}]}},
        "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record(values=["127.0.0.1"])})
    alias = fixed(data)["Resources"]["PrimaryRecord"]["Properties"]["AliasTarget"]
    assert alias["HostedZoneId"] == {"Fn::GetAtt": ["Elb", "CanonicalHostedZoneNameID"]}


def test_record_set_group_and_getatt_reference() -> None:
    group = {"Type": "AWS::Route53::RecordSetGroup", "Properties": {"HostedZoneName": "corp-payments.net.",
             "RecordSets": [record()["Properties"] | {
                 "HealthCheckId": {"Fn::GetAtt": ["PrimaryHealthCheck", "HealthCheckId"]}},
                 record(values=["10.9.9.9"])["Properties"] | {"HealthCheckId": {"Ref": "Other"}}]}}
    data = doc({**alb(), "PrimaryHealthCheck": hc(PH), "Group": group})
    out = fixed(data)
    first, second = out["Resources"]["Group"]["Properties"]["RecordSets"]
    assert first["AliasTarget"]["DNSName"] == {"Fn::GetAtt": ["Alb", "DNSName"]}
    assert second["ResourceRecords"] == ["10.9.9.9"]  # guarded by another check: untouched
    assert_consistent(out)


def test_check_guarding_several_records_retargets_all_of_them() -> None:
    data = doc({**alb(), "PrimaryHealthCheck": hc(PH), "R1": record(), "R2": record("CNAME", ["todo.acme.io"])})
    out = fixed(data)
    assert "AliasTarget" in out["Resources"]["R1"]["Properties"]
    assert out["Resources"]["R2"]["Properties"]["ResourceRecords"] == [{"Fn::GetAtt": ["Alb", "DNSName"]}]
    assert_consistent(out)


def test_record_that_serves_a_resource_decides_the_endpoint() -> None:
    # the API would win the usual choice, but the record serves the load balancer
    alias = {"DNSName": {"Fn::GetAtt": ["Alb", "DNSName"]},
             "HostedZoneId": {"Fn::GetAtt": ["Alb", "CanonicalHostedZoneID"]}}
    data = doc({**http_api(), **alb(), "PrimaryHealthCheck": hc(PH),
                "PrimaryRecord": record(values=None, AliasTarget=alias)})
    out = fixed(data)
    assert out["Resources"]["PrimaryHealthCheck"]["Properties"]["HealthCheckConfig"]["FullyQualifiedDomainName"] == {
        "Fn::GetAtt": ["Alb", "DNSName"]}
    assert out["Resources"]["PrimaryRecord"] == data["Resources"]["PrimaryRecord"]


def test_api_cannot_be_served_under_the_record_name_so_no_fix() -> None:
    # the old fix aimed the check at the API and left the record at 192.0.2.10: healthy check, dead record
    data = doc({**http_api(), "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record()})
    (finding,) = check(data)
    assert finding.fix is None
    assert "custom domain" in finding.detail and "never fail over" in finding.detail


def test_cloudfront_cannot_serve_the_record_name_so_no_fix() -> None:
    data = doc({"Cdn": {"Type": "AWS::CloudFront::Distribution", "Properties": {}},
                "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record()})
    (finding,) = check(data)
    assert finding.fix is None and "Aliases" in finding.detail


def test_record_serving_a_real_host_is_not_left_behind() -> None:
    data = doc({**alb(), "PrimaryHealthCheck": hc(PH),
                "PrimaryRecord": record("CNAME", ["primary.corp-payments.net"])})
    (finding,) = check(data)
    assert finding.fix is None and "primary.corp-payments.net" in finding.detail


def test_private_addresses_cannot_be_probed() -> None:
    data = doc({**alb(), "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record(values=["10.0.1.100"])})
    (finding,) = check(data)
    assert finding.fix is None and "CLOUDWATCH_METRIC" in finding.detail


def test_records_serving_different_resources_get_no_fix() -> None:
    a1 = {"DNSName": {"Fn::GetAtt": ["Alb", "DNSName"]}, "HostedZoneId": "Z1"}
    a2 = {"DNSName": {"Fn::GetAtt": ["Alb2", "DNSName"]}, "HostedZoneId": "Z1"}
    data = doc({**alb(), **alb("Alb2"), "PrimaryHealthCheck": hc(PH),
                "R1": record(values=None, AliasTarget=a1), "R2": record(values=None, AliasTarget=a2)})
    (finding,) = check(data)
    assert finding.fix is None and "different resources" in finding.detail


def test_aaaa_record_cannot_be_retargeted() -> None:
    data = doc({**alb(), "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record("AAAA", ["2001:db8::1"])})
    (finding,) = check(data)
    assert finding.fix is None


RAW_API = {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}


def test_a_record_on_the_apis_raw_host_declines_rather_than_turning_the_check_green() -> None:
    # the record serves the API, so the old fix aimed the check there and called it safe: a green check in front of a
    # name API Gateway does not serve (TLS name mismatch or 403), and Route 53 never fails over
    data = doc({**http_api(), "PrimaryHealthCheck": hc(PH), "PrimaryRecord": record("CNAME", [RAW_API])})
    (finding,) = check(data)
    assert finding.fix is None
    assert "execute-api hostname under its own name" in finding.detail and "DR010" in finding.detail


@pytest.mark.parametrize("mapping", [
    {"Type": "AWS::ApiGatewayV2::ApiMapping", "Properties": {"ApiId": {"Ref": "Api"}, "DomainName": {"Ref": "Domain"},
                                                           "Stage": "$default"}},
])
def test_a_record_on_a_custom_domain_of_the_api_aims_the_check_at_the_api(mapping) -> None:
    domain = {"Type": "AWS::ApiGatewayV2::DomainName", "Properties": {"DomainName": "api.corp-payments.net"}}
    alias = {"DNSName": {"Fn::GetAtt": ["Domain", "RegionalDomainName"]},
             "HostedZoneId": {"Fn::GetAtt": ["Domain", "RegionalHostedZoneId"]}}
    data = doc({**http_api(), "Domain": domain, "Mapping": mapping, "PrimaryHealthCheck": hc(PH),
                "PrimaryRecord": record(values=None, AliasTarget=alias)})
    out = fixed(data)
    assert out["Resources"]["PrimaryHealthCheck"]["Properties"]["HealthCheckConfig"]["FullyQualifiedDomainName"] == (
        {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"})
    assert out["Resources"]["PrimaryRecord"] == data["Resources"]["PrimaryRecord"]
