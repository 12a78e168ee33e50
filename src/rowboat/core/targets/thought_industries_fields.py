"""Thought Industries' session bulk imports and Rowboat's default columns for them.

The vendor does not publish the session columns; the defaults follow its meeting model (title,
startDate, endDate, timeZone, location, instructors, attendeeInfo, courseId) plus what comparable
session imports carry. A schema file can extend or replace them.
"""

from __future__ import annotations

from rowboat.core.targets.schema import Endpoint, Field, FieldType, Rule

__all__ = ["ENDPOINTS", "IN_PERSON_FIELDS", "WEBINAR_FIELDS"]

_T = FieldType

_SESSION_FIELDS: tuple[Field, ...] = (
    Field(
        key="title", label="Title", required=True, max_length=255,
        help="The session's name as learners see it.", example="Onboarding bootcamp",
    ),
    Field(
        key="startDate", label="Start", type=_T.DATETIME, required=True,
        help="Date and time the session starts.", example="2026-04-14 09:00",
    ),
    Field(
        key="endDate", label="End", type=_T.DATETIME, required=True,
        help="Date and time the session ends; must be after the start.",
        example="2026-04-14 12:00",
    ),
    Field(
        key="timeZone", label="Time zone", type=_T.TIMEZONE,
        help="The time zone of start and end, such as Europe/Berlin.", example="Europe/Berlin",
    ),
    Field(
        key="location", label="Location", max_length=255,
        help="Where the session takes place: the name or id of a location in Thought Industries.",
        example="Berlin HQ, Room 2",
    ),
    Field(
        key="instructors", label="Instructors", multiple=True,
        help="The instructors' names or emails, separated by ; ", example="Anna Müller",
    ),
    Field(
        key="attendeeInfo", label="Attendee information",
        help="What attendees should know before they come.", example="Bring a laptop.",
    ),
    Field(
        key="courseId", label="Course ID", max_length=255,
        help="The id of the course the session belongs to.", example="onboarding-101",
    ),
    Field(
        key="capacity", label="Capacity", type=_T.INTEGER, minimum=1,
        help="The most learners who can attend.", example="24",
    ),
    Field(key="description", label="Description", example="Three hours of hands-on practice."),
)  # fmt: skip

IN_PERSON_FIELDS: tuple[Field, ...] = _SESSION_FIELDS
WEBINAR_FIELDS: tuple[Field, ...] = (
    *_SESSION_FIELDS,
    Field(
        key="meetingUrl", label="Meeting URL", type=_T.URL, required=True,
        synonyms=("URL", "Link", "Join URL", "Join link", "Webinar link", "Zoom link"),
        help="The address learners open to join the webinar.",
        example="https://meet.example.com/onboarding",
    ),
)  # fmt: skip

_END_AFTER_START = Rule(
    kind="after", fields=("startDate", "endDate"), message="The end must be after the start."
)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        id="thought-industries.in-person-sessions",
        system="thought-industries",
        system_label="Thought Industries",
        label="In-person event sessions",
        description="Creates sessions of in-person events in Thought Industries from your rows. "
        "The rows travel as one import file, which Thought Industries checks row by row and then "
        "imports in the background; up to 1000 rows go in each file.",
        fields=IN_PERSON_FIELDS,
        rules=(_END_AFTER_START,),
        batch_size=1000,
        schema_origin="default",
    ),
    Endpoint(
        id="thought-industries.webinar-sessions",
        system="thought-industries",
        system_label="Thought Industries",
        label="Webinar sessions",
        description="Creates webinar sessions in Thought Industries from your rows, each with "
        "the link learners join by. The rows travel as one import file, checked row by row and "
        "imported in the background; up to 1000 rows go in each file.",
        fields=WEBINAR_FIELDS,
        rules=(_END_AFTER_START,),
        batch_size=1000,
        schema_origin="default",
    ),
)
