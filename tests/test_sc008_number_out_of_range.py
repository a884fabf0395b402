"""SC008 number-out-of-range: the schemas' bounds, numbers and numeric strings, what is left alone."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.sc.sc008_number_out_of_range import NumberOutOfRange, number

RULE = NumberOutOfRange()


def queue(**props: object) -> dict:
    return template({"Q": {"Type": "AWS::SQS::Queue", "Properties": props}})


def test_number_reads_literals_and_numeric_strings() -> None:
    assert number(3) == 3 and number("2.5") == 2.5 and number(True) is None and number({"Ref": "X"}) is None


def test_out_of_range_values_move_to_the_bound_keeping_their_type() -> None:
    data = queue(DelaySeconds=1000, VisibilityTimeout="-1")
    found = findings(RULE, data)
    assert {f.fix.applicability.value for f in found} == {"unsafe"}
    fixed = applied(data, found)["Resources"]["Q"]["Properties"]
    assert fixed == {"DelaySeconds": 900, "VisibilityTimeout": "0"}
    assert all(len(f.message) <= 160 for f in found)


def test_values_in_range_or_not_literal_are_quiet() -> None:
    assert findings(RULE, queue(DelaySeconds=900, VisibilityTimeout={"Ref": "T"}, QueueName="123")) == []
