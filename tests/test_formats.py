"""Output formats: SARIF (schema-valid, fixes that reproduce the fix), GitHub annotations, text, --output-file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cli_fixtures import GLOBAL_BURSTABLE, sarif_schema_path
from typer.testing import CliRunner

from autofix.cli import app
from autofix.formats import reporter
from autofix.formats.github import command
from autofix.formats.sarif import apply_replacements, replacements, sarif_log
from autofix.formats.text import write_diff
from autofix.model import Finding
from autofix.pipeline import FileResult, process_text
from autofix.registry import all_rules
from autofix.report import json_document
from autofix.ruledocs import anchor
from autofix.rules.base import Applicability, Rule
from autofix.settings import Settings


def _validate_sarif(doc: dict) -> None:
    """Essential fields always; the official schema when its file is available."""
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "autofix"
    for rule in driver["rules"]:
        assert rule["id"] and rule["name"] and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"] and rule["helpUri"].startswith("https://")
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    schema_path = sarif_schema_path()
    if schema_path is not None:
        import jsonschema

        jsonschema.validate(doc, json.loads(schema_path.read_text(encoding="utf-8")))


def test_sarif_lists_every_rule_and_validates(runner: CliRunner, template: Path) -> None:
    result = runner.invoke(app, ["check", str(template), "--format", "sarif"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    _validate_sarif(doc)
    driver = doc["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == [r.id for r in all_rules()]
    dr007 = next(r for r in driver["rules"] if r["id"] == "DR007")
    assert dr007["helpUri"].endswith("docs/rules.md#dr007-aurora-global-burstable-class")
    (finding,) = doc["runs"][0]["results"]
    assert finding["ruleId"] == "DR007" and finding["level"] == "error"
    assert finding["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": template.as_uri()}, "region": {"startLine": 16, "startColumn": 7}}


def test_sarif_fix_replacements_reproduce_the_fixed_file(runner: CliRunner, template: Path) -> None:
    doc = json.loads(runner.invoke(app, ["check", str(template), "--format", "sarif"]).stdout)
    (fix,) = doc["runs"][0]["results"][0]["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == template.as_uri()
    fixed = apply_replacements(GLOBAL_BURSTABLE, change["replacements"])
    assert fixed == GLOBAL_BURSTABLE.replace("db.t3.medium", "db.r5.large")
    (rep,) = change["replacements"]
    assert rep["deletedRegion"]["startLine"] == rep["deletedRegion"]["endLine"] == 16


def _apply_by_lines(before: str, reps: list[dict]) -> str:
    """Apply replacements using only their line/column regions (a second reading of the same edits)."""
    lines = before.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1 if line <= len(lines) else len(before)

    for rep in sorted(reps, key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
                      reverse=True):
        region = rep["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        before = before[:start] + rep.get("insertedContent", {}).get("text", "") + before[end:]
    return before


@pytest.mark.parametrize(("before", "after"), [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("a\nb\nc\n", "a\nb\nc\nd\n"),
    ("a\nb\nc", "a\nb\nc\nd"),
    ("a\nb\nc\n", "x\na\nc\n"),
    ("a\nb\n", ""),
    ("", "a\n"),
    ("a\r\nb\r\n", "a\r\nB\r\nc\r\n"),
])
def test_replacements_agree_by_offset_and_by_line(before: str, after: str) -> None:
    reps = replacements(before, after)
    assert apply_replacements(before, reps) == after
    assert _apply_by_lines(before, reps) == after


def test_sarif_after_fix_reports_what_is_left(runner: CliRunner, template: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = runner.invoke(app, ["fix", str(template), "--format", "sarif", "--output-file", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    doc = json.loads(out.read_text(encoding="utf-8"))
    _validate_sarif(doc)
    assert doc["runs"][0]["results"] == []
    assert template.read_text(encoding="utf-8") == GLOBAL_BURSTABLE.replace("db.t3.medium", "db.r5.large")


def test_sarif_errors_are_notifications(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  A: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad), "--format", "sarif"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    _validate_sarif(doc)
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "invalid YAML" in note["message"]["text"]


def test_github_annotations(runner: CliRunner, template: Path) -> None:
    result = runner.invoke(app, ["check", str(template), "--format", "github"])
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"::error file={template},line=16,col=7,title=DR007 aurora-global-burstable-class::"
                           "DR007 Instance is in an Aurora global cluster")
    assert line.endswith("(autofix fix can fix this)")


def test_github_escapes_what_would_break_the_command() -> None:
    assert command("error", "50% done\nnext", file="a,b:c.yaml", line=3) == \
        "::error file=a%2Cb%3Ac.yaml,line=3::50%25 done%0Anext"


def test_text_output_file_is_plain_and_stdout_empty(runner: CliRunner, template: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.txt"
    result = runner.invoke(app, ["check", str(template), "-o", str(out)], env={"FORCE_COLOR": "1"})
    assert result.exit_code == 1
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"{template}:16:7: DR007 [*] Instance")
    assert "\x1b[" not in text


def test_diff_is_coloured_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    diff = "--- a\n+++ a\n@@ -1 +1 @@\n-old\n+new\n"
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    plain = io.StringIO()
    write_diff(diff, plain)
    assert plain.getvalue() == diff
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = io.StringIO()
    write_diff(diff, coloured)
    assert "\x1b[" in coloured.getvalue()
    assert "new" in coloured.getvalue() and "old" in coloured.getvalue()


def test_anchor_matches_github_heading_slug() -> None:
    for rule in all_rules():
        assert anchor(rule) == f"{rule.id} {rule.name}".lower().replace(" ", "-")


def test_only_templates_skips_named_non_templates(runner: CliRunner, template: Path, tmp_path: Path) -> None:
    other = tmp_path / "package.json"
    other.write_text('{"name": "web", "version": "1.0.0"}', encoding="utf-8")
    assert runner.invoke(app, ["check", str(other)]).exit_code == 2
    result = runner.invoke(app, ["check", "--only-templates", str(other), str(template)])
    assert result.exit_code == 1
    assert "not a CloudFormation template" not in result.output
    assert " DR007 [*] " in result.stdout


# ----------------------------------------------------------------- detail and order, in every format

_DOC = "\n\n".join(f"## {s}\nTest." for s in ("What it does", "Why is this bad?", "Example", "Fix safety",
                                                  "References"))


class _Late(Rule):
    """Reports the last resource; its id sorts first, its line last."""

    __doc__ = _DOC
    id, name, summary = "TA001", "late", "the last resource"
    fix_applicability = Applicability.UNSAFE

    def check(self, template, settings):
        if "DelaySeconds" in template.properties("Zeta"):  # a real property: verification runs the schema rules
            return
        yield self.finding("/Resources/Zeta/Properties", "Zeta is late",
                           detail="Why it matters.\nWhat the fix does.",
                           fix=self.fix([{"op": "add", "path": "/Resources/Zeta/Properties/DelaySeconds", "value": 1}],
                                        "Add DelaySeconds"))


class _Early(Rule):
    """Reports the first resource through ``extra["detail"]``, as rules did before the field."""

    __doc__ = _DOC
    id, name, summary = "TB001", "early", "the first resource"

    def check(self, template, settings):
        yield Finding(self.id, "/Resources/Alpha/Type", "Alpha is early", extra={"detail": "Said in extra."})


_ORDERED = ("Resources:\n  Alpha:\n    Type: AWS::SNS::Topic\n  Zeta:\n    Type: AWS::SQS::Queue\n"
            "    Properties: {}\n")


def _results(*names: str) -> list[tuple[FileResult, bool]]:
    rules = [_Late(), _Early()]
    return [(process_text(_ORDERED, name, Settings(), rules=rules), True) for name in names]


def test_a_finding_detail_comes_from_the_field_or_from_extra() -> None:
    ((result, _),) = _results("t.yaml")
    assert [(f.rule_id, f.detail) for f in result.findings] == [("TB001", "Said in extra."),
                                                                ("TA001", "Why it matters.\nWhat the fix does.")]


def test_findings_are_ordered_by_line_in_every_format() -> None:
    results = _results("a.yaml", "b.yaml")
    expected = [("a.yaml", "TB001"), ("a.yaml", "TA001"), ("b.yaml", "TB001"), ("b.yaml", "TA001")]
    doc = json.loads(json_document(results))
    assert [(f["file"], f["rule"]) for f in doc["findings"]] == expected
    sarif = sarif_log(results, rules=[_Late(), _Early()])
    assert [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
            for r in sarif["runs"][0]["results"]] == expected
    for fmt in ("text", "github"):
        out = io.StringIO()
        rep = reporter(fmt, out, Settings(), color=False)
        for result, explicit in results:
            rep.add(result, explicit)
        rep.finish()
        lines = out.getvalue().splitlines()
        assert [(next(n for n in ("a.yaml", "b.yaml") if n in line), next(r for r in ("TA001", "TB001") if r in line))
                for line in lines] == expected, fmt


def test_detail_is_in_json_and_sarif_not_in_github() -> None:
    results = _results("t.yaml")
    findings = json.loads(json_document(results))["findings"]
    assert [f["detail"] for f in findings] == ["Said in extra.", "Why it matters.\nWhat the fix does."]
    sarif = sarif_log(results, rules=[_Late(), _Early()])
    assert [r["properties"]["detail"] for r in sarif["runs"][0]["results"]] == [
        "Said in extra.", "Why it matters.\nWhat the fix does."]
    schema_path = sarif_schema_path()
    if schema_path is not None:
        import jsonschema

        jsonschema.validate(sarif, json.loads(schema_path.read_text(encoding="utf-8")))
    out = io.StringIO()
    rep = reporter("github", out, Settings())
    rep.add(results[0][0], True)
    assert "Said in extra" not in out.getvalue() and "Why it matters" not in out.getvalue()


def test_text_shows_detail_and_fix_only_with_show_fixes() -> None:
    ((result, _),) = _results("t.yaml")
    plain = io.StringIO()
    rep = reporter("text", plain, Settings(), color=False)
    rep.add(result, True)
    assert "Why it matters" not in plain.getvalue() and len(plain.getvalue().splitlines()) == 2
    shown = io.StringIO()
    rep = reporter("text", shown, Settings(show_fixes=True), color=False)
    rep.add(result, True)
    assert shown.getvalue().splitlines() == [
        "t.yaml:3:5: TB001 Alpha is early",
        "    Said in extra.",
        "t.yaml:6:5: TA001 Zeta is late",
        "    Why it matters.",
        "    What the fix does.",
        "    fix (unsafe, needs --unsafe-fixes): Add DelaySeconds",
    ]


def test_show_fixes_lists_what_a_fix_run_resolved() -> None:
    result = process_text(_ORDERED, "t.yaml", Settings(unsafe_fixes=True, show_fixes=True), fix=True,
                          rules=[_Late()])
    assert result.changed and not result.findings
    out = io.StringIO()
    rep = reporter("text", out, Settings(unsafe_fixes=True, show_fixes=True), fix=True, color=False)
    rep.add(result, True)
    rep.finish()
    assert out.getvalue().splitlines() == ["Fixed:", "  t.yaml", "    6:5 TA001 Zeta is late"]


def test_files_named_in_any_order_are_reported_in_path_order(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml"):
        (tmp_path / name).write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    out = runner.invoke(app, ["check", "--format", "json", "--no-progress", str(tmp_path / "b.yaml"),
                              str(tmp_path / "a.yaml")]).stdout
    assert [Path(f["file"]).name for f in json.loads(out)["findings"]] == ["a.yaml", "b.yaml"]
