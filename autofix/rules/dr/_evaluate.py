"""One stack of a template, evaluated: which resources it creates and what their names resolve to.

A deploy simulation needs the template as CloudFormation would see it in one region with one set of
parameter values.  :class:`Stack` evaluates conditions and intrinsic functions symbolically:

- ``AWS::Region`` is the stack's region (``AWS::Partition`` and ``AWS::URLSuffix`` follow from it), or
  unknown for a template deployed once, in a region it does not say;
- ``AWS::AccountId`` and ``AWS::StackName`` are the same in every stack of a deployment, but their
  values are not known: they become *tokens*, placeholders that compare equal to themselves only;
- a parameter takes the value the simulation gives it (by default its ``Default``); a parameter without
  one, a resource attribute (``Fn::GetAtt``), an import or ``AWS::StackId`` is :data:`UNKNOWN`;
- ``Ref`` to a resource gives its physical name when its type returns the name and the name is set.

Conditions are three-valued (True, False, None for "cannot tell"): a simulation reports only what it can
prove, so anything that rests on an unknown value or an undecided condition is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.intrinsics import SUB_VARIABLE, getatt_target, if_condition, intrinsic_name, parse_sub, ref_target
from autofix.nodes import join_pointer
from autofix.patterns import lazy_pattern
from autofix.template import Template, resource_type


class _Unknown:
    """A value the template does not determine before deploy."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


class _NoValue:
    """``AWS::NoValue``: the property or list item is left out."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOVALUE"


UNKNOWN: Any = _Unknown()
NOVALUE: Any = _NoValue()

_OPEN, _CLOSE = "\ue000", "\ue001"
#: Pseudo parameters equal in both stacks of a deployment (same account, same stack name) but unknown.
SHARED_TOKENS = {"AWS::AccountId": f"{_OPEN}AWS::AccountId{_CLOSE}", "AWS::StackName": f"{_OPEN}AWS::StackName{_CLOSE}"}
_TOKEN = lazy_pattern(_OPEN + r"([^" + _CLOSE + r"]*)" + _CLOSE)

#: Types whose ``Ref`` is the physical name, with the property that sets it.
_REF_IS_NAME = {
    "AWS::S3::Bucket": "BucketName", "AWS::IAM::Role": "RoleName", "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName", "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::DynamoDB::Table": "TableName", "AWS::DynamoDB::GlobalTable": "TableName",
    "AWS::RDS::DBCluster": "DBClusterIdentifier", "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::RDS::GlobalCluster": "GlobalClusterIdentifier", "AWS::Lambda::Function": "FunctionName",
    "AWS::Logs::LogGroup": "LogGroupName", "AWS::Kinesis::Stream": "Name", "AWS::ECS::Cluster": "ClusterName",
}


def shown(text: str) -> str:
    """``text`` with tokens written back as ``${AWS::AccountId}``, as a reader wrote them."""
    return _TOKEN.sub(lambda m: "${" + m.group(1) + "}", text)


def has_token(text: str) -> bool:
    return _OPEN in text


def partition(region: str) -> tuple[str, str]:
    """(partition, URL suffix) of a region code."""
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com"
    return "aws", "amazonaws.com"


def text(value: Any) -> str | None:
    """A scalar as the string CloudFormation would pass on; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return None


def known(value: Any) -> bool:
    """No part of ``value`` is :data:`UNKNOWN`."""
    if value is UNKNOWN:
        return False
    if isinstance(value, dict):
        return all(known(v) for v in value.values())
    if isinstance(value, list):
        return all(known(v) for v in value)
    return True


def parameter_values(template: Template) -> dict[str, Any]:
    """Every parameter's default as a value (lists split for list types); parameters without one are left out."""
    out: dict[str, Any] = {}
    for name, param in template.parameters.items():
        if not isinstance(param, dict) or "Default" not in param:
            continue
        kind = param.get("Type", "String")
        default = param["Default"]
        if isinstance(kind, str) and kind.startswith("AWS::SSM::Parameter::Value"):
            continue  # the value is read from Parameter Store at deploy time
        if isinstance(kind, str) and (kind == "CommaDelimitedList" or kind.startswith("List<")):
            out[name] = [s.strip() for s in default.split(",")] if isinstance(default, str) else default
        else:
            out[name] = default
    return out


class Stack:
    """The template deployed as one stack: a region, a role and the parameter values it is given."""

    def __init__(self, template: Template, region: str | None, role: str, label: str,
                 parameters: dict[str, Any]) -> None:
        self.template = template
        self.region = region  # None: not known (a template for one stack, anywhere)
        self.role = role  # "primary" or "secondary": whose stack this is
        self.label = label  # how messages name it: "the secondary stack (us-west-2, created)"
        self.parameters = parameters
        self._conditions: dict[str, bool | None] = {}
        self._busy: set[str] = set()

    # -- conditions and existence

    def condition(self, name: Any) -> bool | None:
        """The named condition's value in this stack (None: it cannot be decided)."""
        if not isinstance(name, str):
            return None
        if name in self._conditions:
            return self._conditions[name]
        if name in self._busy or name not in self.template.conditions:
            return None
        self._busy.add(name)
        try:
            result = self.truth(self.template.conditions[name])
        finally:
            self._busy.discard(name)
        self._conditions[name] = result
        return result

    def truth(self, body: Any) -> bool | None:
        """A condition expression (``Fn::Equals``, ``Fn::And``, ``Fn::Or``, ``Fn::Not``, ``Condition``)."""
        if isinstance(body, bool):
            return body
        if not isinstance(body, dict) or len(body) != 1:
            return None
        (name, arg), = body.items()
        if name == "Condition":
            return self.condition(arg)
        if name == "Fn::Equals":
            if not (isinstance(arg, list) and len(arg) == 2):
                return None
            return _equal(self.value(arg[0]), self.value(arg[1]))
        if name in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            results = [self.truth(a) for a in arg]
            decisive = name == "Fn::Or"  # Or: one True decides; And: one False decides
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        if name == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = self.truth(arg[0])
            return None if inner is None else not inner
        return None

    def exists(self, logical_id: str) -> bool | None:
        """Does this stack create the resource (None: its condition cannot be decided)?"""
        resource = self.template.resources.get(logical_id)
        if not isinstance(resource, dict):
            return False
        if "Condition" not in resource:
            return True
        return self.condition(resource["Condition"])

    def created(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(logical id, resource) of every resource this stack certainly creates."""
        for logical_id, resource in self.template.resources.items():
            if isinstance(resource, dict) and self.exists(logical_id) is True:
                yield logical_id, resource

    # -- values

    def value(self, value: Any, depth: int = 0) -> Any:
        """``value`` with every intrinsic function evaluated (:data:`UNKNOWN` where it cannot be)."""
        if depth > 40:
            return UNKNOWN
        if isinstance(value, list):
            out = [self.value(v, depth + 1) for v in value]
            return [v for v in out if v is not NOVALUE]
        if not isinstance(value, dict):
            return value
        name = intrinsic_name(value)
        if name is None:
            out_map = {k: self.value(v, depth + 1) for k, v in value.items()}
            return {k: v for k, v in out_map.items() if v is not NOVALUE}
        arg = value[name]
        if name == "Ref":
            return self.ref(arg, depth)
        if name == "Fn::If":
            decided = self.condition(if_condition(value))
            if decided is None or not (isinstance(arg, list) and len(arg) == 3):
                return UNKNOWN
            return self.value(arg[1] if decided else arg[2], depth + 1)
        if name == "Fn::Sub":
            return self._sub(value, depth)
        if name == "Fn::Join":
            return self._join(arg, depth)
        if name == "Fn::Select":
            return self._select(arg, depth)
        if name == "Fn::Split":
            if isinstance(arg, list) and len(arg) == 2:
                sep, source = text(self.value(arg[0], depth + 1)), text(self.value(arg[1], depth + 1))
                if sep and source is not None:
                    return source.split(sep)
            return UNKNOWN
        if name == "Fn::FindInMap":
            return self._find_in_map(arg, depth)
        return UNKNOWN  # GetAtt, ImportValue, GetAZs, Base64, Cidr...: known only once deployed

    def ref(self, target: Any, depth: int = 0) -> Any:
        if not isinstance(target, str):
            return UNKNOWN
        if target == "AWS::NoValue":
            return NOVALUE
        if target == "AWS::Region":
            return self.region or UNKNOWN
        if target in ("AWS::Partition", "AWS::URLSuffix"):
            if self.region is None:
                return UNKNOWN
            return partition(self.region)[0 if target == "AWS::Partition" else 1]
        if target in SHARED_TOKENS:
            return SHARED_TOKENS[target]
        if target in self.template.parameters:
            return self.parameters.get(target, UNKNOWN)
        resource = self.template.resources.get(target)
        prop = _REF_IS_NAME.get(resource_type(resource) or "")
        if prop and self.exists(target) is True:
            props = resource.get("Properties")
            if isinstance(props, dict) and prop in props:
                return self.value(props[prop], depth + 1)
        return UNKNOWN

    def text_of(self, value: Any) -> str | None:
        """``value`` evaluated to a string; None when unknown, left out or not a string."""
        result = self.value(value)
        return text(result) if known(result) and result is not NOVALUE else None

    def _sub(self, value: Any, depth: int) -> Any:
        sub = parse_sub(value)
        if sub is None:
            return UNKNOWN
        template_text, local = sub.text, sub.local
        pieces: list[str] = []
        last = 0
        for match in SUB_VARIABLE.finditer(template_text):
            pieces.append(template_text[last:match.start()])
            last = match.end()
            name = match.group(1)
            if name in local:
                got = self.value(local[name], depth + 1)
            elif "." in name and not name.startswith("AWS::"):
                got = UNKNOWN  # an attribute of a resource
            else:
                got = self.ref(name, depth)
            piece = text(got) if got is not UNKNOWN else None
            if piece is None:
                return UNKNOWN
            pieces.append(piece)
        pieces.append(template_text[last:])
        return "".join(pieces).replace("${!", "${")

    def _join(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
            return UNKNOWN
        items = self.value(arg[1], depth + 1)
        if not isinstance(items, list):
            return UNKNOWN
        pieces = [text(i) for i in items]
        if any(p is None for p in pieces):
            return UNKNOWN
        return arg[0].join(pieces)  # type: ignore[arg-type]

    def _select(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return UNKNOWN
        index, items = text(self.value(arg[0], depth + 1)), self.value(arg[1], depth + 1)
        if index is None or not index.isdigit() or not isinstance(items, list) or int(index) >= len(items):
            return UNKNOWN
        return items[int(index)]

    def _find_in_map(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) >= 3):
            return UNKNOWN
        keys = [text(self.value(a, depth + 1)) for a in arg[:3]]
        node: Any = self.template.section("Mappings")
        for key in keys:
            if key is None or not isinstance(node, dict) or key not in node:
                return UNKNOWN
            node = node[key]
        return self.value(node, depth + 1)

    # -- references that the evaluated stack actually makes

    def references(self, value: Any, pointer: str) -> Iterator[tuple[str, str, str]]:
        """(pointer, logical id, how) for every ``Ref``/``Fn::GetAtt``/``Fn::Sub`` reference in ``value``
        that this stack evaluates: ``Fn::If`` branches the stack does not take are skipped, and so are both
        branches of one whose condition cannot be decided (nothing there is certain)."""
        # each node's path is a chain of (parent's path, segment) cells, joined into a pointer only for a
        # reference found: most values hold none, and joining a pointer for each was most of the walk
        stack: list[tuple[Any, Any]] = [(None, value)]
        while stack:
            path, node = stack.pop()
            if isinstance(node, list):
                stack.extend(((path, i), v) for i, v in reversed(list(enumerate(node))))
                continue
            if not isinstance(node, dict):
                continue
            name = intrinsic_name(node)
            if name == "Fn::If":
                arg = node["Fn::If"]
                decided = self.condition(if_condition(node))
                if decided is not None and isinstance(arg, list) and len(arg) == 3:
                    branch = 1 if decided else 2
                    stack.append((((path, "Fn::If"), branch), arg[branch]))
                continue
            if name == "Ref":
                target = ref_target(node)
                if target:
                    yield _pointer(pointer, path), target, "Ref"
                continue
            if name == "Fn::GetAtt":
                found = getatt_target(node)
                if found:
                    yield _pointer(pointer, path), found[0], "Fn::GetAtt"
                continue
            if name == "Fn::Sub":
                sub = parse_sub(node)
                if sub:
                    for variable in sub.outside():
                        yield _pointer(pointer, path), variable.split(".", 1)[0], "Fn::Sub"
                    stack.extend(((((path, "Fn::Sub"), 1), k), v) for k, v in sub.local.items())
                continue
            stack.extend(((path, k), v) for k, v in reversed(list(node.items())))


def _pointer(base: str, path: Any) -> str:
    """The pointer of a path of :meth:`Stack.references` (cells of (parent, segment)) below ``base``."""
    segments = []
    while path is not None:
        path, segment = path
        segments.append(segment)
    return base + join_pointer(*reversed(segments))


def _equal(a: Any, b: Any) -> bool | None:
    """``Fn::Equals`` of two evaluated values (None: it depends on what is not known)."""
    if not known(a) or not known(b):
        return None
    if isinstance(a, list) or isinstance(b, list):
        return a == b
    left, right = text(a), text(b)
    if left is None or right is None:
        return None
    if left == right:
        return True
    if has_token(left) or has_token(right):
        return None  # ${AWS::AccountId} may well be the literal it is compared with
    return False
