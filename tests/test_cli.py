"""The command line as a user drives it: output lines, JSON, diff, patch, stdin, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonpatch
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

from autofix.cli import app

TEMPLATE = GLOBAL_BURSTABLE


def test_check_prints_ruff_style_lines_and_exits_1(runner: CliRunner, template: Path) -> None:
    result = runner.invoke(app, ["check", str(template), "--select", "DR007"])
    assert result.exit_code == 1
    line = result.stdout.strip().splitlines()[0]
    assert line.startswith(f"{template}:16:7: DR007 [*] Instance is in an Aurora global cluster")


def test_check_json_has_the_documented_fields(runner: CliRunner, template: Path) -> None:
    result = runner.invoke(app, ["check", str(template), "--format", "json", "--select", "DR007"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["errors"] == []
    (finding,) = doc["findings"]
    assert {k: finding[k] for k in ("file", "rule", "name", "resource", "path", "line", "column",
                                     "applicability")} == {
        "file": str(template), "rule": "DR007", "name": "aurora-global-burstable-class", "resource": "Instance",
        "path": "/Resources/Instance/Properties/DBInstanceClass", "line": 16, "column": 7,
        "applicability": "safe"}
    assert "message" in finding


def test_fix_diff_changes_nothing_and_exits_1(runner: CliRunner, template: Path) -> None:
    result = runner.invoke(app, ["fix", "--diff", str(template), "--select", "DR007"])
    assert result.exit_code == 1
    assert "-      DBInstanceClass: db.t3.medium  # too small" in result.stdout
    assert "+      DBInstanceClass: db.r5.large  # too small" in result.stdout
    assert template.read_text(encoding="utf-8") == TEMPLATE


def test_fix_patch_prints_a_bare_rfc6902_array(runner: CliRunner, template: Path) -> None:
    result = runner.invoke(app, ["fix", "--patch", str(template), "--select", "DR007"])
    patch = json.loads(result.stdout)
    assert patch == [{"op": "replace", "path": "/Resources/Instance/Properties/DBInstanceClass",
                      "value": "db.r5.large"}]
    assert jsonpatch.JsonPatch(patch)
    assert template.read_text(encoding="utf-8") == TEMPLATE


def test_fix_in_place_then_clean(runner: CliRunner, template: Path) -> None:
    result = runner.invoke(app, ["fix", str(template), "--select", "DR007"])
    assert result.exit_code == 0, result.output
    assert template.read_text(encoding="utf-8") == TEMPLATE.replace("db.t3.medium", "db.r5.large")
    again = runner.invoke(app, ["check", str(template)])
    assert again.exit_code == 0


def test_stdin_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(app, ["fix", "-", "--select", "DR007", "--stdin-filename", "in.yaml"], input=TEMPLATE)
    assert result.exit_code == 0
    assert result.stdout == TEMPLATE.replace("db.t3.medium", "db.r5.large")
    check = runner.invoke(app, ["check", "-", "--stdin-filename", "in.yaml"], input=TEMPLATE)
    assert check.stdout.startswith("in.yaml:16:7: DR007")


def test_unparsable_file_is_an_error_with_position_and_untouched(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  A: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["fix", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3:1: error: invalid YAML" in result.stderr
    assert "Traceback" not in result.output
    assert bad.read_text(encoding="utf-8") == "Resources:\n  A: [unclosed\n"


def test_explicit_non_template_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "params.json"
    other.write_text('[{"ParameterKey": "A", "ParameterValue": "b"}]', encoding="utf-8")
    result = runner.invoke(app, ["check", str(other)])
    assert result.exit_code == 2
    assert "not a CloudFormation template" in result.stderr


def test_bad_usage_exits_2(runner: CliRunner, template: Path) -> None:
    assert runner.invoke(app, ["check", str(template), "--select", "NOPE1"]).exit_code == 2
    assert runner.invoke(app, ["check", str(template), "--dr", "maybe"]).exit_code == 2
    assert runner.invoke(app, ["fix", "--diff", "--patch", str(template)]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2


def test_rules_and_explain(runner: CliRunner) -> None:
    listing = runner.invoke(app, ["rules", "--format", "json"])
    ids = [r["id"] for r in json.loads(listing.stdout)]
    assert "DR007" in ids and ids == sorted(ids)
    explained = runner.invoke(app, ["explain", "aurora-global-burstable-class"])
    assert explained.exit_code == 0
    assert "## Fix safety" in explained.stdout and "DR007" in explained.stdout
    assert runner.invoke(app, ["explain", "DR999"]).exit_code == 2
