"""The patch engine and fix loop, driven by small test rules (the real rules have their own tests)."""

from __future__ import annotations

import json
import random

import cfn_flip
import jsonpatch
import pytest

from autofix.errors import ConfigError, RegistryError
from autofix.pipeline import process_text
from autofix.registry import build_registry, select_rules
from autofix.rules.base import Applicability, Rule
from autofix.settings import Settings

DOC = """\
Rule docs.

## What it does
Test.

## Why is this bad?
Test.

## Example
Test.

## Fix safety
Test.

## References
- none
"""


def make_rule(rule_id: str, name: str, check, applicability=Applicability.SAFE):
    return type(f"Rule{rule_id}", (Rule,), {
        "__doc__": DOC, "id": rule_id, "name": name, "summary": f"test rule {rule_id}",
        "fix_applicability": applicability, "check": check,
    })


def needs_versioning(self, template, settings):
    for lid, _ in template.resources_of("AWS::S3::Bucket"):
        if "VersioningConfiguration" not in template.properties(lid):
            ptr = template.pointer("Resources", lid, "Properties", "VersioningConfiguration")
            op = {"op": "add", "path": ptr, "value": {"Status": "Enabled"}}
            if "Properties" not in template.resources[lid]:
                op = {"op": "add", "path": template.pointer("Resources", lid, "Properties"),
                      "value": {"VersioningConfiguration": {"Status": "Enabled"}}}
            yield self.finding(ptr, f"{lid} has no versioning", fix=self.fix([op], "enable versioning"))


def needs_logs_bucket(self, template, settings):
    """Fires once a versioned bucket exists without a companion: a second-round fix."""
    for lid, _ in template.resources_of("AWS::S3::Bucket"):
        props = template.properties(lid)
        if "VersioningConfiguration" in props and f"{lid}Logs" not in template.resources and not lid.endswith("Logs"):
            ptr = template.pointer("Resources", f"{lid}Logs")
            yield self.finding(template.pointer("Resources", lid), f"{lid} has no logs bucket",
                               fix=self.fix([{"op": "add", "path": ptr,
                                              "value": {"Type": "AWS::Logs::LogGroup"}}], "add logs"))


def flip_on(self, template, settings):
    for lid, _ in template.resources_of("AWS::SQS::Queue"):
        if template.properties(lid).get("Fifo") is not True:
            ptr = template.pointer("Resources", lid, "Properties")
            yield self.finding(ptr, "want fifo", fix=self.fix([{"op": "add", "path": ptr,
                                                                  "value": {"Fifo": True}}], "on"))


def flip_off(self, template, settings):
    for lid, _ in template.resources_of("AWS::SQS::Queue"):
        if template.properties(lid).get("Fifo") is not False:
            ptr = template.pointer("Resources", lid, "Properties")
            yield self.finding(ptr, "want standard", fix=self.fix([{"op": "add", "path": ptr,
                                                                      "value": {"Fifo": False}}], "off"))


Versioning = make_rule("TS001", "versioning", needs_versioning)
LogsBucket = make_rule("TS002", "logs-bucket", needs_logs_bucket, Applicability.UNSAFE)
FlipOn = make_rule("TS003", "flip-on", flip_on)
FlipOff = make_rule("TS004", "flip-off", flip_off)

TEMPLATE = """\
Resources:
  # data
  Data:
    Type: AWS::S3::Bucket   # keep me
  Queue:
    Type: AWS::SQS::Queue
"""


def cfn_json(text: str):
    return json.loads(cfn_flip.to_json(text))


def test_check_reports_positions_and_applicability() -> None:
    result = process_text(TEMPLATE, "t.yaml", Settings(), rules=[Versioning()])
    assert [(f.rule_id, f.line, f.column, f.resource, f.applicability) for f in result.findings] == [
        ("TS001", 3, 3, "Data", Applicability.SAFE)]  # the nearest existing ancestor: the resource
    assert result.fixed is None


def test_fix_applies_and_emitted_patch_honours_the_contract() -> None:
    result = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=[Versioning()])
    assert result.changed and not result.findings and not result.errors
    assert "# keep me" in result.fixed and "# data" in result.fixed
    assert jsonpatch.apply_patch(cfn_json(TEMPLATE), result.patch) == cfn_json(result.fixed)


def test_unsafe_fixes_need_the_flag_and_the_loop_reaches_a_fixpoint() -> None:
    rules = [Versioning(), LogsBucket()]
    safe = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=rules)
    assert [f.rule_id for f in safe.findings] == ["TS002"]  # shown, not applied
    full = process_text(TEMPLATE, "t.yaml", Settings(unsafe_fixes=True), fix=True, rules=rules)
    assert [a["rule"] for a in full.applied] == ["TS001", "TS002"]  # TS002 only fires after TS001's fix
    assert not full.findings
    assert jsonpatch.apply_patch(cfn_json(TEMPLATE), full.patch) == cfn_json(full.fixed)
    again = process_text(full.fixed, "t.yaml", Settings(unsafe_fixes=True), fix=True, rules=rules)
    assert not again.changed


def test_a_fix_detects_on_the_input_and_once_after_each_round() -> None:
    """Verification and the findings left reuse the fix loop's last detection, made on the verified text."""
    seen: list[str] = []

    def counting(self, template, settings):
        seen.append("Logs" if "DataLogs" in template.resources else "versioned" if template.properties(
            "Data").get("VersioningConfiguration") else "input")
        return iter(())

    Counting = make_rule("TS098", "counting", counting)
    checked = process_text(TEMPLATE, "t.yaml", Settings(), rules=[Versioning(), Counting()])
    assert checked.findings and seen == ["input"]
    seen.clear()
    one_round = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=[Versioning(), LogsBucket(), Counting()])
    assert [a["rule"] for a in one_round.applied] == ["TS001"] and seen == ["input", "versioned"]
    # the unsafe fix left is reported from that last detection, placed in the fixed text
    assert [(f.rule_id, f.line) for f in one_round.findings] == [("TS002", 3)]
    seen.clear()
    two_rounds = process_text(TEMPLATE, "t.yaml", Settings(unsafe_fixes=True), fix=True,
                              rules=[Versioning(), LogsBucket(), Counting()])
    assert [a["rule"] for a in two_rounds.applied] == ["TS001", "TS002"]
    assert seen == ["input", "versioned", "Logs"] and not two_rounds.findings


def test_unused_suppressions_of_a_fixed_file_are_placed_in_the_fixed_text() -> None:
    text = TEMPLATE + "    Metadata:\n      autofix:\n        ignore: [all, TS001]\n"
    settings = Settings(show_unused_suppressions=True)
    checked = process_text(text, "t.yaml", settings, rules=[Versioning()])
    fixed = process_text(text, "t.yaml", settings, fix=True, rules=[Versioning()])
    assert fixed.changed and fixed.fixed.count("\n") == text.count("\n") + 3  # versioning added above the queue
    expected = [("suppression of every rule (all) suppresses nothing", 9, 18),
                ("suppression names unknown rule 'TS001' (see `autofix rules`)", 9, 23)]
    assert [(f.message, f.line, f.column) for f in checked.findings if f.rule_id == "unused-suppression"] == expected
    assert [(f.message, f.line, f.column) for f in fixed.findings] == [(m, line + 3, c) for m, line, c in expected]


def test_result_does_not_depend_on_rule_order() -> None:
    rules = [Versioning(), LogsBucket()]
    outputs = set()
    for _ in range(6):
        random.shuffle(rules)
        outputs.add(process_text(TEMPLATE, "t.yaml", Settings(unsafe_fixes=True), fix=True, rules=rules).fixed)
    assert len(outputs) == 1


def test_fighting_rules_are_reported_not_looped() -> None:
    result = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=[FlipOn(), FlipOff()])
    assert result.fixed is None
    assert result.fighting == ["TS003", "TS004"]
    assert any("did not converge" in e.message for e in result.errors)


def test_overlapping_fixes_are_deferred_to_the_next_round() -> None:
    def add_a(self, template, settings):
        if "Extra" not in template.resources:
            yield self.finding("/Resources", "a", fix=self.fix([{"op": "add", "path": "/Resources/Extra",
                                                                 "value": {"Type": "AWS::SNS::Topic"}}], "a"))

    def add_b(self, template, settings):
        if "Extra" not in template.resources:
            yield self.finding("/Resources", "b", fix=self.fix([{"op": "add", "path": "/Resources/Extra",
                                                                 "value": {"Type": "AWS::SQS::Queue"}}], "b"))

    rules = [make_rule("TS010", "add-a", add_a)(), make_rule("TS011", "add-b", add_b)()]
    for order in (rules, rules[::-1]):
        result = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=order)
        assert [a["rule"] for a in result.applied] == ["TS010"]
        assert cfn_json(result.fixed)["Resources"]["Extra"] == {"Type": "AWS::SNS::Topic"}


def test_a_crashing_rule_becomes_an_error_entry() -> None:
    def boom(self, template, settings):
        raise KeyError("nope")
        yield  # pragma: no cover

    result = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=[make_rule("TS020", "boom", boom)(),
                                                                              Versioning()])
    assert result.changed
    assert [e.rule for e in result.errors] == ["TS020"]
    assert "rule crashed" in result.errors[0].message


def test_a_fix_that_does_not_apply_is_reported() -> None:
    def bad(self, template, settings):
        yield self.finding("/Resources", "x", fix=self.fix([{"op": "remove", "path": "/Resources/Nope"}], "x"))

    result = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=[make_rule("TS021", "bad", bad)()])
    assert not result.changed
    assert result.errors and result.errors[0].rule == "TS021"


def test_registry_refuses_duplicates_and_bad_rules() -> None:
    with pytest.raises(RegistryError, match="duplicate rule id TS001"):
        build_registry([Versioning, make_rule("TS001", "other", needs_versioning)])
    with pytest.raises(RegistryError, match="duplicate rule name"):
        build_registry([Versioning, make_rule("TS099", "versioning", needs_versioning)])
    with pytest.raises(RegistryError, match="kebab-case"):
        build_registry([make_rule("TS030", "Not_Kebab", needs_versioning)])
    with pytest.raises(RegistryError, match="must look like"):
        build_registry([make_rule("bad", "fine-name", needs_versioning)])
    undocumented = make_rule("TS031", "undocumented", needs_versioning)
    undocumented.__doc__ = "No sections."
    with pytest.raises(RegistryError, match="lacks sections"):
        build_registry([undocumented])
    assert [type(r) for r in build_registry([FlipOff, Versioning, FlipOn])] == [Versioning, FlipOn, FlipOff]


def _types(rules) -> list[type]:
    return [type(r) for r in rules]


def test_select_and_ignore_by_id_name_and_prefix() -> None:
    rules = build_registry([Versioning, LogsBucket, FlipOn])
    assert _types(select_rules(rules, ["TS001"])) == [Versioning]
    assert _types(select_rules(rules, ["ts001"])) == [Versioning]  # ids match case-insensitively
    assert _types(select_rules(rules, ["logs-bucket"])) == [LogsBucket]
    assert _types(select_rules(rules, ["TS"], ["flip-on"])) == [Versioning, LogsBucket]
    assert _types(select_rules(rules, ["TS00"])) == [Versioning, LogsBucket, FlipOn]
    with pytest.raises(ConfigError, match="unknown rule"):
        select_rules(rules, ["XX999"])


def test_no_rule_selected_leaves_any_file_untouched() -> None:
    result = process_text(TEMPLATE, "t.yaml", Settings(), fix=True, rules=[])
    assert not result.changed and not result.findings


def test_plugins_from_entry_points_join_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    import autofix.registry as registry

    module = types.SimpleNamespace(RULES=[FlipOn])

    class EntryPoint:
        def __init__(self, obj):
            self.obj = obj

        def load(self):
            return self.obj

    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [EntryPoint(Versioning), EntryPoint(module)] if group == "autofix.rules" else [])
    registry.reset()
    try:
        ids = [r.id for r in registry.all_rules()]
        assert {"TS001", "TS003", "DR001", "DR007"} <= set(ids)
        assert ids == sorted(ids)
        # a plugin reusing a built-in id is refused
        clash = make_rule("DR001", "clash", needs_versioning)
        monkeypatch.setattr(registry, "entry_points", lambda group: [EntryPoint(clash)])
        registry.reset()
        with pytest.raises(RegistryError, match="duplicate rule id DR001"):
            registry.all_rules()
    finally:
        registry.reset()
