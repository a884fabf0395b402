"""DP020 duplicate-resource: identifiers from the schemas, which copy goes, and when none can."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp020_duplicate_resource import DuplicateResource, contains

RULE = DuplicateResource()


def group(name: str, **props: object) -> dict:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": name, **props}}


def test_contains_reads_mappings_as_subsets() -> None:
    assert contains({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": 2}}) and not contains({"a": 1}, {"a": 2})


def test_the_contained_copy_goes_and_its_references_follow() -> None:
    data = template({"A": group("/x", RetentionInDays=7), "B": group("/x"),
                     "S": {"Type": "AWS::Logs::SubscriptionFilter", "DependsOn": ["A", "B"],
                           "Properties": {"LogGroupName": {"Ref": "B"}}}})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe" and found.pointer == "/Resources/B"
    fixed = applied(data, [found])["Resources"]
    assert "B" not in fixed and fixed["S"]["DependsOn"] == ["A"]
    assert fixed["S"]["Properties"]["LogGroupName"] == {"Ref": "A"}


def test_different_settings_cycles_and_generated_names_are_not_fixed() -> None:
    (found,) = findings(RULE, template({"A": group("/x", RetentionInDays=7), "B": group("/x", RetentionInDays=1)}))
    assert found.fix is None
    looped = template({"A": {**group("/x", RetentionInDays=7), "DependsOn": "S"}, "B": group("/x"),
                       "S": {"Type": "AWS::SNS::Topic", "DependsOn": "B"}})
    (found,) = findings(RULE, looped)
    assert found.fix is None
    assert findings(RULE, template({"A": {"Type": "AWS::SNS::Topic"}, "B": {"Type": "AWS::SNS::Topic"}})) == []
