"""DR011 aurora-global-managed-password: a cluster of an Aurora global database manages its master password
with Secrets Manager."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _aurora, _regions, _whole
from autofix.rules.dr._report import NoFix, finding, refused
from autofix.rules.dr.dr007_aurora_global_burstable_class import global_clusters
from autofix.settings import Settings


class AuroraGlobalManagedPassword(Rule):
    """## What it does
    Finds `AWS::RDS::DBCluster` resources that belong to an Aurora global database (they set
    `GlobalClusterIdentifier`, or an `AWS::RDS::GlobalCluster` names them as its `SourceDBClusterIdentifier`)
    and let Secrets Manager manage their master password (`ManageMasterUserPassword: true`).

    ## Why is this bad?
    Aurora does not support a master password managed in Secrets Manager for DB clusters that are part of a
    global database: the cluster fails to create or to join the global database.

    ## Example
    ```yaml
    Database:
      Type: AWS::RDS::DBCluster
      Properties:
        Engine: aurora-postgresql
        DBClusterIdentifier: orders
        MasterUsername: admin
        ManageMasterUserPassword: true
    Global:
      Type: AWS::RDS::GlobalCluster
      Properties:
        GlobalClusterIdentifier: orders-global
        SourceDBClusterIdentifier: !GetAtt Database.DBClusterArn
    ```

    Use instead (a template deployed in both regions; the primary region's stack creates the secret once,
    and Secrets Manager replicates it):
    ```yaml
    DatabaseMasterSecret:
      Type: AWS::SecretsManager::Secret
      Condition: IsPrimaryRegion
      Properties:
        GenerateSecretString:
          SecretStringTemplate: '{"username": "admin"}'
          GenerateStringKey: password
          PasswordLength: 32
        ReplicaRegions:
          - Region: !Ref SecondaryRegion
    Database:
      Type: AWS::RDS::DBCluster
      Properties:
        MasterUsername: admin
        MasterUserPassword: !If [IsSecondaryRegion, !Ref AWS::NoValue,
                                 !Sub '{{resolve:secretsmanager:${DatabaseMasterSecret}:SecretString:password}}']
    ```

    ## Fix safety
    Unsafe: it changes how the master password is kept.  The fix is DR004's: a generated
    `AWS::SecretsManager::Secret` (`{"username": <MasterUsername>}` plus a 32-character `password`; the
    managed secret's `KmsKeyId` is kept) created once, by the primary region's stack, with a replica in the
    secondary region (`ReplicaRegions`), so that both regions read one password; `ManageMasterUserPassword` and
    `MasterUserSecret` are removed, and `MasterUserPassword` reads the secret through a dynamic reference in
    the primary region only (a secondary cluster takes its credentials from the primary).  It writes the
    two-region layout (see DR001) and is applied only when the whole layout deploys.  On a deployed cluster
    this rotates the master password to the new secret: update the applications that read the managed
    secret.  No fix when the user name is neither a literal nor a parameter, or the cluster has a condition.

    ## References
    - [Limitations for Secrets Manager integration with Amazon Aurora](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations)
    - [AWS::SecretsManager::Secret ReplicaRegion](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-secret-replicaregion.html)
    - [Secrets Manager dynamic references](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html)
    """

    id = "DR011"
    name = "aurora-global-managed-password"
    summary = "A cluster of an Aurora global database manages its master password with Secrets Manager"
    enabled_by_default = True  # a documented DR failure
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({"AWS::RDS::DBCluster"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        members = global_clusters(ctx)
        taken: set[str] = set()
        for cluster_id in sorted(members, key=list(ctx.resources).index):
            managed = ctx.properties(cluster_id).get("ManageMasterUserPassword")
            if managed is None or _aurora.is_false(managed):
                continue
            yield self._finding(ctx, settings, cluster_id, taken)

    def _finding(self, ctx: RuleContext, settings: Settings, cluster_id: str, taken: set[str]) -> Finding:
        pointer = ctx.pointer("Resources", cluster_id, "Properties", "ManageMasterUserPassword")
        message = (f"{cluster_id} belongs to an Aurora global database but manages its master password with "
                   f"Secrets Manager, which Aurora does not support there")
        why = ("Aurora does not support ManageMasterUserPassword for DB clusters that are part of a global database: "
               "the cluster fails to create or to join it.")
        names = _regions.layout(ctx, settings, replication=False)
        secret = _aurora.generated_secret(ctx, cluster_id, taken, names)
        if secret is None:
            return finding(self, pointer, message,
                           f"{why} No automatic fix: its MasterUsername is neither a literal nor a parameter the "
                           f"generated secret could hold, or it has a condition of its own; keep the password in a "
                           f"secret of your own, read through a dynamic reference.", resource=cluster_id)
        fix = self.fixer(ctx).extend(names.changes.operations)
        secret.write(fix, cluster_id, names)
        try:
            also = _whole.complete_fix(ctx, settings, fix)
        except NoFix as refusal:
            return refused(self, pointer, message, why, refusal, resource=cluster_id)
        plan = (f"Replace ManageMasterUserPassword of {cluster_id} with the generated secret {secret.logical_id}, "
                f"created once by the primary region's stack and replicated to the secondary region")
        return finding(self, pointer, message,
                       f"{why} Fix: {plan}; the cluster reads it through a dynamic reference in the primary region "
                       f"(a secondary cluster takes its credentials from the primary).{also} On a deployed cluster "
                       f"this rotates the master password: update the applications that read the managed secret.",
                       resource=cluster_id, fix=fix.build(plan, Applicability.UNSAFE))
