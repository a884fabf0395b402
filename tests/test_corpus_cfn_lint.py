"""cfn-lint as the validator: no corpus output gains a cfn-lint error code its input did not have.

cfn-lint's results come from each case's ``cfn-lint.json`` while the linted file, the cfn-lint version
and the region are those it was written for, and from cfn-lint itself otherwise (see ``corpus_cases``).
"""

from __future__ import annotations

import json

import pytest
from corpus_cases import REGION, Case, all_cases, cfn_lint_matches, fixed_cases, write_cfn_lint_snapshot

pytestmark = pytest.mark.cfn_lint

FIXED = fixed_cases()


def error_codes(case: Case, path) -> set[str]:
    return {m["rule"] for m in cfn_lint_matches(case, path, REGION) if m["rule"].startswith("E")}


@pytest.mark.parametrize("case", FIXED, ids=[c.id for c in FIXED])
def test_fixed_output_gains_no_cfn_lint_error(case: Case) -> None:
    before = error_codes(case, case.input)
    after = error_codes(case, case.output)
    assert after <= before, f"new cfn-lint errors: {sorted(after - before)}"
    assert not after, f"cfn-lint errors left in the fixed template: {sorted(after)}"


def test_every_snapshot_belongs_to_a_fixed_case() -> None:
    """No snapshot outlives its output (a fixed case without one is linted afresh, with a warning)."""
    snapshots = {c.cfn_lint for c in all_cases() if c.cfn_lint.exists()}
    assert snapshots <= {c.cfn_lint for c in FIXED}


def test_a_snapshot_is_trusted_only_for_the_bytes_it_was_written_for(tmp_path, monkeypatch) -> None:
    """A snapshot whose key holds is read, not linted; a changed output is linted afresh, and an error it
    gains is seen whatever the snapshot said."""
    import corpus_cases

    monkeypatch.setattr(corpus_cases, "UPDATE", False)
    source = next(c for c in FIXED if c.output.suffix == ".json")
    case = Case(tmp_path / source.id, root=tmp_path)
    case.path.mkdir(parents=True)
    for path in (source.input, source.output, source.cfn_lint):
        if path.exists():
            (case.path / path.name).write_bytes(path.read_bytes())
    write_cfn_lint_snapshot(case)  # lints only what the copied snapshot does not hold
    linted: list[str] = []
    real = corpus_cases.lint
    monkeypatch.setattr(corpus_cases, "lint", lambda path, region: linted.append(path.name) or real(path, region))
    assert error_codes(case, case.output) == set()
    assert linted == []
    broken = json.loads(case.output.read_text(encoding="utf-8"))
    broken["Resources"]["Extra"] = {"Type": "AWS::S3::Bucket", "Properties": {"NoSuchProperty": 1}}
    case.output.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.warns(UserWarning, match="no cfn-lint snapshot for output.json"):
        assert "E3002" in error_codes(case, case.output)
    assert linted == ["output.json"]
