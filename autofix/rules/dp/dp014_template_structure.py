"""DP014 template-structure: sections, resource attributes and logical ids CloudFormation cannot read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.intrinsics import references
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._structure import VALID_ID, rename_ids, resource_attributes, sections, valid_id
from autofix.rules.dp.dp006_dangling_reference import PSEUDO
from autofix.rules.sc._walk import schemas_of
from autofix.settings import Settings
from autofix.spelling import closest, same_but_case

VERSION = "2010-09-09"
#: sections whose keys are logical ids a template names (Conditions and Mappings have their own names)
_ID_SECTIONS = ("Resources", "Parameters", "Outputs")


class TemplateStructure(Rule):
    """## What it does
    Finds what CloudFormation cannot read in a template's structure (cfn-lint E1001, E3001,
    and E2001 / E6001 for parameter and output names): an `AWSTemplateFormatVersion` other
    than `2010-09-09`; a top-level key that is no section (a section in another case, a
    resource written outside `Resources`, anything else); a resource attribute that is not
    one (`properties`, a property written beside `Properties`, `DependOn`); and logical ids
    with characters other than letters and digits.  The sections and attributes are those of
    the template schema cfn-lint ships.

    ## Why is this bad?
    CloudFormation rejects the template ("Invalid template property or properties", "Template
    format error: Resource name prod-vpc is non alphanumeric"): nothing deploys.

    ## Example
    ```yaml
    Resources:
      prod-vpc:
        Type: AWS::EC2::VPC
        CidrBlock: 10.0.0.0/16
    ```

    Use instead:
    ```yaml
    Resources:
      ProdVpc:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
    ```

    ## Fix safety
    - The format version becomes `2010-09-09`, the only one: safe.
    - A section or attribute in another case is renamed, a property written beside
      `Properties` moves into it, a resource written at the top level moves into `Resources`
      (when every name it references is declared), and any other top-level key moves under
      `Metadata`, where CloudFormation keeps it unread: safe, nothing the template says is
      lost.
    - Logical ids made of letters and digits (`prod-vpc` -> `ProdVpc`), with every `Ref`,
      `Fn::GetAtt`, `Fn::Sub` and `DependsOn` that names them: safe, the template could not
      be deployed, so no stack has the old ids.
    - A section or attribute spelled closely ("did you mean"): renamed, unsafe.
    - Anything else is reported without a fix.

    ## References
    - [Template anatomy](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html)
    - [Resources (logical ids)](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html)
    - [Resource attributes](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-product-attribute-reference.html)
    """

    id = "DP014"
    name = "template-structure"
    summary = "Section, resource attribute or logical id CloudFormation cannot read"
    cfn_lint = ("E1001", "E2001", "E3001", "E6001")
    enabled_by_default = True  # resolves cfn-lint E1001/E2001/E3001/E6001
    fix_applicability = Applicability.SAFE
    reads_whole_template = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        yield from self._version(ctx)
        if "Transform" in ctx.data:  # transforms have sections, attributes and ids of their own
            return
        yield from self._sections(ctx)
        yield from self._attributes(ctx, settings)
        yield from self._ids(ctx)

    def _version(self, ctx: RuleContext) -> Iterator[Finding]:
        version = ctx.data.get("AWSTemplateFormatVersion", VERSION)
        if version == VERSION or version == date(2010, 9, 9):
            return
        pointer = ctx.pointer("AWSTemplateFormatVersion")
        fix = self.fixer(ctx).replace(pointer, VERSION)
        yield self.finding(pointer, f"AWSTemplateFormatVersion is {version!r}; {VERSION} is the only version",
                           fix=fix.build(f"AWSTemplateFormatVersion {VERSION}", Applicability.SAFE))

    def _sections(self, ctx: RuleContext) -> Iterator[Finding]:
        known = sections()
        unknown = [k for k in ctx.data if k not in known]
        resources = [k for k in unknown if _looks_like_resource(ctx.data[k])]
        strays = {*resources, *PSEUDO}  # names a stray resource may use besides the template's own
        for key in unknown:
            pointer = ctx.pointer(key)
            message = f"{key} is not a template section"
            fix = self.fixer(ctx)
            target = same_but_case(key, known)
            if target is not None and target not in ctx.data:
                yield self.finding(pointer, f"{message}; {target} is", fix=fix.rename((key,), target).build(
                    f"Rename {key} to {target}", Applicability.SAFE))
                continue
            if key in resources:
                if key in ctx.resources or not all(r in strays or ctx.declares(r) for r in references(ctx.data[key])):
                    yield self.finding(pointer, f"{message}; it is a resource outside Resources")
                    continue
                if "Resources" not in ctx.data:
                    fix.add(("Resources",), {})
                fix.move((key,), ("Resources", key))
                yield self.finding(pointer, f"{message}; it is a resource outside Resources", fix=fix.build(
                    f"Move the resource {key} into Resources", Applicability.SAFE))
                continue
            guess = closest(key, [s for s in known if s not in ctx.data])
            if guess is not None:
                yield self.finding(pointer, f"{message}; did you mean {guess}?", fix=fix.rename((key,), guess).build(
                    f"Rename {key} to {guess}", Applicability.UNSAFE))
                continue
            metadata = ctx.data.get("Metadata")
            if isinstance(metadata, dict) and key not in metadata:
                fix.move((key,), ("Metadata", key))
            elif "Metadata" not in ctx.data:
                fix.add(("Metadata",), {key: thaw(ctx.data[key])}).remove((key,))
            else:
                yield self.finding(pointer, message)
                continue
            yield self.finding(pointer, f"{message}; Metadata can keep it", fix=fix.build(
                f"Move {key} under Metadata", Applicability.SAFE))

    def _attributes(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        known = resource_attributes()
        schemas = schemas_of(ctx, settings)
        for logical_id, resource in ctx.resources.items():
            if not isinstance(resource, dict):
                continue
            unknown = [k for k in resource if k not in known]
            if not unknown:
                continue
            schema = schemas.get(logical_id)
            properties = resource.get("Properties", {})
            movable = [k for k in unknown if schema is not None and isinstance(properties, dict)
                       and k not in properties and k in schema.properties(schema.root) and same_but_case(k, known)
                       is None]
            if movable:
                yield self._into_properties(ctx, logical_id, resource, movable)
            for key in unknown:
                if key in movable:
                    continue
                pointer = ctx.pointer("Resources", logical_id, key)
                message = f"{key} is not a resource attribute"
                target = same_but_case(key, known)
                how = Applicability.SAFE
                if target is None:
                    target, how = closest(key, known), Applicability.UNSAFE
                if target is None or target in resource:
                    yield self.finding(pointer, message, resource=logical_id)
                    continue
                fix = self.fixer(ctx).rename(("Resources", logical_id, key), target)
                said = f"{target} is" if how is Applicability.SAFE else f"did you mean {target}?"
                yield self.finding(pointer, f"{message}; {said}", resource=logical_id,
                                   fix=fix.build(f"Rename {key} to {target}", how))

    def _into_properties(self, ctx: RuleContext, logical_id: str, resource: dict[str, Any],
                         keys: list[str]) -> Finding:
        fix = self.fixer(ctx)
        base = ("Resources", logical_id)
        if "Properties" in resource:
            for key in keys:
                fix.move((*base, key), (*base, "Properties", key))
        else:
            fix.add((*base, "Properties"), {key: thaw(resource[key]) for key in keys})
            for key in keys:
                fix.remove((*base, key))
        names = ", ".join(keys)
        return self.finding(ctx.pointer(*base, keys[0]), f"{names} of {logical_id} belong under Properties",
                            resource=logical_id, fix=fix.build(f"Move {names} under Properties", Applicability.SAFE))

    def _ids(self, ctx: RuleContext) -> Iterator[Finding]:
        taken = ctx.taken_ids()
        renames: dict[str, str] = {}
        stuck: list[tuple[str, str]] = []
        for section in _ID_SECTIONS:
            for name in ctx.section(section):
                if VALID_ID.match(name):
                    continue
                new = valid_id(name)
                if new is None or new in taken or new in renames.values():
                    stuck.append((section, name))
                else:
                    renames[name] = new
        for section, name in stuck:
            yield self.finding(ctx.pointer(section, name), f"the logical id {name!r} may hold letters and digits only")
        if not renames:
            return
        fix = self.fixer(ctx)
        rename_ids(ctx, fix, renames, _ID_SECTIONS)
        first, new = next(iter(renames.items()))
        section = next(s for s in _ID_SECTIONS if first in ctx.section(s))
        more = f" and {len(renames) - 1} more" if len(renames) > 1 else ""
        yield self.finding(ctx.pointer(section, first),
                           f"the logical id {first!r}{more} may hold letters and digits only; {new!r} does",
                           fix=fix.build(f"Rename {len(renames)} logical ids and their references", Applicability.SAFE))


def _looks_like_resource(value: Any) -> bool:
    kind = value.get("Type") if isinstance(value, dict) else None
    return isinstance(kind, str) and "::" in kind
