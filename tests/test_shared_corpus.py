"""Real templates nobody here wrote (AUTOFIX_CORPUS, read-only): no-op identity and the plain view.

For every file under the corpus that parses, a document loaded and written with no operations is
byte-identical, and its plain view equals cfn-flip's.  Skipped when AUTOFIX_CORPUS is unset.  The
corpus is cut into :data:`SHARDS` shards (every fourth file), which pytest-xdist's workers share.

cfn-flip's view is its constructors (the short-form tags, ``!GetAtt A.B`` split, mappings) on a YAML
parser.  Every :data:`PURE_EVERY`-th file of a shard is read by ``cfn_flip.to_json`` itself, whose
parser is PyYAML's pure-Python one: a second parser beside libyaml, which autofix uses (the empty-tag
divergence below was found so).  The other files are read by the same constructors on libyaml's
parser, four times as quick: the pure-Python parser was most of this test's time.
"""

from __future__ import annotations

import json

import cfn_flip
import cfn_tools
import corpus_cases
import pytest
import shared_corpus
import yaml
from cfn_tools import yaml_loader

from autofix.document import TemplateDocument, decode
from autofix.edits import apply_operations
from autofix.errors import AutofixError

SHARDS = 4
#: every this many files of a shard, cfn-flip's own pure-Python reading is the reference
PURE_EVERY = 4


class _CfnFlipOnLibyaml(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """cfn-flip's loader (``cfn_tools.yaml_loader.CfnYamlLoader``: its constructors) on libyaml's parser."""


_CfnFlipOnLibyaml.add_constructor(yaml_loader.TAG_MAP, yaml_loader.construct_mapping)
_CfnFlipOnLibyaml.add_multi_constructor("!", yaml_loader.multi_constructor)


def cfn_flip_view(text: str, *, pure: bool) -> object:
    """cfn-flip's plain view of ``text`` (as ``cfn_flip.to_json`` gives it); ``pure``: by cfn-flip itself,
    else by its constructors on libyaml.  Raises what the reading raises."""
    if pure:
        return json.loads(cfn_flip.to_json(text))
    try:
        data = cfn_tools.load_json(text)  # cfn_flip.load's order: JSON first, then YAML
    except ValueError:
        data = yaml.load(text, Loader=_CfnFlipOnLibyaml)  # a SafeLoader: the C one, with cfn-flip.s constructors
    return json.loads(cfn_tools.dump_json(data))


def test_cfn_flip_s_constructors_on_libyaml_read_the_project_corpus_as_cfn_flip_does() -> None:
    """The quick reference is cfn-flip's: on every template of the project's corpus, the same view."""
    compared = 0
    for path in sorted(corpus_cases.ROOT.glob("**/*.yaml")):
        text = path.read_text(encoding="utf-8").lstrip("\ufeff")
        try:
            pure = cfn_flip_view(text, pure=True)
        except Exception:  # cfn-flip cannot read it: nothing to compare
            continue
        assert cfn_flip_view(text, pure=False) == pure, path
        compared += 1
    assert compared > 50


def same_but_empty_tags(ours: object, theirs: object) -> bool:
    """The views are equal but where an empty ``!`` scalar reads as ``''`` in ours and None in cfn-flip's.

    The one known divergence: PyYAML's C loader (ours) and its Python loader (cfn-flip's) resolve that
    scalar differently.
    """
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(same_but_empty_tags(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(same_but_empty_tags(a, b) for a, b in zip(ours, theirs, strict=True))
    return ours == theirs or (ours == "" and theirs is None)


def test_the_known_divergence_is_only_the_empty_tag() -> None:
    assert same_but_empty_tags({"A": ["x", ""]}, {"A": ["x", None]})
    assert not same_but_empty_tags({"A": ["x", "y"]}, {"A": ["x", None]})
    assert not same_but_empty_tags({"A": [""]}, {"A": [None, None]})
    assert not same_but_empty_tags({"A": ""}, {"B": None})


@shared_corpus.needed
@pytest.mark.parametrize("shard", range(SHARDS))
def test_noop_round_trip_is_byte_identical_and_plain_view_matches_cfn_flip(shard: int) -> None:
    loaded = identical = agree = 0
    mismatches: list[str] = []
    for i, path in enumerate(shared_corpus.shard(shard, SHARDS)):
        data = path.read_bytes()
        try:
            doc = TemplateDocument.from_bytes(data, str(path), require_template=False)
        except AutofixError:
            continue
        loaded += 1
        if apply_operations(doc, []).dumps().encode("utf-8") == data:
            identical += 1
        else:
            mismatches.append(f"{path}: not byte-identical")
        try:
            reference = cfn_flip_view(decode(data).lstrip("\ufeff"), pure=i % PURE_EVERY == 0)
        except Exception:  # cfn-flip cannot read it (e.g. Fn::ForEach objects); nothing to compare
            agree += 1
            continue
        if reference == doc.data or same_but_empty_tags(doc.data, reference):
            agree += 1
        else:
            mismatches.append(f"{path}: plain view differs from cfn_flip")
    print(f"\n{loaded} parseable files; byte-identical no-op: {identical}; plain view == cfn_flip: {agree}")
    assert loaded > 100 // SHARDS
    assert not mismatches, mismatches[:10]
