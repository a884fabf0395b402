"""DP012 schedule-expression: an EventBridge rule schedule that EventBridge does not accept."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

RULE_TYPE = "AWS::Events::Rule"
_RATE = lazy_pattern(r"^rate\(\s*(\d+)\s+([A-Za-z]+)\s*\)$")
_CRON = lazy_pattern(r"^cron\((.*)\)$")
_UNITS = {"minute": "minute", "hour": "hour", "day": "day", "second": "second"}
#: a day-of-week field of a Unix cron that means the same in EventBridge once its numbers move by one
_UNIX_DAYS = lazy_pattern(r"^[0-7](-[0-7])?(,[0-7](-[0-7])?)*$")
_DAY_NAMES = lazy_pattern(r"^[A-Za-z]{3}([-,][A-Za-z]{3})*$")


class ScheduleExpression(Rule):
    """## What it does
    Finds `ScheduleExpression`s of `AWS::Events::Rule` that EventBridge refuses (cfn-lint
    E3027) and rewrites them: a rate unit in the wrong number or case (`rate(1 minutes)`,
    `rate(5 Minutes)`), a rate in seconds, a five-field Unix cron (`cron(0 2 * * *)`), and a
    cron that gives both a day of the month and a day of the week.

    ## Why is this bad?
    EventBridge rejects the rule ("Parameter ScheduleExpression is not valid") and the stack
    does not deploy.  Its rates take `minute(s)`, `hour(s)` or `day(s)` (singular for 1), its
    cron has six fields (the sixth is the year) and wants `?` in one of the two day fields.

    ## Example
    ```yaml
    Nightly:
      Type: AWS::Events::Rule
      Properties:
        ScheduleExpression: cron(0 2 * * *)
    ```

    Use instead:
    ```yaml
        ScheduleExpression: cron(0 2 * * ? *)
    ```

    ## Fix safety
    - The unit's number or case, seconds that make whole minutes, a Unix cron (its
      day-of-week numbers move from 0-6 to EventBridge's 1-7), a `*` day field made `?`:
      safe, the schedule is the same.
    - A rate under a minute, or seconds that make no whole number of minutes: unsafe, the rule
      runs every minute (EventBridge's shortest rate) or on the nearest whole minute.
    - Anything else (a Unix cron with both day fields, an expression of another shape) is
      reported without a fix.

    ## References
    - [Schedule expressions for rules](https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html)
    - [AWS::Events::Rule ScheduleExpression](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html)
    """

    id = "DP012"
    name = "schedule-expression"
    summary = "EventBridge rule schedule expression that EventBridge does not accept"
    cfn_lint = ("E3027",)
    enabled_by_default = True  # resolves cfn-lint E3027
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({RULE_TYPE})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, _ in ctx.resources_of(RULE_TYPE):
            expression = ctx.properties(logical_id).get("ScheduleExpression")
            if not isinstance(expression, str):
                continue
            rate, cron = _RATE.match(expression), _CRON.match(expression)
            if rate:
                better, how = _rate(int(rate.group(1)), rate.group(2))
            elif cron:
                better, how = _cron(cron.group(1).split())
            else:
                continue
            if better == expression:
                continue
            pointer = ctx.pointer("Resources", logical_id, "Properties", "ScheduleExpression")
            message = f"rule {logical_id} has the schedule {expression!r}, which EventBridge does not accept"
            if better is None:
                yield self.finding(pointer, message, resource=logical_id)
                continue
            fix = self.fixer(ctx).replace(pointer, better)
            said = "the same schedule is" if how is Applicability.SAFE else "the nearest valid one is"
            yield self.finding(pointer, f"{message}; {said} {better!r}", resource=logical_id,
                               fix=fix.build(f"Schedule {better}", how))


def _rate(value: int, unit: str) -> tuple[str | None, Applicability]:
    base = _UNITS.get(unit.lower().rstrip("s"))
    if base is None or value <= 0:
        return None, Applicability.SAFE
    how = Applicability.SAFE
    if base == "second":
        minutes, rest = divmod(value, 60)
        how = Applicability.SAFE if rest == 0 else Applicability.UNSAFE
        value, base = max(1, round(value / 60)), "minute"
        if rest == 0:
            value = minutes
    return f"rate({value} {base}{'' if value == 1 else 's'})", how


def _cron(fields: list[str]) -> tuple[str | None, Applicability]:
    if len(fields) == 5:  # Unix cron: minute hour day-of-month month day-of-week
        minute, hour, dom, month, dow = fields
        if _UNIX_DAYS.match(dow):
            shifted = _shift_days(dow)
            if shifted is None:
                return None, Applicability.SAFE
            dow = shifted
        elif dow not in ("*", "?") and not _DAY_NAMES.match(dow):
            return None, Applicability.SAFE
        fields = [minute, hour, dom, month, dow, "*"]
    if len(fields) != 6:
        return None, Applicability.SAFE
    dom, dow = fields[2], fields[4]
    if dom != "?" and dow != "?":
        if dow == "*":
            fields[4] = "?"
        elif dom == "*":
            fields[2] = "?"
        else:  # both days given: a Unix cron runs on either, EventBridge cannot say that
            return None, Applicability.SAFE
    return f"cron({' '.join(fields)})", Applicability.SAFE


def _shift_days(field: str) -> str | None:
    """Unix day numbers (0 or 7 Sunday ... 6 Saturday) as EventBridge's (1 Sunday ... 7 Saturday); None
    for a range that would wrap around the week."""
    parts = []
    for part in field.split(","):
        days = [int(d) % 7 + 1 for d in part.split("-")]
        if len(days) == 2 and days[0] > days[1]:
            return None
        parts.append("-".join(map(str, days)))
    return ",".join(parts)
