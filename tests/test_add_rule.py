"""scripts/add_rule.py creates a rule that the registry accepts, in a new or an existing family."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _tree(tmp_path: Path) -> Path:
    for part in ("autofix", "patches", "scripts"):
        shutil.copytree(PROJECT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "tests").mkdir()
    return tmp_path


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / "add_rule.py"), *args], cwd=root,
                          capture_output=True, text=True)


def _registered(root: Path) -> list[dict]:
    code = ("import json; from autofix.registry import all_rules; from autofix.rules.lazy import real_rule; "
            "print(json.dumps([{'id': r.id, 'family': r.family, 'cfn_lint': list(r.cfn_lint), "
            "'module': type(real_rule(r)).__module__} for r in all_rules()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_new_rule_in_a_new_family(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    out = _run(root, "ZZ001", "made-up-thing", "--family-name", "made-up", "--cfn-lint", "E3002")
    assert out.returncode == 0, out.stderr
    assert (root / "autofix/rules/zz/zz001_made_up_thing.py").exists()
    assert (root / "patches/ZZ001-made-up-thing.yaml").exists()
    assert (root / "corpus/ZZ001-made-up-thing/yaml-basic/input.yaml").exists()
    assert (root / "tests/test_zz001_made_up_thing.py").exists()
    assert '"autofix.rules.zz"' in (root / "pyproject.toml").read_text()
    rules = {r["id"]: r for r in _registered(root)}
    assert rules["ZZ001"] == {"id": "ZZ001", "family": "ZZ", "cfn_lint": ["E3002"],
                              "module": "autofix.rules.zz.zz001_made_up_thing"}
    # a second rule joins the existing family; existing files are never overwritten
    assert _run(root, "ZZ002", "other-thing").returncode == 0
    assert {"ZZ001", "ZZ002"} <= set(r["id"] for r in _registered(root))
    again = _run(root, "ZZ002", "other-thing")
    assert again.returncode != 0 and "exists already" in again.stderr


def test_bad_id_is_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    out = _run(root, "zz1", "Bad_Name")
    assert out.returncode == 2 and "id must look like" in out.stderr
