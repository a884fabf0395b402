"""Facts about resource types the HD rules share."""

from __future__ import annotations

from typing import Any

from autofix.template import resource_type

#: Types whose DeletionPolicy/UpdateReplacePolicy may be Snapshot (AWS::RDS::DBInstance only outside
#: an Aurora cluster).
SNAPSHOT_TYPES = frozenset({
    "AWS::DocDB::DBCluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
})

#: Types that hold data a stack deletion would destroy.
STATEFUL_TYPES = frozenset({
    *SNAPSHOT_TYPES,
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::S3::Bucket",
    "AWS::EFS::FileSystem",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::FSx::FileSystem",
    "AWS::QLDB::Ledger",
    "AWS::Timestream::Database",
    "AWS::Timestream::Table",
    "AWS::Cognito::UserPool",
})


def in_aurora_cluster(resource: dict[str, Any]) -> bool:
    """An RDS DBInstance that belongs to a DB cluster (the cluster holds the data) or is a read replica."""
    props = resource.get("Properties")
    return resource_type(resource) == "AWS::RDS::DBInstance" and isinstance(props, dict) and (
        "DBClusterIdentifier" in props or "SourceDBInstanceIdentifier" in props
        or str(props.get("Engine", "")).startswith("aurora"))


def snapshot_allowed(resource: dict[str, Any]) -> bool:
    kind = resource_type(resource)
    if kind not in SNAPSHOT_TYPES or in_aurora_cluster(resource):
        return False
    if kind == "AWS::ElastiCache::CacheCluster":
        props = resource.get("Properties")
        return isinstance(props, dict) and props.get("Engine") in ("redis", "valkey")
    return True
