"""Every case under corpus/: findings, emitted patch, output bytes, idempotence, patch contract."""

from __future__ import annotations

import json

import cfn_flip
import jsonpatch
import pytest
from corpus_cases import UPDATE, Case, all_cases, dump_json, write_cfn_lint_snapshot

from autofix.pipeline import process_text

CASES = all_cases()


def _findings(case: Case) -> list[dict]:
    text = case.input.read_text(encoding="utf-8")
    result = process_text(text, case.input.name, case.settings())
    assert not [e for e in result.errors], result.errors
    return [{"rule": f.rule_id, "path": f.pointer, "line": f.line, "column": f.column} for f in result.findings]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_findings(case: Case) -> None:
    got = _findings(case)
    if UPDATE:
        case.findings.write_text(dump_json(got), encoding="utf-8")
    assert got == json.loads(case.findings.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_output_and_patch(case: Case) -> None:
    text = case.input.read_text(encoding="utf-8")
    result = process_text(text, case.input.name, case.settings(), fix=True)
    assert not result.errors, result.errors
    if UPDATE:
        if result.changed:
            case.output.write_bytes(result.fixed.encode("utf-8"))
            case.patch.write_text(dump_json(result.patch), encoding="utf-8")
        else:
            case.output.unlink(missing_ok=True)
            case.patch.unlink(missing_ok=True)
        write_cfn_lint_snapshot(case)
    if not case.output.exists():
        assert not result.changed, "a negative case must stay byte-identical"
        assert result.patch == []
        return
    assert result.fixed == case.output.read_bytes().decode("utf-8")
    assert result.patch == json.loads(case.patch.read_text(encoding="utf-8"))
    # the patch contract: cfn-flip's JSON of the input + the patch == the output's plain view
    before = json.loads(cfn_flip.to_json(text.lstrip("\ufeff")))
    after = json.loads(cfn_flip.to_json(result.fixed.lstrip("\ufeff")))
    assert jsonpatch.apply_patch(before, result.patch) == after
    # idempotence: fixing the output changes nothing
    again = process_text(result.fixed, case.output.name, case.settings(), fix=True)
    assert not again.changed and again.patch == []
