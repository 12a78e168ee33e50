"""Thalamus' error shapes (`{"errors": {key: Code}}`) turned into plain sentences and error types.

The vendor documents TouchpointCodeRequired, InvalidTouchpointCode, DuplicatedName and InvalidID;
the other codes below are the ones its sandbox answers (docs/sandbox.md), which a real server may
spell differently: an unknown code still reads as a sentence naming the code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rowboat.core.errors import AuthFailed, Rejected, TargetError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DuplicatedName",
    "ImportRunning",
    "SessionEnded",
    "ThalamusErrors",
    "error_codes",
]

_BACK_OFFICE = "in the Thalamus back office under Touchpoints"


class SessionEnded(AuthFailed):
    """Thalamus no longer knows the login's session (it expired or never began): log in again."""


class DuplicatedName(Rejected):
    """An import with this name exists already: it may be ours, sent before its answer was lost."""


class ImportRunning(Rejected):
    """The import has not ended yet, so its result file is not ready."""


def error_codes(response: httpx.Response) -> dict[str, str]:
    """The `errors` of a Thalamus answer as {key: Code}; {} when the body has none.

    A value such as "execution.ProcessorInfo: DuplicatedName" counts as its last word.
    """
    try:
        body = response.json()
    except ValueError:
        return {}
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list):  # not seen, but cheap to read: [{"key": "Code"}, "Code"]
        merged: dict[str, object] = {}
        for i, item in enumerate(errors):
            merged.update(item if isinstance(item, dict) else {str(i): item})
        errors = merged
    if not isinstance(errors, dict):
        return {}
    return {
        str(key): str(value).rsplit(":", 1)[-1].strip()
        for key, value in errors.items()
        if value not in (None, "")
    }


def _words(code: str) -> str:
    """ "InvalidPageSize" -> "invalid page size"."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", code).replace("_", " ").lower()


class ThalamusErrors:
    """VendorErrors and VendorRefusals for one connection (its touchpoint and user name appear
    in the sentences; they are settings, not secrets)."""

    def __init__(self, touchpoint: str, principal: str) -> None:
        self.touchpoint = touchpoint
        self.principal = principal

    def message(self, response: httpx.Response) -> str:
        codes = error_codes(response)
        return "; ".join(f"{_words(code)} ({key})" for key, code in codes.items())

    def retry_after(self, response: httpx.Response) -> float | None:
        return None  # Thalamus says when only in the Retry-After header, which HttpClient reads

    def auth_hint(self, response: httpx.Response) -> str:
        return (
            f"Check the touchpoint code and its token {_BACK_OFFICE}, and the user and password "
            "in Connections."
        )

    def refusal(self, response: httpx.Response, what: str, detail: str) -> TargetError | None:
        codes = set(error_codes(response).values())
        status = response.status_code
        for code in _ORDER:
            if code in codes:
                return _REFUSALS[code](self, what, detail, status)
        if status == 404:
            return Rejected(
                f"Thalamus has nothing at the address Rowboat used for {what} (404).",
                hint="Check the API address in Connections: it ends with /api/v4.",
                detail=detail,
                status=status,
            )
        return None


def _auth(message: str, hint: str) -> _Maker:
    def make(errors: ThalamusErrors, what: str, detail: str, status: int) -> TargetError:
        text = message.format(tp=errors.touchpoint, user=errors.principal, what=what)
        return AuthFailed(text, hint=hint, detail=detail, status=status)

    return make


def _rejected(message: str, hint: str = "", kind: type[Rejected] = Rejected) -> _Maker:
    def make(errors: ThalamusErrors, what: str, detail: str, status: int) -> TargetError:
        text = message.format(tp=errors.touchpoint, user=errors.principal, what=what)
        return kind(text, hint=hint, detail=detail, status=status)

    return make


def _session(errors: ThalamusErrors, what: str, detail: str, status: int) -> TargetError:
    return SessionEnded(
        "Thalamus ended Rowboat's session (it expired or was closed).",
        hint="Rowboat logs in again.",
        detail=detail,
        status=status,
    )


if TYPE_CHECKING:
    from collections.abc import Callable

    _Maker = Callable[[ThalamusErrors, str, str, int], TargetError]

_MISSING_SETTING = "Fill it in under Connections."
_REFUSALS: dict[str, _Maker] = {
    "TouchpointCodeRequired": _auth(
        "Thalamus needs a touchpoint code, and the connection has none.",
        f"Fill it in under Connections; it is set up {_BACK_OFFICE}.",
    ),
    "InvalidTouchpointCode": _auth(
        "Thalamus does not know the touchpoint code '{tp}'.", f"Check it {_BACK_OFFICE}."
    ),
    "TokenRequired": _auth(
        "Thalamus needs the touchpoint's token, and the connection has none.",
        f"Copy it into Connections from the touchpoint's page {_BACK_OFFICE}.",
    ),
    "InvalidToken": _auth(
        "Thalamus refused the token of the touchpoint '{tp}'.",
        f"Copy the token again from the touchpoint's page {_BACK_OFFICE}.",
    ),
    "InvalidCredentials": _auth(
        "Thalamus refused the user '{user}' or its password.",
        "Check the user and password in Connections; try logging in to Thalamus with them.",
    ),
    "PrincipalRequired": _auth("The connection gives Thalamus no user name.", _MISSING_SETTING),
    "PasswordRequired": _auth("The connection gives Thalamus no password.", _MISSING_SETTING),
    "SessionExpired": _session,
    "NotAuthenticated": _session,
    "DuplicatedName": _rejected(
        "Thalamus already has an import with the name given to {what}.",
        kind=DuplicatedName,
    ),
    "InvalidID": _rejected(
        "Thalamus does not know the import asked for in {what}.",
        "It may have been deleted in Thalamus; check its list of imports.",
    ),
    "ImportInProgress": _rejected(
        "Thalamus is still importing the file, so its results are not ready yet.",
        "Rowboat asks again later.",
        kind=ImportRunning,
    ),
    "ImportNotInProgress": _rejected("The import has already ended in Thalamus."),
    "InvalidImportType": _rejected(
        "Thalamus does not offer this kind of import.",
        "Ask your Thalamus administrator whether the server imports this type of file.",
    ),
    "FileTooLarge": _rejected(
        "The file is too large for Thalamus.",
        "Send fewer rows in each file (the 'rows per file' setting).",
    ),
    "FileRequired": _rejected("Thalamus received {what} without its file."),
    "NameRequired": _rejected("Thalamus received {what} without a name."),
    "NameTooLong": _rejected("The name of {what} is too long for Thalamus."),
    "MalformedMultipart": _rejected("Thalamus could not read {what} as a file upload."),
    "MalformedRequest": _rejected("Thalamus could not read {what}."),
    "MethodNotAllowed": _rejected(
        "Thalamus does not take {what} at the address Rowboat used.",
        "Check the API address and the login path in Connections.",
    ),
}
# When an answer holds several codes, the one a person can act on first wins.
_ORDER = tuple(_REFUSALS)
