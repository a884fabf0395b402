"""Rule documentation in the shapes people read it: ``autofix explain``, ``docs/rules.md``, help links.

Everything comes from the rules' own docstrings (sections What it does / Why is
this bad? / Example / Fix safety / References), so the terminal, the
generated ``docs/rules.md`` and the SARIF ``helpUri`` never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autofix.rules.base import Rule

#: Where ``docs/rules.md`` is published; SARIF ``helpUri`` links point at its anchors.
RULES_DOC_URL = "https://github.com/autofix/autofix/blob/main/docs/rules.md"

#: The command that regenerates ``docs/rules.md`` (named in its header and in the freshness test).
REGENERATE = "autofix rules --format markdown > docs/rules.md"


def safety(rule: type[Rule]) -> str:
    return rule.fix_applicability.value if rule.fix_applicability else "no fix"


def anchor(rule: type[Rule]) -> str:
    """The GitHub anchor of the rule's heading ``## DR001 name`` in ``docs/rules.md``."""
    heading = f"{rule.id} {rule.name}".lower()
    return re.sub(r"[^a-z0-9 _-]", "", heading).replace(" ", "-")


def help_uri(rule: type[Rule]) -> str:
    return f"{RULES_DOC_URL}#{anchor(rule)}"


def _demoted(documentation: str, levels: int = 1) -> str:
    """Push the docstring's headings down ``levels`` so they nest under the rule's heading.

    Lines inside fenced code blocks are left alone: a YAML comment is not a heading.
    """
    out: list[str] = []
    fenced = False
    for line in documentation.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and re.match(r"^#{1,5} ", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


def explain_text(rule: type[Rule]) -> str:
    """What ``autofix explain`` prints: a title, the summary and fix safety, then the documentation."""
    return (f"# {rule.id} {rule.name}\n\n{_sentence(rule.summary)}\nFix: {safety(rule)}. "
            f"{_SAFETY_HINT[safety(rule)]}\n\n{rule.documentation()}\n")


_SAFETY_HINT = {
    "safe": "`autofix fix` applies it.",
    "unsafe": "`autofix fix --unsafe-fixes` applies it.",
    "display-only": "Shown in `--diff`, never applied.",
    "no fix": "Reported only.",
}


def rules_table(rules: Sequence[type[Rule]]) -> str:
    """``autofix rules``: one aligned line per rule under a header."""
    rows = [("id", "name", "fix", "summary")] + [(r.id, r.name, safety(r), r.summary) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}\n" for a, b, c, d in rows)


def markdown(rules: Sequence[type[Rule]]) -> str:
    """The whole ``docs/rules.md``: a table of every rule, then each rule's documentation."""
    lines = [
        "# Rules",
        "",
        f"<!-- Generated from the rules' docstrings by `{REGENERATE}`; do not edit by hand. -->",
        "",
        "Every rule has an id (`DR004`) and a name (`aurora-cluster-not-global`); both work with",
        "`--select`, `--ignore`, `autofix explain` and suppressions.  The fix column says which command",
        "applies the rule's fix: `safe` fixes are applied by `autofix fix`, `unsafe` ones only with",
        "`autofix fix --unsafe-fixes`.",
        "",
        "| id | name | fix | summary |",
        "|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(f"| [{rule.id}](#{anchor(rule)}) | `{rule.name}` | {safety(rule)} | {rule.summary} |")
    for rule in rules:
        lines += ["", f"## {rule.id} {rule.name}", "", f"{_sentence(rule.summary)}  Fix: **{safety(rule)}**.", "",
                  _demoted(rule.documentation(), 1)]
    lines += ["", SUPPRESSIONS]
    return "\n".join(lines).rstrip("\n") + "\n"


def _sentence(text: str) -> str:
    return text.rstrip(".") + "."


SUPPRESSIONS = """\
## Suppressions

A finding you have decided to live with can be suppressed in the template itself, for one
resource or for the whole template, with the rule's id or name (or `all`):

```yaml
Metadata:                      # template level: applies to every resource
  autofix:
    ignore: [DR001]
Resources:
  ScratchBucket:
    Type: AWS::S3::Bucket
    Metadata:                  # resource level: applies to this resource only
      autofix:
        ignore: [aurora-cluster-not-global, DR006]
```

A suppressed finding is neither reported nor fixed.  `autofix check --show-unused-suppressions`
reports entries that suppress nothing (as `unused-suppression`), and entries naming a rule that
does not exist, so that stale suppressions do not hide a future finding."""
