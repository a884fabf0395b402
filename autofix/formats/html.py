"""``--format html``: one self-contained page for reviewing a batch run in a browser.

The page works offline, opened from disk: everything it shows is embedded in it (a ``file://``
page may not fetch files beside it), and its Content-Security-Policy forbids every fetch and
runs only the page's own script and style, named by their SHA-256 hashes.  It shows:

* a summary by family and rule, with a chart of findings and fixes by applicability;
* files refused (unread, or whose fixes were not written), errors and skipped files, each with
  its reason;
* per file, the findings at their lines (with the line itself) and, after ``fix``, the unified
  diff of what it changed or would change (``--diff``), rendered when opened;
* filters by rule, family, applicability and path, and a link to each rule's documentation.

Every value from a template or a file name is untrusted.  It is escaped as for the other
formats (:func:`autofix.escape.visible`: controls, bidi overrides and invisible characters are
shown as escapes) and then written only as data: the page's script puts text into the document
with ``textContent`` and attributes it builds itself, never as markup.  The data sits in a
``<script type="application/json">`` block, as JSON whose ``<``, ``>`` and ``&`` are ``\\u``
escapes, so no value can close that block or open a comment in it (``</script>``, ``<!--``);
U+2028 and U+2029 are escaped as well (:func:`autofix.escape.dumps`).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections import Counter
from typing import TYPE_CHECKING, Any

from autofix import __version__
from autofix.escape import dumps, visible
from autofix.formats.base import Reporter
from autofix.plan import allowed
from autofix.report import unified_diff
from autofix.ruledocs import RULES_DOC_URL, help_uri

if TYPE_CHECKING:
    from typing import TextIO

    from autofix.model import Finding
    from autofix.pipeline import ErrorEntry, FileResult
    from autofix.report import Summary
    from autofix.rules.base import Rule
    from autofix.settings import Settings

#: Source lines shown beside findings are cut to this many characters.
LINE_LIMIT = 240

#: Messages (autofix's own words) of errors that mean a file was refused unread or a fix not written.
_REFUSALS = ("file is larger than the limit", "input is larger than the limit", "fix failed verification",
             "fix not written", "fixes did not converge")


def _text(value: object) -> str:
    """An untrusted value as the page shows it: every invisible or control character escaped, but tabs."""
    return visible(value, keep="\t")


def _applicability(f: Finding) -> str:
    return f.fix.applicability.value if f.fix is not None and f.fix.operations else "none"


def _lines(text: str | None) -> list[str]:
    return text.split("\n") if text else []


def script_json(value: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: nothing in it can end the block or start a
    comment (``<``, ``>`` and ``&`` as ``\\u`` escapes), and U+2028/U+2029 are escaped too."""
    return dumps(value, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def _category(e: ErrorEntry, explicit: bool) -> str:
    """Where an error entry is listed: ``skipped`` (a file met in a walk that is no template),
    ``refused`` (refused unread, or its fixes not written), else ``error``."""
    if e.kind == "not-a-template" and not explicit:
        return "skipped"
    if e.kind == "write" or e.message.startswith(_REFUSALS):
        return "refused"
    return "error"


def _rule_info(rule: Rule) -> dict[str, Any]:
    return {"name": _text(rule.name), "family": _text(rule.family), "url": help_uri(rule),
            "summary": _text(rule.summary),
            "fix": rule.fix_applicability.value if rule.fix_applicability else "none"}


class HtmlReporter(Reporter):
    """Collects the run's results and writes the page at the end."""

    def __init__(self, out: TextIO, settings: Settings, *, fix: bool = False, color: bool | None = None,
                 dry_run: bool = False) -> None:
        super().__init__(out, settings, fix=fix, color=color)
        self.dry_run = dry_run
        self.files: list[dict[str, Any]] = []
        self.problems: list[dict[str, Any]] = []
        self.diffs: list[str] = []
        self.rule_ids: set[str] = set()

    def add(self, result: FileResult, explicit: bool) -> None:
        """Turn a result into the page's data at once, so that its texts need not be kept."""
        for e in result.errors:  # with the files a walk skipped, which the other formats leave out
            self.problems.append(self._problem(e, explicit))
        if not result.findings and not result.applied and not result.changed:
            return
        shown = result.fixed if result.changed else result.original
        lines = _lines(shown)
        findings = []
        for f in result.findings:
            self.rule_ids.add(f.rule_id)
            source = lines[f.line - 1] if f.line and 0 < f.line <= len(lines) else ""
            findings.append([_text(f.rule_id), f.line or 0, f.column or 0, _text(f.message), _applicability(f),
                             allowed(f, self.settings), _text(source.removesuffix("\r")[:LINE_LIMIT]),
                             _text(f.resource or ""), _text(f.fix.description if f.fix else "")])
        fixes = []
        for a in result.applied:
            self.rule_ids.add(a["rule"])
            fixes.append([_text(a["rule"]), a.get("applicability", "safe"), _text(a["description"]),
                          _text(a["path"])])
        entry: dict[str, Any] = {"path": _text(result.file), "findings": findings, "fixes": fixes}
        if result.changed:
            diff = unified_diff(result.file, result.original or "", result.fixed or "")
            entry["diff"] = len(self.diffs)
            self.diffs.append("\n".join(_text(line.removesuffix("\r")) for line in diff.split("\n")[:-1]))
        self.files.append(entry)

    def _problem(self, e: ErrorEntry, explicit: bool) -> dict[str, Any]:
        return {"path": _text(e.file), "line": e.line or 0, "column": e.column or 0, "message": _text(e.message),
                "rule": _text(e.rule or ""), "category": _category(e, explicit)}

    def data(self, summary: Summary | None) -> dict[str, Any]:
        """Everything the page shows, as plain data (tests read it too).

        Rows are lists, to keep a report of thousands of files small: ``files`` holds ``{"path",
        "findings", "fixes", "diff"?}`` for each file with findings or fixes, a finding as ``[rule, line,
        column, message, applicability ("none": no fix), fixable with these options, the line's text,
        resource, fix description]``, a fix applied as ``[rule, applicability, description, pointer]``,
        and ``diff`` the index of its unified diff in ``diffs``; ``problems`` holds every error entry
        with its ``category`` (see :func:`_category`).
        """
        from autofix.registry import all_rules
        from autofix.suppressions import UNUSED_SUPPRESSION

        rules = {r.id: _rule_info(r) for r in all_rules() if r.id in self.rule_ids}
        for rule_id in sorted(self.rule_ids - rules.keys()):
            url = f"{RULES_DOC_URL}#suppressions" if rule_id == UNUSED_SUPPRESSION else RULES_DOC_URL
            rules[rule_id] = {"name": _text(rule_id), "family": "", "url": url, "summary": "", "fix": "none"}
        totals = summary.as_dict() if summary is not None else _totals(self.files, self.problems)
        return {
            "version": __version__,
            "command": "fix" if self.fix else "check",
            "dryRun": self.dry_run,
            "unsafeFixes": bool(self.settings.unsafe_fixes),
            "summary": _escaped(totals),
            "rules": {_text(k): v for k, v in sorted(rules.items())},
            "files": self.files,
            "problems": self.problems,
            "diffs": self.diffs,
        }

    def finish(self, summary: Summary | None = None) -> None:
        self.out.write(page(self.data(summary)))


def _escaped(value: Any) -> Any:
    """The summary's rule ids (keys) escaped like every other untrusted string."""
    if isinstance(value, dict):
        return {_text(k): _escaped(v) for k, v in value.items()}
    return value


def _totals(files: list[dict[str, Any]], problems: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals when no summary is given (standard input): counted from the files themselves."""
    findings = Counter(f[0] for entry in files for f in entry["findings"])
    fixes = Counter(x[0] for entry in files for x in entry["fixes"])
    return {"files": 1, "templates": 1, "skipped_not_templates": 0,
            "files_changed": sum(1 for entry in files if "diff" in entry),
            "errors": sum(1 for p in problems if p["category"] != "skipped"),
            "findings": dict(sorted(findings.items())), "fixes": dict(sorted(fixes.items()))}


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def page(data: dict[str, Any]) -> str:
    """The HTML page for ``data``: static markup, the hashed style and script, and the data block."""
    policy = (f"default-src 'none'; script-src {_hash(SCRIPT)}; style-src {_hash(STYLE)}; img-src 'none'; "
              "base-uri 'none'; form-action 'none'")
    title = f"autofix {data['command']}{' --diff' if data['dryRun'] else ''} report"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{BODY}"
        f"<script type=\"application/json\" id=\"report-data\">{script_json(data)}</script>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


BODY = """\
<header><h1 id="title">autofix report</h1><p id="meta"></p></header>
<noscript><p class="warn">This report is drawn by its own script: allow scripts for this file to see it.</p></noscript>
<main>
<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>
<dl id="totals"></dl>
<div id="chart" role="img" aria-label="Findings and fixes by family and applicability"></div>
<table id="rules"><thead><tr><th>Rule</th><th>Name</th><th>Family</th><th>Fix</th><th>Findings</th>
<th>safe</th><th>unsafe</th><th>no fix</th><th class="fx">Fixes</th><th class="fx">safe</th><th class="fx">unsafe</th>
<th></th></tr></thead>
<tbody></tbody></table>
</section>
<section id="problems" aria-labelledby="problems-h"><h2 id="problems-h">Refused, errors and skipped files</h2>
<div id="problem-lists"></div></section>
<section id="files" aria-labelledby="files-h"><h2 id="files-h">Files</h2>
<div id="filters">
<label>Rule <select id="filter-rule"><option value="">all</option></select></label>
<label>Family <select id="filter-family"><option value="">all</option></select></label>
<label>Applicability <select id="filter-applicability"><option value="">all</option>
<option value="safe">safe</option><option value="unsafe">unsafe</option>
<option value="display-only">display-only</option><option value="none">no fix</option></select></label>
<label>Path <input id="filter-path" type="search" placeholder="part of a path"></label>
<button id="filter-clear" type="button">Clear filters</button>
<span id="shown" aria-live="polite"></span>
</div>
<div id="file-list"></div>
</section>
</main>
"""


def _asset(name: str) -> str:
    with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as handle:
        return handle.read()


#: The page's style and script, kept as files of their own beside this module.
STYLE = _asset("html_page.css")
SCRIPT = _asset("html_page.js")
