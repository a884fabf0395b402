"""The lazy registry: the generated rule index, LazyRule's answers, imports only what a template needs."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from importlib import import_module
from pathlib import Path

import pytest

from autofix.detect import detect
from autofix.errors import RegistryError
from autofix.plugins import entry_points
from autofix.registry import BUILTIN_FAMILIES, all_rules
from autofix.rules.base import Rule
from autofix.rules.lazy import IndexEntry, LazyRule, real_rule, render_index
from autofix.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
LAZY = [r for r in all_rules() if isinstance(r, LazyRule)]


def test_the_index_is_current() -> None:
    expected = render_index([import_module(spec).FAMILY for spec in BUILTIN_FAMILIES])
    current = (PROJECT / "autofix" / "rules" / "index.py").read_text(encoding="utf-8")
    assert current == expected, "autofix/rules/index.py is out of step: run python scripts/rule_index.py"


def test_every_built_in_rule_is_lazy() -> None:
    specs = [spec for family in BUILTIN_FAMILIES for spec in import_module(family).FAMILY.rules]
    assert len(LAZY) >= len(specs) and {r.entry.spec for r in LAZY} == set(specs)


_DATA_ATTRIBUTES = [name for name in dir(Rule) if not name.startswith("_") and not callable(getattr(Rule, name))]


@pytest.mark.parametrize("rule", LAZY, ids=[r.id for r in LAZY])
def test_a_lazy_rule_answers_as_the_rule_itself(rule: LazyRule) -> None:
    real = real_rule(rule)
    assert type(real) is not LazyRule and rule.imported
    for name in _DATA_ATTRIBUTES:
        assert getattr(rule, name) == getattr(real, name), name
    assert rule.documentation() == real.documentation()
    assert rule.check.__self__ is real  # methods run on the real rule
    assert pickle.loads(pickle.dumps(rule)).id == rule.id


def test_index_answers_need_no_import() -> None:
    code = textwrap.dedent("""
        import sys
        from autofix.registry import all_rules, select_rules
        rules = select_rules(all_rules(), ["DR", "SC001"], ["DR002"])
        print([r.id for r in rules], [r.resource_types is None for r in rules][:1])
        print(sorted(m for m in sys.modules if m.startswith("autofix.rules.") and m.count(".") == 3))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    ids, imported = out.stdout.splitlines()
    assert ids.startswith("['DR001', 'DR003', 'DR004'") and "'SC001'" in ids
    assert imported == "[]", f"selection imported rule modules: {imported}"


_TOPIC = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
_BUCKET = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"


@pytest.mark.parametrize(("template", "imported"), [(_TOPIC, False), (_BUCKET, True)])
def test_a_rule_module_is_imported_only_for_templates_with_its_types(template: str, imported: bool) -> None:
    code = textwrap.dedent(f"""
        import sys
        from autofix.pipeline import process_text
        from autofix.settings import Settings
        process_text({template!r}, "t.yaml", Settings())
        print("autofix.rules.hd.hd005_invalid_bucket_name" in sys.modules, "importlib.metadata" in sys.modules,
              "cfnlint" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    assert out.stdout.split() == [str(imported), "False", "False"]


def test_a_stale_index_entry_is_refused_with_the_advice() -> None:
    real = next(r for r in LAZY if r.id == "HD005")
    stale = LazyRule(real.entry._replace(resource_types=None))
    with pytest.raises(RegistryError, match=r"out of step .*scripts/rule_index\.py"):
        stale.load()
    # run by the engine, the mismatch is that rule's error, not a crash of the run
    detection = detect({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, [stale], Settings())
    assert [e.rule_id for e in detection.errors] == ["HD005"] and "rule_index.py" in detection.errors[0].message


def test_a_rule_module_that_cannot_be_imported_is_that_rules_error() -> None:
    broken = LazyRule(IndexEntry("autofix.rules.hd.no_such_module:Rule", "HD999", "no-such-rule", None, (), False))
    detection = detect({"Resources": {}}, [broken], Settings())
    assert [e.rule_id for e in detection.errors] == ["HD999"]
    assert "ModuleNotFoundError" in detection.errors[0].message


def test_plugins_are_found_through_a_distributions_entry_points(tmp_path: Path, monkeypatch) -> None:
    dist = tmp_path / "autofix_extra-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: autofix-extra\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[autofix.rules]\nextra = autofix_extra:RULES\n")
    other = tmp_path / "unrelated-2.0.dist-info"
    other.mkdir()
    (other / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = entry_points("autofix.rules")
    assert [(ep.name, ep.value) for ep in found] == [("extra", "autofix_extra:RULES")]


def test_no_plugin_means_no_metadata_scan() -> None:
    code = ("import sys; from autofix.plugins import entry_points; "
            "print(entry_points('autofix.rules'), 'importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    assert out.stdout.split() == ["[]", "False"]
