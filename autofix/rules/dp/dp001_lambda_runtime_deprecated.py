"""DP001 lambda-runtime-deprecated: a Lambda runtime past its deprecation date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from autofix.context import RuleContext
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp import _data
from autofix.rules.dp._values import literal_places, replace_literal
from autofix.settings import Settings

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
_AWS_SDK_V2 = lazy_pattern(r"""require\(\s*['"]aws-sdk['"]\s*\)|from\s+['"]aws-sdk['"]""")


def language(runtime: str) -> str:
    for prefix, name in (("nodejs", "node"), ("python", "python"), ("java", "java"), ("dotnet", "dotnet"),
                         ("ruby", "ruby"), ("go", "go"), ("provided", "provided")):
        if runtime.startswith(prefix):
            return name
    return runtime


_CALLBACK = lazy_pattern(r"""\(\s*\w+\s*,\s*\w+\s*,\s*(callback|cb|done)\s*\)|\bcallback\s*\(\s*null""")


def node_major(runtime: str) -> int | None:
    """24 for ``nodejs24.x``; None for a runtime that is not Node.js."""
    digits = runtime.removeprefix("nodejs").split(".", 1)[0]
    return int(digits) if runtime.startswith("nodejs") and digits.isdigit() else None


#: per language, what moving to a newer runtime costs: (a few words for the one-sentence message,
#: the full caution for the detail)
_COSTS = {
    "python": ("needs code and native wheels that run on the newer Python",
               "code and dependencies must run on the newer Python (modules removed since, e.g. distutils "
               "and imp in 3.12; native wheels built for the new version)"),
    "go": ("needs the package rebuilt with a bootstrap executable",
           "the provided.al2023 runtime runs an executable named bootstrap from the package; the Handler "
           "is no longer the binary name, so the package must be rebuilt"),
    "dotnet": ("needs the project retargeted and republished",
               "the project must be retargeted to the new .NET version and republished"),
    "java": ("needs libraries checked on a newer JVM",
             "the code is run by a newer JVM; check libraries for compatibility"),
    "ruby": ("needs code and gems checked on the newer Ruby", "code and gems must run on the newer Ruby"),
}
_OTHER = ("needs its package built for the new runtime", "the function's package must be built for the new runtime")


def _node_costs(old: str, new: str, code: Any) -> list[tuple[str, str]]:
    """What moving between Node.js runtimes costs, newest break first: (few words, full caution)."""
    before, after = node_major(old) or 0, node_major(new) or 0
    inline = code if isinstance(code, str) else ""
    found = []
    if before < 24 <= after:
        found.append(("has no callback-style handlers (async handlers only)",
                      "Node.js 24 and later runtimes no longer support callback-style handlers "
                      "((event, context, callback) => ...): the handler must be async and return its result"
                      + (" (this function's inline code uses a callback)" if _CALLBACK.search(inline) else "")))
    if before < 18 <= after:
        found.append(("no longer bundles the AWS SDK v2 (aws-sdk)",
                      "Node.js 18 and later runtimes no longer bundle the AWS SDK for JavaScript v2: code that "
                      "requires 'aws-sdk' must move to v3 (@aws-sdk/*) or package v2 itself"
                      + (" (this function's inline code does require 'aws-sdk')" if _AWS_SDK_V2.search(inline)
                         else "")))
    return found or [("runs a newer Node.js", "the code is run by a newer Node.js; check its dependencies")]


def _costs(old: str, new: str, code: Any) -> list[tuple[str, str]]:
    lang = language(old)
    return _node_costs(old, new, code) if lang == "node" else [_COSTS.get(lang, _OTHER)]


def cost(old: str, new: str) -> str:
    """What moving from ``old`` to ``new`` costs, in a few words (said in the finding's one sentence)."""
    return _costs(old, new, None)[0][0]


def caution(old: str, new: str, code: Any) -> str:
    """What can break when moving from ``old`` to ``new`` (the reason the fix is unsafe), in full."""
    return "; ".join(full for _, full in _costs(old, new, code))


def judged_on(rule: Rule, settings: Settings) -> date:
    configured = rule.option(settings, "as-of")
    return date.fromisoformat(configured) if configured else date.today()


class LambdaRuntimeDeprecated(Rule):
    """## What it does
    Finds Lambda runtimes that are past their deprecation date: `Runtime` of
    `AWS::Lambda::Function` and `AWS::Serverless::Function`, and `Globals.Function.Runtime`
    of SAM templates, written literally, in a branch of `Fn::If` or as the `Default` of a
    parameter.  The lifecycle dates and successors are the data cfn-lint ships
    (`LmbdRuntimeLifecycle.json`); deprecation is judged at today's date (as cfn-lint does)
    or at the family setting `as-of`.

    ## Why is this bad?
    A deprecated runtime gets no security patches; once its create-block date passes
    CloudFormation can no longer create functions with it (cfn-lint E2531), and after the
    update-block date it cannot update them either (W2531 warns before that).

    ## Example
    ```yaml
    Handler:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: nodejs16.x
    ```

    Use instead:
    ```yaml
        Runtime: nodejs24.x
    ```

    ## Fix safety
    Unsafe: the runtime becomes the successor the data names, in the same language
    (`nodejs*` -> the newest Node.js, `python3.*` -> the newest Python 3, `go1.x` ->
    `provided.al2023`...), never one that is itself deprecated at the date judged; but code
    can break on the new runtime.  Node.js 24 and later no longer run callback-style handlers
    (`(event, context, callback) => ...`: the handler must be async), Node.js 18 and later no
    longer bundle the AWS SDK for JavaScript v2 (`require('aws-sdk')` fails), Python removes modules between versions,
    `provided.al2023` needs an executable named `bootstrap`.  The finding names the risk for
    the language in one sentence and in full in its detail (saying so when inline code uses a
    callback or requires `aws-sdk`).  A parameter's `Default`
    is changed and the deprecated entry of its `AllowedValues` replaced.  When the data
    names no usable successor the finding has no fix.

    ## References
    - [Lambda runtimes and their deprecation dates](https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)
    - [Runtime deprecation policy](https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html)
    - [AWS SDK for JavaScript v3 in Node.js 18+ runtimes](https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html)
    - [Node.js 24 runtime: async handlers only](https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137)
    """

    id = "DP001"
    name = "lambda-runtime-deprecated"
    summary = "Lambda runtime is deprecated; use its successor in the same language"
    cfn_lint = ("E2531", "W2531")
    enabled_by_default = True  # resolves cfn-lint E2531/W2531
    fix_applicability = Applicability.UNSAFE
    requires = ("cfnlint",)
    resource_types = frozenset(FUNCTION_TYPES)  # Globals.Function applies to serverless functions only

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        today = judged_on(self, settings)
        seen: set[str] = set()
        for logical_id, _ in ctx.resources_of(*FUNCTION_TYPES):
            props = ctx.properties(logical_id)
            if "Runtime" not in props:
                continue
            pointer = ctx.pointer("Resources", logical_id, "Properties", "Runtime")
            code = props.get("Code", {}).get("ZipFile") if isinstance(props.get("Code"), dict) else None
            if code is None:
                code = props.get("InlineCode")
            yield from self._runtime(ctx, props["Runtime"], pointer, logical_id, code, today, seen)
        globals_ = ctx.section("Globals").get("Function")
        if isinstance(globals_, dict) and "Runtime" in globals_:
            yield from self._runtime(ctx, globals_["Runtime"], ctx.pointer("Globals", "Function", "Runtime"),
                                     None, None, today, seen)

    @staticmethod
    def _successor(runtime: Any, today: date) -> str | None:
        if isinstance(runtime, str) and _data.runtime_deprecated(runtime, today):
            return _data.runtime_successor(runtime, today)
        return None

    def _runtime(self, ctx: RuleContext, value: Any, pointer: str, logical_id: str | None, code: Any,
                 today: date, seen: set[str]) -> Iterator[Finding]:
        for place in literal_places(ctx, value, pointer):
            runtime = place.value
            if not isinstance(runtime, str) or not _data.runtime_deprecated(runtime, today):
                continue
            if place.pointer in seen:
                continue
            seen.add(place.pointer)
            entry = _data.runtime_lifecycle()[runtime]
            owner = logical_id or "Globals.Function"
            message = f"{owner} uses runtime {runtime}{place.where}, deprecated since {entry['deprecated']}"
            detail = message
            blocked = entry.get("create-block")
            if isinstance(blocked, str) and blocked <= today.isoformat():
                detail += f" (functions cannot be created with it since {blocked})"
            successor = _data.runtime_successor(runtime, today)
            if successor is None:
                yield self.finding(place.pointer, message, resource=logical_id,
                                   detail=detail + "; the data names no successor that is not deprecated")
                continue
            short = f"{owner}: runtime {runtime}{place.where} is deprecated; {successor} {cost(runtime, successor)}"
            yield self.finding(
                place.pointer,
                short if len(short) <= 160 else f"{owner}: runtime {runtime} is deprecated; use {successor}",
                detail=f"{detail}; use {successor}. Check the code first: {caution(runtime, successor, code)}",
                fix=replace_literal(self.fixer(ctx), ctx, place, successor,
                                    lambda r: self._successor(r, today)).build(
                    f"Change runtime {runtime} to {successor}{place.where}", Applicability.UNSAFE),
                resource=logical_id,
            )
