"""Suppressions written in templates, end to end: not reported, not fixed; unused ones on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

from autofix.cli import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


RESOURCE_LEVEL = GLOBAL_BURSTABLE.replace(
    "  Instance:\n    Type: AWS::RDS::DBInstance\n",
    "  Instance:\n    Type: AWS::RDS::DBInstance\n    Metadata:\n      autofix:\n        ignore: [DR007]\n")
TEMPLATE_LEVEL = GLOBAL_BURSTABLE.replace(
    "Resources:\n", "Metadata:\n  autofix:\n    ignore:\n      - aurora-global-burstable-class\nResources:\n")


@pytest.mark.parametrize("text", [RESOURCE_LEVEL, TEMPLATE_LEVEL], ids=["resource", "template"])
def test_suppressed_finding_is_neither_reported_nor_fixed(runner: CliRunner, tmp_path: Path, text: str) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(text, encoding="utf-8")
    check = runner.invoke(app, ["check", str(path), "--select", "DR007", "--format", "json"])
    assert check.exit_code == 0
    assert json.loads(check.stdout)["findings"] == []
    fix = runner.invoke(app, ["fix", str(path), "--select", "DR007"])
    assert fix.exit_code == 0
    assert path.read_text(encoding="utf-8") == text


def test_suppression_of_another_resource_does_not_hide(runner: CliRunner, tmp_path: Path) -> None:
    text = GLOBAL_BURSTABLE.replace(
        "  Cluster:\n    Type: AWS::RDS::DBCluster\n",
        "  Cluster:\n    Type: AWS::RDS::DBCluster\n    Metadata:\n      autofix:\n        ignore: [DR007]\n")
    path = tmp_path / "stack.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--select", "DR007"])
    assert result.exit_code == 1 and " DR007 [*] Instance " in result.stdout


def test_unused_suppressions_are_reported_only_on_request(runner: CliRunner, tmp_path: Path) -> None:
    text = RESOURCE_LEVEL.replace(
        "  Global:\n    Type: AWS::RDS::GlobalCluster\n",
        "  Global:\n    Type: AWS::RDS::GlobalCluster\n    Metadata:\n      autofix:\n        ignore: [DR007, DR999]\n")
    path = tmp_path / "stack.yaml"
    path.write_text(text, encoding="utf-8")
    quiet = runner.invoke(app, ["check", str(path), "--select", "DR007"])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    loud = runner.invoke(app, ["check", str(path), "--select", "DR007", "--show-unused-suppressions"])
    assert loud.exit_code == 1
    lines = loud.stdout.splitlines()
    assert lines == [
        f"{path}:7:18: unused-suppression unused suppression: DR007 reports nothing on resource Global",
        f"{path}:7:25: unused-suppression suppression names unknown rule 'DR999' (see `autofix rules`)",
    ]
    # the used suppression on Instance is not reported; a rule that did not run is not judged
    other = runner.invoke(app, ["check", str(path), "--select", "DR004", "--show-unused-suppressions"])
    assert "DR007" not in other.stdout and "DR999" in other.stdout


def test_unused_suppressions_in_sarif_are_warnings(runner: CliRunner, tmp_path: Path) -> None:
    text = GLOBAL_BURSTABLE.replace("Resources:\n", "Metadata:\n  autofix:\n    ignore: [DR004]\nResources:\n")
    path = tmp_path / "stack.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--select", "DR004,DR007", "--format", "sarif",
                                 "--show-unused-suppressions"])
    run = json.loads(result.stdout)["runs"][0]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"DR007": "error", "unused-suppression": "warning"}
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    unused = next(r for r in run["results"] if r["ruleId"] == "unused-suppression")
    assert ids[unused["ruleIndex"]] == "unused-suppression"


# HY002 resolves cfn-lint W3005 only; DR007 resolves no cfn-lint code.
REDUNDANT = """\
Metadata: {TEMPLATE}
Resources:
  Log:
    Type: AWS::Logs::LogGroup
  Rule:
    Type: AWS::Events::Rule
    DependsOn: Log
    Metadata: {RESOURCE}
    Properties:
      ScheduleExpression: rate(1 hour)
      Targets: [{Arn: !GetAtt Log.Arn, Id: log}]
"""


def _lint_ignored(template: str, resource: str) -> str:
    return REDUNDANT.replace("{TEMPLATE}", template).replace("{RESOURCE}", resource)


@pytest.mark.parametrize(("template", "resource", "reported"), [
    ("{}", "{}", True),
    ("{}", "{cfn-lint: {config: {ignore_checks: [W3005]}}}", False),  # the resource's: by exact id
    ("{}", "{cfn-lint: {config: {ignore_checks: [W3]}}}", True),
    ("{cfn-lint: {config: {ignore_checks: [W3]}}}", "{}", False),  # the template's: by prefix, as cfn-lint
    ("{cfn-lint: {config: {ignore_checks: [E3005]}}}", "{}", True),
    ("{cfn-lint: {config: {ignore_checks: W3005}}}", "{}", False),
    ("{cfn-lint: {config: [W3005]}}", "{}", True),
])
def test_what_cfn_lint_is_told_to_ignore_is_neither_reported_nor_fixed(
        runner: CliRunner, tmp_path: Path, template: str, resource: str, reported: bool) -> None:
    path = tmp_path / "t.yaml"
    text = _lint_ignored(template, resource)
    path.write_text(text, encoding="utf-8")
    found = runner.invoke(app, ["check", "--no-progress", "--select", "HY002", str(path)])
    assert ("HY002" in found.stdout) is reported
    runner.invoke(app, ["fix", "--no-progress", "--select", "HY002", str(path)])
    assert (path.read_text(encoding="utf-8") != text) is reported


def test_a_rule_without_cfn_lint_codes_is_not_silenced_by_cfn_lint_ignores(runner: CliRunner,
                                                                            tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE.replace("Resources:", "Metadata: {cfn-lint: {config: {ignore_checks: [E, W, I]}}}"
                                             "\nResources:", 1), encoding="utf-8")
    assert "DR007" in runner.invoke(app, ["check", "--no-progress", str(path)]).stdout
