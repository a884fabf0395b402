"""DP022 iam-condition-operator: operators judged by the policy schema, negations put back in place."""

from __future__ import annotations

import pytest
from rule_harness import applied, findings, template

from autofix.rules.dp.dp022_iam_condition_operator import IamConditionOperator, corrected, valid_operator

RULE = IamConditionOperator()


@pytest.mark.parametrize(("written", "meant"), [
    ("IpAddressNotEquals", "NotIpAddress"), ("NotStringEquals", "StringNotEquals"),
    ("ForAllValues:NotArnLikeIfExists", "ForAllValues:ArnNotLikeIfExists"), ("Bogus", None), ("NotBool", None)])
def test_corrected(written: str, meant: str | None) -> None:
    assert corrected(written) == meant
    assert meant is None or valid_operator(meant)


def test_a_misplaced_negation_is_renamed_unsafely_and_others_reported() -> None:
    data = template({"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"IpAddressNotEquals": {"aws:SourceIp": "10.0.0.0/8"}, "Whatever": {"a": "b"}}}]}}}})
    found = {f.pointer.rsplit("/", 1)[1]: f for f in findings(RULE, data)}
    assert found["Whatever"].fix is None and found["IpAddressNotEquals"].fix.applicability.value == "unsafe"
    statement = applied(data, [found["IpAddressNotEquals"]])["Resources"]["P"]["Properties"]["PolicyDocument"]
    assert "NotIpAddress" in statement["Statement"][0]["Condition"]
