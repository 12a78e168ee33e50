"""What every part of the Eloqua sandbox shares: answers in Eloqua's shapes, paging, times."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from starlette.requests import Request
    from starlette.responses import Response

__all__ = [
    "CREATED_BY",
    "MAX_LIMIT",
    "ApiRoute",
    "failure",
    "failures",
    "iso",
    "not_found",
    "page",
    "paging",
    "parse_duration",
    "read_json",
]

CREATED_BY = "demo"  # the login name of the demo user, as Eloqua's createdBy/updatedBy carry it
MAX_LIMIT = 1000  # the largest page the bulk API answers


class ApiRoute(NamedTuple):
    """One endpoint below the vendor prefix; eloqua.py adds the credentials check and any case."""

    path: str
    endpoint: Callable[[Request], Awaitable[Response]]
    methods: tuple[str, ...] = ("GET",)


def iso(ts: float) -> str:
    """A sandbox-clock time the way Eloqua writes it: `2026-01-01T00:00:00.0000000Z`."""
    moment = dt.datetime.fromtimestamp(ts, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond:06d}0Z"


def failure(constraint: str, field: str = "", value: object = "") -> dict[str, str]:
    """One item of Eloqua's `failures` list."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return {"field": field, "value": text, "constraint": constraint}


def failures(status: int, *items: dict[str, str]) -> JSONResponse:
    """Eloqua's error answer: `{"failures": [{"field", "value", "constraint"}, ...]}`."""
    return JSONResponse({"failures": list(items)}, status_code=status)


def not_found(what: str) -> JSONResponse:
    return failures(404, failure(f"The requested {what} was not found."))


async def read_json(request: Request) -> Any | JSONResponse:
    """The request's JSON body, or the 400 answer when it is not JSON."""
    try:
        return json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return failures(400, failure("The request body is not valid JSON."))


def paging(request: Request) -> tuple[int, int] | JSONResponse:
    """`limit` (1..1000, default 1000) and `offset` (from 0) of a paged list, or the 400 answer."""
    values: dict[str, int] = {}
    for name, default, low, high in (("limit", MAX_LIMIT, 1, MAX_LIMIT), ("offset", 0, 0, None)):
        text = request.query_params.get(name)
        if text is None:
            values[name] = default
            continue
        number = int(text) if re.fullmatch(r"\d+", text.strip()) else -1
        if number < low or (high is not None and number > high):
            bounds = f"between {low} and {high}" if high else f"at least {low}"
            return failures(400, failure(f"Must be an integer {bounds}.", name, text))
        values[name] = number
    return values["limit"], values["offset"]


def page(items: Sequence[object], total: int, limit: int, offset: int) -> JSONResponse:
    """One page in the bulk API's envelope; `items` is already the slice at `offset`."""
    return JSONResponse(
        {
            "items": list(items),
            "totalResults": total,
            "limit": limit,
            "offset": offset,
            "count": len(items),
            "hasMore": offset + len(items) < total,
        }
    )


_DURATION = re.compile(
    r"P(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?(?:T(?:(?P<H>\d+)H)?(?:(?P<M>\d+)M)?(?:(?P<S>\d+)S)?)?"
)
_SECONDS = {"W": 604_800, "D": 86_400, "H": 3_600, "M": 60, "S": 1}


def parse_duration(text: object) -> float | None:
    """Seconds in an ISO 8601 duration of weeks, days, hours, minutes, seconds (`P7D`, `PT1H`).

    Years and months are refused: their length in seconds is not fixed.
    """
    if not isinstance(text, str):
        return None
    match = _DURATION.fullmatch(text.strip().upper())
    if match is None or not any(match.groupdict().values()) or text.strip().upper().endswith("T"):
        return None
    return float(sum(int(v) * _SECONDS[k] for k, v in match.groupdict().items() if v))
