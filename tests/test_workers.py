"""Local workers at scale: a worker that dies costs its own file only; a crashing rule costs itself only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

import autofix.pipeline as pipeline
import autofix.registry as registry
from autofix.cli import app
from autofix.registry import all_rules
from autofix.rules.base import Rule
from autofix.runner import KILL_WORKER_ENV, run
from autofix.settings import Settings


def _corpus(tmp_path: Path, n: int, culprits: tuple[int, ...] = ()) -> list[str]:
    paths = []
    for i in range(n):
        path = tmp_path / f"t{i:03d}{'-die' if i in culprits else ''}.yaml"
        path.write_text(GLOBAL_BURSTABLE if i % 3 else "Resources: [broken\n", encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("culprits", [(0,), (17,), (5, 6, 39)])
def test_a_worker_killed_mid_run_costs_only_its_own_file(tmp_path: Path, monkeypatch, culprits) -> None:
    paths = _corpus(tmp_path, 40, culprits)
    expected = [[e.message for e in r.errors] for r in run(paths, Settings(), fix=False, jobs=1)]
    monkeypatch.setenv(KILL_WORKER_ENV, "-die")
    results = list(run(paths, Settings(), fix=True, jobs=2))
    assert [r.file for r in results] == paths
    for i, (result, errors) in enumerate(zip(results, expected, strict=True)):
        if i in culprits:
            assert [e.message for e in result.errors] == [
                "worker process died while processing this file (killed by signal 9); the file was left untouched"]
            assert not result.changed and not result.findings
        else:
            assert [e.message for e in result.errors] == errors
            assert result.changed == (i % 3 != 0)


def test_the_kill_hook_never_fires_in_the_parent(tmp_path: Path, monkeypatch) -> None:
    paths = _corpus(tmp_path, 2, (1,))
    monkeypatch.setenv(KILL_WORKER_ENV, "-die")
    assert [bool(r.errors) for r in run(paths, Settings(), fix=False, jobs=1)] == [True, False]


def test_cli_reports_a_dead_worker_as_that_file_s_error(tmp_path: Path, monkeypatch) -> None:
    paths = _corpus(tmp_path, 12, (4,))
    monkeypatch.setenv(KILL_WORKER_ENV, "-die")
    result = CliRunner().invoke(app, ["check", "--jobs", "2", "--no-progress", "--format", "json", *paths])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [e["file"] for e in doc["errors"] if "worker process died" in e["message"]] == [paths[4]]
    assert len(doc["findings"]) == sum(1 for i in range(12) if i % 3 and i != 4)


class _Crash(Rule):
    """Crashes on every template.

    ## What it does
    Nothing but crash.

    ## Why is this bad?
    It is a test.

    ## Example
    ```yaml
    Resources: {}
    ```
    """

    id = "TS999"
    name = "always-crashes"
    summary = "a rule that always crashes"

    def check(self, template, settings):
        raise RuntimeError("boom")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crashing_rule_is_that_rule_s_error_for_each_file(tmp_path: Path, monkeypatch, jobs) -> None:
    registered = (*all_rules(), _Crash())
    monkeypatch.setattr(pipeline, "all_rules", lambda: registered)  # workers fork with it
    monkeypatch.setattr(registry, "all_rules", lambda: registered)  # the selection reads the registry's
    paths = _corpus(tmp_path, 6)[1:3]
    result = CliRunner().invoke(app, ["fix", "--jobs", jobs, "--no-progress", "--format", "json", *paths])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [(e["file"], e["rule"]) for e in doc["errors"]] == [(p, "TS999") for p in paths]
    assert all("rule crashed: RuntimeError: boom" in e["message"] for e in doc["errors"])
    assert [f["rule"] for f in doc["fixes"]] == ["DR007", "DR007"]  # the other rules still fixed their files
    assert all(Path(p).read_text(encoding="utf-8") != GLOBAL_BURSTABLE for p in paths)
