"""DR009 two-region-deploy-failure: a template meant for both regions fails when deployed in the documented order."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Fix, Rule
from autofix.rules.dr import _deploy, _remedies
from autofix.settings import Settings


class TwoRegionDeployFailure(Rule):
    """## What it does
    Simulates the deployment of a DR template that is written for two regions (a condition compares
    `AWS::Region`), whoever wrote the layout, in the documented order: the primary region's stack is
    created (`SecondaryStackDeployed=false`), then the secondary region's, then the primary's is
    updated with `SecondaryStackDeployed=true`.  Each stack is resolved with its region and the
    parameters' defaults (and once more for every other `AllowedValues` entry of a parameter the
    conditions read), in both orders of the regions (the regions exchanged: failing back).  It
    reports, naming the resources on both sides:

    - a name that both stacks create where names are global: S3 buckets; IAM roles, managed
      policies, instance profiles, users, groups, OIDC and SAML providers, server certificates and
      service-linked roles (inline `AWS::IAM::Policy` names are not global); Aurora global cluster
      identifiers; CloudFront aliases, cache, origin request and response headers policies, origin
      access controls and functions; Route 53 records by zone, name, type and set identifier
      (records in a zone that each stack creates for itself do not collide); two public hosted
      zones of one name (only one can be delegated); and names a replica takes in the other region
      (a global table's replica, a secret's `ReplicaRegions`);
    - a `Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn` or output naming a resource that the stack does
      not create;
    - a global table that both stacks create, or whose replicas omit the stack's region or repeat one;
    - replication to a bucket that only a later stack creates (the primary replicating before the
      secondary exists);
    - a cluster joining a global cluster that no earlier stack created, or joining one that already
      has a writer with master credentials.

    `AWS::AccountId` and `AWS::StackName` are the same in both stacks; a name left out is made unique
    by CloudFormation; a value the template does not determine (a parameter without a default, an
    attribute, an import) is unknown, and nothing resting on it is reported.

    ## Why is this bad?
    One template deployed in two regions creates everything twice unless its conditions say
    otherwise.  Bucket, IAM and global cluster names are global, a global table's replica already
    holds its name in the secondary region, and S3 rejects replication to a bucket that does not
    exist yet: the secondary stack (or the primary's update) fails, and a template that "passes"
    every check gives no disaster recovery at all.

    ## Example
    ```yaml
    Conditions:
      IsPrimaryRegion: !Equals [!Ref 'AWS::Region', !Ref PrimaryRegion]
    Resources:
      Table:
        Type: AWS::DynamoDB::GlobalTable
        Properties:
          TableName: orders
          Replicas: [{Region: !Ref 'AWS::Region'}, {Region: !Ref SecondaryRegion}]
    ```

    Use instead:
    ```yaml
    Resources:
      Table:
        Type: AWS::DynamoDB::GlobalTable
        Condition: IsPrimaryRegion
        Properties:
          TableName: orders
          Replicas: [{Region: !Ref 'AWS::Region'}, {Region: !Ref SecondaryRegion}]
    ```

    ## Fix safety
    Each fix keeps what the primary region's stack already has: a name changes only where the
    resource is new, in the secondary region (`!If [IsSecondaryRegion, <new name>, <name>]`), and a
    resource leaves only the stack that did not have it before.  The first fix also adds the
    layout's `Rules` assertion (a stack in a third region would create nothing of either side).

    Safe where the secondary stack fails to deploy today and the primary's is untouched:

    - a global table, or a global cluster, that both stacks create is created by the primary's
      stack only; references to it in the secondary stack name it instead (by name or ARN; the
      primary's stack keeps its reference, and the order of creation), a cluster joining it there
      drops its master credentials, and a cluster the global cluster is built from joins it by
      identifier in the secondary region (without credentials or database name; an encrypted one
      with `alias/aws/rds`, a key of its own region);
    - a secondary cluster joining an existing global cluster drops its master credentials there;
    - a bucket or IAM role, user, group, managed policy or instance profile that both stacks create
      gets `-${AWS::Region}` in its name in the secondary region only; when that can exceed the
      name's limit (63 characters for buckets, 64 for roles and users, 128 for the rest) for some
      parameter value, the secondary region leaves the name to CloudFormation, which makes it
      unique (no parameter is ever bounded to make room).

    Unsafe where it changes what runs: a renamed resource whose name is also written as text
    elsewhere (an ARN in a policy still names the primary's); two unrelated global tables made
    into one; PRIMARY and SECONDARY failover records put in their own region's stack; replication
    gated on `SecondaryStackDeployed` (an existing primary stack stops replicating until updated
    with `true`; objects written before then need S3 Batch Replication); replica regions written
    as the literal default of a region parameter named by the parameter instead (a repeated one
    dropped).  Everything else (different resources under one name, public hosted zones,
    references to what a stack does not create, deploy order of global clusters) is reported with
    the reason and no fix.

    The other DR fixes that write the two-region layout (DR001, DR004, DR006, DR008, DR010, DR011)
    run this simulation on their own result, in both orders of the regions and as an update of a
    primary stack that runs the template as it was (a name the update changes, a stateful resource
    it deletes, a retained one in the way of the secondary stack), apply these fixes in the same
    fix, and refuse the layout, with the reason, when something remains: the layout is applied
    whole or not at all.  This rule itself sees one template, so it simulates fresh stacks only.

    ## References
    - [Bucket naming rules](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
    - [IAM identifiers: names unique in the account, not case sensitive](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html)
    - [AWS::DynamoDB::GlobalTable](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html)
    - [Adding a secondary AWS Region to an Aurora global database](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attaching.html)
    - [Route 53 failover routing](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-failover.html)
    - [Replicate Secrets Manager secrets across Regions](https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html)
    - [Moving a CloudFront alternate domain name (CNAMEAlreadyExists)](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move.html)
    """

    id = "DR009"
    name = "two-region-deploy-failure"
    summary = "A template for both regions fails when the two stacks are deployed in the documented order"
    fix_applicability = Applicability.UNSAFE
    enabled_by_default = True  # a documented DR failure (a deploy failure too)
    needs_precondition = True
    reads_whole_template = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        if not _deploy.compares_region(ctx):
            return
        found = {p.identity: p for p in _deploy.simulate(ctx, settings)}
        for problem in _deploy.simulate(ctx, settings, swap=True):  # the regions exchanged: failing back
            found.setdefault(problem.identity, problem)
        for problem in found.values():
            fix: Fix | None = None
            plan = f"No automatic fix: {problem.reason}." if problem.reason else ""
            if problem.remedy is not None:
                try:
                    fixed = _remedies.remedy(ctx, settings, problem)
                    fix = self.fix(fixed.operations, fixed.description, fixed.applicability)
                    plan = f"Fix: {fixed.description}."
                except _remedies.Declined as why:
                    plan = f"No automatic fix: {why}."
            resource = problem.subject if problem.subject in ctx.resources else None
            detail = f"{problem.detail.strip()} {plan}".strip()
            yield Finding(self.id, problem.pointer, problem.message, fix=fix, resource=resource,
                          rule_name=self.name, detail=detail, extra={"check": problem.check})
