"""HD007 hard-coded-ami: an AMI id written in the template instead of read from the public SSM parameters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.intrinsics import ref_target, strings_in
from autofix.patterns import LazyPattern, lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template, property_values

AMI = lazy_pattern(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
SSM_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
PREFIX = "/aws/service/ami-amazon-linux-latest/"
#: Image families the template can name, most specific first: (pattern, x86_64 path, arm64 path).
FAMILIES: tuple[tuple[LazyPattern, str, str], ...] = (
    (lazy_pattern(r"amazon[ -_]?linux[ -_]?2023|\bal2023\b|al2023-ami", re.I),
     "al2023-ami-kernel-default-x86_64", "al2023-ami-kernel-default-arm64"),
    (lazy_pattern(r"amazon[ -_]?linux[ -_]?2(?!\d)|\bamzn2\b|amzn2-ami|amazon-linux-extras", re.I),
     "amzn2-ami-hvm-x86_64-gp2", "amzn2-ami-hvm-arm64-gp2"),
)
_OTHER = lazy_pattern(r"ubuntu|debian|windows|rhel|red ?hat|suse|centos|amazon[ -_]?linux[ -_]?1|amzn-ami", re.I)
#: Where an image id is given: type -> property path.
IMAGE_PLACES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::EC2::Instance": (("ImageId",),),
    "AWS::EC2::LaunchTemplate": (("LaunchTemplateData", "ImageId"),),
    "AWS::AutoScaling::LaunchConfiguration": (("ImageId",),),
}
_GRAVITON = lazy_pattern(r"^[a-z]+\d+g[a-z]*\.")


def _image(template: Template, value: Any) -> bool:
    """Whether ``value`` is a literal AMI id, or a FindInMap over a mapping of literal AMI ids."""
    if isinstance(value, str):
        return bool(AMI.match(value))
    if isinstance(value, dict) and isinstance(value.get("Fn::FindInMap"), list):
        arg = value["Fn::FindInMap"]
        mapping = template.section("Mappings").get(arg[0]) if arg and isinstance(arg[0], str) else None
        if not isinstance(mapping, dict) or not mapping:
            return False
        ids = list(strings_in(mapping))
        return bool(ids) and any(AMI.match(s) for s in ids)
    return False


def family(template: Template, logical_id: str, value: Any) -> str | None:
    """The SSM path of the image family the template names for this resource, or None."""
    resource = template.resources.get(logical_id, {})
    texts = list(strings_in(resource))
    if isinstance(value, dict) and isinstance(value.get("Fn::FindInMap"), list):
        mapping = value["Fn::FindInMap"][0]
        texts.append(str(mapping))
        texts += [str(k) for k in _keys(template.section("Mappings").get(mapping))]
    texts += [str(template.data.get("Description", ""))]
    blob = "\n".join(texts)
    found = [f for f in FAMILIES if f[0].search(blob)]
    if len(found) != 1 or _OTHER.search(blob):
        return None
    _, x86, arm = found[0]
    kinds = [t for t in strings_in(template.properties(logical_id)) if _GRAVITON.match(t)]
    return PREFIX + (arm if kinds else x86)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)


class HardCodedAmi(Rule):
    """## What it does
    Finds `ImageId` of instances, launch templates and launch configurations given as a
    literal AMI id (`ami-0c02fb55956c7d316`) or read from a mapping of AMI ids per region.
    Where the template names the image family (Amazon Linux 2023 or Amazon Linux 2, in the
    resource, its user data, the mapping or the description), the fix adds a parameter of type
    `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` defaulting to the family's public
    parameter (`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`, the
    `arm64` image for Graviton instance types) and uses it.  Otherwise the finding is reported
    only.

    ## Why is this bad?
    AMI ids are regional and get deprecated: the template fails in every other region, and in
    its own once the image is withdrawn, and meanwhile launches an image that misses every
    security patch since it was written down.

    ## Example
    ```yaml
    Host:
      Type: AWS::EC2::Instance
      Properties:
        ImageId: ami-0c02fb55956c7d316   # Amazon Linux 2
        UserData: !Base64 'yum install -y amazon-linux-extras'
    ```

    Use instead:
    ```yaml
    Parameters:
      LatestAmiId:
        Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
        Default: /aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2
    Resources:
      Host:
        Type: AWS::EC2::Instance
        Properties:
          ImageId: !Ref LatestAmiId
    ```

    ## Fix safety
    Unsafe: a new image id replaces the instance (or rolls the Auto Scaling group) on the next
    update, and every later deploy picks up the newest image of the family.  A mapping left
    unused is removed by HY005.  Templates naming several families, or another one (Ubuntu,
    Windows, RHEL...), are reported only.

    ## References
    - [Query for the latest Amazon Linux AMI IDs using Systems Manager Parameter Store](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami-parameter-store.html)
    - [SSM parameter types](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#cloudformation-supplied-parameter-types-ssm)
    """

    id = "HD007"
    name = "hard-coded-ami"
    summary = "Hard-coded AMI id: read the image family's public SSM parameter"
    enabled_by_default = False  # an opinion: a literal AMI deploys in its region; no cfn-lint code
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset(IMAGE_PLACES)

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        params: dict[str, str] = {}  # SSM path -> parameter name this fix round adds or reuses
        for name, param in ctx.parameters.items():
            if isinstance(param, dict) and param.get("Type") == SSM_TYPE and isinstance(param.get("Default"), str):
                params.setdefault(param["Default"], name)
        for logical_id, path, value in property_values(ctx, IMAGE_PLACES):
            if ref_target(value) or not _image(ctx, value):
                continue
            pointer = ctx.pointer(*path)
            message = f"{logical_id} hard-codes its AMI id"
            ssm = family(ctx, logical_id, value)
            if ssm is None:
                yield self.finding(pointer, message + "; the template does not say which image family it is, "
                                              "use an SSM public parameter of the right family",
                                   resource=logical_id)
                continue
            fix = self.fixer(ctx)
            name = params.get(ssm)
            if name is None:
                name = ctx.unique_id("LatestAmiId" if "arm64" not in ssm else "LatestArmAmiId")
                fix.set(("Parameters", name), {
                    "Type": SSM_TYPE, "Default": ssm,
                    "Description": "Latest image of the family, from the public SSM parameter"})
            fix.replace(pointer, {"Ref": name})
            fix_ = fix.build(f"Use the public SSM parameter {ssm} for {logical_id}", Applicability.UNSAFE)
            yield self.finding(pointer, f"{message}; read {ssm} instead", resource=logical_id, fix=fix_)
