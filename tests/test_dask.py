"""The Dask distributed engine against a real two-process LocalCluster: same output as a local run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

from autofix.cli import app
from autofix.runner import KILL_WORKER_ENV

# one worker runs them all under pytest-xdist, so that one LocalCluster serves them
pytestmark = [pytest.mark.dask, pytest.mark.xdist_group("dask")]

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

BROKEN = "Resources: [unclosed\n"
NOT_A_TEMPLATE = "name: ci\non: push\n"
DR002 = '{"Resources": {"Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": ' \
        '{"Type": "HTTPS", "FullyQualifiedDomainName": "api.example.com"}}}}}\n'


@pytest.fixture(scope="module")
def scheduler():
    # a task that kills its worker fails at once (KilledWorker) instead of killing three more; every port is a
    # free one (dashboard_address=None still takes 8787, shared with any other cluster on the machine)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                     silence_logs=50) as cluster:
        yield cluster.scheduler_address


def _tree(root: Path) -> Path:
    root.mkdir()
    files = {"a.yaml": GLOBAL_BURSTABLE, "b.yaml": BROKEN, "c.json": DR002, "d.yaml": GLOBAL_BURSTABLE,
             "e.yaml": NOT_A_TEMPLATE, "f.yaml": "\x00\x01binary", "g.yaml": GLOBAL_BURSTABLE.replace("t3", "t4g"),
             "h.json": "{}"}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _cli(*args: str):
    result = CliRunner().invoke(app, [*args, "--no-progress"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_check_on_the_cluster_equals_a_local_run(tmp_path: Path, scheduler: str, fmt: str) -> None:
    root = _tree(tmp_path / "t")
    files = [str(root / "a.yaml"), str(root / "b.yaml"), str(root / "c.json")]
    for target in ([str(root)], files):
        local = _cli("check", "--jobs", "1", "--format", fmt, *target)
        remote = _cli("check", "--dask-scheduler", scheduler, "--format", fmt, *target)
        assert remote == local
        assert local[0] == 2


def test_fix_on_the_cluster_writes_the_same_bytes(tmp_path: Path, scheduler: str) -> None:
    here = _tree(tmp_path / "here")
    there = tmp_path / "there"
    shutil.copytree(here, there)
    local = _cli("fix", "--unsafe-fixes", "--jobs", "1", "--format", "json", str(here))
    remote = _cli("fix", "--unsafe-fixes", "--dask-scheduler", scheduler, "--format", "json", str(there))
    assert remote[0] == local[0] == 2
    assert json.loads(remote[1].replace(str(there), str(here))) == json.loads(local[1])
    for path in sorted(here.iterdir()):
        assert (there / path.name).read_bytes() == path.read_bytes(), path.name
    assert (here / "a.yaml").read_text(encoding="utf-8") != GLOBAL_BURSTABLE


def test_the_environment_variable_names_the_scheduler(tmp_path: Path, scheduler: str, monkeypatch) -> None:
    root = _tree(tmp_path / "t")
    local = _cli("check", "--jobs", "1", str(root))
    monkeypatch.setenv("AUTOFIX_DASK_SCHEDULER", scheduler)
    assert _cli("check", str(root)) == local


def test_a_file_that_kills_its_worker_is_that_file_s_error(tmp_path: Path, scheduler: str, monkeypatch) -> None:
    root = _tree(tmp_path / "t")
    (root / "c-die.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    monkeypatch.setenv(KILL_WORKER_ENV, "-die")
    code, out, _ = _cli("check", "--dask-scheduler", scheduler, "--format", "json", str(root))
    assert code == 2
    doc = json.loads(out)
    died = [e for e in doc["errors"] if "worker process died" in e["message"]]
    assert [e["file"] for e in died] == [str(root / "c-die.yaml")]
    monkeypatch.delenv(KILL_WORKER_ENV)
    local = json.loads(_cli("check", "--jobs", "1", "--format", "json", str(root))[1])
    assert doc["findings"] == [f for f in local["findings"] if not f["file"].endswith("c-die.yaml")]


def test_the_connect_timeout_is_read_when_connecting(monkeypatch) -> None:
    import autofix.dask_engine as engine

    asked: list[float] = []

    def refuse(address: str, *, timeout: float, set_as_default: bool) -> None:
        asked.append(timeout)
        raise OSError("refused")

    monkeypatch.setattr(distributed, "Client", refuse)
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 0.25)
    with pytest.raises(engine.EngineError, match="cannot reach the Dask scheduler at tcp://x:1: refused"):
        engine.connect("tcp://x:1")
    with pytest.raises(engine.EngineError):
        engine.connect("tcp://x:1", timeout=3)
    assert asked == [0.25, 3]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    import autofix.dask_engine as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 0.5)
    code, out, err = _cli("check", "--dask-scheduler", "tcp://127.0.0.1:9", str(_tree(tmp_path / "t")))
    assert code == 2 and out == ""
    assert err.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")


def test_missing_dask_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    code, _, err = _cli("check", "--dask-scheduler", "tcp://127.0.0.1:9", str(_tree(tmp_path / "t")))
    assert code == 2
    assert "pip install 'autofix[dask]'" in err


def test_small_files_travel_together_and_large_runs_end_in_smaller_batches(tmp_path: Path, scheduler: str) -> None:
    from autofix.dask_engine import BATCH_CHARS, MIN_BATCH_CHARS, DaskEngine, Sizes
    from autofix.settings import Settings

    root = _tree(tmp_path / "t")
    paths = [str(p) for p in sorted(root.iterdir())]
    with distributed.Client(scheduler, set_as_default=False) as client:
        engine = DaskEngine(client)
        sent: list[int] = []
        submit = client.submit
        client.submit = lambda fn, items, *a, **k: sent.append(len(items)) or submit(fn, items, *a, **k)
        results = list(engine.run(paths, Settings(), fix=False))
    assert [r.file for r in results] == paths
    assert sent == [len(paths) - 1]  # one task; f.yaml (binary) is refused by the client itself

    big = tmp_path / "big"
    big.mkdir()
    many = []
    for i in range(40):
        many.append(big / f"{i:02}.yaml")
        many[-1].write_text("#" * 200_000 + "\n", encoding="utf-8")
    sizes = Sizes([str(p) for p in many], threads=2)
    budgets = [sizes.budget(i) for i in range(len(many))]
    assert budgets[0] == BATCH_CHARS and budgets[-1] == MIN_BATCH_CHARS
    assert budgets == sorted(budgets, reverse=True)


def test_a_batch_pauses_the_collector_and_restores_it() -> None:
    import gc

    import autofix.dask_engine as engine
    from autofix.settings import Settings

    seen: list[bool] = []
    real = engine.process_remote
    try:
        engine.process_remote = lambda *args: seen.append(gc.isenabled()) or real(*args)
        results = engine.process_batch([(GLOBAL_BURSTABLE, "a.yaml"), (DR002, "c.json")], Settings(), False)
    finally:
        engine.process_remote = real
    assert seen == [False, False] and gc.isenabled()
    assert [r.findings[0].rule_id for r in results] == ["DR007", "DR002"]


def test_cached_results_are_never_sent(tmp_path: Path, scheduler: str, monkeypatch) -> None:
    from autofix.cache import CACHE_DIR_ENV, NO_CACHE_ENV

    root = _tree(tmp_path / "t")
    monkeypatch.delenv(NO_CACHE_ENV)
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    first = _cli("check", "--dask-scheduler", scheduler, "--format", "json", str(root))
    monkeypatch.setenv(KILL_WORKER_ENV, ".")  # any file sent now would kill its worker
    assert _cli("check", "--dask-scheduler", scheduler, "--format", "json", str(root)) == first
    assert "worker process died" not in first[1]
    monkeypatch.delenv(KILL_WORKER_ENV)
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    assert _cli("check", "--jobs", "1", "--format", "json", str(root)) == first
