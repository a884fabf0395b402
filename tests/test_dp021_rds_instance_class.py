"""DP021 rds-instance-class: the offered classes from the data, and the later generation chosen."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp021_rds_instance_class import RdsInstanceClass, offered, successor

RULE = RdsInstanceClass()


def instance(kind: str, version: object = "8.0.40") -> dict:
    return template({"D": {"Type": "AWS::RDS::DBInstance", "Properties": {
        "Engine": "MySQL", "EngineVersion": version, "DBInstanceClass": kind}}})


def test_offered_classes_depend_on_engine_and_version() -> None:
    classes = offered("mysql", "8.0.40")
    assert classes is not None and "db.t3.micro" in classes and "db.t2.micro" not in classes
    assert offered("nosuchengine", "1") is None


def test_successor_keeps_family_attributes_and_size() -> None:
    assert successor("db.t2.micro", frozenset({"db.t3.micro", "db.t4g.micro"})) == "db.t3.micro"
    assert successor("db.m4.large", frozenset({"db.m6.large", "db.m5d.large"})) == "db.m6.large"
    assert successor("db.x9.large", frozenset({"db.t3.micro"})) is None


def test_an_unoffered_class_moves_on_unsafely() -> None:
    data = instance("db.t2.micro")
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe"
    assert applied(data, [found])["Resources"]["D"]["Properties"]["DBInstanceClass"] == "db.t3.micro"


def test_offered_or_unknown_combinations_are_quiet() -> None:
    assert findings(RULE, instance("db.t3.micro")) == []
    assert findings(RULE, instance({"Ref": "Class"})) == []
