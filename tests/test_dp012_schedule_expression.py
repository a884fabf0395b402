"""DP012 schedule-expression: rates and crons rewritten, and how safely."""

from __future__ import annotations

import pytest
from rule_harness import findings, template

from autofix.rules.dp.dp012_schedule_expression import ScheduleExpression

RULE = ScheduleExpression()


def rule_with(expression: object) -> dict:
    return template({"R": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": expression}}})


@pytest.mark.parametrize(("written", "fixed", "how"), [
    ("rate(1 minutes)", "rate(1 minute)", "safe"),
    ("rate(5 Minute)", "rate(5 minutes)", "safe"),
    ("rate(120 seconds)", "rate(2 minutes)", "safe"),
    ("rate(30 seconds)", "rate(1 minute)", "unsafe"),
    ("cron(0 2 * * *)", "cron(0 2 * * ? *)", "safe"),
    ("cron(0 9 * * 0,6)", "cron(0 9 ? * 1,7 *)", "safe"),
    ("cron(0 8 * * MON-FRI)", "cron(0 8 ? * MON-FRI *)", "safe"),
    ("cron(0 2 1 * *)", "cron(0 2 1 * ? *)", "safe"),
    ("cron(15 10 * * * 2030)", "cron(15 10 * * ? 2030)", "safe"),
])
def test_rewrites(written: str, fixed: str, how: str) -> None:
    (found,) = findings(RULE, rule_with(written))
    assert found.fix.operations[0]["value"] == fixed and found.fix.applicability.value == how


@pytest.mark.parametrize("written", ["cron(0 2 1 * 1)", "cron(0 9 * * 5-0)", "rate(2 weeks)", "rate(0 minutes)"])
def test_no_certain_rewrite_is_reported_only(written: str) -> None:
    (found,) = findings(RULE, rule_with(written))
    assert found.fix is None


def test_valid_and_unknown_values_are_quiet() -> None:
    for value in ("rate(1 day)", "cron(0 12 ? * MON-FRI *)", {"Ref": "Schedule"}, "at(2030-01-01T00:00:00)"):
        assert findings(RULE, rule_with(value)) == []
