"""DP017 guardduty-data-sources: a GuardDuty detector configured with both DataSources and Features."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

PATCHES = "DP017-guardduty-data-sources"
DETECTOR = "AWS::GuardDuty::Detector"


@lru_cache(maxsize=1)
def feature_of() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(path of a DataSources boolean, the feature that replaced it)."""
    return tuple((tuple(e["path"]), e["feature"]) for e in fragment(PATCHES, "features"))


class GuarddutyDataSources(Rule):
    """## What it does
    Finds GuardDuty detectors that set both `DataSources` and `Features` (cfn-lint E3063), and
    states every data source setting as the feature that replaced it (`S3Logs` ->
    `S3_DATA_EVENTS`, Kubernetes audit logs -> `EKS_AUDIT_LOGS`, EBS malware scans ->
    `EBS_MALWARE_PROTECTION`), removing `DataSources`.

    ## Why is this bad?
    GuardDuty refuses a detector that uses both ("The request failed because both data sources
    and features were provided"): the stack does not deploy.  `Features` is the current form.

    ## Example
    ```yaml
    Detector:
      Type: AWS::GuardDuty::Detector
      Properties:
        Enable: true
        DataSources:
          S3Logs:
            Enable: true
        Features:
          - Name: RDS_LOGIN_EVENTS
            Status: ENABLED
    ```

    Use instead:
    ```yaml
        Features:
          - Name: RDS_LOGIN_EVENTS
            Status: ENABLED
          - Name: S3_DATA_EVENTS
            Status: ENABLED
    ```

    ## Fix safety
    Safe: every data source setting is kept, as its feature (added to `Features` when it is
    not there).  When a feature says the opposite of its data source, or a data source has no
    feature to become (or is not a literal boolean), the finding is reported without a fix.

    ## References
    - [GuardDuty feature activation model](https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-features-activation-model.html)
    - [AWS::GuardDuty::Detector](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-guardduty-detector.html)
    """

    id = "DP017"
    name = "guardduty-data-sources"
    summary = "GuardDuty detector with both DataSources and Features"
    cfn_lint = ("E3063",)
    enabled_by_default = True  # resolves cfn-lint E3063
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({DETECTOR})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, _ in ctx.resources_of(DETECTOR):
            props = ctx.properties(logical_id)
            sources, features = props.get("DataSources"), props.get("Features")
            if sources is None or features is None:
                continue
            pointer = ctx.pointer("Resources", logical_id, "Properties", "DataSources")
            message = f"detector {logical_id} sets both DataSources and Features, of which GuardDuty takes one"
            added = _translated(sources, features)
            if added is None:
                yield self.finding(pointer, message, resource=logical_id)
                continue
            fix = self.fixer(ctx)
            for feature in added:
                fix.add(("Resources", logical_id, "Properties", "Features", "-"), feature)
            fix.remove(pointer)
            yield self.finding(pointer, message, resource=logical_id, fix=fix.build(
                "State the data sources as Features and remove DataSources", Applicability.SAFE))


def _translated(sources: Any, features: Any) -> list[dict[str, str]] | None:
    """The features to add so that ``features`` says all ``sources`` says; None when it cannot."""
    if not isinstance(sources, dict) or not isinstance(features, list):
        return None
    status = {f.get("Name"): f.get("Status") for f in features if isinstance(f, dict)}
    covered: set[str] = set()
    added: list[dict[str, str]] = []
    for path, name in feature_of():
        value: Any = sources
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        covered.add(path[0])
        if not isinstance(value, bool):
            return None
        wanted = "ENABLED" if value else "DISABLED"
        if name in status:
            if status[name] != wanted:
                return None
        else:
            added.append({"Name": name, "Status": wanted})
    return added if set(sources) <= covered else None
