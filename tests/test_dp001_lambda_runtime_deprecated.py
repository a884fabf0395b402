"""DP001 lambda-runtime-deprecated: the lifecycle data, the judged date, where runtimes sit."""

from __future__ import annotations

from datetime import date

from rule_harness import findings

from autofix.rules.dp import _data
from autofix.rules.dp.dp001_lambda_runtime_deprecated import LambdaRuntimeDeprecated, caution
from autofix.settings import Settings

RULE = LambdaRuntimeDeprecated()


def settings(as_of="2026-12-01"):
    return Settings(family_settings={"dp": {"as-of": as_of}})


def function(runtime, **props):
    return {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": runtime, "Handler": "i.h", **props}}


def check(data, as_of="2026-12-01"):
    return findings(RULE, data, settings(as_of))


def test_successor_is_same_language_and_not_deprecated():
    (node, py) = check({"Resources": {"N": function("nodejs18.x"), "P": function("python3.8")}})
    assert node.fix.operations == ({"op": "replace", "path": "/Resources/N/Properties/Runtime",
                                    "value": "nodejs24.x"},)
    assert py.fix.operations[0]["value"] == "python3.14"
    assert {node.fix.applicability.value, py.fix.applicability.value} == {"unsafe"}
    assert "callback-style handlers" in node.message  # what nodejs24.x costs, in the one sentence
    assert "must be async" in node.detail


def test_the_judged_date_decides():
    data = {"Resources": {"N": function("nodejs20.x")}}  # deprecated 2026-04-30
    assert check(data, "2026-01-01") == []
    assert len(check(data, "2026-05-01")) == 1


def test_every_successor_in_the_data_is_usable_at_its_own_date():
    today = date(2026, 12, 1)
    for runtime, entry in _data.runtime_lifecycle().items():
        successor = _data.runtime_successor(runtime, today)
        if successor is not None:
            assert not _data.runtime_deprecated(successor, today), (runtime, successor)
            assert _data.runtime_lifecycle()[successor]["successor"] is None or successor != runtime
        assert entry.get("successor") is None or successor in (entry["successor"], None)


def test_current_runtime_unknown_runtime_and_intrinsics_are_left_alone():
    data = {"Resources": {"A": function("nodejs22.x"), "B": function("cobol"), "C": function({"Fn::Sub": "x"})}}
    assert check(data) == []


def test_sam_globals_and_function():
    data = {"Transform": "AWS::Serverless-2016-10-31",
            "Globals": {"Function": {"Runtime": "python3.9"}},
            "Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "ruby2.7"}}}}
    got = {f.pointer: f.fix.operations[0]["value"] for f in check(data)}
    assert got == {"/Resources/F/Properties/Runtime": "ruby4.0", "/Globals/Function/Runtime": "python3.14"}


def test_parameter_default_and_allowed_values_are_rewritten_without_duplicates():
    data = {"Parameters": {"R": {"Type": "String", "Default": "python3.8",
                                 "AllowedValues": ["python3.8", "python3.9", "python3.14"]}},
            "Resources": {"F": function({"Ref": "R"}), "G": function({"Ref": "R"})}}
    got = check(data)
    by_pointer = {f.pointer: f for f in got}
    assert set(by_pointer) == {"/Parameters/R/Default", "/Parameters/R/AllowedValues/1"}
    ops = by_pointer["/Parameters/R/Default"].fix.operations
    assert ops[0] == {"op": "replace", "path": "/Parameters/R/Default", "value": "python3.14"}
    assert ops[1] == {"op": "replace", "path": "/Parameters/R/AllowedValues", "value": ["python3.14"]}


def test_fn_if_branch():
    data = {"Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
            "Resources": {"F": function({"Fn::If": ["C", "nodejs16.x", "nodejs22.x"]})}}
    (f,) = check(data)
    assert f.pointer == "/Resources/F/Properties/Runtime/Fn::If/1"
    assert "when condition C is true" in f.message


def test_inline_code_requiring_sdk_v2_is_named():
    code = {"ZipFile": "const AWS = require('aws-sdk');"}
    (f,) = check({"Resources": {"F": function("nodejs16.x", Code=code)}})
    assert "does require 'aws-sdk'" in f.detail
    assert "bootstrap" in caution("go1.x", "provided.al2023", None)


def test_callback_handlers_are_named_as_the_cost_of_nodejs24():
    code = {"ZipFile": "exports.handler = (event, context, callback) => { callback(null, 'ok'); };"}
    (f,) = check({"Resources": {"F": function("nodejs20.x", Code=code)}})
    assert f.fix.operations[0]["value"] == "nodejs24.x"
    assert "callback-style handlers" in f.message and len(f.message) <= 160
    assert "this function's inline code uses a callback" in f.detail
    asynchronous = {"ZipFile": "export const handler = async () => 1;"}
    (g,) = check({"Resources": {"G": function("nodejs20.x", Code=asynchronous)}})
    assert "uses a callback" not in g.detail
