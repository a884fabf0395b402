"""HY001 needless-sub: an ``Fn::Sub`` whose string has no variable."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext, mappings_in
from autofix.intrinsics import parse_sub, references, sub_names
from autofix.nodes import join_pointer
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template

_ESCAPE = "${!"


def plain_text(text: str) -> str | None:
    """What CloudFormation makes of a Sub string without variables, or None when that is unclear.

    ``${!Literal}`` is written out as ``${Literal}``; any other ``${`` (with spaces, unclosed)
    is left to the user.
    """
    out, i = [], 0
    while True:
        j = text.find("${", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        if not text.startswith(_ESCAPE, j):
            return None
        end = text.find("}", j)
        if end < 0 or end == j + 3 or any(c.isspace() for c in text[j + 3:end]):
            return None
        out.append(text[i:j] + "${")
        i = j + 3


_PSEUDO = ("AWS::",)


def _looks_like_variable(template: Template, plain: str, pointer: str) -> bool:
    """Whether a ``${Name}`` left in the plain string names a parameter, resource or pseudo parameter.

    cfn-lint (E1029) takes such a string for a forgotten Fn::Sub; in a state machine definition
    every ``${...}`` counts.
    """
    names = sub_names(plain)
    if not names:
        return False
    if "/Definition" in pointer:
        return True
    taken = template.taken_ids()
    return any(n.startswith(_PSEUDO) or n.split(".", 1)[0] in taken or template.declares(n.split(".", 1)[0])
               for n in names)


class NeedlessSub(Rule):
    """## What it does
    Finds `Fn::Sub` whose string names no variable (no `${Name}`, `${Resource.Attr}` or
    `${AWS::Region}`), such as `!Sub 'arn:aws:s3:::my-bucket'`, and replaces it with the plain
    string.  A `${!Literal}` escape becomes `${Literal}`, which is what `Fn::Sub` would have
    written out.

    ## Why is this bad?
    The function does nothing but make the reader look for a variable that is not there, and
    cfn-lint reports it (W1020).  A `!Sub` with no variable is often a sign that a variable was
    forgotten: review the string when the fix is shown.

    ## Example
    ```yaml
    Resource: !Sub 'arn:aws:s3:::my-logs/*'
    Command: !Sub 'echo ${!HOME}'
    ```

    Use instead:
    ```yaml
    Resource: 'arn:aws:s3:::my-logs/*'
    Command: 'echo ${HOME}'
    ```

    ## Fix safety
    Safe: the plain string is exactly what `Fn::Sub` produced.  The list form
    (`!Sub [text, {Var: value}]`) drops a variable map its string never uses; when that map
    refers to a resource or parameter the fix is unsafe, because the `Ref` it drops may have
    been the only thing ordering two resources.  No fix when the string holds a `${` that is
    neither a variable nor a clean `${!Literal}` escape (`${ }`, an unclosed `${`), nor when an
    escape names a parameter, resource or pseudo parameter (`${!BucketName}` with a parameter
    `BucketName`) or sits in a state machine definition: the plain `${BucketName}` would look
    like a forgotten `Fn::Sub` to readers and to cfn-lint (E1029).

    ## References
    - [Fn::Sub](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html)
    - [cfn-lint W1020](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HY001"
    name = "needless-sub"
    summary = "Fn::Sub without a variable: use the plain string"
    cfn_lint = ("W1020",)
    enabled_by_default = True  # resolves cfn-lint W1020
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for section in ("Resources", "Outputs", "Conditions", "Metadata", "Rules"):
            value = ctx.data.get(section)
            if not isinstance(value, (dict, list)):
                continue
            for pointer, node in mappings_in(ctx, value, join_pointer(section)):
                if "Fn::Sub" not in node:
                    continue  # (every mapping of the template comes by here)
                sub = parse_sub(node)
                if sub is None:
                    continue
                text, variables = sub.text, sub.local
                if sub_names(text):
                    continue
                plain = plain_text(text)
                message = "Fn::Sub has no variable: the plain string does the same"
                if plain is None:
                    yield self.finding(pointer, message + " (check its '${' before removing the function)")
                    continue
                if _looks_like_variable(ctx, plain, pointer):
                    yield self.finding(pointer, message + " (kept: its '${!...}' escape names an entry of the "
                                                          "template, which would read as a forgotten Fn::Sub)")
                    continue
                applicability = Applicability.SAFE
                note = ""
                if variables and references(variables):
                    applicability = Applicability.UNSAFE
                    note = " (drops a variable map that refers to other entries)"
                fix = self.fixer(ctx).replace(pointer, plain).build(
                    f"Replace Fn::Sub with the plain string{note}", applicability)
                yield self.finding(pointer, message, fix=fix)
