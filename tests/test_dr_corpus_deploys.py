"""Every fixed DR corpus case deploys: its output simulated in both orders of the regions (DR009's simulation),
and as an update of a primary stack that runs its input; and every DR rule's fix, on every DR case and the seed,
leaves nothing for DR009 to find that the input did not have.

A template that never compares ``AWS::Region`` is simulated as the one stack it is meant to be, in a region
it does not name.
"""

from __future__ import annotations

import json
from typing import Any

import cfn_flip
import pytest
from corpus_cases import Case, all_cases

from autofix.pipeline import process_text
from autofix.registry import all_rules
from autofix.rules.dr._deploy import Problem, simulate, simulate_update
from autofix.rules.dr._whole import problems

DR_CASES = [c for c in all_cases() if c.rule_folder.startswith("DR") or c.rule_folder == "seed"]
FIXED = [c for c in DR_CASES if c.output.exists()]
DR_RULES = sorted(r.id for r in all_rules() if r.family == "DR")
#: The rules whose fixes write the two-region layout: their result must deploy whole, whatever the input held.
LAYOUT_WRITERS = {"DR001", "DR004", "DR006", "DR008", "DR010", "DR011"}


def _plain(text: str) -> dict[str, Any]:
    return json.loads(cfn_flip.to_json(text.lstrip("\ufeff")))


def _shown(found: list[Problem]) -> list[str]:
    return [f"{p.check}: {p.subject}: {p.message}" for p in found]


def _both_orders(template: dict[str, Any]) -> list[Problem]:
    found = {p.identity: p for p in simulate(template)}
    for problem in simulate(template, swap=True):
        found.setdefault(problem.identity, problem)
    return list(found.values())


@pytest.mark.parametrize("case", FIXED, ids=[c.id for c in FIXED])
def test_fixed_output_deploys_in_both_orders_of_the_regions(case: Case) -> None:
    assert _shown(_both_orders(_plain(case.output.read_text(encoding="utf-8")))) == []


@pytest.mark.parametrize("case", FIXED, ids=[c.id for c in FIXED])
def test_fixed_output_updates_a_primary_stack_running_the_input(case: Case) -> None:
    before = _plain(case.input.read_text(encoding="utf-8"))
    after = _plain(case.output.read_text(encoding="utf-8"))
    fresh = {p.identity for p in simulate(after)}
    assert _shown([p for p in simulate_update(before, after) if p.identity not in fresh]) == []


@pytest.mark.parametrize("case", FIXED, ids=[c.id for c in FIXED])
def test_with_dr009_the_layout_is_applied_whole(case: Case) -> None:
    settings = case.settings()
    if settings.select and not {"DR", "DR009"} & set(settings.select):
        settings = settings.with_(select=(*settings.select, "DR009"))
    text = case.input.read_text(encoding="utf-8")
    result = process_text(text, case.input.name, settings, fix=True)
    assert not result.errors
    after = _plain(result.fixed if result.changed else text)
    assert _shown(problems(_plain(text), after)) == []


def _key(problem: Problem) -> tuple[str, str]:
    return problem.check, problem.subject


@pytest.mark.parametrize("rule", DR_RULES)
@pytest.mark.parametrize("case", DR_CASES, ids=[c.id for c in DR_CASES])
def test_a_dr_fix_leaves_dr009_nothing_the_input_did_not_have(case: Case, rule: str) -> None:
    """Each DR rule alone, with unsafe fixes, on each DR case and the seed: the fixed template deploys in both orders
    of the regions and as an update of the input wherever the input did; a fix that writes the layout deploys whole."""
    settings = case.settings().with_(select=(rule,), unsafe_fixes=True)
    text = case.input.read_text(encoding="utf-8")
    result = process_text(text, case.input.name, settings, fix=True)
    assert not result.errors
    if not result.changed:
        return
    before, after = _plain(text), _plain(result.fixed)
    left = problems(before, after)
    had = {_key(p) for p in problems(before, before)}
    assert _shown([p for p in left if _key(p) not in had]) == []
    if rule in LAYOUT_WRITERS:
        assert _shown(left) == []
