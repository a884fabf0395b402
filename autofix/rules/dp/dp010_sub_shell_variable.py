"""DP010 sub-shell-variable: a script's own variable inside Fn::Sub, which reads it as a template name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from autofix.context import RuleContext, mappings_in
from autofix.intrinsics import parse_sub
from autofix.nodes import join_pointer, split_pointer
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp.dp006_dangling_reference import PSEUDO, typo_target
from autofix.settings import Settings

#: a Sub variable: ``${Name}``, not ``${!Literal}``; the backslash a shell escape may put before it
_VARIABLE = lazy_pattern(r"(\\?)\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: properties whose strings are programs or scripts
_SCRIPT_KEYS = frozenset({"UserData", "ZipFile", "InlineCode", "Command", "Commands", "Script", "BuildSpec",
                          "command", "content", "Code"})
#: variables every shell sets
_SHELL = frozenset({"HOME", "PATH", "USER", "PWD", "HOSTNAME", "SHELL", "RANDOM", "UID", "EUID", "LANG", "TERM",
                    "IFS", "PPID", "SECONDS", "LINENO", "OLDPWD", "BASH_SOURCE", "HOSTTYPE", "OSTYPE"})


class SubShellVariable(Rule):
    """## What it does
    Finds `${NAME}` in a `Fn::Sub` string that names no parameter, resource or pseudo
    parameter but a variable of the script or program the string holds (user data, inline
    Lambda code, build commands), and escapes it as `${!NAME}`, which `Fn::Sub` turns into the
    literal `${NAME}` the script expects (cfn-lint E1019; E1021 when the `Fn::Sub` is inside a
    `Fn::Base64`).  Names one typo away from a declared name are left to DP006.

    ## Why is this bad?
    `Fn::Sub` reads every `${...}` as a template name, so CloudFormation rejects the template
    ("Unresolved resource dependencies [INSTANCE_ID]").  A backslash, as a shell escapes `$`,
    does not escape it for `Fn::Sub`.

    ## Example
    ```yaml
    UserData: !Base64
      Fn::Sub: |
        #!/bin/bash
        INSTANCE_ID=$(ec2-metadata --instance-id | cut -d " " -f 2)
        aws s3 cp /var/log/app.log s3://${LogBucket}/${INSTANCE_ID}/app.log
    ```

    Use instead:
    ```yaml
        aws s3 cp /var/log/app.log s3://${LogBucket}/${!INSTANCE_ID}/app.log
    ```

    ## Fix safety
    - The string assigns or declares the variable itself (`NAME=`, `export NAME=`,
      `for NAME in`, `read NAME`, `const name =`...), a backslash marks it as the shell's
      (`\\${NAME}`), or it is a variable every shell sets (`HOME`, `PATH`): safe, the script
      gets the text it was written with.
    - A script (user data, inline code, or a string starting with `#!`) that uses a name it
      does not set: unsafe, it may be a parameter the template forgot to declare.
    - Otherwise nothing is offered (DP006 reports the name).

    ## References
    - [Fn::Sub (escaping `${}` with `${!Literal}`)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html)
    - [Running commands on your Linux instance at launch](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html)
    """

    id = "DP010"
    name = "sub-shell-variable"
    summary = "Fn::Sub reads a script's own variable as a template name"
    cfn_lint = ("E1019", "E1021")
    enabled_by_default = True  # resolves cfn-lint E1019/E1021
    fix_applicability = Applicability.SAFE
    skips_transforms = True
    reads_whole_template = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        declared = {*ctx.resources, *ctx.parameters}
        for section in ("Resources", "Outputs"):
            for pointer, value in mappings_in(ctx, ctx.section(section), ctx.pointer(section)):
                sub = parse_sub(value)
                if sub is None:
                    continue
                at = join_pointer(*split_pointer(pointer), *sub.text_at)
                found = self._finding(ctx, at, sub.text, declared | set(sub.local))
                if found is not None:
                    yield found

    def _finding(self, ctx: RuleContext, at: str, text: str, declared: set[str]) -> Finding | None:
        script = is_script(at, text)
        literal: dict[str, Applicability] = {}
        for match in _VARIABLE.finditer(text):
            escaped, name = match.group(1), match.group(2)
            if (name in declared or ctx.declares(name) or name in PSEUDO or name in literal
                    or typo_target(name, declared) is not None):
                continue
            if escaped or name in _SHELL or _assigned(text, name):
                literal[name] = Applicability.SAFE
            elif script:
                literal[name] = Applicability.UNSAFE
        if not literal:
            return None
        new_text = _VARIABLE.sub(lambda m: f"{m.group(1)}${{!{m.group(2)}}}" if m.group(2) in literal else m.group(0),
                                 text)
        how = Applicability.UNSAFE if Applicability.UNSAFE in literal.values() else Applicability.SAFE
        names = ", ".join(list(literal)[:3]) + (", ..." if len(literal) > 3 else "")
        owner = split_pointer(at)[1] if at.startswith("/Resources/") else None
        fix = self.fixer(ctx).replace(at, new_text)
        what = "a template name; the script means its own variable" if len(literal) == 1 else \
            "template names; the script means its own variables"
        return self.finding(at, f"Fn::Sub reads {names} as {what}",
                            resource=owner, fix=fix.build(f"Escape {names} as ${{!...}}", how))


def _assigned(text: str, name: str) -> bool:
    """Whether the script assigns or declares ``name`` (shell, JavaScript or Python)."""
    word = re.escape(name)
    return re.search(rf"(?<![\w$.]){word}\s*=(?!=)|\bfor\s+{word}\s+in\b|\bread\b[^\n]*\b{word}\b"
                     rf"|\b(?:const|let|var)\s+{word}\b", text) is not None


def is_script(pointer: str, text: str) -> bool:
    """Whether a Fn::Sub string at ``pointer`` holds a program or script, whose ``${...}`` may be its own."""
    return text.startswith("#!") or any(seg in _SCRIPT_KEYS for seg in split_pointer(pointer))
