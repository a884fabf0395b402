"""The result cache: a re-run reads what it stored, and nothing a result depends on can go stale."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

import autofix.cache
import autofix.rules.dp
import autofix.runner
from autofix import commands
from autofix.cache import CACHE_DIR_NAME, NO_CACHE_ENV
from autofix.cli import app
from autofix.formats import OutputFormat

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
#: A template with a DP001 finding from 2025-09-01 (python3.9's deprecation) on.
LAMBDA = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.9
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "def handler(e, c): pass"}
"""
#: One HD003 finding, whose fix is unsafe: `fix` has nothing to do without --unsafe-fixes.
UNSAFE_ONLY = """\
Resources:
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-123
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: us-east-1a
"""


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch) -> None:
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)  # the suite runs without a cache (conftest)
    monkeypatch.delenv(autofix.cache.CACHE_DIR_ENV, raising=False)


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The paths the pipeline ran on (in this process: the runs below use one job)."""
    calls: list[str] = []
    real = autofix.runner.guarded

    def counting(text, path, settings, fix):
        calls.append(os.path.basename(path))
        return real(text, path, settings, fix)

    monkeypatch.setattr(autofix.runner, "guarded", counting)
    return calls


def _corpus_copy(root: Path) -> Path:
    """Every input of the project's corpus, flattened into one directory."""
    root.mkdir()
    for source in sorted(CORPUS.rglob("input.*")):
        name = "-".join(source.relative_to(CORPUS).parts)
        shutil.copyfile(source, root / name)
    return root


def _run(command: str, paths: list[Path], tmp_path: Path, fmt: str = "json", **options) -> tuple[int, str]:
    out = tmp_path / f"out-{len(list(tmp_path.glob('out-*')))}.txt"
    options.setdefault("jobs", 1)
    try:
        getattr(commands, command)([str(p) for p in paths], output_format=OutputFormat(fmt), output_file=out,
                                   no_progress=True, **options)
    except commands.Exit as exc:
        return exc.code, out.read_text(encoding="utf-8")
    raise AssertionError("commands always end with Exit")


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*") if p.is_file() and p.parent != cache_dir)


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_a_re_run_reads_every_result_from_the_cache_and_reports_the_same(tmp_path, computed, fmt) -> None:
    corpus = _corpus_copy(tmp_path / "corpus")
    cache_dir = tmp_path / "cache"
    uncached = _run("check", [corpus], tmp_path, fmt, no_cache=True)
    assert not cache_dir.exists()
    computed.clear()
    first = _run("check", [corpus], tmp_path, fmt, cache_dir=str(cache_dir))
    ran = len(computed)
    assert ran == len(list(corpus.iterdir()))
    second = _run("check", [corpus], tmp_path, fmt, cache_dir=str(cache_dir))
    assert len(computed) == ran  # nothing ran again
    assert first == second == uncached
    assert uncached[0] == 1 and len(_entries(cache_dir)) == ran


def test_the_cache_directory_is_tagged_and_ignored_by_git(tmp_path, computed, monkeypatch) -> None:
    project = tmp_path / "project"
    (project / "infra").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.autofix]\nselect = [\"DR\"]\n", encoding="utf-8")
    (project / "infra" / "db.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the project root holds the cache, wherever the run starts
    _run("check", [project / "infra"], tmp_path)
    cache_dir = project / CACHE_DIR_NAME
    assert (cache_dir / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (cache_dir / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert len(_entries(cache_dir)) == 1
    assert not (elsewhere / CACHE_DIR_NAME).exists()


def test_without_a_configuration_the_cache_is_in_the_current_directory(tmp_path, computed, monkeypatch) -> None:
    (tmp_path / "t.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _run("check", [Path("t.yaml")], tmp_path)
    assert len(_entries(tmp_path / CACHE_DIR_NAME)) == 1


def test_no_cache_from_the_environment(tmp_path, computed, monkeypatch) -> None:
    (tmp_path / "t.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    _run("check", [Path("t.yaml")], tmp_path)
    _run("check", [Path("t.yaml")], tmp_path)
    assert computed == ["t.yaml", "t.yaml"]
    assert not (tmp_path / CACHE_DIR_NAME).exists()


def test_an_edited_file_is_checked_again(tmp_path, computed) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    cache = str(tmp_path / "cache")
    code, out = _run("check", [path], tmp_path, cache_dir=cache)
    assert code == 1 and json.loads(out)["findings"][0]["rule"] == "DR007"
    path.write_text(GLOBAL_BURSTABLE.replace("db.t3.medium", "db.r5.large"), encoding="utf-8")
    code, out = _run("check", [path], tmp_path, cache_dir=cache)
    assert code == 0 and json.loads(out)["findings"] == []
    assert computed == ["t.yaml", "t.yaml"]


def test_other_settings_are_another_key(tmp_path, computed) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    cache = str(tmp_path / "cache")
    assert _run("check", [path], tmp_path, cache_dir=cache)[0] == 1
    assert _run("check", [path], tmp_path, cache_dir=cache, ignore=["DR007"])[0] == 0
    assert _run("check", [path], tmp_path, cache_dir=cache)[0] == 1
    assert computed == ["t.yaml", "t.yaml"]


def test_a_new_cfn_lint_data_version_is_another_key(tmp_path, computed, monkeypatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    cache = str(tmp_path / "cache")
    _run("check", [path], tmp_path, cache_dir=cache)
    monkeypatch.setattr(autofix.cache, "cfn_lint_data_version", lambda: '__version__ = "1.99.0"\n')
    _run("check", [path], tmp_path, cache_dir=cache)
    assert computed == ["t.yaml", "t.yaml"]


def test_the_configured_as_of_date_is_part_of_the_key(tmp_path, computed) -> None:
    (tmp_path / "fn.yaml").write_text(LAMBDA, encoding="utf-8")
    config = tmp_path / ".autofix.toml"
    cache = str(tmp_path / "cache")
    found = []
    for as_of in ("2020-01-01", "2026-01-01", "2020-01-01"):
        config.write_text(f'select = ["DP001"]\n[dp]\nas-of = "{as_of}"\n', encoding="utf-8")
        found.append([f["rule"] for f in json.loads(_run("check", [tmp_path / "fn.yaml"], tmp_path,
                                                            cache_dir=cache)[1])["findings"]])
    assert found == [[], ["DP001"], []]
    assert computed == ["fn.yaml", "fn.yaml"]  # the third run is the first one's entry


def test_a_result_judged_today_expires_tomorrow(tmp_path, computed, monkeypatch) -> None:
    (tmp_path / "fn.yaml").write_text(LAMBDA, encoding="utf-8")
    cache = str(tmp_path / "cache")
    _run("check", [tmp_path / "fn.yaml"], tmp_path, cache_dir=cache)
    _run("check", [tmp_path / "fn.yaml"], tmp_path, cache_dir=cache)
    assert len(computed) == 1

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.fromordinal(date.today().toordinal() + 1)

    # the day is read once, where configuration pins DP's as-of for the run (the cache's own fallback
    # serves settings built without configuration)
    monkeypatch.setattr(autofix.rules.dp, "date", Tomorrow)
    monkeypatch.setattr(autofix.cache, "date", Tomorrow)
    _run("check", [tmp_path / "fn.yaml"], tmp_path, cache_dir=cache)
    assert len(computed) == 2


def test_fix_applies_what_a_cached_check_found(tmp_path, computed) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    cache = str(tmp_path / "cache")
    assert _run("check", [path], tmp_path, cache_dir=cache)[0] == 1
    code, out = _run("fix", [path], tmp_path, cache_dir=cache)
    assert code == 0 and [f["rule"] for f in json.loads(out)["fixes"]] == ["DR007"]
    assert "db.r5.large" in path.read_text(encoding="utf-8")


def test_fix_keeps_only_nothing_to_fix_and_only_for_the_same_settings(tmp_path, computed) -> None:
    path = tmp_path / "subnet.yaml"
    path.write_text(UNSAFE_ONLY, encoding="utf-8")
    cache = str(tmp_path / "cache")
    for _ in range(2):  # nothing safe to fix: stored, then read
        code, out = _run("fix", [path], tmp_path, cache_dir=cache)
        assert code == 1 and [f["rule"] for f in json.loads(out)["findings"]] == ["HD003"]
    assert computed == ["subnet.yaml"]
    code, out = _run("fix", [path], tmp_path, cache_dir=cache, unsafe_fixes=True)
    assert [f["rule"] for f in json.loads(out)["fixes"]] == ["HD003"]
    assert path.read_text(encoding="utf-8") != UNSAFE_ONLY
    assert computed == ["subnet.yaml", "subnet.yaml"]


def test_fix_never_takes_an_entry_that_holds_something_to_fix(tmp_path, computed) -> None:
    """Even an entry planted under fix's own key: a finding these settings would fix is run again."""
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    _run("check", [path], tmp_path, cache_dir=str(cache_dir))
    (check_entry,) = _entries(cache_dir)
    from autofix.config import build_settings

    settings = build_settings([str(path)])
    cache = autofix.cache.open_cache(str(cache_dir), settings)
    planted = Path(cache.directory) / cache.key(str(path), GLOBAL_BURSTABLE, fix=True)
    planted.write_bytes(check_entry.read_bytes())
    assert cache.get(str(path), GLOBAL_BURSTABLE, settings, fix=True) is None
    code, out = _run("fix", [path], tmp_path, cache_dir=str(cache_dir))
    assert code == 0 and [f["rule"] for f in json.loads(out)["fixes"]] == ["DR007"]


def test_a_corrupt_entry_is_ignored_and_written_again(tmp_path, computed) -> None:
    corpus = _corpus_copy(tmp_path / "corpus")
    cache_dir = tmp_path / "cache"
    first = _run("check", [corpus], tmp_path, cache_dir=str(cache_dir))
    entries = _entries(cache_dir)
    damaged = entries[::5]
    for i, entry in enumerate(damaged):
        text = entry.read_text(encoding="utf-8")
        entry.write_text(["", text[: len(text) // 2], '{"findings": 3}', "[]", "\x00\xff"][i % 5],
                         encoding="utf-8", errors="surrogateescape")
    ran = len(computed)
    assert _run("check", [corpus], tmp_path, cache_dir=str(cache_dir)) == first
    assert len(computed) == ran + len(damaged)
    for entry in damaged:
        json.loads(entry.read_text(encoding="utf-8"))


def test_an_internal_error_is_never_kept(tmp_path, monkeypatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(autofix.runner, "process_text", broken)
    code, out = _run("check", [path], tmp_path, cache_dir=str(tmp_path / "cache"))
    assert code == 2 and "internal error: RuntimeError: boom" in out
    monkeypatch.undo()
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    code, out = _run("check", [path], tmp_path, cache_dir=str(tmp_path / "cache"))
    assert code == 1 and json.loads(out)["errors"] == []


def test_parallel_runs_share_the_cache_safely(tmp_path) -> None:
    """Processes running at once (each with two workers) read and write the same entries."""
    corpus = _corpus_copy(tmp_path / "corpus")
    cache_dir = tmp_path / "cache"
    expected = _run("check", [corpus], tmp_path, no_cache=True)[1]
    command = [sys.executable, "-m", "autofix", "check", "--format", "json", "--no-progress", "--jobs", "2",
               "--cache-dir", str(cache_dir), str(corpus)]
    env = {k: v for k, v in os.environ.items() if k != NO_CACHE_ENV}
    for _ in range(2):  # cold, then warm: both rounds race on the same entries
        procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
                 for _ in range(3)]
        outputs = [p.communicate()[0] for p in procs]
        assert [json.loads(o) for o in outputs] == [json.loads(expected)] * 3
    for entry in _entries(cache_dir):
        json.loads(entry.read_text(encoding="utf-8"))
    assert not [p for p in cache_dir.rglob(".*.tmp")]


def test_clean_removes_the_cache(tmp_path, monkeypatch) -> None:
    (tmp_path / "t.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _run("check", [Path("t.yaml")], tmp_path)
    _run("check", [Path("t.yaml")], tmp_path, cache_dir="elsewhere")
    assert (tmp_path / CACHE_DIR_NAME).is_dir() and (tmp_path / "elsewhere").is_dir()
    result = CliRunner().invoke(app, ["clean"])
    assert result.exit_code == 0 and not (tmp_path / CACHE_DIR_NAME).exists()
    assert result.stderr == f"Removed cache at {tmp_path / CACHE_DIR_NAME}\n"
    assert CliRunner().invoke(app, ["clean"]).stderr == ""  # nothing left to remove
    result = CliRunner().invoke(app, ["clean", "--cache-dir", "elsewhere"])
    assert result.exit_code == 0 and not (tmp_path / "elsewhere").exists()


def test_clean_refuses_a_directory_that_is_no_cache(tmp_path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("data", encoding="utf-8")
    result = CliRunner().invoke(app, ["clean", "--cache-dir", str(precious)])
    assert result.exit_code == 2 and (precious / "keep.txt").exists()
    assert "is not an autofix cache directory" in result.stderr


def test_a_cache_that_cannot_be_created_is_no_cache(tmp_path, computed) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    for _ in range(2):
        assert _run("check", [path], tmp_path, cache_dir=str(blocker / "cache"))[0] == 1
    assert computed == ["t.yaml", "t.yaml"]
