"""autofix.schema: cfn-lint's provider schemas read as data; a clear error when laid out otherwise."""

from __future__ import annotations

import json
import sys

import pytest

from autofix import schema
from autofix.errors import AutofixError
from autofix.rules.sc.sc001_unknown_property import UnknownProperty
from autofix.settings import Settings
from autofix.template import Template


@pytest.fixture
def fresh_caches():
    def clear():
        for fn in (schema.data_dir, schema._type_map, schema._known_types, schema._types_by_lower,
                   schema.resource_schema):
            getattr(fn, "cache_clear", lambda: None)()
    clear()
    yield
    clear()


def test_layout_is_what_the_code_expects():
    """Fails when a cfn-lint release moves or reshapes its schema data (then update SUPPORTED_CFN_LINT)."""
    schema.check_layout()
    types = schema.type_map()
    assert len(types) > 1000 and "AWS::S3::Bucket" in types
    bucket = schema.resource_schema("AWS::S3::Bucket")
    assert bucket.closed(bucket.root)
    encryption = bucket.child(bucket.root, "BucketEncryption")
    assert "ServerSideEncryptionConfiguration" in bucket.properties(encryption)  # $ref resolved
    logs = schema.resource_schema("AWS::Logs::LogGroup")
    assert 2557 in logs.child(logs.root, "RetentionInDays")["enum"]
    assert schema.resource_schema("AWS::IAM::AccountPasswordPolicy") is None


def test_supported_range_matches_pyproject():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert f'"cfn-lint{schema.SUPPORTED_CFN_LINT}"' in text


def test_nothing_of_cfn_lint_is_imported():
    for name in [m for m in sys.modules if m == "cfnlint" or m.startswith("cfnlint.")]:
        sys.modules.pop(name)
    schema.resource_schema.cache_clear()
    schema.resource_schema("AWS::SNS::Topic")
    assert not [m for m in sys.modules if m == "cfnlint" or m.startswith("cfnlint.")]


def test_unknown_region_falls_back_to_us_east_1():
    assert schema.type_map("xx-nowhere-9") is schema.type_map("us-east-1")


def test_type_by_case():
    assert schema.type_by_case("AWS::EC2::NATGateway") == "AWS::EC2::NatGateway"
    assert schema.type_by_case("AWS::Nope::Thing") is None


def _fake_layout(tmp_path, monkeypatch, providers=None, resources=None):
    base = tmp_path / "cfnlint" / "data" / "schemas"
    (base / "providers").mkdir(parents=True)
    (base / "resources").mkdir()
    if providers is not None:
        (base / "providers" / "us-east-1.json").write_text(json.dumps(providers))
    for name, body in (resources or {}).items():
        (base / "resources" / f"{name}.json").write_text(body)
    monkeypatch.setattr(schema, "data_dir", lambda: base)
    return base


def test_missing_provider_file_is_a_clear_error(tmp_path, monkeypatch, fresh_caches):
    _fake_layout(tmp_path, monkeypatch)
    with pytest.raises(schema.SchemaDataError) as err:
        schema.type_map()
    message = str(err.value)
    assert "cfn-lint's schema data is not laid out as expected" in message
    assert f"autofix supports cfn-lint{schema.SUPPORTED_CFN_LINT}" in message
    assert isinstance(err.value, AutofixError)


def test_reshaped_provider_file_is_a_clear_error(tmp_path, monkeypatch, fresh_caches):
    _fake_layout(tmp_path, monkeypatch, providers=[["AWS::S3::Bucket", "abc"]])
    with pytest.raises(schema.SchemaDataError, match="not a mapping of resource types"):
        schema.type_map()


def test_reshaped_resource_file_is_a_clear_error(tmp_path, monkeypatch, fresh_caches):
    _fake_layout(tmp_path, monkeypatch, providers={"AWS::S3::Bucket": "abc"}, resources={"abc": '{"type": 1}'})
    with pytest.raises(schema.SchemaDataError, match="no properties mapping"):
        schema.resource_schema("AWS::S3::Bucket")


def test_package_without_data_is_a_clear_error(monkeypatch, fresh_caches):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(schema.SchemaDataError, match="cannot be found"):
        schema.data_dir()


def test_rule_reports_layout_error_not_traceback(tmp_path, monkeypatch, fresh_caches):
    from autofix.detect import detect

    _fake_layout(tmp_path, monkeypatch)
    found = detect({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"X": 1}}}},
                   [UnknownProperty()], Settings())
    (error,) = found.errors
    assert error.rule_id == "SC001"
    assert "not laid out as expected" in error.message and "crashed" not in error.message


def test_no_schema_work_without_resources(fresh_caches):
    rule = UnknownProperty()
    assert list(rule.check(Template({"Resources": {"T": {"Type": "Custom::X"}}}), Settings())) == []
    assert schema._type_map.cache_info().currsize == 0


# ----------------------------------------------------------------- answers kept by id, safely

#: Two nodes a caller could build, alike in shape, unlike in every answer.
_STRING_NODE = {"$ref": "#/definitions/S", "required": ["a"], "additionalProperties": False}
_INTEGER_NODE = {"$ref": "#/definitions/I", "required": ["b"], "properties": {"k": {}}}
_ASKS = {
    "types": lambda s, n: s.types(n),
    "closed": lambda s, n: s.closed(n),
    "required": lambda s, n: s.required(n),
    "child": lambda s, n: s.child(n, "k"),
    "resolve": lambda s, n: s.resolve(n),
}


def _small_schema() -> schema.ResourceSchema:
    return schema.ResourceSchema("X::Y::Z", {"properties": {"Own": {"$ref": "#/definitions/S"}}, "definitions": {
        "S": {"type": "string"}, "I": {"type": "integer"}}})


@pytest.mark.parametrize("ask", _ASKS.values(), ids=_ASKS)
def test_an_answer_about_a_node_that_is_gone_is_not_given_for_another_at_its_address(ask) -> None:
    own = _small_schema()

    def asked_about(shape: dict) -> int:
        node = {**shape}  # the caller's own mapping, gone when this returns (unless the schema keeps it)
        ask(own, node)
        return id(node)

    address = asked_about(_STRING_NODE)
    node = {**_INTEGER_NODE}  # CPython gives a new mapping the address the last one freed
    assert ask(own, node) == ask(_small_schema(), {**_INTEGER_NODE}), f"reused address: {id(node) == address}"


@pytest.mark.parametrize("ask", _ASKS.values(), ids=_ASKS)
def test_the_nodes_kept_for_answers_are_bounded(ask, monkeypatch) -> None:
    monkeypatch.setattr(schema, "KEPT_NODES", 8)
    own = _small_schema()
    for i in range(40):
        shape = (_STRING_NODE, _INTEGER_NODE)[i % 2]
        assert ask(own, {**shape}) == ask(_small_schema(), {**shape})
        assert len(own._kept) <= 8
        assert all(len(table) <= 8 for table in (own._resolved, own._children, own._facts))
    node = own.properties(own.root)["Own"]
    assert own.resolve(node) is own.resolve(node)  # the schema's own nodes: answered once, then kept
