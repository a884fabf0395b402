"""The HD family: hardening that reviewers of generated templates ask for every time.

Deletion and replacement policies, Availability Zones, secrets, bucket names, key pairs and
AMI ids.  Facts shared by the family live in :mod:`._facts`.
"""

from __future__ import annotations

from autofix.rules.family import Family, Setting
from autofix.setting_values import one_of

_HERE = "autofix.rules.hd"

FAMILY = Family(
    prefix="HD",
    name="hardening",
    summary="Deletion and replacement policies, Availability Zones, secrets, bucket names, key pairs, AMI ids, "
            "invoke permissions",
    rules=(
        f"{_HERE}.hd001_update_replace_policy_missing:UpdateReplacePolicyMissing",
        f"{_HERE}.hd002_stateful_resource_without_policy:StatefulResourceWithoutPolicy",
        f"{_HERE}.hd003_hard_coded_availability_zone:HardCodedAvailabilityZone",
        f"{_HERE}.hd004_plain_secret:PlainSecret",
        f"{_HERE}.hd005_invalid_bucket_name:InvalidBucketName",
        f"{_HERE}.hd006_required_key_pair:RequiredKeyPair",
        f"{_HERE}.hd007_hard_coded_ami:HardCodedAmi",
        f"{_HERE}.hd008_lambda_permission_source_account:LambdaPermissionSourceAccount",
    ),
    settings={
        "stateful-policy": Setting(
            "auto", one_of("auto", "retain", "delete"),
            'HD002: the DeletionPolicy and UpdateReplacePolicy given to stateful resources without one: '
            '"auto" (Snapshot where the type supports it, else Retain), "retain", or "delete" '
            "(throwaway stacks: states the default explicitly)"),
    },
)
