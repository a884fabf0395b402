"""Throughput of autofix against its baselines, measured side by side in one run on the same files.

Usage::

    python benchmarks/bench.py DIR [--sample 60] [--repeat 3] [--lint-files 200] [--no-dask] [--dask-directory D]

What it prints, for the template files found under DIR (the same walk as ``autofix check DIR``):

* templates/s on every file: the library's ``check`` and ``fix --diff`` (``process_text`` in
  this process, no I/O), the bare C-accelerated parse (``json.loads`` / PyYAML ``CSafeLoader``
  accepting CloudFormation tags; timed template by template in turn with ``check``, so that the
  ratio of the two holds on a machine whose speed varies), and the command line end to end (``autofix check`` and
  ``autofix fix --diff`` with ``--jobs 1``, then ``check --jobs 2``), start-up included;
* on an evenly spaced sample (the slow baselines): a ruamel.yaml round-trip load and dump, and
  cfn-lint when it is installed, each beside ``check`` / ``fix`` on exactly the same sample;
* peak resident memory of one worker (``--jobs 1``) and of the largest of two workers;
* start-up: the median wall time of a whole ``autofix check`` process on one small template,
  beside ``python -c pass``;
* whole processes on the first ``--lint-files`` templates: ``autofix check FILES...`` (as a new user
  runs it: one worker a core) and ``autofix check --jobs 1 FILES...`` against ``cfn-lint FILES...``
  (which uses one core), start-up included for all;
* the result cache: a first ``autofix check`` on an empty cache against the second, over the
  ``--dask-directory`` files (the figures above run without the cache: they measure the engine);
* ``autofix check --dask-scheduler`` on a two-worker ``LocalCluster`` against ``--jobs 1``, in turn,
  over the same files (when ``autofix[dask]`` is installed);
* every ratio against its target.

The best of ``--repeat`` runs is kept for the fast measurements (other load on the machine only
ever slows a run down); the slow baselines run once.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import io
import json
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autofix.discover import discover  # noqa: E402
from autofix.document import BOM, decode, sniff_format  # noqa: E402
from autofix.pipeline import process_text  # noqa: E402
from autofix.report import unified_diff  # noqa: E402
from autofix.settings import Settings  # noqa: E402

TARGETS: dict[str, float | None] = {
    "start-up (ms)": 100.0,  # a whole `autofix check small.yaml` process, wall time
    "start-up CPU (ms)": 100.0,  # the same, CPU time (what other load on the machine cannot inflate)
    "check vs cfn-lint (processes)": 100.0,  # `autofix check FILES` at least 100x faster than `cfn-lint FILES`
    # the same with one worker: no target of its own, printed beside it (cfn-lint runs on one core)
    "check --jobs 1 vs cfn-lint (processes)": None,
    "check vs cfn-lint (library)": 100.0,  # check at least 100x cfn-lint's throughput
    "check / C parse": 2.0,  # check time at most 2x the bare C parse
    "ruamel round-trip / fix": 3.0,  # fix at least 3x faster than round-tripping every file
    "jobs 2 speed-up": 1.8,
    "peak RSS per worker (MB)": 150.0,
    "cache: first check / second": 10.0,  # a re-run over unchanged files at least 10x faster
    "dask (2 workers) vs --jobs 1": 1.5,  # a two-worker LocalCluster at least 1.5x one local worker
}


class _CfnLoader(yaml.CSafeLoader):
    """CSafeLoader that accepts CloudFormation short-form tags (the fastest complete YAML parse)."""


def _any_tag(loader: yaml.Loader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_CfnLoader.add_multi_constructor("!", _any_tag)


def c_parse(text: str) -> object:
    body = text[1:] if text.startswith(BOM) else text
    if sniff_format(body) == "json":
        return json.loads(body)
    return yaml.load(body, Loader=_CfnLoader)


def ruamel_round_trip(text: str) -> str:
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")  # a fresh one per file, as a fixer would: a failed load leaves state behind
    out = io.StringIO()
    rt.dump(rt.load(text), out)
    return out.getvalue()


def check(text: str, name: str) -> object:
    return process_text(text, name, SETTINGS)


def fix_diff(text: str, name: str) -> object:
    result = process_text(text, name, SETTINGS, fix=True)
    return unified_diff(name, text, result.fixed) if result.changed else ""


SETTINGS = Settings()


def timed(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def side_by_side(items: Sequence[tuple[str, str]], repeat: int) -> tuple[float, float]:
    """Seconds of the bare C parse and of ``check`` over ``items``, timed template by template in turn.

    On a shared machine the speed changes from one minute to the next; two separate passes can
    land in different weather and their ratio says little.  Interleaved, both see the same: the
    round with the smallest total (the least disturbed) is kept.
    """
    clock = time.perf_counter
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        parse = checking = 0.0
        for name, text in items:
            start = clock()
            with contextlib.suppress(Exception):
                c_parse(text)
            middle = clock()
            check(text, name)
            parse, checking = parse + middle - start, checking + clock() - middle
        if parse + checking < sum(best):
            best = (parse, checking)
    return best


def over(func: Callable[..., object], items: Sequence[tuple[str, str]], with_name: bool) -> Callable[[], None]:
    def go() -> None:
        for name, text in items:
            # a baseline that fails on a broken file just moves on, like autofix
            with contextlib.suppress(Exception):
                func(text, name) if with_name else func(text)
    return go


def two_copies(args: list[str]) -> float:
    """Wall time of two independent CLI runs side by side: what two cores give here and now."""
    command = [sys.executable, "-m", "autofix", *args, "--no-progress", "--no-cache"]
    start = time.perf_counter()
    procs = [subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(2)]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - start


def cli(args: list[str], cache: bool = False) -> float:
    """Wall time of one CLI run, start-up and directory walk included; without the result cache unless
    ``cache`` (the engine is what most figures measure)."""
    return process([sys.executable, "-m", "autofix", *args, "--no-progress", *([] if cache else ["--no-cache"])])


def process(command: list[str]) -> float:
    """Wall time of one whole process."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


SMALL = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
"""


def process_cpu(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one whole process; CPU time hardly depends on other
    load on the machine, wall time does."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped above
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def startup(runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (wall, CPU) seconds of ``autofix check`` on one small template, and of ``python -c pass``."""
    import statistics
    import tempfile

    def median(command: list[str]) -> tuple[float, float]:
        walls, cpus = zip(*(process_cpu(command) for _ in range(runs)), strict=True)
        return statistics.median(walls), statistics.median(cpus)

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.yaml"
        small.write_text(SMALL, encoding="utf-8")
        bare = median([sys.executable, "-c", "pass"])
        # as a user runs it, the result cache included (the first run writes it, the others read it)
        check_ = median([sys.executable, "-m", "autofix", "check", "--cache-dir", str(Path(tmp) / "cache"),
                         str(small)])
    return check_, bare


def cfn_lint_command() -> list[str] | None:
    exe = Path(sys.executable).with_name("cfn-lint")
    if exe.exists():
        return [str(exe)]
    try:
        import cfnlint  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "cfnlint"]


def dask_vs_local(directory: str, repeat: int) -> tuple[float, float] | None:
    """Wall time of ``check --dask-scheduler`` on a two-worker LocalCluster (one thread each, Dask's
    default configuration), and of ``check --jobs 1``, in turn, best of ``repeat`` each."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    remote = local = float("inf")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        cli(["check", "--dask-scheduler", cluster.scheduler_address, directory])  # workers warm up once
        for _ in range(repeat):  # interleaved, so that both see the same load on the machine
            remote = min(remote, cli(["check", "--dask-scheduler", cluster.scheduler_address, directory]))
            local = min(local, cli(["check", "--jobs", "1", directory]))
    return remote, local


def cache_runs(directory: str, repeat: int) -> tuple[float, float]:
    """Wall time of a first ``autofix check`` (empty cache) and of the second (every result cached), the
    default worker count, best of ``repeat`` pairs, each pair on a fresh cache directory."""
    import tempfile

    cold = warm = float("inf")
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            args = ["check", "--cache-dir", str(Path(tmp) / "cache"), directory]
            cold = min(cold, cli(args, cache=True))
            warm = min(warm, cli(args, cache=True))
    return cold, warm


_RSS_PROBE = """
import json, sys
from concurrent.futures import ProcessPoolExecutor
from autofix.runner import _job
from autofix.settings import Settings

def peak_mb():  # VmHWM, unlike ru_maxrss, is not inherited across exec from the benchmark itself
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024

def work(chunk):
    for path in chunk:
        _job((path, Settings(), True))
    import os
    return os.getpid(), peak_mb()

paths, jobs = json.load(sys.stdin)
chunks = [paths[i:i + 16] for i in range(0, len(paths), 16)]
if jobs == 1:
    print(max(work(c)[1] for c in chunks))
else:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        print(max(mb for _, mb in pool.map(work, chunks)))
"""


def worker_rss(paths: list[str], jobs: int) -> float | None:
    """Peak RSS (MB) of the largest worker when ``fix`` maps the files over ``jobs`` processes (Linux)."""
    if not Path("/proc/self/status").exists():
        return None
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE], input=json.dumps([paths, jobs]),
                         capture_output=True, text=True, cwd=ROOT, env=_env(), check=True)
    return float(out.stdout.strip())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def cfn_lint(paths: Sequence[str]) -> Callable[[], None] | None:
    try:
        from cfnlint.api import lint_file
    except ImportError:
        return None

    def go() -> None:
        for path in paths:
            with contextlib.suppress(Exception):
                lint_file(Path(path))
    return go


def read_all(paths: Sequence[str]) -> list[tuple[str, str]]:
    items = []
    for path in paths:
        try:
            items.append((path, decode(Path(path).read_bytes())))
        except Exception:
            continue
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--sample", type=int, default=60, help="files for the slow baselines (default 60)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each fast measurement (best kept)")
    parser.add_argument("--lint-files", type=int, default=200, help="templates for the whole-process "
                        "comparison with cfn-lint (default 200)")
    parser.add_argument("--startup-runs", type=int, default=11, help="runs of the start-up measurement (median)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster measurement")
    parser.add_argument("--dask-directory", default=None,
                        help="the files for the Dask measurement (default: DIR), e.g. all of ../shared/corpus")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    # an installed package has its bytecode compiled; a checkout run with PYTHONDONTWRITEBYTECODE would
    # compile every module at every start-up and measure that instead
    compileall.compile_dir(str(ROOT / "autofix"), quiet=1)
    paths = [t.path for t in discover([args.directory])]
    items = read_all(paths)
    results = [process_text(text, name, SETTINGS) for name, text in items]
    templates = [(n, t) for (n, t), r in zip(items, results, strict=True) if r.is_template and not r.errors]
    to_fix = sum(1 for n, t in templates if process_text(t, n, SETTINGS, fix=True).changed)
    mb = sum(len(t) for _, t in items) / 1e6
    print(f"{args.directory}: {len(paths)} files ({mb:.1f} MB), {len(templates)} templates that load, "
          f"{to_fix} with something to fix by default; {os.cpu_count()} cores")
    n = len(templates)

    print(f"\nAll {n} templates (best of {args.repeat}):")
    t_parse, t_check = side_by_side(templates, args.repeat)
    t_fix = timed(over(fix_diff, templates, True), args.repeat)
    rows = [("C parse (json + CSafeLoader)", t_parse), ("autofix check (library, beside it)", t_check),
            ("autofix fix --diff (library)", t_fix)]
    cli_check1 = min(cli(["check", "--jobs", "1", args.directory]) for _ in range(args.repeat))
    cli_fix1 = min(cli(["fix", "--diff", "--jobs", "1", args.directory]) for _ in range(args.repeat))
    cli_check2 = min(cli(["check", "--jobs", "2", args.directory]) for _ in range(args.repeat))
    rows += [("autofix check --jobs 1 (CLI, whole walk)", cli_check1),
             ("autofix fix --diff --jobs 1 (CLI)", cli_fix1),
             ("autofix check --jobs 2 (CLI)", cli_check2)]
    for label, seconds in rows:
        print(f"  {label:<44} {seconds:8.2f} s {n / seconds:10.0f} templates/s")
    capacity = 2 * cli_check1 / min(two_copies(["check", "--jobs", "1", args.directory])
                                    for _ in range(args.repeat))
    print(f"  two independent --jobs 1 runs side by side go {capacity:.2f}x as fast as one: the most "
          f"--jobs 2 can give on this machine now (load average {os.getloadavg()[0]:.1f})")

    step = max(1, n // args.sample)
    sample = templates[::step][: args.sample]
    print(f"\nSample of {len(sample)} templates (every {step}th; slow baselines run once):")
    s_check = timed(over(check, sample, True), args.repeat)
    s_fix = timed(over(fix_diff, sample, True), args.repeat)
    s_rt = timed(over(ruamel_round_trip, sample, False), 1)
    lint = cfn_lint([p for p, _ in sample])
    if lint is not None:
        cfn_lint([p for p, _ in sample[:1]])()  # load its schemas once, outside the timing
    s_lint = timed(lint, 1) if lint is not None else None
    for label, seconds in [("autofix check (library)", s_check), ("autofix fix --diff (library)", s_fix),
                           ("ruamel.yaml round-trip load + dump", s_rt), ("cfn-lint (library)", s_lint)]:
        if seconds is None:
            print(f"  {label:<44} not installed")
        else:
            print(f"  {label:<44} {seconds:8.2f} s {len(sample) / seconds:10.1f} templates/s")

    template_paths = [p for p, _ in templates]
    rss1 = worker_rss(template_paths, 1)
    rss2 = worker_rss(template_paths, 2)
    if rss1 is not None and rss2 is not None:
        print(f"\nPeak RSS: one worker {rss1:.0f} MB; largest of two workers {rss2:.0f} MB")

    (t_start, c_start), (t_bare, c_bare) = startup(args.startup_runs)
    print(f"\nStart-up, median of {args.startup_runs} whole processes (wall time; CPU time):")
    print(f"  {'python -c pass':<44} {t_bare * 1000:8.0f} ms {c_bare * 1000:8.0f} ms CPU")
    print(f"  {'autofix check small.yaml':<44} {t_start * 1000:8.0f} ms {c_start * 1000:8.0f} ms CPU   "
          f"(autofix's own: {(t_start - t_bare) * 1000:.0f} ms; {(c_start - c_bare) * 1000:.0f} ms CPU)")

    lint_command = cfn_lint_command()
    p_ratio = None
    files = template_paths[: args.lint_files]
    p_ratio1 = None
    if lint_command is not None and files:
        p_check = min(cli(["check", *files]) for _ in range(args.repeat))
        p_check1 = min(cli(["check", "--jobs", "1", *files]) for _ in range(args.repeat))
        p_lint = process([*lint_command, *files])
        p_ratio, p_ratio1 = p_lint / p_check, p_lint / p_check1
        print(f"\nWhole processes on {len(files)} templates (start-up included):")
        print(f"  {'autofix check FILES (default: one worker a core)':<44} {p_check:8.2f} s "
              f"{len(files) / p_check:10.1f} templates/s   ({p_ratio:.0f}x cfn-lint)")
        print(f"  {'autofix check --jobs 1 FILES':<44} {p_check1:8.2f} s {len(files) / p_check1:10.1f} templates/s"
              f"   ({p_ratio1:.0f}x cfn-lint)")
        print(f"  {'cfn-lint FILES':<44} {p_lint:8.2f} s {len(files) / p_lint:10.1f} templates/s")

    dask_dir = args.dask_directory or args.directory
    dask_paths = [t.path for t in discover([dask_dir])]
    cold, warm = cache_runs(dask_dir, args.repeat)
    print(f"\nResult cache, autofix check (default workers) on all {len(dask_paths)} files of {dask_dir}:")
    print(f"  {'first run (empty cache)':<44} {cold:8.2f} s {len(dask_paths) / cold:10.0f} files/s")
    print(f"  {'second run (every result cached)':<44} {warm:8.2f} s {len(dask_paths) / warm:10.0f} files/s"
          f"   ({cold / warm:.1f}x)")
    dask_times = None if args.no_dask else dask_vs_local(dask_dir, args.repeat)
    if dask_times is not None:
        remote, local = dask_times
        print(f"\nDask LocalCluster, 2 worker processes x 1 thread, against --jobs 1 (CLI, all {len(dask_paths)} "
              "files):")
        print(f"  {'autofix check --jobs 1':<44} {local:8.2f} s {len(dask_paths) / local:10.0f} files/s")
        print(f"  {'autofix check --dask-scheduler (2 workers)':<44} {remote:8.2f} s "
              f"{len(dask_paths) / remote:10.0f} files/s   ({local / remote:.2f}x)")

    measured = {
        "start-up (ms)": t_start * 1000,
        "start-up CPU (ms)": c_start * 1000,
        "check vs cfn-lint (processes)": p_ratio,
        "check --jobs 1 vs cfn-lint (processes)": p_ratio1,
        "check vs cfn-lint (library)": (s_lint / s_check) if s_lint else None,
        "check / C parse": t_check / t_parse,
        "ruamel round-trip / fix": s_rt / s_fix,
        "jobs 2 speed-up": cli_check1 / cli_check2,
        "peak RSS per worker (MB)": max(rss1, rss2) if rss1 and rss2 else None,
        "cache: first check / second": cold / warm,
        "dask (2 workers) vs --jobs 1": (dask_times[1] / dask_times[0]) if dask_times else None,
    }
    print("\nAgainst the targets:")
    ok = True
    for key, target in TARGETS.items():
        value = measured[key]
        if target is None:
            if value is not None:
                print(f"  {key:<40} {value:8.2f}   (no target: shown beside the one above)")
            continue
        if value is None:
            print(f"  {key:<40} n/a (cfn-lint or Dask not installed, or no /proc)")
            continue
        lower_is_better = key in ("check / C parse", "peak RSS per worker (MB)", "start-up (ms)",
                                   "start-up CPU (ms)")
        met = value <= target if lower_is_better else value >= target
        ok &= met
        bound = "<=" if lower_is_better else ">="
        print(f"  {key:<40} {value:8.2f}   target {bound} {target:g}   {'met' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
