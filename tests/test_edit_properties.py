"""Engine properties of splicing edits, independent of any rule.

Random template text (JSON and YAML in many layouts) and random valid RFC 6902
operations at random existing and new paths: applying them through
:func:`autofix.edits.apply_operations` must give exactly ``jsonpatch``'s result, read
back the same by ``cfn_flip``, and leave every line outside the patched paths
(see :mod:`edit_regions`) byte-identical and in place, unless the engine reports
the value it rewrote whole.
"""

from __future__ import annotations

import string

import jsonpatch
import jsonpointer
import pytest
from edit_regions import replay
from hypothesis import assume, event, given, note, settings
from hypothesis import strategies as st
from strategies import TemplateText, any_values, documents, words

from autofix.document import TemplateDocument
from autofix.edits import apply_operations
from autofix.errors import EditError
from autofix.nodes import join_pointer
from autofix.reuse import TextBank
from autofix.template import walk

_NEW_KEYS = st.one_of(
    words(string.ascii_uppercase, string.ascii_letters + string.digits, 0, 8),
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


def _load(t: TemplateText) -> TemplateDocument:
    doc = TemplateDocument.from_text(t.text, require_template=False)
    assert doc.data == t.data, "the loader must read back what the strategy wrote"
    assert doc.dumps() == t.text
    return doc


#: The strongest test of the splicing engine: four times the profile's examples.
@settings(max_examples=4 * settings.default.max_examples)
@given(documents, st.data())
def test_random_operations_match_jsonpatch_and_keep_other_lines(t: TemplateText, data) -> None:
    doc = _load(t)
    bank = TextBank(doc)  # as apply_operations copies values: from the text before the first operation
    ops = []
    for _ in range(data.draw(st.integers(1, 4), label="number of operations")):
        op = data.draw(operation(doc.data), label="operation")
        try:
            jsonpatch.apply_patch(doc.data, [op], in_place=False)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
            continue
        ops.append(op)
        doc = replay(doc, [op], bank, note=note, event=event)
    assume(ops)
    # the whole list at once gives the same bytes as one at a time
    again = apply_operations(_load(t), ops)
    assert again.dumps() == doc.dumps()


@settings(max_examples=max(1, settings.default.max_examples // 4))
@given(documents, st.data())
def test_invalid_operations_raise_edit_error(t: TemplateText, data) -> None:
    doc = _load(t)
    missing = "/Nope" + data.draw(st.text(string.ascii_lowercase, min_size=1, max_size=5), label="missing key")
    missing += "/deeper"
    op = data.draw(st.sampled_from([
        {"op": "remove", "path": missing},
        {"op": "replace", "path": missing, "value": 1},
        {"op": "add", "path": missing + "/x", "value": 1},
        {"op": "test", "path": "/Resources", "value": "not this"},
    ]))
    with pytest.raises(EditError):
        apply_operations(doc, [op])
