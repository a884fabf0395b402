"""The format-preserving document layer: plain view, locations, splicing in the file's style."""

from __future__ import annotations

import json

import cfn_flip
import jsonpatch
import pytest
from differential import assert_strictly_equal
from hypothesis import given, settings
from hypothesis import strategies as st

from autofix.document import TemplateDocument
from autofix.edits import apply_operations
from autofix.errors import LoadError, NotATemplateError

YAML = """\
# Leading comment
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String   # the environment
Resources:
  # the data bucket
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '${AWS::StackName}-data-${Env}'
      Tags:
        - Key: team
          Value: data   # owner

  # a queue, after a blank line
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Join ['-', [!Ref Env, q]]
Outputs:
  BucketArn:
    Value: !GetAtt Bucket.Arn
"""

JSON = """{
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketName": {"Fn::Sub": "${AWS::StackName}-data"},
                "Tags": [
                    {"Key": "team", "Value": "data"}
                ]
            }
        },
        "Queue": {
            "Type": "AWS::SQS::Queue"
        }
    }
}
"""


def cfn_json(text: str):
    return json.loads(cfn_flip.to_json(text.lstrip("\ufeff")))


def fixed_lines_kept(before: str, after: str, touched: set[int]) -> None:
    """Every line of ``before`` not in ``touched`` (0-based) is present in ``after``, in order."""
    it = iter(after.splitlines())
    for i, line in enumerate(before.splitlines()):
        if i in touched:
            continue
        for other in it:
            if other == line:
                break
        else:
            raise AssertionError(f"line {i + 1} lost or reordered: {line!r}")


@pytest.mark.parametrize("text", [YAML, JSON, YAML.replace("\n", "\r\n"), "\ufeff" + JSON, JSON.rstrip("\n")])
def test_plain_view_matches_cfn_flip_and_noop_is_byte_identical(text: str) -> None:
    doc = TemplateDocument.from_text(text)
    assert_strictly_equal(doc.data, cfn_json(text))
    assert doc.dumps() == text
    assert apply_operations(doc, []).dumps() == text


def test_format_is_sniffed_from_content_not_extension() -> None:
    assert TemplateDocument.from_text(JSON, "template.yaml").format == "json"
    assert TemplateDocument.from_text(YAML, "template.json").format == "yaml"


def test_locate_points_at_keys_and_short_form_values() -> None:
    doc = TemplateDocument.from_text(YAML)
    assert doc.locate("/Resources/Bucket") == (8, 3)
    assert doc.locate("/Resources/Bucket/Properties/BucketName") == (11, 7)
    assert doc.locate("/Resources/Bucket/Properties/BucketName/Fn::Sub") == (11, 19)
    assert doc.locate("/Resources/Bucket/Properties/Tags/0/Value") == (14, 11)
    # a pointer that does not exist yet resolves to its nearest ancestor
    assert doc.locate("/Resources/Bucket/Properties/Missing/Deeper") == (10, 5)
    jdoc = TemplateDocument.from_text(JSON)
    assert jdoc.locate("/Resources/Queue/Type") == (14, 13)


def test_pointer_escaping_of_tilde_and_slash() -> None:
    text = '{"Resources": {"A": {"Type": "X", "Properties": {"a/b": 1, "c~d": 2}}}}'
    doc = TemplateDocument.from_text(text)
    assert doc.locate("/Resources/A/Properties/a~1b") == (1, 50)
    new = apply_operations(doc, [{"op": "replace", "path": "/Resources/A/Properties/c~0d", "value": 3}])
    assert new.data["Resources"]["A"]["Properties"] == {"a/b": 1, "c~d": 3}
    assert new.dumps() == text.replace('"c~d": 2', '"c~d": 3')


def test_int_like_keys_are_strings_in_pointers() -> None:
    text = "Mappings:\n  Accounts:\n    123456789012:\n      Name: prod\nResources:\n  A:\n    Type: X\n"
    doc = TemplateDocument.from_text(text)
    assert doc.data["Mappings"]["Accounts"] == {"123456789012": {"Name": "prod"}}
    new = apply_operations(doc, [{"op": "replace", "path": "/Mappings/Accounts/123456789012/Name", "value": "dev"}])
    assert new.dumps() == text.replace("prod", "dev")


def test_yaml_add_property_keeps_comments_and_uses_file_style() -> None:
    doc = TemplateDocument.from_text(YAML)
    ops = [
        {"op": "add", "path": "/Resources/Bucket/Properties/VersioningConfiguration", "value": {"Status": "Enabled"}},
        {"op": "add", "path": "/Resources/Role", "value": {
            "Type": "AWS::IAM::Role",
            "Properties": {"RoleName": {"Fn::Sub": "${AWS::StackName}-role"},
                           "Arn": {"Fn::GetAtt": ["Bucket", "Arn"]},
                           "List": ["a", {"Ref": "Env"}]}}},
    ]
    new = apply_operations(doc, ops)
    assert new.data == jsonpatch.apply_patch(cfn_json(YAML), ops)
    out = new.dumps()
    assert "          Value: data   # owner\n      VersioningConfiguration:\n        Status: Enabled\n" in out
    assert "  Role:\n    Type: AWS::IAM::Role\n" in out
    assert "RoleName: !Sub '${AWS::StackName}-role'" in out or "RoleName: !Sub ${AWS::StackName}-role" in out
    assert "Arn: !GetAtt Bucket.Arn" in out
    assert "- !Ref Env" in out
    for comment in ("# Leading comment", "# the environment", "# the data bucket", "# owner",
                    "# a queue, after a blank line"):
        assert comment in out
    fixed_lines_kept(YAML, out, set())


def test_yaml_remove_keeps_following_comment_lines() -> None:
    text = ("Resources:\n  A:\n    Type: X\n    Properties:\n      P: 1\n      # about Q\n      Q: 2\n"
            "  B:\n    Type: Y\n")
    doc = TemplateDocument.from_text(text)
    new = apply_operations(doc, [{"op": "remove", "path": "/Resources/A/Properties/P"}])
    assert new.dumps() == text.replace("      P: 1\n", "")
    new = apply_operations(doc, [{"op": "remove", "path": "/Resources/A/Properties/Q"}])
    assert new.dumps() == text.replace("      Q: 2\n", "")
    assert "# about Q" in new.dumps()


def test_yaml_remove_last_key_of_mapping_leaves_valid_empty_mapping() -> None:
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      P: 1  # gone\n"
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "remove", "path": "/Resources/A/Properties/P"}])
    assert new.data["Resources"]["A"]["Properties"] == {}
    assert new.dumps().startswith("Resources:\n  A:\n    Type: X\n    Properties:")


def test_yaml_sequence_items_insert_and_remove() -> None:
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      L:\n      - one\n      - two   # 2\n"
    doc = TemplateDocument.from_text(text)
    new = apply_operations(doc, [{"op": "add", "path": "/Resources/A/Properties/L/1", "value": "between"},
                     {"op": "add", "path": "/Resources/A/Properties/L/-", "value": {"Ref": "X"}}])
    assert new.dumps() == text.replace("      - two   # 2\n", "      - between\n      - two   # 2\n      - !Ref X\n")
    new = apply_operations(doc, [{"op": "remove", "path": "/Resources/A/Properties/L/0"}])
    assert new.dumps() == text.replace("      - one\n", "")


def test_yaml_first_key_of_sequence_item_removed() -> None:
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      Tags:\n        - Key: k\n          Value: v\n"
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "remove", "path": "/Resources/A/Properties/Tags/0/Key"}])
    assert new.dumps() == text.replace("- Key: k\n          Value: v", "- Value: v")


def test_yaml_replace_scalar_keeps_trailing_comment_and_quotes() -> None:
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      Class: 'db.t3.medium'  # small\n"
    new = apply_operations(TemplateDocument.from_text(text),
        [{"op": "replace", "path": "/Resources/A/Properties/Class", "value": "db.r5.large"}])
    assert new.dumps() == text.replace("'db.t3.medium'", "'db.r5.large'")


def test_yaml_flow_collections_stay_flow() -> None:
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      L: [a, b]\n      M: {k: v}\n"
    new = apply_operations(TemplateDocument.from_text(text),
                           [
        {"op": "add", "path": "/Resources/A/Properties/L/-", "value": "c"},
        {"op": "add", "path": "/Resources/A/Properties/M/k2", "value": "v2"},
    ])
    assert new.dumps() == text.replace("[a, b]", "[a, b, c]").replace("{k: v}", "{k: v, k2: v2}")


def test_yaml_strings_that_need_quotes_are_quoted() -> None:
    text = "Resources:\n  A:\n    Type: X\n"
    values = ["yes", "on", "1.0", "010", "2012-10-17", "a: b", "#x", "- x", "*a", "!Ref x", "", " pad", "null", "@x"]
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "add", "path": "/Resources/A/Properties",
                                                    "value": {"L": values}}])
    assert new.data["Resources"]["A"]["Properties"]["L"] == values
    assert cfn_json(new.dumps())["Resources"]["A"]["Properties"]["L"] == values


def test_yaml_multiline_string_becomes_literal_block() -> None:
    text = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n"
    code = "def handler(event, context):\n    return {'statusCode': 200}\n"
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "add", "path": "/Resources/F/Properties/Code",
                                                    "value": {"ZipFile": code}}])
    assert "      Code:\n        ZipFile: |\n          def handler(event, context):\n" in new.dumps()
    assert new.data["Resources"]["F"]["Properties"]["Code"]["ZipFile"] == code


def test_long_form_yaml_gets_long_form_additions() -> None:
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      Name:\n        Ref: Env\n"
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "add", "path": "/Resources/A/Properties/Other",
                                                    "value": {"Ref": "Env"}}])
    assert new.dumps().endswith("      Other:\n        Ref: Env\n")


def test_yaml_indentation_and_sequence_style_are_followed() -> None:
    text = "Resources:\n    A:\n        Type: X\n        Properties:\n            L:\n            - a\n"
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "add", "path": "/Resources/B", "value": {
        "Type": "Z", "Properties": {"L": ["x", {"K": "v", "W": 1}]}}}])
    assert new.dumps().endswith(
        "    B:\n        Type: Z\n        Properties:\n            L:\n            - x\n            - K: v\n"
        "              W: 1\n")


def test_crlf_and_bom_survive_edits() -> None:
    text = "\ufeff" + YAML.replace("\n", "\r\n")
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "add", "path": "/Resources/Queue/Properties/Delay",
                                                    "value": 5}])
    out = new.dumps()
    assert out.startswith("\ufeff# Leading comment\r\n")
    assert "\n" not in out.replace("\r\n", "")
    assert "      Delay: 5\r\n" in out


def test_missing_final_newline_is_kept() -> None:
    text = "Resources:\n  A:\n    Type: X"
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "add", "path": "/Resources/B", "value": {"Type": "Z"}}])
    assert new.dumps() == "Resources:\n  A:\n    Type: X\n  B:\n    Type: Z"


@pytest.mark.parametrize("indent", ["  ", "    ", "\t"])
def test_json_additions_follow_indentation(indent: str) -> None:
    text = JSON.replace("    ", indent)
    doc = TemplateDocument.from_text(text)
    ops = [{"op": "add", "path": "/Resources/Bucket/Properties/VersioningConfiguration",
            "value": {"Status": "Enabled"}},
           {"op": "add", "path": "/Resources/Bucket/Properties/Tags/-", "value": {"Key": "k", "Value": "v"}}]
    new = apply_operations(doc, ops)
    assert new.data == jsonpatch.apply_patch(cfn_json(text), ops)
    out = new.dumps()
    i = indent
    # the file writes short collections on one line, so the new ones are too; a new key goes before the
    # last one, which keeps its line (no comma to add after it)
    assert f',\n{i * 4}"VersioningConfiguration": {{"Status": "Enabled"}},\n{i * 4}"Tags": [\n' in out
    assert f'{i * 5}{{"Key": "team", "Value": "data"}},\n{i * 5}{{"Key": "k", "Value": "v"}}\n' in out
    fixed_lines_kept(text, out, {8})  # only the list's last item gains a comma


def test_json_fully_expanded_files_get_expanded_additions() -> None:
    text = json.dumps(json.loads(JSON), indent=2) + "\n"
    new = apply_operations(TemplateDocument.from_text(text),
        [{"op": "add", "path": "/Resources/Queue/Properties", "value": {"DelaySeconds": 5}}])
    assert '    "Queue": {\n      "Type": "AWS::SQS::Queue",\n      "Properties": {\n        "DelaySeconds": 5\n' \
        in new.dumps()


def test_json_remove_member_and_item() -> None:
    doc = TemplateDocument.from_text(JSON)
    new = apply_operations(doc, [{"op": "remove", "path": "/Resources/Queue"}])
    assert json.loads(new.dumps()) == jsonpatch.apply_patch(json.loads(JSON), [{"op": "remove",
                                                                                 "path": "/Resources/Queue"}])
    assert new.dumps().endswith('            }\n        }\n    }\n}\n')
    new = apply_operations(doc, [{"op": "remove", "path": "/Resources/Bucket/Properties/Tags/0"}])
    assert new.data["Resources"]["Bucket"]["Properties"]["Tags"] == []


def test_minified_json_stays_on_one_line() -> None:
    text = '{"Resources":{"A":{"Type":"X"}}}'
    new = apply_operations(TemplateDocument.from_text(text),
                           [{"op": "add", "path": "/Resources/B", "value": {"Type": "Y"}}])
    assert new.dumps() == '{"Resources":{"A":{"Type":"X"},"B":{"Type":"Y"}}}'


def test_move_copy_and_test_operations() -> None:
    doc = TemplateDocument.from_text(YAML)
    ops = [{"op": "test", "path": "/Resources/Queue/Type", "value": "AWS::SQS::Queue"},
           {"op": "copy", "from": "/Resources/Queue", "path": "/Resources/Queue2"},
           {"op": "move", "from": "/Parameters/Env/Type", "path": "/Parameters/Env/Kind"}]
    assert apply_operations(doc, ops).data == jsonpatch.apply_patch(cfn_json(YAML), ops)


def test_edits_inside_short_form_tags_rewrite_the_tagged_value() -> None:
    doc = TemplateDocument.from_text(YAML)
    op = {"op": "replace", "path": "/Resources/Queue/Properties/QueueName/Fn::Join/1/1", "value": "queue"}
    new = apply_operations(doc, [op])
    assert new.data == jsonpatch.apply_patch(cfn_json(YAML), [op])
    assert "QueueName: !Join ['-', [!Ref Env, queue]]" in new.dumps()


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Resources:\n  A: [\n", 3, "invalid YAML"),
        ('{\n  "Resources": {\n    "A": 1,\n  }\n}', 4, "invalid JSON"),
        ("Resources:\n  A: 1\n  A: 2\n", 3, "duplicate key 'A'"),
        ('{"Resources": {"A": 1, "A": 2}}', 1, "duplicate key 'A'"),
    ],
)
def test_syntax_errors_carry_line_numbers(text: str, line: int, fragment: str) -> None:
    with pytest.raises(LoadError) as info:
        TemplateDocument.from_text(text)
    assert info.value.line == line
    assert fragment in info.value.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "just a string\n", "[1, 2]\n", "name: value\n"])
def test_non_templates_are_refused(text: str) -> None:
    with pytest.raises(NotATemplateError):
        TemplateDocument.from_text(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 99), st.text(alphabet="ab/~0 1", max_size=5)), max_size=6))
def test_join_pointer_escapes_each_segment_and_split_pointer_reads_it_back(segments: list) -> None:
    from autofix.nodes import join_pointer, split_pointer

    pointer = join_pointer(*segments)
    assert pointer == "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in segments)
    assert split_pointer(pointer) == [str(s) for s in segments]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n\r\u2028", max_size=40))
def test_text_index_finds_every_line_start(text: str) -> None:
    from autofix.textindex import TextIndex

    index = TextIndex(text)
    assert index.starts == [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    for offset in range(len(text) + 1):
        line, column = index.position(offset)
        assert line == text.count("\n", 0, offset) + 1
        assert column == offset - (text.rfind("\n", 0, offset) + 1) + 1
