"""Splice RFC 6902 operations into template text.

Each operation (move and copy are expressed as remove and add; test only checks) is first
spliced into its container where the container's data changes: the entries removed, inserted
or replaced, in the container's own style (see :mod:`autofix.splices`), with any value that the
template already holds copied from where it is written (see :mod:`autofix.reuse`).  The result is
checked: the re-read text must give exactly the plain data that ``jsonpatch`` gives for the same
operation.  When no splice fits, or its text does not check out, the container is rewritten
whole, then its parent, and so on up to the whole document; such a rewrite loses the comments
and layout of text the operation did not change, so it is returned as a :class:`Rewrite` for
the report.  Correctness never depends on the local strategies; they only keep diffs small.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from autofix.errors import EditError, LoadError, PatchError
from autofix.nodes import MAP, Node, join_pointer, resolve, split_pointer
from autofix.patched import patched
from autofix.render import quoted, render_json, yaml_scalar
from autofix.reuse import TextBank, same
from autofix.splices import NO_READBACK, NO_SPLICE, Rewrite, Splice, Splicer, apply_splices

if TYPE_CHECKING:
    from autofix.document import TemplateDocument

__all__ = ["Rewrite", "Splice", "apply_operation", "apply_operation_traced", "apply_operations",
           "apply_operations_traced"]


# -------------------------------------------------------------- driving


def _normalise(op: dict, plain: Any) -> list[dict]:
    """Express move/copy through add/remove; check ``test`` against the plain view."""
    kind = op.get("op")
    if kind in ("add", "remove", "replace"):
        return [op]
    import jsonpatch  # only fixes need it: kept off the start-up of check
    import jsonpointer

    try:
        if kind == "test":
            patched(plain, [op])
            return []
        if kind in ("move", "copy"):
            value = copy.deepcopy(jsonpointer.resolve_pointer(plain, op["from"]))
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, KeyError) as exc:
        # a failed test or a missing "from" is the patch's fault, reported like any other
        raise PatchError(f"patch does not apply: {exc}") from None
    if kind in ("move", "copy"):
        ops = [{"op": "add", "path": op["path"], "value": value}]
        if kind == "move":
            ops.insert(0, {"op": "remove", "path": op["from"]})
        return ops
    raise PatchError(f"unknown JSON patch operation {kind!r}")


def _located(doc: TemplateDocument, pointer: str) -> tuple[str, Node | None, Node | None, Node] | None:
    """``pointer``'s node with its parent and key node, and the pointer they are found at.

    A pointer that ends inside a short-form tag (``.../Fn::Sub``) names the tag's argument, which
    is the tagged node's own text: the tagged value itself is spliced (its plain form wraps it).
    """
    segments = split_pointer(pointer)
    steps, rest = resolve(doc.root, pointer)
    if rest:
        return None
    while len(steps) > 1 and steps[-1].inner:
        steps = steps[:-1]
        segments = segments[:-1]
    node = steps[-1].node
    parent = None
    for step in reversed(steps[:-1]):
        if step.node is not node:
            parent = step.node
            break
    key = None
    if parent is not None and parent.kind == MAP:
        key = next((k for k, v in parent.items if v is node), None)
    return join_pointer(*segments), parent, key, node


def _attempt(doc: TemplateDocument, expected: Any, pointer: str, *, local: bool, bank: TextBank | None,
             literals: bool) -> tuple[TemplateDocument | None, Splicer | None, bool]:
    """Splice the value at ``pointer`` to its patched form: only what changed (``local``) or whole.

    Returns the new document when its text checks out, the splicer (None when ``pointer`` does not
    name a value of the text), and whether a text was made at all (False: no splice fitted).
    """
    import jsonpointer

    located = _located(doc, pointer)
    if located is None:
        return None, None, False
    pointer, parent, key, node = located
    splicer = Splicer(doc, literals=literals, bank=bank)
    new = jsonpointer.resolve_pointer(expected, pointer)
    if local:
        splices = splicer.diff(parent, key, node, jsonpointer.resolve_pointer(doc.data, pointer), new, pointer)
    else:
        whole = splicer.replaced(parent, key, node, new)
        splices = None if whole is None else [whole]
    text = None if splices is None else apply_splices(doc.text, splices)
    if text is None:
        return None, splicer, False
    try:
        result = doc.reparse(text)
    except LoadError:
        return None, splicer, True
    return (result if same(result.data, expected) else None), splicer, True


def _try(doc: TemplateDocument, expected: Any, pointer: str, *, local: bool,
         bank: TextBank | None) -> tuple[TemplateDocument | None, list[Rewrite], str]:
    """:func:`_attempt`, retried without copied text, then without literal blocks, where those were used.

    Returns the new document (None when nothing checked out), the values rewritten whole on the
    way, and why the first attempt failed.
    """
    copies, literals, why = bank is not None, True, ""
    while True:
        if bank is not None:
            bank.used = False
        new, splicer, made = _attempt(doc, expected, pointer, local=local, bank=bank if copies else None,
                                      literals=literals)
        if new is not None:
            assert splicer is not None
            return new, splicer.rewrites, why
        why = why or (NO_READBACK if made else NO_SPLICE)
        if splicer is None:
            return None, [], why
        if copies and bank is not None and bank.used:
            copies = False
        elif literals and splicer.wrote_literal:
            literals = False
        else:
            return None, [], why


def _whole(doc: TemplateDocument, expected: Any, bank: TextBank | None) -> TemplateDocument:
    for use in (bank, None):
        splicer = Splicer(doc, bank=use)
        splice = splicer.replaced(None, None, doc.root, expected)
        text = splice.apply(doc.text) if splice else None
        try:
            new = doc.reparse(text) if text is not None else None
        except LoadError:
            new = None
        if new is not None and same(new.data, expected):
            return new
    raise EditError("could not express the patch in the template text")


def _renamed(doc: TemplateDocument, op: dict) -> TemplateDocument | None:
    """A ``move`` to another key of the same mapping, written as a new name on the old key: the value keeps
    its text and its place (the order of a mapping's keys means nothing).  None where that does not fit."""
    import jsonpatch
    import jsonpointer

    try:
        source, target = split_pointer(op["from"]), split_pointer(op["path"])
    except (KeyError, ValueError):
        return None
    if not source or source[:-1] != target[:-1] or source == target:
        return None
    located = _located(doc, join_pointer(*source[:-1]))
    if located is None or located[0] != join_pointer(*source[:-1]):
        return None
    node = located[3]
    if node.kind != MAP or node.tag is not None or source[-1] not in node.keys or target[-1] in node.keys:
        return None
    key = node.items[node.keys[source[-1]]][0]
    if doc.format == "json":
        name = render_json(target[-1], doc.style)
    elif key.style in ("'", '"'):
        name = quoted(target[-1], key.style)
    else:
        name = yaml_scalar(target[-1], doc.style, key=True, flow=node.flow)
    try:
        expected = patched(doc.data, [op])
        new = doc.reparse(Splice(key.start, key.end, name).apply(doc.text))
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, LoadError):
        return None
    return new if same(new.data, expected) else None


def apply_operation(doc: TemplateDocument, op: dict) -> TemplateDocument:
    """Apply one add/remove/replace operation, escalating until the text checks out."""
    return apply_operation_traced(doc, op)[0]


def apply_operation_traced(doc: TemplateDocument, op: dict, *,
                           bank: TextBank | None = None) -> tuple[TemplateDocument, list[Rewrite]]:
    """:func:`apply_operation`, also returning the values rewritten whole with text the operation did not
    change (empty when every change was spliced in place).  ``bank``: where values the operation adds
    may be copied from (default: ``doc`` itself)."""
    import jsonpatch  # only fixes need it: kept off the start-up of check
    import jsonpointer

    try:
        expected = patched(doc.data, [op])
    except jsonpointer.JsonPointerException:
        raise PatchError(f"patch does not apply: {op.get('op')} {op.get('path')}: no such path") from None
    except jsonpatch.JsonPatchException as exc:
        reason = str(exc) if len(str(exc)) <= 120 else str(exc)[:117] + "..."
        raise PatchError(f"patch does not apply: {op.get('op')} {op.get('path')}: {reason}") from None
    if same(expected, doc.data):
        return doc, []
    if bank is None:
        bank = TextBank(doc)
    segments = split_pointer(op["path"])
    # the operation's container, spliced where its data changes (the root for a whole-document replace)
    local = join_pointer(*segments[:-1]) if segments else ""
    new, rewrites, why = _try(doc, expected, local, local=True, bank=bank)
    if new is not None:
        return new, rewrites
    # no splice fitted: the container rewritten whole, then its parent, up to the document
    for depth in range(len(segments) - 1, -1, -1):
        pointer = join_pointer(*segments[:depth])
        new, _, _ = _try(doc, expected, pointer, local=False, bank=bank) if depth else (None, [], "")
        if depth == 0:
            new = _whole(doc, expected, bank)
        if new is not None:
            return new, _lost(doc, expected, pointer, why)
    raise AssertionError("unreachable: the whole document is always written")  # pragma: no cover


def _lost(doc: TemplateDocument, expected: Any, pointer: str, why: str) -> list[Rewrite]:
    """The rewrite of the value at ``pointer``, when it lost text the patch did not change."""
    import jsonpointer

    located = _located(doc, pointer)
    if located is None:
        return [Rewrite(pointer, why)]
    pointer, _, _, node = located
    old, new = jsonpointer.resolve_pointer(doc.data, pointer), jsonpointer.resolve_pointer(expected, pointer)
    return [Rewrite(pointer, why)] if Splicer(doc).loses(node, old, new) else []


def apply_operations(doc: TemplateDocument, operations: list[dict]) -> TemplateDocument:
    """Apply RFC 6902 ``operations`` in order; the result's plain view equals jsonpatch's."""
    return apply_operations_traced(doc, operations)[0]


def apply_operations_traced(doc: TemplateDocument, operations: list[dict], *,
                            bank: TextBank | None = None) -> tuple[TemplateDocument, list[Rewrite]]:
    """:func:`apply_operations`, also returning the values rewritten whole (see :class:`Rewrite`).

    Values the operations add are copied, where the template already holds them, from the text
    of ``doc`` as it was before the first operation (or from ``bank``'s document): a value moved
    away by an earlier operation keeps its text at its new place.
    """
    bank = bank or TextBank(doc)
    rewrites: list[Rewrite] = []
    for raw in operations:
        renamed = _renamed(doc, raw) if raw.get("op") == "move" else None
        if renamed is not None:
            doc = renamed
            continue
        for op in _normalise(raw, doc.data):
            doc, done = apply_operation_traced(doc, op, bank=bank)
            rewrites += done
    return doc, rewrites
