"""DP019 undeclared-parameter: Ref or Fn::Sub names a value the template never declares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.intrinsics import getatt_target, parse_sub, ref_target
from autofix.nodes import extend_pointer
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._graph import depends_on
from autofix.rules.dp._structure import VALID_ID
from autofix.rules.dp.dp006_dangling_reference import typo_target
from autofix.rules.dp.dp010_sub_shell_variable import is_script
from autofix.rules.dp.dp013_parameter_definition import valid_type
from autofix.rules.sc._walk import mapping_nodes
from autofix.settings import Settings

#: a schema ``format`` naming a resource id (``AWS::EC2::VPC.Id``), whose parameter type is ``AWS::EC2::VPC::Id``
_ID_FORMAT = lazy_pattern(r"^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)\.Id$")
_SECTIONS = ("Resources", "Outputs", "Conditions")


class UndeclaredParameter(Rule):
    """## What it does
    Finds names that `Ref` and `Fn::Sub` variables use as values but that the template declares
    nowhere: no parameter, resource or pseudo parameter, and no declared name one typo away
    (those are DP006's).  Each is declared as a parameter, typed by where it is used (a
    property that takes a subnet id gets `AWS::EC2::Subnet::Id`, a number `Number`, a list
    `CommaDelimitedList`, anything else `String`) (cfn-lint E1020, E1019).  Names also read
    with `Fn::GetAtt` or named in `DependsOn` are resources the template lacks, and are left
    to DP006, and names a script uses in a `Fn::Sub` (user data, inline code) to DP010; so are
    names no parameter can have (only letters and digits): `${aws:username}`
    is an IAM policy variable, `AWS::Regoin` a misspelt pseudo parameter.  A name that starts
    with the logical id of a module (a resource whose type ends in `::MODULE`) is one of the
    module's resources (`!Ref MyModuleMyBucket`), declared by the module.

    ## Why is this bad?
    CloudFormation rejects the template ("Unresolved resource dependencies [VpcCIDR] in the
    Resources block of the template").  LLM-written templates often come without their
    `Parameters` section, or with only part of it.

    ## Example
    ```yaml
    Resources:
      Vpc:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: !Ref VpcCidr
    ```

    Use instead:
    ```yaml
    Parameters:
      VpcCidr:
        Type: String
    Resources:
      Vpc:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: !Ref VpcCidr
    ```

    ## Fix safety
    Unsafe: the template deploys once whoever deploys it gives the value, which is what the
    reference asked for; but the name may have been meant as a resource the template should
    create, and the parameter has no default.

    ## References
    - [Parameters](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html)
    - [Ref](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html)
    - [Reference module resources](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/module-ref-resources.html)
    """

    id = "DP019"
    name = "undeclared-parameter"
    summary = "Ref or Fn::Sub names a value the template never declares"
    cfn_lint = ("E1019", "E1020")
    enabled_by_default = True  # resolves cfn-lint E1019/E1020
    fix_applicability = Applicability.UNSAFE
    skips_transforms = True
    reads_whole_template = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        declared = {*ctx.resources, *ctx.parameters}
        used, resources = _uses(ctx)
        missing = [n for n in used if VALID_ID.match(n) and not ctx.declares(n) and n not in resources
                   and typo_target(n, declared) is None]
        if not missing:
            return
        types = _types(ctx, settings, set(missing))
        for name in missing:
            kind = types.get(name, "String")
            fix = self.fixer(ctx).set(("Parameters", name), {"Type": kind})
            yield self.finding(used[name], f"{name} is used as a value but never declared; a {kind} parameter "
                                           "would take it at deploy",
                               fix=fix.build(f"Declare the parameter {name} ({kind})", Applicability.UNSAFE))


def _uses(ctx: RuleContext) -> tuple[dict[str, str], set[str]]:
    """Names used as values (Ref, Fn::Sub variables) with the pointer of their first use, and names
    used as resources (Fn::GetAtt, ``${X.Attr}``, DependsOn)."""
    used: dict[str, str] = {}
    resources: set[str] = set()
    for section in _SECTIONS:
        for pointer, value in mappings_in(ctx, ctx.section(section), ctx.pointer(section)):
            if len(value) != 1:
                if section == "Resources" and pointer.count("/") == 2:
                    resources.update(depends_on(value))
                continue
            target = ref_target(value)
            if target is not None:
                used.setdefault(target, extend_pointer(pointer, "Ref"))
                continue
            got = getatt_target(value)
            if got is not None:
                resources.add(got[0])
                continue
            sub = parse_sub(value)
            if sub is not None:
                if is_script(extend_pointer(pointer, "Fn::Sub"), sub.text):
                    continue  # a script's ${...} may be its own variables: DP010's
                for variable in sub.names():
                    logical, dot, _ = variable.partition(".")
                    if variable in sub.local or logical in sub.local:
                        continue
                    if dot:
                        resources.add(logical)
                    else:
                        used.setdefault(variable, extend_pointer(pointer, "Fn::Sub"))
    return used, resources


def _types(ctx: RuleContext, settings: Settings, names: set[str]) -> dict[str, str]:
    """The parameter type each of ``names`` gets from the properties it is the whole value of
    (String when its uses disagree)."""
    seen: dict[str, set[str]] = {}
    for node in mapping_nodes(ctx, settings):
        kids = node.schema.children(node.node)
        for key, value in node.value.items():
            sub = kids[key]
            if not sub:
                continue
            target = ref_target(value)
            if target in names:
                seen.setdefault(target, set()).add(_type_for(node.schema, sub))
            elif isinstance(value, list):
                items = node.schema.items(sub)
                for item in value:
                    item_target = ref_target(item)
                    if item_target in names:
                        seen.setdefault(item_target, set()).add(_type_for(node.schema, items))
    return {name: kinds.pop() if len(kinds) == 1 else "String" for name, kinds in seen.items()}


def _type_for(schema: Any, sub: dict[str, Any]) -> str:
    allowed = schema.types(sub)
    if "array" in allowed:
        inner = _id_type(schema.items(sub))
        return f"List<{inner}>" if inner else "CommaDelimitedList"
    if allowed and set(allowed) <= {"integer", "number"}:
        return "Number"
    return _id_type(sub) or "String"


def _id_type(sub: dict[str, Any]) -> str | None:
    fmt = sub.get("format")
    match = _ID_FORMAT.match(fmt) if isinstance(fmt, str) else None
    kind = f"{match.group(1)}::Id" if match else None
    return kind if kind is not None and valid_type(kind) else None
