"""DP010 sub-shell-variable: which script variables are escaped, and how safely."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp010_sub_shell_variable import SubShellVariable, _assigned

RULE = SubShellVariable()


def user_data(text: str, **params: dict) -> dict:
    instance = {"Type": "AWS::EC2::Instance", "Properties": {"UserData": {"Fn::Base64": {"Fn::Sub": text}}}}
    return template({"I": instance}, Parameters=params)


def fixed_text(data: dict, found: list) -> str:
    return applied(data, found)["Resources"]["I"]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]


def test_assignments_in_shell_javascript_and_python() -> None:
    assert _assigned("X=1\necho ${X}", "X") and _assigned("export X=1", "X") and _assigned("for X in a b", "X")
    assert _assigned("read -r X Y", "Y") and _assigned("const port = 80", "port") and _assigned("n = 3", "n")
    assert not _assigned("if [ $X == 1 ]", "X") and not _assigned("MY_X=1", "X")


def test_variables_the_script_sets_are_escaped_safely() -> None:
    data = user_data("#!/bin/bash\nN=$(nproc)\necho ${N} \\${M} ${HOME} ${Env}", Env={"Type": "String"})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    assert fixed_text(data, [found]) == "#!/bin/bash\nN=$(nproc)\necho ${!N} \\${!M} ${!HOME} ${Env}"


def test_an_unset_variable_of_a_script_is_an_unsafe_fix() -> None:
    data = user_data("#!/bin/bash\necho ${APP_ENV}")
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe"
    assert fixed_text(data, [found]) == "#!/bin/bash\necho ${!APP_ENV}"


def test_typos_declared_names_and_plain_strings_are_left_to_others() -> None:
    assert findings(RULE, user_data("#!/bin/bash\necho ${Enviroment}", Environment={"Type": "String"})) == []
    plain = template({"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${Missing}-x"}}}})
    assert findings(RULE, plain) == []
    mapped = template({"T": {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": {"Fn::Sub": ["${A}-${!B}", {"A": "x"}]}}}})
    assert findings(RULE, mapped) == []


def test_a_module_resource_in_a_script_is_a_template_name() -> None:
    data = user_data("#!/bin/bash\naws s3 cp x s3://${StoreBucket}/\n")
    assert [f.rule_id for f in findings(RULE, data)] == ["DP010"]
    data["Resources"]["Store"] = {"Type": "My::S3::Store::MODULE", "Properties": {}}
    assert findings(RULE, data) == []
