"""Settings that shape detection and fixing, from configuration and the command line.

A leaf: it imports nothing of autofix but the size limit, so the rule interface,
the families and the registry can all name :class:`Settings` without a cycle.
The defaults of every family's settings are filled in by :mod:`autofix.config`
(which knows the families); settings built directly (tests, embedders) may leave
them out, and :meth:`autofix.rules.base.Rule.option` then takes the default that
the rule's own family declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, NoReturn

from autofix.limits import DEFAULT_MAX_BYTES


def _read_only(*_: Any, **__: Any) -> NoReturn:
    raise TypeError("settings are immutable: Settings.with_() makes new ones")


class Table(dict):
    """An immutable, hashable ``dict``: a settings table, so that :class:`Settings` can be hashed.

    Still a ``dict`` (it prints, compares and serialises as one); nested mappings are
    tables too and lists become tuples, see :func:`frozen`.
    """

    __slots__ = ()
    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override] - immutable, unlike dict
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Table, (dict(self),))


def frozen(value: Any) -> Any:
    """``value`` with every mapping a :class:`Table` and every list a tuple (scalars as they are)."""
    if isinstance(value, Mapping):
        return Table({k: frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


_EMPTY = Table()


class _Fields(NamedTuple):
    #: The rules to run (ids, names, family prefixes, ``ALL``); empty: the default rule set.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: Rules added to the selection (the way to turn on opt-in rules beside the defaults).
    extend_select: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    #: "auto" decides per template whether it is a multi-region DR template; "true"/"false" force it.
    dr: str = "auto"
    #: The region stacks are deployed to (cfn-lint's region for ``--validate``; DR005 reads it too).
    primary_region: str | None = None
    exclude: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    max_iterations: int = 16
    #: Report ``Metadata: {autofix: {ignore: [...]}}`` entries that suppress nothing.
    show_unused_suppressions: bool = False
    #: Run cfn-lint on fixed templates and refuse fixes that add cfn-lint errors (``fix --validate``).
    validate: bool = False
    #: Text output also shows each finding's detail and fix, and what a fix run resolved (``--show-fixes``).
    show_fixes: bool = False
    #: Family settings tables by table name (``{"dr": {"instance-class": "db.r6i.large"}}``), already
    #: checked.  From :mod:`autofix.config` every family's table is complete, defaults included.
    family_settings: Mapping[str, Mapping[str, Any]] = _EMPTY
    extra: Mapping[str, Any] = _EMPTY
    #: Names (parameters, conditions, mappings) whose uses an unsafe removal of this run took away:
    #: set by the fix loop, so that the unused-entry rules report them without removing them too.
    kept_names: tuple[str, ...] = ()
    #: Top-level sections that held entries in the run's input and that its removals left empty: set by
    #: the fix loop, so that the unused-entry rules remove those and leave alone a section written empty.
    emptied_sections: tuple[str, ...] = ()


class Settings(_Fields):
    """Everything a run needs to know besides the templates.  Immutable, hashable and picklable.

    A named tuple rather than a dataclass, for start-up time (see :class:`autofix.model.Fix`).
    Values are stored :func:`frozen` (the mappings may be given as dicts, the codes as lists), so
    that equal settings hash alike (a cache can be keyed on them) and nothing changes them in place.
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Settings:
        # _make builds the tuple without coming back here
        return cls._make(map(frozen, super().__new__(cls, *args, **kwargs)))

    def _replace(self, **changes: Any) -> Settings:
        return type(self)(*super()._replace(**changes))

    def with_(self, **changes: Any) -> Settings:
        return self._replace(**changes)

    def family_option(self, prefix: str, key: str) -> Any:
        """The family ``prefix``'s setting ``key`` as these settings hold it.

        Settings from :mod:`autofix.config` hold every key of every family, defaults included.
        A key they lack raises KeyError: rules read options through
        :meth:`~autofix.rules.base.Rule.option`, which falls back to their family's declared default.
        """
        table = self.family_settings.get(prefix.lower(), _EMPTY)
        if key in table:
            return table[key]
        raise KeyError(f"family {prefix} has no setting {key!r} in these settings")
