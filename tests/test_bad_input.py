"""The bad-input catalogue: every input a user may hand the tool, end to end through the CLI.

Each bad input gives exactly one error line ``file:line:col: error: message`` (no position when
none applies), exit code 2, and leaves the file byte for byte as it was; in a batch the other files
are still processed.  Files that are not templates are an error when named, and skipped quietly
when found by walking a directory.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import cfn_flip
import pytest
from samples import CLEAN_YAML, FIXABLE_YAML, FIXED_YAML, cli, cli_subprocess

import autofix.runner
import autofix.write
from autofix.limits import MAX_DEPTH


def _billion_laughs(resource_type: str = "AWS::S3::Bucket") -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    lines.append(f"Resources: {{X: {{Type: {resource_type}, Properties: {{Tags: *i}}}}}}")
    return ("\n".join(lines) + "\n").encode()


def _deep_block_yaml(depth: int) -> bytes:
    body = "".join("  " * i + f"k{i}:\n" for i in range(1, depth + 1))
    return ("Resources:\n" + body + "  " * (depth + 1) + "leaf\n").encode()


DEEP = MAX_DEPTH + 20
JSON_PREFIX = b'{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": '
#: In a directory walk, unparsable text counts as a broken template only when it names a template
#: version or a resource type (a Helm chart is not a broken template); YAML cases get this line.
MARK = b"# AWSTemplateFormatVersion\n"

#: (case id, file name, content, expected "line:col: error: message" after the file name)
CATALOGUE: list[tuple[str, str, bytes, str]] = [
    ("invalid-yaml", "t.yaml", b"Resources:\n  A:\n    Type: X\n   B: 1\n",
     "4:4: error: invalid YAML: did not find expected key (while parsing a block mapping)"),
    ("invalid-json", "t.json", b'{\n  "Resources": {"A": {"Type": "AWS::SNS::Topic",}}\n}\n',
     "2:49: error: invalid JSON: expected a double-quoted property name"),
    ("duplicate-key-yaml", "t.yaml", b"Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n",
     "4:3: error: duplicate key 'A' (first defined on line 2)"),
    ("duplicate-key-json", "t.json", b'{"Resources": {\n "A": {"Type": "AWS::SNS::Topic"},\n "A": {"Type": "Y"}}}\n',
     "3:2: error: duplicate key 'A' (first defined on line 2)"),
    ("empty", "t.yaml", b"", "1:1: error: file is empty"),
    ("blank", "t.json", b"  \n\n", "1:1: error: file is empty"),
    ("only-comments", "t.yaml", b"# nothing\n# here\n",
     "1:1: error: file holds no YAML document (only comments or blank lines)"),
    ("lone-scalar-yaml", "t.yaml", b"hello\n",
     "1:1: error: not a CloudFormation template (a lone string, not a mapping)"),
    ("lone-scalar-json", "t.json", b"42\n",
     "1:1: error: not a CloudFormation template (a lone scalar, not a mapping)"),
    ("a-list", "t.json", b"[1, 2]\n", "1:1: error: not a CloudFormation template (a list, not a mapping)"),
    ("not-a-template", "t.yaml", b"name: my-app\nversion: 2\n",
     "1:1: error: not a CloudFormation template (a mapping without a Resources section)"),
    ("several-documents", "t.yaml", b"Resources: {}\n---\nResources: {}\n",
     "3:1: error: not a CloudFormation template (a stream of several YAML documents)"),
    ("binary", "t.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
     "3:1: error: file is binary (contains NUL bytes), not a template"),
    ("invalid-utf8", "t.yaml", b"Resources:\n  A:\n    Type: caf\xe9\n",
     "3:14: error: invalid UTF-8 (byte 0xe9)"),
    ("utf16-bom", "t.yaml", "Resources: {}\n".encode("utf-16"),
     "1:1: error: file is UTF-16 encoded; CloudFormation templates must be UTF-8"),
    ("utf16-no-bom", "t.json", '{"Resources": {}}'.encode("utf-16-le"),
     "1:1: error: file is UTF-16 encoded; CloudFormation templates must be UTF-8"),
    ("utf32", "t.yaml", "Resources: {}\n".encode("utf-32"),
     "1:1: error: file is UTF-32 encoded; CloudFormation templates must be UTF-8"),
    ("alias-bomb", "t.yaml", _billion_laughs(),
     "5:4: error: document expands to too many values (YAML alias bomb?)"),
    # a resource type no rule reads: the quick path, which builds nothing, must refuse it too
    ("alias-bomb-unread-type", "t.yaml", _billion_laughs("AWS::Example::Thing"),
     "5:4: error: document expands to too many values (YAML alias bomb?)"),
    ("recursive-alias", "t.yaml", b"Resources:\n  A: &a\n    - *a\n",
     "2:6: error: invalid YAML: an alias refers to a node that contains it"),
    ("recursive-alias-unread-type", "t.yaml", b"Resources:\n  A: &a\n    Type: AWS::Example::Thing\n    P: [*a]\n",
     "2:6: error: invalid YAML: an alias refers to a node that contains it"),
    ("deep-block-yaml", "t.yaml", _deep_block_yaml(DEEP),
     f"{MAX_DEPTH + 1}:{2 * MAX_DEPTH + 1}: error: invalid YAML: nesting deeper than {MAX_DEPTH} levels"),
    ("deep-yaml-unread-type", "t.yaml", b"Resources:\n  A:\n    Type: AWS::Example::Thing\n    P: "
     + b"[" * DEEP + b"]" * DEEP + b"\n",
     f"4:{MAX_DEPTH + 5}: error: invalid YAML: nesting deeper than {MAX_DEPTH} levels"),
    ("deep-flow-yaml", "t.yaml", b"Resources: " + b"[" * DEEP + b"]" * DEEP + b"\n",
     f"1:{11 + MAX_DEPTH}: error: invalid YAML: nesting deeper than {MAX_DEPTH} levels"),
    ("deep-json", "t.json", JSON_PREFIX + b"[" * DEEP + b"]" * DEEP + b"}}}}",
     f"1:{len(JSON_PREFIX) + MAX_DEPTH - 3}: error: invalid JSON: nesting deeper than {MAX_DEPTH} levels"),
    ("very-deep-json", "t.json", JSON_PREFIX + b"[" * 100_000 + b"]" * 100_000 + b"}}}}",
     f"1:{len(JSON_PREFIX) + MAX_DEPTH - 3}: error: invalid JSON: nesting deeper than {MAX_DEPTH} levels"),
    ("very-deep-yaml", "t.yaml", b"Resources: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
     "1:1011: error: invalid YAML: exceeded maximum nesting depth (while increasing flow level)"),
    ("python-object-tag", "t.yaml",
     b"Resources:\n  A: !!python/object/apply:os.system ['echo owned > owned.txt']\n",
     "2:6: error: invalid YAML: unsupported tag !!python/object/apply:os.system "
     "(CloudFormation templates hold only JSON data)"),
    ("python-name-tag", "t.yaml", b"Resources:\n  A: !!python/name:os.system\n",
     "2:6: error: invalid YAML: unsupported tag !!python/name:os.system "
     "(CloudFormation templates hold only JSON data)"),
    ("binary-tag", "t.yaml", b"Resources:\n  A:\n    Type: !!binary aGVsbG8=\n",
     "3:11: error: invalid YAML: unsupported tag !!binary (CloudFormation templates hold only JSON data)"),
    ("set-tag", "t.yaml", b"Resources: !!set {a, b}\n",
     "1:12: error: invalid YAML: unsupported tag !!set (CloudFormation templates hold only JSON data)"),
    ("verbatim-tag", "t.yaml", b"Resources:\n  A: !<tag:example.com,2024:thing> x\n",
     "2:6: error: invalid YAML: unsupported tag !<tag:example.com,2024:thing> "
     "(CloudFormation templates hold only JSON data)"),
]


NOT_TEMPLATES = {"empty", "blank", "only-comments", "lone-scalar-yaml", "lone-scalar-json", "a-list",
                 "not-a-template", "several-documents"}


@pytest.mark.parametrize(("name", "content", "expected"), [c[1:] for c in CATALOGUE],
                         ids=[c[0] for c in CATALOGUE])
@pytest.mark.parametrize("command", ["check", "fix"])
def test_bad_input_named_explicitly(tmp_path: Path, command: str, name: str, content: bytes, expected: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / name
    path.write_bytes(content)
    out = cli(command, name)
    assert out.code == 2
    assert out.error_lines == [f"{name}:{expected}"]
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing written, nothing constructed


def test_batch_goes_on_past_every_bad_input(tmp_path: Path) -> None:
    """All of the catalogue in one directory beside a fixable template, in a separate process."""
    files = {}
    expected = []
    for i, (case, name, content, message) in enumerate(CATALOGUE):
        path = tmp_path / f"{i:02d}-{name}"
        if name.endswith(".yaml") and not content.startswith((b"\xff", b"\xfe", b"\x00\x00")):
            content = MARK + content  # one line further down
            line, rest = message.split(":", 1)
            message = re.sub(r"line (\d+)\)", lambda m: f"line {int(m.group(1)) + 1})", f"{int(line) + 1}:{rest}")
        path.write_bytes(content)
        files[path] = content
        if case not in NOT_TEMPLATES:
            expected.append(f"{path}:{message}")
    (tmp_path / "zz-fixable.yaml").write_text(FIXABLE_YAML)
    out = cli_subprocess("fix", "--jobs", "2", str(tmp_path))
    assert out.code == 2
    assert (tmp_path / "zz-fixable.yaml").read_text() == FIXED_YAML
    assert sorted(out.error_lines) == sorted(expected)  # not-templates are skipped quietly in directory mode
    for path, content in files.items():
        assert path.read_bytes() == content
    assert f"{len(NOT_TEMPLATES)} other files skipped" in out.stderr


def test_alias_bomb_is_refused_within_bounded_memory(tmp_path: Path) -> None:
    """Fully expanded, the bomb is 387 million strings; refused with 1 GiB of address space."""
    import resource

    path = tmp_path / "bomb.yaml"
    path.write_bytes(_billion_laughs())

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    out = cli_subprocess("check", str(path), preexec_fn=limit)
    assert out.code == 2
    assert out.error_lines == [f"{path}:5:4: error: document expands to too many values (YAML alias bomb?)"]


def test_directory_mode_skips_not_templates_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "values.yaml").write_text("replicas: 3\n")
    (tmp_path / "empty.yml").write_text("")
    (tmp_path / "k8s.yaml").write_text("kind: A\n---\nkind: B\n")
    (tmp_path / "stack.yaml").write_text(CLEAN_YAML)
    out = cli("check", ".")
    assert (out.code, out.stdout, out.error_lines) == (0, "", [])
    assert "4 other files skipped" in out.stderr


def test_unknown_custom_tags_are_preserved_like_cfn_flip(tmp_path: Path) -> None:
    text = FIXABLE_YAML + "  Thing:\n    Type: Custom::Thing\n    Properties:\n      Value: !MyMacro {a: 1}\n"
    path = tmp_path / "t.yaml"
    path.write_text(text)
    from autofix.load import load_text

    assert load_text(text).data == cfn_flip.load_yaml(text)  # {"Fn::MyMacro": {"a": 1}}, as cfn-flip
    out = cli("fix", str(path))
    assert out.code == 0
    assert path.read_text() == text.replace("db.t3.medium", "db.r5.large")  # tag kept byte for byte


def test_python_tags_never_construct_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda cmd: calls.append(cmd) or 0)
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  A: !!python/object/apply:os.system ['echo owned']\n"
        "  B: !!python/object/new:builtins.dict [{}]\n")
    out = cli("check", "t.yaml")
    assert out.code == 2 and calls == []


# -------------------------------------------------------------------- huge files


def test_max_bytes_option(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(CLEAN_YAML)
    size = len(CLEAN_YAML)
    out = cli("check", "--max-bytes", str(size - 1), str(path))
    assert out.code == 2
    assert out.error_lines == [
        f"{path}: error: file is larger than the limit of {size - 1} bytes ({size} bytes; see --max-bytes)"]
    assert cli("check", "--max-bytes", str(size), str(path)).code == 0
    assert cli("check", "--max-bytes", "1K", str(path)).code == 0


def test_max_bytes_from_the_environment_and_on_stdin(tmp_path: Path) -> None:
    out = cli("fix", "-", input=CLEAN_YAML.encode(), env={"AUTOFIX_MAX_BYTES": "20"})
    assert out.code == 2
    assert out.error_lines == ["-: error: input is larger than the limit of 20 bytes (--max-bytes)"]
    assert out.stdout == ""


def test_default_limit_refuses_a_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: 11 MiB of nothing, never read
        handle.truncate(11 * 1024 * 1024)
    out = cli("check", str(path))
    assert out.error_lines == [f"{path}: error: file is larger than the limit of 10485760 bytes "
                               f"(11534336 bytes; see --max-bytes)"]


@pytest.mark.parametrize("bad", ["ten", "-5", "0", "10X"])
def test_max_bytes_bad_value_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    out = cli("check", "--max-bytes", bad, str(tmp_path))
    assert out.code == 2
    assert "error: --max-bytes must be" in out.stderr


# -------------------------------------------------------------------- the file system


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = cli("check", "gone.yaml")
    assert (out.code, out.error_lines) == (2, ["gone.yaml: error: cannot read file: No such file or directory"])


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated, so the test means the same as root (who reads anything) and as a user."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(FIXABLE_YAML)
    (tmp_path / "b.yaml").write_text(FIXABLE_YAML)

    def guarded_open(path, *args, **kw):
        if str(path).endswith("a.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kw)

    monkeypatch.setattr(autofix.runner, "open", guarded_open, raising=False)
    out = cli("fix", "-j", "1", "a.yaml", "b.yaml")
    assert out.code == 2
    assert out.error_lines == ["a.yaml: error: cannot read file: Permission denied"]
    assert (tmp_path / "a.yaml").read_text() == FIXABLE_YAML
    assert (tmp_path / "b.yaml").read_text() == FIXED_YAML


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(CLEAN_YAML)
    path.chmod(0)
    out = cli("check", str(path))
    assert out.error_lines == [f"{path}: error: cannot read file: Permission denied"]


def test_a_directory_named_like_a_template_in_a_walk(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "dir.yaml" / "t.yaml").write_text(CLEAN_YAML)
    assert cli("check", str(tmp_path)).code == 0


def test_symlink_loops_in_a_directory_walk(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text(FIXABLE_YAML)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)  # a directory loop
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "self.yaml").symlink_to("self.yaml")  # a file loop
    (tmp_path / "alias.yaml").symlink_to("stack.yaml")  # the same file under a second name
    out = cli_subprocess("fix", str(tmp_path))
    assert out.code == 2
    assert out.error_lines == [f"{tmp_path / 'self.yaml'}: error: cannot read file: "
                               "Too many levels of symbolic links"]
    assert (tmp_path / "stack.yaml").read_text() == FIXED_YAML
    assert (tmp_path / "alias.yaml").is_symlink()
    assert "Fixed 1 finding in 1 file" in out.stderr


def test_vanished_before_reading_in_a_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text(FIXABLE_YAML)
    (tmp_path / "b.yaml").write_text(FIXABLE_YAML)
    real = autofix.runner.read_text

    def vanishing(path: str, settings):
        if path.endswith("a.yaml"):
            os.unlink(path)
        return real(path, settings)

    monkeypatch.setattr(autofix.runner, "read_text", vanishing)
    out = cli("fix", "-j", "1", str(tmp_path))
    assert out.error_lines == [f"{tmp_path / 'a.yaml'}: error: cannot read file: No such file or directory"]
    assert not (tmp_path / "a.yaml").exists()
    assert (tmp_path / "b.yaml").read_text() == FIXED_YAML


@pytest.mark.parametrize(("meddle", "message", "left"), [
    (lambda p: p.unlink(), "file disappeared while autofix was running; not recreated", None),
    (lambda p: p.write_text(FIXABLE_YAML + "# edited\n"), "file changed while autofix was running; not overwritten",
     FIXABLE_YAML + "# edited\n"),
])
def test_file_changed_or_vanished_between_reading_and_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              meddle, message: str, left: str | None) -> None:
    (tmp_path / "a.yaml").write_text(FIXABLE_YAML)
    (tmp_path / "b.yaml").write_text(FIXABLE_YAML)
    real = autofix.runner.process_text

    def meddling(text, filename, settings, *, fix=False):
        result = real(text, filename, settings, fix=fix)
        if filename.endswith("a.yaml"):
            meddle(Path(filename))
        return result

    monkeypatch.setattr(autofix.runner, "process_text", meddling)
    out = cli("fix", "-j", "1", str(tmp_path))
    assert out.code == 2
    assert out.error_lines == [f"{tmp_path / 'a.yaml'}: error: {message}"]
    assert (tmp_path / "a.yaml").read_text() == left if left else not (tmp_path / "a.yaml").exists()
    assert (tmp_path / "b.yaml").read_text() == FIXED_YAML


def test_unwritable_file_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file this user may not write is refused even where the directory would let a rename replace it."""
    path = tmp_path / "a.yaml"
    path.write_text(FIXABLE_YAML)
    path.chmod(0o444)
    (tmp_path / "b.yaml").write_text(FIXABLE_YAML)
    real_access = os.access
    monkeypatch.setattr(autofix.write.os, "access", lambda p, mode: False if str(p) == str(path) and mode == os.W_OK
                        else real_access(p, mode))  # as a user without write permission sees it
    out = cli("fix", "-j", "1", str(tmp_path))
    assert out.code == 2
    assert out.error_lines == [f"{path}: error: cannot write fixed file: file is read-only; not overwritten"]
    assert path.read_text() == FIXABLE_YAML
    assert (path.stat().st_mode & 0o777) == 0o444
    assert (tmp_path / "b.yaml").read_text() == FIXED_YAML


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0, reason="only root may write a read-only file")
def test_root_fixes_a_read_only_file_and_keeps_its_mode(tmp_path: Path) -> None:
    """Permission is the operating system's answer: root may write any file, as with sed -i or a formatter."""
    path = tmp_path / "a.yaml"
    path.write_text(FIXABLE_YAML)
    path.chmod(0o444)
    out = cli("fix", str(path))
    assert out.code == 0, out.error_lines
    assert path.read_text() == FIXED_YAML
    assert (path.stat().st_mode & 0o777) == 0o444


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes every directory")
def test_unwritable_directory(tmp_path: Path) -> None:
    sub = tmp_path / "ro"
    sub.mkdir()
    (sub / "a.yaml").write_text(FIXABLE_YAML)
    sub.chmod(0o555)
    try:
        out = cli("fix", str(sub / "a.yaml"))
    finally:
        sub.chmod(0o755)
    assert out.error_lines == [f"{sub / 'a.yaml'}: error: cannot write fixed file: Permission denied"]
    assert (sub / "a.yaml").read_text() == FIXABLE_YAML


def test_stdin_bad_input(tmp_path: Path) -> None:
    out = cli("check", "-", "--stdin-filename", "in.yaml", input=b"Resources:\n  A: [\n")
    assert out.code == 2
    assert out.error_lines == ["in.yaml:3:1: error: invalid YAML: did not find expected node content "
                               "(while parsing a flow node)"]


def test_interrupt_exits_130_without_traceback(tmp_path: Path) -> None:
    """Ctrl-C mid-run: exit 130, no traceback, nothing half-written (the writer is atomic)."""
    import subprocess

    from samples import ROOT

    (tmp_path / "t.yaml").write_text(CLEAN_YAML)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = ("import signal, autofix.runner as r, autofix.cli as c\n"
            "real = r.read_text\n"
            "def slow(p, s):\n"
            "    import os; os.kill(os.getpid(), signal.SIGINT); return real(p, s)\n"
            "r.read_text = slow\nimport sys; sys.argv = ['autofix', 'check', '-j', '1', sys.argv[1]]\nc.main()\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "t.yaml")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in proc.stderr
