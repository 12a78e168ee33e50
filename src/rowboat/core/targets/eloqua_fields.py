"""Oracle Eloqua's event registrant import and Rowboat's default event fields.

Each Eloqua event defines its own fields (read from the server at run time); until they are read,
the default below covers the registrant fields most events carry.
"""

from __future__ import annotations

from rowboat.core.targets.schema import Endpoint, Field, FieldType

__all__ = ["ENDPOINTS", "REGISTRANT_FIELDS"]

_T = FieldType

REGISTRANT_FIELDS: tuple[Field, ...] = (
    Field(
        key="emailAddress", label="Email address", type=_T.EMAIL, required=True, unique=True,
        max_length=400,
        help="The registrant's email address; Eloqua recognises registrants by it.",
        example="anna.mueller@example.com",
    ),
    Field(key="firstName", label="First name", max_length=100, example="Anna"),
    Field(key="lastName", label="Last name", max_length=100, example="Müller"),
    Field(key="company", label="Company", max_length=100, example="Acme GmbH"),
    Field(key="title", label="Job title", max_length=100, example="Head of Events"),
    Field(key="phone", label="Phone", type=_T.PHONE, example="+49 30 1234567"),
    Field(key="mobilePhone", label="Mobile phone", type=_T.PHONE, example="+49 151 12345678"),
    Field(key="address", label="Address", max_length=100, example="Hauptstraße 5"),
    Field(key="city", label="City", max_length=100, example="Berlin"),
    Field(key="state", label="State or province", max_length=100, example="Berlin"),
    Field(key="postalCode", label="Postal code", max_length=100, example="10115"),
    # Eloqua keeps countries as names from its own picklist, so the text goes as typed.
    Field(
        key="country", label="Country", max_length=100,
        help="The country as your Eloqua instance names it.", example="Germany",
    ),
)  # fmt: skip

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        id="eloqua.event-registrants",
        system="eloqua",
        system_label="Oracle Eloqua",
        label="Event registrants",
        description="Registers people for an Eloqua event. Eloqua checks the rows after they "
        "arrive and reports how many were created, updated or rejected, with the reason for each "
        "rejected row. Up to 2000 rows are sent per request.",
        fields=REGISTRANT_FIELDS,
        # Eloqua caps a request at 32 MB, not at a row count; 2000 rows of even 100 fields
        # stay well under it.
        batch_size=2000,
        schema_origin="default",
    ),
)
