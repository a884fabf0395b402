"""``autofix server`` end to end: pygls's client starts it over stdio and edits as an editor does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsp_session import Session, error_code, utf16_position
from lsprotocol import types
from samples import cli_subprocess

from autofix.registry import get_rule
from autofix.ruledocs import help_uri

#: Two safe fixes (HY001 needless Fn::Sub, SC002 an invalid enum value after a non-BMP character on
#: its line) and a resource that a suppression can go on.
BROKEN = """\
# alerts and logs
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "alerts"
  Logs:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {KMSMasterKeyID: "\U0001F600 key", SSEAlgorithm: aes256}
"""
#: HY001 keeps the quotes of the string it unwraps
CLEAN = BROKEN.replace('!Sub "alerts"', '"alerts"').replace("aes256", "AES256")
#: A bucket without DeletionPolicy: HD002 (unsafe fix) and an unused parameter (HY003).
UNSAFE = """\
Parameters:
  Unused:
    Type: String
Resources:
  Data:
    Type: AWS::S3::Bucket
"""


def cli_fixed(tmp_path: Path, text: str, *options: str) -> str:
    """What ``autofix fix`` writes for ``text``."""
    path = tmp_path / "cli" / "stack.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    cli_subprocess("fix", *options, str(path))
    return path.read_text(encoding="utf-8")


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def session(tmp_path: Path, test, **options) -> None:
    """Run ``test(session)`` against a fresh server whose workspace is ``tmp_path``."""
    async def main() -> None:
        s = await Session.start(tmp_path, **options)
        try:
            await test(s)
        finally:
            await s.stop()

    asyncio.run(main())


def test_quick_fix_round_trip(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", BROKEN)
        found = await s.diagnostics(uri, 1)
        assert codes(found) == ["HY001", "SC002"]
        sc002 = next(d for d in found if d.code == "SC002")
        assert sc002.code_description.href == help_uri(get_rule("SC002"))
        assert sc002.severity == types.DiagnosticSeverity.Error and sc002.source == "autofix"
        hy001 = next(d for d in found if d.code == "HY001")
        assert list(hy001.tags) == [types.DiagnosticTag.Unnecessary]
        # the range covers the key, counted in UTF-16 code units past the emoji
        line = BROKEN.splitlines()[sc002.range.start.line]
        key = line.index("SSEAlgorithm")
        assert sc002.range.start.character == key + 1  # the emoji is two UTF-16 units, one character
        assert sc002.range.end.character - sc002.range.start.character == len("SSEAlgorithm")

        actions = await s.code_actions(uri, sc002.range)
        fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.is_preferred]
        assert [a.title for a in fixes] == ["SC002: Change SSEAlgorithm to 'AES256'"]
        assert fixes[0].diagnostics[0].code == "SC002"
        assert s.apply(fixes[0].edit)
        assert s.texts[uri] == BROKEN.replace("aes256", "AES256")
        assert codes(await s.diagnostics(uri, 2)) == ["HY001"]

    session(tmp_path, test)


def test_fix_all_writes_what_the_cli_writes(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", BROKEN)
        await s.diagnostics(uri, 1)
        everything = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        actions = await s.code_actions(uri, everything, only=[types.CodeActionKind.SourceFixAll])
        assert [a.kind for a in actions] == ["source.fixAll.autofix"]
        (change,) = actions[0].edit.document_changes
        # minimal edits, never the whole document
        assert len(change.edits) == 2
        assert all(e.range.start.line == e.range.end.line for e in change.edits)
        assert s.apply(actions[0].edit)
        assert s.texts[uri] == cli_fixed(tmp_path, BROKEN) == CLEAN
        assert await s.diagnostics(uri, 2) == []

    session(tmp_path, test)


def test_incremental_changes_count_utf16_units(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", CLEAN)
        assert await s.diagnostics(uri, 1) == []
        # typed after the emoji on the same line: a server counting code points would land one off
        version = s.replace(uri, "AES256", "aes256")
        (found,) = await s.diagnostics(uri, version)
        assert found.code == "SC002" and "'aes256'" in found.message
        # several ranges in one change, each against the text the previous one left
        text = s.texts[uri]
        first = text.index('TopicName: "alerts"') + len("TopicName: ")
        edits = [types.TextEdit(range=types.Range(start=utf16_position(text, first),
                                                  end=utf16_position(text, first + len('"alerts"'))),
                                new_text='!Sub "alerts"'),
                 types.TextEdit(range=types.Range(start=types.Position(line=0, character=0),
                                                  end=types.Position(line=0, character=0)),
                                new_text="# \U0001F680 launched\n")]
        version = s.change(uri, edits)
        assert codes(await s.diagnostics(uri, version)) == ["HY001", "SC002"]
        actions = await s.code_actions(uri, (await s.diagnostics(uri, version))[1].range)
        assert s.apply(next(a for a in actions if a.is_preferred).edit)
        assert s.texts[uri] == "# \U0001F680 launched\n" + BROKEN.replace("aes256", "AES256")

    session(tmp_path, test)


def test_stale_edit_is_never_applied(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", BROKEN)
        sc002 = next(d for d in await s.diagnostics(uri, 1) if d.code == "SC002")
        actions = await s.code_actions(uri, sc002.range)
        stale = next(a for a in actions if a.is_preferred)
        assert stale.edit.document_changes[0].text_document.version == 1
        version = s.change(uri, [types.TextEdit(range=types.Range(start=types.Position(line=0, character=0),
                                                                  end=types.Position(line=0, character=0)),
                                                new_text="# moved down\n")])
        assert not s.apply(stale.edit)  # the editor refuses an edit for version 1 on version 2
        moved = next(d for d in await s.diagnostics(uri, version) if d.code == "SC002")
        assert moved.range.start.line == sc002.range.start.line + 1
        fresh = next(a for a in await s.code_actions(uri, moved.range) if a.is_preferred)
        assert fresh.edit.document_changes[0].text_document.version == version
        assert s.apply(fresh.edit)
        assert s.texts[uri] == "# moved down\n" + BROKEN.replace("aes256", "AES256")

    session(tmp_path, test)


def test_request_superseded_by_a_change_is_not_answered_for_the_old_text(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", BROKEN)
        sc002 = next(d for d in await s.diagnostics(uri, 1) if d.code == "SC002")
        s.change(uri, [types.TextEdit(range=types.Range(start=types.Position(line=0, character=0),
                                                         end=types.Position(line=0, character=0)),
                                       new_text="# edited\n")])
        # asked right after the change, before the new version is analysed: answers for version 2
        # only, or says the content changed; never an edit of version 1's text as version 2's
        request = asyncio.ensure_future(s.code_actions(uri, sc002.range))
        s.change(uri, [types.TextEdit(range=types.Range(start=types.Position(line=0, character=0),
                                                         end=types.Position(line=0, character=0)),
                                       new_text="# again\n")])
        try:
            actions = await request
        except Exception as exc:
            assert error_code(exc) == types.LSPErrorCodes.ContentModified
        else:
            for action in actions:
                assert action.edit.document_changes[0].text_document.version in (2, 3)
        assert codes(await s.diagnostics(uri, 3)) == ["HY001", "SC002"]

    session(tmp_path, test)


def test_cancelled_request_and_the_server_goes_on(tmp_path: Path) -> None:
    big = "Resources:\n" + "".join(
        f"  Topic{i}:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub \"t{i}\"\n"
        for i in range(400))

    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "big.yaml", big)
        assert len(await s.diagnostics(uri, 1)) == 400
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]))
        future = s.client.protocol.send_request(types.TEXT_DOCUMENT_CODE_ACTION, params, msg_id="fix-all")
        # while 400 fixes are worked out, another template is checked: fixes never hold up diagnostics
        other = s.open(tmp_path / "stack.yaml", BROKEN)
        assert codes(await s.diagnostics(other, 1)) == ["HY001", "SC002"]
        assert not future.done()
        s.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="fix-all"))
        with pytest.raises(Exception) as raised:
            await asyncio.wait_for(asyncio.wrap_future(future), 60)
        assert error_code(raised.value) == types.LSPErrorCodes.RequestCancelled
        # and it still answers
        topic = (await s.diagnostics(uri, 1))[0]
        assert any(a.is_preferred for a in await s.code_actions(uri, topic.range, only=["quickfix"]))

    session(tmp_path, test)


def test_did_close_clears_diagnostics(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", BROKEN)
        assert await s.diagnostics(uri, 1)
        s.close(uri)
        assert await s.diagnostics(uri, None) == []

    session(tmp_path, test)


def test_disable_rule_for_this_resource(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", UNSAFE)
        found = await s.diagnostics(uri, 1)
        assert codes(found) == ["HD002", "HY003"]
        hd002 = next(d for d in found if d.code == "HD002")
        actions = await s.code_actions(uri, hd002.range)
        titles = [a.title for a in actions]
        assert "Disable HD002 for resource Data" in titles
        unsafe = next(a for a in actions if a.title.startswith("HD002"))
        assert "(unsafe fix)" in unsafe.title and not unsafe.is_preferred
        disable = next(a for a in actions if a.title == "Disable HD002 for resource Data")
        assert s.apply(disable.edit)
        assert s.texts[uri] == UNSAFE + "    Metadata:\n      autofix:\n        ignore:\n          - HD002\n"
        assert codes(await s.diagnostics(uri, 2)) == ["HY003"]
        # a finding outside Resources is disabled for the template
        hy003 = (await s.diagnostics(uri, 2))[0]
        disable = next(a for a in await s.code_actions(uri, hy003.range) if a.title.startswith("Disable"))
        assert disable.title == "Disable HY003 for this template"
        assert s.apply(disable.edit)
        assert await s.diagnostics(uri, 3) == []
        assert cli_subprocess("check", _saved(tmp_path, s.texts[uri])).code == 0

    # HD002 is opt-in: the editor's options add it, and the command line reads it from the file
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / ".autofix.toml").write_text('extend-select = ["HD002"]\n', encoding="utf-8")
    session(tmp_path, test, initialization_options={"extendSelect": ["HD002"]})


def _saved(tmp_path: Path, text: str) -> str:
    path = tmp_path / "saved" / "stack.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_files_that_are_not_templates_stay_silent(tmp_path: Path) -> None:
    workflow = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"

    async def test(s: Session) -> None:
        script = s.open(tmp_path / "tool.py", "print('AWS::S3::Bucket')\n", language="python")
        uri = s.open(tmp_path / "ci.yaml", workflow)
        assert await s.diagnostics(uri, 1) == []
        everything = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=4, character=0))
        assert await s.code_actions(uri, everything) == []
        assert await s.code_actions(script, everything) == []
        assert script not in s.published

    session(tmp_path, test)


def test_half_typed_template_gives_one_diagnostic_where_the_typing_is(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", CLEAN)
        assert await s.diagnostics(uri, 1) == []
        version = s.replace(uri, "SSEAlgorithm: AES256}", "SSEAlgorithm: [AES256")
        (error,) = await s.diagnostics(uri, version)
        assert error.severity == types.DiagnosticSeverity.Error
        text = s.texts[uri]
        cli = cli_subprocess("check", _saved(tmp_path, text))
        line, column = cli.stderr.split(":")[1:3]  # file:line:col: error: ...
        assert (error.range.start.line + 1, error.range.start.character + 1) == (int(line), int(column))
        assert error.message in cli.stderr
        # typing on mends it, and the server answered throughout
        version = s.replace(uri, "SSEAlgorithm: [AES256", "SSEAlgorithm: aes256}")
        assert codes(await s.diagnostics(uri, version)) == ["SC002"]

    session(tmp_path, test)


def test_garbage_never_stops_the_server(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.json", '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}}}', language="json")
        assert len(await s.diagnostics(uri, 1)) == 1
        for version, text in enumerate(["{" * 5000, "\x00\x01AWS::S3::Bucket", '{"Resources": {"A": 1, "A": 2}}',
                                        "Resources: &a [*a, *a]\n"], start=2):
            s.texts[uri] = text
            s.versions[uri] = version
            s.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
            assert len(await s.diagnostics(uri, version)) <= 1
        # a change beyond the end of the text is clamped, not a crash
        version = s.change(uri, [types.TextEdit(range=types.Range(start=types.Position(line=99, character=0),
                                                                  end=types.Position(line=99, character=5)),
                                                new_text="")])
        assert len(await s.diagnostics(uri, version)) <= 1

    session(tmp_path, test, initialization_options={"extend-select": ["HD002"]})


def test_configuration_from_the_workspace_and_the_editor(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / ".autofix.toml").write_text('ignore = ["HY"]\n', encoding="utf-8")
    configuration = {second.as_uri(): {"unsafeFixes": True, "select": ["HD"]}}

    async def test(s: Session) -> None:
        # folder one: its .autofix.toml; folder two: the editor's options for that folder
        one = s.open(first / "stack.yaml", UNSAFE)
        two = s.open(second / "stack.yaml", UNSAFE)
        assert codes(await s.diagnostics(one, 1)) == ["HD002"]
        assert codes(await s.diagnostics(two, 1)) == ["HD002"]
        assert {item.section for item in s.configuration_asked} == {"autofix"}
        everything = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        (fix_all,) = await s.code_actions(two, everything, only=["source.fixAll"])
        assert "unsafe" in fix_all.title
        assert s.apply(fix_all.edit)
        assert s.texts[two] == cli_fixed(tmp_path, UNSAFE, "--unsafe-fixes", "--select", "HD")
        assert await s.code_actions(one, everything, only=["source.fixAll"]) == []  # HD002 is unsafe

    # the editor's global options (initializationOptions) under both; the folder's options win
    s_options = {"configuration": configuration, "initialization_options": {"select": ["HD", "HY", "SC"]},
                 "folders": [first, second]}
    session(tmp_path, test, **s_options)


def test_bad_editor_option_is_one_diagnostic(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", BROKEN)
        (problem,) = await s.diagnostics(uri, 1)
        assert problem.code == "configuration" and "unsafe_fixes" in problem.message

    session(tmp_path, test, initialization_options={"autofix": {"unsafe_fixes": True}})


def test_edits_without_versioned_document_changes(tmp_path: Path) -> None:
    async def test(s: Session) -> None:
        uri = s.open(tmp_path / "stack.yaml", BROKEN)
        sc002 = next(d for d in await s.diagnostics(uri, 1) if d.code == "SC002")
        fix = next(a for a in await s.code_actions(uri, sc002.range) if a.is_preferred)
        assert fix.edit.document_changes is None and list(fix.edit.changes) == [uri]
        assert s.apply(fix.edit)
        assert json.dumps(s.texts[uri]) == json.dumps(BROKEN.replace("aes256", "AES256"))

    session(tmp_path, test, versioned=False)
