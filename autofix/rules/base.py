"""The rule interface: what every rule, built in or plugged in, provides.

A rule is an object with an ``id`` (``DR001``: its family's prefix and a
number), a kebab-case ``name``, a one-line ``summary``, the cfn-lint rule ids
it resolves, and documentation in fixed sections (What it does / Why is this
bad? / Example / Fix safety / References).  Most rules are classes whose
docstring is the documentation; rules generated from data are instances that
set the same attributes, so the registry holds instances.

Its :meth:`Rule.check` is called as ``check(ctx, settings)``: ``ctx`` is the
read-only view of one template every rule of a detection pass shares (a
:class:`~autofix.context.RuleContext`, a :class:`~autofix.template.Template`
that also holds the shared walk and caches facts several rules need).  It
yields :class:`Finding` objects; a finding may carry a :class:`Fix`, a list of
RFC 6902 operations on the plain view plus a description and an
:class:`Applicability` chosen for that fix.  Rules write pointers with
:func:`~autofix.nodes.join_pointer` (or :func:`~autofix.nodes.extend_pointer`
below a pointer they were given), build fixes with ``self.fixer(ctx)`` and
never touch text: the engine turns pointers into lines and operations into
spliced text.

:class:`Finding`, :class:`Fix` and :class:`Applicability` are defined in the leaf
module :mod:`autofix.model` and re-exported here, where rules and plugins have
always imported them; both import paths name the same classes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from autofix.model import Applicability, Finding, Fix
from autofix.patterns import lazy_pattern

if TYPE_CHECKING:
    from autofix.context import RuleContext
    from autofix.fixes import FixBuilder
    from autofix.settings import Settings

__all__ = ["CFN_LINT_PATTERN", "DOC_SECTIONS", "ID_PATTERN", "NAME_PATTERN", "Applicability", "Finding", "Fix",
           "Rule", "family_prefix"]

#: The longest a finding's message may be: one sentence people scan; the rest goes to its detail.
MAX_MESSAGE = 160
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix safety", "References")
ID_PATTERN = lazy_pattern(r"^([A-Z]{1,4})(\d{3,4})$")
CFN_LINT_PATTERN = lazy_pattern(r"^[EWI]\d{4}$")
NAME_PATTERN = lazy_pattern(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def family_prefix(rule_id: str) -> str:
    """``DR`` for ``DR001``: the letters of a rule id name its family."""
    match = ID_PATTERN.match(rule_id)
    return match.group(1) if match else rule_id.rstrip("0123456789")


def _declared_family(rule: Rule) -> Any:
    """The :class:`~autofix.rules.family.Family` declared by the package holding ``rule``'s class, or None.

    A family is declared as ``FAMILY`` in its package's ``__init__``, which Python imported before the
    rule's module, so it is found in :data:`sys.modules` without the registry (nor an import of the family
    module, which imports this one).
    """
    module = type(rule).__module__
    while "." in module:
        module = module.rpartition(".")[0]
        family = getattr(sys.modules.get(module), "FAMILY", None)
        if getattr(family, "prefix", None) == rule.family:
            return family
    return None


def concise(*messages: str) -> str:
    """The first of ``messages`` (longest and most precise first) that fits :data:`MAX_MESSAGE`,
    else the last one cut at the limit (a long name in it must not break the limit)."""
    for message in messages:
        if len(message) <= MAX_MESSAGE:
            return message
    return messages[-1][:MAX_MESSAGE - 3].rstrip() + "..."


class Rule:
    """Base class of rules.  Subclasses set the attributes and implement
    ``check(self, ctx: RuleContext, settings: Settings)``, which yields findings and builds each fix
    with ``self.fixer(ctx)``.

    Attributes are class attributes for hand-written rules; a rule generated from
    data sets them on the instance (and ``doc`` instead of a docstring).
    """

    id: str = ""
    name: str = ""
    summary: str = ""
    #: The cfn-lint rule ids (``E3002``...) whose findings this rule resolves.
    cfn_lint: tuple[str, ...] = ()
    #: Whether the rule runs when the configuration selects nothing (ruff's default rule set).  On by
    #: default: a rule that resolves a cfn-lint error or warning, or a documented deploy or DR failure.
    #: Opt-in (``extend-select``, or selected by id, name, family prefix or ``ALL``): a rule that
    #: enforces an opinion.  Every built-in rule states it; a plugin rule that does not runs by default.
    enabled_by_default: bool = True
    #: The usual applicability of this rule's fixes, for ``autofix rules`` and docs (None: no fix).
    #: Each fix carries its own, which may differ (a rule can be safe here and unsafe there).
    fix_applicability: Applicability | None = None
    #: Modules this rule needs that autofix does not require (``("cfnlint",)``); without them the
    #: rule is unavailable: listed by ``autofix rules`` as such, never run.
    requires: tuple[str, ...] = ()
    #: Not run on a template that declares a ``Transform`` (SAM, a macro): CloudFormation expands it
    #: into resources, sections and policy statements of its own, so what this rule reads (which names
    #: are declared, which statements a policy holds) is not what is deployed.
    skips_transforms: bool = False
    #: Run only when the family's precondition holds for the template (e.g. DR: a DR template).
    needs_precondition: bool = False
    #: The findings rest on the whole template (what is used, referenced or unique anywhere), so a fix
    #: of another rule in the same round can make them wrong (a parameter "unused" until another fix
    #: references it).  The planner applies such fixes only in a round where no other fix is planned;
    #: the loop re-detects them on the template the other fixes leave.
    reads_whole_template: bool = False
    #: Documentation in the fixed sections, for rules without a docstring (generated ones).
    doc: str | None = None
    #: Resource types without which this rule never reports anything (None: it may fire on any
    #: template).  Data for the engine's fast path: a file declaring none of the types every
    #: selected rule needs never gets its editable document built.  Declare only what is certain.
    resource_types: frozenset[str] | None = None

    @property
    def family(self) -> str:
        return family_prefix(self.id)

    def check(self, ctx: RuleContext, settings: Settings) -> Iterable[Finding]:
        """The findings of this rule on one template: ``ctx`` is the read-only view every rule of the pass
        shares (a :class:`~autofix.context.RuleContext`, which is a :class:`~autofix.template.Template`
        with the shared walk and a cache of facts); ``settings`` the run's settings."""
        raise NotImplementedError

    def missing_requirements(self) -> tuple[str, ...]:
        """The modules of :attr:`requires` that cannot be imported here (found without importing them)."""
        from importlib.util import find_spec

        missing = []
        for module in self.requires:
            try:
                found = find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                missing.append(module)
        return tuple(missing)

    # -- helpers for subclasses

    def finding(
        self,
        pointer: str,
        message: str,
        *,
        fix: Fix | None = None,
        resource: str | None = None,
        detail: str | None = None,
    ) -> Finding:
        """A finding of this rule: ``message`` says what is wrong in one sentence; ``detail`` the why,
        the plan and the reasons for a refusal (shown with ``--show-fixes``, in JSON and SARIF)."""
        return Finding(self.id, pointer, message, fix=fix, resource=resource, rule_name=self.name, detail=detail)

    def fix(self, operations: Iterable[dict[str, Any]], description: str,
            applicability: Applicability | str | None = None) -> Fix:
        """A fix from ready operations; ``applicability`` defaults to :attr:`fix_applicability`."""
        chosen = applicability if applicability is not None else self.fix_applicability
        assert chosen is not None, f"{self.id}: a fix needs an applicability"
        return Fix(tuple(operations), description, Applicability(chosen))

    def fixer(self, ctx: RuleContext) -> FixBuilder:
        """A :class:`~autofix.fixes.FixBuilder` over the plain view of the template ``ctx`` holds."""
        from autofix.fixes import FixBuilder

        return FixBuilder(ctx.data)

    def option(self, settings: Settings, key: str) -> Any:
        """The value of ``key`` in this rule's family settings table.

        Settings from :mod:`autofix.config` hold every family's settings, defaults included.  Settings
        built directly (tests, embedders) may leave keys out: those take the default that the rule's own
        family declares (the ``FAMILY`` of the package holding the rule), never the registry's.
        """
        family = _declared_family(self)
        return settings.family_option(self.family, key) if family is None else family.option(settings, key)

    def documentation(self) -> str:
        import inspect

        return inspect.cleandoc(self.doc or type(self).__doc__ or "")

    def doc_sections(self) -> dict[str, str]:
        """The documentation's ``## Section`` blocks by title."""
        sections: dict[str, str] = {}
        current = None
        lines: list[str] = []
        for line in self.documentation().splitlines():
            if line.startswith("## "):
                if current:
                    sections[current] = "\n".join(lines).strip()
                current, lines = line[3:].strip(), []
            elif current:
                lines.append(line)
        if current:
            sections[current] = "\n".join(lines).strip()
        return sections
