"""SC007 mutually-exclusive-properties: the schema's exclusive sets, and when a side can go."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.sc.sc007_mutually_exclusive_properties import MutuallyExclusiveProperties, empty

RULE = MutuallyExclusiveProperties()


def origin(**config: object) -> dict:
    return template({"D": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "Enabled": True, "Origins": [{"Id": "o", "DomainName": "example.com", **config}]}}}})


def test_empty_means_configures_nothing() -> None:
    assert empty({"OriginAccessIdentity": ""}) and empty({"Ref": "AWS::NoValue"}) and empty([{}, ""])
    assert not empty({"OriginAccessIdentity": "origin-access-identity/cloudfront/E1"}) and not empty(0)


def test_the_empty_side_is_removed_safely() -> None:
    data = origin(S3OriginConfig={"OriginAccessIdentity": ""},
                  CustomOriginConfig={"OriginProtocolPolicy": "https-only"})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    fixed = applied(data, [found])["Resources"]["D"]["Properties"]["DistributionConfig"]["Origins"][0]
    assert "S3OriginConfig" not in fixed and "CustomOriginConfig" in fixed


def test_two_configured_sides_are_reported_only() -> None:
    data = origin(S3OriginConfig={"OriginAccessIdentity": "x"},
                  CustomOriginConfig={"OriginProtocolPolicy": "http-only"})
    (found,) = findings(RULE, data)
    assert found.fix is None and "S3OriginConfig and CustomOriginConfig" in found.message


def test_left_out_sides_do_not_count() -> None:
    assert findings(RULE, origin(S3OriginConfig={"Ref": "AWS::NoValue"}, CustomOriginConfig={})) == []
    alarm = template({"A": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "Metrics": [{"Id": "m", "Expression": "1"}], "Dimensions": [], "EvaluationPeriods": 1,
        "ComparisonOperator": "GreaterThanThreshold"}}})
    assert findings(RULE, alarm) == []
