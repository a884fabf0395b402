"""Batch runs: directory walking, sniffing, ordering, the summary and report, error isolation."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

from autofix.cli import app
from autofix.discover import discover, walk
from autofix.pipeline import FileResult, process_text
from autofix.runner import run
from autofix.settings import Settings

BURSTABLE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql, GlobalClusterIdentifier: my-global}
    DeletionPolicy: Snapshot
    UpdateReplacePolicy: Snapshot
  Instance:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Cluster
      DBInstanceClass: db.t3.medium
"""

CLEAN_JSON = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}, indent=2) + "\n"
CLEAN_YAML = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue  # a comment\n"
NOT_TEMPLATE_JSON = '{"name": "package", "version": "1.0.0"}\n'
NOT_TEMPLATE_YAML = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
BROKEN_TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  bad: [unclosed\n"
BROKEN_OTHER = "{{ .Values.name }}: [\n"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _rel(root: Path, paths: list[str]) -> list[str]:
    return [Path(p).relative_to(root).as_posix() for p in paths]


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# ----------------------------------------------------------------- walking


def test_walk_takes_template_extensions_sorted_and_skips_hidden_and_tool_dirs(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "b.yaml": CLEAN_YAML, "a.json": CLEAN_JSON, "c.template": CLEAN_JSON, "d.yml": CLEAN_YAML,
        "e.YAML": CLEAN_YAML, "notes.txt": "x", "script.py": "x",
        ".hidden/x.yaml": CLEAN_YAML, "node_modules/m.json": CLEAN_JSON, "cdk.out/s.json": CLEAN_JSON,
        "sub/z.yaml": CLEAN_YAML,
    })
    assert _rel(tmp_path, walk(tmp_path)) == ["a.json", "b.yaml", "c.template", "d.yml", "e.YAML", "sub/z.yaml"]


def test_exclude_globs_match_relative_paths_and_names(tmp_path: Path) -> None:
    _tree(tmp_path, {"keep.yaml": CLEAN_YAML, "params.json": CLEAN_JSON, "build/out.yaml": CLEAN_YAML,
                     "sub/params.json": CLEAN_JSON, "sub/deep/t.yaml": CLEAN_YAML})
    assert _rel(tmp_path, walk(tmp_path, ("params.json", "build"))) == ["keep.yaml", "sub/deep/t.yaml"]
    assert _rel(tmp_path, walk(tmp_path, ("sub/*",))) == ["build/out.yaml", "keep.yaml", "params.json"]


def test_gitignore_nested_files_override_shallower_ones(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitignore": "*.json\ngenerated/\n",
        "a.json": CLEAN_JSON, "a.yaml": CLEAN_YAML, "generated/g.yaml": CLEAN_YAML,
        "sub/.gitignore": "!keep.json\nlocal.yaml\n",
        "sub/keep.json": CLEAN_JSON, "sub/other.json": CLEAN_JSON, "sub/local.yaml": CLEAN_YAML,
        "sub/t.yaml": CLEAN_YAML, "local.yaml": CLEAN_YAML,
    })
    assert _rel(tmp_path, walk(tmp_path)) == ["a.yaml", "local.yaml", "sub/keep.json", "sub/t.yaml"]
    everything = _rel(tmp_path, walk(tmp_path, respect_gitignore=False))
    assert "generated/g.yaml" in everything and "a.json" in everything and "sub/local.yaml" in everything


def test_gitignore_between_repository_root_and_walked_directory_applies(tmp_path: Path) -> None:
    _tree(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", ".gitignore": "infra/out/\n",
                     "infra/t.yaml": CLEAN_YAML, "infra/out/t.yaml": CLEAN_YAML})
    assert _rel(tmp_path, walk(tmp_path / "infra")) == ["infra/t.yaml"]


def test_discover_keeps_explicit_files_and_drops_duplicates(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.yaml": CLEAN_YAML, "b.yaml": CLEAN_YAML, "notes.txt": "x"})
    targets = discover([str(tmp_path / "notes.txt"), str(tmp_path), str(tmp_path / "a.yaml")])
    assert [(Path(t.path).name, t.explicit) for t in targets] == [
        ("notes.txt", True), ("a.yaml", True), ("b.yaml", False)]


# ----------------------------------------------------------------- sniffing


def test_directory_mode_skips_non_templates_silently_and_counts_them(tmp_path: Path) -> None:
    _tree(tmp_path, {"t.yaml": CLEAN_YAML, "package.json": NOT_TEMPLATE_JSON, "ci.yml": NOT_TEMPLATE_YAML,
                     "chart.yaml": BROKEN_OTHER, "empty.yaml": ""})
    code, out, err = _cli("check", "--no-progress", str(tmp_path))
    assert code == 0, err
    assert out == ""
    assert "Found 0 findings in 1 template; 4 other files skipped." in err
    assert "error" not in err


def test_named_non_template_is_an_error(tmp_path: Path) -> None:
    path = _tree(tmp_path, {"package.json": NOT_TEMPLATE_JSON}) / "package.json"
    code, _, err = _cli("check", "--no-progress", str(path))
    assert code == 2
    assert f"{path}:1:1: error: not a CloudFormation template" in err


def test_broken_template_is_an_error_with_position(tmp_path: Path) -> None:
    _tree(tmp_path, {"broken.yaml": BROKEN_TEMPLATE, "t.yaml": CLEAN_YAML})
    code, _, err = _cli("check", "--no-progress", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'broken.yaml'}:5:1: error: invalid YAML" in err
    assert "1 template" in err and "1 error" in err


# ----------------------------------------------------------------- ordering


def test_results_come_back_in_input_order_whatever_the_jobs(tmp_path: Path) -> None:
    files = {f"t{i:02d}.yaml": (BURSTABLE if i % 3 == 0 else CLEAN_YAML) for i in range(30)}
    files["t05.yaml"] = BROKEN_TEMPLATE
    paths = sorted(str(tmp_path / name) for name in _tree(tmp_path, files) and files)
    serial = list(run(paths, Settings(), fix=False, jobs=1))
    parallel = list(run(paths, Settings(), fix=False, jobs=2))
    assert [r.file for r in serial] == paths == [r.file for r in parallel]
    assert [(len(r.findings), len(r.errors)) for r in serial] == [(len(r.findings), len(r.errors))
                                                                 for r in parallel]
    assert sum(len(r.findings) for r in parallel) == 10


def test_cli_output_is_identical_with_one_or_two_jobs(tmp_path: Path) -> None:
    _tree(tmp_path, {f"d{i}/t{i}.yaml": (BURSTABLE if i % 2 else CLEAN_YAML) for i in range(25)})
    one = _cli("check", "--no-progress", "--jobs", "1", str(tmp_path))
    two = _cli("check", "--no-progress", "--jobs", "2", str(tmp_path))
    assert one == two
    lines = one[1].splitlines()
    assert len(lines) == 12 and lines == sorted(lines, key=lambda s: s.split(":")[0])


# ----------------------------------------------------------------- summary and report


def test_summary_and_report_count_files_templates_findings_fixes_and_errors(tmp_path: Path) -> None:
    report = tmp_path / "report.json"  # outside the tree it reports on (a path of this test's own)
    root = _tree(tmp_path / "tree", {"a.yaml": BURSTABLE, "b.yaml": BURSTABLE, "c.json": CLEAN_JSON,
                                     "other.json": NOT_TEMPLATE_JSON, "broken.yaml": BROKEN_TEMPLATE})
    code, out, err = _cli("fix", "--diff", "--no-progress", "--report", str(report), str(root))
    assert code == 2  # the broken file's error wins over the diff's 1
    assert out.count("+++ ") == 2
    assert "Would fix 2 findings in 2 files (DR007: 2)." in err
    assert "0 findings remain in 3 templates; 1 other file skipped; 1 error." in err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"] == {"files": 5, "templates": 3, "skipped_not_templates": 1, "files_changed": 2,
                               "errors": 1, "findings": {}, "fixes": {"DR007": 2}, "resolved": {"DR007": 2}}
    assert [(Path(e["file"]).name, e["line"]) for e in data["errors"]] == [("broken.yaml", 5)]
    assert (root / "a.yaml").read_text(encoding="utf-8") == BURSTABLE  # --diff writes nothing


def test_check_summary_lists_findings_per_rule(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.yaml": BURSTABLE, "c.json": CLEAN_JSON})
    code, out, err = _cli("check", "--no-progress", str(tmp_path))
    assert code == 1
    assert out.startswith(f"{tmp_path / 'a.yaml'}:12:7: DR007 [*] ")
    assert "Found 1 finding in 2 templates (DR007: 1)." in err


# ----------------------------------------------------------------- error isolation


def test_one_broken_file_never_stops_the_batch_and_fixes_still_land(tmp_path: Path) -> None:
    files = {"a.yaml": BURSTABLE, "b.yaml": BROKEN_TEMPLATE, "c.yaml": BURSTABLE,
             "d.json": '{"Resources": {"X": {"Type": "AWS::SNS::Topic"}}, "Resources": {}}',
             "e.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Type: AWS::SNS::Topic\n"}
    _tree(tmp_path, files)
    code, _, err = _cli("fix", "--no-progress", "--jobs", "2", str(tmp_path))
    assert code == 2
    assert "Fixed 2 findings in 2 files" in err
    assert "db.r5.large" in (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert "db.r5.large" in (tmp_path / "c.yaml").read_text(encoding="utf-8")
    for name in ("b.yaml", "d.json", "e.yaml"):
        assert (tmp_path / name).read_text(encoding="utf-8") == files[name]
        assert f"{tmp_path / name}:" in err
    assert "duplicate key 'Type'" in err  # found without any rule needing that file's document


def test_unexpected_exception_in_a_worker_becomes_an_error_entry(tmp_path: Path, monkeypatch) -> None:
    import autofix.runner as runner

    def explode(path: str, settings: Settings, fix: bool, cache: object = None) -> FileResult:
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "process_path", explode)
    [result] = list(runner.run([str(tmp_path / "x.yaml")], Settings(), fix=False, jobs=1))
    assert [e.message for e in result.errors] == ["internal error: RuntimeError: boom"]


# ----------------------------------------------------------------- the library function


def _check(args: tuple[str, str, Settings]) -> FileResult:
    text, name, settings = args
    return process_text(text, name, settings, fix=True)


def test_process_text_is_picklable_and_maps_over_a_process_pool() -> None:
    work = [(BURSTABLE, "a.yaml", Settings()), (CLEAN_YAML, "b.yaml", Settings()),
            (BROKEN_TEMPLATE, "c.yaml", Settings()), (NOT_TEMPLATE_JSON, "d.json", Settings())]
    assert pickle.loads(pickle.dumps(work)) == work
    local = [_check(w) for w in work]
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = list(pool.map(_check, work))
    assert [pickle.loads(pickle.dumps(r)) for r in local] == local == pooled
    assert pooled[0].changed and "db.r5.large" in (pooled[0].fixed or "")
    assert not pooled[1].errors and not pooled[1].findings
    assert pooled[2].errors[0].line == 5
    assert not pooled[3].is_template


def test_process_text_leaves_no_state_behind() -> None:
    first = process_text(BURSTABLE, "a.yaml", Settings(), fix=True)
    process_text(BURSTABLE, "a.yaml", Settings(family_settings={"dr": {"instance-class": "db.r6i.large"}}), fix=True)
    assert process_text(BURSTABLE, "a.yaml", Settings(), fix=True) == first


@pytest.mark.parametrize("text", [BURSTABLE, BURSTABLE.replace("Type: AWS::RDS::DBInstance",
                                                               "Type: 'AWS::RDS::DBInstance'")])
def test_fast_path_never_hides_a_finding(text: str) -> None:
    result = process_text(text, "t.yaml", Settings())
    assert [f.rule_id for f in result.findings] == ["DR007"]


def test_a_file_that_cannot_be_written_keeps_its_findings_in_the_summary(tmp_path: Path, monkeypatch) -> None:
    import autofix.write
    from autofix.errors import WriteError

    def disk_full(path: str, original: str, fixed: str) -> None:
        raise WriteError("cannot write fixed file: No space left on device")

    monkeypatch.setattr(autofix.write, "write_back", disk_full)
    path = tmp_path / "stack.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["fix", str(path), "--no-progress", "--report", str(report)])
    assert result.exit_code == 2
    assert path.read_text(encoding="utf-8") == GLOBAL_BURSTABLE
    assert f"{path}: error: cannot write fixed file: No space left on device" in result.stderr
    assert f"{path}:16:7: DR007 [*]" in result.stdout
    assert "Fixed 0 findings in 0 files. 1 finding remains in 1 template (DR007: 1); 1 error." in result.stderr
    summary = json.loads(report.read_text())["summary"]
    assert summary["findings"] == {"DR007": 1} and summary["fixes"] == {} and summary["files_changed"] == 0
