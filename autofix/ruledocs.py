"""Rule documentation in the shapes people read it: ``autofix explain``, ``docs/rules.md``, help links.

Everything comes from the rules' own docstrings (sections What it does / Why is
this bad? / Example / Fix safety / References), so the terminal, the
generated ``docs/rules.md`` and the SARIF ``helpUri`` never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autofix.registry import families
from autofix.rules.base import Rule
from autofix.rules.family import Family

#: Where ``docs/rules.md`` is published; SARIF ``helpUri`` links point at its anchors.
RULES_DOC_URL = "https://github.com/autofix/autofix/blob/main/docs/rules.md"

#: The command that regenerates ``docs/rules.md`` (named in its header and in the freshness test).
REGENERATE = "autofix rules --format markdown > docs/rules.md"


def safety(rule: Rule) -> str:
    return rule.fix_applicability.value if rule.fix_applicability else "no fix"


def default_state(rule: Rule) -> str:
    """``on`` for a rule of the default rule set, ``opt-in`` for one that runs only when selected."""
    return "on" if rule.enabled_by_default else "opt-in"


def _selection(rule: Rule) -> str:
    if rule.enabled_by_default:
        return "On by default."
    return (f"Opt-in: runs only when selected (`--extend-select {rule.id}`, `--select {rule.family}`, "
            f"`--select ALL`).")


def anchor(rule: Rule) -> str:
    """The GitHub anchor of the rule's heading ``## DR001 name`` in ``docs/rules.md``."""
    heading = f"{rule.id} {rule.name}".lower()
    return re.sub(r"[^a-z0-9 _-]", "", heading).replace(" ", "-")


def help_uri(rule: Rule) -> str:
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


def cfn_lint_codes(rule: Rule) -> str:
    """``E3002, E3003`` (or ``-``): the cfn-lint rule ids the rule resolves."""
    return ", ".join(rule.cfn_lint) or "-"


def _resolves(rule: Rule) -> str:
    if not rule.cfn_lint:
        return ""
    return f"Resolves cfn-lint {', '.join(rule.cfn_lint)}.\n"


def _availability(rule: Rule) -> str:
    missing = rule.missing_requirements()
    return f"Unavailable here: needs {', '.join(missing)}, which is not installed.\n" if missing else ""


def explain_text(rule: Rule) -> str:
    """What ``autofix explain`` prints: a title, the summary, fix safety and cfn-lint codes, then the docs."""
    return (f"# {rule.id} {rule.name}\n\n{_sentence(rule.summary)}\n{_selection(rule)}\nFix: {safety(rule)}. "
            f"{_SAFETY_HINT[safety(rule)]}\n{_resolves(rule)}{_availability(rule)}\n{rule.documentation()}\n")


_SAFETY_HINT = {
    "safe": "`autofix fix` applies it.",
    "unsafe": "`autofix fix --unsafe-fixes` applies it.",
    "display-only": "Shown in `--diff`, never applied.",
    "no fix": "Reported only.",
}


def by_family(rules: Sequence[Rule]) -> list[tuple[Family | None, list[Rule]]]:
    """``rules`` grouped under their families, in prefix order (None: a plugin rule without a family)."""
    known = {f.prefix: f for f in families()}
    groups: dict[str, list[Rule]] = {}
    for rule in rules:
        groups.setdefault(rule.family, []).append(rule)
    return [(known.get(prefix), groups[prefix]) for prefix in sorted(groups)]


def family_title(prefix: str, family: Family | None) -> str:
    return f"{prefix} {family.name}: {family.summary}" if family else f"{prefix} (plugin rules)"


def rules_table(rules: Sequence[Rule]) -> str:
    """``autofix rules``: a header, then per family a title line and one aligned line per rule."""
    header = ("id", "name", "default", "fix", "cfn-lint", "summary")
    rows = [(r.id, r.name, default_state(r), safety(r) + ("*" if r.missing_requirements() else ""),
             ",".join(r.cfn_lint) or "-", r.summary)
            for r in rules]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row[:5])) + f"  {row[5]}\n"

    out = [line(header)]
    for family, members in by_family(rules):
        out.append(f"\n{family_title(members[0].family, family)}\n")
        out.extend(line(next(row for row in rows if row[0] == r.id)) for r in members)
    if any(r.missing_requirements() for r in rules):
        out.append("\n* unavailable: an optional dependency is not installed (see `autofix explain ID`)\n")
    if not all(r.enabled_by_default for r in rules):
        out.append(f"\n{OPT_IN_NOTE}\n")
    return "".join(out)


#: How opt-in rules are turned on, said under the rule table and in ``docs/rules.md``.
OPT_IN_NOTE = ("opt-in rules enforce an opinion and run only when selected: `--extend-select ID` (or "
               "`extend-select` in the configuration) adds them to the defaults, `--select ALL` runs every rule.")


def markdown(rules: Sequence[Rule]) -> str:
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
        "Rules come in families, named by their id prefix; a prefix (`DR`) selects or suppresses the",
        "whole family.  The cfn-lint column names the cfn-lint rules whose findings a rule resolves.",
        "",
        "The default column says whether a rule runs when nothing is selected.  Rules that resolve a",
        "cfn-lint error or warning, or a documented deploy or disaster-recovery failure, are `on`; rules",
        "that enforce an opinion are `opt-in`: `--extend-select HD002` (or `extend-select = [\"HD002\"]` in",
        "the configuration) adds one to the defaults, and a selection by id, name, family prefix or `ALL`",
        "takes every rule it names.",
    ]
    groups = by_family(rules)
    for family, members in groups:
        lines += ["", f"### {family_title(members[0].family, family)}", "",
                  "| id | name | default | fix | cfn-lint | summary |", "|---|---|---|---|---|---|"]
        for rule in members:
            lines.append(f"| [{rule.id}](#{anchor(rule)}) | `{rule.name}` | {default_state(rule)} | {safety(rule)} | "
                         f"{cfn_lint_codes(rule)} | {rule.summary} |")
    for _, members in groups:
        for rule in members:
            resolves = f"  Resolves cfn-lint {', '.join(rule.cfn_lint)}." if rule.cfn_lint else ""
            lines += ["", f"## {rule.id} {rule.name}", "",
                      f"{_sentence(rule.summary)}  {_selection(rule)}  Fix: **{safety(rule)}**.{resolves}", "",
                      _demoted(rule.documentation(), 1)]
    lines += ["", SUPPRESSIONS]
    return "\n".join(lines).rstrip("\n") + "\n"


def _sentence(text: str) -> str:
    return text.rstrip(".") + "."


SUPPRESSIONS = """\
## Suppressions

A finding you have decided to live with can be suppressed in the template itself, for one
resource or for the whole template, with the rule's id or name, a family prefix (`DR`), or `all`:

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
