"""The server's engine side without a server: suppressions written into Metadata, fixes proven."""

from __future__ import annotations

import pytest

pytest.importorskip("lsprotocol")

from autofix.config import build_settings
from autofix.rules.base import Finding
from autofix.server.analysis import Analysis, suppression_operations
from autofix.server.textedits import apply_edits


def finding(resource: str | None) -> Finding:
    pointer = f"/Resources/{resource}" if resource else "/Parameters/P"
    return Finding("HD002", pointer, "message", resource=resource)


@pytest.mark.parametrize(("metadata", "operations"), [
    (None, [{"op": "add", "path": "/Resources/B/Metadata", "value": {"autofix": {"ignore": ["HD002"]}}}]),
    ({"Owner": "x"}, [{"op": "add", "path": "/Resources/B/Metadata/autofix", "value": {"ignore": ["HD002"]}}]),
    ({"autofix": {"ignore": ["DR"]}}, [{"op": "add", "path": "/Resources/B/Metadata/autofix/ignore/-",
                                        "value": "HD002"}]),
    ({"autofix": {"ignore": "DR"}}, [{"op": "replace", "path": "/Resources/B/Metadata/autofix/ignore",
                                      "value": ["DR", "HD002"]}]),
    ("not a mapping", None),
    ({"autofix": ["odd"]}, None),
])
def test_suppression_operations(metadata: object, operations: list | None) -> None:
    bucket: dict = {"Type": "AWS::S3::Bucket"}
    if metadata is not None:
        bucket["Metadata"] = metadata
    assert suppression_operations({"Resources": {"B": bucket}}, finding("B")) == operations


def test_suppression_outside_resources_goes_on_the_template() -> None:
    data = {"Metadata": {"AWS::CloudFormation::Interface": {}}, "Resources": {}}
    assert suppression_operations(data, finding(None)) == [
        {"op": "add", "path": "/Metadata/autofix", "value": {"ignore": ["HD002"]}}]


def test_quick_fix_and_suppression_are_proven_edits(tmp_path) -> None:
    text = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n"
    analysis = Analysis(text, str(tmp_path / "t.yaml"), build_settings([str(tmp_path / "t.yaml")],
                                                                       extend_select=["HD002"]))
    checked = analysis.check()
    assert [f.rule_id for f in checked.findings] == ["HD002"]
    fixed = apply_edits(text, analysis.quick_fix(0))
    assert "DeletionPolicy" in fixed and Analysis(fixed, "t.yaml", analysis.settings).check().findings == []
    suppressed = apply_edits(text, analysis.suppression(0))
    assert suppressed == text + "    Metadata:\n      autofix:\n        ignore:\n          - HD002\n"
    # a template that does not parse has no findings, one input error, and no edits
    broken = Analysis("Resources: [\n  AWS::S3::Bucket", "t.yaml", analysis.settings)
    result = broken.check()
    assert result.findings == [] and result.input_error is not None and broken.fix_all() is None
