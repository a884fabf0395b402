"""HD001 update-replace-policy-missing."""

from __future__ import annotations

import pytest
from rule_harness import findings

from autofix.rules.hd.hd001_update_replace_policy_missing import UpdateReplacePolicyMissing
from autofix.settings import Settings

S = Settings()


def one(rule, resource, settings=S):
    found = findings(rule, {"Resources": {"R": resource}}, settings)
    return found[0] if found else None


@pytest.mark.parametrize(("kind", "attrs", "added"), [
    ("AWS::S3::Bucket", {"DeletionPolicy": "Retain"}, ("UpdateReplacePolicy", "Retain")),
    ("AWS::S3::Bucket", {"DeletionPolicy": "RetainExceptOnCreate"}, ("UpdateReplacePolicy", "Retain")),
    ("AWS::RDS::DBCluster", {"UpdateReplacePolicy": "Snapshot"}, ("DeletionPolicy", "Snapshot")),
])
def test_copies_the_policy(kind, attrs, added):
    f = one(UpdateReplacePolicyMissing(), {"Type": kind, **attrs})
    assert f.fix.operations == ({"op": "add", "path": f"/Resources/R/{added[0]}", "value": added[1]},)
    assert f.fix.applicability.value == "safe"


def test_delete_exempt_types_and_bad_snapshot():
    rule = UpdateReplacePolicyMissing()
    assert one(rule, {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete"}) is None
    assert one(rule, {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain"}) is None
    f = one(rule, {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Snapshot"})
    assert f is not None and f.fix is None


def test_if_policy_is_copied():
    value = {"Fn::If": ["Prod", "Retain", "Delete"]}
    f = one(UpdateReplacePolicyMissing(), {"Type": "AWS::S3::Bucket", "DeletionPolicy": value})
    assert f.fix.operations[0]["value"] == value
