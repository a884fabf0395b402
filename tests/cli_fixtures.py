"""Templates and helpers shared by the command-line tests."""

from __future__ import annotations

import os
from pathlib import Path

#: An Aurora global cluster member on a burstable class: one DR007 finding with a safe fix, at line 16.
GLOBAL_BURSTABLE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Global:
    Type: AWS::RDS::GlobalCluster
    Properties:
      Engine: aurora-postgresql
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-postgresql, GlobalClusterIdentifier: !Ref Global}
    DeletionPolicy: Snapshot
    UpdateReplacePolicy: Snapshot
  Instance:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Cluster
      DBInstanceClass: db.t3.medium  # too small
"""


def sarif_schema_path() -> Path | None:
    """The official SARIF 2.1.0 schema: $AUTOFIX_SARIF_SCHEMA, or ../shared/schemas beside the checkout."""
    env = os.environ.get("AUTOFIX_SARIF_SCHEMA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-2.1.0.json")
    return next((p for p in candidates if p.is_file()), None)

