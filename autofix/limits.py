"""Bounds on input that keep every run finite, whatever the file holds."""

from __future__ import annotations

#: Deepest nesting of mappings and sequences a template may have.  Real templates stay
#: around 20 levels; the bound keeps every recursive step (readers, rules, deep copies,
#: jsonpatch) far from Python's recursion limit, so deep input is an error, not a crash.
MAX_DEPTH = 100

#: Default size limit of one template file (``--max-bytes``).  CloudFormation itself
#: accepts at most 1 MB from S3; ten times that leaves room for generated templates.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def expansion_limit(text_length: int) -> int:
    """How many values a YAML text may expand to through aliases before it counts as a bomb."""
    return 10 * text_length + 10_000
