"""Byte-exact splices: entries removed and inserted in their collection's own style, values a fix
replaces whole spliced only where they change, moved blocks keeping their text, and every
rewrite that loses text the patch left alone reported."""

from __future__ import annotations

import io
import json

import cfn_flip
import jsonpatch
import jsonschema
import pytest
from cli_fixtures import sarif_schema_path

from autofix.document import TemplateDocument
from autofix.edits import Rewrite, apply_operations_traced
from autofix.formats.github import GithubReporter
from autofix.formats.sarif import sarif_log
from autofix.formats.text import TextReporter
from autofix.pipeline import process_text
from autofix.report import json_document
from autofix.rules.base import Applicability, Rule
from autofix.settings import Settings

INTERFACE = "/Metadata/AWS::CloudFormation::Interface/ParameterGroups"


def _apply(text: str, ops: list[dict]) -> tuple[str, list[Rewrite]]:
    doc = TemplateDocument.from_text(text, require_template=False)
    new, rewrites = apply_operations_traced(doc, ops)
    expected = jsonpatch.apply_patch(doc.data, ops)
    assert new.data == expected
    assert json.loads(cfn_flip.to_json(new.dumps().lstrip("\ufeff"))) == expected
    return new.dumps(), rewrites


JSON_GROUPS = """{
  "Metadata": {
    "AWS::CloudFormation::Interface": {
      "ParameterGroups": [
        {
          "Label": { "default": "Network" },
          "Parameters": ["VpcId", "SubnetId"]
        },
        {
          "Label": { "default": "Tags" },
          "Parameters": ["Env"]
        }
      ]
    }
  },
  "Resources": {}
}
"""


def test_a_json_value_replaced_whole_changes_only_where_it_differs() -> None:
    value = [{"Label": {"default": "Network"}, "Parameters": ["VpcId"]},
             {"Label": {"default": "Tags"}, "Parameters": ["Env"]}]
    out, rewrites = _apply(JSON_GROUPS, [{"op": "replace", "path": INTERFACE, "value": value}])
    assert out == JSON_GROUPS.replace('["VpcId", "SubnetId"]', '["VpcId"]')
    assert rewrites == []


def test_a_removed_list_element_goes_with_its_separator_and_its_neighbours_keep_their_text() -> None:
    value = [{"Label": {"default": "Tags"}, "Parameters": ["Env", "New"]}]
    out, _ = _apply(JSON_GROUPS, [{"op": "replace", "path": INTERFACE, "value": value}])
    assert out == JSON_GROUPS.replace(
        '        {\n          "Label": { "default": "Network" },\n          "Parameters": ["VpcId", "SubnetId"]\n'
        '        },\n', "").replace('["Env"]', '["Env", "New"]')


YAML_GROUPS = """Metadata:
  AWS::CloudFormation::Interface:
    ParameterGroups:
      - Label:
          default: "Network"
        Parameters: [VpcId, SubnetId]  # network
      - Label:
          default: 'Tags'
        Parameters:
          - Env
Resources: {}
"""


@pytest.mark.parametrize(("op", "line"), [
    ({"op": "remove", "path": f"{INTERFACE}/0/Parameters/1"}, "Parameters: [VpcId]  # network"),
    ({"op": "remove", "path": f"{INTERFACE}/0/Parameters/0"}, "Parameters: [SubnetId]  # network"),
    ({"op": "add", "path": f"{INTERFACE}/0/Parameters/-", "value": "New"},
     "Parameters: [VpcId, SubnetId, New]  # network"),
    ({"op": "add", "path": f"{INTERFACE}/0/Parameters/1", "value": "New"},
     "Parameters: [VpcId, New, SubnetId]  # network"),
])
def test_a_yaml_flow_list_stays_a_flow_list(op: dict, line: str) -> None:
    out, rewrites = _apply(YAML_GROUPS, [op])
    assert out == YAML_GROUPS.replace("Parameters: [VpcId, SubnetId]  # network", line)
    assert rewrites == []


def test_a_yaml_value_replaced_whole_keeps_the_quotes_of_what_stays() -> None:
    value = [{"Label": {"default": "Tags"}, "Parameters": ["Env", "New"]}]
    out, rewrites = _apply(YAML_GROUPS, [{"op": "replace", "path": INTERFACE, "value": value}])
    assert out == YAML_GROUPS.replace(
        '      - Label:\n          default: "Network"\n        Parameters: [VpcId, SubnetId]  # network\n', ""
    ).replace("          - Env\n", "          - Env\n          - New\n")
    assert rewrites == []


POLICY = """Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: 'p'
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              # allow reads
              - Effect: Allow
                Action:
                  - 's3:GetObject'
                Resource: !Sub 'arn:aws:s3:::${B}/*'
"""
MOVED = """            Version: '2012-10-17'
            Statement:
              # allow reads
              - Effect: Allow
                Action:
                  - 's3:GetObject'
                Resource: !Sub 'arn:aws:s3:::${B}/*'
"""


def _shifted(block: str, columns: int) -> str:
    return "".join(line[columns:] if line.strip() else line for line in block.splitlines(True))


def test_a_moved_block_keeps_its_text_and_comments_re_indented() -> None:
    out, _ = _apply(POLICY, [{"op": "move", "from": "/Resources/Role/Properties/Policies/0/PolicyDocument",
                              "path": "/Resources/Document"}])
    assert out.endswith("  Document:\n" + _shifted(MOVED, 8))


def test_a_value_a_fix_copies_into_a_new_resource_keeps_its_text() -> None:
    doc = TemplateDocument.from_text(POLICY)
    document = doc.data["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]
    policy = {"Type": "AWS::IAM::Policy",
              "Properties": {"PolicyName": "p", "PolicyDocument": document, "Roles": [{"Ref": "Role"}]}}
    out, _ = _apply(POLICY, [{"op": "remove", "path": "/Resources/Role/Properties/Policies"},
                             {"op": "add", "path": "/Resources/RolePolicy", "value": policy}])
    assert ("  RolePolicy:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: 'p'\n"
            "      PolicyDocument:\n" + _shifted(MOVED, 4) + "      Roles:\n        - !Ref Role\n") in out


def test_a_move_to_a_sibling_key_renames_the_key_in_place() -> None:
    text = 'Resources:\n  W:\n    Properties:\n      Updates:  # c\n        Output: !Sub \'s3://${B}/\'\n      X: 1\n'
    out, _ = _apply(text, [{"op": "move", "from": "/Resources/W/Properties/Updates",
                            "path": "/Resources/W/Properties/Configuration"}])
    assert out == text.replace("Updates:", "Configuration:")
    json_text = '{\n  "Resources": {\n    "T": {\n      "Keys": [\n        "a"\n      ],\n      "X": 1\n    }\n  }\n}\n'
    out, _ = _apply(json_text, [{"op": "move", "from": "/Resources/T/Keys", "path": "/Resources/T/KeySchema"}])
    assert out == json_text.replace('"Keys"', '"KeySchema"')


def test_a_new_json_key_goes_before_the_last_one_so_that_no_line_changes() -> None:
    text = '{\n  "Resources": {\n    "B": {\n      "Type": "AWS::S3::Bucket",\n      "Properties": {}\n    }\n  }\n}\n'
    out, _ = _apply(text, [{"op": "add", "path": "/Resources/B/DeletionPolicy", "value": "Retain"}])
    assert out == text.replace('      "Properties"', '      "DeletionPolicy": "Retain",\n      "Properties"')


@pytest.mark.parametrize(("old", "new", "written"), [
    ("Runtime: python3.8", "python3.12", "Runtime: python3.12"),  # plain stays plain, in a file of quotes
    ("Runtime: 'python3.8'", "python3.12", "Runtime: 'python3.12'"),
    ('Runtime: "python3.8"', "python3.12", 'Runtime: "python3.12"'),
])
def test_a_replaced_string_is_written_as_the_string_it_replaces(old: str, new: str, written: str) -> None:
    text = f"Resources:\n  F:\n    Type: 'AWS::Lambda::Function'\n    Properties:\n      {old}\n      A: 'x'\n"
    out, _ = _apply(text, [{"op": "replace", "path": "/Resources/F/Properties/Runtime", "value": new}])
    assert out == text.replace(old, written)


def test_a_replaced_sequence_item_keeps_its_quotes() -> None:
    text = "Resources:\n  R:\n    Properties:\n      Arns:\n        - 'arn:aws:iam::aws:policy/A'\n"
    out, _ = _apply(text, [{"op": "replace", "path": "/Resources/R/Properties/Arns/0", "value": "arn:b"}])
    assert out == text.replace("'arn:aws:iam::aws:policy/A'", "'arn:b'")


CONDITIONAL = """Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties: !If
      - IsProd  # production only
      - BucketName: prod-data
      - !Ref AWS::NoValue
"""


def test_a_rewrite_that_drops_comments_is_reported() -> None:
    # a short-form tag holds one function: a second key makes the value a mapping of two, written anew
    op = {"op": "add", "path": "/Resources/Data/Properties/VersioningConfiguration", "value": {"Status": "Enabled"}}
    out, rewrites = _apply(CONDITIONAL, [op])
    assert "# production only" not in out
    assert rewrites == [Rewrite("/Resources/Data/Properties", "no splice fits its layout")]


def test_no_rewrite_is_reported_where_only_the_patched_line_is_written_anew() -> None:
    text = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties: !If [IsProd, {A: 1}, !Ref AWS::NoValue]\n"
    op = {"op": "add", "path": "/Resources/Data/Properties/B", "value": 2}
    out, rewrites = _apply(text, [op])
    assert out == text.replace("!If [IsProd, {A: 1}, !Ref AWS::NoValue]",
                               "{Fn::If: [IsProd, {A: 1}, !Ref AWS::NoValue], B: 2}")
    assert rewrites == []


class _Versioned(Rule):
    """Buckets must be versioned (a test rule that does not know ``Fn::If``).

    ## What it does
    Test.

    ## Why is this bad?
    Test.

    ## Example
    Test.

    ## Fix safety
    Test.

    ## References
    - none
    """

    id = "TS101"
    name = "versioned"
    summary = "test rule"
    fix_applicability = Applicability.SAFE

    def check(self, ctx, settings):
        for lid, _ in ctx.resources_of("AWS::S3::Bucket"):
            if "VersioningConfiguration" not in ctx.resources[lid].get("Properties", {}):
                ptr = ctx.pointer("Resources", lid, "Properties", "VersioningConfiguration")
                op = {"op": "add", "path": ptr, "value": {"Status": "Enabled"}}
                yield self.finding(ptr, f"{lid} is not versioned", fix=self.fix([op], "version it"))


def test_the_fix_record_the_json_output_and_the_text_output_name_each_rewrite() -> None:
    result = process_text(CONDITIONAL, "t.yaml", Settings(), fix=True, rules=[_Versioned()])
    rewritten = [{"pointer": "/Resources/Data/Properties", "reason": "no splice fits its layout"}]
    assert result.changed
    assert result.applied[0]["rewritten"] == rewritten
    assert json.loads(json_document([(result, True)]))["fixes"][0]["rewritten"] == rewritten
    out, err = io.StringIO(), io.StringIO()
    reporter = TextReporter(out, Settings(), fix=True, color=False, err=err)
    reporter.add(result, True)
    assert err.getvalue() == ("t.yaml: note: TS101's fix rewrote /Resources/Data/Properties whole (no splice fits "
                              "its layout): comments and layout there were not kept\n")


def test_sarif_and_github_outputs_name_each_rewrite_as_a_note() -> None:
    result = process_text(CONDITIONAL, "t.yaml", Settings(), fix=True, rules=[_Versioned()])
    message = ("TS101's fix rewrote /Resources/Data/Properties whole (no splice fits its layout): comments and "
               "layout there were not kept")
    log = sarif_log([(result, True)], rules=[_Versioned()])
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"]  # a note, not an error
    assert invocation["toolExecutionNotifications"] == [
        {"level": "note", "message": {"text": message},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "t.yaml"}}}],
         "properties": {"rule": "TS101", "pointer": "/Resources/Data/Properties",
                        "reason": "no splice fits its layout"}}]
    schema = sarif_schema_path()
    if schema is not None:
        jsonschema.validate(log, json.loads(schema.read_text(encoding="utf-8")))
    out = io.StringIO()
    GithubReporter(out, Settings()).add(result, True)
    assert out.getvalue() == ("::notice file=t.yaml,title=TS101 rewrote a value whole::"
                              + message + "\n")


def test_a_fix_spliced_in_place_records_no_rewrite() -> None:
    text = CONDITIONAL.replace("!If\n      - IsProd  # production only\n      - BucketName: prod-data\n"
                               "      - !Ref AWS::NoValue\n", "\n      BucketName: data  # keep\n")
    result = process_text(text, "t.yaml", Settings(), fix=True, rules=[_Versioned()])
    assert result.fixed == text + "      VersioningConfiguration:\n        Status: Enabled\n"
    assert "rewritten" not in result.applied[0]
