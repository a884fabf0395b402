"""HD004 plain-secret: a password given as a plain parameter or written as a literal."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.fixes import FixBuilder
from autofix.intrinsics import parse_sub, ref_target, sub_substitute
from autofix.nodes import extend_pointer, join_pointer, split_pointer
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.hy._unused import removal
from autofix.settings import Settings
from autofix.template import Template, properties_owner, property_values, resource_type

PATCHES = "HD004-plain-secret"

#: Where cfn-lint (W1011) wants a dynamic reference instead of a parameter: type -> property path.
SECRET_PLACES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::DirectoryService::MicrosoftAD": (("Password",),),
    "AWS::DirectoryService::SimpleAD": (("Password",),),
    "AWS::ElastiCache::ReplicationGroup": (("AuthToken",),),
    "AWS::IAM::User": (("LoginProfile", "Password"),),
    "AWS::KinesisFirehose::DeliveryStream": (("RedshiftDestinationConfiguration", "Password"),),
    "AWS::OpsWorks::App": (("AppSource", "Password"),),
    "AWS::OpsWorks::Stack": (("CustomCookbooksSource", "Password"),),
    "AWS::RDS::DBCluster": (("MasterUserPassword",),),
    "AWS::RDS::DBInstance": (("MasterUserPassword",),),
    "AWS::Redshift::Cluster": (("MasterUserPassword",),),
}
#: Passwords that belong to someone else (a Redshift user Firehose writes as, a repository OpsWorks
#: reads): a generated secret would not match them, so these are reported only.
EXTERNAL_TYPES = frozenset({"AWS::KinesisFirehose::DeliveryStream", "AWS::OpsWorks::App", "AWS::OpsWorks::Stack"})
#: Literal passwords of users the resource itself creates (type -> password property names): a generated
#: secret can replace them.  Elsewhere a literal is reported only.
OWN_PASSWORDS: dict[str, frozenset[str]] = {
    "AWS::RDS::DBInstance": frozenset({"MasterUserPassword"}),
    "AWS::RDS::DBCluster": frozenset({"MasterUserPassword"}),
    "AWS::DocDB::DBCluster": frozenset({"MasterUserPassword"}),
    "AWS::Redshift::Cluster": frozenset({"MasterUserPassword"}),
    "AWS::DirectoryService::SimpleAD": frozenset({"Password"}),
    "AWS::DirectoryService::MicrosoftAD": frozenset({"Password"}),
    "AWS::IAM::User": frozenset({"Password"}),
    "AWS::AmazonMQ::Broker": frozenset({"Password"}),
    "AWS::OpenSearchService::Domain": frozenset({"MasterUserPassword"}),
    "AWS::Elasticsearch::Domain": frozenset({"MasterUserPassword"}),
}
#: Property names cfn-lint (W2501) takes for passwords wherever they appear in a resource.
PASSWORD_KEYS = frozenset({"AccountPassword", "AdminPassword", "ADDomainJoinPassword",
                           "CrossRealmTrustPrincipalPassword", "KdcAdminPassword", "Password", "DbPassword",
                           "MasterUserPassword", "PasswordParam"})
_USER_KEYS = ("MasterUsername", "Username", "UserName", "AdminUsername")
_DYNAMIC = lazy_pattern(r"\{\{resolve:")
#: Characters RDS, Redshift and DocumentDB refuse in a master password (plus quotes and spaces).
_EXCLUDE = "\"'@/\\ "
#: ElastiCache auth tokens accept only these punctuation characters.
#: ``string.punctuation`` without ``!&#$^<>-``, and a space
_AUTH_TOKEN_EXCLUDE = '"%\'()*+,./:;=?@[\\]_`{|}~ '


def reference(secret: str) -> dict[str, str]:
    return {"Fn::Sub": f"{{{{resolve:secretsmanager:${{{secret}}}:SecretString:password}}}}"}


def _secret_text(secret: str) -> str:
    return f"{{{{resolve:secretsmanager:${{{secret}}}:SecretString:password}}}}"


class Uses:
    """Where a parameter is used: password properties, other Refs and Sub strings in resources, elsewhere."""

    __slots__ = ("elsewhere", "password", "refs", "subs")

    def __init__(self) -> None:
        self.password: list[tuple[str, ...]] = []
        self.refs: list[tuple[str, ...]] = []
        self.subs: list[tuple[str, ...]] = []
        self.elsewhere: list[str] = []


def _password_paths(template: Template) -> Iterator[tuple[tuple[str, ...], Any]]:
    for _, path, value in property_values(template, SECRET_PLACES):
        if value is not None:
            yield path, value


def _uses(ctx: RuleContext, name: str) -> Uses:
    uses = Uses()
    password_paths = {path for path, value in _password_paths(ctx) if ref_target(value) == name}
    for section, value in ctx.data.items():
        if section == "Parameters" or not isinstance(value, (dict, list)):
            continue
        for pointer, node in mappings_in(ctx, value, join_pointer(section)):
            path = tuple(split_pointer(pointer))
            hit_ref = ref_target(node) == name
            sub = parse_sub(node)
            read = sub.outside() if sub is not None else ()
            hit_sub = name in read
            other_sub = not hit_sub and any(variable.split(".", 1)[0] == name for variable in read)
            if not (hit_ref or hit_sub or other_sub):
                continue
            if section != "Resources" or other_sub or len(path) < 3 or path[2] != "Properties":
                uses.elsewhere.append(pointer)
            elif hit_ref and path in password_paths:
                uses.password.append(path)
            elif hit_ref:
                uses.refs.append(path)
            else:
                uses.subs.append(path)
    return uses


def _user_template(props: dict[str, Any]) -> Any:
    for key in _USER_KEYS:
        user = props.get(key)
        if isinstance(user, str) and re.fullmatch(r"[A-Za-z0-9_.-]+", user):
            return json.dumps({"username": user})
        target = ref_target(user)
        if target and not target.startswith("AWS::"):
            return {"Fn::Sub": '{"username": "${' + target + '}"}'}
    return "{}"


def _managed_ok(template: Template, path: tuple[str, ...]) -> bool:
    """Whether the RDS resource at ``path`` may let RDS manage its master password in Secrets Manager."""
    resource = template.resources.get(path[1])
    if not isinstance(resource, dict) or path[3:] != ("MasterUserPassword",):
        return False
    kind = resource_type(resource)
    props = template.properties(path[1])
    if kind not in ("AWS::RDS::DBCluster", "AWS::RDS::DBInstance"):
        return False
    if "MasterUsername" not in props or "ManageMasterUserPassword" in props:
        return False
    blocked = ("GlobalClusterIdentifier", "SnapshotIdentifier", "DBSnapshotIdentifier", "SourceDBInstanceIdentifier",
               "SourceDBClusterIdentifier", "DBClusterIdentifier", "RestoreType", "SourceRegion")
    if any(key in props for key in blocked):
        return False
    return props.get("EngineMode") != "serverless"


class PlainSecret(Rule):
    """## What it does
    Finds passwords that CloudFormation receives in the clear:

    - a parameter (`NoEcho` or not) used as a password property that cfn-lint wants read
      through a dynamic reference (RDS, Aurora and Redshift `MasterUserPassword`, ElastiCache
      `AuthToken`, Directory Service, IAM login profile, Firehose to Redshift, OpsWorks);
    - a password property (`MasterUserPassword`, `Password`, `AdminPassword`...) written as a
      literal string.

    Only passwords of users the resource itself creates are generated (database and cluster
    masters, directories, IAM login profiles, Amazon MQ users, OpenSearch masters).  A password
    another system already has (Firehose's Redshift user, OpsWorks' repository, a DMS endpoint)
    is reported only, unless the same parameter also sets the password of a resource of the
    template (a Redshift cluster and the Firehose stream writing to it): every use then reads
    the generated secret.  A password only another system has must be stored in Secrets Manager
    by hand, since a generated one would not match.  Such a parameter without `NoEcho` gets
    `NoEcho: true` (a safe fix: it only hides the value in the console and API).

    The fix, for an RDS instance or cluster whose only use of the parameter is its master
    password and that AWS lets manage it (not a member of a global cluster, not restored from
    a snapshot, not a replica, not Aurora Serverless v1): `ManageMasterUserPassword: true`
    instead of `MasterUserPassword`, and RDS keeps the password in Secrets Manager.  Otherwise
    an `AWS::SecretsManager::Secret` with `GenerateSecretString` (named after the parameter or
    property), read as `{{resolve:secretsmanager:${Secret}:SecretString:password}}`; the
    parameter's other uses in resources (a `Ref`, a connection string built with `Fn::Sub`)
    read the same reference.  The parameter is then removed.

    ## Why is this bad?
    A parameter value is stored with the stack: `NoEcho` hides it in the console, not from
    anyone who can read the deploy script, pipeline variables or shell history that passed it;
    a literal is in the repository.  Generated secrets never leave AWS.  cfn-lint reports it
    (W1011, W2501).

    ## Example
    ```yaml
    Parameters:
      DBPassword: {Type: String, NoEcho: true}
    Resources:
      Database:
        Type: AWS::RDS::DBInstance
        Properties:
          MasterUsername: admin
          MasterUserPassword: !Ref DBPassword
    ```

    Use instead:
    ```yaml
    Resources:
      Database:
        Type: AWS::RDS::DBInstance
        Properties:
          MasterUsername: admin
          ManageMasterUserPassword: true
    ```

    ## Fix safety
    Unsafe: the database gets a new password (generated by Secrets Manager or RDS) on the
    next update, clients configured with the old one stop connecting until they read the
    secret, and removing the parameter changes the stack's parameter interface (callers that
    pass it must stop).  With `ManageMasterUserPassword` the secret's ARN is
    `!GetAtt Database.MasterUserSecret.SecretArn`.  No fix when the parameter is also used
    outside resources (an output would publish the password; a condition compares it), or in
    a `Fn::Sub` that does more than name it; such findings are reported only.  A literal that
    is already a dynamic reference is left alone.

    ## References
    - [Dynamic references to Secrets Manager](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html)
    - [AWS::SecretsManager::Secret GenerateSecretString](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-secret-generatesecretstring.html)
    - [Password management with Amazon RDS and Secrets Manager](https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html)
    - [cfn-lint W1011, W2501](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HD004"
    reads_whole_template = True
    name = "plain-secret"
    summary = "Password passed as a parameter or literal: generate it in Secrets Manager"
    cfn_lint = ("W1011", "W2501")
    enabled_by_default = True  # resolves cfn-lint W1011/W2501
    fix_applicability = Applicability.UNSAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        seen: set[str] = set()
        for _path, value in _password_paths(ctx):
            name = ref_target(value)
            if not name or name in seen or not ctx.is_parameter(name):
                continue
            seen.add(name)
            yield self._parameter(ctx, name)
        yield from self._literals(ctx, seen)

    def _echoed(self, ctx: RuleContext, logical_id: str, key: str, name: str) -> Finding | None:
        """A parameter passed to a password property of another kind and shown in the console."""
        param = ctx.parameters.get(name)
        if not isinstance(param, dict) or param.get("NoEcho") not in (None, False, "false", "False"):
            return None
        fix = self.fixer(ctx).set(("Parameters", name, "NoEcho"), True).build(
            f"Hide parameter {name} (NoEcho)", Applicability.SAFE)
        return self.finding(ctx.pointer("Parameters", name),
                            f"parameter {name} is {logical_id}'s {key} but is shown in the console and API",
                            detail="Set NoEcho (and better: keep it in Secrets Manager).", fix=fix)

    def _parameter(self, ctx: RuleContext, name: str) -> Finding:
        uses = _uses(ctx, name)
        pointer = ctx.pointer("Parameters", name)
        message = f"parameter {name} carries a password in the clear"
        external = sorted({p[1] for p in uses.password if ctx.type_of(p[1]) in EXTERNAL_TYPES})
        owners = {p[1] for p in uses.password}
        if external and len(external) == len(owners):  # no resource of the template sets it
            return self.finding(pointer, message,
                                detail=f"It is a password {external[0]} uses to reach another system, which a "
                                       "generated secret would not match: store it in Secrets Manager and read it "
                                       "through a dynamic reference.")
        if uses.elsewhere:
            return self.finding(pointer, message,
                                detail=f"It is also used at {uses.elsewhere[0]}, which a secret cannot replace: "
                                       "move that use to the secret by hand.")
        fix = self.fixer(ctx)
        if not uses.refs and not uses.subs and all(_managed_ok(ctx, p) for p in uses.password):
            for path in uses.password:
                fix.remove(path).add((*path[:-1], "ManageMasterUserPassword"), True)
            removal(ctx, fix, "Parameters", [name])
            owners = ", ".join(p[1] for p in uses.password)
            return self.finding(pointer, message, detail="Let RDS manage it in Secrets Manager.", resource=None,
                                fix=fix.build(f"Let RDS manage the master password of {owners} "
                                              f"(ManageMasterUserPassword) and remove parameter {name}",
                                              Applicability.UNSAFE))
        secret = ctx.unique_id(f"{name}Secret" if not name.endswith("Secret") else name + "Value")
        first = uses.password[0] if uses.password else None
        props = ctx.properties(first[1]) if first else {}
        token = any(p[-1] == "AuthToken" for p in uses.password)
        self._add_secret(fix, secret, f"Password formerly passed as parameter {name}", props, token)
        for path in uses.password + uses.refs:
            fix.replace(path, reference(secret))
        for path in uses.subs:
            sub = parse_sub(fix.get(path))
            assert sub is not None  # a use found by _uses
            fix.replace((*path, *sub.text_at), sub_substitute(sub.text, {name: _secret_text(secret)}))
        removal(ctx, fix, "Parameters", [name])
        return self.finding(pointer, message, detail=f"Generate it in Secrets Manager as {secret}.",
                            fix=fix.build(f"Generate the password in Secrets Manager ({secret}), read it through a "
                                          f"dynamic reference and remove parameter {name}", Applicability.UNSAFE))

    def _add_secret(self, fix: FixBuilder, secret: str, description: str, props: dict[str, Any],
                    token: bool = False) -> None:
        fix.add(("Resources", secret), fragment(PATCHES, "secret", Description=description,
                                                Template=_user_template(props),
                                                Exclude=_AUTH_TOKEN_EXCLUDE if token else _EXCLUDE))

    def _literals(self, ctx: RuleContext, seen: set[str]) -> Iterator[Finding]:
        taken: set[str] = set()
        resources = ctx.resources
        # one scan of every mapping of Resources, in template order (most hold no password key); the
        # resource is worked out for the few that do
        for pointer, node in mappings_in(ctx, resources, "/Resources"):
            if PASSWORD_KEYS.isdisjoint(node):
                continue
            logical_id = properties_owner(pointer)
            if logical_id is None:
                continue
            resource = resources[logical_id]
            for key, value in node.items():
                name = ref_target(value) if key in PASSWORD_KEYS else None
                if name and name not in seen and ctx.is_parameter(name):
                    seen.add(name)
                    echoed = self._echoed(ctx, logical_id, key, name)
                    if echoed:
                        yield echoed
                    continue
                if key not in PASSWORD_KEYS or not isinstance(value, str) or _DYNAMIC.search(value):
                    continue
                where = extend_pointer(pointer, key)
                if not value:
                    yield self.finding(where, f"{logical_id} has an empty {key}", resource=logical_id)
                    continue
                if key not in OWN_PASSWORDS.get(resource_type(resource), ()):
                    yield self.finding(where, f"{logical_id} writes its {key} in the template",
                                       detail="Store it in Secrets Manager and read it through a dynamic reference.",
                                       resource=logical_id)
                    continue
                secret = ctx.unique_id(f"{logical_id}{key}Secret", taken)
                taken.add(secret)
                fix = self.fixer(ctx)
                self._add_secret(fix, secret, f"{key} of {logical_id}", node)
                fix.replace(where, reference(secret))
                yield self.finding(
                    where, f"{logical_id} writes its {key} in the template",
                    detail="Generate it in Secrets Manager.",
                    fix=fix.build(f"Generate the {key} of {logical_id} in Secrets Manager ({secret})",
                                  Applicability.UNSAFE),
                    resource=logical_id)
