"""DP006 dangling-reference: Ref, GetAtt or Sub naming a logical id that does not exist."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.intrinsics import parse_sub, sub_substitute
from autofix.nodes import extend_pointer
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._structure import VALID_ID, rename_ids
from autofix.settings import Settings

PSEUDO = frozenset({"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
                    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"})
#: sections whose values CloudFormation resolves references in
_SECTIONS = ("Resources", "Outputs")


def one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one insertion, deletion, substitution or transposition of adjacent letters."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def typo_target(name: str, candidates: Iterable[str]) -> str | None:
    """The one existing id ``name`` is clearly a typo of: equal ignoring case, else one edit away."""
    same_case = [c for c in candidates if c.lower() == name.lower()]
    if len(same_case) == 1:
        return same_case[0]
    if same_case:
        return None
    close = [c for c in candidates if one_edit(name.lower(), c.lower())]
    return close[0] if len(close) == 1 and len(name) >= 4 else None


class DanglingReference(Rule):
    """## What it does
    Finds `Ref`, `Fn::GetAtt` and `Fn::Sub` variables in `Resources` and `Outputs` that name
    a logical id the template does not declare (cfn-lint E1020, E1010, E1019; E1012 in
    older cfn-lint).  A name that starts with the logical id of a module (a resource whose
    type ends in `::MODULE`) names one of the module's resources (`MyModuleMyBucket`,
    `MyModule.MyBucket`) and is declared.  When the name is clearly a typo of one declared
    id (the same letters in another case, or one insertion, deletion, substitution or swap
    of adjacent letters away, with a single such candidate) the reference is renamed.  A `Fn::Sub` variable
    that is an IAM policy variable (`${aws:username}`, `${aws:PrincipalTag/team}`,
    `${s3:prefix}`...) is escaped as `${!aws:username}`, which is how a literal `${...}`
    is written in `Fn::Sub`.  Templates with a `Transform` (SAM, macros) are skipped:
    transforms declare resources of their own.

    ## Why is this bad?
    CloudFormation rejects the template ("Unresolved resource dependencies [X] in the
    Resources block of the template"), and a policy variable inside `Fn::Sub` is read as
    a reference to a parameter or resource that does not exist.

    ## Example
    ```yaml
    Parameters:
      EnvironmentName: {Type: String}
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub ${EnviromentName}-data
    ```

    Use instead:
    ```yaml
          BucketName: !Sub ${EnvironmentName}-data
    ```

    ## Fix safety
    A reference to a name that does not exist cannot deploy.  The rename to the only declared
    id with the same letters in another case is safe; the rename to the only declared id one
    edit away is unsafe, since one edit also leads from `Bucket1` to `Bucket2`: a reviewer
    must confirm the guess.  When that declared id is itself invalid (it holds a
    space or a dash, `SchemaSync Lambda`) and the reference is a valid id (`SchemaSyncLambda`),
    the reference is right and the declared id is renamed to it, with every reference to the old
    id (safe); the escaped policy variable is what the policy meant (IAM evaluates
    `${aws:username}` at request time: safe).  A name with no single
    candidate (a parameter the template never declared, say) is reported without a fix:
    declaring it is the author's choice.

    ## References
    - [Ref](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html)
    - [Fn::Sub (escaping `${}` with `${!Literal}`)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html)
    - [IAM policy variables](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
    - [Reference module resources](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/module-ref-resources.html)
    """

    id = "DP006"
    reads_whole_template = True
    name = "dangling-reference"
    summary = "Ref, GetAtt or Sub names a logical id that does not exist"
    cfn_lint = ("E1010", "E1012", "E1019", "E1020")
    enabled_by_default = True  # resolves cfn-lint E1010/E1012/E1019/E1020
    fix_applicability = Applicability.SAFE
    skips_transforms = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        # the typo candidates, ordered like the template (whether a name is declared, ctx.declares says)
        resources = dict.fromkeys(ctx.resources)
        names = dict.fromkeys([*ctx.resources, *ctx.parameters])
        for section in _SECTIONS:
            for pointer, value in mappings_in(ctx, ctx.section(section), ctx.pointer(section)):
                if len(value) != 1:
                    continue
                (key, arg), = value.items()
                if key == "Ref" and isinstance(arg, str):
                    if not ctx.declares(arg) and arg not in PSEUDO:
                        yield self._reference(ctx, extend_pointer(pointer, "Ref"), arg, names, "Ref",
                                              lambda new: new)
                elif key == "Fn::GetAtt":
                    yield from self._getatt(ctx, pointer, arg, resources)
                elif key == "Fn::Sub":
                    yield from self._sub(ctx, pointer, value, names, resources)

    def _reference(self, ctx: RuleContext, pointer: str, name: str, candidates: Iterable[str], what: str,
                   value_for: Any) -> Finding:
        target = typo_target(name, candidates)
        message = f"{what} names {name}, which is not declared in the template"
        # (the engine names the resource of every finding from its pointer)
        if target is None:
            return self.finding(pointer, message)
        if not VALID_ID.match(target):
            return self._declared(ctx, pointer, f"{what} names {name}", target, name)
        fix = self.fixer(ctx).replace(pointer, value_for(target))
        return self.finding(pointer, f"{message}; did you mean {target}?",
                            fix=fix.build(f"Rename the reference {name} to {target}", _how_sure(name, target)))

    def _declared(self, ctx: RuleContext, pointer: str, names: str, declared: str, name: str) -> Finding:
        """The reference is right and the declared id it means is the one CloudFormation cannot read
        (``SchemaSync Lambda``): the declared id is renamed, when the reference's name is a valid id."""
        if not VALID_ID.match(name) or name in ctx.taken_ids():
            return self.finding(pointer, f"{names}, but the declared id is {declared!r}, not a valid logical id")
        fix = self.fixer(ctx)
        rename_ids(ctx, fix, {declared: name}, ("Resources", "Parameters"))
        return self.finding(
            pointer, f"{names}, but the declared id is {declared!r}, not a valid logical id; rename it to {name}",
            fix=fix.build(f"Rename the logical id {declared!r} to {name}", Applicability.SAFE))

    def _getatt(self, ctx: RuleContext, pointer: str, arg: Any, resources: dict[str, None]) -> Iterator[Finding]:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            if not ctx.declares_resource(arg[0]):
                yield self._reference(ctx, extend_pointer(pointer, "Fn::GetAtt", 0), arg[0], resources,
                                      "Fn::GetAtt", lambda new: new)
        elif isinstance(arg, str) and "." in arg:
            logical, attribute = arg.split(".", 1)
            if not ctx.declares_resource(logical):
                yield self._reference(ctx, extend_pointer(pointer, "Fn::GetAtt"), logical, resources,
                                      "Fn::GetAtt", lambda new: f"{new}.{attribute}")

    def _sub(self, ctx: RuleContext, pointer: str, value: Any, names: dict[str, None],
             resources: dict[str, None]) -> Iterator[Finding]:
        sub = parse_sub(value)
        if sub is None:
            return
        path = extend_pointer(pointer, *sub.text_at)
        renames: dict[str, str] = {}
        unknown: list[str] = []
        for var in dict.fromkeys(sub.outside()):
            if var in PSEUDO:
                continue
            logical = var.split(".", 1)[0]
            if "." in var and ctx.declares_resource(logical):
                continue
            if "." not in var and ctx.declares(var):
                continue
            if ":" in var and not var.startswith("AWS::"):
                renames[var] = f"!{var}"  # an IAM policy variable: a literal ${...}
                continue
            target = typo_target(logical, resources if "." in var else names)
            if target is None:
                unknown.append(var)
            elif not VALID_ID.match(target):
                yield self._declared(ctx, path, f"Fn::Sub names {var}", target, logical)
            else:
                renames[var] = target + var[len(logical):]
        if unknown:
            yield self.finding(path, f"Fn::Sub names {', '.join(unknown)}, not declared in the template")
        if not renames:
            return
        new_text = sub_substitute(sub.text, {old: f"${{{new}}}" for old, new in renames.items()})
        described = ", ".join(f"${{{o}}} -> ${{{n}}}" for o, n in renames.items())
        fix = self.fixer(ctx).replace(path, new_text)
        sure = all(new == f"!{old}" or _how_sure(old, new) is Applicability.SAFE for old, new in renames.items())
        message = f"Fn::Sub names {', '.join(renames)}, not declared in the template: {described}"
        yield self.finding(path, message if len(message) <= 160 else
                           f"Fn::Sub names {len(renames)} variables the template does not declare",
                           detail=None if len(message) <= 160 else described,
                           fix=fix.build(f"Fix Fn::Sub variables: {described}",
                                         Applicability.SAFE if sure else Applicability.UNSAFE))


def _how_sure(name: str, target: str) -> Applicability:
    """Safe for the same letters in another case; a one-letter edit is a guess (``Bucket1`` for
    ``Bucket2`` is one edit too), which a reviewer must confirm: unsafe."""
    return Applicability.SAFE if name.lower() == target.lower() else Applicability.UNSAFE
