"""DR005 global-table-replica-sse: replica KMS keys on a global table without table-level KMS encryption."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import parse_sub
from autofix.nodes import extend_pointer
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr._report import finding
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target

PATCHES = "DR005-global-table-replica-sse"
#: Keys that are not valid in a global table's table-level SSESpecification but models write there.
TABLE_KEY_NAMES = ("KMSMasterKeyId", "KMSMasterKeyID")
_KMS_ARN = lazy_pattern(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):")
_SUB_KMS_ARN = lazy_pattern(r"^arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):kms:\$\{([^}]+)\}:")
_AWS_MANAGED = lazy_pattern(r"(^|:)alias/aws/dynamodb$")

OK, BAD, UNKNOWN = "ok", "bad", "unknown"


def _intrinsic(value: Any) -> bool:
    """An intrinsic function (``Fn::If``, ``Ref``...) standing where an object is expected."""
    if not (isinstance(value, dict) and len(value) == 1):
        return False
    key = next(iter(value))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def _plain_object(value: Any) -> bool:
    return isinstance(value, dict) and not _intrinsic(value)


def _truthy(value: Any) -> bool | None:
    """True/False for a literal boolean (or its string form), None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _is_stack_region(value: Any, settings: Settings) -> bool:
    if ref_target(value) == "AWS::Region":
        return True
    if isinstance(value, dict) and value.get("Fn::Sub") == "${AWS::Region}":
        return True
    return isinstance(value, str) and settings.primary_region is not None and value == settings.primary_region


def _camel(label: str) -> str:
    """``us-west-2`` -> ``UsWest2``, ``SecondaryRegion`` -> ``SecondaryRegion`` (a parameter name part)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", label) if part)


def _region_label(region: Any) -> str:
    if isinstance(region, str):
        return region
    return ref_target(region) or "a computed region"


def _region_literal(template: Template, region: Any) -> str | None:
    """The region a replica names literally, or through a parameter's Default."""
    if isinstance(region, str):
        return region
    param = ref_target(region)
    if param and template.is_parameter(param):
        default = template.parameter_default(param)
        return default if isinstance(default, str) and default else None
    return None


def key_verdict(template: Template, key: Any, region: Any, settings: Settings) -> tuple[str, str]:
    """(verdict, kind): does ``key`` live in the replica's ``region``?  kind is "managed" or "cmk"."""
    if isinstance(key, str):
        if _AWS_MANAGED.search(key):
            return OK, "managed"
        arn = _KMS_ARN.match(key)
        if not arn:  # a key id or alias name: looked up in the replica's own region
            return UNKNOWN, "cmk"
        named = _region_literal(template, region)
        if named is not None:
            return (OK if named == arn.group(1) else BAD), "cmk"
        if _is_stack_region(region, settings) and settings.primary_region:
            return (OK if settings.primary_region == arn.group(1) else BAD), "cmk"
        return UNKNOWN, "cmk"
    if _stack_local(template, key):
        return (OK if _is_stack_region(region, settings) else BAD), "cmk"
    sub = parse_sub(key)
    if sub is not None:
        match = _SUB_KMS_ARN.match(sub.text)
        if match and ref_target(region) == match.group(1):
            return OK, "cmk"
        if match and template.is_parameter(match.group(1)):
            named, param_region = _region_literal(template, region), template.parameter_default(match.group(1))
            if named is not None and isinstance(param_region, str):
                return (OK if named == param_region else BAD), "cmk"
    return UNKNOWN, "cmk"


def _stack_local(template: Template, key: Any) -> bool:
    """A key created by, or only visible to, this stack's region."""
    target = ref_target(key) or (getatt_target(key) or (None,))[0]
    if target:
        return target in template.resources
    if isinstance(key, dict) and len(key) == 1 and "Fn::ImportValue" in key:
        return True
    sub = parse_sub(key)
    variables = sub.outside() if sub is not None else []
    return any(v == "AWS::Region" or v.split(".", 1)[0] in template.resources for v in variables)


def replica_entries(template: Template, table_id: str, replicas: Any) -> list[tuple[str, dict[str, Any]]] | None:
    """(pointer, replica) for every plain replica and both branches of each ``Fn::If`` replica.

    A branch that is ``AWS::NoValue`` is no replica.  None when a replica has any other shape.
    """
    if not isinstance(replicas, list):
        return None
    out = []
    for i, replica in enumerate(replicas):
        if _plain_object(replica):
            out.append((template.pointer("Resources", table_id, "Properties", "Replicas", i), replica))
            continue
        args = replica.get("Fn::If") if isinstance(replica, dict) and len(replica) == 1 else None
        if not (isinstance(args, list) and len(args) == 3):
            return None
        for branch in (1, 2):
            if ref_target(args[branch]) == "AWS::NoValue":
                continue
            if not _plain_object(args[branch]):
                return None
            out.append((template.pointer("Resources", table_id, "Properties", "Replicas", i, "Fn::If", branch),
                        args[branch]))
    return out


class GlobalTableReplicaSse(Rule):
    """## What it does
    Finds `AWS::DynamoDB::GlobalTable` resources whose replicas set `SSESpecification`
    (a `ReplicaSSESpecification` with `KMSMasterKeyId`) while the table-level
    `SSESpecification` is missing, disabled, or lacks `SSEType: KMS`.  Also finds a
    `KMSMasterKeyId` written in the table-level `SSESpecification`, which a global table does
    not accept there (it has only `SSEEnabled` and `SSEType`).  A replica written inside
    `Fn::If` (a conditional third region) is judged like the plain ones, in both branches
    (`AWS::NoValue` is no replica).

    ## Why is this bad?
    The deployment fails: with table-level SSE left at the default (an AWS owned key),
    DynamoDB rejects the replica keys with "ReplicaSSESpecification and SSEType must be null
    when SSE is set to default".  A table-level `KMSMasterKeyId` fails schema validation.

    ## Example
    ```yaml
    SessionsTable:
      Type: AWS::DynamoDB::GlobalTable
      Properties:
        Replicas:
          - Region: us-east-1
            SSESpecification:
              KMSMasterKeyId: !Ref TableKey      # a key of this stack
          - Region: us-west-2
            SSESpecification:
              KMSMasterKeyId: !Ref TableKey
    ```

    Use instead:
    ```yaml
    SessionsTable:
      Type: AWS::DynamoDB::GlobalTable
      Properties:
        SSESpecification:
          SSEEnabled: true
          SSEType: KMS
        Replicas:
          - Region: us-east-1
          - Region: us-west-2
    ```

    Table-level `SSEEnabled: true` and `SSEType: KMS` are added (or completed).  A replica's key
    must be in the replica's region.  A CloudFormation stack is single-region: a key defined in
    this template (`!Ref`/`!GetAtt`/`${Key}`, or an ARN built with `${AWS::Region}`) exists only in
    the region the stack is deployed to, so it is valid only for the replica whose `Region` is
    `!Ref AWS::Region`.  A literal key ARN is valid for the replica of the region it names.  Key
    ids, alias names and keys passed as parameters cannot be judged and are kept.  When a replica's
    key is of another region, or the replicas mix the AWS managed key with customer managed keys
    (or with replicas that name none), each replica without a customer managed key of its own
    region gets one from a new parameter (`<Table><Region>KeyArn`, no default: create a key in that
    region, or a multi-Region key's replica there, before the deploy, and pass its ARN).

    A table-level `KMSMasterKeyId` is removed; the replica of the stack's region (`!Ref
    AWS::Region`) takes it when it is this stack's key (the only replica: kept safe), and every
    other replica gets a key of its own region from a parameter as above.

    ## Fix safety
    Safe when it only switches on table-level KMS encryption (or moves a table-level key to the one
    replica of the stack's region): the template cannot deploy as written, and every key stays.
    Unsafe when a replica needs a key of its own region: the fix never replaces a customer managed
    key with the AWS managed key (that would silently downgrade the encryption the template meant),
    so it adds a key parameter per region, which must be given a key created beforehand in that
    region.  The finding says which replicas and why.

    ## References
    - [AWS::DynamoDB::GlobalTable SSESpecification](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-globaltable-ssespecification.html)
    - [AWS::DynamoDB::GlobalTable ReplicaSSESpecification](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-globaltable-replicassespecification.html)
    - [AWS::DynamoDB::GlobalTable](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html)
    """

    id = "DR005"
    name = "global-table-replica-sse"
    summary = "Global table replicas set KMS keys without table-level KMS encryption"
    enabled_by_default = True  # a documented DR failure (a deploy failure too)
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({"AWS::DynamoDB::GlobalTable"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for table_id, _ in ctx.resources_of("AWS::DynamoDB::GlobalTable"):
            finding = self._check_table(ctx, settings, table_id)
            if finding is not None:
                yield finding

    def _check_table(self, ctx: RuleContext, settings: Settings, table_id: str) -> Finding | None:
        props = ctx.properties(table_id)
        base = ("Resources", table_id, "Properties")
        table_sse = props.get("SSESpecification")
        if table_sse is not None and not _plain_object(table_sse):
            return None  # Fn::If or a parameter: not ours to judge
        enabled = _truthy(table_sse.get("SSEEnabled", False)) if table_sse is not None else False
        sse_type = table_sse.get("SSEType") if table_sse is not None else None
        if enabled is None or not (sse_type is None or isinstance(sse_type, str)):
            return None
        table_key_name = next((k for k in TABLE_KEY_NAMES if table_sse and k in table_sse), None)
        raw = props.get("Replicas")
        plain = isinstance(raw, list) and all(_plain_object(r) for r in raw)
        entries = replica_entries(ctx, table_id, raw) or []
        replicas = [replica for _, replica in entries]
        with_sse = [i for i, r in enumerate(replicas) if "SSESpecification" in r]
        table_kms = enabled and sse_type == "KMS"
        keep, why = (self._keep_replica_keys(ctx, settings, replicas, with_sse) if with_sse
                     else (True, ""))
        missing_table_kms = bool(with_sse) and not table_kms
        if not missing_table_kms and keep and table_key_name is None:
            return None

        notes: list[str] = []
        unsafe = False
        fix = self.fixer(ctx)
        moved_to = None
        if table_key_name is not None:
            key = table_sse[table_key_name]
            moved_to = self._move_target(ctx, settings, raw if plain else None, key)
        incomplete = table_key_name is not None and "SSEEnabled" not in table_sse
        if (missing_table_kms or table_key_name is not None or incomplete or not keep) and not table_kms:
            self._table_kms(fix, base, table_sse, enabled, sse_type)
            notes.append("set table-level SSEEnabled: true and SSEType: KMS")
        if table_key_name is not None:
            fix.remove((*base, "SSESpecification", table_key_name))
            if moved_to is not None:
                fix.add((*base, "Replicas", moved_to, "SSESpecification"),
                        fragment(PATCHES, "replica_sse", KMSMasterKeyId=table_sse[table_key_name]))
                notes.append(f"move the table-level {table_key_name} (not valid on a global table) to the replica of "
                             f"the stack's region")
        if not keep or (table_key_name is not None and moved_to is None):
            keyed = self._per_region_keys(ctx, settings, fix, table_id, entries,
                                          table_sse[table_key_name] if table_key_name and moved_to is None else None)
            notes.append(f"give {keyed} a customer managed key of its own region, passed as a parameter")
            unsafe = True

        if missing_table_kms:
            pointer = extend_pointer(entries[with_sse[0]][0], "SSESpecification")
            message = f"{table_id} sets KMS keys on its replicas but no table-level SSEType KMS, which fails to deploy"
            problem = ("DynamoDB rejects replica keys while the table uses the default encryption (\"ReplicaSSE"
                       "Specification and SSEType must be null when SSE is set to default\").")
        elif not keep:
            pointer = extend_pointer(entries[with_sse[0]][0], "SSESpecification")
            message = f"{table_id} sets replica KMS keys that cannot all be used"
            problem = f"The replica keys cannot all be used: {why}."
        else:
            pointer = ctx.pointer(*base, "SSESpecification", table_key_name)
            message = (f"{table_id} sets {table_key_name} in its table-level SSESpecification, which global tables "
                       f"reject")
            problem = ("A global table's SSESpecification has only SSEEnabled and SSEType; a replica's key must be in "
                       "the replica's region.")
        if not keep and missing_table_kms:
            problem += f" The replica keys cannot all be used either: {why}."
        plan = "; ".join(notes)
        downgrade = (" Removing the keys would silently replace customer managed keys with the AWS managed key, so "
                     "the fix keeps customer managed keys: create a key in each replica's region (or a multi-Region "
                     "key's replica there) before the deploy and pass its ARN." if unsafe else "")
        description = plan[0].upper() + plan[1:]
        return finding(self, pointer, message, f"{problem} Fix: {description}.{downgrade}", resource=table_id,
                       fix=fix.build(description, Applicability.UNSAFE if unsafe else Applicability.SAFE))

    @staticmethod
    def _per_region_keys(template: Template, settings: Settings, fix: FixBuilder, table_id: str,
                         entries: list[tuple[str, dict[str, Any]]], table_key: Any) -> str:
        """Every replica without a customer managed key of its own region gets one, from a new parameter per region
        (the key must exist before the deploy, in that region); a table-level key goes to the replica of the stack's
        region when it is this stack's key.  What was keyed, for the description."""
        parameters: dict[str, str] = {}
        keyed: list[str] = []
        taken: set[str] = set()
        for pointer, replica in entries:
            region = replica.get("Region")
            sse = replica.get("SSESpecification")
            key = sse.get("KMSMasterKeyId") if isinstance(sse, dict) else None
            if key is None and table_key is not None and _is_stack_region(region, settings) and _stack_local(
                    template, table_key):
                fix.add(extend_pointer(pointer, "SSESpecification"),
                        fragment(PATCHES, "replica_sse", KMSMasterKeyId=copy.deepcopy(table_key)))
                keyed.append(_region_label(region))
                continue
            if key is not None and key_verdict(template, key, region, settings) in ((OK, "cmk"), (UNKNOWN, "cmk")):
                continue  # a key of the replica's region, or one that cannot be judged (an alias name): kept
            label = _region_label(region)
            if label not in parameters:
                name = template.unique_id(f"{table_id}{_camel(label)}KeyArn", taken)
                taken.add(name)
                parameters[label] = name
                fix.set(("Parameters", name), fragment(PATCHES, "replica_key_parameter", Table=table_id, Region=label))
            value = {"Ref": parameters[label]}
            if isinstance(sse, dict) and "KMSMasterKeyId" in sse:
                fix.replace(extend_pointer(pointer, "SSESpecification", "KMSMasterKeyId"), value)
            else:
                fix.set(extend_pointer(pointer, "SSESpecification"), fragment(PATCHES, "replica_sse",
                                                                               KMSMasterKeyId=value))
            keyed.append(label)
        return "the replicas in " + ", ".join(dict.fromkeys(keyed))

    @staticmethod
    def _table_kms(fix: FixBuilder, base: tuple[str, ...], table_sse: dict[str, Any] | None, enabled: bool,
                   sse_type: Any) -> None:
        """Turn on table-level encryption with KMS (``SSEEnabled: true``, ``SSEType: KMS``)."""
        if table_sse is None:
            fix.add((*base, "SSESpecification"), fragment(PATCHES, "table_sse"))
            return
        if not enabled:
            (fix.replace if "SSEEnabled" in table_sse else fix.add)(
                (*base, "SSESpecification", "SSEEnabled"), fragment(PATCHES, "sse_enabled"))
        if sse_type != "KMS":
            (fix.replace if "SSEType" in table_sse else fix.add)(
                (*base, "SSESpecification", "SSEType"), fragment(PATCHES, "sse_type"))

    @staticmethod
    def _keep_replica_keys(template: Template, settings: Settings, replicas: list[Any],
                           with_sse: list[int]) -> tuple[bool, str]:
        verdicts = []
        for i in with_sse:
            sse = replicas[i]["SSESpecification"]
            if not _plain_object(sse) or (isinstance(sse.get("KMSMasterKeyId"), dict)
                                          and "Fn::If" in sse["KMSMasterKeyId"]):
                return True, "conditional"
            if sse.get("KMSMasterKeyId") in (None, ""):
                return False, f"replica {i} names no KMSMasterKeyId"
            verdicts.append((i, *key_verdict(template, sse["KMSMasterKeyId"], replicas[i].get("Region"),
                                             settings)))
        kinds = {kind for _, _, kind in verdicts}
        if "managed" in kinds and "cmk" in kinds:
            return False, "AWS managed and customer managed keys cannot be mixed"
        if len(with_sse) < len(replicas) and "cmk" in kinds:
            return False, "some replicas have no key, and AWS managed and customer managed keys cannot be mixed"
        bad = [i for i, verdict, _ in verdicts if verdict == BAD]
        if bad:
            which = ", ".join(_region_label(replicas[i].get("Region")) for i in bad)
            stack = any(_stack_local(template, replicas[i]["SSESpecification"]["KMSMasterKeyId"]) for i in bad)
            hint = ": a key of this stack exists only in the region the stack is deployed to" if stack else ""
            return False, f"the keys of the replicas in {which} are not known to live in those regions{hint}"
        return True, "keys live in their replicas' regions"

    @staticmethod
    def _move_target(template: Template, settings: Settings, replicas: list[Any] | None, key: Any) -> int | None:
        """The index of the only replica, in the stack's region and keyless, that can take ``key``."""
        if not replicas or len(replicas) != 1:
            return None
        replica = replicas[0]
        if "SSESpecification" in replica or not _is_stack_region(replica.get("Region"), settings):
            return None
        verdict, kind = key_verdict(template, key, replica.get("Region"), settings)
        return 0 if verdict != BAD and kind == "cmk" else None
