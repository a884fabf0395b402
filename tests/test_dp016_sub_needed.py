"""DP016 sub-needed: which strings are wrapped in Fn::Sub, and how safely."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp016_sub_needed import SubNeeded

RULE = SubNeeded()
PARAMS = {"Env": {"Type": "String"}}


def topic(**props: object) -> dict:
    return template({"T": {"Type": "AWS::SNS::Topic", "Properties": props}}, Parameters=PARAMS)


def test_one_line_strings_of_declared_names_are_wrapped_safely() -> None:
    data = topic(TopicName="${Env}-${T.TopicName}-${AWS::Region}", Tags=["x-${Env}"])
    found = findings(RULE, data)
    assert {f.fix.applicability.value for f in found} == {"safe"}
    props = applied(data, found)["Resources"]["T"]["Properties"]
    assert props["TopicName"] == {"Fn::Sub": "${Env}-${T.TopicName}-${AWS::Region}"}
    assert props["Tags"] == [{"Fn::Sub": "x-${Env}"}]


def test_other_variables_are_escaped_and_make_the_fix_unsafe() -> None:
    data = topic(DisplayName="${Env} for ${aws:username}")
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe"
    assert found.fix.operations[0]["value"] == {"Fn::Sub": "${Env} for ${!aws:username}"}
    (found,) = findings(RULE, topic(DisplayName="line one ${Env}\nline two\n"))
    assert found.fix.applicability.value == "unsafe"


def test_sub_without_fn_is_renamed() -> None:
    data = topic(TopicName={"Sub": "${Env}-t"})
    (found,) = findings(RULE, data)
    assert applied(data, [found])["Resources"]["T"]["Properties"]["TopicName"] == {"Fn::Sub": "${Env}-t"}


def test_strings_read_by_sub_or_naming_nothing_are_quiet() -> None:
    data = topic(TopicName={"Fn::Sub": ["${A}", {"A": "${Env}"}]}, DisplayName="${Unknown} ${!Env}",
                 Tags=["${stageVariables.x}"])
    assert findings(RULE, data) == []
    machine = template({"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
        "DefinitionString": "{\"x\": \"${Env}\"}", "DefinitionSubstitutions": {"Env": "v"}}}}, Parameters=PARAMS)
    assert findings(RULE, machine) == []
