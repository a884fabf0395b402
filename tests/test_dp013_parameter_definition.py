"""DP013 parameter-definition: types, list and computed defaults, allowed values."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp013_parameter_definition import ParameterDefinition, valid_type

RULE = ParameterDefinition()


def params(**definitions: dict) -> dict:
    return template({}, Parameters=definitions)


def test_valid_types_include_the_open_families() -> None:
    assert valid_type("String") and valid_type("List<AWS::EC2::Subnet::Id>")
    assert valid_type("AWS::SSM::Parameter::Value<String>") and not valid_type("Integer")


def test_types_by_case_or_alias_are_safe_renames() -> None:
    data = params(A={"Type": "number"}, B={"Type": "Integer"}, C={"Type": "StringList"}, D={"Type": "Widget"})
    found = {f.pointer: f for f in findings(RULE, data)}
    assert found["/Parameters/D/Type"].fix is None
    fixed = applied(data, [f for f in found.values() if f.fix])["Parameters"]
    assert [fixed[k]["Type"] for k in "ABC"] == ["Number", "Number", "CommaDelimitedList"]


def test_list_defaults_join_only_for_list_types() -> None:
    data = params(Zones={"Type": "CommaDelimitedList", "Default": ["a", "b"]},
                  Name={"Type": "String", "Default": ["a", "b"]})
    found = {f.pointer: f for f in findings(RULE, data)}
    assert found["/Parameters/Zones/Default"].fix.operations[0]["value"] == "a,b"
    assert found["/Parameters/Name/Default"].fix is None


def test_computed_default_is_removed_unsafely() -> None:
    data = params(Region={"Type": "String", "Default": {"Ref": "AWS::Region"}})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe"
    assert applied(data, [found])["Parameters"]["Region"] == {"Type": "String"}


def test_allowed_values_by_case_and_list_values() -> None:
    data = params(Env={"Type": "String", "Default": "PROD", "AllowedValues": ["dev", "prod"]},
                  Size={"Type": "String", "Default": "huge", "AllowedValues": ["small", "large"]},
                  Many={"Type": "CommaDelimitedList", "Default": "a, b", "AllowedValues": ["a", "b"]},
                  Num={"Type": "Number", "Default": 5, "AllowedValues": [1, 5]})
    found = {f.pointer: f for f in findings(RULE, data)}
    assert set(found) == {"/Parameters/Env/Default", "/Parameters/Size/Default"}
    assert found["/Parameters/Env/Default"].fix.operations[0]["value"] == "prod"
    assert found["/Parameters/Size/Default"].fix is None
