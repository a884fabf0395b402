"""HD005 invalid-bucket-name: an S3 bucket name built with Fn::Sub that can resolve to an invalid name."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext, walk_in
from autofix.intrinsics import SUB_VARIABLE, parse_sub, values
from autofix.nodes import split_pointer
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template

VALID = lazy_pattern(r"^(?![.\-])(?!.*\.\.)(?!.*-\.)(?!.*\.-)[a-z0-9.\-]{3,63}(?<![.\-])$")
_PSEUDO = {"AWS::AccountId": ["123456789012"], "AWS::Region": ["us-east-1", "ap-southeast-2"],
           "AWS::Partition": ["aws"], "AWS::URLSuffix": ["amazonaws.com"]}
_SAFE_CHARS = lazy_pattern(r"^[a-z0-9.\-]*$")
#: a stack name as it may be (stack names may hold upper case), and as cfn-lint resolves it for W1031
STACK_NAME, LINTED_STACK_NAME = "StackName", "teststack"
_STACK_NAME_ONLY = ("Only the stack name can make it invalid: stack names may hold upper case, bucket names may "
                    "not.  cfn-lint does not report it (it cannot know the stack name), and removing BucketName "
                    "replaces the bucket on a deployed stack, so there is no fix: deploy the stack under a "
                    "lower-case name, or name the bucket from a lower-case parameter.")


def _values(template: Template, name: str, stack_name: str = STACK_NAME) -> list[str] | None:
    """The values a Sub variable can take as far as the template says, or None when unknown."""
    if name in _PSEUDO:
        return _PSEUDO[name]
    if name == "AWS::StackName":
        return [stack_name]
    param = template.parameters.get(name)
    if not isinstance(param, dict):
        return None
    found = [str(param["Default"])] if "Default" in param and not isinstance(param["Default"], (dict, list)) else []
    allowed = param.get("AllowedValues")
    if isinstance(allowed, list):
        found += [str(v) for v in allowed if not isinstance(v, (dict, list))]
    return found or None


def _fix_literals(text: str) -> str:
    """Lower-case the literal parts of a Sub string and turn underscores into hyphens."""
    out, i = [], 0
    for match in SUB_VARIABLE.finditer(text):
        out.append(text[i:match.start()].lower().replace("_", "-"))
        out.append(match.group(0))
        i = match.end()
    out.append(text[i:].lower().replace("_", "-"))
    return "".join(out)


def _possible(template: Template, text: str, stack_name: str = STACK_NAME) -> tuple[list[str], bool] | None:
    """(resolved examples with every variable at each known value, whether the variables alone are valid)."""
    variables = SUB_VARIABLE.findall(text)
    values: dict[str, list[str]] = {}
    for name in variables:
        got = _values(template, name, stack_name)
        if got is None:
            return None
        values[name] = got
    clean = all(_SAFE_CHARS.match(v) for vs in values.values() for v in vs)
    examples = []
    for name, options in values.items():
        for option in options:
            resolved = SUB_VARIABLE.sub(
                lambda m, n=name, o=option: o if m.group(1) == n else (values[m.group(1)][0]), text)
            examples.append(resolved)
    if not values:
        examples.append(text)
    # the longest combination: every variable at its longest value
    examples.append(SUB_VARIABLE.sub(lambda m: max(values[m.group(1)], key=len), text))
    return examples, clean


def _stack_name_only(template: Template, text: str) -> bool:
    """Whether the name is valid with the stack name cfn-lint assumes: then only the stack name can make
    it invalid, which cfn-lint does not report (no W1031) and a default rule does not change."""
    if "AWS::StackName" not in SUB_VARIABLE.findall(text):
        return False
    linted = _possible(template, text, LINTED_STACK_NAME)
    return linted is not None and all(VALID.match(e) for e in linted[0])


class InvalidBucketName(Rule):
    """## What it does
    Finds `AWS::S3::Bucket` names built with `Fn::Sub` that resolve to an invalid bucket name
    for some value the template allows: upper case or `_` in the literal text, a parameter
    whose `Default` or `AllowedValues` hold upper case (`Production`), `${AWS::StackName}`
    (stack names may hold upper case), or a name longer than 63 characters.

    The fix lower-cases the literal parts (and turns `_` into `-`), also where the template
    repeats the name (a policy's `arn:aws:s3:::name/*`).  When the variables themselves can
    make the name invalid, it removes `BucketName`, and CloudFormation generates a valid
    unique name; when the template repeats that name elsewhere it only reports, because those
    uses would no longer match the bucket.  A name that only `${AWS::StackName}` can make
    invalid (`${AWS::StackName}-logs`) is reported without a fix: cfn-lint does not report it,
    since it cannot know the stack name, and many stacks are deployed under lower-case names.

    ## Why is this bad?
    Bucket names allow only lower-case letters, digits, `.` and `-`, 3 to 63 characters.  A
    stack deployed with `Environment=Production` fails at bucket creation, after everything
    before it was built.  cfn-lint reports it (W1031) when the literal text or a parameter's
    values make the name invalid.

    ## Example
    ```yaml
    Parameters:
      Environment: {Type: String, Default: Production, AllowedValues: [Development, Production]}
    Resources:
      Logs:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub 'App-Logs-${Environment}-${AWS::AccountId}'
    ```

    Use instead (the parameter can still make the name invalid, so the name goes):
    ```yaml
      Logs:
        Type: AWS::S3::Bucket
    ```

    ## Fix safety
    Unsafe: a bucket's name cannot change in place, so on a deployed stack CloudFormation
    creates a new, empty bucket and deletes the old one (which fails if it holds objects).
    Anything outside the stack that knows the old name must learn the new one (read it from
    `!Ref`, an output).  No fix when a variable is a resource attribute (its value is unknown),
    and none when only the stack name can make the name invalid: removing the name would
    replace the bucket of every stack already deployed under a lower-case name, to guard
    against a name the stack may never have.

    ## References
    - [Bucket naming rules](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
    - [AWS::S3::Bucket BucketName](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html)
    - [cfn-lint W1031](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HD005"
    name = "invalid-bucket-name"
    summary = "S3 bucket name from Fn::Sub can resolve to an invalid name"
    cfn_lint = ("W1031",)
    enabled_by_default = True  # resolves cfn-lint W1031
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, _resource in ctx.resources_of("AWS::S3::Bucket"):
            name = ctx.properties(logical_id).get("BucketName")
            sub = parse_sub(name)
            if sub is None or sub.local:
                continue
            text = sub.text
            possible = _possible(ctx, text)
            if possible is None:
                continue
            examples = possible[0]
            bad = next((e for e in examples if not VALID.match(e)), None)
            if bad is None:
                continue
            pointer = ctx.pointer("Resources", logical_id, "Properties", "BucketName")
            message = f"bucket {logical_id} may be named {bad!r}, not a valid bucket name"
            if _stack_name_only(ctx, text):
                yield self.finding(pointer, message, resource=logical_id, detail=_STACK_NAME_ONLY)
                continue
            elsewhere = self._elsewhere(ctx, text, pointer)
            fixed = _fix_literals(text)
            if fixed != text and all(VALID.match(e) for e in (_possible(ctx, fixed) or ([""], False))[0]):
                fix = self.fixer(ctx).replace(
                    ("Resources", logical_id, "Properties", "BucketName", *sub.text_at), fixed)
                for where, other in elsewhere:
                    fix.replace(where, other.replace(text, fixed))
                yield self.finding(pointer, message, resource=logical_id, fix=fix.build(
                    f"Lower-case the literal parts of {logical_id}'s name", Applicability.UNSAFE))
                continue
            if elsewhere:
                yield self.finding(pointer, message, resource=logical_id,
                                   detail=f"The template repeats the name at {elsewhere[0][0]}, so it is not removed.")
                continue
            fix = self.fixer(ctx).remove(pointer)
            yield self.finding(pointer, message, detail="Let CloudFormation name it.", resource=logical_id,
                               fix=fix.build(f"Remove the BucketName of {logical_id} (a generated name is valid)",
                                             Applicability.UNSAFE))

    @staticmethod
    def _elsewhere(ctx: RuleContext, text: str, own: str) -> list[tuple[str, str]]:
        """(pointer, string) of every other string of the template that contains the name's text."""
        if sum(1 for v in values(ctx.data) if isinstance(v, str) and text in v) <= 1:
            return []  # only the name itself: no walk that builds a pointer for every value
        found = []
        for pointer, value in walk_in(ctx, ctx.data, ""):
            if isinstance(value, str) and text in value and not pointer.startswith(own):
                parent = split_pointer(pointer)
                if parent and parent[0] == "Parameters":
                    continue
                found.append((pointer, value))
        return found


