"""Aurora helpers shared by DR004 (aurora-cluster-not-global) and DR011 (aurora-global-managed-password).

Aurora does not support a master password that Secrets Manager manages (``ManageMasterUserPassword``)
for clusters of a global database.  Both rules replace it with a secret the template generates, read
by the cluster through a dynamic reference.  In the two-region layout the secret is created once, by the
primary region's stack, with a replica in the secondary region (``ReplicaRegions``): after a promotion
the applications of the secondary region read the same password there.  A secondary cluster that joins
the global database takes no master credentials of its own.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from autofix.fixes import FixBuilder
from autofix.patches import fragment
from autofix.rules.dr import _regions
from autofix.template import Template, ref_target

PATCHES = "DR004-aurora-cluster-not-global"


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


class Secret(NamedTuple):
    """A generated master secret replacing ``ManageMasterUserPassword`` (global members cannot use it)."""

    logical_id: str
    resource: dict[str, Any]
    password: dict[str, Any]  # the cluster's MasterUserPassword: a dynamic reference to the secret
    replaces_password: bool  # the cluster has a MasterUserPassword already
    drops_managed_key: bool  # the cluster has a MasterUserSecret (its KMS key moves to the secret)

    def write(self, fix: FixBuilder, cluster_id: str, names: _regions.Layout) -> None:
        """Add the secret in the primary region (replicated to the secondary), drop the managed password, and read
        the password from the secret in the primary region (the secondary cluster takes none)."""
        base = ("Resources", cluster_id, "Properties")
        fix.add(("Resources", self.logical_id), self.resource)
        fix.remove((*base, "ManageMasterUserPassword"))
        if self.drops_managed_key:
            fix.remove((*base, "MasterUserSecret"))
        value = {"Fn::If": [names.is_secondary, {"Ref": "AWS::NoValue"}, self.password]}
        (fix.replace if self.replaces_password else fix.add)((*base, "MasterUserPassword"), value)


def generated_secret(template: Template, cluster_id: str, taken: set[str], names: _regions.Layout) -> Secret | None:
    """The secret replacing the cluster's ``ManageMasterUserPassword``: created by the primary region's stack, with
    a replica in the secondary region, read through a dynamic reference; None when the user name is neither a
    literal nor a parameter, or the cluster has a condition of its own."""
    props = template.properties(cluster_id)
    user = props.get("MasterUsername")
    if isinstance(user, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", user):
        name: Any = user
    elif ref_target(user) and template.is_parameter(ref_target(user) or ""):
        name = "${" + str(ref_target(user)) + "}"
    else:
        return None
    if "Condition" in template.resources[cluster_id]:
        return None
    secret_id = template.unique_id(f"{cluster_id}MasterSecret", taken)
    taken.add(secret_id)
    template_name = "secret_template_literal" if name == user else "secret_template"
    secret = fragment(PATCHES, "master_secret", SecretTemplate=fragment(PATCHES, template_name, UserName=name),
                      SecondaryRegion=names.secondary)
    managed_key = props.get("MasterUserSecret")
    if isinstance(managed_key, dict) and "KmsKeyId" in managed_key:
        secret["Properties"]["KmsKeyId"] = managed_key["KmsKeyId"]
    secret = {"Type": secret["Type"], "Condition": names.is_primary, "Properties": secret["Properties"]}
    return Secret(secret_id, secret, fragment(PATCHES, "master_password", Secret=secret_id),
                  "MasterUserPassword" in props, "MasterUserSecret" in props)


def failover_note(template: Template) -> str:
    """What a template with DNS failover must plan: the secondary cluster is read-only until it is promoted."""
    from autofix.rules.dr._intent import _failover_records

    if not any(_failover_records(r) for r in template.resources.values() if isinstance(r, dict)):
        return ""
    return ("The secondary cluster stays read-only until the global database is switched over or failed over to "
            "it: Route 53 failover moves traffic, not the writer, so plan the promotion and the DNS flip as one "
            "step.")
