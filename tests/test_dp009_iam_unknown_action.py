"""DP009 iam-unknown-action: the policy data, the operation table and the three outcomes."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.patches import fragment
from autofix.rules.dp._iam import api_actions, known_action
from autofix.rules.dp.dp009_iam_unknown_action import IamUnknownAction

RULE = IamUnknownAction()


def policy(actions: object) -> dict:
    return template({"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}}})


def actions_of(data: dict) -> object:
    return data["Resources"]["P"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"]


def test_known_actions_ignore_case_and_match_wildcards() -> None:
    assert known_action("S3:GETOBJECT") and known_action("s3:Get*")
    assert known_action("s3:GetBucketEncryption") is False and known_action("s3:Nothing*") is False
    assert known_action("notaservice:Get") is None


def test_every_table_entry_names_real_actions() -> None:
    table = fragment("DP009-iam-unknown-action", "api_actions")
    assert len(api_actions()) == len(table)  # none dropped: each target is an action of the data
    assert all(known_action(api) is False for api in table)  # and each key is not an action itself


def test_an_operation_name_becomes_its_actions_unsafely() -> None:
    data = policy(["dynamodb:GetItem", "dynamodb:TransactWriteItems"])
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe" and len(found.message) <= 160
    assert actions_of(applied(data, [found])) == [
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem"]
    data = policy("s3:HeadObject")
    assert actions_of(applied(data, findings(RULE, data))) == "s3:GetObject"


def test_an_operation_whose_actions_are_listed_is_dropped_safely() -> None:
    data = policy(["s3:GetObject", "s3:HeadObject"])
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    assert actions_of(applied(data, [found])) == ["s3:GetObject"]


def test_close_spelling_keeps_the_written_capitals() -> None:
    data = policy(["s3:GetObjct"])
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe"
    assert actions_of(applied(data, [found])) == ["s3:GetObject"]


def test_nothing_to_offer_is_reported_and_valid_policies_are_quiet() -> None:
    (found,) = findings(RULE, policy(["sqs:PurgeEverything"]))
    assert found.fix is None
    assert findings(RULE, policy(["*", "s3:*", "lambda:InvokeFunction", "x:y", "iam:Pass?ole"])) == []
    sam = {**policy("s3:HeadObject"), "Transform": "AWS::Serverless-2016-10-31"}
    assert findings(RULE, sam) == []
