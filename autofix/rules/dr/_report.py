"""Findings of the DR rules: a one-sentence message, and the why, the plan or the refusal in a detail.

A message is what a list of findings shows: one sentence of at most 160 characters.  What a DR finding
has to explain (which stack fails, the deploy order, what the fix adds and why, or why there is no fix)
goes into its detail, carried in :attr:`~autofix.model.Finding.extra` under ``"detail"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autofix.model import Finding, Fix

if TYPE_CHECKING:
    from autofix.rules.base import Rule

LIMIT = 160


class NoFix(Exception):
    """A DR finding gets no fix: the message is the reason, shown as "No automatic fix: <reason>."."""


def fit(message: str) -> str:
    """``message`` cut to :data:`LIMIT` characters (a long name in it must not break the limit)."""
    return message if len(message) <= LIMIT else message[:LIMIT - 3].rstrip() + "..."


def finding(rule: Rule, pointer: str, message: str, detail: str, *, fix: Fix | None = None,
            resource: str | None = None, **extra: Any) -> Finding:
    """A finding of ``rule`` with its message fitted and ``detail`` attached."""
    return Finding(rule.id, pointer, fit(message), fix=fix, resource=resource, rule_name=rule.name,
                   extra={"detail": " ".join(detail.split()), **extra})
