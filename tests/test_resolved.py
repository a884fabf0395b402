"""Findings resolved by a fix run: places carried through the patch, and the counts the summary shows."""

from __future__ import annotations

import jsonpatch
import pytest

from autofix.model import Finding
from autofix.nodes import split_pointer
from autofix.pipeline import process_text
from autofix.report import Summary
from autofix.resolved import carry, resolved
from autofix.rules.base import Applicability, Rule
from autofix.settings import Settings

DATA = {"Parameters": {"Versions": {"AllowedValues": ["5.7", "8.0", "8.0.11", "8.4"]}},
        "Resources": {"Old Name": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": [{"Key": "a"}]}},
                      "Other": {"Type": "AWS::SNS::Topic"}}}


def _at(data: object, pointer: str) -> object:
    for segment in split_pointer(pointer):
        data = data[int(segment)] if isinstance(data, list) else data[segment]  # type: ignore[index]
    return data


@pytest.mark.parametrize(("patch", "pointer", "carried"), [
    # removing a list element shifts the later ones, and deletes what lay under it
    ([{"op": "remove", "path": "/Parameters/Versions/AllowedValues/1"}],
     "/Parameters/Versions/AllowedValues/3", "/Parameters/Versions/AllowedValues/2"),
    ([{"op": "remove", "path": "/Parameters/Versions/AllowedValues/1"}],
     "/Parameters/Versions/AllowedValues/1", None),
    ([{"op": "remove", "path": "/Parameters/Versions/AllowedValues/1"}],
     "/Parameters/Versions/AllowedValues/0", "/Parameters/Versions/AllowedValues/0"),
    # inserting one (by index or at the end) shifts only what follows it
    ([{"op": "add", "path": "/Parameters/Versions/AllowedValues/0", "value": "9"}],
     "/Parameters/Versions/AllowedValues/2", "/Parameters/Versions/AllowedValues/3"),
    ([{"op": "add", "path": "/Parameters/Versions/AllowedValues/-", "value": "9"}],
     "/Parameters/Versions/AllowedValues/2", "/Parameters/Versions/AllowedValues/2"),
    # a rename (move) takes the subtree along, escaped segments included
    ([{"op": "move", "from": "/Resources/Old Name", "path": "/Resources/OldName"}],
     "/Resources/Old Name/Properties/Tags/0/Key", "/Resources/OldName/Properties/Tags/0/Key"),
    ([{"op": "move", "from": "/Parameters/Versions/AllowedValues/0", "path": "/Parameters/Versions/AllowedValues/-"}],
     "/Parameters/Versions/AllowedValues/0", "/Parameters/Versions/AllowedValues/3"),
    ([{"op": "move", "from": "/Parameters/Versions/AllowedValues/0", "path": "/Parameters/Versions/AllowedValues/-"}],
     "/Parameters/Versions/AllowedValues/2", "/Parameters/Versions/AllowedValues/1"),
    # replacing a value keeps its place but deletes what lay beneath it; so does add over a member
    ([{"op": "replace", "path": "/Resources/Old Name/Properties", "value": {}}],
     "/Resources/Old Name/Properties", "/Resources/Old Name/Properties"),
    ([{"op": "replace", "path": "/Resources/Old Name/Properties", "value": {}}],
     "/Resources/Old Name/Properties/Tags", None),
    ([{"op": "add", "path": "/Resources/Old Name/Properties", "value": {}}],
     "/Resources/Old Name/Properties/Tags", None),
    # adding a member that did not exist leaves a finding pointing there in place
    ([{"op": "add", "path": "/Resources/Other/DeletionPolicy", "value": "Retain"}],
     "/Resources/Other/DeletionPolicy", "/Resources/Other/DeletionPolicy"),
    # digits are list indices only in lists: a mapping key "1" never shifts
    ([{"op": "remove", "path": "/Resources/Other"}], "/Resources/Old Name", "/Resources/Old Name"),
])
def test_a_place_is_carried_through_the_patch(patch: list, pointer: str, carried: str | None) -> None:
    (got,) = carry([pointer], DATA, patch)
    assert got == carried
    if carried is not None and all(op["path"] != carried for op in patch):
        # the carried place holds the same value the original place held
        assert _at(jsonpatch.apply_patch(DATA, patch), carried) == _at(DATA, pointer)


def test_carrying_leaves_the_input_untouched() -> None:
    before = repr(DATA)
    carry(["/Resources/Old Name"], DATA, [{"op": "remove", "path": "/Resources/Old Name"}])
    assert repr(DATA) == before


def _finding(rule: str, pointer: str) -> Finding:
    return Finding(rule, pointer, "m")


def test_resolved_are_the_findings_the_fixed_template_no_longer_has() -> None:
    values = "/Parameters/Versions/AllowedValues"
    before = [_finding("TS001", f"{values}/1"), _finding("TS001", f"{values}/3"),
              _finding("TS002", "/Resources/Old Name"), _finding("TS003", "/Resources/Other")]
    patch = [{"op": "remove", "path": f"{values}/1"},
             {"op": "move", "from": "/Resources/Old Name", "path": "/Resources/OldName"}]
    # after: the shifted value still reported, the renamed resource still reported, a new finding of TS003
    after = [_finding("TS001", f"{values}/2"), _finding("TS002", "/Resources/OldName"),
             _finding("TS003", "/Resources/New")]
    gone = resolved(before, after, DATA, patch)
    assert [(f.rule_id, f.pointer) for f in gone] == [("TS001", f"{values}/1"), ("TS003", "/Resources/Other")]


# ----------------------------------------------------------------- through the pipeline and the summary

DOC = "\n\n".join(f"## {s}\nTest." for s in ("What it does", "Why is this bad?", "Example", "Fix safety", "References"))


class Policies(Rule):
    __doc__ = DOC
    id, name, summary = "TS001", "policies", "a bucket without both policies"
    fix_applicability = Applicability.SAFE

    def check(self, template, settings):
        for lid, resource in template.resources_of("AWS::S3::Bucket"):
            if "DeletionPolicy" not in resource:
                ops = [{"op": "add", "path": template.pointer("Resources", lid, "DeletionPolicy"), "value": "Retain"},
                       {"op": "add", "path": template.pointer("Resources", lid, "UpdateReplacePolicy"),
                        "value": "Retain"}]
                yield self.finding(template.pointer("Resources", lid), f"{lid} has no policies",
                                   fix=self.fix(ops, "add both"))


class ReplacePolicy(Rule):
    """Reports what Policies' fix also resolves; it has no fix of its own."""

    __doc__ = DOC
    id, name, summary = "TS002", "replace-policy", "a bucket without UpdateReplacePolicy"

    def check(self, template, settings):
        for lid, resource in template.resources_of("AWS::S3::Bucket"):
            if "UpdateReplacePolicy" not in resource:
                yield self.finding(template.pointer("Resources", lid, "UpdateReplacePolicy"), f"{lid}: no policy")


TWO_BUCKETS = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n"


def test_the_summary_counts_every_finding_a_fix_resolved() -> None:
    result = process_text(TWO_BUCKETS, "t.yaml", Settings(), fix=True, rules=[Policies(), ReplacePolicy()])
    assert len(result.applied) == 2 and not result.findings
    # placed in the input, in output order
    assert [(f.rule_id, f.line) for f in result.resolved] == [("TS001", 2), ("TS002", 2), ("TS001", 4),
                                                              ("TS002", 4)]
    summary = Summary()
    summary.add(result, Settings())
    assert summary.line(fix=True).startswith("Fixed 4 findings in 1 file (TS001: 2, TS002: 2).")
    assert summary.as_dict()["fixes"] == {"TS001": 2} and summary.as_dict()["resolved"] == {"TS001": 2, "TS002": 2}


def test_a_check_resolves_nothing() -> None:
    result = process_text(TWO_BUCKETS, "t.yaml", Settings(), rules=[Policies(), ReplacePolicy()])
    assert len(result.findings) == 4 and result.resolved == []
