"""IAM actions as the policy data cfn-lint ships knows them, and the API names that stand for them.

``cfnlint/data/AdditionalSpecs/Policies.json`` maps each service prefix to its actions (lower-case
names: IAM compares actions without case).  The API operations whose action is named otherwise
(``s3:GetBucketEncryption`` is authorized by ``s3:GetEncryptionConfiguration``) are a table in
``patches/DP009-iam-unknown-action.yaml``; entries naming actions the data does not know are dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from autofix.patches import fragment
from autofix.rules.dp._data import _load

_PATCHES = "DP009-iam-unknown-action"


@lru_cache(maxsize=1)
def service_actions() -> dict[str, frozenset[str]]:
    """Service prefix -> its action names, both lower-case."""
    data = _load("cfnlint.data.AdditionalSpecs", "Policies.json")
    return {service.lower(): frozenset(a.lower() for a in (entry.get("Actions") or {}))
            for service, entry in data.items() if isinstance(entry, dict)}


def known_action(action: str) -> bool | None:
    """Whether ``service:name`` (wildcards allowed) names an action; None for an unknown service."""
    service, _, name = action.lower().partition(":")
    actions = service_actions().get(service)
    if actions is None:
        return None
    if "*" in name or "?" in name:
        pattern = re.compile("^" + re.escape(name).replace(r"\*", ".*").replace(r"\?", ".") + "$")
        return any(pattern.match(a) for a in actions)
    return name in actions


@lru_cache(maxsize=1)
def api_actions() -> dict[str, tuple[str, ...]]:
    """Lower-case ``service:Operation`` -> the actions that authorize it, as the table spells them."""
    found = {}
    for api, actions in fragment(_PATCHES, "api_actions").items():
        if actions and all(known_action(a) for a in actions):
            found[api.lower()] = tuple(actions)
    return found
