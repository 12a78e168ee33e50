"""Plandocket's bulk-import endpoints and their fields, as the vendor documents them."""

from __future__ import annotations

from rowboat.core.targets.schema import Endpoint, Field, FieldType, Rule

__all__ = ["CONTACT_FIELDS", "ENDPOINTS", "PARTICIPANT_FIELDS"]

_T = FieldType

# The vendor's contact fields (docs.plandocket.com/en/api/contacts.html), in its order.
_EMAIL = Field(
    key="email", label="Email", type=_T.EMAIL, max_length=255, unique=True,
    help="The contact's email address. Plandocket matches existing contacts by it unless the "
    "customer number is chosen as the match field.",
    example="anna.mueller@example.com",
)  # fmt: skip
_CUSTOMER_NUMBER = Field(
    key="customer_number", label="Customer number", max_length=100, unique=True,
    help="Your own number for the contact; keep leading zeros. Needed when there is no email.",
    example="000123",
)  # fmt: skip
_FIRST = Field(key="first_name", label="First name", max_length=100, example="Anna")
_LAST = Field(key="last_name", label="Last name", max_length=100, example="Müller")
_COMPANY = Field(key="company_name", label="Company", max_length=255, example="Acme GmbH")
_PHONE = Field(
    key="phone", label="Phone", type=_T.PHONE, example="+49 30 1234567",
    help="With the country code (+49 …); numbers without one get the default country's code.",
)  # fmt: skip
_MOBILE = Field(key="mobile", label="Mobile", type=_T.PHONE, example="+49 151 12345678")
_FAX = Field(key="fax", label="Fax", type=_T.PHONE, example="+49 30 1234568")
_ADDRESS = Field(key="address", label="Address", max_length=255, example="Hauptstraße 5")
_POSTAL = Field(key="postal_code", label="Postal code", max_length=20, example="10115")
_CITY = Field(key="city", label="City", max_length=100, example="Berlin")
_COUNTRY = Field(
    key="country", label="Country", type=_T.COUNTRY, example="DE",
    help="A country name or its two-letter code; Plandocket stores the code.",
)  # fmt: skip
_STATE = Field(key="state", label="State", max_length=100, example="Berlin")
_WEBSITE = Field(key="website", label="Website", type=_T.URL, example="https://acme.example")

CONTACT_FIELDS: tuple[Field, ...] = (
    _EMAIL,
    _COMPANY,
    _FIRST,
    _LAST,
    _PHONE,
    _FAX,
    _MOBILE,
    _CUSTOMER_NUMBER,
    _ADDRESS,
    _POSTAL,
    _CITY,
    _COUNTRY,
    _STATE,
    _WEBSITE,
    Field(key="notes", label="Notes", example="Vegetarian"),
    Field(key="tax_id", label="Tax ID", max_length=50, example="DE123456789"),
    Field(
        key="rating", label="Rating", type=_T.INTEGER, minimum=1, maximum=5,
        help="1 to 5 stars; Plandocket uses 3 when the cell is empty.", example="4",
    ),
    Field(
        key="account_access_enabled", label="Account access", type=_T.BOOLEAN,
        synonyms=("Portal access", "Login enabled", "Zugang aktiv"),
        help="Yes if the contact may log in to the Plandocket portal.", example="no",
    ),
    Field(
        key="category_keys", label="Categories", multiple=True,
        synonyms=("Category keys", "Category", "Kategorien", "Kategorie", "Catégories"),
        help="Keys of the contact's categories in Plandocket, separated by ; ",
        example="vip; press",
    ),
    Field(
        key="event_keys", label="Events", multiple=True,
        synonyms=("Event keys", "Veranstaltungen", "Événements"),
        help="Keys of the Plandocket events the contact belongs to, separated by ; ",
        example="summit-2026",
    ),
)  # fmt: skip

# A participant names its contact; when create_contacts is on, these contact fields create it.
PARTICIPANT_FIELDS: tuple[Field, ...] = (
    Field(
        key="event_key", label="Event key", max_length=100,
        help="The Plandocket event the person takes part in. Leave it empty to use the event "
        "chosen for the whole import.",
        example="summit-2026",
    ),
    _EMAIL,
    _CUSTOMER_NUMBER,
    _FIRST,
    _LAST,
    _COMPANY,
    _PHONE,
    _MOBILE,
    _ADDRESS,
    _POSTAL,
    _CITY,
    _COUNTRY,
    _STATE,
    Field(
        key="is_confirmed", label="Confirmed", type=_T.BOOLEAN,
        help="Yes if the participation is confirmed.", example="yes",
    ),
)  # fmt: skip

_MATCH_RULE = Rule(
    kind="one_of",
    fields=("email", "customer_number"),
    message="Each row needs an email or a customer number: Plandocket finds the contact by it.",
)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        id="plandocket.contacts",
        system="plandocket",
        system_label="Plandocket",
        label="Contacts",
        description="Adds or updates people in your Plandocket address book, matched by email or "
        "customer number. Up to 1000 rows are sent per request.",
        fields=CONTACT_FIELDS,
        rules=(_MATCH_RULE,),
        batch_size=1000,
        schema_origin="vendor",
    ),
    Endpoint(
        id="plandocket.participants",
        system="plandocket",
        system_label="Plandocket",
        label="Event participants",
        description="Adds people to an event in Plandocket, creating their contact first when "
        "it does not exist yet. Up to 1000 rows are sent per request.",
        fields=PARTICIPANT_FIELDS,
        rules=(_MATCH_RULE,),
        batch_size=1000,
        schema_origin="vendor",
    ),
)
