"""What Oracle Eloqua answers, as Rowboat reads it: its error shapes, the login discovery's
who-and-where, events and event fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["AUTH_HINT", "EloquaErrors", "EloquaEvent", "EventField", "Login"]

AUTH_HINT = (
    "Check them in Connections: the company name and user name are the ones you type on "
    "Eloqua's login page, and the user needs permission to use the Bulk API."
)


@dataclass(frozen=True)
class Login:
    """Who is logged in, and where the site's APIs live (from `GET /id`)."""

    site: str
    user: str
    bulk: str  # ".../api/bulk/2.0", no trailing slash
    rest: str  # ".../api/rest/2.0"


@dataclass(frozen=True)
class EloquaEvent:
    """An event registrants can be imported into, for the pick-list."""

    id: str
    name: str


@dataclass(frozen=True)
class EventField:
    """One field of an event, as `GET /events/{id}/fields` describes it."""

    name: str
    internal_name: str
    data_type: str
    statement: str
    not_null: bool = False
    read_only: bool = False
    unique: bool = False

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> EventField:
        return cls(
            name=str(item.get("name") or item.get("internalName") or ""),
            internal_name=str(item.get("internalName") or ""),
            data_type=str(item.get("dataType") or "string"),
            statement=str(item.get("statement") or ""),
            not_null=bool(item.get("hasNotNullConstraint")),
            read_only=bool(item.get("hasReadOnlyConstraint")),
            unique=bool(item.get("hasUniquenessConstraint")),
        )


class EloquaErrors:
    """Eloqua's error shapes: `{"failures": [{"field", "value", "constraint"}]}` on the Bulk API,
    a list of `{"type", "property", "requirement"}` objects on the REST API, or no body."""

    def message(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        items = body.get("failures") if isinstance(body, dict) else body
        if isinstance(body, str):
            return body.strip()
        if not isinstance(items, list):
            return ""
        said = [text for item in items if (text := _failure_text(item))]
        if len(said) > 3:
            said = [*said[:3], f"and {len(said) - 3} more"]
        return "; ".join(said)

    def retry_after(self, response: httpx.Response) -> float | None:
        return None  # Eloqua's 429 says nothing in its body; the Retry-After header is read

    def auth_hint(self, response: httpx.Response) -> str:
        if response.status_code == 403:
            return "Ask your Eloqua administrator to give this user access to the Bulk API."
        return AUTH_HINT


def _failure_text(item: object) -> str:
    """One failure in words: "identifierFieldName: Must name a field with …"."""
    if not isinstance(item, dict):
        return str(item).strip() if isinstance(item, str) else ""
    constraint = str(item.get("constraint") or item.get("requirement") or "").strip()
    where = str(item.get("field") or item.get("property") or "").strip()
    if not constraint:
        return ""
    return f"{where}: {constraint}" if where and where not in constraint else constraint
