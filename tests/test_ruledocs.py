"""Rule documentation: explain for every rule, the rules listing, and docs/rules.md kept fresh."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from autofix.cli import app
from autofix.registry import all_rules
from autofix.ruledocs import REGENERATE, anchor, markdown
from autofix.rules.base import DOC_SECTIONS

ROOT = Path(__file__).resolve().parent.parent
RULES = all_rules()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_explain_prints_every_section(runner: CliRunner, rule) -> None:
    for code in (rule.id, rule.name, rule.id.lower()):
        result = runner.invoke(app, ["explain", code])
        assert result.exit_code == 0
        assert result.stdout.startswith(f"# {rule.id} {rule.name}\n")
        for section in DOC_SECTIONS:
            assert f"## {section}" in result.stdout
        assert rule.summary in result.stdout


def test_explain_unknown_rule_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", "DR999"])
    assert result.exit_code == 2 and "unknown rule 'DR999'" in result.stderr


def test_rules_listing(runner: CliRunner) -> None:
    text = runner.invoke(app, ["rules"]).stdout.splitlines()
    assert text[0].split() == ["id", "name", "default", "fix", "cfn-lint", "summary"]
    rows = [line.split() for line in text[1:] if line and line.split()[0] in {r.id for r in RULES}]
    assert [row[0] for row in rows] == [r.id for r in RULES]
    titles = [line.split()[0] for line in text[1:] if line and line.split()[0] not in {r.id for r in RULES}]
    # grouped under one title per family, in order; then the note on opt-in rules
    assert titles == [*sorted({r.family for r in RULES}), "opt-in"]
    for row, rule in zip(rows, RULES, strict=True):
        assert row[2] == ("on" if rule.enabled_by_default else "opt-in")
        assert row[4] == (",".join(rule.cfn_lint) or "-")
    listed = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert [(r["id"], r["name"], r["default"], r["fix"], r["family"], r["cfn_lint"]) for r in listed] == [
        (r.id, r.name, r.enabled_by_default, r.fix_applicability.value if r.fix_applicability else None, r.family,
         list(r.cfn_lint))
        for r in RULES]


def test_explain_names_the_cfn_lint_codes(runner: CliRunner) -> None:
    for rule in RULES:
        text = runner.invoke(app, ["explain", rule.id.lower()]).stdout
        assert f"{rule.id} {rule.name}" in text.splitlines()[0]
        for code in rule.cfn_lint:
            assert code in text


def test_docs_rules_md_is_fresh(runner: CliRunner) -> None:
    generated = runner.invoke(app, ["rules", "--format", "markdown"]).stdout
    assert generated == markdown(RULES)
    on_disk = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == generated, f"docs/rules.md is stale; regenerate it with `{REGENERATE}`"


def test_docs_anchors_exist() -> None:
    doc = markdown(RULES)
    headings = {anchor_of(line[3:]) for line in doc.splitlines() if line.startswith("## ")}
    for rule in RULES:
        assert anchor(rule) in headings
    assert "suppressions" in headings


def anchor_of(heading: str) -> str:
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def test_readme_rule_table_lists_every_rule() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        safety = rule.fix_applicability.value if rule.fix_applicability else "no fix"
        default = "on" if rule.enabled_by_default else "opt-in"
        assert re.search(rf"^\| {rule.id} \| `?{rule.name}`? \| {default} \| {safety} \|", readme, re.M), rule.id


def test_pre_commit_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"autofix-check", "autofix-fix"}
    assert hooks["autofix-check"]["entry"].split()[:2] == ["autofix", "check"]
    assert hooks["autofix-fix"]["entry"].split()[:2] == ["autofix", "fix"]
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert set(hook["types_or"]) == {"json", "yaml"}
        assert "--only-templates" in hook["entry"]


def test_every_subpackage_is_packaged() -> None:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "autofix").rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"
