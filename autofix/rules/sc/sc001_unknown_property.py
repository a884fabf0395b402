"""SC001 unknown-property: a property the resource schema does not allow where it is written."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.intrinsics import intrinsic_name, is_no_value
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule, concise
from autofix.rules.sc._values import fits
from autofix.rules.sc._walk import SchemaNode, mapping_nodes, pointer_of
from autofix.settings import Settings
from autofix.template import Template

PATCHES = "SC001-unknown-property"


@lru_cache(maxsize=1)
def _renames() -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(e["type"], e.get("at", ""), e["from"]): e for e in fragment(PATCHES, "renames")}


def at_of(node: SchemaNode) -> str:
    """The parent path of ``node`` under Properties, without list indexes or Fn::If branches."""
    out = []
    skip = False
    for seg in node.path[3:]:
        if skip:
            skip = False
            continue
        if seg == "Fn::If":
            skip = True
            continue
        if isinstance(seg, int):
            continue
        out.append(seg)
    return "/".join(out)


def _is_object(schema, sub: dict[str, Any]) -> bool:
    return bool(schema.properties(sub)) and "array" not in schema.types(sub)


class UnknownProperty(Rule):
    """## What it does
    Finds properties that the resource provider schema does not allow where they are written
    (cfn-lint E3002: `additionalProperties` is false there), at every level: resource
    properties, nested objects, list items, both branches of `Fn::If`.  The schemas are the
    ones cfn-lint ships (see `autofix.schema`), for the types the template declares.

    ## Why is this bad?
    CloudFormation refuses the resource (`Encountered unsupported property`): the stack does
    not deploy.  LLM-written templates misspell property names (`RoleArn` for `RoleARN`), use
    names of the API or another resource (`ReservedConcurrencyLimit`), write a nested setting
    one level too high (Route53 health check settings beside `HealthCheckConfig`) or invent
    properties (`CloudWatchConfigurations` in an S3 notification configuration).

    ## Example
    ```yaml
    Recorder:
      Type: AWS::Config::ConfigurationRecorder
      Properties:
        RoleArn: !GetAtt ConfigRole.Arn
    ```

    Use instead:
    ```yaml
    Recorder:
      Type: AWS::Config::ConfigurationRecorder
      Properties:
        RoleARN: !GetAtt ConfigRole.Arn
    ```

    ## Fix safety
    The first of these that applies is the fix; none applies when the target already exists.

    1. A rename table built from the corpus (`patches/SC001-unknown-property.yaml`): the
       name the schema spells differently (`ReservedConcurrencyLimit` ->
       `ReservedConcurrentExecutions`, FlowLog `ResourceIds` -> `ResourceId` for a one-item
       list, Lambda `Tracing: Active` -> `TracingConfig: {Mode: Active}`...), and the places
       API Gateway keeps stage-wide settings: a REST stage's `ThrottleSettings: {RateLimit,
       BurstLimit}` and caching or logging settings go to its `MethodSettings` item for all
       methods (`ResourcePath: /*`, `HttpMethod: '*'`, created when absent), a deployment's
       `StageDescription.ThrottleSettings` become `ThrottlingRateLimit`/`ThrottlingBurstLimit`
       there, an HTTP API stage's become `DefaultRouteSettings`: safe, each value moves with
       its text; a setting already there with another value leaves the choice to the author.
    2. The schema has the same name in another case (`RoleArn` -> `RoleARN`,
       `KmsMasterKeyId` -> `KMSMasterKeyID`): safe.
    3. Exactly one sub-object of this object has the property (Route53 `Port` beside
       `HealthCheckConfig`, DynamoDB `PointInTimeRecoveryEnabled` at the top): it moves there,
       the sub-object being created when absent, with all its siblings that belong there: safe.
    4. A property of a resource's direct sub-object that the resource itself has
       (CloudFront `DistributionConfig.Tags`): it moves up: safe.
    5. A misplaced wrapper: an object whose settings all belong to this object, or all to one
       sub-object of it (Route53 `Config: {AlarmIdentifier: ...}` beside or instead of
       `HealthCheckConfig`): its settings move there (the wrapper is renamed to the sub-object
       when that is absent): safe, every setting is kept.
    6. One close spelling with a value of the right type ("did you mean": `MaximumEventAge` ->
       `MaximumEventAgeInSeconds`, singular/plural with the value wrapped in or taken out of a
       one-item list): unsafe, the name is a guess.
    7. Otherwise the property is removed, the last resort: always unsafe (what it asked for is
       not deployed; `Tags` and `Description` are no exception, tags drive cost reports and
       access policies), and the message says what is lost.  When it was the only setting of
       a sub-object its parent does not require, the sub-object goes too, rather than being
       left empty (S3 `NotificationConfiguration: {CloudWatchConfigurations: ...}`).

    ## References
    - [Resource and property types reference](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html)
    - [Resource type schemas](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    """

    id = "SC001"
    name = "unknown-property"
    summary = "Property not allowed by the resource schema"
    cfn_lint = ("E3002",)
    enabled_by_default = True  # resolves cfn-lint E3002
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for node in mapping_nodes(ctx, settings):
            value = node.value
            if not node.schema.closed(node.node):
                continue
            kids = node.schema.children(node.node)  # the table the walk filled: a lookup a key
            unknown = [k for k in value if kids[k] is None
                       and not k.startswith("Fn::") and k not in ("Ref", "Condition")
                       and not is_no_value(value[k])]
            for key in unknown:
                yield self._finding(ctx, node, key, unknown)

    def _finding(self, ctx: RuleContext, node: SchemaNode, key: str, unknown: list[str]) -> Finding:
        schema, value = node.schema, node.value
        path = (*node.path, key)
        where = f"{node.type_name} {node.logical_id}" + (f" {at_of(node)}" if node.depth else "")
        what = f"{where}: property {key} is not allowed"
        short = f"{node.logical_id}" + (f" {at_of(node)}" if node.depth else "") + f": property {key} is not allowed"
        props = schema.properties(node.node)
        read_only = schema.read_only() if node.depth == 0 else frozenset()
        names = [p for p in props if p not in read_only]
        fix = self.fixer(ctx)

        def result(message: str, description: str, applicability: Applicability) -> Finding:
            return self.finding(pointer_of(path), concise(f"{what}; {message}", f"{short}; {message}"),
                                detail=f"{what}; {description}", fix=fix.build(description, applicability),
                                resource=node.logical_id)

        entry = _renames().get((node.type_name, at_of(node) if node.depth else "", key))
        if entry and entry.get("how") == "settings" and self._settings(fix, node, key, entry):
            place = entry.get("say") or entry["to"] or node.key or "Properties"
            names = [entry["fields"][k] for k in node.value[key]] if "fields" in entry else [entry["key"]]
            return result(f"its settings go in {place} as {' and '.join(names)}" if "fields" in entry
                          else f"it goes in {place}", f"Move {key} into {place}", Applicability.SAFE)
        if entry and entry.get("how") != "settings" and entry["to"] in props and self._table(fix, node, key, entry):
            return result(f"it is {entry['to']} here", f"Rename {key} to {entry['to']}", Applicability.SAFE)
        same = [p for p in names if p.lower() == key.lower()]
        if len(same) == 1 and same[0] not in value:
            fix.rename(path, same[0])
            return result(f"did you mean {same[0]}?", f"Rename {key} to {same[0]}", Applicability.SAFE)
        owner = _owner(node, key, unknown, read_only)
        if owner and self._nest(fix, node, key, owner, unknown, read_only):
            return result(f"it belongs in {owner}", f"Move {key} into {owner}", Applicability.SAFE)
        if node.depth == 1 and len(node.path) == 4 and self._up(ctx, fix, node, key):
            return result("it is a property of the resource itself", f"Move {key} up to the resource's properties",
                          Applicability.SAFE)
        wrapper = self._unwrap(fix, node, key, read_only)
        if wrapper is not None:
            return result(f"its settings belong in {wrapper}", f"Move the settings under {key} into {wrapper}",
                          Applicability.SAFE)
        guess = self._guess(schema, node, key, names)
        if guess is not None:
            target, how = guess
            self._apply(fix, path, target, how, value[key])
            return result(f"did you mean {target}?", f"Rename {key} to {target}", Applicability.UNSAFE)
        gone = self._remove(fix, node, key)
        lost = _loss(key, value[key])
        emptied = f" and the {gone} it leaves empty" if gone else ""
        return self.finding(
            pointer_of(path),
            concise(f"{what}; removing it drops {lost}{emptied}", f"{short}; removing it drops {lost}{emptied}",
                    f"{short}; removing it drops {lost}", f"{node.logical_id}: property {key} is not allowed"),
            detail=f"No {where} property can hold {key}; removing it drops {lost}{emptied}: what it asked for "
                   "is not deployed.",
            fix=fix.build(f"Remove {key}{emptied} (no {where} property can hold it; {lost} is lost)",
                          Applicability.UNSAFE),
            resource=node.logical_id)

    # -- the ways a property finds its place

    def _table(self, fix, node: SchemaNode, key: str, entry: dict[str, Any]) -> bool:
        value, target, how = node.value[key], entry["to"], entry.get("how", "rename")
        path = (*node.path, key)
        if how == "attribute":
            current = value.get(target) if isinstance(value, dict) else None
            current = node.value.get(target)
            if intrinsic_name(value) is not None and not isinstance(value, dict):
                return False
            if current is not None and not isinstance(current, list):
                return False
            if isinstance(current, list) and any(isinstance(a, dict) and a.get("Key") == entry["key"]
                                                 for a in current):
                return False
            shown = str(value).lower() if isinstance(value, bool) else value
            item = {"Key": entry["key"], "Value": shown if intrinsic_name(value) else str(shown)}
            if current is None:
                fix.add((*node.path, target), [item])
            else:
                fix.add((*node.path, target, "-"), item)
            fix.remove(path)
            return True
        if target in node.value:
            return False
        if how == "unwrap":
            if not (isinstance(value, list) and len(value) == 1):
                return False
            fix.add((*node.path, target), thaw(value[0]))
            fix.remove(path)
            return True
        if how == "wrap":
            fix.add((*node.path, target), {entry["inner"]: thaw(value)})
            fix.remove(path)
            return True
        if how == "flag":
            on = value is True or (isinstance(value, str) and value.lower() in ("true", "active", "enabled")) or (
                isinstance(value, dict) and any(v is True or v == "Active" for v in value.values()))
            if not on:
                return False
            fix.add((*node.path, target), entry["value"])
            fix.remove(path)
            return True
        fix.rename(path, target)
        return True

    @staticmethod
    def _settings(fix, node: SchemaNode, key: str, entry: dict[str, Any]) -> bool:
        """Table ``how: settings``: the value's entries (renamed by ``fields``), or the value itself
        (as ``key``), become settings of the object ``to`` (the parent itself when empty), or of the
        item of the list ``to`` that has the ``match`` entries (appended when none has them).

        Each setting moves, keeping its text.  One already there with the same value is only
        dropped here; one there with another value stops the table fix (the author must choose)."""
        value, parent = node.value[key], node.path
        if "fields" in entry:
            fields: dict[str, str] = entry["fields"]
            if not isinstance(value, dict) or not value or any(k not in fields for k in value):
                return False
            moves = [((*parent, key, k), fields[k], v) for k, v in value.items()]
        else:
            if isinstance(value, dict) and intrinsic_name(value) is None:
                return False
            moves = [((*parent, key), entry["key"], value)]
        to, match = entry["to"], entry.get("match")
        if not to:
            target: tuple = tuple(parent)
            held = node.value
        elif match is None:
            target, held = (*parent, to), node.value.get(to, {})
        else:
            items = node.value.get(to, [])
            if not isinstance(items, list):
                return False
            index = next((i for i, item in enumerate(items) if isinstance(item, dict)
                          and all(item.get(k) == v for k, v in match.items())), None)
            target = (*parent, to, len(items) if index is None else index)
            held = {} if index is None else items[index]
        if not isinstance(held, dict) or intrinsic_name(held) is not None:
            return False
        if any(name in held and held[name] != v for _, name, v in moves):
            return False
        if to and to not in node.value and match is None and "fields" in entry:
            fix.rename((*parent, key), to)  # the object itself becomes the place: its text and style stay
            for source, name, _ in moves:
                fix.rename((*parent, to, source[-1]), name)
            return True
        if to and to not in node.value:
            fix.add(target if match is None else target[:-1], {} if match is None else [dict(match)])
        elif match is not None and index is None:
            fix.add((*target[:-1], "-"), dict(match))
        for source, name, _ in moves:
            if name in held:  # already set there, to the same value
                fix.remove(source)
            else:
                fix.move(source, (*target, name))
        if "fields" in entry:
            fix.remove((*parent, key))
        return True

    def _nest(self, fix, node: SchemaNode, key: str, owner: str, unknown: list[str], read_only) -> bool:
        value = node.value
        if owner in value:
            inner = value[owner]
            if not isinstance(inner, dict) or intrinsic_name(inner) or key in inner:
                return False
            fix.move((*node.path, key), (*node.path, owner, key))
            return True
        # the sub-object is created with every sibling that belongs there, in one fix
        group = [other for other in unknown if _owner(node, other, unknown, read_only) == owner]
        # add first, remove after: the object is never left empty on the way
        fix.add((*node.path, owner), {other: thaw(value[other]) for other in group})
        for other in group:
            fix.remove((*node.path, other))
        return True

    def _up(self, template: Template, fix, node: SchemaNode, key: str) -> bool:
        root = template.properties(node.logical_id)
        if key in root or node.schema.child(node.schema.root, key) is None:
            return False
        if key in node.schema.read_only():
            return False
        fix.move((*node.path, key), (*node.path[:3], key))
        return True

    def _unwrap(self, fix, node: SchemaNode, key: str, read_only) -> str | None:
        """A misplaced wrapper (``Config: {AlarmIdentifier: ...}`` beside ``HealthCheckConfig``): its
        children go where the schema defines all of them, this object or one sub-object of it (the
        wrapper is renamed to that sub-object when it is absent).  The name of the place, or None."""
        inner = node.value[key]
        if not isinstance(inner, dict) or not inner or any(k.startswith("Fn::") or k in ("Ref", "Condition")
                                                           for k in inner):
            return None
        schema, children = node.schema, list(inner)
        props = schema.properties(node.node)
        if all(c in props and c not in read_only and c not in node.value for c in children):
            for child in children:
                fix.move((*node.path, key, child), (*node.path, child))
            fix.remove((*node.path, key))
            return node.key or "Properties"
        owners = []
        for name in props:
            sub = schema.child(node.node, name) or {}
            if name not in read_only and _is_object(schema, sub) and set(children) <= set(schema.properties(sub)):
                owners.append(name)
        if len(owners) > 1:
            owners = [o for o in owners if o.endswith(key)]
        if len(owners) != 1:
            return None
        owner = owners[0]
        current = node.value.get(owner)
        if current is None:
            fix.rename((*node.path, key), owner)
            return owner
        if not isinstance(current, dict) or intrinsic_name(current) or any(c in current for c in children):
            return None
        for child in children:
            fix.move((*node.path, key, child), (*node.path, owner, child))
        fix.remove((*node.path, key))
        return owner

    @staticmethod
    def _remove(fix, node: SchemaNode, key: str) -> str | None:
        """Remove ``key``; an object it leaves empty goes too, up to the resource's ``Properties``,
        unless its parent requires it (``NotificationConfiguration: {}`` is not left behind).  The
        name of the outermost object removed with it, or None."""
        path: tuple = (*node.path, key)
        emptied = None
        while len(path) > 3:
            parent = path[:-1]
            if "Fn::If" in parent or not isinstance(parent[-1], str):
                break
            held = fix.get(parent)
            if not isinstance(held, dict) or len(held) != 1 or parent[-1] in _required_at(node.schema, parent):
                break
            path, emptied = parent, parent[-1]
        fix.remove(path)
        return emptied

    def _guess(self, schema, node: SchemaNode, key: str, names: list[str]) -> tuple[str, str] | None:
        value = node.value[key]
        found: dict[str, str] = {}
        for name in names:
            if name in node.value:
                continue
            sub = schema.child(node.node, name) or {}
            allowed = schema.types(sub)
            if name in (key + "s", key + "es") and "array" in allowed and not isinstance(value, list):
                found[name] = "wrap-list"
            elif key in (name + "s", name + "es") and isinstance(value, list) and len(value) == 1 and (
                    "array" not in allowed) and fits(value[0], allowed):
                found[name] = "unwrap"
            elif fits(value, allowed) and _close(key, name):
                found[name] = "rename"
        if len(found) == 1:
            return next(iter(found.items()))
        return None

    @staticmethod
    def _apply(fix, path, target: str, how: str, value: Any) -> None:
        if how == "rename":
            fix.rename(path, target)
            return
        fix.add((*path[:-1], target), [thaw(value)] if how == "wrap-list" else thaw(value[0]))
        fix.remove(path)


def _owner(node: SchemaNode, key: str, unknown: list[str], read_only) -> str | None:
    """The one sub-object of ``node`` whose schema has ``key`` (preferring one whose name starts a
    sibling unknown key: ``Transition`` for ``TransitionInDays`` and ``StorageClass``)."""
    schema = node.schema
    owned: dict[str, set[str]] = {}
    for name in schema.properties(node.node):
        sub = schema.child(node.node, name) or {}
        if name not in read_only and _is_object(schema, sub) and key in schema.properties(sub):
            owned[name] = set(unknown) & set(schema.properties(sub))
    owners = list(owned)
    if len(owners) > 1:  # the one that takes the most of the misplaced keys
        most = max(len(v) for v in owned.values())
        owners = [o for o in owners if len(owned[o]) == most]
    if len(owners) > 1:
        owners = [o for o in owners if any(u.startswith(o) and u != o for u in unknown)]
    return owners[0] if len(owners) == 1 else None


def _required_at(schema, path: tuple) -> tuple[str, ...]:
    """The properties required of the object that holds ``path`` (``Resources/<id>/Properties/...``);
    for ``Properties`` itself, the resource's required properties say whether it may go."""
    if len(path) <= 3:
        return ("Properties",) if schema.required(schema.root) else ()
    parent: dict[str, Any] = schema.root
    for seg in path[3:-1]:
        parent = schema.items(parent) if isinstance(seg, int) else (schema.child(parent, seg) or {})
    return schema.required(parent)


def _loss(key: str, value: Any) -> str:
    """What removing ``key`` loses, in a few words."""
    if isinstance(value, dict):
        return f"its {len(value)} setting{'s' if len(value) != 1 else ''}" if value else "an empty setting"
    if isinstance(value, list):
        return f"its {len(value)} entr{'ies' if len(value) != 1 else 'y'}"
    shown = str(value)
    return f"the value {shown if len(shown) <= 30 else shown[:27] + '...'}"


def _close(key: str, name: str) -> bool:
    """A "did you mean" match: a long common prefix with a short tail, or a high similarity."""
    a, b = key.lower(), name.lower()
    if min(len(a), len(b)) >= 8 and (a.startswith(b) or b.startswith(a)) and abs(len(a) - len(b)) <= 9:
        return True
    from difflib import SequenceMatcher  # only unknown properties need it

    return SequenceMatcher(None, a, b).ratio() >= 0.85
