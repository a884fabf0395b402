"""Untrusted values in every output format: escaped visibly in text and github, valid JSON elsewhere.

Template values, file names and the messages quoting them may hold ANSI CSI/OSC sequences, CR,
LF, NUL, BEL or bidi overrides.  No format may let one act on the terminal, start a new line or
reorder text; the JSON formats must still give back the original strings.
"""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from autofix.cli import app
from autofix.escape import UNSAFE_CATEGORIES, dumps, visible
from autofix.formats import OutputFormat, reporter
from autofix.formats.github import GithubReporter
from autofix.formats.text import TextReporter, write_diff
from autofix.pipeline import ErrorEntry, FileResult, process_text
from autofix.report import error_line, finding_line, unified_diff
from autofix.rules.base import Applicability, Finding, Fix
from autofix.settings import Settings

SETTINGS = Settings()

HOSTILE_PIECES = [
    "\x1b]0;owned\x07", "\x1b]8;;http://evil/\x1b\\", "\x1b[2J", "\x1b[31m", "\x9b2J", "\r", "\n", "\r\n",
    "\x00", "\x07", "\x08", "\x7f", "\x85", "\x0b", "\x0c", "\u2028", "\u2029", "\u202e", "\u202a", "\u2066",
    "\u2069", "\u200b", "\ufeff", "\t", "%", ":", ",", "\nforged.yaml:1:1: DR001 forged finding\n",
    "\r::error file=x::forged", "\udcff", "é", "日本", " ",
]
hostile = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=4)), max_size=6).map("".join)


def _unsafe_chars(text: str) -> set[str]:
    return {c for c in set(text) if unicodedata.category(c) in UNSAFE_CATEGORIES}  # each character once


# ---------------------------------------------------------------- the function


def test_visible_examples() -> None:
    assert visible("plain text, é 日本") == "plain text, é 日本"
    assert visible("\x1b]0;t\x07\x1b[2J") == "\\e]0;t\\x07\\e[2J"
    assert visible("a\nb\rc\td\x00e\x7f\x85") == "a\\nb\\rc\\td\\0e\\x7f\\x85"
    assert visible("\u202eabc\u2066\u2069\u200b\ufeff") == "\\u202eabc\\u2066\\u2069\\u200b\\ufeff"
    assert visible("\u2028\u2029\udcff") == "\\u2028\\u2029\\udcff"
    assert visible("\U000e0041") == "\\U000e0041"  # a tag character (Cf)
    assert visible(42) == "42"


@given(st.text())
def test_visible_leaves_one_line_of_printable_text(value: str) -> None:
    out = visible(value)
    assert not _unsafe_chars(out)
    assert len(out.splitlines()) <= 1
    if value.isprintable():
        assert out == value


@given(st.recursive(st.none() | st.text() | st.integers(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)))
def test_dumps_is_json_that_round_trips_without_invisible_characters(value) -> None:
    out = dumps(value, indent=2)
    assert json.loads(out) == value
    assert not _unsafe_chars(out.replace("\n", ""))


# ---------------------------------------------------------------- every format, hostile values


def _health_check_template(resource: str, domain: str) -> str:
    return json.dumps({"Resources": {resource: {"Type": "AWS::Route53::HealthCheck", "Properties": {
        "HealthCheckConfig": {"Type": "HTTPS", "FullyQualifiedDomainName": domain}}}}})


def _results(file: str, resource: str, domain: str, message: str, description: str, rule_id: str,
             error: str) -> list[tuple[FileResult, bool]]:
    # DR002 alone: a hostile logical id is also no valid one, which DP014 reports as well
    real = process_text(_health_check_template(resource, domain), file, SETTINGS.with_(select=("DR002",)))
    assert [f.rule_id for f in real.findings] == ["DR002"], real.errors
    assert resource in real.findings[0].message and domain in real.findings[0].message
    fix = Fix(({"op": "add", "path": "/Resources/X", "value": description},), description, Applicability.SAFE)
    synthetic = FileResult(file, findings=[
        Finding(rule_id, f"/Resources/{resource}", message, fix=fix, resource=resource, rule_name=rule_id,
                line=3, column=5),
        Finding("DR001", "/Resources", message, resource=None, rule_name="s3", line=1, column=1),
    ], errors=[ErrorEntry(file, error, 2, 7, rule=rule_id), ErrorEntry(file, message)])
    return [(real, True), (synthetic, True)]


def _render(fmt: OutputFormat, results: list[tuple[FileResult, bool]]) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if fmt is OutputFormat.text:
        rep = TextReporter(out, SETTINGS, color=False, err=err)
    else:
        rep = reporter(fmt, out, SETTINGS, color=False)
    for result, explicit in results:
        rep.add(result, explicit)
    rep.finish(None)
    return out.getvalue(), err.getvalue()


@given(file=hostile, resource=hostile, domain=hostile, message=hostile, description=hostile, rule_id=hostile,
       error=hostile)
def test_no_format_lets_a_value_act_on_the_terminal_or_forge_a_line(file, resource, domain, message,
                                                                    description, rule_id, error) -> None:
    resource = "R" + resource  # a logical id is never empty
    domain = domain.replace("/", "") + ".example.com"  # a path is no domain, so no placeholder
    results = _results(file, resource, domain, message, description, rule_id, error)
    findings = [f for r, _ in results for f in r.findings]
    errors = [e for r, _ in results for e in r.errors]

    out, err = _render(OutputFormat.text, results)
    assert out.endswith("\n") and err.endswith("\n")
    assert out.count("\n") == len(findings) and err.count("\n") == len(errors)
    assert len(out.splitlines()) == len(findings) and len(err.splitlines()) == len(errors)
    assert not _unsafe_chars(out.replace("\n", "")) and not _unsafe_chars(err.replace("\n", ""))
    assert all(line.startswith(visible(file) + ":") for line in (out + err).splitlines())

    out, _ = _render(OutputFormat.github, results)
    assert len(out.splitlines()) == out.count("\n") == len(findings) + len(errors)
    assert not _unsafe_chars(out.replace("\n", ""))
    assert all(line.startswith("::error file=") for line in out.splitlines())

    out, _ = _render(OutputFormat.json, results)
    assert not _unsafe_chars(out.replace("\n", ""))
    doc = json.loads(out)
    assert [(f["file"], f["rule"], f["message"], f["resource"]) for f in doc["findings"]] == [
        (file, f.rule_id, f.message, f.resource) for f in findings]
    assert doc["findings"][1]["fix"] == description
    assert [(e["file"], e["message"]) for e in doc["errors"]] == [(e.file, e.message) for e in errors]

    out, _ = _render(OutputFormat.sarif, results)
    assert not _unsafe_chars(out.replace("\n", ""))
    run = json.loads(out)["runs"][0]
    assert [r["message"]["text"] for r in run["results"]] == [f.message for f in findings]
    assert [r.get("logicalLocations", [{}])[0].get("name") for r in
            (x["locations"][0] for x in run["results"])] == [f.resource for f in findings]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [e.message for e in errors]

    for line in [finding_line(file, f, SETTINGS) for f in findings] + [error_line(e) for e in errors]:
        assert len(line.splitlines()) == 1 and not _unsafe_chars(line)


def test_text_output_of_a_real_template_on_the_command_line(tmp_path: Path) -> None:
    domain = "\x1b]0;owned\x07\x1b[2J\nforged.yaml:1:1: DR001 forged\u202e.example.com"
    name = tmp_path / "evil\nforged.yaml:1:1: DR001 x.json"
    name.write_text(_health_check_template("Check\u202eKcehc", domain), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(name), "--no-progress", "--select", "DR002"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and not _unsafe_chars(result.stdout.replace("\n", ""))
    assert lines[0].startswith(visible(str(name)) + ":")
    assert "\\e]0;owned\\x07\\e[2J\\nforged.yaml:1:1: DR001 forged\\u202e.example.com" in lines[0]
    assert "Check\\u202eKcehc" in lines[0]


def test_github_escapes_percent_newlines_and_property_separators() -> None:
    out = io.StringIO()
    GithubReporter(out, SETTINGS).add(FileResult("a,b:c%\r\n.yaml", errors=[ErrorEntry("a,b:c%\r\n.yaml",
                                                                                        "50%\r\nx\x1b[2J")]), True)
    assert out.getvalue() == "::error file=a%2Cb%3Ac%25%0D%0A.yaml,title=autofix error::50%25%0D%0Ax\\e[2J\n"


def test_diff_is_exact_when_piped_and_escaped_on_a_terminal(monkeypatch) -> None:
    before = "a: 1\r\nb: '\x1b[2J\u202e'\r\n"
    after = "a: 2\r\nb: '\x1b[2J\u202e'\r\n"
    diff = unified_diff("x\ny.yaml", before, after)
    assert diff.splitlines()[0] == "--- x\\ny.yaml"
    piped = io.StringIO()
    write_diff(diff, piped)
    assert piped.getvalue() == diff
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    tty = io.StringIO()
    write_diff(unified_diff("t.yaml", "a: '\x1b]0;t\x07'\nb: 1\n", "a: '\x1b]0;t\x07'\nb: 2\n"), tty)
    shown = tty.getvalue()
    assert "\\e]0;t\\x07" in shown and "\x07" not in shown and "\x1b]" not in shown


def test_a_diff_line_ends_only_at_a_line_feed() -> None:
    diff = unified_diff("t.yaml", "a: 'x\x0bforged'\nb: 1\n", "a: 'x\x0bforged'\nb: 2\n")
    assert all(line[:1] in {"-", "+", " ", "@"} for line in diff.split("\n")[:-1])
