"""HD006 required-key-pair."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hd.hd006_required_key_pair import RequiredKeyPair
from autofix.settings import Settings

S = Settings()


def key_check(param, extra_props=None, **extra):
    data = {"Parameters": {"Key": param},
            "Resources": {"I": {"Type": "AWS::EC2::Instance",
                                "Properties": {"KeyName": {"Ref": "Key"}, **(extra_props or {})}}}, **extra}
    return findings(RequiredKeyPair(), data, S)


def test_required_key_becomes_optional():
    (f,) = key_check({"Type": "AWS::EC2::KeyPair::KeyName"})
    by_path = {op["path"]: op.get("value") for op in f.fix.operations}
    assert by_path["/Parameters/Key/Type"] == "String"
    assert by_path["/Parameters/Key/Default"] == ""
    assert by_path["/Conditions"] == {"HasKeyPair": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Key"}, ""]}]}}
    assert by_path["/Resources/I/Properties/KeyName"] == {
        "Fn::If": ["HasKeyPair", {"Ref": "Key"}, {"Ref": "AWS::NoValue"}]}


def test_defaulted_constrained_or_otherwise_used_keys():
    assert key_check({"Type": "AWS::EC2::KeyPair::KeyName", "Default": "ops"}) == []
    (f,) = key_check({"Type": "AWS::EC2::KeyPair::KeyName", "AllowedValues": ["a"]})
    assert f.fix is None
    (g,) = key_check({"Type": "AWS::EC2::KeyPair::KeyName"}, Outputs={"O": {"Value": {"Ref": "Key"}}})
    assert g.fix is None
