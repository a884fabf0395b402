"""Module-level patterns compile on first use and then behave exactly as ``re.compile`` would."""

from __future__ import annotations

import re
import subprocess
import sys

from autofix.patterns import LazyPattern, lazy_pattern


def test_a_lazy_pattern_compiles_on_first_use_and_answers_as_the_compiled_one() -> None:
    lazy = lazy_pattern(r"^(?P<word>[a-z]+)-(\d+)$", re.IGNORECASE)
    assert isinstance(lazy, LazyPattern) and lazy._compiled is None
    real = re.compile(r"^(?P<word>[a-z]+)-(\d+)$", re.IGNORECASE)
    for text in ("Bucket-12", "bucket_12", ""):
        got, want = lazy.match(text), real.match(text)
        assert (got and got.groups()) == (want and want.groups())
    assert lazy._compiled is not None
    assert lazy.sub("x", "a-1") == real.sub("x", "a-1")
    assert lazy.pattern == real.pattern and lazy.flags == real.flags and lazy.groupindex == real.groupindex


def test_importing_every_rule_compiles_none_of_their_patterns() -> None:
    code = (
        "import re, sys\n"
        "compiled = []\n"
        "real = re._compile\n"
        "def spy(pattern, flags):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame and frame.f_code.co_filename.endswith('__init__.py') and 're' in frame.f_code.co_filename:\n"
        "        frame = frame.f_back\n"
        "    if frame and '/autofix/rules/' in frame.f_code.co_filename.replace('\\\\', '/'):\n"
        "        compiled.append(frame.f_code.co_filename)\n"
        "    return real(pattern, flags)\n"
        "re._compile = spy\n"
        "from autofix.registry import all_rules\n"
        "from autofix.rules.lazy import real_rule\n"
        "for rule in all_rules():\n"
        "    real_rule(rule)\n"
        "print(sorted(set(compiled)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert eval(proc.stdout) == []
