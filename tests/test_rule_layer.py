"""The rule layer: families, instances from data, selection, the fix builder, the read-only context."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys

import jsonpatch
import pytest

import autofix.model
import autofix.rules.base
from autofix.context import FrozenDict, RuleContext, freeze
from autofix.detect import detect
from autofix.errors import ConfigError, RegistryError
from autofix.fixes import FixBuilder
from autofix.intrinsics import if_branches, literal, parse_sub, scalar_text
from autofix.nodes import extend_pointer, join_pointer
from autofix.pipeline import process_text
from autofix.registry import all_rules, build_registry, code_matches, families, get_rule, select_rules
from autofix.rules.base import Applicability, Rule
from autofix.settings import Settings
from autofix.template import Template, depends_on, depends_on_entries, property_values

DOC = """## What it does
x
## Why is this bad?
x
## Example
x
## Fix safety
x
## References
x
"""


class TagRule(Rule):
    """One rule class, many instances: each requires one tag key (a rule generated from data)."""

    summary = "resource lacks a required tag"
    fix_applicability = Applicability.SAFE

    def __init__(self, rule_id: str, key: str) -> None:
        self.id, self.name, self.key, self.doc = rule_id, f"missing-tag-{key.lower()}", key, DOC
        self.cfn_lint = ("W9001",)

    def check(self, template, settings):
        for logical_id, resource in template.resources.items():
            tags = template.properties(logical_id).get("Tags", [])
            if not any(isinstance(t, dict) and t.get("Key") == self.key for t in tags):
                fix = self.fixer(template)
                path = ("Resources", logical_id, "Properties", "Tags")
                if fix.exists(path):
                    fix.add((*path, "-"), {"Key": self.key, "Value": "x"})
                else:
                    fix.set(path, [{"Key": self.key, "Value": "x"}])
                yield self.finding(template.pointer(*path), f"{logical_id} lacks tag {self.key}",
                                   fix=fix.build(f"tag {logical_id}", Applicability.UNSAFE if resource.get(
                                       "Type") == "AWS::S3::Bucket" else Applicability.SAFE))


TEMPLATE = """Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Tags:
        - Key: Other
          Value: y
"""


def test_rules_generated_from_data_are_registered_as_instances() -> None:
    rules = build_registry([TagRule("TG001", "Owner"), TagRule("TG002", "Team")])
    assert [r.id for r in rules] == ["TG001", "TG002"]
    assert all(isinstance(r, TagRule) for r in rules)
    assert rules[0].family == "TG"
    with pytest.raises(RegistryError, match="duplicate rule name"):
        build_registry([TagRule("TG001", "Owner"), TagRule("TG002", "Owner")])


def test_applicability_is_chosen_per_fix() -> None:
    result = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=[TagRule("TG001", "Owner")])
    # the topic's fix is safe and applied; the bucket's is unsafe and stays a finding
    assert [a["path"] for a in result.applied] == ["/Resources/Topic/Properties/Tags"]
    assert [f.pointer for f in result.findings] == ["/Resources/Bucket/Properties/Tags"]
    assert result.findings[0].fix.applicability is Applicability.UNSAFE
    unsafe = process_text(TEMPLATE, "t.yaml", Settings(unsafe_fixes=True), fix=True, rules=[TagRule("TG001", "Owner")])
    assert len(unsafe.applied) == 2 and not unsafe.findings


def test_cfn_lint_codes_are_validated() -> None:
    rule = TagRule("TG001", "Owner")
    rule.cfn_lint = ("3002",)
    with pytest.raises(RegistryError, match="cfn_lint"):
        build_registry([rule])


def test_family_prefix_never_captures_another_family() -> None:
    dr = get_rule("DR001")
    assert code_matches(dr, "DR") and code_matches(dr, "dr") and code_matches(dr, "DR00") and code_matches(dr, "dr001")
    assert not code_matches(dr, "D") and not code_matches(dr, "DR1") and not code_matches(dr, "R001")
    with pytest.raises(ConfigError, match="unknown rule 'D'"):
        select_rules(all_rules(), ["D"])
    assert get_rule("dr001") is dr and get_rule("S3-BUCKET-WITHOUT-REPLICATION") is dr


def test_every_rule_belongs_to_a_declared_family() -> None:
    prefixes = {f.prefix for f in families()}
    assert {r.family for r in all_rules()} <= prefixes
    for family in families():
        assert family.table == family.prefix.lower()
        for key, setting in family.settings.items():
            assert setting.help, f"{family.prefix} setting {key} has no help text"


def test_unavailable_rules_are_left_out_and_named_when_selected() -> None:
    rule = TagRule("TG001", "Owner")
    rule.requires = ("a_module_that_is_not_installed",)
    rules = build_registry([rule, TagRule("TG002", "Team")])
    assert [r.id for r in select_rules(rules)] == ["TG002"]
    with pytest.raises(ConfigError, match="TG001 needs a_module_that_is_not_installed"):
        select_rules(rules, ["TG001"])


def test_suppressions_accept_family_prefixes() -> None:
    metadata = "    Metadata:\n      autofix:\n        ignore: [tg]\n"
    bucket = "  Bucket:\n    Type: AWS::S3::Bucket\n"
    text = TEMPLATE.replace(bucket, bucket + metadata)
    result = process_text(text, "t.yaml", Settings(), rules=[TagRule("TG001", "Owner")])
    assert [f.resource for f in result.findings] == ["Topic"]


def test_rules_read_a_read_only_view() -> None:
    class Vandal(Rule):
        __doc__ = DOC
        id, name, summary = "VD001", "vandal", "changes what it reads"

        def check(self, template, settings):
            template.resources["Bucket"]["Type"] = "AWS::SNS::Topic"
            yield from ()

    seen = []

    class Witness(Rule):
        __doc__ = DOC
        id, name, summary = "VD002", "witness", "records what it reads"

        def check(self, template, settings):
            seen.append(template.resources["Bucket"]["Type"])
            yield from ()

    detection = detect({"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}, [Vandal(), Witness()], Settings())
    assert seen == ["AWS::S3::Bucket"]
    assert [e.rule_id for e in detection.errors] == ["VD001"]
    assert "rules read the template" in detection.errors[0].message


@pytest.mark.parametrize(("text", "filename"), [
    ('{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"X": {"Fn::GetAtt": ["B", "Arn"]}}}}}',
     "t.json"),
    ("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: !GetAtt B.Arn\n", "t.yaml"),
    ("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: !GetAtt [B, Arn]\n", "t.yaml"),
])
def test_a_getatt_list_is_read_only_as_a_run_loads_it(text: str, filename: str) -> None:
    """The list of a GetAtt (long form, short form, short form with a list) is as read-only as the rest."""
    from autofix.load import load_text

    class Vandal(Rule):
        __doc__ = DOC
        id, name, summary = "VD001", "vandal", "changes what it reads"

        def check(self, template, settings):
            template.resources["A"]["Properties"]["X"]["Fn::GetAtt"].append("Extra")
            yield from ()

    loaded = load_text(text, filename)
    detection = detect(loaded.context(), [Vandal()], Settings())
    assert [e.rule_id for e in detection.errors] == ["VD001"]
    assert loaded.data["Resources"]["A"]["Properties"]["X"]["Fn::GetAtt"] == ["B", "Arn"]


def test_frozen_values_copy_and_pickle_as_plain_json() -> None:
    data = {"a": [1, {"b": "c"}]}
    frozen = freeze(data)
    assert isinstance(frozen, FrozenDict) and frozen == data
    for copied in (copy.deepcopy(frozen), pickle.loads(pickle.dumps(frozen))):
        assert type(copied) is dict and type(copied["a"]) is list and copied == data
        copied["a"].append(2)  # mutable again
    assert jsonpatch.apply_patch(frozen, [{"op": "add", "path": "/a/-", "value": 3}]) == {"a": [1, {"b": "c"}, 3]}


def test_shared_facts_are_computed_once_per_template() -> None:
    calls = []
    context = RuleContext({"Resources": {"A": {"Type": "X", "Properties": {"B": {"Ref": "P"}}}}})
    for _ in range(3):
        context.cached("fact", lambda: calls.append(1) or len(calls))
    assert calls == [1]
    assert context.reference_graph == {"A": frozenset({"P"})}
    assert context.referrers("P") == ["A"]


def test_fix_builder_creates_missing_parents_and_sees_its_own_operations() -> None:
    data = {"Resources": {"A": {"Type": "X"}}}
    fix = FixBuilder(data)
    fix.set(("Resources", "A", "Properties", "Tags"), [])
    fix.set("/Resources/A/Properties/Name", "n")
    fix.set(("Resources", "A", "Properties", "Name"), "n")  # already so: no operation
    fix.set(("Conditions", "IsProd"), {"Fn::Equals": ["a", "b"]})
    fix.rename(("Resources", "A", "Properties", "Name"), "BucketName")
    fix.set(("Resources", "a/b~c"), {"Type": "Y"})
    assert fix.get(("Resources", "A", "Properties", "BucketName")) == "n"
    assert not fix.exists(("Resources", "A", "Properties", "Name"))
    assert fix.operations[0] == {"op": "add", "path": "/Resources/A/Properties", "value": {"Tags": []}}
    assert fix.operations[-1]["path"] == "/Resources/a~1b~0c"
    result = jsonpatch.apply_patch(data, fix.operations)
    assert result == {"Resources": {"A": {"Type": "X", "Properties": {"Tags": [], "BucketName": "n"}},
                                    "a/b~c": {"Type": "Y"}},
                      "Conditions": {"IsProd": {"Fn::Equals": ["a", "b"]}}}
    assert data == {"Resources": {"A": {"Type": "X"}}}  # the builder never changes what it reads
    built = fix.build("d", "unsafe")
    assert built.applicability is Applicability.UNSAFE and len(built.operations) == 5


def test_intrinsic_helpers() -> None:
    value = {"Fn::If": ["C", "a", {"Fn::If": ["D", {"Ref": "AWS::NoValue"}, "b"]}]}
    assert list(if_branches(value)) == ["a", {"Ref": "AWS::NoValue"}, "b"]
    assert parse_sub({"Fn::Sub": ["x-${A}", {"A": "1"}]}).text == "x-${A}"
    assert literal({"a": ["b", 1]}) == {"a": ["b", 1]} and literal({"a": {"Ref": "X"}}) is None
    assert [scalar_text(v) for v in ("a", 8.0, 3, True, None)] == ["a", "8.0", "3", None, None]


def test_template_helpers_rules_share() -> None:
    assert extend_pointer(join_pointer("Resources", "A"), "Properties", "a/b~c", 0) == \
        join_pointer("Resources", "A", "Properties", "a/b~c", 0) == "/Resources/A/Properties/a~1b~0c/0"
    template = Template({"Resources": {
        "Group": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {"AvailabilityZones": ["a", "b"]},
                  "DependsOn": ["X", {"Ref": "Y"}]},
        "Host": {"Type": "AWS::EC2::Instance", "Properties": {}, "DependsOn": "X"},
        "Odd": {"Type": {"Rain::Module": "m.yaml"}}}})
    places = {"AWS::AutoScaling::AutoScalingGroup": (("AvailabilityZones", "*"),),
              "AWS::EC2::Instance": (("AvailabilityZone",),)}
    assert list(property_values(template, places)) == [
        ("Group", ("Resources", "Group", "Properties", "AvailabilityZones", "0"), "a"),
        ("Group", ("Resources", "Group", "Properties", "AvailabilityZones", "1"), "b")]  # Host has none
    group, host = template.resources["Group"], template.resources["Host"]
    assert depends_on_entries(group) == ["X", {"Ref": "Y"}] and depends_on(group) == ["X"]
    assert depends_on_entries(host) == depends_on(host) == ["X"] and depends_on({}) == []


def test_whole_template_fixes_wait_for_a_round_of_their_own() -> None:
    """An "unused" parameter removed in the same round as another fix starts using it would dangle."""

    class UsesParameter(Rule):
        __doc__ = DOC
        id, name, summary = "WT001", "uses-parameter", "references the region parameter"
        fix_applicability = Applicability.SAFE

        def check(self, template, settings):
            if "Conditions" not in template.data:
                fix = self.fixer(template)
                fix.set(("Conditions", "IsDr"), {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "DrRegion"}]})
                yield self.finding("/Parameters/DrRegion", "use it", fix=fix.build("use it", Applicability.SAFE))

    class RemovesUnused(Rule):
        __doc__ = DOC
        id, name, summary = "WT002", "removes-unused", "removes parameters nothing references"
        fix_applicability = Applicability.SAFE
        reads_whole_template = True

        def check(self, template, settings):
            used = template.referenced_anywhere()
            for name in template.parameters:
                if name not in used:
                    fix = self.fixer(template).remove(("Parameters", name))
                    yield self.finding(f"/Parameters/{name}", "unused", fix=fix.build("drop", Applicability.SAFE))

    text = "Parameters:\n  DrRegion:\n    Type: String\nResources:\n  T:\n    Type: AWS::SNS::Topic\n"
    for rules in ([UsesParameter(), RemovesUnused()], [RemovesUnused(), UsesParameter()]):
        result = process_text(text, "t.yaml", Settings(), fix=True, rules=rules)
        assert [a["rule"] for a in result.applied] == ["WT001"], result.applied
        assert "DrRegion:" in result.fixed and "IsDr" in result.fixed and not result.errors


def test_the_model_classes_are_one_set_under_both_import_paths() -> None:
    """Plugins import Finding, Fix and Applicability from the rule interface; the engine from the leaf model."""
    for name in ("Finding", "Fix", "Applicability"):
        assert getattr(autofix.rules.base, name) is getattr(autofix.model, name)
    loaded = subprocess.run([sys.executable, "-c", "import sys, autofix.model; "
                             "print(sorted(m for m in sys.modules if m.startswith('autofix')))"],
                            capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['autofix', 'autofix.model']"  # a leaf: it imports nothing of autofix


def test_options_on_settings_built_directly_take_the_rules_own_family_default() -> None:
    """Configuration fills every default; a bare Settings (tests, embedders) leaves them to the rule's family."""
    rule = get_rule("HD002")
    assert rule.option(Settings(), "stateful-policy") == "auto"  # declared by autofix.rules.hd's FAMILY
    assert rule.option(Settings(family_settings={"hd": {"stateful-policy": "retain"}}), "stateful-policy") == "retain"
    with pytest.raises(KeyError, match="no setting 'nope'"):
        rule.option(Settings(), "nope")
    assert next(f for f in families() if f.prefix == "DP").option(Settings(), "as-of") is None  # its default
    with pytest.raises(KeyError):  # a rule whose package declares no family has only what the settings hold
        TagRule("TG001", "Owner").option(Settings(), "anything")
    assert TagRule("TG001", "Owner").option(Settings(family_settings={"tg": {"anything": 1}}), "anything") == 1


def test_a_rule_that_skips_transforms_is_not_run_on_a_transformed_template() -> None:
    """The engine, not each rule, keeps such rules off SAM and macro templates."""
    data = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}
    skipping, running = TagRule("TG001", "Team"), TagRule("TG002", "Owner")
    skipping.skips_transforms = True
    plain = detect(data, (skipping, running), Settings()).findings
    assert {f.rule_id for f in plain} == {"TG001", "TG002"}
    transformed = detect({"Transform": "AWS::Serverless-2016-10-31", **data}, (skipping, running), Settings())
    assert {f.rule_id for f in transformed.findings} == {"TG002"}
