#!/usr/bin/env python3
"""Write ``autofix/rules/index.py``, the index the registry reads so built-in rules load only when needed.

    python scripts/rule_index.py           # regenerate after adding a rule or changing its resource types
    python scripts/rule_index.py --check   # exit 1 when the index is out of step (what the tests check)
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / "autofix" / "rules" / "index.py"


def render() -> str:
    sys.path.insert(0, str(ROOT))
    from autofix.registry import BUILTIN_FAMILIES
    from autofix.rules.lazy import render_index

    return render_index([import_module(spec).FAMILY for spec in BUILTIN_FAMILIES])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the index is current")
    args = parser.parse_args(argv)
    text = render()
    current = INDEX.read_text(encoding="utf-8") if INDEX.exists() else ""
    if args.check:
        if text != current:
            print(f"{INDEX.relative_to(ROOT)} is out of step with the rules: run python scripts/rule_index.py")
            return 1
        return 0
    if text != current:
        INDEX.write_text(text, encoding="utf-8")
        print(f"wrote {INDEX.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
