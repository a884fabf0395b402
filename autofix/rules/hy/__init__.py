"""The HY family: hygiene, safe removals that keep a template's meaning.

Needless ``Fn::Sub``, ``DependsOn`` entries a reference already implies, and
parameters, conditions and mappings nothing uses.  What the unused-name rules
share lives in :mod:`._unused`.
"""

from __future__ import annotations

from autofix.rules.family import Family

_HERE = "autofix.rules.hy"

FAMILY = Family(
    prefix="HY",
    name="hygiene",
    summary="Needless Fn::Sub, redundant DependsOn, unused parameters, conditions and mappings",
    rules=(
        f"{_HERE}.hy001_needless_sub:NeedlessSub",
        f"{_HERE}.hy002_redundant_depends_on:RedundantDependsOn",
        f"{_HERE}.hy003_unused_parameter:UNUSED_PARAMETER",
        f"{_HERE}.hy004_unused_condition:UNUSED_CONDITION",
        f"{_HERE}.hy005_unused_mapping:UNUSED_MAPPING",
    ),
)
