"""DR004 aurora-cluster-not-global: an Aurora cluster of a DR template outside any global database."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import sub_names
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _regions
from autofix.rules.dr._names import bounds_to_add, fits, max_length
from autofix.rules.dr.context import dr_context
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


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def global_identifier(cluster_id: str, name: Any) -> Any:
    """A GlobalClusterIdentifier derived from the cluster's own ``DBClusterIdentifier`` expression."""
    if name is None:
        return fragment(PATCHES, "stack_name_identifier", ClusterName=_kebab(cluster_id))
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


def _shown_length(template: Template, identifier: Any) -> str:
    length = max_length(template, identifier)
    return f"the name (up to {length} characters)" if length else "the name (unbounded)"


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
    into a new resource.  `DeletionProtection` and the cluster's `Condition` are copied.

    The identifier is the cluster's `DBClusterIdentifier` expression plus `-global` (a literal is
    shortened to fit).  It must fit 63 characters for every value the stack can be deployed with:
    the longest value of each parameter is its `MaxLength` or its longest `AllowedValues`, and a
    stack name can be 128 characters.  When the worst case does not fit, or nothing bounds it
    (a parameter without `MaxLength`, `${AWS::StackName}`, a cluster without a name), the
    identifier is left to CloudFormation and the finding says so.

    **Layout.**  A CloudFormation stack lives in one region.  By default the fix writes one
    template deployed in both regions (see DR001 for the parameters and conditions it adds or
    reuses): the global cluster exists only in the primary region (`Condition:
    IsPrimaryRegion`), with the cluster as its source, so the global cluster and the writer
    live there; in the secondary region the same cluster resource joins the global cluster by
    identifier (`GlobalClusterIdentifier: !If [IsSecondaryRegion, <identifier>,
    !Ref AWS::NoValue]`) without `MasterUsername`, `MasterUserPassword` or `DatabaseName`
    (each becomes `!If [IsSecondaryRegion, !Ref AWS::NoValue, <value>]`: a secondary inherits
    them), and an encrypted cluster without `KmsKeyId` gets `alias/aws/rds` there (an encrypted
    cross-region member needs a key of its own region).  Both regions must compute the same
    identifier: `${AWS::Region}` in it becomes the primary region parameter, a cluster without
    `DBClusterIdentifier` is named after an environment parameter, and a naming parameter gets
    the `MaxLength` that keeps it within 63 characters.  Deploy the primary region first (it
    creates the global cluster), then the secondary region.  No fix in this layout when the
    cluster has a `Condition`, a literal `KmsKeyId` ARN (one region's key), no usable name, or
    when the template already defines a member-less global cluster (it would be created in
    both regions).  `[tool.autofix.dr] layout = "same-stack"` keeps the single-region fix,
    in which the secondary cluster belongs to a stack of the secondary region.

    ## Fix safety
    Unsafe: it adds billable architecture (a global database, and the secondary cluster it
    exists for) and changes how the cluster is operated.  Global databases also constrain the
    cluster: burstable `db.t*` instance classes are rejected (DR007 then fixes the cluster's
    instances, in the next round of the fix loop), and managing the master password with
    Secrets Manager (`ManageMasterUserPassword`) is not supported for clusters in a global
    database.  For such a cluster the fix first adds a generated `AWS::SecretsManager::Secret`
    (`{"username": <MasterUsername>}` plus a 32-character `password`; the managed secret's
    `KmsKeyId` is kept), removes `ManageMasterUserPassword` and `MasterUserSecret`, and sets
    `MasterUserPassword` to the dynamic reference
    `{{resolve:secretsmanager:${Secret}:SecretString:password}}`; then the global cluster is
    added.  On a deployed cluster this rotates the master password to the new secret: update
    the applications that read the managed secret.  When the user name is neither a literal nor
    a parameter, the finding has no fix.  A cluster that joins a member-less global cluster of
    the template keeps its `MasterUsername` and password.

    ## References
    - [AWS::RDS::GlobalCluster](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-globalcluster.html)
    - [AWS::RDS::DBCluster GlobalClusterIdentifier](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html#cfn-rds-dbcluster-globalclusteridentifier)
    - [CreateGlobalCluster](https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html)
    - [Aurora global database requirements](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html)
    - [Secrets Manager dynamic references](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html)
    - [Secrets Manager integration limitations](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations)
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
            yield self._finding(ctx, cluster_id, context.reason, len(candidates) == 1, taken, join, settings)

    @staticmethod
    def _orphan_for(template: Template, cluster_id: str, orphans: list[str]) -> str | None:
        """The one member-less global cluster of this template the cluster can join, if any."""
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

    def _finding(self, ctx: RuleContext, cluster_id: str, reason: str, only: bool,
                 taken: set[str], join: str | None = None, settings: Settings | None = None) -> Finding:
        resource = ctx.resources[cluster_id]
        props = ctx.properties(cluster_id)
        pointer = ctx.pointer("Resources", cluster_id)
        regions = settings is not None and _regions.mode(settings) == "regions"
        head = (f"{cluster_id} is an Aurora cluster of a multi-region DR template ({reason}) but not part of a "
                f"global database")
        if regions and join is not None:
            return self.finding(
                pointer,
                f"{head}; global cluster {join} of this template has no member, but it would be created in every "
                f"region the template is deployed to: give it a condition on the primary region and join "
                f"{cluster_id} to it by hand (as primary there, by identifier in the secondary region)",
                resource=cluster_id)
        managed = props.get("ManageMasterUserPassword")
        secret: _Secret | None = None
        if managed is not None and not _is_false(managed):
            secret = _generated_secret(ctx, cluster_id, taken)
            if secret is None or join is not None:
                return self.finding(
                    pointer,
                    f"{cluster_id} is an Aurora cluster of a multi-region DR template ({reason}) but not part "
                    f"of a global database; it manages its master password with Secrets Manager "
                    f"(ManageMasterUserPassword), which global database members do not support: switch to "
                    f"MasterUserPassword from a Secrets Manager dynamic reference, then join a global cluster",
                    resource=cluster_id,
                )
        if join is not None:
            fix = self.fixer(ctx).add(("Resources", cluster_id, "Properties", "GlobalClusterIdentifier"),
                                      fragment(PATCHES, "member_reference", GlobalCluster=join))
            return self.finding(
                pointer,
                f"{cluster_id} is an Aurora cluster of a multi-region DR template ({reason}) but no cluster "
                f"joins global cluster {join}; make {cluster_id} its primary",
                fix=fix.build(f"Make {cluster_id} the primary of global cluster {join}", Applicability.UNSAFE),
                resource=cluster_id,
            )
        global_id = ctx.unique_id("AuroraGlobalCluster" if only else f"{cluster_id}Global", taken)
        taken.add(global_id)
        if regions:
            assert settings is not None
            return self._region_finding(ctx, settings, cluster_id, global_id, head, secret)
        identifier = global_identifier(cluster_id, props.get("DBClusterIdentifier"))
        body = fragment(PATCHES, "global_cluster", Cluster=cluster_id)["Properties"]
        named = fits(ctx, identifier, MAX_IDENTIFIER)
        properties = {"GlobalClusterIdentifier": identifier, **body} if named else body
        for key in COPIED:
            if key in props:
                properties[key] = props[key]
        new: dict[str, Any] = {"Type": "AWS::RDS::GlobalCluster"}
        if "Condition" in resource:
            new["Condition"] = resource["Condition"]
        new["Properties"] = properties
        fix = self.fixer(ctx)
        if secret is not None:
            secret.write(fix, cluster_id)
        fix.add(("Resources", global_id), new)
        unnamed = "" if named else (
            f"; its identifier is left to CloudFormation, since {_shown_length(ctx, identifier)} could "
            f"exceed the {MAX_IDENTIFIER}-character limit")
        generated = (f"; first replace ManageMasterUserPassword, which global database members do not support, "
                     f"with a generated Secrets Manager secret {secret.logical_id} read through a "
                     f"dynamic reference" if secret is not None else "")
        return self.finding(
            pointer,
            f"{cluster_id} is an Aurora cluster of a multi-region DR template ({reason}) but not part of a "
            f"global database; add AWS::RDS::GlobalCluster {global_id} with this cluster as its source "
            f"(primary){generated}{unnamed} (a stack in the secondary region must then add the secondary cluster)",
            fix=fix.build(f"Add global cluster {global_id} with {cluster_id} as its primary"
                          + (" and a generated master secret" if secret is not None else ""), Applicability.UNSAFE),
            resource=cluster_id,
        )

    def _region_finding(self, ctx: RuleContext, settings: Settings, cluster_id: str, global_id: str,
                        head: str, secret: _Secret | None) -> Finding:
        """The region layout: global cluster and writer in the primary region, a joining cluster in the
        secondary region, from one template."""
        pointer = ctx.pointer("Resources", cluster_id)
        resource = ctx.resources[cluster_id]
        props = ctx.properties(cluster_id)

        def no_fix(why: str) -> Finding:
            return self.finding(pointer, f"{head}; no automatic fix because {why}", resource=cluster_id)

        if "Condition" in resource:
            return no_fix("the cluster has a Condition: decide by hand where its primary and secondary live")
        names = _regions.layout(ctx, settings, replication=False)
        name = props.get("DBClusterIdentifier")
        if name is None:
            env = next((p for p in ctx.parameters if _ENV_PARAM.match(p)), None)
            if env is None:
                return no_fix("the cluster has no DBClusterIdentifier and the template no environment parameter "
                              "to name the global cluster by, and both regions must know its identifier")
            text: str | None = f"{_kebab(cluster_id)}-${{{env}}}-global"
        else:
            identifier = global_identifier(cluster_id, name)
            text = identifier if isinstance(identifier, str) else _normalize(identifier)
        if not text:
            return no_fix("the global cluster identifier cannot be built from the cluster's identifier")
        text = text.replace("${AWS::Region}", "${" + names.primary + "}")
        if any("." in v or v in ctx.resources for v in sub_names(text)):
            return no_fix(f"the identifier {text} would not be the same in both regions")
        known = {names.primary: _regions.REGION_MAX, names.secondary: _regions.REGION_MAX}
        bounds = bounds_to_add(ctx, text, MAX_IDENTIFIER, known)
        if bounds is None:
            return no_fix(f"the global cluster identifier {text} can exceed {MAX_IDENTIFIER} characters")
        key = props.get("KmsKeyId")
        if isinstance(key, str) and key.startswith("arn:"):
            return no_fix("its KmsKeyId is a key ARN of one region; the secondary cluster needs a key of its own "
                          "region")
        identifier_value: Any = {"Fn::Sub": text} if "${" in text else text
        base = ("Resources", cluster_id, "Properties")
        fix = self.fixer(ctx).extend(names.changes.operations)
        for parameter, length in bounds.items():
            fix.add(("Parameters", parameter, "MaxLength"), length)
        secondary_only = {"Fn::If": [names.is_secondary, identifier_value, {"Ref": "AWS::NoValue"}]}
        if secret is not None:
            secret.write(fix, cluster_id, password=False)  # the password comes below, for the primary only
        for credential in ("MasterUsername", "MasterUserPassword", "DatabaseName"):
            value = secret.password if credential == "MasterUserPassword" and secret is not None else props.get(
                credential)
            if value is None:
                continue
            primary_only = {"Fn::If": [names.is_secondary, {"Ref": "AWS::NoValue"}, value]}
            (fix.replace if credential in props else fix.add)((*base, credential), primary_only)
        if key is None and props.get("StorageEncrypted") in (True, "true", "True"):
            fix.add((*base, "KmsKeyId"), {"Fn::If": [names.is_secondary, "alias/aws/rds", {"Ref": "AWS::NoValue"}]})
        fix.add((*base, "GlobalClusterIdentifier"), secondary_only)
        properties: dict[str, Any] = {"GlobalClusterIdentifier": copy.deepcopy(identifier_value),
                                      **fragment(PATCHES, "global_cluster", Cluster=cluster_id)["Properties"]}
        for copied in COPIED:
            if copied in props:
                properties[copied] = props[copied]
        fix.add(("Resources", global_id),
                {"Type": "AWS::RDS::GlobalCluster", "Condition": names.is_primary, "Properties": properties})
        limits = "".join(f"; {p} gets MaxLength {n} so that the identifier fits {MAX_IDENTIFIER} characters"
                         for p, n in bounds.items())
        generated = ("; ManageMasterUserPassword, which global database members do not support, becomes a "
                     "generated Secrets Manager secret read through a dynamic reference" if secret is not None else "")
        return self.finding(
            pointer,
            f"{head}; in the primary region add AWS::RDS::GlobalCluster {global_id} ({text}) with this cluster as "
            f"its source, and in the secondary region make this cluster join it (no master credentials or "
            f"database name there){generated}{limits} (deploy the primary region first, then the secondary region)"
            f"{_regions.twice_note(ctx, {cluster_id})}",
            fix=fix.build(f"Add global cluster {global_id} in the primary region; {cluster_id} joins it in "
                          f"the secondary region", Applicability.UNSAFE),
            resource=cluster_id,
        )


class _Secret(NamedTuple):
    """A generated master secret replacing ``ManageMasterUserPassword`` (global members cannot use it)."""

    logical_id: str
    resource: dict[str, Any]
    password: dict[str, Any]  # the cluster's MasterUserPassword: a dynamic reference to the secret
    replaces_password: bool  # the cluster has a MasterUserPassword already
    drops_managed_key: bool  # the cluster has a MasterUserSecret (its KMS key moves to the secret)

    def write(self, fix: FixBuilder, cluster_id: str, *, password: bool = True) -> None:
        """Add the secret, drop the managed password, and (``password``) read the password from the secret."""
        base = ("Resources", cluster_id, "Properties")
        fix.add(("Resources", self.logical_id), self.resource)
        fix.remove((*base, "ManageMasterUserPassword"))
        if self.drops_managed_key:
            fix.remove((*base, "MasterUserSecret"))
        if password:
            (fix.replace if self.replaces_password else fix.add)((*base, "MasterUserPassword"), self.password)


def _generated_secret(template: Template, cluster_id: str, taken: set[str]) -> _Secret | None:
    """The secret replacing the cluster's ``ManageMasterUserPassword``: generated by this stack and read
    through a dynamic reference; None when the user name is neither a literal nor a parameter."""
    props = template.properties(cluster_id)
    user = props.get("MasterUsername")
    if isinstance(user, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", user):
        name: Any = user
    elif ref_target(user) and template.is_parameter(ref_target(user) or ""):
        name = "${" + str(ref_target(user)) + "}"
    else:
        return None
    secret_id = template.unique_id(f"{cluster_id}MasterSecret", taken)
    taken.add(secret_id)
    template_name = "secret_template_literal" if name == user else "secret_template"
    secret = fragment(PATCHES, "master_secret",
                      SecretTemplate=fragment(PATCHES, template_name, UserName=name))
    managed_key = props.get("MasterUserSecret")
    if isinstance(managed_key, dict) and "KmsKeyId" in managed_key:
        secret["Properties"]["KmsKeyId"] = managed_key["KmsKeyId"]
    condition = template.resources[cluster_id].get("Condition")
    if condition is not None:
        secret = {"Type": secret["Type"], "Condition": condition, "Properties": secret["Properties"]}
    return _Secret(secret_id, secret, fragment(PATCHES, "master_password", Secret=secret_id),
                   "MasterUserPassword" in props, "MasterUserSecret" in props)
