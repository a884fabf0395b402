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
    """A patch operation could not be applied to the document text."""


class VerificationError(AutofixError):
    """The fixed text disagrees with the patch that produced it; nothing is written."""


class WriteError(AutofixError):
    """A fixed file could not be written back (read-only, vanished, changed meanwhile, disk full)."""


class RuleError(AutofixError):
    """A rule raised while detecting or building a fix."""

    def __init__(self, rule_id: str, message: str) -> None:
        super().__init__(f"{rule_id}: {message}")
        self.rule_id = rule_id


class RegistryError(AutofixError):
    """The rule registry is inconsistent (duplicate ids or names, bad plugin)."""


class ConfigError(AutofixError):
    """Configuration or command-line usage is invalid."""
