"""The session rows Thought Industries' sandbox accepts in a bulk import file, checked row by row.

The vendor publishes no column list for session imports; these columns mirror its meeting model
(title, startDate, endDate, timeZone, location, instructors, attendeeInfo, courseId) plus what
comparable session imports carry (capacity, description, and a meeting URL for webinars).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable

    _Refuse = Callable[[str, str], None]  # refuse(column, message)

__all__ = [
    "IN_PERSON",
    "KINDS",
    "WEBINAR",
    "CheckedRows",
    "check_rows",
]

IN_PERSON = "inPersonEvent"
WEBINAR = "webinar"
KINDS = (IN_PERSON, WEBINAR)

MAX_TEXT = 255
_SESSION_COLUMNS = (
    "title",
    "startDate",
    "endDate",
    "timeZone",
    "location",
    "instructors",
    "attendeeInfo",
    "courseId",
    "capacity",
    "description",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    IN_PERSON: _SESSION_COLUMNS,
    WEBINAR: (*_SESSION_COLUMNS, "meetingUrl"),
}
# ISO 8601's extended form with a time of day; a space may stand for the T, the offset is optional.
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?"
)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE_NUMBER = re.compile(r"\+?\d+")

Row = dict[str, Any]
Errors = list[dict[str, str]]


@dataclass
class CheckedRows:
    """A file's rows sorted into valid and invalid ones, plus notes on ignored columns."""

    valid: list[Row] = field(default_factory=list)
    invalid: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_rows(header: list[str], rows: list[tuple[int, dict[str, str]]], kind: str) -> CheckedRows:
    """Check each (row number, row) of a file against the session columns of `kind`.

    Row numbers are the spreadsheet's, blank rows counted. Valid rows come back
    normalised (dates in ISO 8601, instructors as a list, capacity as a number); invalid ones with
    their cells as sent and the reasons they were refused.
    """
    columns = COLUMNS[kind]
    checked = CheckedRows(
        warnings=[
            f"Column '{name}' is not {_LABELS[kind]} session column and was ignored."
            for name in header
            if name not in columns
        ]
    )
    for number, raw in rows:
        cells = {name: raw[name] for name in columns if raw.get(name, "")}
        normal, errors = _check_row(cells, kind)
        if errors:
            checked.invalid.append({"rowNumber": number, **cells, "errors": errors})
        else:
            checked.valid.append({"rowNumber": number, **normal})
    return checked


_LABELS = {IN_PERSON: "an in-person event", WEBINAR: "a webinar"}


def _check_row(cells: dict[str, str], kind: str) -> tuple[Row, list[dict[str, str]]]:
    errors: Errors = []
    refuse = functools.partial(_refuse, errors)
    normal: Row = dict(cells)
    for column in ("title", "location", "courseId"):
        _check_length(cells, column, refuse)
    if "title" not in cells:
        refuse("title", "title is required")

    zone = _check_time_zone(cells.get("timeZone"), refuse)
    start = _check_date_time(cells, "startDate", zone, refuse)
    end = _check_date_time(cells, "endDate", zone, refuse)
    if start is not None and end is not None:
        if end[1] <= start[1]:
            refuse("endDate", "endDate must be after startDate")
        normal["startDate"], normal["endDate"] = start[0], end[0]

    if "instructors" in cells:
        normal["instructors"] = [n.strip() for n in cells["instructors"].split(";") if n.strip()]
    if "capacity" in cells:
        capacity = cells["capacity"]
        if _WHOLE_NUMBER.fullmatch(capacity) and int(capacity) > 0:
            normal["capacity"] = int(capacity)
        else:
            refuse("capacity", f"capacity must be a whole number greater than 0 (got '{capacity}')")
    if kind == WEBINAR:
        _check_meeting_url(cells.get("meetingUrl"), refuse)
    order = COLUMNS[kind]
    errors.sort(key=lambda error: order.index(error["column"]))  # reasons in column order
    return normal, errors


def _check_length(cells: dict[str, str], column: str, refuse: _Refuse) -> None:
    value = cells.get(column, "")
    if len(value) > MAX_TEXT:
        refuse(column, f"{column} must be at most {MAX_TEXT} characters (it has {len(value)})")


def _check_time_zone(name: str | None, refuse: _Refuse) -> dt.tzinfo | None:
    if name is None:
        return None
    if name not in _time_zones():
        message = f"timeZone '{name}' is not a known IANA time zone, such as Europe/Berlin"
        refuse("timeZone", message)
        return None
    return zoneinfo.ZoneInfo(name)


def _check_date_time(
    cells: dict[str, str], column: str, zone: dt.tzinfo | None, refuse: _Refuse
) -> tuple[str, dt.datetime] | None:
    """The value as ISO 8601 text and as an aware time to compare (naive ones in the row's zone)."""
    value = cells.get(column)
    if value is None:
        refuse(column, f"{column} is required")
        return None
    example = "such as 2026-04-14T09:00:00"
    if _DATE_ONLY.fullmatch(value):
        refuse(column, f"{column} must include a time of day, {example} (got '{value}')")
        return None
    try:
        if not _DATE_TIME.fullmatch(value):
            raise ValueError(value)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        refuse(column, f"{column} must be an ISO 8601 date and time, {example} (got '{value}')")
        return None
    text = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or dt.UTC)
    return text, moment


def _check_meeting_url(url: str | None, refuse: _Refuse) -> None:
    if url is None:
        refuse("meetingUrl", "meetingUrl is required for webinars")
        return
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url
    except ValueError:
        valid = False
    if not valid:
        refuse("meetingUrl", f"meetingUrl must be an http or https URL (got '{url}')")


def _refuse(errors: Errors, column: str, message: str) -> None:
    errors.append({"column": column, "message": message})


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
