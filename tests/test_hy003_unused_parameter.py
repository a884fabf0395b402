"""HY003-HY005: unused parameters, conditions and mappings, and how their removals converge."""

from __future__ import annotations

from rule_harness import findings

from autofix.pipeline import process_text
from autofix.rules.base import Applicability, Rule
from autofix.rules.hy.hy003_unused_parameter import UNUSED_PARAMETER
from autofix.rules.hy.hy004_unused_condition import UNUSED_CONDITION
from autofix.rules.hy.hy005_unused_mapping import UNUSED_MAPPING
from autofix.settings import Settings

S = Settings()


def names(rule, data):
    return [f.pointer.rsplit("/", 1)[1] for f in findings(rule, data, S)]


def test_parameters_used_by_ref_sub_rules_and_outputs_are_kept():
    data = {"Parameters": {p: {"Type": "String"} for p in ("A", "B", "C", "D", "E")},
            "Rules": {"R": {"Assertions": [{"Assert": {"Fn::Equals": [{"Ref": "C"}, "x"]}}]}},
            "Outputs": {"O": {"Value": {"Fn::Sub": "${D}"}}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "A"}}}}}
    assert names(UNUSED_PARAMETER, data) == ["B", "E"]


def test_transform_and_interface_only_use():
    base = {"Parameters": {"A": {"Type": "String"}},
            "Metadata": {"AWS::CloudFormation::Interface": {"ParameterGroups": [{"Parameters": ["A"]}]}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    (f,) = findings(UNUSED_PARAMETER, base, S)
    paths = [op["path"] for op in f.fix.operations]
    assert paths == ["/Parameters", "/Metadata"]
    assert f.fix.applicability.value == "unsafe"
    assert names(UNUSED_PARAMETER, {**base, "Transform": "AWS::Serverless-2016-10-31"}) == []


def test_a_section_written_empty_is_left_alone():
    """``Conditions: {}`` as the author wrote it: cfn-lint passes it, and it holds nothing unused."""
    data = {"Parameters": {}, "Conditions": {}, "Mappings": {}, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    for rule in (UNUSED_PARAMETER, UNUSED_CONDITION, UNUSED_MAPPING):
        assert findings(rule, data, S) == []


def test_a_section_this_run_emptied_is_removed():
    data = {"Parameters": {}, "Conditions": {}, "Mappings": {}, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    emptied = S.with_(emptied_sections=("Conditions", "Mappings", "Parameters"))
    for rule, section in ((UNUSED_PARAMETER, "/Parameters"), (UNUSED_CONDITION, "/Conditions"),
                          (UNUSED_MAPPING, "/Mappings")):
        (f,) = findings(rule, data, emptied)
        assert f.fix.operations == ({"op": "remove", "path": section},)
        assert f.fix.applicability.value == "safe"


class _DropsCondition(Rule):
    """Settles the condition Doomed (its one use becomes the value it gives), as another whole-template
    rule's fix might: in the same round as HY004's removal of the other condition."""

    __doc__ = "## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Fix safety\nx\n## References\nx\n"
    id, name, summary = "WT003", "drops-condition", "removes the condition Doomed"
    fix_applicability = Applicability.SAFE
    reads_whole_template = True

    def check(self, template, settings):
        if "Doomed" in template.conditions:
            fix = self.fixer(template).remove(("Conditions", "Doomed"))
            fix.replace(("Resources", "T", "Properties", "TopicName"), "x")
            yield self.finding("/Conditions/Doomed", "doomed", fix=fix.build("settle Doomed", Applicability.SAFE))


def test_removals_of_one_round_that_empty_a_section_take_it_away_in_the_same_run():
    text = ("Conditions:\n  Doomed: !Equals [a, b]\n  Unused: !Equals [c, d]\n"
            "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n"
            "      TopicName: !If [Doomed, x, y]\n")
    result = process_text(text, "t.yaml", Settings(), fix=True, rules=[_DropsCondition(), UNUSED_CONDITION])
    assert [(a["rule"], a["path"]) for a in result.applied] == [
        ("HY004", "/Conditions/Unused"), ("WT003", "/Conditions/Doomed"), ("HY004", "/Conditions")]
    assert result.fixed == "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: x\n"
    assert not result.errors


def test_a_fix_run_keeps_a_section_written_empty():
    kept = "Conditions: {}\nMappings: {}\nResources:\n  T:\n    Type: AWS::SNS::Topic\n"
    rules = [UNUSED_PARAMETER, UNUSED_CONDITION, UNUSED_MAPPING]
    result = process_text("Parameters:\n  Stale:\n    Type: String\n" + kept, "t.yaml", Settings(unsafe_fixes=True),
                          fix=True, rules=rules)
    assert [a["rule"] for a in result.applied] == ["HY003"]
    assert result.fixed == kept


def test_names_built_by_fn_foreach_make_nothing_unused():
    loop = {"Fn::ForEach::Topics": ["Name", ["A", "B"], {"Topic${Name}": {"Type": "AWS::SNS::Topic"}}]}
    data = {"Parameters": {"P": {"Type": "String"}}, "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}, **loop}}
    plain = {**data, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    assert findings(UNUSED_PARAMETER, data, S) == []
    assert findings(UNUSED_CONDITION, data, S) == []
    assert names(UNUSED_PARAMETER, plain) == ["P"]
    deep = {**plain, "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"Nested": loop}}}}
    assert names(UNUSED_PARAMETER, deep) == []


def test_a_parameter_a_broken_reference_names_is_used():
    data = {"Parameters": {p: {"Type": "String"} for p in ("Env", "Suffix", "Stale")},
            "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
                "VersioningConfiguration": {"Fn::If": ["Env", {"Status": "Enabled"}, {"Ref": "AWS::NoValue"}]},
                "BucketName": {"Fn::Sub": "${Suffix.Value}-bucket"}}}}}
    assert names(UNUSED_PARAMETER, data) == ["Stale"]
