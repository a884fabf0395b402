"""HD002 stateful-resource-without-policy."""

from __future__ import annotations

import pytest
from rule_harness import findings

from autofix.rules.hd.hd002_stateful_resource_without_policy import StatefulResourceWithoutPolicy
from autofix.settings import Settings

S = Settings()


def one(rule, resource, settings=S):
    found = findings(rule, {"Resources": {"R": resource}}, settings)
    return found[0] if found else None


@pytest.mark.parametrize(("resource", "mode", "value", "applicability"), [
    ({"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql"}}, "auto", "Snapshot", "unsafe"),
    ({"Type": "AWS::DynamoDB::Table"}, "auto", "Retain", "unsafe"),
    ({"Type": "AWS::ElastiCache::CacheCluster", "Properties": {"Engine": "memcached"}}, "auto", "Retain", "unsafe"),
    ({"Type": "AWS::RDS::DBInstance"}, "retain", "Retain", "unsafe"),
    ({"Type": "AWS::S3::Bucket"}, "delete", "Delete", "safe"),
])
def test_stateful_policy_by_type_and_setting(resource, mode, value, applicability):
    settings = Settings(family_settings={"hd": {"stateful-policy": mode}})
    f = one(StatefulResourceWithoutPolicy(), resource, settings)
    assert [op["value"] for op in f.fix.operations] == [value, value]
    assert f.fix.applicability.value == applicability


def test_aurora_members_and_resources_with_a_policy_are_skipped():
    rule = StatefulResourceWithoutPolicy()
    assert one(rule, {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "C"}}}) is None
    assert one(rule, {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"}) is None
    assert one(rule, {"Type": "AWS::SNS::Topic"}) is None


def test_read_replicas_are_skipped():
    replica = {"Type": "AWS::RDS::DBInstance", "Properties": {"SourceDBInstanceIdentifier": {"Ref": "Primary"}}}
    assert one(StatefulResourceWithoutPolicy(), replica) is None
