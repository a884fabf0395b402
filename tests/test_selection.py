"""The default rule set (ruff's model): what runs when nothing is selected, and how opt-in rules are added."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autofix.config import build_settings
from autofix.errors import ConfigError
from autofix.pipeline import process_text
from autofix.registry import all_rules, build_registry, select_rules
from autofix.rules.base import Applicability, Rule
from autofix.rules.lazy import loaded
from autofix.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
BUILT_IN = [loaded(r) for r in all_rules() if type(loaded(r)).__module__.startswith("autofix.rules.")]
DOC = "\n\n".join(f"## {section}\nTest." for section in
                   ("What it does", "Why is this bad?", "Example", "Fix safety", "References"))


def _nothing(self: Rule, template: object, settings: Settings) -> list:
    return []


def _rule(rule_id: str, name: str, default: bool) -> type[Rule]:
    return type(f"Rule{rule_id}", (Rule,), {
        "__doc__": DOC, "id": rule_id, "name": name, "summary": f"test rule {rule_id}",
        "fix_applicability": Applicability.SAFE, "check": _nothing, "enabled_by_default": default,
    })


RULES = build_registry([_rule("TS001", "fact", True), _rule("TS002", "opinion", False),
                        _rule("TU001", "other-fact", True)])


def _ids(rules) -> list[str]:
    return [r.id for r in rules]


# ----------------------------------------------------------------- selection


def test_nothing_selected_runs_the_rules_on_by_default() -> None:
    assert _ids(select_rules(RULES)) == ["TS001", "TU001"]
    assert _ids(select_rules(RULES, ignore=["TU"])) == ["TS001"]


def test_extend_select_adds_opt_in_rules_to_whatever_is_selected() -> None:
    assert _ids(select_rules(RULES, extend_select=["TS002"])) == ["TS001", "TS002", "TU001"]
    assert _ids(select_rules(RULES, extend_select=["opinion"])) == ["TS001", "TS002", "TU001"]
    assert _ids(select_rules(RULES, ["TU"], extend_select=["TS002"])) == ["TS002", "TU001"]
    assert _ids(select_rules(RULES, extend_select=["TS002"], ignore=["TS002"])) == ["TS001", "TU001"]  # ignore wins
    with pytest.raises(ConfigError, match="unknown rule 'TS999'"):
        select_rules(RULES, extend_select=["TS999"])


@pytest.mark.parametrize(("code", "chosen"), [("TS", ["TS001", "TS002"]), ("TS002", ["TS002"]),
                                               ("opinion", ["TS002"]), ("ALL", ["TS001", "TS002", "TU001"])])
def test_a_selection_takes_every_rule_it_names_opt_in_ones_included(code: str, chosen: list[str]) -> None:
    assert _ids(select_rules(RULES, [code])) == chosen


def test_a_plugin_rule_that_says_nothing_runs_by_default() -> None:
    plain = type("Plain", (Rule,), {"__doc__": DOC, "id": "TV001", "name": "plain", "summary": "s",
                                     "check": _nothing})
    assert _ids(select_rules(build_registry([plain]))) == ["TV001"]


# ----------------------------------------------------------------- the built-in rules


@pytest.mark.parametrize("rule", BUILT_IN, ids=[r.id for r in BUILT_IN])
def test_every_built_in_rule_states_its_default_in_its_own_class(rule: Rule) -> None:
    source = inspect.getsource(type(rule))
    assigned = [node for node in ast.walk(ast.parse(textwrap.dedent(source)))
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "enabled_by_default"
                                                        for t in node.targets)]
    assert assigned, f"{rule.id}: say whether the rule is on by default (enabled_by_default = True/False)"


@pytest.mark.parametrize("rule", BUILT_IN, ids=[r.id for r in BUILT_IN])
def test_the_default_follows_the_rule_of_the_default_set(rule: Rule) -> None:
    # a rule resolving a cfn-lint error or warning is on; one behind an informational code only is an opinion;
    # the DR rules find documented DR failures
    if any(code[0] in "EW" for code in rule.cfn_lint) or rule.family == "DR":
        assert rule.enabled_by_default, f"{rule.id} resolves {rule.cfn_lint or 'a DR failure'}: it must be on"
    elif rule.cfn_lint:
        assert not rule.enabled_by_default, f"{rule.id} resolves only informational {rule.cfn_lint}: opt-in"


def test_the_readme_names_the_opt_in_rules_and_the_way_back() -> None:
    # the README's rule table (default column included) is held to the registry in test_ruledocs
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    default_set = readme[readme.index("**The default rule set.**"):readme.index("| family |")]
    for rule in BUILT_IN:
        assert (rule.id in default_set) is not rule.enabled_by_default, rule.id
    assert "--select ALL" in default_set and "extend-select" in default_set


S3 = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n"


def test_opt_in_rules_do_not_run_by_default_and_extend_select_brings_them_back() -> None:
    def rules_reporting(settings: Settings) -> set[str]:
        return {f.rule_id for f in process_text(S3, "t.yaml", settings).findings}

    opt_in = {r.id for r in BUILT_IN if not r.enabled_by_default}
    assert "HD002" in opt_in
    assert rules_reporting(Settings()) & opt_in == set()
    assert "HD002" in rules_reporting(Settings(extend_select=("HD002",)))
    assert "HD002" in rules_reporting(Settings(select=("HD",)))
    assert "HD002" in rules_reporting(Settings(select=("ALL",)))


def test_the_default_selection_imports_no_rule_module() -> None:
    code = textwrap.dedent("""
        import sys
        from autofix.registry import all_rules, select_rules
        chosen = select_rules(all_rules())
        print(len(chosen), sorted(m for m in sys.modules if m.startswith("autofix.rules.") and m.count(".") == 3))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    count, imported = out.stdout.split(" ", 1)
    assert int(count) == sum(r.enabled_by_default for r in BUILT_IN)
    assert imported.strip() == "[]"


# ----------------------------------------------------------------- configuration and command line


def test_configuration_extends_the_selection_and_the_command_line_replaces_it(tmp_path: Path) -> None:
    (tmp_path / ".autofix.toml").write_text('extend-select = ["HD002, HD007"]\nignore = ["HY"]\n', encoding="utf-8")
    here = [str(tmp_path)]
    configured = build_settings(here)
    assert configured.select == () and configured.extend_select == ("HD002", "HD007")
    # --extend-select adds to the file's
    assert build_settings(here, extend_select=["HD006"]).extend_select == ("HD002", "HD007", "HD006")
    # --select replaces the file's whole selection, extend-select included; --ignore stays the file's
    replaced = build_settings(here, select=["DR"])
    assert replaced.select == ("DR",) and replaced.extend_select == () and replaced.ignore == ("HY",)
    both = build_settings(here, select=["DR"], extend_select=["HD002"])
    assert both.select == ("DR",) and both.extend_select == ("HD002",)


def test_an_unknown_code_in_extend_select_names_the_file(tmp_path: Path) -> None:
    (tmp_path / ".autofix.toml").write_text('extend-select = ["HD999"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.autofix\.toml: unknown rule 'HD999'"):
        build_settings([str(tmp_path)])
    with pytest.raises(ConfigError, match="unknown rule 'XX1'"):
        build_settings([str(tmp_path)], config=False, extend_select=["XX1"])
