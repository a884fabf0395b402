"""``fix --validate``: cfn-lint must not find a new error in a fixed template, or it is not written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

import autofix.pipeline
from autofix.cli import app
from autofix.pipeline import process_text
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template
from autofix.validate import gained_errors

pytest.importorskip("cfnlint")

BUCKET = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-logs  # keep
"""


class BogusProperty(Rule):
    """## What it does
    Makes a bucket depend on a resource the template does not declare: a rule whose fix cfn-lint
    rejects (E3005) and the schema rules that verification runs do not judge.

    ## Why is this bad?
    It is a test double.

    ## Example
    None.

    ## Fix safety
    Safe, falsely.

    ## References
    - none
    """

    id = "TST001"
    name = "bogus-property"
    summary = "Bucket lacks a dependency on a resource that does not exist"
    fix_applicability = Applicability.SAFE

    def check(self, template: Template, settings: Settings) -> Iterator[Finding]:
        for logical_id, resource in template.resources_of("AWS::S3::Bucket"):
            if "DependsOn" not in resource:
                pointer = template.pointer("Resources", logical_id, "DependsOn")
                yield self.finding(pointer, f"{logical_id} lacks DependsOn NoSuchResource",
                                   fix=self.fix([{"op": "add", "path": pointer, "value": "NoSuchResource"}], "Add it"),
                                   resource=logical_id)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def bogus_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autofix.pipeline, "rules_for", lambda settings: (BogusProperty(),))


def test_gained_errors_names_only_new_codes() -> None:
    broken = BUCKET.replace("BucketName: my-logs  # keep", "BucketName: my-logs\n      NoSuchProperty: true")
    (gained,) = gained_errors(BUCKET, broken)
    assert gained.code == "E3002" and gained.line == 7
    assert gained_errors(broken, broken) == []


def test_validate_refuses_a_fix_that_adds_a_cfn_lint_error(runner: CliRunner, tmp_path: Path,
                                                           bogus_rules: None) -> None:
    path = tmp_path / "bucket.yaml"
    path.write_text(BUCKET, encoding="utf-8")
    result = runner.invoke(app, ["fix", "--validate", str(path)])
    assert result.exit_code == 2
    assert "fix not written: cfn-lint reports new errors E3005" in result.stderr
    assert path.read_text(encoding="utf-8") == BUCKET
    assert f"{path}:3:3: TST001 [*] Logs lacks DependsOn NoSuchResource" in result.stdout  # not fixed: reported
    # without --validate the same fix is written: the refusal above is cfn-lint's doing
    assert runner.invoke(app, ["fix", str(path)]).exit_code == 0
    assert "DependsOn: NoSuchResource" in path.read_text(encoding="utf-8")


def test_a_refused_fix_reports_what_check_reports_without_detecting_again() -> None:
    class Counted(BogusProperty):
        calls = 0

        def check(self, template: Template, settings: Settings) -> Iterator[Finding]:
            self.calls += 1
            return super().check(template, settings)

    rule = Counted()
    refused = process_text(BUCKET, "b.yaml", Settings(validate=True), fix=True, rules=[rule])
    assert rule.calls == 2  # the input and the fixed text; the unfixed result reuses the input's detection
    checked = process_text(BUCKET, "b.yaml", Settings(), rules=[rule])
    assert not refused.changed and refused.patch == [] and refused.applied == []
    assert refused.findings == checked.findings and [(f.line, f.column) for f in refused.findings] == [(3, 3)]
    assert refused.errors[:-1] == checked.errors
    assert refused.errors[-1].message.startswith("fix not written: cfn-lint reports new errors E3005")


def test_validate_lets_a_good_fix_through(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    result = runner.invoke(app, ["fix", "--validate", "--select", "DR007", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == GLOBAL_BURSTABLE.replace("db.t3.medium", "db.r5.large")


def test_validate_without_cfn_lint_is_a_usage_error(runner: CliRunner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_cfnlint(name: str, *args, **kwargs):
        if name.startswith("cfnlint"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cfnlint)
    path = tmp_path / "stack.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    result = runner.invoke(app, ["fix", "--validate", str(path)])
    assert result.exit_code == 2
    assert "--validate needs cfn-lint" in result.stderr and "reinstall autofix" in result.stderr
    assert path.read_text(encoding="utf-8") == GLOBAL_BURSTABLE
