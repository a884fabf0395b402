"""Every registered rule, held to the interface (pre-commit's model: one test for every plugin).

A rule is findable by its id everywhere: the module that declares it (a class, or an
instance of a class its family shares) is named after it inside its family's package,
it has corpus cases under ``corpus/<ID>-<name>/`` (one that
it fixes or reports, and one it must leave alone), a unit test file named after
it, complete documentation, and, where it writes larger values, a patch fragment
``patches/<ID>-<name>.yaml``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from corpus_cases import ROOT as CORPUS
from corpus_cases import all_cases

from autofix.registry import all_rules, families, validate_rule
from autofix.rules.base import DOC_SECTIONS
from autofix.rules.lazy import LazyRule, real_rule

PROJECT = Path(__file__).resolve().parent.parent
#: The built-in rules themselves (the registry holds them lazily, see autofix/rules/lazy.py).
RULES = [real_rule(r) for r in all_rules() if type(real_rule(r)).__module__.startswith("autofix.rules.")]
#: The module that declares each built-in rule (its family's ``module:attr`` spec), by id: a rule class's
#: own module, or the module holding a rule that is an instance of a shared class (HY003-HY005).
DECLARED_IN = {r.id: r.entry.spec.partition(":")[0] for r in all_rules() if isinstance(r, LazyRule)}
CASES = all_cases()


def _slug(rule) -> str:
    return f"{rule.id.lower()}_{rule.name.replace('-', '_')}"


def _has_own_module(rule) -> bool:
    """Whether the rule's module declares it alone (rules generated from data may share one module)."""
    return list(DECLARED_IN.values()).count(DECLARED_IN[rule.id]) == 1


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_honours_the_registry_interface(rule) -> None:
    # a run never validates built-in rules (it would import them all): this test does
    validate_rule(rule)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_module_lives_in_its_family_and_is_named_after_the_rule(rule) -> None:
    module = DECLARED_IN[rule.id]
    family = next(f for f in families() if f.prefix == rule.family)
    package = module.rsplit(".", 1)[0]
    assert package == f"autofix.rules.{family.table}", f"{rule.id} lives in {package}"
    assert type(rule).__module__.rsplit(".", 1)[0] == package, f"{rule.id}'s class lives outside its family"
    # rules generated from data may share one module; every other rule has its own, named after it
    if _has_own_module(rule):
        assert module.rsplit(".", 1)[1] == _slug(rule)
    else:
        assert rule.doc is not None, f"{rule.id} shares {module} but has no documentation of its own"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_is_complete(rule) -> None:
    sections = rule.doc_sections()
    for title in DOC_SECTIONS:
        assert len(sections.get(title, "").split()) >= 3, f"{rule.id}: section {title!r} is empty or a stub"
    assert "```" in sections["Example"], f"{rule.id}: the example shows no template"
    assert re.search(r"https://\S+", sections["References"]), f"{rule.id}: references link nowhere"
    applicability = rule.fix_applicability.value if rule.fix_applicability else None
    if applicability:
        assert applicability.split("-")[0] in sections["Fix safety"].lower(), \
            f"{rule.id}: Fix safety does not say the fix is {applicability}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_corpus_cases_that_exercise_it(rule) -> None:
    folder = CORPUS / f"{rule.id}-{rule.name}"
    assert folder.is_dir(), f"{rule.id}: no corpus cases under corpus/{folder.name}/"
    cases = [c for c in CASES if c.rule_folder == folder.name]
    reported = [c for c in cases if any(f["rule"] == rule.id for f in json.loads(c.findings.read_text()))]
    quiet = [c for c in cases if not any(f["rule"] == rule.id for f in json.loads(c.findings.read_text()))]
    assert reported, f"{rule.id}: no corpus case where it reports anything"
    assert quiet, f"{rule.id}: no negative corpus case (a template it must leave alone)"
    if rule.fix_applicability is not None:
        assert any(c.output.exists() for c in reported), f"{rule.id}: no corpus case shows its fix"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_its_own_unit_tests(rule) -> None:
    assert (PROJECT / "tests" / f"test_{_slug(rule)}.py").exists() or not _has_own_module(rule), \
        f"{rule.id}: add tests/test_{_slug(rule)}.py"


def test_corpus_folders_name_registered_rules() -> None:
    known = {f"{r.id}-{r.name}" for r in all_rules()}
    for folder in sorted(p.name for p in CORPUS.iterdir() if p.is_dir()):
        assert folder == "seed" or folder in known, f"corpus/{folder} names no registered rule"


_ODD_TYPES = {"Resources": {
    "Module": {"Type": {"Rain::Module": "bucket.yaml"}, "Properties": {"Name": "x"}},
    "Listed": {"Type": ["AWS::S3::Bucket"]},
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "data"}},
}}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_a_resource_type_that_is_not_a_string_is_no_crash(rule) -> None:
    # a short-form tag on Type (`!Rain::Module file.yaml`) reads as a mapping: tables of types must not
    # be looked up with it (found on AWS's own samples, where six rules crashed on it)
    from autofix.context import RuleContext
    from autofix.settings import Settings

    list(rule.check(RuleContext(_ODD_TYPES), Settings()))
