"""DP018 lambda-reserved-environment: reserved names from the data, removals and their safety."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp018_lambda_reserved_environment import LambdaReservedEnvironment, reserved_keys

RULE = LambdaReservedEnvironment()


def function(variables: dict) -> dict:
    return template({"F": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Environment": {"Variables": variables}}}})


def test_reserved_names_come_from_the_lambda_extension_data() -> None:
    assert {"AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_SECRET_ACCESS_KEY"} <= reserved_keys()
    assert "TABLE_NAME" not in reserved_keys()


def test_the_stack_region_is_removed_safely_and_others_unsafely() -> None:
    data = function({"A": "1", "AWS_REGION": {"Ref": "AWS::Region"}, "AWS_LAMBDA_FUNCTION_NAME": "x"})
    found = {f.pointer.rsplit("/", 1)[1]: f for f in findings(RULE, data)}
    assert found["AWS_REGION"].fix.applicability.value == "safe"
    assert found["AWS_LAMBDA_FUNCTION_NAME"].fix.applicability.value == "unsafe"
    env = applied(data, [found["AWS_REGION"]])["Resources"]["F"]["Properties"]["Environment"]
    assert env == {"Variables": {"A": "1", "AWS_LAMBDA_FUNCTION_NAME": "x"}}


def test_the_last_variable_takes_the_environment_with_it() -> None:
    data = function({"AWS_DEFAULT_REGION": {"Ref": "AWS::Region"}})
    (found,) = findings(RULE, data)
    assert "Environment" not in applied(data, [found])["Resources"]["F"]["Properties"]
    assert findings(RULE, function({"REGION": "x"})) == []
