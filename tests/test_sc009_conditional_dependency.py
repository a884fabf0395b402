"""SC009 conditional-dependency: the dependent property takes the condition of the one it needs."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.sc.sc009_conditional_dependency import ConditionalDependency

RULE = ConditionalDependency()
NO = {"Ref": "AWS::NoValue"}
EGRESS = [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]


def group(vpc: object, egress: object = EGRESS) -> dict:
    return template({"G": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "g", "VpcId": vpc, "SecurityGroupEgress": egress}}})


def test_the_dependent_property_is_left_out_on_the_same_side() -> None:
    data = group({"Fn::If": ["Default", NO, "vpc-1"]})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe"
    assert applied(data, [found])["Resources"]["G"]["Properties"]["SecurityGroupEgress"] == {
        "Fn::If": ["Default", NO, EGRESS]}
    data = group({"Fn::If": ["Custom", "vpc-1", NO]})
    (found,) = findings(RULE, data)
    assert found.fix.operations[0]["value"] == {"Fn::If": ["Custom", EGRESS, NO]}


def test_present_or_already_conditional_is_quiet() -> None:
    assert findings(RULE, group("vpc-1")) == []
    assert findings(RULE, group({"Fn::If": ["C", NO, "vpc-1"]}, {"Fn::If": ["C", NO, EGRESS]})) == []
