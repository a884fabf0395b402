"""DP024 sam-property: the table's renames and unwraps on SAM resources."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp024_sam_property import SamProperty

RULE = SamProperty()


def sam(type_name: str, **props: object) -> dict:
    return template({"R": {"Type": type_name, "Properties": props}}, Transform="AWS::Serverless-2016-10-31")


def test_renames_and_unwraps() -> None:
    data = sam("AWS::Serverless::Function", ReservedConcurrency=5)
    (found,) = findings(RULE, data)
    assert applied(data, [found])["Resources"]["R"]["Properties"] == {"ReservedConcurrentExecutions": 5}
    data = sam("AWS::Serverless::Api", TracingConfig={"TracingEnabled": True})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    assert applied(data, [found])["Resources"]["R"]["Properties"] == {"TracingEnabled": True}


def test_taken_names_other_shapes_and_other_types_are_left_alone() -> None:
    assert findings(RULE, sam("AWS::Serverless::Function", ReservedConcurrencyLimit=1,
                              ReservedConcurrentExecutions=2)) == []
    assert findings(RULE, sam("AWS::Serverless::Api", TracingConfig={"Mode": "Active"})) == []
    assert findings(RULE, sam("AWS::Lambda::Function", ReservedConcurrencyLimit=1)) == []
