"""Properties of ``autofix fix`` over generated template text (see tests/strategies.py).

1. idempotence: fix(fix(t)) == fix(t), byte for byte, with and without unsafe fixes;
2. convergence: check(fix(t)) has no fixable finding; the fix loop ends well inside its bound;
3. patch equivalence: jsonpatch(cfn_flip JSON of t, patch) == plain view of fix(t);
4. preservation: values outside the patched paths, and every line of t outside the edited regions
   (comments included), come through unchanged and in order;
5. untouched when clean, and any file when no rule is selected;
6. determinism and independence from the order rules are registered in;
7. robust loading: generated data and truncated text load or fail with the tool's own error and a position.
"""

from __future__ import annotations

import json
import random

import cfn_flip
import jsonpatch
import jsonpointer
import pytest
from edit_regions import Region, lines, region
from hypothesis import given, note, settings
from hypothesis import strategies as st
from strategies import TemplateText, any_values, cfn_templates, json_text, yaml_text

from autofix.apply import fix_loop
from autofix.document import TemplateDocument
from autofix.errors import AutofixError
from autofix.load import load_text
from autofix.nodes import split_pointer
from autofix.pipeline import FileResult, process_text
from autofix.plan import allowed
from autofix.registry import rules_for
from autofix.settings import Settings
from autofix.template import walk

SAFE = Settings()
UNSAFE = Settings(unsafe_fixes=True)


def _name(t: TemplateText) -> str:
    return f"template.{t.fmt}"


def _fix(text: str, name: str, settings: Settings, **kw) -> tuple[FileResult, str]:
    result = process_text(text, name, settings, fix=True, **kw)
    assert not result.errors, [e.message for e in result.errors]
    return result, (result.fixed if result.changed else text)


def _plain(text: str) -> object:
    return json.loads(cfn_flip.to_json(text.lstrip("\ufeff")))


def _loaded(t: TemplateText) -> TemplateText:
    doc = TemplateDocument.from_text(t.text)
    assert doc.data == t.data, "the loader must read back what the strategy wrote"
    return t


# ---------------------------------------------------------------- 1, 2, 3


@given(cfn_templates, st.booleans())
def test_fix_is_idempotent_convergent_and_equals_its_patch(t: TemplateText, unsafe: bool) -> None:
    _loaded(t)
    settings = UNSAFE if unsafe else SAFE
    result, fixed = _fix(t.text, _name(t), settings)
    note(f"patch: {json.dumps(result.patch)}\nfixed:\n{fixed}")
    # 1. idempotence
    again, twice = _fix(fixed, _name(t), settings)
    assert twice == fixed and again.patch == []
    # 2. convergence: nothing fixable left, and the loop ended well inside its bound
    check = process_text(fixed, _name(t), settings)
    assert not [f for f in check.findings if allowed(f, settings)]
    doc = TemplateDocument.from_text(t.text)
    outcome = fix_loop(doc, rules_for(settings), settings)
    assert outcome.converged and outcome.iterations <= settings.max_iterations // 2
    assert outcome.document.dumps() == fixed
    # 3. patch equivalence with the reference reader and the reference patch library
    assert jsonpatch.apply_patch(_plain(t.text), result.patch) == _plain(fixed)
    assert fixed.startswith("\ufeff") == t.text.startswith("\ufeff")


# ---------------------------------------------------------------- 4


def _footprint(path: str) -> tuple[str, ...]:
    """A patched path, cut at its first array index (later items shift)."""
    segments = split_pointer(path)
    for i, s in enumerate(segments):
        if s == "-" or s.isdigit():
            return tuple(segments[:i])
    return tuple(segments)


def _regions(doc: TemplateDocument, patch: list[dict]) -> list[Region]:
    """The lines of the input each operation may rewrite (operations inside new values have none)."""
    out = []
    expanded = []
    for op in patch:  # a move removes its source and adds at its target
        if op["op"] == "move":
            expanded += [{"op": "remove", "path": op["from"]}, {"op": "add", "path": op["path"], "value": None}]
        else:
            expanded.append(op)
    for op in expanded:
        try:
            out.append(region(doc, op))
        except (AssertionError, StopIteration, IndexError, ValueError):
            # the path runs through something an earlier operation added
            continue
    return out


@given(cfn_templates, st.booleans())
def test_fix_preserves_everything_outside_the_patch(t: TemplateText, unsafe: bool) -> None:
    _loaded(t)
    result, fixed = _fix(t.text, _name(t), UNSAFE if unsafe else SAFE)
    note(f"patch: {json.dumps(result.patch)}\nfixed:\n{fixed}")
    before, after = _plain(t.text), _plain(fixed)
    touched = [_footprint(op["path"]) for op in result.patch]
    touched += [_footprint(op["from"]) for op in result.patch if "from" in op]
    for pointer, value in walk(before):
        segments = tuple(split_pointer(pointer))
        if any(segments[: len(p)] == p or p[: len(segments)] == segments for p in touched):
            continue
        assert jsonpointer.resolve_pointer(after, pointer) == value, pointer
    # every line outside the edited regions, comments and blank lines included, in order
    doc = TemplateDocument.from_text(t.text)
    regions = _regions(doc, result.patch)
    old, new = lines(doc.text), lines(fixed.lstrip("\ufeff"))
    # the lines outside the regions must appear in the output in order (a subsequence: matched greedily,
    # which finds one whenever one exists, however many identical lines such as "    }" there are)
    j = 0
    for i, line in enumerate(old):
        if any(r.first <= i <= r.last for r in regions):
            continue
        while j < len(new) and new[j] != line:
            j += 1
        if j == len(new):
            raise AssertionError(f"line {i + 1} of the input was lost or changed: {line!r}")
        j += 1


# ---------------------------------------------------------------- 5


@given(cfn_templates, st.booleans())
def test_clean_templates_and_unselected_rules_leave_bytes_alone(t: TemplateText, unsafe: bool) -> None:
    settings = UNSAFE if unsafe else SAFE
    check = process_text(t.text, _name(t), settings)
    if not [f for f in check.findings if allowed(f, settings)]:
        result, fixed = _fix(t.text, _name(t), settings)
        assert not result.changed and fixed == t.text and result.patch == []
    nothing = process_text(t.text, _name(t), settings.with_(ignore=("ALL",)), fix=True)
    assert not nothing.changed and nothing.patch == [] and not nothing.findings


# ---------------------------------------------------------------- 6


@given(cfn_templates, st.randoms(use_true_random=False))
def test_fix_is_deterministic_whatever_the_rule_order(t: TemplateText, rnd: random.Random) -> None:
    rules = list(rules_for(UNSAFE))
    reference, fixed = _fix(t.text, _name(t), UNSAFE)
    again, fixed_again = _fix(t.text, _name(t), UNSAFE)
    assert fixed_again == fixed and again.patch == reference.patch
    rnd.shuffle(rules)
    note(f"rule order: {[r.id for r in rules]}")
    shuffled, fixed_shuffled = _fix(t.text, _name(t), UNSAFE, rules=rules)
    assert fixed_shuffled == fixed
    assert shuffled.patch == reference.patch
    assert [(f.rule_id, f.pointer) for f in shuffled.findings] == [(f.rule_id, f.pointer) for f in reference.findings]


# ---------------------------------------------------------------- 7


def _wrapped(value) -> dict:
    return value if isinstance(value, dict) else {"Value": value}


_data_texts = st.one_of(
    any_values.flatmap(json_text),
    any_values.map(_wrapped).flatmap(yaml_text),
    cfn_templates,
)


@given(_data_texts, st.data())
def test_loading_succeeds_or_fails_with_a_position(t: TemplateText, data) -> None:
    text = t.text
    if data.draw(st.booleans(), label="truncate"):
        text = text[: data.draw(st.integers(0, max(0, len(text) - 1)), label="cut at")]
    try:
        load_text(text, "generated")
    except AutofixError as exc:
        assert exc.line is not None and exc.line >= 1 and (exc.column or 1) >= 1, exc.message
        assert exc.line <= text.count("\n") + 1
    result = process_text(text, "generated", UNSAFE, fix=True)
    for error in result.errors:
        assert error.line is None or error.line >= 1


# ---------------------------------------------------------------- validation by cfn-lint


@settings(max_examples=30)
@given(cfn_templates)
def test_fixes_gain_no_cfn_lint_error(t: TemplateText) -> None:
    """A small sample (cfn-lint takes about a second a template): fixed output gains no error code."""
    cfnlint_api = pytest.importorskip("cfnlint.api")
    result, fixed = _fix(t.text, _name(t), UNSAFE)
    if not result.changed:
        return

    def codes(text: str) -> set[str]:
        matches = cfnlint_api.lint(text.lstrip("\ufeff"), config=cfnlint_api.ManualArgs(regions=["us-east-1"]))
        return {m.rule.id for m in matches if m.rule.id.startswith("E")}

    # the input is linted only when the output has errors (its codes can only excuse those)
    after = codes(fixed)
    gained = after - codes(t.text) if after else set()
    assert not gained, f"new cfn-lint errors {sorted(gained)} after {[a['rule'] for a in result.applied]}"
