"""How fast ``autofix server`` answers while a template is typed, on the largest template of a corpus.

Usage::

    python benchmarks/server.py [DIR] [--repeat 5]

DIR (default: ``$AUTOFIX_CORPUS``, else ``../shared/corpus``) is searched for its largest
template.  The benchmark starts ``autofix server`` as an editor does (pygls's client over
stdio), opens the template, then repeatedly types a change (a new resource with a needless
``Fn::Sub``, which has a safe fix) and takes it out again, measuring:

* diagnostics: from the end of the debounce to the diagnostics of the changed version
  (the time from the change to their arrival, less the debounce);
* fix-all: from asking for ``source.fixAll`` to the answer holding the edits;

and, interleaved with them, the engine alone on the same text in this process
(``process_text``, check and fix), so the server's own cost shows.  Medians and worst cases are printed against the
targets (200 ms and 500 ms), with their ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from autofix.config import build_settings
from autofix.discover import EXTENSIONS
from autofix.errors import AutofixError
from autofix.load import load_text
from autofix.pipeline import process_text
from autofix.server.server import DEBOUNCE

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"diagnostics": 0.200, "fix-all": 0.500}
TOPIC = "AutofixBenchTopic"


def largest_template(directory: Path) -> Path:
    files = sorted((p for p in directory.rglob("*") if p.suffix in EXTENSIONS and p.is_file()),
                   key=lambda p: p.stat().st_size, reverse=True)
    for path in files:
        try:
            load_text(path.read_text(encoding="utf-8"), str(path))
        except (AutofixError, UnicodeDecodeError):
            continue
        return path
    raise SystemExit(f"no template under {directory}")


def with_change(text: str) -> str:
    """``text`` with a new first resource whose needless ``Fn::Sub`` has a safe fix (HY001)."""
    if text.lstrip().startswith("{"):
        at = text.index("{", text.index('"Resources"')) + 1
        return (f'{text[:at]}\n"{TOPIC}": {{"Type": "AWS::SNS::Topic", "Properties": '
                f'{{"TopicName": {{"Fn::Sub": "bench"}}}}}},{text[at:]}')
    at = text.index("\n", text.index("\nResources:") + 1) + 1
    indent = text[at:len(text) - len(text[at:].lstrip(" "))]
    inner = indent * 2
    return (f"{text[:at]}{indent}{TOPIC}:\n{inner}Type: AWS::SNS::Topic\n{inner}Properties:\n"
            f"{inner}{indent}TopicName: !Sub bench\n{text[at:]}")


class Editor:
    def __init__(self) -> None:
        self.client = LanguageClient("autofix-bench", "1")
        self.arrived: dict[int, float] = {}
        self.event = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self.arrived[params.version] = time.perf_counter()
                self.event.set()

    async def wait(self, version: int) -> float:
        while version not in self.arrived:
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), 120)
        return self.arrived[version]


async def measure(path: Path, repeat: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """The server's times and, interleaved with them (so that both meet the same load on a shared
    machine), the engine's alone in this process."""
    editor = Editor()
    client = editor.client
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    await client.start_io(sys.executable, "-m", "autofix", "server", env=env, cwd=str(path.parent))
    capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)))
    await client.initialize_async(types.InitializeParams(capabilities=capabilities,
                                                         root_uri=path.parent.as_uri()))
    client.initialized(types.InitializedParams())
    text = path.read_text(encoding="utf-8")
    changed = with_change(text)
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="json" if path.suffix == ".json" else "yaml", version=1, text=text)))
    await editor.wait(1)
    times: dict[str, list[float]] = {"diagnostics": [], "fix-all": []}
    alone: dict[str, list[float]] = {"diagnostics": [], "fix-all": []}
    engine = Engine(path, changed)
    version = 1
    nowhere = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    for _ in range(repeat):
        for new in (changed, text):
            version += 1
            sent = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)]))
            arrived = await editor.wait(version)
            if new is not changed:
                continue
            times["diagnostics"].append(arrived - sent - DEBOUNCE)
            asked = time.perf_counter()
            actions = await client.text_document_code_action_async(types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), range=nowhere,
                context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])))
            times["fix-all"].append(time.perf_counter() - asked)
            assert actions and actions[0].edit is not None, "no fix-all offered"
            engine.measure(alone)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times, alone


class Engine:
    """The engine alone on the changed text, in this process (``process_text``, check and fix)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = str(path), text
        self.settings = build_settings([self.path])
        process_text(text, self.path, self.settings)  # warm: schemas and rules load once per process

    def measure(self, times: dict[str, list[float]]) -> None:
        start = time.perf_counter()
        process_text(self.text, self.path, self.settings)
        times["diagnostics"].append(time.perf_counter() - start)
        start = time.perf_counter()
        assert process_text(self.text, self.path, self.settings, fix=True).changed
        times["fix-all"].append(time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("AUTOFIX_CORPUS") or str(ROOT.parent / "shared" / "corpus")
    parser.add_argument("directory", nargs="?", default=default)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = largest_template(Path(args.directory).resolve())
    print(f"largest template: {path} ({path.stat().st_size / 1024:.0f} KiB, "
          f"{path.read_text(encoding='utf-8').count(chr(10))} lines); debounce {DEBOUNCE * 1000:.0f} ms; "
          f"{args.repeat} changes")
    server, alone = asyncio.run(measure(path, args.repeat))
    print(f"\n{'measure':<44} {'median':>8} {'worst':>8} {'target':>8} {'median/target':>14} "
          f"{'engine alone':>13} {'server/engine':>14}")
    for name, target in TARGETS.items():
        median, worst = statistics.median(server[name]), max(server[name])
        bare = statistics.median(alone[name])
        label = "diagnostics, from the end of the debounce" if name == "diagnostics" else "fix-all code action"
        print(f"{label:<44} {median * 1000:6.0f} ms {worst * 1000:5.0f} ms {target * 1000:5.0f} ms "
              f"{median / target:13.2f}x {bare * 1000:10.0f} ms {median / bare:13.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
