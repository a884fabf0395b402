"""The rule registry: built-in rules plus plugins from the ``autofix.rules`` entry point group.

An explicit list (pre-commit's model) keeps the built-ins reviewable; plugins
register a :class:`~autofix.rules.base.Rule` subclass (or a module exposing
``RULES``) under the entry point group.  Every rule is held to the interface
here: id and name format, summary, documentation sections, unique id and name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points

from autofix.errors import ConfigError, RegistryError
from autofix.rules.base import DOC_SECTIONS, ID_PATTERN, NAME_PATTERN, Rule

ENTRY_POINT_GROUP = "autofix.rules"

#: Built-in rules as "module:Class", in id order.
BUILTIN_RULES: tuple[str, ...] = (
    "autofix.rules.dr.dr001_s3_bucket_without_replication:S3BucketWithoutReplication",
    "autofix.rules.dr.dr002_health_check_placeholder_endpoint:HealthCheckPlaceholderEndpoint",
    "autofix.rules.dr.dr003_primary_api_missing:PrimaryApiMissing",
    "autofix.rules.dr.dr004_aurora_cluster_not_global:AuroraClusterNotGlobal",
    "autofix.rules.dr.dr005_global_table_replica_sse:GlobalTableReplicaSse",
    "autofix.rules.dr.dr006_replication_destination_missing:ReplicationDestinationMissing",
    "autofix.rules.dr.dr007_aurora_global_burstable_class:AuroraGlobalBurstableClass",
)


def _import(spec: str) -> type[Rule]:
    module, _, attr = spec.partition(":")
    return getattr(import_module(module), attr)


def validate_rule(rule: type[Rule]) -> None:
    """Raise :class:`RegistryError` unless ``rule`` honours the interface."""
    where = f"{rule.__module__}.{rule.__qualname__}"
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        raise RegistryError(f"{where} is not a Rule subclass")
    if not ID_PATTERN.match(rule.id or ""):
        raise RegistryError(f"{where}: rule id {rule.id!r} must look like DR001")
    if not NAME_PATTERN.match(rule.name or ""):
        raise RegistryError(f"{where}: rule name {rule.name!r} must be kebab-case")
    if not rule.summary:
        raise RegistryError(f"{where}: rule {rule.id} has no summary")
    missing = [s for s in DOC_SECTIONS if s not in rule.doc_sections()]
    if missing:
        raise RegistryError(f"{where}: rule {rule.id} documentation lacks sections {missing}")
    if rule.check is Rule.check:
        raise RegistryError(f"{where}: rule {rule.id} does not implement check()")


def build_registry(rules: Iterable[type[Rule]]) -> tuple[type[Rule], ...]:
    """Validate ``rules``, refuse duplicate ids or names, and order them by id."""
    by_id: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for rule in rules:
        validate_rule(rule)
        if rule.id in by_id and by_id[rule.id] is not rule:
            raise RegistryError(f"duplicate rule id {rule.id}: {by_id[rule.id].__module__} and {rule.__module__}")
        if rule.name in names and names[rule.name] != rule.id:
            raise RegistryError(f"duplicate rule name {rule.name} ({names[rule.name]} and {rule.id})")
        by_id[rule.id] = rule
        names[rule.name] = rule.id
    return tuple(by_id[k] for k in sorted(by_id))


def _plugins() -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        if isinstance(obj, type):
            found.append(obj)
        else:
            found.extend(getattr(obj, "RULES", ()))
    return found


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every registered rule, built-in and plugged in, ordered by id."""
    return build_registry([*(_import(s) for s in BUILTIN_RULES), *_plugins()])


def select_rules(
    rules: Sequence[type[Rule]], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> tuple[type[Rule], ...]:
    """Rules chosen by ``select`` (all when empty) minus ``ignore``; ids, names or id prefixes."""
    known = {r.id for r in rules} | {r.name for r in rules}

    def matches(rule: type[Rule], codes: Sequence[str]) -> bool:
        return any(c in (rule.id, rule.name) or (c.isalnum() and rule.id.startswith(c)) for c in codes)

    for code in (*select, *ignore):
        if code not in known and not any(r.id.startswith(code) for r in rules) and code != "ALL":
            raise ConfigError(f"unknown rule {code!r} (see `autofix rules`)")
    chosen = [r for r in rules if not select or "ALL" in select or matches(r, select)]
    return tuple(r for r in chosen if not matches(r, ignore))


def get_rule(code: str) -> type[Rule]:
    for rule in all_rules():
        if code in (rule.id, rule.name) or code.upper() == rule.id:
            return rule
    raise ConfigError(f"unknown rule {code!r} (see `autofix rules`)")
