"""The rule interface: what every rule, built in or plugged in, provides.

A rule is a class with an ``id`` (``DR001``), a kebab-case ``name``, a one-line
``summary`` and a docstring in fixed sections (What it does / Why is this bad? /
Example / Fix safety / References).  Its :meth:`Rule.check` reads the plain
view of a template and yields :class:`Finding` objects; a finding may carry a
:class:`Fix`, a list of RFC 6902 operations on the plain view plus a
description and an :class:`Applicability`.  Rules never touch text: the engine
turns pointers into lines and operations into spliced text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from autofix.settings import Settings
    from autofix.template import Template

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix safety", "References")
ID_PATTERN = re.compile(r"^[A-Z]{1,4}\d{3,4}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class Applicability(str, Enum):
    """How far a fix may be trusted (ruff's model).

    ``safe`` keeps the template's intent and is applied by ``autofix fix``;
    ``unsafe`` adds or changes architecture and needs ``--unsafe-fixes``;
    ``display-only`` is shown but never applied.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True)
class Fix:
    operations: tuple[dict[str, Any], ...]
    description: str
    applicability: Applicability

    def __post_init__(self) -> None:
        object.__setattr__(self, "operations", tuple(self.operations))
        object.__setattr__(self, "applicability", Applicability(self.applicability))


@dataclass(frozen=True)
class Finding:
    """One problem at one JSON pointer of the plain view."""

    rule_id: str
    pointer: str
    message: str
    fix: Fix | None = None
    resource: str | None = None
    rule_name: str = ""
    line: int | None = None
    column: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def applicability(self) -> Applicability | None:
        return self.fix.applicability if self.fix else None


class Rule:
    """Base class of rules.  Subclasses set the class attributes and implement :meth:`check`."""

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    #: The applicability of this rule's fixes, for ``autofix rules`` and docs (None: no fix).
    fix_applicability: ClassVar[Applicability | None] = None
    #: Resource types without which this rule never reports anything (None: it may fire on any
    #: template).  Data for the engine's fast path: a file declaring none of the types every
    #: selected rule needs never gets its editable document built.  Declare only what is certain.
    resource_types: ClassVar[frozenset[str] | None] = None

    def check(self, template: Template, settings: Settings) -> Iterable[Finding]:
        raise NotImplementedError

    # -- helpers for subclasses

    def finding(
        self,
        pointer: str,
        message: str,
        *,
        fix: Fix | None = None,
        resource: str | None = None,
    ) -> Finding:
        return Finding(self.id, pointer, message, fix=fix, resource=resource, rule_name=self.name)

    def fix(self, operations: Iterable[dict[str, Any]], description: str) -> Fix:
        assert self.fix_applicability is not None, f"{self.id} declares no fix applicability"
        return Fix(tuple(operations), description, self.fix_applicability)

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring's ``## Section`` blocks by title."""
        sections: dict[str, str] = {}
        current = None
        lines: list[str] = []
        for line in cls.documentation().splitlines():
            if line.startswith("## "):
                if current:
                    sections[current] = "\n".join(lines).strip()
                current, lines = line[3:].strip(), []
            elif current:
                lines.append(line)
        if current:
            sections[current] = "\n".join(lines).strip()
        return sections
