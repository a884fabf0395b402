"""Settings that shape detection and fixing, from configuration and the command line."""

from __future__ import annotations

from typing import Any, NamedTuple

from autofix.limits import DEFAULT_MAX_BYTES


class Settings(NamedTuple):
    """Everything a run needs to know besides the templates.  Immutable and picklable.

    A named tuple rather than a dataclass, for start-up time (see :class:`autofix.model.Fix`);
    the two mappings are never changed in place (``with_`` makes new settings).
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
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
    #: Family settings tables by table name (``{"dr": {"instance-class": "db.r6i.large"}}``),
    #: already checked; keys left out take the family's default.
    family_settings: dict[str, dict[str, Any]] = {}  # noqa: RUF012 - never changed in place
    extra: dict[str, Any] = {}  # noqa: RUF012 - never changed in place

    def with_(self, **changes: Any) -> Settings:
        return self._replace(**changes)

    def family_option(self, prefix: str, key: str) -> Any:
        """The family ``prefix``'s setting ``key``: configured, else the family's declared default."""
        table = self.family_settings.get(prefix.lower(), {})
        if key in table:
            return table[key]
        from autofix.registry import family_of

        family = family_of(prefix)
        if family is None or key not in family.settings:
            raise KeyError(f"family {prefix} has no setting {key!r}")
        return family.settings[key].default
