"""Step 5, verify: prove the fixed text before anything is written.

The fixed text is parsed again from scratch and must give exactly the data
that applying the emitted RFC 6902 patch to the input gives (the patch
contract); the rules must have nothing left to fix on it.  Any disagreement
means the file is not written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsonpatch

from autofix.detect import detect
from autofix.document import TemplateDocument
from autofix.errors import AutofixError, VerificationError
from autofix.plan import plan
from autofix.rules.base import Rule
from autofix.settings import Settings


def verify(original: Any, patch: list[dict[str, Any]], fixed_text: str, fmt: str, filename: str,
           rules: Sequence[Rule], settings: Settings, rule_ids: Sequence[str]) -> TemplateDocument:
    """Return the re-parsed fixed document, or raise :class:`VerificationError`."""
    ids = ", ".join(sorted(set(rule_ids))) or "no rule"
    try:
        fixed = TemplateDocument.from_text(fixed_text, filename, fmt=fmt)
    except AutofixError as exc:
        raise VerificationError(f"fix failed verification ({ids}): output does not parse: {exc.message}") from None
    try:
        expected = jsonpatch.apply_patch(original, patch, in_place=False)
    except jsonpatch.JsonPatchException as exc:
        raise VerificationError(f"fix failed verification ({ids}): patch does not apply to input: {exc}") from None
    if fixed.data != expected:
        raise VerificationError(f"fix failed verification ({ids}): output differs from input + patch")
    leftover = plan(detect(fixed.data, rules, settings).findings, settings)
    if leftover:
        left = ", ".join(sorted({f.rule_id for f in leftover}))
        raise VerificationError(f"fix failed verification ({ids}): {left} still has fixes to apply")
    return fixed
