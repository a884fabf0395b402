"""Small templates and a command-line runner shared by the reliability tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from autofix.cli import app

ROOT = Path(__file__).resolve().parent.parent

#: A template DR007 fixes (a burstable class in an Aurora global cluster): one safe fix.
FIXABLE_YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
# the comment must survive
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
FIXED_YAML = FIXABLE_YAML.replace("db.t3.medium", "db.r5.large")

FIXABLE_JSON = """\
{
  "Resources": {
    "Cluster": {"Type": "AWS::RDS::DBCluster", "Properties": {"GlobalClusterIdentifier": "g"},
                "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot"},
    "Instance": {
      "Type": "AWS::RDS::DBInstance",
      "Properties": {"DBClusterIdentifier": {"Ref": "Cluster"}, "DBInstanceClass": "db.t3.medium"}
    }
  }
}
"""
FIXED_JSON = FIXABLE_JSON.replace("db.t3.medium", "db.r5.large")

#: A template no rule has anything to say about.
CLEAN_YAML = """\
Resources:
  Topic:
    Type: AWS::SNS::Topic
"""


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if ": error: " in line]


def cli(*args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> Outcome:
    """Run the command line in this process (single files and ``-j 1`` runs stay in-process)."""
    result = CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def cli_subprocess(*args: str, cwd: Path | None = None, timeout: float = 120, **kw) -> Outcome:
    """Run ``python -m autofix`` as the user would, in a separate process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-m", "autofix", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, **kw)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)
