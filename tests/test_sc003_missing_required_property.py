"""SC003 missing-required-property: canonical values, generated ones, report-only."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.sc.sc003_missing_required_property import MissingRequiredProperty
from autofix.settings import Settings

RULE = MissingRequiredProperty()


def check(resources):
    return findings(RULE, {"Resources": resources}, Settings())


def test_canonical_value():
    (f,) = check({"T": {"Type": "AWS::CloudTrail::Trail", "Properties": {"S3BucketName": "b"}}})
    assert f.fix.operations == ({"op": "add", "path": "/Resources/T/Properties/IsLogging", "value": True},)


def test_resource_without_properties():
    found = check({"T": {"Type": "AWS::CloudTrail::Trail"}})
    assert {f.message.split("property ")[1].split()[0] for f in found} == {"IsLogging", "S3BucketName"}
    fixed = [f for f in found if f.fix]
    assert [f.fix.operations for f in fixed] == [({"op": "add", "path": "/Resources/T/Properties",
                                                   "value": {"IsLogging": True}},)]


def test_generated_target_id_is_unique():
    (f,) = check({"R": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(1 day)", "Targets": [
        {"Id": "Target1", "Arn": "a"}, {"Arn": "b"}]}}})
    assert f.fix.operations[0]["value"] == "Target1_2"


def test_unknown_value_is_report_only():
    (f,) = check({"R": {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {}}})
    assert f.fix is None and "RoleARN" in f.message


def test_present_through_fn_if_counts():
    assert check({"T": {"Type": "AWS::CloudTrail::Trail", "Properties": {
        "S3BucketName": "b", "IsLogging": {"Fn::If": ["C", True, False]}}}}) == []
