"""Engine properties of splicing edits, independent of any rule.

Random template text (JSON and YAML in many layouts) and random valid RFC 6902
operations at random existing and new paths: applying them through
:meth:`TemplateDocument.apply` must give exactly ``jsonpatch``'s result, read
back the same by ``cfn_flip``, and leave every line outside the edited value
byte-identical and in place.
"""

from __future__ import annotations

import copy
import json

import cfn_flip
import jsonpatch
import jsonpointer
import pytest
from edit_regions import Region, outside_kept, region
from hypothesis import assume, event, given, note, settings
from hypothesis import strategies as st
from strategies import TemplateText, any_values, documents

from autofix.document import TemplateDocument
from autofix.edits import apply_operation_traced, apply_operations
from autofix.errors import EditError
from autofix.nodes import join_pointer
from autofix.template import walk

_NEW_KEYS = st.one_of(
    st.from_regex(r"\A[A-Z][A-Za-z0-9]{0,8}\Z"),
    st.sampled_from(["Properties", "Tags", "a/b", "t~x", "1", "yes", "Fn::Sub", "Ref", "with space", "ü"]),
)


@st.composite
def operation(draw, data) -> dict:
    """One valid add/remove/replace (occasionally move/copy) against ``data``."""
    pointers = [(p, v) for p, v in walk(data)]
    containers = [(p, v) for p, v in pointers if isinstance(v, (dict, list))]
    existing = [p for p, _ in pointers if p]
    kind = draw(st.sampled_from(["add", "add", "remove", "replace", "replace", "move", "copy"]))
    if kind in ("remove", "replace", "move", "copy") and not existing:
        kind = "add"
    if kind == "remove":
        return {"op": "remove", "path": draw(st.sampled_from(existing))}
    if kind == "replace":
        return {"op": "replace", "path": draw(st.sampled_from(existing)), "value": draw(any_values)}
    ptr, container = draw(st.sampled_from(containers))
    if isinstance(container, dict):
        keys = list(container)
        key = draw(st.sampled_from(keys) if keys and draw(st.integers(0, 4)) == 0 else _NEW_KEYS)
        path = ptr + join_pointer(key)
    else:
        idx = draw(st.sampled_from(["-", *range(len(container) + 1)]))
        path = f"{ptr}/{idx}"
    if kind in ("move", "copy"):
        source = draw(st.sampled_from(existing))
        if kind == "move" and (path + "/").startswith(source + "/"):
            kind = "copy"
        return {"op": kind, "path": path, "from": source}
    return {"op": "add", "path": path, "value": draw(any_values)}


def _plain_of(text: str) -> object:
    return json.loads(cfn_flip.to_json(text.lstrip("\ufeff")))


def _load(t: TemplateText) -> TemplateDocument:
    doc = TemplateDocument.from_text(t.text, require_template=False)
    assert doc.data == t.data, "the loader must read back what the strategy wrote"
    assert doc.dumps() == t.text
    return doc


def _check_step(old: TemplateDocument, op: dict) -> TemplateDocument:
    expected = jsonpatch.apply_patch(old.data, [op], in_place=False)
    reg = region(old, op) if op["op"] in ("add", "remove", "replace") else None
    new, rewritten = apply_operation_traced(old, op)
    if rewritten is not None and reg is not None:
        # the local edit was not possible: the engine rewrote the enclosing value it names, and
        # nothing outside that value may change (how often this happens is reported as an event)
        event("escalated: an enclosing value was rewritten")
        whole = Region(0, len(old.text.split("\n")) - 1)
        wider = region(old, {"op": "replace", "path": rewritten}) if rewritten else whole
        reg = Region(min(reg.first, wider.first), max(reg.last, wider.last))
    out = new.dumps()
    note(f"op: {op}\nresult:\n{out}")
    assert new.data == expected
    assert _plain_of(out) == expected, "cfn-flip reads the output differently"
    assert out.startswith("\ufeff") == old.dumps().startswith("\ufeff")
    if "\r\n" in old.text and old.text.count("\n") == old.text.count("\r\n"):
        assert out.count("\n") == out.count("\r\n"), "a CRLF file got a bare LF"
    if expected == old.data:
        assert out == old.dumps(), "an operation that changes no data must change no byte"
    elif reg is not None:
        note(f"region: lines {reg.first + 1}..{reg.last + 1}")
        problem = outside_kept(old.text, new.text, reg)
        assert problem is None, problem
        if reg.last < len(old.text.split("\n")) - 1:
            assert new.text.endswith("\n") == old.text.endswith("\n"), "the final newline changed"
    return new


#: The strongest test of the splicing engine: four times the profile's examples.
@settings(max_examples=4 * settings.default.max_examples)
@given(documents, st.data())
def test_random_operations_match_jsonpatch_and_keep_other_lines(t: TemplateText, data) -> None:
    doc = _load(t)
    ops = []
    for _ in range(data.draw(st.integers(1, 4), label="number of operations")):
        op = data.draw(operation(doc.data), label="operation")
        try:
            jsonpatch.apply_patch(doc.data, [op], in_place=False)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
            continue
        ops.append(op)
        if op["op"] in ("move", "copy"):
            # expressed through remove/add: check each half
            value = copy.deepcopy(jsonpointer.resolve_pointer(doc.data, op["from"]))
            halves = [{"op": "add", "path": op["path"], "value": value}]
            if op["op"] == "move":
                halves.insert(0, {"op": "remove", "path": op["from"]})
            expected = jsonpatch.apply_patch(doc.data, [op], in_place=False)
            for half in halves:
                doc = _check_step(doc, half)
            assert doc.data == expected
        else:
            doc = _check_step(doc, op)
    assume(ops)
    # the whole list at once gives the same bytes as one at a time
    again = apply_operations(_load(t), ops)
    assert again.dumps() == doc.dumps()


@settings(max_examples=max(1, settings.default.max_examples // 4))
@given(documents, st.data())
def test_invalid_operations_raise_edit_error(t: TemplateText, data) -> None:
    doc = _load(t)
    missing = "/" + data.draw(st.from_regex(r"\ANope[a-z]{1,5}\Z"), label="missing key") + "/deeper"
    op = data.draw(st.sampled_from([
        {"op": "remove", "path": missing},
        {"op": "replace", "path": missing, "value": 1},
        {"op": "add", "path": missing + "/x", "value": 1},
        {"op": "test", "path": "/Resources", "value": "not this"},
    ]))
    with pytest.raises(EditError):
        apply_operations(doc, [op])
