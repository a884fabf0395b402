"""Settings that shape detection and fixing, from configuration and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from autofix.limits import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know besides the templates.  Immutable and picklable."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    #: "auto" decides per template whether it is a multi-region DR template; "true"/"false" force it.
    dr: str = "auto"
    primary_region: str | None = None
    secondary_region: str | None = None
    #: Replacement class for burstable Aurora instances in global clusters (DR007).
    instance_class: str = "db.r5.large"
    graviton_instance_class: str = "db.r6g.large"
    exclude: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    max_iterations: int = 12
    #: Report ``Metadata: {autofix: {ignore: [...]}}`` entries that suppress nothing.
    show_unused_suppressions: bool = False
    #: Run cfn-lint on fixed templates and refuse fixes that add cfn-lint errors (``fix --validate``).
    validate: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)
