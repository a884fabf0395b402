"""DP017 guardduty-data-sources: data sources stated as features, and when that cannot be done."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp017_guardduty_data_sources import GuarddutyDataSources, feature_of
from autofix.schema import resource_schema

RULE = GuarddutyDataSources()


def detector(sources: object, features: list) -> dict:
    return template({"D": {"Type": "AWS::GuardDuty::Detector",
                           "Properties": {"Enable": True, "DataSources": sources, "Features": features}}})


def test_every_feature_of_the_table_is_one_the_schema_names() -> None:
    schema = resource_schema("AWS::GuardDuty::Detector")
    names = schema.child(schema.items(schema.child(schema.root, "Features")), "Name")["enum"]
    assert {feature for _, feature in feature_of()} <= set(names)


def test_missing_features_are_added_and_data_sources_removed() -> None:
    data = detector({"S3Logs": {"Enable": True}, "Kubernetes": {"AuditLogs": {"Enable": False}}},
                    [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    props = applied(data, [found])["Resources"]["D"]["Properties"]
    assert "DataSources" not in props
    assert props["Features"] == [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                                 {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}]


def test_conflicts_unknown_sources_and_parameters_are_reported_only() -> None:
    for sources in ({"S3Logs": {"Enable": False}}, {"Other": {"Enable": True}}, {"S3Logs": {"Enable": {"Ref": "P"}}}):
        (found,) = findings(RULE, detector(sources, [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]))
        assert found.fix is None
