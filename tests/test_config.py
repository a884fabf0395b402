"""Configuration files: discovery, precedence under command-line options, and strict keys."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

from autofix.cli import app
from autofix.config import build_settings, find_config
from autofix.errors import ConfigError
from autofix.registry import families
from autofix.settings import Settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "infra" / "db").mkdir(parents=True)
    (tmp_path / "infra" / "db" / "stack.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    return tmp_path


def test_pyproject_section_is_found_upward_and_applies(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.autofix]\nselect = ["DR004"]\nunsafe-fixes = true\n'
        'primary-region = "eu-west-1"\nexclude = ["legacy/*"]\n'
        "max-bytes = 1000000\n\n[tool.autofix.dr]\nenabled = true\ninstance-class = \"db.r6i.large\"\n",
        encoding="utf-8")
    settings = build_settings([str(project / "infra" / "db" / "stack.yaml")])
    assert settings.select == ("DR004",)
    assert settings.unsafe_fixes is True and settings.dr == "true"
    assert settings.primary_region == "eu-west-1"
    assert settings.family_option("DR", "instance-class") == "db.r6i.large"
    assert settings.family_option("DR", "graviton-instance-class") == "db.r6g.large"  # the family's default
    assert settings.exclude == ("legacy/*",) and settings.max_bytes == 1000000


def test_command_line_overrides_configuration(project: Path) -> None:
    (project / ".autofix.toml").write_text('select = ["DR004"]\nunsafe-fixes = true\ndr = "false"\n',
                                           encoding="utf-8")
    path = str(project / "infra")
    settings = build_settings([path], select=["DR007"], unsafe_fixes=False, dr="auto")
    assert settings.select == ("DR007",) and settings.unsafe_fixes is False and settings.dr == "auto"
    untouched = build_settings([path], ignore=["DR001"])
    assert untouched.select == ("DR004",) and untouched.ignore == ("DR001",) and untouched.dr == "false"


def test_nearest_file_wins_and_dot_file_before_pyproject(project: Path) -> None:
    (project / ".autofix.toml").write_text('select = ["DR001"]\n', encoding="utf-8")
    (project / "infra" / "pyproject.toml").write_text('[tool.autofix]\nselect = ["DR002"]\n', encoding="utf-8")
    (project / "infra" / "db" / "pyproject.toml").write_text('[project]\nname = "no-section"\n', encoding="utf-8")
    found = find_config(project / "infra" / "db")
    assert found is not None and found.path == project / "infra" / "pyproject.toml"
    (project / "infra" / ".autofix.toml").write_text('select = ["DR003"]\n', encoding="utf-8")
    assert build_settings([str(project / "infra" / "db")]).select == ("DR003",)


def test_configuration_changes_what_the_cli_does(runner: CliRunner, project: Path) -> None:
    stack = project / "infra" / "db" / "stack.yaml"
    (project / "pyproject.toml").write_text('[tool.autofix.dr]\ninstance-class = "db.r6i.large"\n', encoding="utf-8")
    result = runner.invoke(app, ["fix", "--diff", str(stack), "--select", "DR007"])
    assert result.exit_code == 1
    assert "+      DBInstanceClass: db.r6i.large  # too small" in result.stdout
    (project / "pyproject.toml").write_text('[tool.autofix]\nignore = ["DR007"]\n', encoding="utf-8")
    assert runner.invoke(app, ["check", str(stack)]).exit_code == 0
    assert runner.invoke(app, ["check", str(stack), "--ignore", "DR001"]).exit_code == 1


def test_stdin_searches_from_the_working_directory(runner: CliRunner, project: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".autofix.toml").write_text('ignore = ["DR007"]\n', encoding="utf-8")
    monkeypatch.chdir(project / "infra")
    assert runner.invoke(app, ["check", "-"], input=GLOBAL_BURSTABLE).exit_code == 0


def test_unknown_key_is_an_error_naming_file_line_and_key(runner: CliRunner, project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text('[tool.autofix]\nselect = ["DR007"]\nunsafe_fixes = true\n', encoding="utf-8")
    result = runner.invoke(app, ["check", str(project / "infra")])
    assert result.exit_code == 2
    assert f"{config}:3: unknown configuration key 'unsafe_fixes'" in result.stderr
    assert "did you mean 'unsafe-fixes'?" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("line", "message"), [
    ('select = "DR007"', "select must be a list of strings"),
    ('unsafe-fixes = "yes"', "unsafe-fixes must be true or false"),
    ('dr = "maybe"', 'dr must be "auto", true or false'),
    ('primary-region = "Europe"', "primary-region must be an AWS region name"),
    ('[dr]\ninstance-class = "r5.large"', "instance-class must be an RDS instance class"),
    ("max-bytes = -1", "max-bytes must be a positive integer"),
    ('select = ["DR999"]', "unknown rule 'DR999'"),
    ("select = [", "invalid TOML"),
])
def test_bad_values_are_errors_naming_the_file(project: Path, line: str, message: str) -> None:
    config = project / ".autofix.toml"
    config.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        build_settings([str(project / "infra")])
    assert str(config) in caught.value.message and message in caught.value.message


def test_family_table_keys_are_checked(project: Path) -> None:
    (project / ".autofix.toml").write_text('[dr]\ninstance-clas = "db.r6i.large"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.autofix\.toml:2: unknown configuration key 'instance-clas' in \[dr\]; "
                                          r"did you mean 'instance-class'\?"):
        build_settings([str(project / "infra")])
    (project / ".autofix.toml").write_text('[dr]\ninstance-class = "large"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="instance-class must be an RDS instance class"):
        build_settings([str(project / "infra")])


def test_moved_keys_name_their_family_table(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.autofix]\ninstance-class = "db.r6i.large"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject\.toml:2: configuration key 'instance-class' moved to the "
                                          r"\[tool\.autofix\.dr\] table"):
        build_settings([str(project / "infra")])


def test_settings_hold_every_family_table_with_its_defaults(project: Path) -> None:
    """Rules read options from the settings alone: configuration fills in what the file leaves out."""
    (project / ".autofix.toml").write_text('[dr]\nenabled = false\nlayout = "same-stack"\n', encoding="utf-8")
    settings = build_settings([str(project)])
    assert settings.dr == "false"  # `enabled` is the `dr` field, not a key of the table
    assert set(settings.family_settings) == {f.table for f in families()}
    for family in families():
        expected = {key: s.default if s.at_start is None else s.at_start()  # a date: the run's day
                    for key, s in family.settings.items() if (family.table, key) != ("dr", "enabled")}
        if family.table == "dr":
            expected["layout"] = "same-stack"
        assert settings.family_settings[family.table] == expected


def test_settings_are_hashable_immutable_and_picklable() -> None:
    settings = build_settings(["."], select=["DR007"], config=False)
    same = Settings(select=["DR007"], family_settings={t: dict(v) for t, v in settings.family_settings.items()})
    assert same == settings and hash(same) == hash(settings)  # lists and dicts are stored frozen
    assert {settings: "cached"}[same] == "cached"
    assert hash(settings.with_(unsafe_fixes=True)) != hash(settings)
    with pytest.raises(TypeError):
        settings.family_settings["dr"]["layout"] = "same-stack"  # type: ignore[index]
    copy = pickle.loads(pickle.dumps(settings))
    assert copy == settings and type(copy) is Settings and hash(copy) == hash(settings)
    assert copy.family_settings["dr"] == {**settings.family_settings["dr"]}


PYTHON39 = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.9\n"


def test_the_date_runs_are_judged_by_is_fixed_once_per_run(tmp_path: Path) -> None:
    from datetime import date

    before = date.today().isoformat()
    settings = build_settings([str(tmp_path)], config=False)
    assert settings.family_option("DP", "as-of") in {before, date.today().isoformat()}
    assert pickle.loads(pickle.dumps(settings)) == settings  # workers and Dask receive the same day


def test_as_of_from_configuration_decides_what_dp001_reports(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "fn.yaml").write_text(PYTHON39, encoding="utf-8")
    reported = {}
    for day in ("2020-01-01", "2030-01-01"):
        (tmp_path / ".autofix.toml").write_text(f'[dp]\nas-of = "{day}"\n', encoding="utf-8")
        result = runner.invoke(app, ["check", "--select", "DP001", "--no-progress", "--jobs", "2",
                                     str(tmp_path / "fn.yaml")])
        reported[day] = "DP001" in result.stdout
    assert reported == {"2020-01-01": False, "2030-01-01": True}


def test_show_fixes_in_configuration_shows_detail_and_fix(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "stack.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    plain = runner.invoke(app, ["check", "--no-progress", str(tmp_path / "stack.yaml")]).stdout.splitlines()
    (tmp_path / ".autofix.toml").write_text("show-fixes = true\n", encoding="utf-8")
    shown = runner.invoke(app, ["check", "--no-progress", str(tmp_path / "stack.yaml")]).stdout.splitlines()
    assert len(plain) == 1 and shown[0] == plain[0]
    assert shown[-1].startswith("    fix (safe): ")
