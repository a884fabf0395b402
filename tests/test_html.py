"""``--format html``: the page's data, its escaping and its policy; then the page itself in Chromium.

The browser tests (``browser`` fixture) render reports of real batches (the project's corpus, and
``AUTOFIX_CORPUS`` when set), compare the summary the page shows with the JSON report of the same
run, open a file and its diff, filter, take a screenshot, and load a page made from a hostile
template: nothing in it may become markup or script.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import chromium, wait_until
from cli_fixtures import GLOBAL_BURSTABLE
from typer.testing import CliRunner

from autofix.cli import app
from autofix.formats.html import SCRIPT, STYLE, script_json

ROOT = Path(__file__).resolve().parent.parent
SHARED = os.environ.get("AUTOFIX_CORPUS")
#: The README's screenshot is written again when this is set (then review and commit docs/report.png).
UPDATE_SCREENSHOT = os.environ.get("AUTOFIX_UPDATE_SCREENSHOT")

#: A YAML template whose values and keys are markup and script (and a file name that is markup too).
HOSTILE_YAML = """\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: "</script><script>window.__pwned=1</script><!--<img src=x onerror=window.__pwned=2>"
      "<img src=x onerror=window.__pwned=3>": x
      BucketName: "</SCRIPT ><script>window.__pwned=5</script>"
"""
HOSTILE_NAME = "<svg onload=window.__pwned=4>&amp;.yaml"
#: The same in JSON, with raw U+2028, U+2029 and a bidi override in the values.
HOSTILE_JSON = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {
    "TopicName": "a\u2028b\u2029c\u202ed</script><script>window.__pwned=6</script>",
    "<iframe srcdoc='<script>parent.__pwned=7</script>'>": "\u2028</script>"}}}}, ensure_ascii=False, indent=2)
MARKERS = ["</script>", "<script>", "<!--", "<img", "<svg", "<iframe", "\u2028", "\u2029", "\u202e", "\x1b"]


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--no-progress"])
    return result.exit_code, result.stdout, result.stderr


def _data_block(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


class _Tags(HTMLParser):
    """Every start tag of a page, with its attributes, as an HTML parser reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _hostile(root: Path) -> Path:
    root.mkdir()
    (root / HOSTILE_NAME).write_text(HOSTILE_YAML, encoding="utf-8")
    (root / "topic.json").write_text(HOSTILE_JSON, encoding="utf-8")
    return root


def _report(tmp_path: Path, *args: str) -> tuple[Path, dict]:
    """Run ``args`` with ``--format html -o page.html --report report.json``; the page and the report."""
    page, report = tmp_path / "page.html", tmp_path / "report.json"
    code, _, err = _cli(*args, "--format", "html", "-o", str(page), "--report", str(report))
    assert code in (0, 1, 2), err
    return page, json.loads(report.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the page as text


def test_the_policy_allows_only_the_page_s_own_script_and_style(tmp_path: Path) -> None:
    page, _ = _report(tmp_path, "check", str(ROOT / "corpus" / "seed"))
    text = page.read_text(encoding="utf-8")
    [policy] = [a["content"] for tag, a in _tags(text) if tag == "meta" and a.get("http-equiv") ==
                "Content-Security-Policy"]

    def digest(source: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == digest(SCRIPT) and directives["style-src"] == digest(STYLE)
    assert "unsafe-inline" not in policy and "http" not in policy
    assert f"<script>{SCRIPT}</script>" in text and f"<style>{STYLE}</style>" in text
    assert not re.search(r"\b(src|href)=", text.split('<script type="application/json"')[0])  # nothing to fetch


def test_script_json_cannot_end_its_block() -> None:
    value = {"a": "</script><!--<script>&\u2028\u2029", "</script>": ["<!--"]}
    text = script_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_a_hostile_template_stays_data(tmp_path: Path) -> None:
    root = _hostile(tmp_path / "t")
    page, report = _report(tmp_path, "fix", "--diff", "--unsafe-fixes", str(root))
    text = page.read_text(encoding="utf-8")
    tags = _tags(text)
    assert [t for t, _ in tags].count("script") == 2
    assert {t for t, _ in tags} <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "noscript",
                                     "main", "section", "h2", "dl", "div", "table", "thead", "tr", "th", "tbody",
                                     "label", "select", "option", "input", "button", "span", "script"}
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    for marker in MARKERS:  # in the page only as the script's own two tags, never from the templates
        assert text.count(marker) == {"</script>": 2, "<script>": 1}.get(marker, 0), repr(marker)
    data = _data_block(text)
    messages = [f[3] for entry in data["files"] for f in entry["findings"]]
    assert any("</script><script>window.__pwned=1</script><!--<img" in m for m in messages)
    assert any('"a\\u2028b\\u2029c\\u202ed</script>' in d for d in data["diffs"])  # shown as escapes
    assert sorted(e["path"] for e in data["files"]) == sorted(str(p) for p in root.iterdir())
    assert report["summary"]["files"] == 2


def test_refused_errors_and_skipped_files_are_listed_with_their_reasons(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    (root / "big.yaml").write_text(GLOBAL_BURSTABLE + "#" * 2000 + "\n", encoding="utf-8")
    (root / "broken.yaml").write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Type: AWS::SNS::Topic\n",
                                      encoding="utf-8")
    (root / "ci.yaml").write_text("name: ci\non: push\n", encoding="utf-8")
    (root / "ok.yaml").write_text(GLOBAL_BURSTABLE, encoding="utf-8")
    page, report = _report(tmp_path, "check", "--max-bytes", "1K", str(root))
    data = _data_block(page.read_text(encoding="utf-8"))
    problems = {(Path(p["path"]).name, p["category"]) for p in data["problems"]}
    assert problems == {("big.yaml", "refused"), ("broken.yaml", "error"), ("ci.yaml", "skipped")}
    assert report["summary"]["errors"] == 2 and report["summary"]["skipped_not_templates"] == 1


def test_check_and_fix_pages_hold_what_json_reports(tmp_path: Path) -> None:
    corpus = str(ROOT / "corpus" / "seed")
    page, _ = _report(tmp_path, "check", corpus)
    data = _data_block(page.read_text(encoding="utf-8"))
    _, out, _ = _cli("check", "--format", "json", corpus)
    doc = json.loads(out)
    assert data["command"] == "check" and data["summary"] == doc["summary"]
    assert sorted((e["path"], f[0], f[1], f[2]) for e in data["files"] for f in e["findings"]) == sorted(
        (f["file"], f["rule"], f["line"], f["column"]) for f in doc["findings"])
    for entry in data["files"]:
        for rule in {f[0] for f in entry["findings"]}:
            assert data["rules"][rule]["url"].endswith("docs/rules.md#" + rule.lower() + "-" +
                                                       data["rules"][rule]["name"])

    fixed = tmp_path / "fixed"
    shutil.copytree(ROOT / "corpus" / "seed", fixed)
    page, report = _report(tmp_path, "fix", "--unsafe-fixes", str(fixed))
    data = _data_block(page.read_text(encoding="utf-8"))
    assert data["command"] == "fix" and not data["dryRun"] and data["summary"] == report["summary"]
    assert sum(len(e["fixes"]) for e in data["files"]) == sum(report["summary"]["fixes"].values()) > 0
    assert len(data["diffs"]) == report["summary"]["files_changed"] > 0
    assert all(d.startswith("--- ") and "\n+++ " in d for d in data["diffs"])


# ---------------------------------------------------------------- the page in Chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def _open(driver, page: Path) -> int:
    driver.get(page.as_uri())
    return int(wait_until(driver, "document.body.getAttribute('data-ready')"))


def _shown_counts(driver) -> dict[str, int]:
    return driver.execute_script(
        "var out = {}; document.querySelectorAll('#totals dd').forEach(function (d) {"
        " out[d.getAttribute('data-count')] = Number(d.textContent); }); return out;")


def _rule_rows(driver) -> dict[str, list[int]]:
    return driver.execute_script(
        "var out = {}; document.querySelectorAll('#rules tbody tr').forEach(function (tr) {"
        " out[tr.getAttribute('data-rule')] = Array.prototype.map.call(tr.querySelectorAll('td.n'),"
        " function (td) { return Number(td.textContent); }); }); return out;")


def _console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


#: The project's corpus with every fix; the shared one (1,860 files) with the safe fixes, which keeps it quick.
BATCHES = [pytest.param(str(ROOT / "corpus"), ["--unsafe-fixes"], id="project-corpus"),
           pytest.param(SHARED, [], id="shared-corpus", marks=pytest.mark.skipif(
               not SHARED or not Path(SHARED).is_dir(), reason="AUTOFIX_CORPUS not set"))]


@pytest.mark.parametrize(("corpus", "options"), BATCHES)
def test_a_real_batch_in_the_browser(browser, tmp_path: Path, corpus: str, options: list[str]) -> None:
    page, report = _report(tmp_path, "fix", "--diff", *options, corpus)
    _open(browser, page)
    assert _console_errors(browser) == []  # the policy let the page's own script and style run
    summary = report["summary"]
    assert _shown_counts(browser) == {
        "files": summary["files"], "templates": summary["templates"], "findings": sum(summary["findings"].values()),
        "fixes": sum(summary["fixes"].values()), "files_changed": summary["files_changed"],
        "errors": summary["errors"], "skipped": summary["skipped_not_templates"]}
    rows = _rule_rows(browser)
    assert {r: v[0] for r, v in rows.items() if v[0]} == summary["findings"]
    assert {r: v[4] for r, v in rows.items() if v[4]} == summary["fixes"]
    assert all(v[4] == v[5] + v[6] for v in rows.values())  # fixes: safe + unsafe

    # a diff is drawn only when asked for
    assert browser.execute_script("return document.querySelectorAll('pre.diff').length") == 0
    first = browser.find_element("css selector", "details.file:has(.badge.changed)")
    first.find_element("css selector", "summary").click()
    diff = first.find_element("css selector", "details.diff")
    diff.find_element("css selector", "summary").click()
    pre = first.find_element("css selector", "pre.diff")
    assert pre.is_displayed()
    lines = [s.text for s in pre.find_elements("css selector", "span")]
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ") and lines[2].startswith("@@")
    assert any(line.startswith("+") for line in lines[3:])
    added = pre.find_element("css selector", "span.add")
    assert added.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"  # the style applies

    # a filter by rule shows exactly the files with a finding or a fix of that rule
    rule = max(summary["fixes"], key=summary["fixes"].get)
    data = _data_block(page.read_text(encoding="utf-8"))
    expected = sorted(e["path"] for e in data["files"] if any(x[0] == rule for x in e["findings"] + e["fixes"]))
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "filter-rule")).select_by_value(rule)
    visible = browser.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('details.file:not(.hidden) .path'),"
        " function (e) { return e.textContent; });")
    assert sorted(visible) == expected
    assert browser.find_element("id", "shown").text == f"showing {len(expected)} of {len(data['files'])} files"
    Select(browser.find_element("id", "filter-applicability")).select_by_value("unsafe")
    unsafe = sorted(e["path"] for e in data["files"] if any(x[0] == rule and x[1] == "unsafe" for x in e["fixes"])
                    or any(x[0] == rule and x[4] == "unsafe" for x in e["findings"]))
    assert int(browser.find_element("tag name", "body").get_attribute("data-shown")) == len(unsafe)
    browser.find_element("id", "filter-clear").click()
    assert int(browser.find_element("tag name", "body").get_attribute("data-shown")) == len(data["files"])

    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_a_check_page_shows_findings_and_no_fix_columns(browser, tmp_path: Path) -> None:
    page, report = _report(tmp_path, "check", str(ROOT / "corpus" / "seed"), str(ROOT / "corpus" / "DR007"
                                                                                 "-aurora-global-burstable-class"))
    _open(browser, page)
    summary = report["summary"]
    assert _shown_counts(browser) == {
        "files": summary["files"], "templates": summary["templates"], "findings": sum(summary["findings"].values()),
        "errors": summary["errors"], "skipped": summary["skipped_not_templates"]}
    assert {r: v[0] for r, v in _rule_rows(browser).items()} == summary["findings"]
    assert not browser.find_element("css selector", "#rules th.fx").is_displayed()
    file = browser.find_element("css selector", "details.file")
    file.find_element("css selector", "summary").click()
    wait_until(browser, "document.querySelector('details.file .finding')")
    finding = file.find_element("css selector", ".finding")
    assert re.fullmatch(r"\d+:\d+", finding.find_element("css selector", ".where").text)
    assert finding.find_element("css selector", "pre.src").text.strip()  # the line itself


def test_a_hostile_template_cannot_run_script_or_add_markup_in_the_browser(browser, tmp_path: Path) -> None:
    root = _hostile(tmp_path / "t")
    page, _ = _report(tmp_path, "fix", "--diff", "--unsafe-fixes", str(root))
    _open(browser, page)
    diffs = len(_data_block(page.read_text(encoding="utf-8"))["diffs"])
    assert diffs == 2
    # every finding and every diff drawn
    browser.execute_script("document.querySelectorAll('details.file').forEach(function (d) { d.open = true; });")
    wait_until(browser, f"document.querySelectorAll('details.diff').length === {diffs}")
    browser.execute_script("document.querySelectorAll('details.diff').forEach(function (d) { d.open = true; });")
    wait_until(browser, f"document.querySelectorAll('pre.diff').length === {diffs}")
    assert browser.execute_script("return window.__pwned === undefined && window.parent.__pwned === undefined")
    counts = browser.execute_script(
        "return [document.scripts.length, document.querySelectorAll('img, svg image, iframe').length,"
        " document.querySelectorAll('svg').length];")
    assert counts == [2, 0, 1]  # the page's two scripts; the chart is the one svg
    text = browser.find_element("tag name", "body").text
    assert "</script><script>window.__pwned=1</script><!--<img src=x onerror=window.__pwned=2>" in text
    assert "<img src=x onerror=window.__pwned=3>" in text and HOSTILE_NAME in text
    assert '-        "TopicName": "a\\u2028b\\u2029c\\u202ed</script><script>window.__pwned=6</script>",' in text
    assert _console_errors(browser) == []  # not even a blocked attempt: nothing tried to run


def test_the_readme_screenshot(browser, tmp_path: Path, monkeypatch) -> None:
    """The page of ``fix --diff --unsafe-fixes corpus/seed``, a file and its diff open, as docs/report.png
    shows it (written again with AUTOFIX_UPDATE_SCREENSHOT=1)."""
    monkeypatch.chdir(ROOT)
    page, _ = _report(tmp_path, "fix", "--diff", "--unsafe-fixes", "corpus/seed")
    _open(browser, page)
    browser.execute_script("document.querySelector('details.file:has(.badge.changed)').open = true;")
    wait_until(browser, "document.querySelector('details.diff')")
    browser.execute_script("document.querySelector('details.diff').open = true;")
    wait_until(browser, "document.querySelector('pre.diff')")
    target = ROOT / "docs" / "report.png" if UPDATE_SCREENSHOT else tmp_path / "report.png"
    browser.set_window_size(1280, 1800)
    browser.execute_script("window.scrollTo(0, 0)")
    assert browser.save_screenshot(str(target))
    assert (ROOT / "docs" / "report.png").is_file(), "run with AUTOFIX_UPDATE_SCREENSHOT=1 to write it"
