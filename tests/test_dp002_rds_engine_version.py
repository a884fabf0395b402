"""DP002 rds-engine-version: version order, major lines, never a downgrade, parameters."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.dp import _data
from autofix.rules.dp.dp002_rds_engine_version import RdsEngineVersion, major_line, replacement, version_key
from autofix.settings import Settings

RULE = RdsEngineVersion()


def db(engine, version, kind="AWS::RDS::DBInstance"):
    return {"Type": kind, "Properties": {"Engine": engine, "EngineVersion": version}}


def check(resources, **extra):
    return findings(RULE, {"Resources": resources, **extra}, Settings())


def test_version_order_is_numeric():
    assert version_key("8.0.10") > version_key("8.0.9")
    assert version_key("14.10") > version_key("14.9")
    assert version_key("8.0.mysql_aurora.3.10.0") > version_key("8.0.mysql_aurora.3.9.1")
    assert version_key("8.0.mysql_aurora.3.01.0") > version_key("8.0")


def test_major_lines():
    assert major_line("postgres", "14.7") == "14"
    assert major_line("postgres", "9.6.24") == "9.6"
    assert major_line("mysql", "8.0.35") == "8.0"
    assert major_line("aurora-mysql", "8.0.mysql_aurora.3.05.2") == "8.0"
    assert major_line("aurora-postgresql", "15.4") == "15"


def test_replacements_stay_in_line_exist_and_are_not_deprecated():
    for kind in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
        valid, deprecated = _data.engine_versions(kind)
        for engine, versions in valid.items():
            bad = set(deprecated.get(engine, ()))
            for version in versions:
                new = replacement(engine, version, versions, bad)
                if new is None:
                    continue
                assert new in versions and new not in bad
                assert major_line(engine, new) == major_line(engine, version)
                assert version_key(new) > version_key(version)


def test_literal_findings_and_fixes():
    got = check({"A": db("mysql", "8.0.35"), "B": db("postgres", "14.7"), "C": db("postgres", "17.7"),
                 "D": db("aurora-mysql", "8.0", "AWS::RDS::DBCluster")})
    fixes = {f.resource: f.fix.operations[0]["value"] for f in got}
    assert set(fixes) == {"A", "B"}  # D's bare 8.0 names its line, which RDS accepts
    assert fixes["A"].startswith("8.0.") and fixes["B"].startswith("14.")
    assert all(f.fix.applicability.value == "unsafe" for f in got)


def test_no_downgrade_and_no_major_jump():
    (future, retired) = check({"F": db("mysql", "8.0.99"), "R": db("postgres", "10.21")})
    assert future.fix is None and "does not exist" in future.message
    assert retired.fix is None and "no supported version" in retired.message
    assert "Extended Support" in retired.detail  # what staying on the line costs


def test_major_only_versions_stay_while_their_line_is_supported():
    got = check({"M": db("mysql", "8.0"), "P": db("postgres", "15"), "Q": db("postgres", 16),
                 "A": db("aurora-postgresql", "16", "AWS::RDS::DBCluster"), "R": db("postgres", "9")})
    assert [f.resource for f in got] == ["R"]  # PostgreSQL 9 has no such line: reported


def test_numbers_engine_case_and_unknown_engines():
    got = check({"N": db("MySQL", 8.035), "X": db({"Ref": "AWS::NoValue"}, "8.0.1"), "Y": db("oracle-xx", "1")})
    assert [f.resource for f in got] == ["N"]


def test_parameter_default_and_engine_chosen_at_deploy_time():
    params = {"V": {"Type": "String", "Default": "14.7", "AllowedValues": ["14.7", "15.4"]},
              "E": {"Type": "String", "Default": "postgres", "AllowedValues": ["postgres", "mysql"]}}
    got = check({"A": db("postgres", {"Ref": "V"}), "B": db({"Ref": "E"}, "14.7")}, Parameters=params)
    (finding,) = got  # one finding for the parameter: its Default and its AllowedValues
    assert finding.pointer == "/Parameters/V/Default"
    assert "1 more of its allowed values" in finding.message
    ops = {op["path"]: op["value"] for op in finding.fix.operations}
    assert ops["/Parameters/V/Default"].startswith("14.")
    assert [v.split(".")[0] for v in ops["/Parameters/V/AllowedValues"]] == ["14", "15"]


def test_global_cluster_moves_with_its_members():
    got = check({"G": db("aurora-postgresql", "15.4", "AWS::RDS::GlobalCluster"),
                 "C": db("aurora-postgresql", "15.4", "AWS::RDS::DBCluster")})
    values = {f.resource: f.fix.operations[0]["value"] for f in got}
    assert values["G"] == values["C"] and values["G"].startswith("15.")
