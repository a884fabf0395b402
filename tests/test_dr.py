"""DR context: which templates count as multi-region disaster recovery (DR001, DR003, DR004 need it)."""

from __future__ import annotations

import pytest

from autofix.context import RuleContext
from autofix.rules.dr.context import dr_context
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
