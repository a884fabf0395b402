"""Shared test set-up: hypothesis profiles, the ``hunt`` marker, and import path for test helpers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, is_hypothesis_test, settings
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
# The suite runs without the result cache: it would fill the checkout (and each project a test makes)
# with .autofix_cache directories, and tests that replace parts of the engine must see them run.
# tests/test_cache.py turns it on for its own runs.
os.environ["AUTOFIX_NO_CACHE"] = "1"

from cli_fixtures import GLOBAL_BURSTABLE

settings.register_profile("dev", max_examples=60, deadline=None)
# CI replays the same 400 examples every run (derandomize, and no example database, whose replays would
# shift what gets generated): a red build always means a change broke something, never that the dice
# found an old bug; new bugs are hunted with the "hunt" profile.
settings.register_profile(
    "ci", max_examples=400, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# one failure at a time, shrunk quickly: for chasing a bug the properties found
settings.register_profile("debug", max_examples=300, deadline=None, report_multiple_bugs=False,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("hunt", parent=settings.get_profile("debug"), max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hypothesis property is in the ``hunt`` group (hundreds of examples each), wherever it is written."""
    for item in items:
        if is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.hunt)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A template file with one DR007 finding (see ``cli_fixtures.GLOBAL_BURSTABLE``)."""
    path = tmp_path / "stack.yaml"
    path.write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    return path
