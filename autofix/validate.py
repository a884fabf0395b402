"""``fix --validate``: refuse a fix that makes cfn-lint find an error the template did not have.

autofix proves its own patch contract (:mod:`autofix.verify`); this step asks
an independent checker whether the result is still a deployable template.
cfn-lint (a dependency of autofix, whose resource schemas the schema rules read
too) runs as a library on the original and on the fixed text; when the fixed
text has an error rule (``E*``) that the original did not, the fix is not
written and the codes are reported.  Errors the template already had are the
user's business, not a reason to withhold a fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from autofix.document import BOM
from autofix.errors import ConfigError

DEFAULT_REGION = "us-east-1"
INSTALL_HINT = "--validate needs cfn-lint, a dependency of autofix that cannot be imported here: reinstall autofix"


def require_cfn_lint() -> None:
    """Raise :class:`ConfigError` (a usage error, exit 2) when cfn-lint cannot be imported (a broken install)."""
    try:
        import cfnlint.api  # noqa: F401
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None


@dataclass(frozen=True)
class LintError:
    code: str
    line: int
    message: str


def lint_errors(text: str, region: str | None = None) -> list[LintError]:
    """cfn-lint's error-level matches (rule ids starting with ``E``) for ``text``."""
    from cfnlint.api import ManualArgs, lint

    matches = lint(text.removeprefix(BOM), config=ManualArgs(regions=[region or DEFAULT_REGION]))
    return [LintError(m.rule.id, m.linenumber, m.message) for m in matches if m.rule.id.startswith("E")]


def gained_errors(before: str, after: str, region: str | None = None) -> list[LintError]:
    """Errors of ``after`` whose code ``before`` does not have, one per code (its first match)."""
    old = {e.code for e in lint_errors(before, region)}
    gained: dict[str, LintError] = {}
    for e in lint_errors(after, region):
        if e.code not in old:
            gained.setdefault(e.code, e)
    return sorted(gained.values(), key=lambda e: e.code)


def describe(gained: list[LintError]) -> str:
    codes = ", ".join(e.code for e in gained)
    details = "; ".join(f"{e.code} line {e.line}: {e.message}" for e in gained)
    return f"fix not written: cfn-lint reports new errors {codes} in the fixed template ({details})"
