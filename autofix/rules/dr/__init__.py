"""The DR family: multi-region disaster-recovery failures (the post-mortem's seven, and what followed).

Helpers shared by the family live here too: :mod:`._intent` (is this a DR
template?), :mod:`._s3` (bucket replication facts) and :mod:`._endpoints`
(health checks and the entry points they can probe).
"""

from __future__ import annotations

import sys

from autofix.rules.family import Family, Setting
from autofix.setting_values import instance_class, one_of, region

_HERE = "autofix.rules.dr"
#: The warning an existing configuration of the retired same-stack layout gets (once per process).
LAYOUT_DEPRECATED = ('autofix: warning: [tool.autofix.dr] layout = "same-stack" is deprecated and has no effect: DR '
                     'fixes write the two-region layout (one template deployed in both regions); remove the key')
_warned: list[bool] = []


def _layout(key: str, value: object) -> str:
    """``layout``: the same-stack layout wrote the defect DR008 reports (a "replica" in the source's own region),
    so it is retired; a configuration naming it keeps working, with one warning that says what happens instead."""
    checked = one_of("regions", "same-stack")(key, value)
    if checked == "same-stack" and not _warned:
        _warned.append(True)
        print(LAYOUT_DEPRECATED, file=sys.stderr)
    return checked


def _mode(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value not in ("auto", "true", "false"):
        raise ValueError(f'{key} must be "auto", true or false')
    return str(value)


def _is_dr(template, settings) -> bool:  # imported late: the family is declared before its rules load
    from autofix.rules.dr._intent import is_dr_template

    return is_dr_template(template, settings)

FAMILY = Family(
    prefix="DR",
    name="disaster-recovery",
    summary="Multi-region disaster recovery: replication, failover, global databases",
    rules=(
        f"{_HERE}.dr001_s3_bucket_without_replication:S3BucketWithoutReplication",
        f"{_HERE}.dr002_health_check_placeholder_endpoint:HealthCheckPlaceholderEndpoint",
        f"{_HERE}.dr003_primary_api_missing:PrimaryApiMissing",
        f"{_HERE}.dr004_aurora_cluster_not_global:AuroraClusterNotGlobal",
        f"{_HERE}.dr005_global_table_replica_sse:GlobalTableReplicaSse",
        f"{_HERE}.dr006_replication_destination_missing:ReplicationDestinationMissing",
        f"{_HERE}.dr007_aurora_global_burstable_class:AuroraGlobalBurstableClass",
        f"{_HERE}.dr008_same_region_replication:SameRegionReplication",
        f"{_HERE}.dr009_two_region_deploy_failure:TwoRegionDeployFailure",
        f"{_HERE}.dr010_api_failover_record_without_custom_domain:ApiFailoverRecordWithoutCustomDomain",
        f"{_HERE}.dr011_aurora_global_managed_password:AuroraGlobalManagedPassword",
    ),
    precondition=lambda template, settings: _is_dr(template, settings),
    settings={
        "enabled": Setting("auto", _mode, 'whether DR rules apply: "auto" (decided per template), true or false; '
                                          "the same as the top-level `dr` key and `--dr`"),
        "instance-class": Setting("db.r5.large", instance_class,
                                  "DR007: replacement for burstable Aurora instances in a global cluster"),
        "graviton-instance-class": Setting("db.r6g.large", instance_class,
                                           "DR007: replacement for burstable Graviton (db.t4g) instances"),
        "secondary-region": Setting(None, region, "the DR region, for fixes that name it"),
        "layout": Setting("regions", _layout,
                          'deprecated: DR fixes always write the two-region layout (one template deployed in both '
                          'regions); "same-stack" is accepted with a warning and has no effect'),
    },
)
