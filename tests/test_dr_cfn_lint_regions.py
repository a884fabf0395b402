"""Every fixed DR corpus template is valid in both regions of a DR pair (cfn-lint, no error codes).

cfn-lint's results come from each case's ``cfn-lint.json`` while their key holds (see ``corpus_cases``).
"""

from __future__ import annotations

import pytest
from corpus_cases import DR_REGIONS, Case, cfn_lint_matches, fixed_cases

pytestmark = pytest.mark.cfn_lint

FIXED = [c for c in fixed_cases() if c.is_dr]


@pytest.mark.parametrize("case", FIXED, ids=[c.id for c in FIXED])
def test_fixed_dr_template_passes_cfn_lint_in_both_regions(case: Case) -> None:
    errors = sorted({f"{region}: {m['rule']} {m['message']}" for region in DR_REGIONS
                     for m in cfn_lint_matches(case, case.output, region) if m["rule"].startswith("E")})
    assert not errors
