"""DP015 conditional-statement-element: which statements move their condition, and which do not."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp015_conditional_statement_element import ConditionalStatementElement

RULE = ConditionalStatementElement()
NO = {"Ref": "AWS::NoValue"}
OTHER = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}


def policy(*statements: dict) -> dict:
    return template({"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
        "Statement": list(statements)}}}})


def statements_of(data: dict) -> list:
    return data["Resources"]["P"]["Properties"]["PolicyDocument"]["Statement"]


def test_the_condition_moves_to_the_statement_on_the_kept_side() -> None:
    data = policy(OTHER, {"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Fn::If": ["C", "arn:t", NO]}},
                  {"Effect": "Allow", "Action": {"Fn::If": ["D", NO, "s3:PutObject"]}, "Resource": "*"})
    found = findings(RULE, data)
    assert [f.fix.applicability.value for f in found] == ["safe", "safe"]
    fixed = statements_of(applied(data, found))
    assert fixed[0] == OTHER
    assert fixed[1] == {"Fn::If": ["C", {"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:t"}, NO]}
    assert fixed[2] == {"Fn::If": ["D", NO, {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}


def test_an_only_statement_is_reported_without_fix() -> None:
    (found,) = findings(RULE, policy({"Effect": "Allow", "Action": "a:b", "Resource": {"Fn::If": ["C", "x", NO]}}))
    assert found.fix is None


def test_conditions_between_values_are_fine() -> None:
    data = policy(OTHER, {"Effect": "Allow", "Action": "a:b", "Resource": {"Fn::If": ["C", "x", "y"]}},
                  {"Fn::If": ["C", OTHER, NO]})
    assert findings(RULE, data) == []
