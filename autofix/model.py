"""What detection produces: findings, the fixes they carry, and how far a fix may be trusted.

These value classes are the vocabulary every step shares (rules build them, the
planner and the fix loop read them, reporters print them), so they sit in a
leaf module that imports nothing of autofix: any module can use them without
pulling in the rule interface.  Rules and plugins usually import them from
:mod:`autofix.rules.base`, which re-exports them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple


class Applicability(str, Enum):
    """How far a fix may be trusted (ruff's model).

    ``safe`` keeps the template's intent and is applied by ``autofix fix``;
    ``unsafe`` adds or changes architecture and needs ``--unsafe-fixes``;
    ``display-only`` is shown but never applied.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class Fix(NamedTuple):
    """RFC 6902 operations that repair one finding, what they do, and how far they may be trusted.

    Value classes here are named tuples, not dataclasses: a dataclass compiles its methods when
    its module is imported, and ``dataclasses`` itself is a costly import for ``check``'s start-up.
    """

    operations: tuple[dict[str, Any], ...]
    description: str
    applicability: Applicability


class Finding(NamedTuple):
    """One problem at one JSON pointer of the plain view.

    ``message`` says what is wrong in one sentence (at most 160 characters: it is the line people
    scan); ``detail`` holds the rest, the why, the plan and the reasons a fix is refused, shown on
    request (``--show-fixes``) and in the machine formats.
    """

    rule_id: str
    pointer: str
    message: str
    fix: Fix | None = None
    resource: str | None = None
    rule_name: str = ""
    line: int | None = None
    column: int | None = None
    #: Free-form data a rule attaches for its own use (None: nothing).
    extra: dict[str, Any] | None = None
    #: Set by the engine from :attr:`autofix.rules.base.Rule.reads_whole_template`.
    whole_template: bool = False
    #: Why it matters, what the fix does and why there is none, in as many sentences as it takes
    #: (None: the message says it all).  The engine also takes it from ``extra["detail"]``.
    detail: str | None = None

    @property
    def applicability(self) -> Applicability | None:
        return self.fix.applicability if self.fix else None
