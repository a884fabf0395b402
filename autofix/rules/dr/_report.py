"""Findings of the DR rules: a one-sentence message, and the why, the plan or the refusal in a detail.

A message is what a list of findings shows: one sentence of at most 160 characters.  What a DR finding
has to explain (which stack fails, the deploy order, what the fix adds and why, or why there is no fix)
goes into its :attr:`~autofix.model.Finding.detail`.
"""

from __future__ import annotations

from autofix.model import Finding, Fix
from autofix.rules.base import Rule, concise


class NoFix(Exception):
    """A DR finding gets no fix: the message is the reason, shown as "No automatic fix: <reason>."."""


def finding(rule: Rule, pointer: str, message: str, detail: str, *, fix: Fix | None = None,
            resource: str | None = None) -> Finding:
    """A finding of ``rule`` with its message fitted to the limit and ``detail`` (a text written over
    several source lines) on one line."""
    return rule.finding(pointer, concise(message), fix=fix, resource=resource, detail=" ".join(detail.split()))


def refused(rule: Rule, pointer: str, message: str, why: str, reason: NoFix, *, resource: str) -> Finding:
    """A finding that gets no fix: why the failure matters, then why nothing is offered."""
    return finding(rule, pointer, message, f"{why} No automatic fix: {reason}.", resource=resource)
