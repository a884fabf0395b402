"""DR context: which templates count as multi-region disaster recovery (DR001, DR003, DR004 need it)."""

from __future__ import annotations

import pytest

from autofix.context import RuleContext
from autofix.rules.dr._intent import dr_context
from autofix.settings import Settings


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


BUCKET = res("AWS::S3::Bucket")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"Parameters": {"SecondaryRegion": {"Type": "String"}}, "Resources": {"B": BUCKET}}, True),
        ({"Parameters": {"DisasterRecoveryRegion": {"Type": "String"}}, "Resources": {"B": BUCKET}}, True),
        ({"Parameters": {"TargetRegion": {"Type": "String"}}, "Resources": {"B": BUCKET}}, False),
        ({"Parameters": {"SecondaryRegions": {"Type": "CommaDelimitedList"}}, "Resources": {"B": BUCKET}}, False),
        ({"Conditions": {"IsSecondaryRegion": {}}, "Resources": {"B": BUCKET}}, True),
        ({"Conditions": {"IsPrimary": {}}, "Resources": {"B": BUCKET}}, False),
        ({"Conditions": {"IsDryRun": {}}, "Resources": {"B": BUCKET}}, False),
        ({"Resources": {"G": res("AWS::RDS::GlobalCluster", Engine="aurora-mysql")}}, True),
        ({"Resources": {"T": res("AWS::DynamoDB::GlobalTable", Replicas=[
            {"Region": {"Ref": "AWS::Region"}}, {"Region": "us-west-2"}])}}, True),
        ({"Resources": {"T": res("AWS::DynamoDB::GlobalTable", Replicas=[{"Region": "us-east-1"}])}}, False),
        ({"Resources": {"H": res("AWS::Route53::HealthCheck", HealthCheckConfig={"Type": "HTTPS"})}}, False),
        # same-region compliance replication to a bucket of this template
        ({"Resources": {"R": BUCKET, "B": res("AWS::S3::Bucket", ReplicationConfiguration={
            "Role": "r", "Rules": [{"Destination": {"Bucket": {"Fn::GetAtt": ["R", "Arn"]}}}]})}}, False),
        # replication to a bucket named by ARN (elsewhere, or created by DR006 later)
        ({"Resources": {"B": res("AWS::S3::Bucket", ReplicationConfiguration={
            "Role": "r", "Rules": [{"Destination": {"Bucket": {"Fn::Sub": "arn:aws:s3:::x-${AWS::AccountId}"}}}]})}},
         True),
    ],
)
def test_dr_signals(data: dict, expected: bool) -> None:
    assert dr_context(RuleContext(data), Settings()).is_dr is expected


def failover(side: str, target: dict, **extra) -> dict:
    return {"Type": "AWS::Route53::RecordSet", **extra,
            "Properties": {"Failover": side, "Type": "A", "AliasTarget": target, "HealthCheckId": {"Ref": "H"}}}


def test_failover_between_two_load_balancers_of_one_stack_is_not_multi_region() -> None:
    data = {"Resources": {
        "A": res("AWS::ElasticLoadBalancingV2::LoadBalancer"), "B": res("AWS::ElasticLoadBalancingV2::LoadBalancer"),
        "H": res("AWS::Route53::HealthCheck"),
        "P": failover("PRIMARY", {"DNSName": {"Fn::GetAtt": ["A", "DNSName"]}}),
        "S": failover("SECONDARY", {"DNSName": {"Fn::GetAtt": ["B", "DNSName"]}}),
    }}
    assert not dr_context(RuleContext(data), Settings()).is_dr


def test_failover_to_an_endpoint_elsewhere_or_per_region_conditions_is_multi_region() -> None:
    elsewhere = {"Resources": {
        "A": res("AWS::ElasticLoadBalancingV2::LoadBalancer"), "H": res("AWS::Route53::HealthCheck"),
        "P": failover("PRIMARY", {"DNSName": {"Fn::GetAtt": ["A", "DNSName"]}}),
        "S": failover("SECONDARY", {"DNSName": {"Ref": "SecondaryAlbDns"}}),
    }}
    assert dr_context(RuleContext(elsewhere), Settings()).is_dr
    conditioned = {"Resources": {
        "A": res("AWS::ElasticLoadBalancingV2::LoadBalancer"), "H": res("AWS::Route53::HealthCheck"),
        "P": failover("PRIMARY", {"DNSName": {"Fn::GetAtt": ["A", "DNSName"]}}, Condition="IsPrimary"),
    }}
    assert dr_context(RuleContext(conditioned), Settings()).is_dr


def test_the_user_can_force_the_answer() -> None:
    plain = RuleContext({"Resources": {"B": BUCKET}})
    assert dr_context(plain, Settings(dr="true")).is_dr
    dr = RuleContext({"Parameters": {"DRRegion": {}}, "Resources": {"B": BUCKET}})
    assert not dr_context(dr, Settings(dr="false")).is_dr
    assert "DRRegion" in dr_context(dr, Settings()).reason


# -- the layout the DR fixes write: what of the template's own it reuses


def test_the_layout_reuses_negated_region_conditions_instead_of_adding_parallel_ones() -> None:
    from autofix.rules.dr._regions import layout
    from autofix.template import Template

    data = {"Parameters": {"DRRegion": {"Type": "String", "Default": "us-west-2"}},
            "Conditions": {"IsSecondary": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "DRRegion"}]},
                           "IsPrimary": {"Fn::Not": [{"Condition": "IsSecondary"}]}}}
    names = layout(Template(data), Settings())
    assert (names.secondary, names.is_secondary, names.is_primary) == ("DRRegion", "IsSecondary", "IsPrimary")
    added = {op["path"] for op in names.changes.operations}
    assert not any(path.startswith("/Conditions/Is") for path in added)
    negated = {"Conditions": {"InDr": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"},
                                                                    {"Ref": "PrimaryRegion"}]}]}},
               "Parameters": {"PrimaryRegion": {"Type": "String"}}}
    assert layout(Template(negated), Settings()).is_secondary == "InDr"


def test_a_new_region_parameter_defaults_to_the_region_the_templates_own_condition_names() -> None:
    from autofix.rules.dr._regions import layout
    from autofix.template import Template

    data = {"Conditions": {"IsPrimary": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}}
    names = layout(Template(data), Settings())
    (parameters,) = [op["value"] for op in names.changes.operations if op["path"] == "/Parameters"]
    assert parameters["PrimaryRegion"]["Default"] == "eu-west-1"  # both primary conditions agree by default
    assert parameters["SecondaryRegion"]["Default"] == "us-west-2"


def test_the_layout_keeps_its_stacks_out_of_a_third_region_once() -> None:
    from autofix.rules.dr._regions import layout
    from autofix.template import Template

    names = layout(Template({"Resources": {}}), Settings())
    (rules,) = [op["value"] for op in names.changes.operations if op["path"] == "/Rules"]
    (rule,) = rules.values()
    assert {"Ref": "AWS::Region"} in rule["Assertions"][0]["Assert"]["Fn::Or"][0]["Fn::Equals"]
    with_rule = {"Parameters": {"PrimaryRegion": {}, "SecondaryRegion": {}}, "Rules": rules}
    assert not any(op["path"].startswith("/Rules") for op in layout(Template(with_rule), Settings()).changes.operations)


def test_region_substitution_reads_the_sub_grammar() -> None:
    from autofix.rules.dr._regions import layout
    from autofix.template import Template

    names = layout(Template({}), Settings())
    assert names.shared("data-${ AWS::Region }-x-${AWS::Region}") == "data-${PrimaryRegion}-x-${PrimaryRegion}"
    assert names.shared("literal-${!AWS::Region}") == "literal-${!AWS::Region}"
    assert names.names_region("x-${ SecondaryRegion }") and not names.names_region("x-${Env}")


def test_a_layout_that_cannot_deploy_is_refused_and_one_that_can_is_completed() -> None:
    from autofix.rules.dr._whole import complete
    from autofix.template import Template

    data = {"Parameters": {"PrimaryRegion": {"Type": "String", "Default": "us-east-1"},
                           "SecondaryRegion": {"Type": "String", "Default": "us-west-2"}},
            "Conditions": {"IsPrimaryRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "PrimaryRegion"}]},
                           "IsSecondaryRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "SecondaryRegion"}]}},
            "Resources": {}}
    add_role = [{"op": "add", "path": "/Resources/Role", "value": {
        "Type": "AWS::IAM::Role", "Properties": {"RoleName": "app", "AssumeRolePolicyDocument": {}}}}]
    done = complete(Template(data), Settings(), add_role)
    assert done.refusal is None and done.operations and "Name Role 'app-${AWS::Region}'" in done.notes[0]
    add_zone = [{"op": "add", "path": "/Resources/Zone", "value": {
        "Type": "AWS::Route53::HostedZone", "Properties": {"Name": "example.com"}}}]
    refused = complete(Template(data), Settings(), add_zone)
    assert refused.operations == [] and "public hosted zone" in refused.refusal
