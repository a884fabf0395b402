"""Every finding's message is one sentence of at most 160 characters, on every template we have.

A message is the line people scan: what is wrong, in one sentence.  The why, the plan and the
reasons a fix is refused belong in the finding's ``detail`` (shown with ``--show-fixes``, in JSON
and in SARIF).  Checked on the findings of every case under ``corpus/`` and, when AUTOFIX_CORPUS
is set, of every template of the shared corpus, with every rule selected.

Rules whose messages are still too long are listed below as strict expected failures: shorten
the rule's messages (moving the rest to ``detail``), then remove its id from the list (a rule
that passes while listed fails the run, so the list cannot go stale).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
import shared_corpus
from corpus_cases import all_cases

from autofix.errors import AutofixError
from autofix.pipeline import process_text
from autofix.registry import all_rules
from autofix.rules.base import MAX_MESSAGE
from autofix.settings import Settings

MAX_LENGTH = MAX_MESSAGE
TOO_LONG = "message too long: shortened with the rule's detail field"

#: Rules whose messages break the rule on the repository's corpus cases.
LONG_IN_CORPUS: frozenset[str] = frozenset()
#: Rules whose messages break the rule on the shared corpus.
LONG_IN_SHARED: frozenset[str] = frozenset()

#: quoted values and Fn::Sub variables, which may hold anything
_QUOTED = re.compile(r"'[^']*'|`[^`]*`|\"[^\"]*\"|\$\{[^}]*\}")
#: the end of a sentence and the start of another (quoted values, which may hold anything, aside)
_NEXT_SENTENCE = re.compile(r"[.!?]\s+[A-Z(]")


def problem(message: str) -> str | None:
    """Why ``message`` is not one sentence of at most :data:`MAX_LENGTH` characters (None: it is)."""
    if "\n" in message or "\r" in message:
        return "spans lines"
    if len(message) > MAX_LENGTH:
        return f"{len(message)} characters"
    if _NEXT_SENTENCE.search(_QUOTED.sub("''", message)):
        return "more than one sentence"
    return None


@pytest.mark.parametrize(("message", "why"), [
    ("Bucket has no replication", None),
    ("Function uses runtime python3.9, deprecated since 2025-12-15; use python3.14", None),
    ("Parameter 'A. B' is unused", None),  # a quoted value may hold anything
    ("Fn::Sub names AWS::Region: ${ AWS::Region} -> ${! AWS::Region}", None),
    ("x" * 161, "161 characters"),
    ("Bucket has no replication. Add one", "more than one sentence"),
    ("Bucket has no replication\nreally", "spans lines"),
])
def test_what_counts_as_one_short_sentence(message: str, why: str | None) -> None:
    assert problem(message) == why


ALL = Settings(select=("ALL",))


@lru_cache(maxsize=2)
def _messages(source: str) -> dict[str, list[tuple[str, str]]]:
    """Per rule id, every (where, message) its findings have on the templates of ``source``."""
    found: dict[str, list[tuple[str, str]]] = {}
    if source == "corpus":
        inputs = [(case.id, case.input, case.settings()) for case in all_cases()]
    else:
        root = shared_corpus.ROOT
        inputs = [(str(p.relative_to(root)), p, ALL) for p in shared_corpus.files()] if root else []
    for where, path, settings in inputs:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        try:
            result = process_text(text, str(path), settings)
        except AutofixError:
            continue
        for finding in result.findings:
            found.setdefault(finding.rule_id, []).append((f"{where}:{finding.line}", finding.message))
    return found


def _params(listed: frozenset[str]) -> list:
    return [pytest.param(rule.id, id=rule.id,
                         marks=[pytest.mark.xfail(strict=True, reason=TOO_LONG)] if rule.id in listed else [])
            for rule in all_rules()]


def _check(source: str, rule_id: str) -> None:
    bad = [f"{where}: {why}: {message[:100]}..." for where, message in _messages(source).get(rule_id, [])
           if (why := problem(message))]
    assert not bad, f"{rule_id}: {len(bad)} messages are not one sentence of at most {MAX_LENGTH} characters:\n" + \
        "\n".join(bad[:10])


@pytest.mark.parametrize("rule_id", _params(LONG_IN_CORPUS))
def test_corpus_messages_are_one_short_sentence(rule_id: str) -> None:
    _check("corpus", rule_id)


# the findings of the whole shared corpus are gathered once per worker: one worker takes every rule's test
@pytest.mark.xdist_group("shared-messages")
@shared_corpus.needed
@pytest.mark.parametrize("rule_id", _params(LONG_IN_SHARED))
def test_shared_corpus_messages_are_one_short_sentence(rule_id: str) -> None:
    _check("shared", rule_id)
