"""--extend-select and --show-fixes on the command line, run as a user runs them: the installed ``autofix``
script (the fast parser) and the typer commands it steps aside for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autofix.cli import app

# A bucket without DeletionPolicy (HD002, opt-in) and a function on a runtime long deprecated (DP001, on).
TEMPLATE = """\
Resources:
  Data:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.6
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {ZipFile: "def handler(event, context): pass"}
"""

SCRIPT = Path(sys.executable).with_name("autofix")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed script when there is one (as a user runs it), else its entry point."""
    command = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-c", "from autofix.fastcli import main; main()"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "stack.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


def _rules(stdout: str) -> list[str]:
    return [line.split(": ", 1)[1].split()[0] for line in stdout.splitlines() if line.startswith("stack.yaml:")]


def test_extend_select_adds_an_opt_in_rule_to_the_defaults(template: Path) -> None:
    assert _rules(_run("check", "stack.yaml", cwd=template.parent).stdout) == ["DP001"]
    extended = _run("check", "--extend-select", "HD002", "stack.yaml", cwd=template.parent)
    assert extended.returncode == 1 and _rules(extended.stdout) == ["HD002", "DP001"]
    # beside --select, it adds to what is selected; both accept commas
    both = _run("check", "--select", "HY", "--extend-select=HD002,DP001", "stack.yaml", cwd=template.parent)
    assert _rules(both.stdout) == ["HD002", "DP001"]
    unknown = _run("check", "--extend-select", "HD999", "stack.yaml", cwd=template.parent)
    assert unknown.returncode == 2 and "HD999" in unknown.stderr


def test_fix_with_extend_select_applies_the_opt_in_rule(template: Path) -> None:
    plain = _run("fix", "--unsafe-fixes", "--diff", "stack.yaml", cwd=template.parent)
    assert "DeletionPolicy" not in plain.stdout and "+      Runtime: python3" in plain.stdout
    extended = _run("fix", "--unsafe-fixes", "--extend-select", "HD002", "stack.yaml", cwd=template.parent)
    assert extended.returncode == 0
    fixed = template.read_text(encoding="utf-8")
    assert "DeletionPolicy: Retain" in fixed and "python3.6" not in fixed


def test_show_fixes_shows_each_findings_detail_and_fix(template: Path) -> None:
    args = ("check", "--extend-select", "HD002", "stack.yaml")
    findings = json.loads(_run(*args, "--format", "json", cwd=template.parent).stdout)["findings"]
    assert any(f["detail"] for f in findings)  # HD002 says why in its detail
    plain = _run(*args, cwd=template.parent).stdout.splitlines()
    shown = _run(*args, "--show-fixes", cwd=template.parent).stdout.splitlines()
    notes = [f"    {line}" for f in findings for line in (f["detail"] or "").splitlines()]
    notes += [f"    fix (unsafe, needs --unsafe-fixes): {f['fix']}" for f in findings]
    assert [line for line in shown if not line.startswith("    ")] == plain
    assert sorted(line for line in shown if line.startswith("    ")) == sorted(notes)


def test_show_fixes_after_a_fix_lists_what_was_resolved(template: Path) -> None:
    plain = _run("fix", "--unsafe-fixes", "--diff", "stack.yaml", cwd=template.parent)
    assert "Fixed:" not in plain.stderr
    shown = _run("fix", "--unsafe-fixes", "--diff", "--show-fixes", "stack.yaml", cwd=template.parent)
    resolved = shown.stderr[shown.stderr.index("Fixed:"):].splitlines()
    assert resolved[1].strip() == "stack.yaml" and resolved[2].split()[:2] == ["7:7", "DP001"]


def test_the_typer_commands_read_the_same_options(template: Path, runner: CliRunner,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(template.parent)
    result = runner.invoke(app, ["check", "--no-progress", "--extend-select", "HD002", "--show-fixes",
                                 "stack.yaml"])
    assert result.stdout == _run("check", "--extend-select", "HD002", "--show-fixes", "stack.yaml",
                                 cwd=template.parent).stdout
    assert _rules(result.stdout) == ["HD002", "DP001"] and "    fix (unsafe" in result.stdout
