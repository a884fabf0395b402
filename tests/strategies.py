"""Hypothesis strategies that write CloudFormation template *text*.

The properties of the fixer are about bytes, so these strategies do not stop at
data: they draw a template's data (a random mix of ordinary resources and the
seven failure shapes of the post-mortem, or their already-correct twins) and
then draw how an author could have written it: JSON with 2-space, 4-space or
tab indentation and inline or broken-up arrays; YAML with short-form or
long-form intrinsics, either sequence indentation, comments above, beside and
below keys, blank lines, quoted and unquoted scalars, literal blocks, CRLF line
endings, a BOM, with or without a final newline.

Every drawn :class:`TemplateText` carries the data it was generated from; the
properties check that the loader reads exactly that back, so a wrong emitter
here shows up as a failure rather than hiding one.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

from autofix.limits import MAX_DEPTH
from autofix.nodes import join_pointer
from autofix.template import walk

# ----------------------------------------------------------------- names

#: Logical ids a fix may want to add (or derive: <Bucket>Replica, <Cluster>Global...).
COLLIDING_IDS = (
    "ReplicaBucket", "S3ReplicaBucket", "DataBucketReplica", "DataBucketReplicationRole",
    "ReplicationRole", "S3ReplicationRole", "GlobalCluster", "AuroraGlobalCluster", "AuroraClusterGlobal",
    "PrimaryApi", "PrimaryApiGateway", "PrimaryApiStage", "PrimaryApiRoute", "PrimaryApiIntegration",
    "HealthCheckFunction", "HealthCheckFunctionRole", "HealthFunction", "ApiInvokePermission",
    "ReplicationDestinationBucket", "DestinationBucket", "IsPrimary", "IsPrimaryRegion",
    "HasKeyPair", "LatestAmiId", "DbPasswordSecret",
)


def words(first: str, rest: str, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """A character of ``first`` and ``min_size`` to ``max_size`` characters of ``rest``: the strings of the regex
    ``[first][rest]{min_size,max_size}``, drawn several times faster than ``st.from_regex`` draws them."""
    return st.builds(str.__add__, st.sampled_from(first), st.text(rest, min_size=min_size, max_size=max_size))


_ID = words(string.ascii_uppercase, string.ascii_letters + string.digits, 1, 14)
logical_ids = st.one_of(_ID, st.sampled_from(COLLIDING_IDS))

#: Strings an author might write, including ones YAML would misread unquoted.
TRICKY_STRINGS = (
    "yes", "no", "on", "off", "true", "null", "~", "123", "0x1F", "1e3", "1.0", "2024-01-01",
    "a: b", "# not a comment", "- dash", "x #y", "'quoted'", '"dq"', "@at", "%pct", "{brace}",
    "[bracket]", "*star", "&amp", "!bang", "|pipe", ">gt", "trailing ", " leading", "tab\there",
    "ünïcødé", "emoji 🙂", "colon:", "a,b", "?q", "", "back\\slash",
)
_WORD = words(string.ascii_lowercase, string.ascii_lowercase + string.digits + "-", 0, 10)
simple_strings = st.one_of(_WORD, st.sampled_from(TRICKY_STRINGS))
scalars = st.one_of(
    simple_strings,
    st.integers(-1000, 100000),
    st.booleans(),
    st.none(),
    st.sampled_from([0.5, 2.25, -1.5, 100.0]),
)


# ----------------------------------------------------------------- generated text


@dataclass(frozen=True)
class TemplateText:
    """A drawn template: its text, the data it reads as, and how it was written."""

    text: str
    data: Any
    fmt: str  # "json" | "yaml"
    layout: str  # a short description, shown when a property fails

    def __repr__(self) -> str:  # hypothesis prints this for a failing example
        return f"TemplateText({self.fmt}, {self.layout}):\n{self.text}"


class _TagLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Reads short-form tags as (tag, value) pairs: enough to compare two YAML texts."""


def _construct_tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return (suffix, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return (suffix, tuple(loader.construct_sequence(node, deep=True)))
    return (suffix, tuple(loader.construct_mapping(node, deep=True).items()))


_TagLoader.add_multi_constructor("!", _construct_tagged)


def _finish(draw, body: str, fmt: str, layout: list[str], data: Any) -> TemplateText:
    """Line endings, final newline and BOM."""
    if draw(st.booleans()):
        stripped = body.rstrip("\n")
        # a literal block at the very end would lose its own final line break
        if fmt == "json" or yaml.load(stripped, Loader=_TagLoader) == yaml.load(body, Loader=_TagLoader):
            body = stripped
            layout.append("no-final-newline")
    if draw(st.integers(0, 3)) == 0:
        body = body.replace("\n", "\r\n")
        layout.append("crlf")
    if draw(st.integers(0, 4)) == 0:
        body = "\ufeff" + body
        layout.append("bom")
    return TemplateText(body, data, fmt, " ".join(layout))


# ----------------------------------------------------------------- JSON


class _JsonWriter:
    def __init__(self, draw, indent: str, colon: str) -> None:
        self.draw = draw
        self.indent = indent
        self.colon = colon

    def value(self, value: Any, depth: int) -> str:
        pad = self.indent * (depth + 1)
        end = self.indent * depth
        if isinstance(value, dict):
            if not value:
                return "{}"
            if len(value) == 1 and self._small(value) and self.draw(st.integers(0, 3)) == 0:
                (k, v), = value.items()
                return "{" + json.dumps(k, ensure_ascii=False) + self.colon + self.value(v, depth) + "}"
            items = [f"{pad}{json.dumps(k, ensure_ascii=False)}{self.colon}{self.value(v, depth + 1)}"
                     for k, v in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + end + "}"
        if isinstance(value, list):
            if not value:
                return "[]"
            if self._small(value) and self.draw(st.booleans()):
                return "[" + ", ".join(self.value(v, depth) for v in value) + "]"
            return "[\n" + ",\n".join(pad + self.value(v, depth + 1) for v in value) + "\n" + end + "]"
        return json.dumps(value, ensure_ascii=self.draw(st.integers(0, 5)) == 0)

    @staticmethod
    def _small(value: Any) -> bool:
        items = value.values() if isinstance(value, dict) else value
        return all(not isinstance(v, (dict, list)) for v in items) and len(json.dumps(value)) < 60


@st.composite
def json_text(draw, data: Any) -> TemplateText:
    """``data`` written as JSON in a drawn layout."""
    indent = draw(st.sampled_from(["  ", "    ", "\t"]))
    colon = draw(st.sampled_from([": ", ": ", ":"]))
    body = _JsonWriter(draw, indent, colon).value(data, 0)
    if draw(st.booleans()):
        body += "\n"
    return _finish(draw, body, "json", [f"json indent={indent!r} colon={colon!r}"], data)


# ----------------------------------------------------------------- YAML

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_COMMENT_WORDS = st.sampled_from(["TODO", "keep this", "see runbook", "key: value", "- item", "#", "ü", "!Ref X"])
_PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|: | #|:$|^\s|\s$|\t")
_SHORT_NAMES = ("Ref", "Fn::Sub", "Fn::GetAtt", "Fn::If", "Fn::Join", "Fn::Select", "Fn::Split",
                "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::FindInMap", "Fn::GetAZs",
                "Fn::ImportValue", "Fn::Base64", "Fn::Cidr")


def _reads_as(text: str, value: Any) -> bool:
    try:
        return yaml.load(f"k: {text}", Loader=_YAML_LOADER) == {"k": value}
    except yaml.YAMLError:
        return False


def _short_name(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        (name,) = value
        if name in _SHORT_NAMES:
            return name
    return None


class _YamlWriter:
    """Block YAML with drawn choices at every node."""

    def __init__(self, draw, unit: int, seq_indent: bool, short: float, comments: float) -> None:
        self.draw = draw
        self.unit = unit
        self.seq_indent = seq_indent
        self.short = short
        self.comments = comments

    def chance(self, p: float) -> bool:
        return p > 0 and self.draw(st.integers(0, 99)) < p * 100

    def comment(self) -> str:
        return "# " + self.draw(_COMMENT_WORDS)

    # ---- scalars

    def scalar(self, value: Any, flow: bool = False) -> str:
        if isinstance(value, str):
            choices = ["'", '"']
            if value and not _PLAIN_UNSAFE.search(value) and _reads_as(value, value) and not (
                flow and set(value) & set(",[]{}")
            ):
                choices += ["plain", "plain", "plain"]
            how = self.draw(st.sampled_from(choices))
            if how == "plain":
                return value
            if how == "'" and value.isprintable():
                return "'" + value.replace("'", "''") + "'"
            return json.dumps(value, ensure_ascii=False)
        if value is None:
            return self.draw(st.sampled_from(["null", "~", "null"]))
        if isinstance(value, bool):
            return "true" if value else "false"
        return json.dumps(value)

    def flowable(self, value: Any) -> bool:
        if isinstance(value, dict):
            return len(value) <= 3 and all(self.flowable(v) for v in value.values())
        if isinstance(value, list):
            return len(value) <= 4 and all(self.flowable(v) for v in value)
        return not (isinstance(value, str) and ("\n" in value or "\r" in value))

    def flow(self, value: Any, tag_ok: bool = True) -> str:
        """A one-line flow rendering (``tag_ok``: not right after another tag)."""
        name = _short_name(value)
        if tag_ok and name and isinstance(value[name], (str, list, dict)) and self.chance(self.short):
            return self.tagged_flow(name, value[name])
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.key(k, flow=True)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value, flow=True)

    def tagged_flow(self, name: str, arg: Any) -> str:
        tag = "!" + (name[4:] if name.startswith("Fn::") else name)
        if name == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2 and all(
            isinstance(a, str) and a and "." not in a[0:] for a in arg[:1]
        ) and isinstance(arg[1], str) and self.draw(st.booleans()):
            text = f"{arg[0]}.{arg[1]}"
            if _reads_as(text, text) and not set(text) & set(",[]{}#"):
                return f"{tag} {text}"
        if isinstance(arg, (dict, list)):
            return f"{tag} {self.flow(arg, tag_ok=False)}"
        if name == "Fn::GetAtt":  # a dotted string: the tag keeps the raw text
            return f"{tag} {self.scalar(arg, flow=True)}"
        return f"{tag} {self.scalar(arg, flow=True)}"

    def key(self, key: str, flow: bool = False) -> str:
        if key and not _PLAIN_UNSAFE.search(key) and _reads_as(key, key) and not (
            flow and set(key) & set(",[]{}:")
        ) and not self.chance(0.05):
            return key
        return json.dumps(key, ensure_ascii=False)

    # ---- block layout

    def entry_value(self, value: Any, col: int) -> tuple[str, list[str]]:
        """(text after ``key:``, following lines) for a value whose key sits at ``col``."""
        name = _short_name(value)
        if name and self.chance(self.short):
            arg = value[name]
            if isinstance(arg, (str, list, dict)):
                tag = "!" + (name[4:] if name.startswith("Fn::") else name)
                if isinstance(arg, str) and "\n" in arg and _literal_ok(arg):
                    return f"{tag} {_literal_head(arg)}", self.literal(arg, col + self.unit)
                if self.flowable(arg) and (not isinstance(arg, (dict, list)) or self.draw(st.booleans())):
                    return self.tagged_flow(name, arg), []
                if isinstance(arg, list) and arg:
                    return tag, self.sequence(arg, col + self.unit)
                if isinstance(arg, dict) and arg:
                    return tag, self.mapping(arg, col + self.unit)
                return self.tagged_flow(name, arg), []
        if isinstance(value, dict):
            if not value:
                return "{}", []
            if self.flowable(value) and self.chance(0.15):
                return self.flow(value), []
            return "", self.mapping(value, col + self.unit)
        if isinstance(value, list):
            if not value:
                return "[]", []
            if self.flowable(value) and self.chance(0.25):
                return self.flow(value), []
            return "", self.sequence(value, col + (self.unit if self.seq_indent else 0))
        if isinstance(value, str) and "\n" in value and _literal_ok(value) and self.draw(st.booleans()):
            return _literal_head(value), self.literal(value, col + self.unit)
        return self.scalar(value), []

    def literal(self, s: str, col: int) -> list[str]:
        self.literal_used = True
        text = s[:-1] if s.endswith("\n") else s
        return [" " * col + line if line else "" for line in text.split("\n")]

    def mapping(self, value: dict, col: int) -> list[str]:
        pad = " " * col
        lines: list[str] = []
        for k, v in value.items():
            if lines and self.chance(self.comments / 2):
                lines.append("")
            if self.chance(self.comments):
                lines.append((pad if self.draw(st.booleans()) else "") + self.comment())
            self.literal_used = False
            head, body = self.entry_value(v, col)
            ends_in_literal = self.literal_used
            line = f"{pad}{self.key(k)}:" + (f" {head}" if head else "")
            if self.chance(self.comments) and not head.endswith(("|", "|-")):
                line += "  " + self.comment()
            lines.append(line)
            lines.extend(body)
            if self.chance(self.comments / 2):
                deeper = not ends_in_literal  # a deeper comment could belong to a literal block
                lines.append(pad + " " * self.draw(st.sampled_from([0, self.unit if deeper else 0])) + self.comment())
        return lines

    def sequence(self, value: list, col: int) -> list[str]:
        pad = " " * col
        lines: list[str] = []
        for item in value:
            if self.chance(self.comments / 2):
                lines.append(pad + self.comment())
            inner = col + 2
            if isinstance(item, dict) and item and not (
                _short_name(item) and isinstance(item[_short_name(item)], (str, list, dict)) and self.chance(self.short)
            ):
                body = self.mapping(item, inner)
                # the first key goes on the dash line; comments drawn above it go first
                while not body[0].strip() or body[0].lstrip().startswith("#"):
                    lines.append(pad + body.pop(0).lstrip() if body[0].strip() else "")
                lines.append(pad + "- " + body[0][inner:])
                lines.extend(body[1:])
            elif isinstance(item, list) and item and not (_short_name(item) or False):
                body = self.sequence(item, inner)
                while not body[0].strip() or body[0].lstrip().startswith("#"):
                    lines.append(pad + body.pop(0).lstrip() if body[0].strip() else "")
                lines.append(pad + "- " + body[0][inner:])
                lines.extend(body[1:])
            else:
                head, body = self.entry_value(item, col)
                lines.append(f"{pad}- {head}".rstrip())
                lines.extend(body)
        return lines


def _literal_ok(s: str) -> bool:
    if s.endswith("\n\n") or s.startswith((" ", "\n")) or not s.strip():
        return False
    return all(line == line.rstrip(" \t") and line.isprintable() for line in s.split("\n"))


def _literal_head(s: str) -> str:
    return "|" if s.endswith("\n") else "|-"


@st.composite
def yaml_text(draw, data: dict) -> TemplateText:
    """``data`` (a mapping) written as block YAML in a drawn layout."""
    unit = draw(st.sampled_from([2, 2, 4]))
    seq_indent = draw(st.booleans())
    short = draw(st.sampled_from([0.0, 0.9, 1.0]))
    comments = draw(st.sampled_from([0.0, 0.1, 0.3]))
    writer = _YamlWriter(draw, unit, seq_indent, short, comments)
    lines = []
    if draw(st.booleans()):
        lines.append("# " + draw(_COMMENT_WORDS))
    if draw(st.integers(0, 5)) == 0:
        lines.append("---")
    lines.extend(writer.mapping(data, 0))
    if comments and draw(st.booleans()):
        lines.append("# the end")
    body = "\n".join(lines) + "\n"
    layout = [f"yaml unit={unit} seq-indent={seq_indent} short={short} comments={comments}"]
    return _finish(draw, body, "yaml", layout, data)


def template_text(data_strategy: st.SearchStrategy, formats=("json", "yaml")) -> st.SearchStrategy:
    """Text of a template drawn from ``data_strategy``, in a drawn format and layout."""

    @st.composite
    def build(draw):
        data = draw(data_strategy)
        fmt = draw(st.sampled_from(formats))
        return draw(json_text(data) if fmt == "json" else yaml_text(data))

    return build()


# ----------------------------------------------------------------- generic documents (engine tests)

_leaf_values = st.one_of(
    scalars,
    st.builds(lambda n: {"Ref": n}, _ID),
    st.builds(lambda s: {"Fn::Sub": "${AWS::StackName}-" + s}, _WORD),
    st.builds(lambda a, b: {"Fn::GetAtt": [a, b]}, _ID, st.sampled_from(["Arn", "DNSName", "Endpoint.Address"])),
    st.just("line one\nline two\n"),
    st.just("#!/bin/bash\necho hi"),
)


def _nested(children):
    keys = st.one_of(_ID, st.sampled_from(["Properties", "Type", "Fn::If", "a/b", "t~x", "Tags", "1"]))
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, _ID, children, children),
        st.builds(lambda c, a: {"Fn::If": [c, a, {"Ref": "AWS::NoValue"}]}, _ID, children),
        st.builds(lambda parts: {"Fn::Join": ["", parts]}, st.lists(children, min_size=1, max_size=3)),
    )


any_values = st.recursive(_leaf_values, _nested, max_leaves=12)


@st.composite
def documents_data(draw) -> dict:
    """A template-shaped mapping of arbitrary nested values (intrinsics included)."""
    resources = draw(st.dictionaries(_ID, st.dictionaries(
        st.sampled_from(["Type", "Properties", "Condition", "DependsOn", "Metadata"]), any_values,
        min_size=1, max_size=3), min_size=1, max_size=4))
    data: dict[str, Any] = {}
    if draw(st.booleans()):
        data["AWSTemplateFormatVersion"] = "2010-09-09"
    if draw(st.booleans()):
        data["Parameters"] = draw(st.dictionaries(_ID, st.dictionaries(
            st.sampled_from(["Type", "Default", "AllowedValues"]), any_values, min_size=1), max_size=2))
    data["Resources"] = resources
    if draw(st.booleans()):
        data["Outputs"] = draw(st.dictionaries(_ID, st.fixed_dictionaries({"Value": any_values}), max_size=2))
    return data


documents = template_text(documents_data())


_NEW_KEYS = st.one_of(
    words(string.ascii_uppercase, string.ascii_letters + string.digits, 0, 8),
    st.sampled_from(["Properties", "Tags", "a/b", "t~x", "1", "yes", "Fn::Sub", "Ref", "with space", "ü"]),
)


@st.composite
def operation(draw, data) -> dict:
    """One add/remove/replace (occasionally move/copy) against ``data`` (a move into its own value is made a
    copy; an add may still name a path jsonpatch refuses, e.g. an index past the end after a removal)."""
    pointers = [(p, v) for p, v in walk(data)]
    containers = [(p, v) for p, v in pointers if isinstance(v, (dict, list))]
    existing = [p for p, _ in pointers if p]
    kind = draw(st.sampled_from(["add", "add", "remove", "replace", "replace", "move", "copy"]))
    if kind in ("remove", "replace", "move", "copy") and not existing:
        kind = "add"
    if kind == "remove":
        return {"op": "remove", "path": draw(st.sampled_from(existing))}
    if kind == "replace":
        return {"op": "replace", "path": draw(st.sampled_from(existing)), "value": draw(any_values)}
    ptr, container = draw(st.sampled_from(containers))
    if isinstance(container, dict):
        keys = list(container)
        key = draw(st.sampled_from(keys) if keys and draw(st.integers(0, 4)) == 0 else _NEW_KEYS)
        path = ptr + join_pointer(key)
    else:
        idx = draw(st.sampled_from(["-", *range(len(container) + 1)]))
        path = f"{ptr}/{idx}"
    if kind in ("move", "copy"):
        source = draw(st.sampled_from(existing))
        if kind == "move" and (path + "/").startswith(source + "/"):
            kind = "copy"
        return {"op": kind, "path": path, "from": source}
    return {"op": "add", "path": path, "value": draw(any_values)}


# ----------------------------------------------------------------- CloudFormation templates (rule tests)

_REGIONS = st.sampled_from(["us-east-1", "us-west-2", "eu-west-1"])
_KEY_REF = st.sampled_from([{"Ref": "DataKey"}, {"Fn::GetAtt": ["DataKey", "Arn"]}, "alias/aws/s3"])


def _maybe_if(draw, value: Any) -> Any:
    """``value``, or ``Fn::If`` around it with ``AWS::NoValue`` (or a literal) on the other side."""
    if draw(st.integers(0, 5)):
        return value
    other = draw(st.sampled_from([{"Ref": "AWS::NoValue"}, value]))
    return {"Fn::If": ["IsProduction", value, other]}


def _name(draw, base: str) -> Any:
    how = draw(st.integers(0, 3))
    if how == 0:
        return f"{base}-{draw(_WORD)}"
    if how == 1:
        return {"Fn::Sub": f"${{AWS::StackName}}-{base}"}
    if how == 2:
        return {"Fn::Join": ["-", [{"Ref": "Environment"}, base]]}
    return {"Fn::Sub": f"{base}-${{Environment}}-${{AWS::AccountId}}"}


@st.composite
def _ordinary(draw) -> dict[str, dict]:
    """Unrelated resources: VPC pieces, Lambda, SQS, IAM, alarms, SNS."""
    kind = draw(st.sampled_from(["vpc", "lambda", "sqs", "iam", "alarm", "sns"]))
    lid = draw(logical_ids)
    if kind == "vpc":
        return {
            f"{lid}Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16",
                                                                  "EnableDnsSupport": True}},
            f"{lid}Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": {"Ref": f"{lid}Vpc"}, "CidrBlock": {"Fn::Select": [0, {"Fn::Cidr": [
                    {"Fn::GetAtt": [f"{lid}Vpc", "CidrBlock"]}, 4, 8]}]},
                "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}}},
            f"{lid}Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": draw(simple_strings) or "sg", "VpcId": {"Ref": f"{lid}Vpc"},
                "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                          "CidrIp": "0.0.0.0/0"}]}},
        }
    if kind == "lambda":
        code = draw(st.sampled_from(["def handler(event, context):\n    return {'ok': True}\n",
                                     "exports.handler = async () => 'ok';"]))
        return {
            f"{lid}Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]},
                "ManagedPolicyArns": [
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]}},
            f"{lid}Function": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.12", "Handler": "index.handler",
                "Role": {"Fn::GetAtt": [f"{lid}Role", "Arn"]},
                "Code": {"ZipFile": code},
                "Timeout": _maybe_if(draw, draw(st.integers(3, 900)))}},
        }
    if kind == "sqs":
        props: dict[str, Any] = {"QueueName": _name(draw, "queue"), "VisibilityTimeout": 60}
        if draw(st.booleans()):
            props["KmsMasterKeyId"] = _maybe_if(draw, "alias/aws/sqs")
        return {f"{lid}Queue": {"Type": "AWS::SQS::Queue", "Properties": props}}
    if kind == "iam":
        return {f"{lid}Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["s3:GetObject"],
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + draw(_WORD) + "/*"}}]}}}}
    if kind == "alarm":
        return {f"{lid}Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "AlarmDescription": draw(simple_strings), "Namespace": "AWS/SQS",
            "MetricName": "ApproximateAgeOfOldestMessage", "Statistic": "Maximum", "Period": 60,
            "EvaluationPeriods": 1, "Threshold": draw(st.integers(1, 1000)),
            "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": _maybe_if(draw, [{"Ref": "AlertTopic"}])}}}
    return {"AlertTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": _name(draw, "alerts")}}}


def _bucket(draw, props_extra: dict | None = None) -> dict:
    props: dict[str, Any] = {}
    if draw(st.booleans()):
        props["BucketName"] = _name(draw, "data")
    if draw(st.booleans()):
        props["VersioningConfiguration"] = {"Status": "Enabled"}
    if draw(st.booleans()):
        props["BucketEncryption"] = {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    props.update(props_extra or {})
    res: dict[str, Any] = {"Type": "AWS::S3::Bucket"}
    if props or draw(st.booleans()):
        res["Properties"] = props
    return res


def _replication(dest: Any, role: Any) -> dict:
    return {"Role": role, "Rules": [{"Status": "Enabled", "Prefix": "",
                                     "Destination": {"Bucket": dest, "StorageClass": "STANDARD"}}]}


_SG = "sg-0123456789abcdef0"


@st.composite
def _failure(draw) -> dict[str, dict]:
    """One failure shape (DR: the seven of the post-mortem; SC: schema failures; DP: deploy blockers), or its
    already-correct twin."""
    shape = draw(st.integers(1, 16))
    broken = draw(st.booleans())
    lid = draw(logical_ids)
    out: dict[str, dict] = {}
    if shape == 1:  # DR001: a data bucket without replication
        if broken:
            out[f"{lid}Bucket"] = _bucket(draw)
        else:
            out[f"{lid}Replica"] = _bucket(draw, {"VersioningConfiguration": {"Status": "Enabled"}})
            out[f"{lid}Bucket"] = _bucket(draw, {
                "VersioningConfiguration": {"Status": "Enabled"},
                "ReplicationConfiguration": _replication({"Fn::GetAtt": [f"{lid}Replica", "Arn"]},
                                                         {"Fn::GetAtt": ["ReplicationRole", "Arn"]})})
    elif shape == 2:  # DR002: a health check aimed at a placeholder domain
        fqdn = draw(st.sampled_from([
            {"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"}, "api.example.com",
            {"Fn::Join": [".", [{"Ref": "AWS::Region"}, "elb.amazonaws.com"]]}])) if broken else {
            "Fn::Sub": f"${{{lid}Api}}.execute-api.${{AWS::Region}}.amazonaws.com"}
        out[f"{lid}Api"] = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "api", "ProtocolType": "HTTP"}}
        out[f"{lid}HealthCheck"] = {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": {
            "Type": "HTTPS", "FullyQualifiedDomainName": fqdn, "Port": 443, "ResourcePath": "/health",
            "RequestInterval": 30, "FailureThreshold": 3}}}
    elif shape == 3:  # DR003: failover record and health check, no API to probe
        out[f"{lid}HealthCheck"] = {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": {
            "Type": "HTTPS", "FullyQualifiedDomainName": {"Fn::Sub": "${AWS::Region}.elb.amazonaws.com"},
            "Port": 443, "ResourcePath": "/health"}}}
        out[f"{lid}Record"] = {"Type": "AWS::Route53::RecordSet", "Properties": {
            "HostedZoneId": "Z123", "Name": "api.corp.internal.", "Type": "CNAME", "TTL": "60",
            "SetIdentifier": "primary", "Failover": "PRIMARY",
            "HealthCheckId": {"Ref": f"{lid}HealthCheck"}, "ResourceRecords": ["primary.corp.internal"]}}
        if not broken:
            out[f"{lid}HttpApi"] = {"Type": "AWS::ApiGatewayV2::Api",
                                    "Properties": {"Name": "primary", "ProtocolType": "HTTP"}}
    elif shape in (4, 7):  # DR004 (not global) / DR007 (burstable class in a global cluster)
        cluster: dict[str, Any] = {"Engine": draw(st.sampled_from(["aurora-postgresql", "aurora-mysql"])),
                                   "MasterUsername": "admin",
                                   "MasterUserPassword": {"Ref": "DbPassword"},
                                   "StorageEncrypted": True}
        if shape == 7 or not broken:
            out[f"{lid}Global"] = {"Type": "AWS::RDS::GlobalCluster", "Properties": {
                "GlobalClusterIdentifier": _name(draw, "global"), "Engine": cluster["Engine"],
                "StorageEncrypted": True}}
            cluster["GlobalClusterIdentifier"] = {"Ref": f"{lid}Global"}
        out[f"{lid}Cluster"] = {"Type": "AWS::RDS::DBCluster", "Properties": cluster}
        klass = draw(st.sampled_from(["db.t3.medium", "db.t4g.medium"])) if (shape == 7 and broken) else "db.r5.large"
        out[f"{lid}Instance"] = {"Type": "AWS::RDS::DBInstance", "Properties": {
            "DBClusterIdentifier": {"Ref": f"{lid}Cluster"}, "Engine": cluster["Engine"],
            "DBInstanceClass": klass}}
    elif shape == 5:  # DR005: replica-level SSE without table-level KMS
        replicas = [{"Region": r} for r in ("us-east-1", "us-west-2")]
        props: dict[str, Any] = {"TableName": _name(draw, "table"), "BillingMode": "PAY_PER_REQUEST",
                                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                 "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                 "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
                                 "Replicas": replicas}
        if broken:
            for r in replicas:
                r["SSESpecification"] = {"KMSMasterKeyId": draw(_KEY_REF)}
        else:
            props["SSESpecification"] = {"SSEEnabled": True, "SSEType": "KMS"}
        out[f"{lid}Table"] = {"Type": "AWS::DynamoDB::GlobalTable", "Properties": props}
    elif shape == 8:  # SC001: misspelled, misplaced and invented properties
        out[f"{lid}Queue"] = {"Type": "AWS::SQS::Queue", "Properties": (
            {"visibilityTimeout": 30, "MessageRetentionPeriod": 600, "Comment": "x"} if broken else
            {"VisibilityTimeout": 30})}
        out[f"{lid}Check"] = {"Type": "AWS::Route53::HealthCheck", "Properties": (
            {"Type": "HTTPS", "FullyQualifiedDomainName": "api.corp.net", "Port": 443} if broken else
            {"HealthCheckConfig": {"Type": "HTTPS", "FullyQualifiedDomainName": "api.corp.net", "Port": 443}})}
    elif shape == 9:  # SC002: values outside the schema's enum
        out[f"{lid}Logs"] = {"Type": "AWS::Logs::LogGroup", "Properties": {
            "RetentionInDays": draw(st.sampled_from([2555, 45, 100])) if broken else 30}}
        out[f"{lid}Table"] = {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": _maybe_if(draw, draw(st.sampled_from(["ON_DEMAND", "pay_per_request"]))) if broken
            else "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}}
    elif shape == 10:  # SC003: a required property with a canonical value left out
        props = {"S3BucketName": _name(draw, "trail")}
        if not broken:
            props["IsLogging"] = True
        out[f"{lid}Trail"] = {"Type": "AWS::CloudTrail::Trail", "Properties": props}
    elif shape == 11:  # SC004: an invented type, depended on by another resource
        if broken:
            out[f"{lid}Policy"] = {"Type": "AWS::IAM::AccountPasswordPolicy",
                                   "Properties": {"MinimumPasswordLength": 14}}
        out[f"{lid}Topic"] = {"Type": "AWS::SNS::Topic", **({"DependsOn": [f"{lid}Policy"]} if broken else {})}
        out[f"{lid}Nat"] = {"Type": "AWS::EC2::NATGateway" if broken else "AWS::EC2::NatGateway",
                            "Properties": {"SubnetId": "subnet-0123456789abcdef0",
                                           "AllocationId": "eipalloc-0123456789abcdef0"}}
    elif shape == 12:  # SC005 / SC006: a dependent property missing, a scalar where a list is required
        sse: dict[str, Any] = {"SSEEnabled": True, "KMSMasterKeyId": "alias/aws/dynamodb"}
        if not broken:
            sse["SSEType"] = "KMS"
        out[f"{lid}Keyed"] = {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST", "SSESpecification": sse,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}}
        out[f"{lid}Server"] = {"Type": "AWS::EC2::Instance", "Properties": {
            "ImageId": "ami-12345678", "SecurityGroupIds": _SG if broken else [_SG]}}
    elif shape == 13:  # DP001: a deprecated Lambda runtime
        runtime = draw(st.sampled_from(["nodejs16.x", "python3.9", "ruby2.7"])) if broken else draw(
            st.sampled_from(["nodejs24.x", "python3.13"]))
        out[f"{lid}Function"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": _maybe_if(draw, runtime), "Handler": "index.handler",
            "Role": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn"},
            "Code": {"S3Bucket": "artifacts", "S3Key": "fn.zip"}}}
    elif shape == 14:  # DP002: an engine version that does not exist or is deprecated
        engine, version = draw(st.sampled_from(
            [("mysql", "8.0.35"), ("postgres", "14.7"), ("mysql", "8.0")] if broken else
            [("mysql", "8.4.7"), ("postgres", "17.7")]))
        out[f"{lid}Database"] = {"Type": "AWS::RDS::DBInstance", "Properties": {
            "Engine": engine, "EngineVersion": version, "DBInstanceClass": "db.t3.micro",
            "AllocatedStorage": "20", "MasterUsername": "admin", "ManageMasterUserPassword": True}}
    elif shape == 15:  # DP003: security groups naming each other in inline rules
        def rule(peer: str, port: int) -> dict:
            return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                    "SourceSecurityGroupId": {"Fn::GetAtt": [peer, "GroupId"]}, "Description": draw(_WORD)}
        a, b = f"{lid}WebSg", f"{lid}AppSg"
        out[a] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "web", "SecurityGroupIngress": [rule(b, 8443)] if broken else [
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}}
        out[b] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "app", "SecurityGroupIngress": [rule(a, 8080)]}}
    elif shape == 16:  # DP006: a reference with a typo
        target = f"{lid}Queue"
        out[target] = {"Type": "AWS::SQS::Queue"}
        name = (target[:-1] if broken else target)
        out[f"{lid}Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::GetAtt": [
            name, "QueueName"]}}}
    else:  # DR006: replication to a bucket the template does not define
        dest = f"{lid}Destination"
        target = draw(st.sampled_from([{"Fn::GetAtt": [dest, "Arn"]},
                                       {"Fn::Sub": f"arn:aws:s3:::${{AWS::StackName}}-{lid.lower()}-replica"}]))
        out[f"{lid}Source"] = _bucket(draw, {
            "VersioningConfiguration": {"Status": "Enabled"},
            "ReplicationConfiguration": _replication(target, {"Fn::GetAtt": ["ReplicationRole", "Arn"]})})
        if not broken:
            props = {"VersioningConfiguration": {"Status": "Enabled"}}
            if "Fn::Sub" in target:
                props["BucketName"] = {"Fn::Sub": f"${{AWS::StackName}}-{lid.lower()}-replica"}
            out[dest] = {"Type": "AWS::S3::Bucket", "Properties": props}
    return out


@st.composite
def _hygiene(draw) -> dict[str, dict]:
    """A hygiene or hardening shape (HY/HD rules): broken, or its already-correct twin."""
    shape = draw(st.integers(1, 8))
    broken = draw(st.booleans())
    lid = draw(logical_ids)
    if shape == 1:  # HY001: Fn::Sub without a variable (an escaped ${!Literal} too)
        text = draw(st.sampled_from(["plain", "echo ${!HOME}", "arn:aws:s3:::static/*"]))
        value = {"Fn::Sub": text} if broken else {"Fn::Sub": text + "-${AWS::Region}"}
        return {f"{lid}Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": value}}}
    if shape == 2:  # HY002: DependsOn implied by a Ref (or not)
        topic = f"{lid}Topic"
        queue: dict[str, Any] = {"Type": "AWS::SQS::Queue", "DependsOn": draw(st.sampled_from([topic, [topic]]))}
        if broken:
            queue["Properties"] = {"Tags": [{"Key": "topic", "Value": {"Fn::GetAtt": [topic, "TopicName"]}}]}
        return {topic: {"Type": "AWS::SNS::Topic"}, f"{lid}Queue": queue}
    if shape == 3:  # HD001: DeletionPolicy without UpdateReplacePolicy
        res: dict[str, Any] = {"Type": "AWS::SNS::Topic", "DeletionPolicy": draw(st.sampled_from(["Retain", "Delete"]))}
        if not broken:
            res["UpdateReplacePolicy"] = res["DeletionPolicy"]
        return {f"{lid}Kept": res}
    if shape == 4:  # HD003: a literal Availability Zone
        zone = draw(st.sampled_from(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]))
        return {f"{lid}Volume": {"Type": "AWS::EC2::Volume", "DeletionPolicy": "Snapshot",
                                 "UpdateReplacePolicy": "Snapshot", "Properties": {
                                     "Size": 8, "AvailabilityZone": zone if broken else
                                     {"Fn::Select": [0, {"Fn::GetAZs": ""}]}}}}
    if shape == 5:  # HD006/HD007: a required key pair, a hard-coded Amazon Linux 2 AMI
        props: dict[str, Any] = {"InstanceType": "t3.micro", "ImageId": "ami-0c02fb55956c7d316",
                                 "UserData": {"Fn::Base64": "#!/bin/bash\namazon-linux-extras install -y nginx1\n"}}
        if broken:
            props["KeyName"] = {"Ref": "KeyName"}
        return {f"{lid}Host": {"Type": "AWS::EC2::Instance", "Properties": props}}
    if shape == 6:  # HD005: a bucket name with upper case in its literal text
        name = "Data_Store-${AWS::AccountId}" if broken else "data-store-${AWS::AccountId}"
        return {f"{lid}Store": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                                "Properties": {"BucketName": {"Fn::Sub": name}}}}
    if shape == 7:  # HD002: a table without policies
        res = {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}}
        if not broken:
            res["DeletionPolicy"] = res["UpdateReplacePolicy"] = "Retain"
        return {f"{lid}Table": res}
    # HY003-HY005: unused entries come from the template level (Unused* below)
    return {f"{lid}Note": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "note"}}}


@st.composite
def cfn_templates_data(draw) -> dict:
    """A CloudFormation template: parameters, conditions, ordinary resources and failure shapes."""
    resources: dict[str, Any] = {}
    for piece in draw(st.lists(st.one_of(_ordinary(), _failure(), _failure(), _hygiene()), min_size=1, max_size=4)):
        for lid, res in piece.items():
            resources.setdefault(lid, res)  # a colliding id keeps the first resource
    if draw(st.integers(0, 3)) == 0:
        # a resource named after what a fix would add
        resources.setdefault(draw(st.sampled_from(COLLIDING_IDS)),
                             {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": draw(_WORD)}})
    text = json.dumps(resources)
    template: dict[str, Any] = {}
    if draw(st.booleans()):
        template["AWSTemplateFormatVersion"] = "2010-09-09"
    if draw(st.booleans()):
        template["Description"] = draw(simple_strings)
    params: dict[str, Any] = {}
    if "Environment" in text or draw(st.booleans()):
        params["Environment"] = {"Type": "String", "Default": "prod", "AllowedValues": ["prod", "dev"]}
    if "DbPassword" in text:
        params["DbPassword"] = {"Type": "String", "NoEcho": True}
    if draw(st.booleans()):
        params["SecondaryRegion"] = {"Type": "String", "Default": draw(_REGIONS)}
    if "DataKey" in text:
        resources.setdefault("DataKey", {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": {
                "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"}]}}})
    if "ReplicationRole" in text:
        resources.setdefault("ReplicationRole", {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}})
    if "AlertTopic" in text:
        resources.setdefault("AlertTopic", {"Type": "AWS::SNS::Topic"})
    if '"KeyName"' in text:
        params["KeyName"] = {"Type": "AWS::EC2::KeyPair::KeyName"}
    if draw(st.integers(0, 4)) == 0:  # HY003-HY005: entries nothing uses
        params["UnusedSetting"] = {"Type": "String", "Default": "x"}
        template["Mappings"] = {"UnusedMap": {"k": {"v": "1"}}}
    if params:
        template["Parameters"] = params
    if "IsProduction" in text or draw(st.booleans()):
        template["Conditions"] = {"IsProduction": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}}
        if draw(st.booleans()):
            template["Conditions"]["UnusedFlag"] = {"Fn::Not": [{"Condition": "IsProduction"}]}
        params.setdefault("Environment", {"Type": "String", "Default": "prod"})
        template["Parameters"] = params
    template["Resources"] = resources
    if draw(st.booleans()):
        first = next(iter(resources))
        template["Outputs"] = {"FirstId": {"Value": {"Ref": first}}}
    return template


cfn_templates = template_text(cfn_templates_data())


# ----------------------------------------------------------------- YAML every reader must read alike

#: Scalars as written, many of them not plain strings in YAML 1.1 (ints, floats, booleans, nulls,
#: timestamps, explicit and refused tags): each reader must give the same type, value or error.
YAML_SCALARS = (
    "word", "a.b.c", "1", "-0", "0x1F", "0o17", "017", "1_000", "1.0", "1e3", "-.inf", ".NaN", "yes", "No",
    "on", "~", "null", "2024-01-01", "2024-01-01 10:00:00", "2001-12-14t21:59:43.10-05:00", "'1'", '"two"',
    '"\\u00e9"', "!!str 1", "!!int 3", "!!float 1", "!!bool yes", "!!null ''", "! 12", "! x", "!!int x",
    "!!float y", "!!timestamp 2024-13-45", "!!binary aGk=", "!!python/object:os.system x", "!<tag:x> y",
    "!!str", "''", "!!int", "!!float _", "!!bool x", "!!timestamp x", "!!timestamp 2024-02-30",
)
#: Short-form intrinsics, the ``!GetAtt`` forms cfn-flip reads specially among them.
YAML_TAGGED = (
    "!Ref X", "!GetAtt A.B", "!GetAtt A.B.C", "!GetAtt A", "!GetAtt [A, B]", "!GetAtt [!Ref A, B]",
    "!GetAtt [[A], 1]", "!GetAtt {A: B}", "!Sub 'x-${A}'", "!Custom 3", "!Custom [1, 2.0]", "!If [C, 1, true]",
    "!Ref", "!GetAtt",
)
#: Mapping keys: strings, scalars that are not (they become their JSON text), and keys no reader accepts.
YAML_KEYS = ("a", "b", "Type", "1", "1.5", "true", "null", "~", "2024-01-01", "'q'", "!!str 7", "!!int 8",
             "[a]", "{k: v}", "!Ref k", "!!binary aGk=")


#: Top levels around a drawn value (``{}``), templates or not.
YAML_TOPS = ("Resources: {}\n", "Resources: ! x\n", "Resources: !Ref {}\n", "Resources: !!map {}\n",
             "!!map {{}}\n", "AWSTemplateFormatVersion: {}\n", "AWSTemplateFormatVersion: x\nOther: {}\n",
             "Description: {}\n", "- {}\n", "{}\n", "Resources: {{}}\nOutputs: {}\n")


@st.composite
def _yaml_flow_value(draw, depth: int = 0) -> str:
    kind = draw(st.integers(0, 9 if depth < 4 else 4))
    anchor = f"&a{draw(st.integers(0, 2))} " if draw(st.integers(0, 7)) == 0 else ""
    if kind <= 2:
        return anchor + draw(st.sampled_from(YAML_SCALARS))
    if kind <= 4:
        if draw(st.integers(0, 5)) == 0:
            return f"*a{draw(st.integers(0, 2))}"  # may name no anchor yet: libyaml refuses, for every reader
        return anchor + draw(st.sampled_from(YAML_TAGGED))
    tag = draw(st.sampled_from(["", "", "", "!Custom ", "!GetAtt ", "!!seq ", "!!map ", "!!set ", "!!omap "]))
    if kind <= 6:
        items = draw(st.lists(_yaml_flow_value(depth + 1), max_size=3))
        return f"{anchor}{tag}[{', '.join(items)}]"
    entries = draw(st.lists(st.tuples(st.sampled_from(YAML_KEYS), _yaml_flow_value(depth + 1)), max_size=3))
    return f"{anchor}{tag}{{{', '.join(f'{k}: {v}' for k, v in entries)}}}"


@st.composite
def yaml_reader_texts(draw) -> str:
    """YAML template text full of what the readers must agree on: every YAML 1.1 scalar type, explicit
    and refused tags, the ``!GetAtt`` forms, non-string, duplicate and non-scalar keys, anchors and
    aliases, nesting around the depth limit and alias bombs.  Most of it parses; some of it is an
    error every reader must report alike."""
    lines = ["Resources:", "  R:", "    Type: AWS::S3::Bucket"]
    for key in draw(st.lists(st.sampled_from(YAML_KEYS[:6]), min_size=1, max_size=3)):
        lines.append(f"    {key}: {draw(_yaml_flow_value())}")
    extra = draw(st.integers(0, 5))
    if extra == 0:  # nesting just inside, at and beyond the limit
        levels = draw(st.integers(MAX_DEPTH - 5, MAX_DEPTH - 1))
        lines.append("    Deep: " + "[" * levels + draw(st.sampled_from(["1", "[]", "{}", "x"])) + "]" * levels)
    elif extra == 1:  # an alias bomb: every level repeats the one below ten times
        levels = draw(st.integers(2, 6))
        lines.append("Metadata:")
        lines.append("  l0: &l0 [x, x, x, x, x, x, x, x, x, x]")
        lines.extend(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, levels))
    elif extra == 2:  # a section shared through an alias
        lines[1:1] = ["  Shared: &shared"] + ["    " + line for line in ("Type: AWS::SNS::Topic",
                                                                         f"Properties: {draw(_yaml_flow_value())}")]
        lines.append("  Again: *shared")
    elif extra == 3:  # a top level that may not make a template
        return draw(st.sampled_from(YAML_TOPS)).format(draw(_yaml_flow_value()))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- broken text

#: Pieces of YAML and JSON syntax, so random text reaches deep into both readers.
SYNTAX_TOKENS = ["Resources:", "Type:", "Properties:", " AWS::RDS::DBInstance", " AWS::RDS::DBCluster",
                 "DBInstanceClass:", " db.t3.medium", "GlobalClusterIdentifier: g", "DBClusterIdentifier: !Ref C",
                 "\n", "\n  ", "\n    ", "\n      ", "- ", ": ", ":", ",", "{", "}", "[", "]", '"', "'", "&a ", "*a",
                 "<<: ", "!Ref ", "!Sub ", "!GetAtt ", "!If ", "!Custom ", "!!str ", "!!python/object:os.system ",
                 "!!binary ", "!!set ", "!<tag:x> ", "? ", "|\n", ">-\n", "---\n", "...\n", "%YAML 1.1\n", "# c\n",
                 "\t", "\r\n", "\ufeff", "\x00", "\ud800", "\u2028", "1e400", "-0", "0x1F", "2024-01-01", "~", "null",
                 "true", "yes", "NaN", "Infinity", '"\\u0000"', '"\\ud800"', "C", "A", "B"]


@st.composite
def mutated(draw, texts: st.SearchStrategy[str], tokens: tuple[str, ...] | list[str] = SYNTAX_TOKENS) -> str:
    """A drawn text with a few cuts, insertions and replacements of syntax pieces or random characters."""
    text = draw(texts)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 8)))
        text = text[:i] + draw(st.sampled_from(["", *tokens, draw(st.text(max_size=3))])) + text[j:]
    return text


# ----------------------------------------------------------------- JSON every reader must read alike

#: JSON numbers and constants whose type or value a reader could get wrong (an int with more digits
#: than Python converts, a float that overflows, a negative zero), strings with escapes.
JSON_SCALARS = ("0", "-0", "1", "-1", "1.0", "-0.0", "1e3", "1E+2", "2.5e-3", "1e400", "-1e400", "1" * 4400,
                "NaN", "Infinity", "-Infinity", "true", "false", "null", '"x"', '""', '"\\u00e9"',
                '"\\ud800"', '"a\\/b"', '"\\u0000"')
#: Pieces that break JSON, each in its own way.
JSON_BREAKERS = (",", "]", "}", ":", '"', "01", "+1", ".5", "tru", "'a'", "/* c */", "\v", "\x00", '"a": 1')


@st.composite
def _json_value(draw, depth: int = 0) -> str:
    kind = draw(st.integers(0, 5 if depth < 4 else 2))
    if kind <= 2:
        return draw(st.sampled_from(JSON_SCALARS))
    ws = draw(st.sampled_from(["", " ", "\n  ", "\t"]))
    if kind == 3:
        return "[" + ws + f",{ws}".join(draw(st.lists(_json_value(depth + 1), max_size=3))) + ws + "]"
    keys = st.sampled_from(['"a"', '"b"', '"Type"', '"a/b"', '"c~d"', '"\\u0061"'])  # "\\u0061" repeats "a"
    entries = draw(st.lists(st.tuples(keys, _json_value(depth + 1)), max_size=3))
    return "{" + ws + f",{ws}".join(f"{k}:{ws}{v}" for k, v in entries) + ws + "}"


@st.composite
def json_reader_texts(draw) -> str:
    """JSON template text full of what ``json.loads`` and the positioned reader must agree on: numbers
    at the edges, escapes, duplicate keys (also through an escape), nesting around the depth limit,
    and now and then one piece that breaks the text."""
    props = draw(_json_value())
    if draw(st.integers(0, 4)) == 0:
        levels = draw(st.integers(MAX_DEPTH - 6, MAX_DEPTH - 2))
        props = "[" * levels + props + "]" * levels
    text = '{"Resources": {"R": {"Type": "AWS::S3::Bucket", "Properties": ' + props + "}}}"
    if draw(st.integers(0, 3)) == 0:
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.sampled_from(JSON_BREAKERS)) + text[i:]
    return text
