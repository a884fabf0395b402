"""``check`` without the positioned tree: over the project's and the shared corpus, the plain view from the
C parse and positions from libyaml's graph (YAML) or the text (JSON) are what the positioned tree gives,
type for type and pointer for pointer (generated text: see test_fast_paths.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import shared_corpus
import yaml
from differential import assert_load_paths_agree, assert_strictly_equal
from hypothesis import given, settings
from strategies import TemplateText, documents_data, template_text

from autofix.discover import discover
from autofix.document import TemplateDocument
from autofix.load import load_text
from autofix.pipeline import process_text
from autofix.settings import Settings
from autofix.yamlsource import compose_yaml

PROJECT = Path(__file__).resolve().parent.parent


def _files(root: Path) -> list[Path]:
    return [Path(t.path) for t in discover([str(root)])]


@pytest.mark.parametrize("path", _files(PROJECT / "corpus"), ids=lambda p: str(p.relative_to(PROJECT)))
def test_project_corpus(path: Path) -> None:
    assert_load_paths_agree(path.read_text(encoding="utf-8"), str(path))


@shared_corpus.needed
def test_shared_corpus() -> None:
    for path in shared_corpus.files()[::3]:
        assert_load_paths_agree(path.read_text(encoding="utf-8", errors="replace"), str(path))


YAML = """\
Base: &base
  Type: AWS::SNS::Topic
Resources:
  Topic: *base
  Other: *base
  Tagged:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${AWS::StackName}-q"
      Policy: !GetAtt [Topic, Arn]
      List: !If
        - Cond
        - [a, b]
        - !Ref AWS::NoValue
"""


@pytest.mark.parametrize("pointer", ["/Resources/Other", "/Resources/Other/Type", "/Resources/Tagged/Properties/"
                                     "QueueName/Fn::Sub", "/Resources/Tagged/Properties/List/Fn::If/1/1",
                                     "/Resources/Tagged/Properties/Policy/Fn::GetAtt/0", "/Resources/Nope/x"])
def test_aliases_and_short_forms(pointer: str) -> None:
    assert_load_paths_agree(YAML, "t.yaml")
    fast, slow = load_text(YAML, "t.yaml"), load_text(YAML, "t.yaml")
    assert_strictly_equal(fast.locate(pointer), slow.document.locate(pointer))


def test_check_reports_positions_without_building_the_tree(monkeypatch) -> None:
    built: list[str] = []
    real = TemplateDocument.from_root

    def spy(*args, **kwargs):
        built.append("tree")
        return real(*args, **kwargs)

    monkeypatch.setattr(TemplateDocument, "from_root", spy)
    bucket = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"  # HD002: no deletion policy
    json_bucket = '{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}'
    for text, name, where in ((bucket, "t.yaml", (2, 3)), (json_bucket, "t.json", (1, 16))):
        result = process_text(text, name, Settings(select=("HD002",)))  # an opt-in rule: selected by name
        assert [(f.rule_id, f.line, f.column) for f in result.findings] == [("HD002", *where)]
    assert built == []


def _shape(node: yaml.Node) -> object:
    """A composed graph as plain data: tag, value and start of every node."""
    if isinstance(node, yaml.MappingNode):
        value: object = [(_shape(k), _shape(v)) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        value = [_shape(v) for v in node.value]
    else:
        value = node.value
    return node.tag, node.start_mark.index, value


@given(template_text(documents_data(), formats=("yaml",)))
@settings(max_examples=60, deadline=None)
def test_the_fast_composer_gives_pyyamls_graph(t: TemplateText) -> None:
    """The loader's shortcuts (memoised implicit tags, no-op path-resolver hooks) change no tag."""
    body = t.text.removeprefix("\ufeff")  # the loader is handed the text without its BOM
    assert _shape(compose_yaml(body)) == _shape(yaml.compose(body, Loader=yaml.SafeLoader))


def test_path_resolvers_added_to_pyyamls_loaders_are_not_taken(monkeypatch) -> None:
    # a path resolver would need the per-node hooks the loader turns into no-ops; it takes none
    monkeypatch.setattr(yaml.CSafeLoader, "yaml_path_resolvers", {((("Resources", None),), yaml.ScalarNode): "!x"})
    text = "Resources:\n  A: 1\n"
    assert _shape(compose_yaml(text)) == _shape(yaml.compose(text, Loader=yaml.SafeLoader))


def test_a_load_keeps_nothing_of_a_file_once_it_is_dropped() -> None:
    """Keys that are not strings are built to be compared (``1`` is the plain view's ``"1"``) by a builder
    of the load's own: PyYAML's constructor keeps every node it built, so a builder shared by every load
    would keep each such key of every file a long-running process ever located a finding in."""
    import gc
    import weakref

    def located() -> weakref.ref:
        loaded = load_text("Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      1: a\n", "t.yaml")
        assert loaded.locate("/Resources/R/Properties/1") == (5, 7)
        properties = loaded._graph.value[0][1].value[0][1].value[1][1]
        (key, _), = properties.value
        assert key.value == "1" and key.tag.endswith(":int")
        return weakref.ref(key)

    keys = [located() for _ in range(3)]
    gc.collect()
    assert [key() for key in keys] == [None, None, None]
