"""SC002 invalid-enum-value: normalising, aliases, snapping numbers, and what is not judged."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.sc.sc002_invalid_enum_value import InvalidEnumValue, allowed
from autofix.settings import Settings

RULE = InvalidEnumValue()
KEYS = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}


def check(resources):
    return findings(RULE, {"Resources": resources}, Settings())


def logs(days):
    return check({"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": days}}})


def test_snap_up_is_safe_far_or_down_is_unsafe():
    (f,) = logs(2555)
    assert f.fix.operations[0]["value"] == 2557 and f.fix.applicability.value == "safe"
    (f,) = logs(100)
    assert f.fix.operations[0]["value"] == 90 and f.fix.applicability.value == "unsafe"
    (f,) = logs(45)  # a tie goes up
    assert f.fix.operations[0]["value"] == 60


def test_numeric_strings_and_allowed_values_pass():
    assert logs("30") == [] and logs(30) == []
    assert allowed("true", [True, False]) and not allowed("yes", [True, False])


def test_alias_and_case():
    (f,) = check({"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "ON_DEMAND", **KEYS}}})
    assert f.fix.operations[0]["value"] == "PAY_PER_REQUEST" and f.fix.applicability.value == "safe"
    (f,) = check({"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "pay-per-request", **KEYS}}})
    assert f.fix.operations[0]["value"] == "PAY_PER_REQUEST"


def test_unsafe_alias_says_why():
    (f,) = check({"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "SecureString", "Value": "v"}}})
    assert f.fix.operations[0]["value"] == "String" and f.fix.applicability.value == "unsafe"
    assert "plain text" in f.fix.description


def test_intrinsics_not_judged_but_if_branches_are():
    assert check({"T": {"Type": "AWS::DynamoDB::Table",
                        "Properties": {"BillingMode": {"Ref": "Mode"}, **KEYS}}}) == []
    found = check({"T": {"Type": "AWS::DynamoDB::Table",
                         "Properties": {"BillingMode": {"Fn::If": ["C", "PROVISIONED", "on_demand"]}, **KEYS}}})
    assert [f.pointer for f in found] == ["/Resources/T/Properties/BillingMode/Fn::If/2"]


def test_no_match_reports_without_fix():
    (f,) = check({"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "CHEAP", **KEYS}}})
    assert f.fix is None and "PAY_PER_REQUEST" in f.message


def test_drop_item_keeps_a_required_list():
    def bucket(tierings):
        return {"B": {"Type": "AWS::S3::Bucket", "Properties": {"IntelligentTieringConfigurations": [
            {"Id": "a", "Status": "Enabled", "Tierings": tierings}]}}}
    (f,) = check(bucket([{"Days": 90, "AccessTier": "ARCHIVE_INSTANT_ACCESS"},
                         {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]))
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/B/Properties/"
                                 "IntelligentTieringConfigurations/0/Tierings/0"},)
    (f,) = check(bucket([{"Days": 90, "AccessTier": "ARCHIVE_INSTANT_ACCESS"}]))
    assert f.fix is None  # Tierings is required: the only item cannot go


def test_a_long_list_of_allowed_values_goes_to_the_detail_with_the_suggestion():
    group = {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 2555}}
    (short,) = check({"OrderProcessingLambdaFunctionLogGroupForProductionUse": group})
    assert "1, 3, 5" not in short.message and short.message.endswith("is not an allowed value")
    assert short.detail.startswith("Allowed: 1, 3, 5,") and short.detail.endswith("The nearest allowed value is 2557.")
    (listed,) = logs(2555)
    assert "is not one of 1, 3, 5" in listed.message and listed.detail == "The nearest allowed value is 2557."
