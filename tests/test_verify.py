"""Verify before writing, and rules that fail: deliberately broken rules registered for one test.

A fix whose output does not parse, disagrees with its patch, or is not clean by the detectors'
verdict is "fix failed verification" naming the rules, the file is untouched and the batch goes
on; a rule that raises (in check(), lazily while yielding, or by handing the engine a fix it
cannot apply) is an error entry for that rule and file, never a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from samples import FIXABLE_YAML, FIXED_YAML, cli

import autofix.registry
import autofix.runner
from autofix.detect import Detection
from autofix.errors import RuleError, VerificationError
from autofix.rules.base import Applicability, Finding, Fix, Rule
from autofix.settings import Settings
from autofix.verify import Candidate, verify

DOC = """## What it does
A rule that exists only in the tests.

## Why is this bad?
It is broken on purpose.

## Example
None.

## Fix safety
Safe.

## References
None.
"""


class _TestRule(Rule):
    __doc__ = DOC
    summary = "broken on purpose"
    fix_applicability = Applicability.SAFE


class MutatesItsInput(_TestRule):
    """Fixes the description, and meanwhile writes into the data it was only meant to read."""

    __doc__ = DOC
    id, name = "TST901", "mutates-its-input"

    def check(self, template, settings) -> Iterator[Finding]:
        if template.data.get("Description") == "broken":
            template.data["Metadata"] = {"sneaked": "in"}
            yield self.finding("/Description", "bad description",
                               fix=self.fix([{"op": "add", "path": "/Description", "value": "fixed"}], "fix it"))


class CrashesOnTheFixedOutput(_TestRule):
    __doc__ = DOC
    id, name = "TST903", "crashes-on-the-fixed-output"

    def check(self, template, settings) -> Iterator[Finding]:
        if "db.r5.large" in str(template.data):
            raise RuntimeError("did not expect a fixed template")
        return iter(())


class CrashesInCheck(_TestRule):
    __doc__ = DOC
    id, name = "TST904", "crashes-in-check"

    def check(self, template, settings) -> Iterator[Finding]:
        if "Crash" in template.resources:
            raise ValueError("boom")
        return iter(())


class CrashesWhileYielding(_TestRule):
    __doc__ = DOC
    id, name = "TST905", "crashes-while-yielding"

    def check(self, template, settings) -> Iterator[Finding]:
        if "Crash" in template.resources:
            yield self.finding("/Resources/Crash", "first")
            raise KeyError("second")


class WritesAnObject(_TestRule):
    __doc__ = DOC
    id, name = "TST906", "writes-an-object"

    def check(self, template, settings) -> Iterator[Finding]:
        if "Crash" in template.resources:
            yield self.finding("/Resources/Crash", "odd",
                               fix=self.fix([{"op": "add", "path": "/Resources/Crash/X", "value": object()}], "x"))


class FixesAMissingPath(_TestRule):
    __doc__ = DOC
    id, name = "TST907", "fixes-a-missing-path"

    def check(self, template, settings) -> Iterator[Finding]:
        if "Crash" in template.resources:
            yield self.finding("/Resources/Crash", "gone",
                               fix=self.fix([{"op": "remove", "path": "/Resources/Nope/Properties"}], "x"))


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch):
    """Register test rules as plugins for the duration of one test."""

    def add(*rules: type[Rule]) -> None:
        class EntryPoint:
            def __init__(self, obj):
                self.obj = obj

            def load(self):
                return self.obj

        monkeypatch.setattr(autofix.registry, "entry_points",
                            lambda group: [EntryPoint(r) for r in rules] if group == "autofix.rules" else [])
        autofix.registry.reset()

    yield add
    monkeypatch.undo()
    autofix.registry.reset()


CRASH = FIXABLE_YAML + "  Crash:\n    Type: AWS::SNS::Topic\n"


def _batch(tmp_path: Path, first: str) -> tuple[Path, Path]:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(first)
    b.write_text(FIXABLE_YAML)
    return a, b


def test_a_rule_that_mutates_its_input_is_that_rules_error(tmp_path: Path, register) -> None:
    """Rules read a read-only view: the write fails inside the rule, which becomes that rule's error.

    The data every other rule sees, and the fixed output, are unaffected.
    """
    register(MutatesItsInput)
    a, b = _batch(tmp_path, FIXABLE_YAML.replace("Resources:", "Description: broken\nResources:"))
    out = cli("fix", "-j", "1", str(tmp_path))
    assert out.code == 2
    assert out.error_lines == [f"{a}: error: TST901: rule crashed: TypeError: rules read the template; they change "
                               "it only through fixes"]
    assert "sneaked" not in a.read_text() and "Description: broken" in a.read_text()
    assert b.read_text() == FIXED_YAML  # the batch went on


ORIGINAL = "Description: old\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
FIXED = ORIGINAL.replace("old", "new")
PATCH = [{"op": "replace", "path": "/Description", "value": "new"}]
NOTHING = Detection([], [], [])
LATE = Finding("TST902", "/Description", "late finding", fix=Fix(({"op": "replace", "path": "/Description",
                                                                  "value": "x"},), "late", Applicability.SAFE))
CRASH_ON_OUTPUT = RuleError("TST903", "rule crashed: RuntimeError: boom")


def candidate(fixed: str = FIXED, patch: list | None = None, detection: Detection = NOTHING) -> Candidate:
    return Candidate("t.yaml", "yaml", ORIGINAL, fixed, PATCH if patch is None else patch, ("TST900",), detection)


def test_an_output_that_passes_the_three_proofs_comes_back_parsed_afresh() -> None:
    document = verify(candidate(), Settings())
    assert document.dumps() == FIXED and document.data["Description"] == "new"
    # what the input already had, or a fix already reported as failing, is not held against the output
    assert verify(candidate(detection=Detection([LATE], [CRASH_ON_OUTPUT], [])), Settings(),
                  known_errors={CRASH_ON_OUTPUT.identity}, excused={("TST902", "/Description")}).dumps() == FIXED


@pytest.mark.parametrize(("made", "why"), [
    (candidate(fixed="Description: [new\n"), "output does not parse: "),
    (candidate(patch=[{"op": "remove", "path": "/Nope"}]), "patch does not apply to input: "),
    (candidate(fixed=FIXED.replace("new", "other")), "output differs from input + patch; nothing written"),
    (candidate(detection=Detection([], [CRASH_ON_OUTPUT], [])), "TST903 crashed on the output; nothing written"),
    # the loop's last detection is judged, not trusted: fixes left on it mean the loop stopped early
    (candidate(detection=Detection([LATE], [], [])), "TST902 still has fixes to apply; nothing written"),
])
def test_each_proof_refuses_an_output(made: Candidate, why: str) -> None:
    with pytest.raises(VerificationError) as refused:
        verify(made, Settings())
    assert refused.value.message.startswith(f"fix failed verification (TST900): {why}")


def test_a_rule_that_crashes_only_on_the_output_fails_verification(tmp_path: Path, register) -> None:
    register(CrashesOnTheFixedOutput)
    a, _ = _batch(tmp_path, FIXABLE_YAML)
    out = cli("fix", str(a))
    assert out.code == 2
    assert out.error_lines == [f"{a}: error: fix failed verification (DR007): TST903 crashed on the output; "
                               "nothing written"]
    assert a.read_text() == FIXABLE_YAML


@pytest.mark.parametrize(("rule", "message"), [
    (CrashesInCheck, "TST904: rule crashed: ValueError: boom"),
    (CrashesWhileYielding, "TST905: rule crashed: KeyError: 'second'"),
    (WritesAnObject, "TST906: rule produced an invalid finding: fix operation add at /Resources/Crash/X "
                     "writes a value of type object, not JSON data"),
    (FixesAMissingPath, "TST907: fix could not be applied: patch does not apply: "
                        "remove /Resources/Nope/Properties: no such path"),
])
@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_failing_rule_is_an_error_entry_for_that_rule_and_file(tmp_path: Path, register, command: str,
                                                                 rule: type[Rule], message: str) -> None:
    register(rule)
    a, b = _batch(tmp_path, CRASH)
    out = cli(command, "-j", "1", str(tmp_path))
    if command == "check" and rule is FixesAMissingPath:  # its fix is only tried when fixing
        assert (out.code, out.error_lines) == (1, [])
        return
    assert out.code == 2
    assert out.error_lines == [f"{a}: error: {message}"]
    if command == "fix":  # the other rules' fixes are verified on their own and written
        assert a.read_text() == CRASH.replace("db.t3.medium", "db.r5.large")
        assert b.read_text() == FIXED_YAML
    else:
        assert (a.read_text(), b.read_text()) == (CRASH, FIXABLE_YAML)


def test_a_failing_rule_in_json_output(tmp_path: Path, register) -> None:
    import json

    register(CrashesInCheck)
    a, _ = _batch(tmp_path, CRASH)
    out = cli("check", "--format", "json", str(a))
    assert out.code == 2
    errors = json.loads(out.stdout)["errors"]
    assert errors == [{"file": str(a), "line": None, "column": None, "rule": "TST904",
                       "message": "TST904: rule crashed: ValueError: boom"}]


def test_an_engine_failure_inside_a_fix_is_an_error_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edit engine failing on a valid fix is autofix's internal error (naming the fix), not the rule's."""
    import autofix.apply

    def broken(doc, operations):
        raise IndexError("splice out of range")

    monkeypatch.setattr(autofix.apply, "apply_operations_traced", broken)
    a = tmp_path / "a.yaml"
    a.write_text(FIXABLE_YAML)
    out = cli("fix", str(a))
    assert out.code == 2
    (line,) = out.error_lines
    assert line.startswith(f"{a}: error: internal error: the edit engine could not write DR007's fix at /Resources/")
    assert line.endswith(": IndexError: splice out of range")
    assert a.read_text() == FIXABLE_YAML


def test_an_internal_error_costs_one_file_not_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = autofix.runner.process_text

    def buggy(text, filename, settings, *, fix=False):
        if filename.endswith("a.yaml"):
            raise AttributeError("'NoneType' object has no attribute 'items'")
        return real(text, filename, settings, fix=fix)

    monkeypatch.setattr(autofix.runner, "process_text", buggy)
    a, b = _batch(tmp_path, FIXABLE_YAML)
    out = cli("fix", "-j", "1", str(tmp_path))
    assert out.code == 2
    assert out.error_lines == [f"{a}: error: internal error: AttributeError: 'NoneType' object has no attribute "
                               "'items' (please report this; the file was left untouched)"]
    assert a.read_text() == FIXABLE_YAML
    assert b.read_text() == FIXED_YAML


SCHEMA_ORIGINAL = ("Resources:\n  Check:\n    Type: AWS::Route53::HealthCheck\n    Properties:\n"
                   "      HealthCheckConfig:\n        Type: HTTPS\n        FullyQualifiedDomainName: example.com\n"
                   "  Topic:\n    Type: AWS::SNS::Topic\n")


def _schema_candidate(fixed: str, patch: list) -> Candidate:
    return Candidate("t.yaml", "yaml", SCHEMA_ORIGINAL, fixed, patch, ("TST900",), NOTHING)


def test_a_fix_that_leaves_a_new_schema_error_on_what_it_touched_fails_verification() -> None:
    """The schema rules run on the fixed template whatever the run selected: a removal that leaves the
    health check without its required HealthCheckConfig is refused."""
    fixed = SCHEMA_ORIGINAL.replace("    Properties:\n      HealthCheckConfig:\n        Type: HTTPS\n"
                                    "        FullyQualifiedDomainName: example.com\n", "    Properties: {}\n")
    patch = [{"op": "remove", "path": "/Resources/Check/Properties/HealthCheckConfig"}]
    with pytest.raises(VerificationError) as refused:
        verify(_schema_candidate(fixed, patch), Settings(select=("DP006",)))
    assert ("new schema errors on what the fixes touched (SC003 at /Resources/Check/Properties)"
            in refused.value.message)


def test_schema_errors_the_input_had_or_a_fix_did_not_touch_are_not_held_against_it() -> None:
    broken = SCHEMA_ORIGINAL.replace("Type: HTTPS", "Type: HTTPZ")  # SC002 in the input, kept by the fix
    fixed = broken.replace("example.com", "example.org")
    patch = [{"op": "replace", "path": "/Resources/Check/Properties/HealthCheckConfig/FullyQualifiedDomainName",
              "value": "example.org"}]
    made = Candidate("t.yaml", "yaml", broken, fixed, patch, ("TST900",), NOTHING)
    assert verify(made, Settings()).data["Resources"]["Check"]["Properties"]["HealthCheckConfig"]["Type"] == "HTTPZ"
    # a resource renamed keeps the errors it had: they are counted under its new id
    odd = SCHEMA_ORIGINAL + "    Properties:\n      Colour: blue\n"  # SC001 in the input
    renamed = odd.replace("  Topic:\n", "  Alerts:\n")
    moved = [{"op": "move", "from": "/Resources/Topic", "path": "/Resources/Alerts"}]
    made = Candidate("t.yaml", "yaml", odd, renamed, moved, ("TST900",), NOTHING)
    assert "Alerts" in verify(made, Settings()).data["Resources"]
