"""The tool's own error types.

Every failure the user can cause (bad input, bad usage, a fix that does not
verify) is one of these, so callers can report ``file:line:col: error: ...``
and pick an exit code without ever showing a traceback.
"""

from __future__ import annotations


class AutofixError(Exception):
    """Base class: an error with an optional file position (1-based line and column)."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def location(self) -> str:
        if self.line is None:
            return ""
        return f"{self.line}:{self.column or 1}"


class LoadError(AutofixError):
    """The text is not a loadable template (syntax error, bad encoding, too large...)."""


class NotATemplateError(LoadError):
    """The text parses but is not a CloudFormation template."""


class EditError(AutofixError):
    """The edit engine could not write a patch operation into the document text."""


class PatchError(EditError):
    """A patch operation does not apply to the template's data (no such path, a failing test...)."""


class VerificationError(AutofixError):
    """The fixed text disagrees with the patch that produced it; nothing is written."""


class WriteError(AutofixError):
    """A fixed file could not be written back (read-only, vanished, changed meanwhile, disk full)."""


class RuleError(AutofixError):
    """A rule failed: it crashed, produced an invalid finding, or its fix does not apply.

    Errors are compared by :attr:`identity` (rule, kind, pointer), never by their message
    text: the same failure met twice (on the input and again in the fix loop or at
    verification) is one failure, however its message is worded.
    """

    CRASHED = "crashed"
    INVALID = "invalid-finding"
    FIX_FAILED = "fix-failed"

    def __init__(self, rule_id: str, message: str, *, kind: str = CRASHED, pointer: str | None = None) -> None:
        super().__init__(f"{rule_id}: {message}")
        self.rule_id = rule_id
        self.kind = kind
        self.pointer = pointer

    @property
    def identity(self) -> tuple[str, str, str | None]:
        return (self.rule_id, self.kind, self.pointer)


class EngineError(AutofixError):
    """autofix itself failed (the edit engine on a valid fix): a bug to report, not the rule's fault."""

    def __init__(self, message: str, *, rule_id: str | None = None, pointer: str | None = None) -> None:
        super().__init__(message)
        self.rule_id = rule_id
        self.pointer = pointer

    @property
    def identity(self) -> tuple[str, str, str | None]:
        return (self.rule_id or "", "engine", self.pointer)


class RegistryError(AutofixError):
    """The rule registry is inconsistent (duplicate ids or names, bad plugin)."""


class ConfigError(AutofixError):
    """Configuration or command-line usage is invalid."""
