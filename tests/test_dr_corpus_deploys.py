"""Every fixed DR corpus case deploys: its output simulated in both orders of the regions (DR009's simulation),
and as an update of a primary stack that runs its input.

A template that never compares ``AWS::Region`` is simulated as the one stack it is meant to be, in a region
it does not name.  The strict expected failures below are the work list of the DR fixes: each names what the
fixed output still gets wrong, and the entry must go when the fix is mended (a fixed case then passes, and
a strict ``xfail`` that passes fails the run).
"""

from __future__ import annotations

import json
from typing import Any

import cfn_flip
import pytest
from corpus_cases import Case, all_cases

from autofix.pipeline import process_text
from autofix.rules.dr._deploy import Problem, simulate, simulate_update

FIXED = [c for c in all_cases() if c.output.exists() and (c.rule_folder.startswith("DR") or c.rule_folder == "seed")]

#: Fixed outputs (as the case's own selection of rules writes them) that fail the simulation, and why.
FAILS_TODAY = {
    "DR001-s3-bucket-without-replication/edge-conditions-and-collisions":
        "DR001's same-stack layout (configured) writes the copy bucket ReportsCopyBucket under one name "
        "(reports-<env>-copy) into a template whose conditions deploy it in both regions: both stacks create it",
    "DR001-s3-bucket-without-replication/json-long-form":
        "DR001 writes the region layout but leaves AccessLogsBucket named "
        "payments-access-logs-${AWS::AccountId}-${EnvironmentSuffix} in both stacks (it only names it in the "
        "message); with the region added the name can exceed 63 characters, so the layout must be refused or the "
        "bucket renamed within the limit",
    "DR003-primary-api-missing/edge-secondary-condition":
        "the input's global table OrdersTable (no TableName) is created by both stacks and its replicas name "
        "us-east-1 literally; DR003 adds the primary API around it and leaves the table as it is",
}
#: Fixed outputs that deploy fresh but not as an update of a primary stack already running the input, and why.
UPDATE_FAILS_TODAY = {
    "DR008-same-region-replication/yaml-post-mortem-replica-in-primary-stack":
        "DR008 moves S3ReplicaBucket to the secondary region under the same name with DeletionPolicy Retain: on "
        "an existing primary stack the retained old replica keeps the name the secondary stack then creates",
}
#: Outputs that fail even with DR009 added to the case's selection (what it reports without a fix).
FAILS_WITH_DR009 = {
    "DR003-primary-api-missing/edge-secondary-condition":
        "DR009 gates the unnamed global table to the primary, but its replica list names us-east-1 literally: "
        "with us-west-2 as the primary region it has no replica there (reported, no fix)",
    "DR008-same-region-replication/yaml-post-mortem-replica-in-primary-stack":
        UPDATE_FAILS_TODAY["DR008-same-region-replication/yaml-post-mortem-replica-in-primary-stack"],
}


def _cases(known: dict[str, str]) -> list[Any]:
    return [pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=True, reason=known[c.id]))
            if c.id in known else pytest.param(c, id=c.id) for c in FIXED]


def _plain(text: str) -> dict[str, Any]:
    return json.loads(cfn_flip.to_json(text.lstrip("\ufeff")))


def _shown(problems: list[Problem]) -> list[str]:
    return [f"{p.check}: {p.message}" for p in problems]


def _both_orders(template: dict[str, Any]) -> list[Problem]:
    problems = {p.identity: p for p in simulate(template)}
    for problem in simulate(template, swap=True):
        problems.setdefault(problem.identity, problem)
    return list(problems.values())


def test_the_lists_name_cases_that_exist() -> None:
    ids = {c.id for c in FIXED}
    assert set(FAILS_TODAY) | set(UPDATE_FAILS_TODAY) | set(FAILS_WITH_DR009) <= ids


@pytest.mark.parametrize("case", _cases(FAILS_TODAY))
def test_fixed_output_deploys_in_both_orders_of_the_regions(case: Case) -> None:
    assert _shown(_both_orders(_plain(case.output.read_text(encoding="utf-8")))) == []


@pytest.mark.parametrize("case", _cases(UPDATE_FAILS_TODAY))
def test_fixed_output_updates_a_primary_stack_running_the_input(case: Case) -> None:
    before = _plain(case.input.read_text(encoding="utf-8"))
    after = _plain(case.output.read_text(encoding="utf-8"))
    fresh = {p.identity for p in simulate(after)}
    assert _shown([p for p in simulate_update(before, after) if p.identity not in fresh]) == []


@pytest.mark.parametrize("case", _cases(FAILS_WITH_DR009))
def test_with_dr009_the_layout_is_applied_whole(case: Case) -> None:
    settings = case.settings()
    if settings.select and not {"DR", "DR009"} & set(settings.select):
        settings = settings.with_(select=(*settings.select, "DR009"))
    text = case.input.read_text(encoding="utf-8")
    result = process_text(text, case.input.name, settings, fix=True)
    assert not result.errors
    after = _plain(result.fixed)
    problems = {p.identity: p for p in _both_orders(after) + simulate_update(_plain(text), after)}
    assert _shown(list(problems.values())) == []
