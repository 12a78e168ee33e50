"""Every error Rowboat shows a person, in one hierarchy.

RowboatError(message, detail, hint)
├── SourceError                 the file could not be read
│   ├── NotASpreadsheet         not a workbook or text table, damaged or truncated
│   ├── PasswordProtected       an encrypted workbook
│   ├── EmptyFile               nothing to read (no bytes, no rows, no header)
│   └── SheetNotFound           the asked-for sheet is not in the workbook
├── ConfigurationError          an argument, mapping, profile or schema file that does not fit
│   ├── UnknownEndpoint
│   ├── MappingError
│   ├── ConnectionProblem       a connection profile that is missing, incomplete or unsafe
│   └── NoKeychain              no OS keychain to keep a secret in (nothing is stored)
├── TargetError                 the target system refused or failed
│   ├── AuthFailed              401/403
│   ├── RateLimited             429, with retry_after seconds
│   ├── Rejected                400/404/409/422: the request itself is wrong
│   └── Unavailable             5xx, timeouts, dropped connections
│       └── OutcomeUnknown      the request was sent and may have been acted on; no answer came
└── Cancelled                   the user stopped the work

`message` is one plain sentence for a coordinator; `hint` is the next step to try;
`detail` is technical context for a log or a "Details" expander. None of them may hold a secret.
"""

from __future__ import annotations

__all__ = [
    "AuthFailed",
    "Cancelled",
    "ConfigurationError",
    "ConnectionProblem",
    "EmptyFile",
    "MappingError",
    "NoKeychain",
    "NotASpreadsheet",
    "OutcomeUnknown",
    "PasswordProtected",
    "RateLimited",
    "Rejected",
    "RowboatError",
    "SheetNotFound",
    "SourceError",
    "TargetError",
    "Unavailable",
    "UnknownEndpoint",
]


class RowboatError(Exception):
    """Base of every error shown to a person: a message, an optional hint and detail."""

    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class SourceError(RowboatError):
    """A spreadsheet could not be read."""


class NotASpreadsheet(SourceError):
    """The file is not a workbook or text table, or it is damaged."""


class PasswordProtected(SourceError):
    """The workbook is encrypted with a password."""


class EmptyFile(SourceError):
    """The file holds nothing to import."""


class SheetNotFound(SourceError):
    """The asked-for sheet is not in the workbook."""


class ConfigurationError(RowboatError):
    """An argument, mapping profile or schema file that does not fit."""


class UnknownEndpoint(ConfigurationError):
    """No endpoint has the given id."""


class MappingError(ConfigurationError):
    """A mapping names a column or field that does not exist, or is malformed."""


class ConnectionProblem(ConfigurationError):
    """A connection profile that is missing, incomplete, or points somewhere unsafe."""


class NoKeychain(ConfigurationError):
    """The computer has no OS keychain Rowboat can keep a secret in; nothing was stored."""


class TargetError(RowboatError):
    """The target system refused the request or could not be reached."""

    def __init__(
        self, message: str, *, hint: str = "", detail: str = "", status: int | None = None
    ) -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.status = status


class AuthFailed(TargetError):
    """The credentials were refused (401) or lack a permission (403)."""


class RateLimited(TargetError):
    """The target asked us to slow down (429)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        hint: str = "",
        detail: str = "",
        status: int | None = 429,
    ) -> None:
        super().__init__(message, hint=hint, detail=detail, status=status)
        self.retry_after = retry_after


class Rejected(TargetError):
    """The target refused the request as wrong (400, 404, 409, 422)."""


class Unavailable(TargetError):
    """The target failed or could not be reached (5xx, timeout, dropped connection)."""


class OutcomeUnknown(Unavailable):
    """The request went out and may have been acted on, but no answer came (a dropped connection
    or a timeout after sending). Never re-sent blindly: the caller resolves it from the target."""


class Cancelled(RowboatError):
    """The user stopped the work."""

    def __init__(self, message: str = "Stopped.", *, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail)
