"""Fixes relocate before they remove: no fix deletes a scalar unless its rule's documentation says
it may (its "Fix safety" section speaks of removing), and an unsafe removal never lets the
unused-entry rules delete, in the same run, what only the removed part used."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import jsonpointer
from hypothesis import given, note
from rule_harness import findings
from strategies import cfn_templates_data

from autofix.detect import detect
from autofix.intrinsics import values
from autofix.pipeline import process_text
from autofix.registry import get_rule, rules_for
from autofix.rules.sc.sc004_unknown_resource_type import UnknownResourceType
from autofix.settings import Settings

UNSAFE = Settings(unsafe_fixes=True)
#: how a rule's "Fix safety" section says that its fix may remove values
REMOVAL_WORDS = ("remov", "delet", "drop")


def _scalars(value: Any) -> list[Any]:
    return [v for v in values(value) if v is not None and not isinstance(v, (dict, list))]


def lost_scalars(data: Any, operations: tuple[dict[str, Any], ...]) -> list[Any]:
    """Scalars the ``remove`` operations take away that no ``add``/``replace`` of the same fix writes
    back (as a value or inside a string: a value wrapped in a Sub is kept); moves keep everything."""
    state = copy.deepcopy(data)
    removed: list[Any] = []
    written: list[Any] = []
    for op in operations:
        if op["op"] == "remove":
            removed.extend(_scalars(jsonpointer.resolve_pointer(state, op["path"])))
        elif op["op"] in ("add", "replace"):
            written.extend(_scalars(op["value"]))
        state = jsonpatch.apply_patch(state, [op])
    texts = [str(w) for w in written]
    return [s for s in removed if s not in written and not any(str(s) in t for t in texts)]


@given(cfn_templates_data())
def test_no_fix_deletes_a_scalar_unless_its_rule_says_it_may(data: dict) -> None:
    for finding in detect(data, rules_for(UNSAFE), UNSAFE).findings:
        if finding.fix is None:
            continue
        lost = lost_scalars(data, finding.fix.operations)
        if not lost:
            continue
        note(f"{finding.rule_id} {finding.pointer}: {finding.fix.description}; loses {lost}")
        safety = get_rule(finding.rule_id).doc_sections()["Fix safety"].lower()
        assert any(word in safety for word in REMOVAL_WORDS), (
            f"{finding.rule_id}'s fix deletes {lost} but its Fix safety section does not say it removes anything")


def test_lost_scalars_sees_removals_and_not_moves() -> None:
    data = {"A": {"B": "keep", "C": 3}, "D": "x"}
    assert lost_scalars(data, ({"op": "remove", "path": "/A"},)) == ["keep", 3]
    assert lost_scalars(data, ({"op": "move", "from": "/A/B", "path": "/B"}, {"op": "remove", "path": "/A/C"})) == [3]
    assert lost_scalars(data, ({"op": "remove", "path": "/D"},
                               {"op": "add", "path": "/E", "value": {"Fn::Sub": "x-${AWS::Region}"}})) == []


TEMPLATE = """\
Parameters:
  MinimumLength:
    Type: Number
    Default: 14
Resources:
  Topic:
    Type: AWS::SNS::Topic
  PasswordPolicy:
    Type: AWS::IAM::AccountPasswordPolicy
    Properties:
      MinimumPasswordLength: !Ref MinimumLength
"""


def test_an_unsafe_removal_keeps_what_only_the_removed_part_used() -> None:
    (finding,) = findings(UnknownResourceType(), __import__("yaml").safe_load(
        TEMPLATE.replace("!Ref MinimumLength", "{Ref: MinimumLength}")), UNSAFE)
    assert finding.fix.applicability.value == "unsafe"
    assert finding.fix.operations == ({"op": "remove", "path": "/Resources/PasswordPolicy"},)
    result = process_text(TEMPLATE, "t.yaml", UNSAFE, fix=True)
    assert not result.errors
    assert "MinimumLength:" in result.fixed and "PasswordPolicy" not in result.fixed
    assert [a["rule"] for a in result.applied] == ["SC004"]  # HY003 did not remove the parameter
    (left,) = [f for f in result.findings if f.rule_id == "HY003"]
    assert left.fix is None and "unsafe fix of this run" in left.message
    # a later run is the reviewer's: the parameter is unused now, and HY003 offers to remove it
    again = process_text(result.fixed, "t.yaml", UNSAFE, fix=True)
    assert [a["rule"] for a in again.applied] == ["HY003"]
