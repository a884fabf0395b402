"""A real editor: Debian's Neovim (0.7 and later) and its built-in LSP client, headless, against
``autofix server``: diagnostics, a stale edit refused, a quick fix, the fix-all.

Skipped where Neovim is not installed, except in CI, which installs it (see ``.ci/run``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsp_session import ROOT
from samples import cli_subprocess
from test_server import BROKEN, CLEAN

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None and os.environ.get("CI") != "true",
                                reason="Neovim is not installed (CI installs it)")


def test_neovim_round_trip(tmp_path: Path) -> None:
    assert NVIM is not None, "CI must install Neovim (.ci/run)"
    template = tmp_path / "stack.yaml"
    template.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "result.json"
    env = {**os.environ, "AUTOFIX_NVIM_FILE": str(template), "AUTOFIX_NVIM_OUT": str(out),
           "AUTOFIX_NVIM_CMD": json.dumps([sys.executable, "-m", "autofix", "server"]),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([NVIM, "--headless", "--clean", "-n", "-i", "NONE", "-c",
                    f"luafile {ROOT / 'tests' / 'nvim_round_trip.lua'}"],
                   cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=600, check=False)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["ok"], result["error"]
    assert result["before"] == ["HY001", "SC002"]
    edited = "# and again\n# edited in Neovim\n"
    assert result["after_stale"] == edited + BROKEN  # the stale edit was refused
    assert result["quick_fix_title"] == "SC002: Change SSEAlgorithm to 'AES256'"
    assert result["after_quick_fix"] == ["HY001"]
    assert result["fix_all_title"] == "autofix: fix all safe problems"
    assert result["text"] == edited + CLEAN
    saved = tmp_path / "saved.yaml"
    saved.write_text(result["text"], encoding="utf-8")
    assert cli_subprocess("check", str(saved)).code == 0
