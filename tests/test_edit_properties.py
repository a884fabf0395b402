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
from strategies import TemplateText, documents, operation

from autofix.document import TemplateDocument
from autofix.edits import apply_operations
from autofix.errors import EditError
from autofix.reuse import TextBank


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
