"""Fuzzing: whatever text or bytes come in, the loader and the whole check/fix pipeline only ever
raise (or report) the tool's own errors, and every fix they do make keeps the patch contract."""

from __future__ import annotations

import json

import jsonpatch
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from samples import FIXABLE_JSON, FIXABLE_YAML
from strategies import SYNTAX_TOKENS, mutated

from autofix.document import decode
from autofix.errors import AutofixError
from autofix.load import load_text
from autofix.pipeline import ErrorEntry, process_text
from autofix.settings import Settings

SETTINGS = Settings(unsafe_fixes=True)


def _only_own_errors(text: str) -> None:
    try:
        load_text(text, "fuzz")
    except AutofixError as exc:
        assert exc.message and "\n" not in exc.message
        assert exc.line is None or (exc.line >= 1 and (exc.column or 1) >= 1)


def _pipeline(text: str) -> None:
    for fix in (False, True):
        result = process_text(text, "fuzz", SETTINGS, fix=fix)
        assert all(isinstance(e, ErrorEntry) and "\n" not in e.message for e in result.errors)
        if result.changed:
            _contract(text, result.patch, result.fixed or "")


def _contract(before: str, patch: list[dict], after: str) -> None:
    """jsonpatch.apply_patch(plain(input), patch) == plain(output)."""
    assert jsonpatch.apply_patch(load_text(before).data, patch) == load_text(after).data


@given(st.binary(max_size=2000))
def test_bytes_through_decode_and_load(data: bytes) -> None:
    try:
        text = decode(data)
    except AutofixError:
        return
    _only_own_errors(text)
    _pipeline(text)


@given(st.text(max_size=2000))
def test_text_through_the_pipeline(text: str) -> None:
    _only_own_errors(text)
    _pipeline(text)


@given(st.lists(st.sampled_from(SYNTAX_TOKENS), max_size=80).map("".join))
def test_syntax_soup_through_the_pipeline(text: str) -> None:
    _only_own_errors(text)
    _pipeline(text)


@given(mutated(st.sampled_from([FIXABLE_YAML, FIXABLE_JSON])))
def test_mutated_fixable_templates(text: str) -> None:
    """Cut, insert and replace characters of a template that has a fix: errors or a sound fix."""
    _only_own_errors(text)
    _pipeline(text)


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=12)
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@given(JSON_VALUES, st.sampled_from(["db.t3.medium", "db.t4g.small", "db.r5.large"]), st.booleans())
def test_generated_templates_round_trip(extra, instance_class: str, as_yaml: bool) -> None:
    """Valid templates with arbitrary extra data: a fix, when made, keeps the patch contract."""
    template = json.loads(FIXABLE_JSON)
    template["Resources"]["Instance"]["Properties"]["DBInstanceClass"] = instance_class
    template["Metadata"] = {"Extra": extra}
    text = yaml.safe_dump(template, sort_keys=False) if as_yaml else json.dumps(template, indent=2)
    assume(load_text(text).data == template)  # YAML 1.1 may read some dumped strings back differently
    result = process_text(text, "t", SETTINGS, fix=True)
    assert result.errors == []
    assert result.changed == (instance_class != "db.r5.large")
    if result.changed:
        _contract(text, result.patch, result.fixed or "")
