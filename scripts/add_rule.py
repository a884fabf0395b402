#!/usr/bin/env python3
"""Create a new rule's files from its id and name (ruff's ``add_rule``, for autofix).

    python scripts/add_rule.py SC010 unknown-thing [--family-name schema-validity] [--cfn-lint E3002]

Writes, and refuses to overwrite:

- ``autofix/rules/<family>/<id>_<name>.py``: the rule module with its documentation sections;
- ``patches/<ID>-<name>.yaml``: its patch fragment file;
- ``corpus/<ID>-<name>/yaml-basic/`` and ``.../negative/``: case inputs (run
  ``AUTOFIX_UPDATE_CORPUS=1 pytest tests/test_corpus.py`` to write the expected files, then review them);
- ``tests/test_<id>_<name>.py``: a unit test file;

and registers the rule in its family's ``FAMILY.rules`` and in the rule index (``scripts/rule_index.py``).
A family that does not exist yet is created (``autofix/rules/<prefix>/__init__.py``) and added to the
registry and to ``pyproject.toml``'s packages.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ID = re.compile(r"^([A-Z]{1,4})(\d{3,4})$")
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

MODULE = '''"""{id} {name}: {summary}"""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

PATCHES = "{id}-{name}"


class {cls}(Rule):
    """## What it does
    TODO: what the rule finds, precisely (which resource types, which shapes, what it leaves alone).

    ## Why is this bad?
    TODO: what fails at deploy time or in production, with the AWS behaviour behind it.

    ## Example
    ```yaml
    TODO: the failing shape
    ```

    Use instead:
    ```yaml
    TODO: the fixed shape
    ```

    ## Fix safety
    TODO: safe or unsafe, and why (on a fresh stack and on a stack that already exists).

    ## References
    - [TODO](https://docs.aws.amazon.com/)
    """

    id = "{id}"
    name = "{name}"
    summary = "{summary}"
    cfn_lint = ({cfn_lint})
    enabled_by_default = True  # TODO: on for a cfn-lint error or warning or a deploy failure; False for an opinion
    fix_applicability = Applicability.SAFE
    resource_types = None

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        yield from ()
'''

TEST = '''"""{id} {name}: unit tests."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.{table}.{module} import {cls}

RULE = {cls}()


def test_reports_and_fixes_the_failing_shape() -> None:
    data = template({{}})  # TODO: the failing shape
    found = findings(RULE, data)
    assert [f.rule_id for f in found] == ["{id}"]
    assert applied(data, found) == {{}}  # TODO: the fixed template


def test_leaves_the_correct_shape_alone() -> None:
    assert findings(RULE, template({{}})) == []  # TODO: the correct twin
'''

FAMILY = '''"""The {prefix} family: {summary}."""

from __future__ import annotations

from autofix.rules.family import Family

_HERE = "autofix.rules.{table}"

FAMILY = Family(
    prefix="{prefix}",
    name="{family_name}",
    summary="{summary_cap}",
    rules=(
    ),
)
'''


def _write(path: Path, text: str) -> None:
    if path.exists():
        sys.exit(f"error: {path.relative_to(ROOT)} exists already; nothing overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"created {path.relative_to(ROOT)}")


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _ensure_family(prefix: str, family_name: str) -> Path:
    table = prefix.lower()
    package = ROOT / "autofix" / "rules" / table
    init = package / "__init__.py"
    if init.exists():
        return init
    summary = family_name.replace("-", " ")
    _write(init, FAMILY.format(prefix=prefix, table=table, family_name=family_name, summary=summary,
                               summary_cap=summary.capitalize()))
    registry = ROOT / "autofix" / "registry.py"
    text = registry.read_text(encoding="utf-8")
    entries = re.search(r"BUILTIN_FAMILIES: tuple\[str, \.\.\.\] = \(\n(.*?)\)", text, re.S)
    assert entries, "BUILTIN_FAMILIES not found in autofix/registry.py"
    names = sorted({*re.findall(r'"([^"]+)"', entries.group(1)), f"autofix.rules.{table}"})
    body = "".join(f'    "{n}",\n' for n in names)
    registry.write_text(text[:entries.start(1)] + body + text[entries.end(1):], encoding="utf-8")
    pyproject = ROOT / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('"autofix.rules.dr",', f'"autofix.rules.dr", "autofix.rules.{table}",', 1)
    pyproject.write_text(text, encoding="utf-8")
    print(f"registered family {prefix} in autofix/registry.py and pyproject.toml")
    return init


def _register(init: Path, prefix: str, module: str, cls: str) -> None:
    text = init.read_text(encoding="utf-8")
    match = re.search(r"    rules=\(\n(.*?)    \),", text, re.S)
    assert match, f"FAMILY.rules not found in {init.relative_to(ROOT)}"
    specs = [*re.findall(r'^\s+(f?"[^"]+"),$', match.group(1), re.M), f'f"{{_HERE}}.{module}:{cls}"']
    body = "".join(f"        {s},\n" for s in sorted(set(specs), key=lambda s: s.split(".")[-1]))
    init.write_text(text[:match.start(1)] + body + text[match.end(1):], encoding="utf-8")
    print(f"registered {cls} in {init.relative_to(ROOT)}")


def _index() -> None:
    """Regenerate the rule index (in a fresh interpreter: the new modules are not imported here)."""
    import subprocess

    subprocess.run([sys.executable, str(ROOT / "scripts" / "rule_index.py")], cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("id", help="the rule id, e.g. SC010 (its letters name the family)")
    parser.add_argument("name", help="the kebab-case rule name, e.g. unknown-property")
    parser.add_argument("--summary", default="TODO one-line summary")
    parser.add_argument("--family-name", default=None, help="kebab-case family name, for a new family")
    parser.add_argument("--cfn-lint", action="append", default=[], help="a cfn-lint rule id it resolves")
    args = parser.parse_args(argv)
    match = ID.match(args.id)
    if not match or not NAME.match(args.name):
        parser.error("id must look like SC010 and name like unknown-property")
    prefix, table = match.group(1), match.group(1).lower()
    module = f"{args.id.lower()}_{args.name.replace('-', '_')}"
    cls = _class_name(args.name)
    init = _ensure_family(prefix, args.family_name or prefix.lower())
    values = {"id": args.id, "name": args.name, "summary": args.summary, "cls": cls, "table": table,
              "module": module, "cfn_lint": "".join(f'"{c}", ' for c in args.cfn_lint).rstrip(" ")}
    _write(ROOT / "autofix" / "rules" / table / f"{module}.py", MODULE.format(**values))
    _write(ROOT / "patches" / f"{args.id}-{args.name}.yaml",
           f"# {args.id} {args.name}\n# Fragments the fix inserts, filled in with autofix.patches.fragment().\n{{}}\n")
    case = ROOT / "corpus" / f"{args.id}-{args.name}"
    _write(case / "yaml-basic" / "input.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
    _write(case / "negative" / "input.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
    _write(ROOT / "tests" / f"test_{module}.py", TEST.format(**values))
    _register(init, prefix, module, cls)
    _index()
    print("next: write the rule, its cases and tests, then "
          "`AUTOFIX_UPDATE_CORPUS=1 pytest tests/test_corpus.py` and review the expected files; "
          "run `python scripts/rule_index.py` again when you give it resource types")


if __name__ == "__main__":
    main()
