"""DR004 aurora-cluster-not-global: an Aurora cluster of a DR template outside any global database."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import sub_names
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _aurora, _regions, _whole
from autofix.rules.dr._intent import dr_context
from autofix.rules.dr._names import bounds_to_add
from autofix.rules.dr._report import NoFix, finding, refused
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target, strings_in

PATCHES = "DR004-aurora-cluster-not-global"
AURORA_ENGINES = ("aurora", "aurora-mysql", "aurora-postgresql")
#: Engine modes a global database accepts (absent means provisioned; Serverless v2 is provisioned).
GLOBAL_MODES = ("provisioned",)
#: Properties that restore or clone a cluster: such a cluster is not created by CreateDBCluster.
RESTORE_PROPERTIES = ("SnapshotIdentifier", "SourceDBClusterIdentifier", "RestoreType", "SourceDbClusterResourceId")
#: Copied from the cluster to the new global cluster when the cluster sets them (Engine,
#: EngineVersion and StorageEncrypted are inherited from the source cluster and must not be given).
COPIED = ("DeletionProtection",)
SUFFIX = "-global"
MAX_IDENTIFIER = 63


def _kebab(logical_id: str) -> str:
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|[A-Z]+|\d+", logical_id)
    return "-".join(w.lower() for w in words) or "cluster"


def _engine(template: Template, value: Any) -> str | None:
    """The Aurora engine named by ``value`` (a literal, or a parameter whose every value is Aurora)."""
    if isinstance(value, str):
        return value.lower() if value.lower() in AURORA_ENGINES else None
    param = ref_target(value)
    if param and template.is_parameter(param):
        default = template.parameter_default(param)
        allowed = template.parameters[param].get("AllowedValues")
        values = allowed if isinstance(allowed, list) and allowed else [default]
        if all(isinstance(v, str) and v.lower() in ("aurora-mysql", "aurora-postgresql") for v in values):
            return str(default or values[0]).lower()
    return None


def global_identifier(cluster_id: str, name: Any) -> Any:
    """A GlobalClusterIdentifier derived from the cluster's own ``DBClusterIdentifier`` expression."""
    if isinstance(name, str):
        base = name.rstrip("-")[: MAX_IDENTIFIER - len(SUFFIX)].rstrip("-")
        return base + SUFFIX
    if isinstance(name, dict) and len(name) == 1 and "Fn::Sub" in name:
        arg = name["Fn::Sub"]
        if isinstance(arg, str):
            return {"Fn::Sub": arg.rstrip("-") + SUFFIX}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            return {"Fn::Sub": [arg[0].rstrip("-") + SUFFIX, arg[1]]}
    param = ref_target(name)
    if param and not param.startswith("AWS::"):
        return {"Fn::Sub": "${" + param + "}" + SUFFIX}
    return {"Fn::Join": ["", [name, SUFFIX]]}


def _replicated_sources(template: Template) -> tuple[bool, set[str]]:
    """(any cluster here is a cross-region read replica, logical ids it names as its source)."""
    found = False
    sources: set[str] = set()
    for logical_id, _ in template.resources_of("AWS::RDS::DBCluster"):
        source = template.properties(logical_id).get("ReplicationSourceIdentifier")
        if source in (None, ""):
            continue
        found = True
        target = ref_target(source) or (getatt_target(source) or (None,))[0]
        if target:
            sources.add(target)
    return found, sources


def _global_sources(template: Template) -> set[str]:
    sources = set()
    for logical_id, _ in template.resources_of("AWS::RDS::GlobalCluster"):
        props = template.properties(logical_id)
        source = props.get("SourceDBClusterIdentifier")
        target = ref_target(source) or (getatt_target(source) or (None,))[0]
        if target:
            sources.add(target)
        sources.update(s for s in strings_in(source) if s)
    return sources


def _orphan_global_clusters(template: Template) -> list[str]:
    """Global clusters with no source and no member cluster in this template."""
    members: set[str] = set()
    for logical_id, _ in template.resources_of("AWS::RDS::DBCluster"):
        value = template.properties(logical_id).get("GlobalClusterIdentifier")
        target = ref_target(value)
        if target:
            members.add(target)
        members.update(s for s in strings_in(value) if s)
    orphans = []
    for logical_id, _ in template.resources_of("AWS::RDS::GlobalCluster"):
        props = template.properties(logical_id)
        if "SourceDBClusterIdentifier" in props or logical_id in members:
            continue
        if isinstance(props.get("GlobalClusterIdentifier"), str) and props["GlobalClusterIdentifier"] in members:
            continue
        orphans.append(logical_id)
    return orphans


_ENV_PARAM = lazy_pattern(r"^(environment_?suffix|env_?suffix|suffix|environment|env|stage)(_?name)?$", re.IGNORECASE)


def _normalize(value: Any) -> str | None:
    from autofix.rules.dr._s3 import normalize

    return normalize(value)


class AuroraClusterNotGlobal(Rule):
    """## What it does
    In a multi-region disaster-recovery template (see the DR context: failover records, global
    tables, S3 replication to another region, secondary-region parameters...), finds Aurora
    `AWS::RDS::DBCluster` resources (`aurora-mysql`, `aurora-postgresql`, `aurora`; provisioned,
    including Serverless v2) that belong to no Aurora global database: no
    `GlobalClusterIdentifier`, not the `SourceDBClusterIdentifier` of an `AWS::RDS::GlobalCluster`.

    Not flagged: Serverless v1 clusters (`EngineMode: serverless`, which global databases do not
    support), clusters restored from a snapshot or cloned, and templates whose Aurora DR design is
    a cross-region read replica (a cluster with `ReplicationSourceIdentifier`), which is a valid
    alternative to a global database.  Nothing is reported outside a DR template.

    ## Why is this bad?
    The template is meant to survive the loss of a region, but its relational data lives in one
    region only: after a regional outage the database, and every write since the last snapshot
    copy, is gone or unreachable.  An Aurora global database replicates storage to secondary
    regions with typically sub-second lag and lets a secondary be promoted.

    ## Example
    ```yaml
    AuroraCluster:
      Type: AWS::RDS::DBCluster
      Properties:
        DBClusterIdentifier: !Sub orders-${EnvironmentSuffix}
        Engine: aurora-postgresql
        EngineVersion: '15.4'
        StorageEncrypted: true
    ```

    Use instead:
    ```yaml
    AuroraGlobalCluster:
      Type: AWS::RDS::GlobalCluster
      Properties:
        GlobalClusterIdentifier: !Sub orders-${EnvironmentSuffix}-global
        SourceDBClusterIdentifier: !GetAtt AuroraCluster.DBClusterArn
    ```

    The global cluster names the cluster as its primary through `SourceDBClusterIdentifier`, as
    the CloudFormation documentation defines a global database around a cluster; this also works
    for a cluster that a deployed stack already created (CreateGlobalCluster with a source
    cluster), where joining an empty global cluster through the cluster's
    `GlobalClusterIdentifier` does not.  The cluster itself is unchanged.  Engine, engine version
    and storage encryption are inherited from the source cluster and are not written (AWS rejects
    them next to `SourceDBClusterIdentifier`), so a deprecated `EngineVersion` is never copied
    into a new resource.  `DeletionProtection` is copied.

    The identifier is the cluster's `DBClusterIdentifier` expression plus `-global` (a literal is
    shortened to fit).  It must fit 63 characters for every value the stack can be deployed with:
    the longest value of each parameter is its `MaxLength` or its longest `AllowedValues`, and a
    stack name can be 128 characters.  The secondary region joins the global cluster by this
    identifier, so when the worst case cannot fit (`${AWS::StackName}`, a parameter whose default
    is too long) the finding has no fix and says so.

    **Layout.**  A CloudFormation stack lives in one region.  The fix writes one template deployed
    in both regions (see DR001 for the parameters, conditions and `Rules` assertion it adds or
    reuses): the global cluster exists only in the primary region (`Condition: IsPrimaryRegion`),
    with the cluster as its source, so the global cluster and the writer live there; in the
    secondary region the same cluster resource joins the global cluster by identifier
    (`GlobalClusterIdentifier: !If [IsSecondaryRegion, <identifier>, !Ref AWS::NoValue]`) without
    `MasterUsername`, `MasterUserPassword` or `DatabaseName` (each becomes
    `!If [IsSecondaryRegion, !Ref AWS::NoValue, <value>]`: a secondary cluster takes them from the
    primary), and an encrypted cluster without `KmsKeyId` gets `alias/aws/rds` there (an encrypted
    cross-region member needs a key of its own region).  Both regions must compute the same
    identifier: `${AWS::Region}` in it becomes the primary region parameter, a cluster without
    `DBClusterIdentifier` is named after an environment parameter, and a naming parameter gets the
    `MaxLength` that keeps it within 63 characters.

    ## Fix safety
    Unsafe: it adds billable architecture (a global database, and the secondary cluster it exists
    for) and changes how the cluster is operated.  The primary's cluster keeps its identifier and
    its settings, so an existing primary stack is updated, not replaced.  Global databases also
    constrain the cluster: burstable `db.t*` instance classes are rejected (DR007 then fixes the
    cluster's instances, in the next round of the fix loop), and a master password managed by
    Secrets Manager (`ManageMasterUserPassword`) is not supported for clusters of a global
    database.  For such a cluster the fix first adds a generated `AWS::SecretsManager::Secret`
    (`{"username": <MasterUsername>}` plus a 32-character `password`; the managed secret's
    `KmsKeyId` is kept), created once by the primary region's stack and replicated by Secrets
    Manager to the secondary region (`ReplicaRegions`), so that after a promotion the secondary
    region reads the same password; it removes `ManageMasterUserPassword` and `MasterUserSecret`
    and reads `MasterUserPassword` through the dynamic reference
    `{{resolve:secretsmanager:${Secret}:SecretString:password}}` in the primary region.  The replica
    secret is encrypted with the secondary region's `aws/secretsmanager` key unless you give
    `ReplicaRegions` a key of that region.  On a deployed cluster this rotates the master password
    to the new secret: update the applications that read the managed secret.

    **Deploy order.**  Deploy the primary region first (it creates the global database), then the
    secondary region (its cluster joins).  The fixed template is simulated as DR009 does, in both
    orders of the regions and as an update of a primary stack that runs the template as it was;
    what the template holds that both stacks would now create is fixed in the same fix when it has
    a deterministic fix, and otherwise the fix is refused with the reason.

    **Failover.**  The secondary cluster stays read-only until the global database is switched over
    or failed over to it.  Route 53 failover moves the traffic, not the writer: when the template
    has DNS failover, the finding says so, since promotion and the DNS flip are one step to plan.

    No fix when the cluster has a `Condition`, a literal `KmsKeyId` ARN (one region's key), no
    usable name, a managed password with a user name that is neither a literal nor a parameter, or
    when the template already defines a member-less global cluster (it would be created in both
    regions).

    ## References
    - [AWS::RDS::GlobalCluster](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-globalcluster.html)
    - [AWS::RDS::DBCluster GlobalClusterIdentifier](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html#cfn-rds-dbcluster-globalclusteridentifier)
    - [CreateGlobalCluster](https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html)
    - [Aurora global database requirements](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html)
    - [Secrets Manager dynamic references](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html)
    - [Secrets Manager integration limitations](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations)
    - [AWS::SecretsManager::Secret ReplicaRegion](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-secret-replicaregion.html)
    - [SwitchoverGlobalCluster: the secondary becomes writable when promoted](https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_SwitchoverGlobalCluster.html)
    """

    id = "DR004"
    name = "aurora-cluster-not-global"
    summary = "Aurora cluster in a multi-region DR template is not part of a global database"
    enabled_by_default = True  # a documented DR failure
    fix_applicability = Applicability.UNSAFE
    needs_precondition = True  # run only on DR templates (the family's precondition)
    resource_types = frozenset({"AWS::RDS::DBCluster"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        context = dr_context(ctx, settings)  # a DR template (the precondition): why, for the messages
        has_replica, _ = _replicated_sources(ctx)
        if has_replica:
            return
        global_sources = _global_sources(ctx)
        candidates = [cid for cid, _ in ctx.resources_of("AWS::RDS::DBCluster")
                      if self._candidate(ctx, cid, global_sources)]
        orphans = _orphan_global_clusters(ctx)
        taken: set[str] = set()
        for cluster_id in candidates:
            join = self._orphan_for(ctx, cluster_id, orphans) if len(candidates) == 1 else None
            yield self._finding(ctx, settings, cluster_id, context.reason, len(candidates) == 1, taken, join)

    @staticmethod
    def _orphan_for(template: Template, cluster_id: str, orphans: list[str]) -> str | None:
        """The one member-less global cluster of this template the cluster could join, if any."""
        engine = _engine(template, template.properties(cluster_id).get("Engine"))
        condition = template.resources[cluster_id].get("Condition")
        fitting = [g for g in orphans
                   if isinstance(template.properties(g).get("Engine"), str)
                   and template.properties(g)["Engine"].lower() == engine
                   and template.resources[g].get("Condition") == condition]
        return fitting[0] if len(fitting) == 1 and len(orphans) == 1 else None

    def _candidate(self, template: Template, cluster_id: str, global_sources: set[str]) -> bool:
        props = template.properties(cluster_id)
        if _engine(template, props.get("Engine")) is None:
            return False
        mode = props.get("EngineMode")
        if mode is not None and not (isinstance(mode, str) and mode.lower() in GLOBAL_MODES):
            return False
        if "GlobalClusterIdentifier" in props or "ReplicationSourceIdentifier" in props:
            return False
        if any(key in props for key in RESTORE_PROPERTIES):
            return False
        if cluster_id in global_sources:
            return False
        name = props.get("DBClusterIdentifier")
        return not (isinstance(name, str) and name in global_sources)

    def _finding(self, ctx: RuleContext, settings: Settings, cluster_id: str, reason: str, only: bool,
                 taken: set[str], join: str | None) -> Finding:
        pointer = ctx.pointer("Resources", cluster_id)
        message = f"{cluster_id} is an Aurora cluster of a multi-region DR template but not part of a global database"
        why = (f"The template is meant to survive the loss of a region ({reason}), but its relational data lives in "
               f"one region only.")
        try:
            if join is not None:
                raise NoFix(f"global cluster {join} of this template has no member, and it would be created in every "
                            f"region the template is deployed to: give it the primary region's condition and join "
                            f"{cluster_id} to it by hand (as the writer there, by identifier in the secondary "
                            f"region)")
            global_id = ctx.unique_id("AuroraGlobalCluster" if only else f"{cluster_id}Global", taken)
            taken.add(global_id)
            fix, notes = self._plan(ctx, settings, cluster_id, global_id, taken)
            also = _whole.complete_fix(ctx, settings, fix)
        except NoFix as why_not:
            return refused(self, pointer, message, why, why_not, resource=cluster_id)
        detail = (f"{why} The fix adds AWS::RDS::GlobalCluster {global_id} in the primary region with {cluster_id} as "
                  f"its source (the writer), and in the secondary region makes {cluster_id} join it by identifier "
                  f"without master credentials or a database name{notes}.{also} Deploy the primary region first (it "
                  f"creates the global database), then the secondary region. {_aurora.failover_note(ctx)}")
        return finding(self, pointer, message, detail, resource=cluster_id, fix=fix.build(
            f"Add global cluster {global_id} in the primary region; {cluster_id} joins it in the secondary region",
            Applicability.UNSAFE))

    def _plan(self, ctx: RuleContext, settings: Settings, cluster_id: str, global_id: str,
              taken: set[str]) -> tuple[FixBuilder, str]:
        """The layout: global cluster and writer in the primary region, the same cluster resource joining it in the
        secondary region (raises :class:`NoFix` with the reason when there is no fix)."""
        resource = ctx.resources[cluster_id]
        props = ctx.properties(cluster_id)
        if "Condition" in resource:
            raise NoFix("the cluster has a Condition: decide by hand where its primary and secondary live")
        names = _regions.layout(ctx, settings, replication=False)
        secret: _aurora.Secret | None = None
        managed = props.get("ManageMasterUserPassword")
        if managed is not None and not _aurora.is_false(managed):
            secret = _aurora.generated_secret(ctx, cluster_id, taken, names)
            if secret is None:
                raise NoFix("it manages its master password with Secrets Manager (ManageMasterUserPassword), which "
                            "global database members do not support, and its MasterUsername is neither a literal "
                            "nor a parameter the generated secret could hold")
        name = props.get("DBClusterIdentifier")
        if name is None:
            env = next((p for p in ctx.parameters if _ENV_PARAM.match(p)), None)
            if env is None:
                raise NoFix("the cluster has no DBClusterIdentifier and the template no environment parameter to "
                            "name the global cluster by, and both regions must know its identifier")
            text: str | None = f"{_kebab(cluster_id)}-${{{env}}}-global"
        else:
            identifier = global_identifier(cluster_id, name)
            text = identifier if isinstance(identifier, str) else _normalize(identifier)
        if not text:
            raise NoFix("the global cluster identifier cannot be built from the cluster's identifier")
        text = names.shared(text)
        if any("." in v or ctx.declares_resource(v) for v in sub_names(text)):
            raise NoFix(f"the identifier {text} would not be the same in both regions")
        bounds = bounds_to_add(ctx, text, MAX_IDENTIFIER, names.known_lengths())
        if bounds is None:
            raise NoFix(f"the global cluster identifier {text} can exceed {MAX_IDENTIFIER} characters")
        key = props.get("KmsKeyId")
        if isinstance(key, str) and key.startswith("arn:"):
            raise NoFix("its KmsKeyId is a key ARN of one region; the secondary cluster needs a key of its own region")
        identifier_value: Any = {"Fn::Sub": text} if "${" in text else text
        base = ("Resources", cluster_id, "Properties")
        fix = self.fixer(ctx).extend(names.changes.operations)
        for parameter, length in bounds.items():
            fix.add(("Parameters", parameter, "MaxLength"), length)
        notes = "".join(f"; {p} gets MaxLength {n} so that the identifier fits {MAX_IDENTIFIER} characters"
                        for p, n in bounds.items())
        if secret is not None:
            secret.write(fix, cluster_id, names)
            notes += (f"; ManageMasterUserPassword, which global database members do not support, becomes the "
                      f"generated secret {secret.logical_id}, created once by the primary region's stack and "
                      f"replicated to the secondary region (ReplicaRegions), read through a dynamic reference")
            if secret.drops_managed_key:
                notes += (" (its replica is encrypted with the secondary region's aws/secretsmanager key unless you "
                          "give ReplicaRegions a KmsKeyId of that region)")
        for credential in ("MasterUsername", "MasterUserPassword", "DatabaseName"):
            if credential not in props or (credential == "MasterUserPassword" and secret is not None):
                continue
            fix.replace((*base, credential), {"Fn::If": [names.is_secondary, {"Ref": "AWS::NoValue"},
                                                          props[credential]]})
        if key is None and props.get("StorageEncrypted") in (True, "true", "True"):
            fix.add((*base, "KmsKeyId"), {"Fn::If": [names.is_secondary, "alias/aws/rds", {"Ref": "AWS::NoValue"}]})
            notes += "; an encrypted secondary cluster needs a key of its own region: alias/aws/rds there"
        fix.add((*base, "GlobalClusterIdentifier"),
                {"Fn::If": [names.is_secondary, identifier_value, {"Ref": "AWS::NoValue"}]})
        properties: dict[str, Any] = {"GlobalClusterIdentifier": copy.deepcopy(identifier_value),
                                      **fragment(PATCHES, "global_cluster", Cluster=cluster_id)["Properties"]}
        for copied in COPIED:
            if copied in props:
                properties[copied] = props[copied]
        fix.add(("Resources", global_id),
                {"Type": "AWS::RDS::GlobalCluster", "Condition": names.is_primary, "Properties": properties})
        return fix, notes


