"""Measure the rules on a corpus of real templates (read-only): what they flag, fix, and break.

    python scripts/evaluate.py PATH [--unsafe-fixes] [--cfn-lint] [--jobs N]

For every template under PATH: findings per rule on the input; with fixes applied, whether the fixed
template re-checks clean (no fixable finding left) and, with ``--cfn-lint``, whether cfn-lint reports an
error code (E*) on the fixed template that it did not report on the input.  Nothing is written.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor

from autofix.discover import discover
from autofix.pipeline import process_text
from autofix.plan import allowed
from autofix.runner import read_text
from autofix.settings import Settings


def lint_codes(text: str) -> set[str]:
    from cfnlint.api import ManualArgs, lint

    try:
        matches = lint(text, config=ManualArgs(regions=["us-east-1"]))
    except Exception as exc:  # cfn-lint itself failed on the text
        return {f"crash:{type(exc).__name__}"}
    return {m.rule.id for m in matches if m.rule.id.startswith("E")}


def evaluate(path: str, settings: Settings, cfn_lint: bool) -> dict:
    try:
        text = read_text(path, settings)
    except Exception as exc:
        return {"path": path, "error": str(exc)}
    check = process_text(text, path, settings)
    load_failed = any(e.rule is None for e in check.errors)
    if not check.is_template or load_failed:
        return {"path": path, "template": False, "error": check.errors[0].message if check.errors else None}
    row: dict = {"path": path, "template": True, "findings": Counter(f.rule_id for f in check.findings)}
    if not any(allowed(f, settings) for f in check.findings):
        return row
    fixed = process_text(text, path, settings, fix=True)
    row["fix_errors"] = [e.message for e in fixed.errors]
    row["fixed_rules"] = Counter(a["rule"] for a in fixed.applied)
    if fixed.changed:
        again = process_text(fixed.fixed, path, settings)
        row["recheck_fixable"] = [f.rule_id for f in again.findings if allowed(f, settings)]
        if cfn_lint:
            before, after = lint_codes(text), lint_codes(fixed.fixed)
            row["new_lint_errors"] = sorted(after - before)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--unsafe-fixes", action="store_true")
    parser.add_argument("--cfn-lint", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--details", action="store_true", help="list flagged files per rule")
    args = parser.parse_args()
    settings = Settings(unsafe_fixes=args.unsafe_fixes)
    targets = [t.path for t in discover([args.path], respect_gitignore=False)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(evaluate, targets, [settings] * len(targets), [args.cfn_lint] * len(targets),
                             chunksize=8))
    templates = sum(1 for r in rows if r.get("template"))
    flagged: dict[str, list[str]] = defaultdict(list)
    fixed: Counter = Counter()
    findings: Counter = Counter()
    unclean, new_lint, fix_errors = [], [], []
    for r in rows:
        for rule, n in r.get("findings", {}).items():
            flagged[rule].append(r["path"])
            findings[rule] += n
        for rule in r.get("fixed_rules", {}):
            fixed[rule] += 1
        if r.get("recheck_fixable"):
            unclean.append((r["path"], r["recheck_fixable"]))
        if r.get("new_lint_errors"):
            new_lint.append((r["path"], r["new_lint_errors"]))
        if r.get("fix_errors"):
            fix_errors.append((r["path"], r["fix_errors"]))
    print(f"{len(rows)} files, {templates} templates; unsafe fixes {'on' if args.unsafe_fixes else 'off'}")
    print(f"{'rule':<6} {'templates flagged':>17} {'findings':>9} {'templates fixed':>16}")
    for rule in sorted(set(flagged) | set(fixed)):
        print(f"{rule:<6} {len(flagged[rule]):>17} {findings[rule]:>9} {fixed[rule]:>16}")
        if args.details:
            for p in flagged[rule]:
                print(f"         {p}")
    print(f"fixed templates that still have fixable findings: {len(unclean)}")
    for p, rules in unclean[:20]:
        print(f"  {p}: {rules}")
    print(f"fix errors: {len(fix_errors)}")
    for p, errs in fix_errors[:20]:
        print(f"  {p}: {errs}")
    if args.cfn_lint:
        print(f"fixed templates with new cfn-lint errors: {len(new_lint)}")
        for p, codes in new_lint[:20]:
            print(f"  {p}: {codes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
