"""The fast entry point parses check and fix exactly as the typer commands do, or leaves them to typer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from cli_fixtures import GLOBAL_BURSTABLE
from hypothesis import given, settings
from hypothesis import strategies as st

from autofix.cli import app
from autofix.fastcli import parse
from autofix.options import COMMANDS


def _typer_options(command: str) -> list[tuple]:
    click_command = typer.main.get_command(app).commands[command]
    return [(tuple(param.opts) + tuple(param.secondary_opts), param.name, param.envvar, param.metavar, param.help)
            for param in click_command.params if param.param_type_name == "option"]


@pytest.mark.parametrize("command", ["check", "fix"])
def test_the_typer_command_has_the_options_of_the_table(command: str) -> None:
    """Flags, names, environment variables, metavars and help, in the table's order."""
    declared = [(o.flags, o.dest, o.env, o.metavar, o.help) for o in COMMANDS[command].options]
    assert _typer_options(command) == declared
    click_command = typer.main.get_command(app).commands[command]
    assert click_command.help == COMMANDS[command].help


@pytest.mark.parametrize("command", ["check", "fix"])
def test_the_fast_parser_fills_every_parameter_of_the_command(command: str) -> None:
    import inspect

    from autofix import commands

    parsed = parse([command, "x.yaml"])
    assert parsed is not None
    assert set(parsed[1]) == set(inspect.signature(getattr(commands, command)).parameters)


def _assert_click_reads(argv: list[str], fast: dict) -> None:
    """click's reading of ``argv`` (the typer command's) gives every option the value ``fast`` holds."""
    ctx = typer.main.get_command(app).commands[argv[0]].make_context(argv[0], list(argv[1:]))
    for key, value in ctx.params.items():
        got = fast[key]
        if key == "paths":
            assert got == list(value)
        elif key == "output_format":
            assert got.value == value.value
        elif key == "output_file":
            assert (str(got) if got else None) == (str(value) if value else None)
        elif key in ("max_bytes", "dask_scheduler") and got is not None and value is None:
            continue  # from the environment, which both read
        else:
            assert got == (list(value) or None if isinstance(value, tuple | list) else value), (argv, key)


@pytest.mark.parametrize("argv", [
    ["check", "a.yaml", "--select", "DR001", "--select=DR002,DR003", "-j2", "b.yaml", "--format", "json"],
    ["fix", "--diff", "--no-unsafe-fixes", "a.yaml", "-o", "out.txt", "--exclude", "x/*"],
    ["fix", "--unsafe-fixes", "--patch", "-", "--stdin-filename", "t.yaml"],
])
def test_the_fast_parser_agrees_with_click(argv: list[str]) -> None:
    fast = parse(argv)
    assert fast is not None
    _assert_click_reads(argv, fast[1])


@pytest.mark.parametrize("argv", [
    [], ["--version"], ["rules"], ["explain", "DR001"], ["check"], ["check", "--help"], ["check", "-h", "x"],
    ["check", "x", "--jobs", "0"], ["check", "x", "--format", "xml"], ["check", "x", "--bogus"],
    ["check", "x", "--sel", "DR001"], ["fix", "x", "--jobs", "two"], ["check", "-x"], ["check", "x", "--format="],
    ["check", "x", "-o", "."], ["fix", "x", "--output-file", ""],
])
def test_everything_else_is_left_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_a_whole_run_through_the_entry_point(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    code = "import sys; from autofix.fastcli import main; sys.argv[0] = 'autofix'; main()"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)

    check = run("check", str(path))
    assert check.returncode == 1
    assert check.stdout == f"{path}:16:7: DR007 [*] " + check.stdout.split(" [*] ", 1)[1]
    assert "typer" not in run("check", str(path), "--format", "json").stderr
    usage = run("check", str(path), "--jobs", "0")
    assert usage.returncode == 2 and "Invalid value" in usage.stderr
    fixed = run("fix", str(path))
    assert fixed.returncode == 0 and "Fixed 1 finding in 1 file" in fixed.stderr
    assert "db.r5.large" in path.read_text(encoding="utf-8")


def test_check_does_not_import_typer_click_or_rich(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    code = ("import sys\nbefore = set(sys.modules)\nfrom autofix.fastcli import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in set(sys.modules) - before if m.split('.')[0] in "
            "{'typer', 'click', 'rich', 'pydantic', 'jsonpatch', 'cfn_flip', 'ruamel', 'distributed', 'dask',"
            " 'argparse', 'dataclasses', 'inspect', 'pathlib'})\n"
            "print(heavy, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert proc.stderr.strip().splitlines()[-1] == "[]"


_WORDS = st.sampled_from(["", "a.yaml", "b.json", "-", "--", "DR001", "x/*", "3", "0", "two", "json", "xml", "=",
                          "-x", "--bogus", "--sel", "--select=", "-j2", "-j", "-o", "-oout.txt", "--jobs=2",
                          "--format=sarif", "--diff=yes", "--", "us-east-1"])


def _flag_words(command: str) -> list[str]:
    return [flag for option in COMMANDS[command].options for flag in option.flags]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["check", "fix"]), st.data())
def test_whatever_the_fast_parser_accepts_click_reads_the_same(command: str, data) -> None:
    flags = st.sampled_from(_flag_words(command))
    pieces = st.one_of(_WORDS.map(lambda w: [w]), flags.map(lambda f: [f]),
                       st.tuples(flags, _WORDS).map(list), st.tuples(flags, _WORDS).map("=".join).map(lambda w: [w]))
    # well-formed command lines (options with plausible values) and anything at all, half and half
    values = st.sampled_from(["a.yaml", "DR001", "HD", "x/*", "2", "json", "us-east-1", "out.txt", "-"])
    good = st.one_of(values.map(lambda w: [w]), flags.map(lambda f: [f]), st.tuples(flags, values).map(list),
                     st.tuples(flags, values).map("=".join).map(lambda w: [w]))
    chosen = data.draw(st.one_of(st.lists(good, max_size=8), st.lists(pieces, max_size=8)))
    argv = [command, *(w for piece in chosen for w in piece)]
    fast = parse(argv)
    if fast is None:
        return  # typer decides (and words any error)
    _assert_click_reads(argv, fast[1])
