"""Plandocket's bulk-import request: its options and each of its records, checked as documented."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CONTACT_FIELDS",
    "MAX_RECORDS",
    "ImportOptions",
    "InvalidOptions",
    "RecordError",
    "clean_record",
    "parse_options",
]

MAX_RECORDS = 1000
MODES = ("create", "upsert", "update")
MATCH_FIELDS = ("email", "customer_number")

# The vendor publishes no lengths: these are the sandbox's own (see docs/sandbox.md, Plandocket).
STRING_LIMITS: dict[str, int] = {
    "email": 255,
    "company_name": 255,
    "first_name": 100,
    "last_name": 100,
    "phone": 50,
    "fax": 50,
    "mobile": 50,
    "customer_number": 50,
    "address": 255,
    "postal_code": 20,
    "city": 100,
    "country": 2,
    "state": 100,
    "website": 255,
    "notes": 5000,
    "tax_id": 50,
}
LIST_FIELDS = ("category_keys", "event_keys")
LIST_ITEM_LIMIT = 100
CONTACT_FIELDS: tuple[str, ...] = (
    *STRING_LIMITS,
    "rating",
    "account_access_enabled",
    *LIST_FIELDS,
)
# A participant record names its contact and may carry the fields of a contact to create.
PARTICIPANT_FIELDS: tuple[str, ...] = (
    *(f for f in CONTACT_FIELDS if f != "event_keys"),
    "event_key",
    "is_confirmed",
)
BOOLEAN_FIELDS = ("account_access_enabled", "is_confirmed")

# ISO 3166-1 alpha-2, the officially assigned codes.
_COUNTRIES = (
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCI"
    "CKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQ"
    "GRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLS"
    "LTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPG"
    "PHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTK"
    "TLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW"
)
COUNTRY_CODES = frozenset(_COUNTRIES[i : i + 2] for i in range(0, len(_COUNTRIES), 2))

# local@domain.tld: no spaces, one @, no dots at the ends of the local part or twice in a row,
# domain labels of letters, digits and inner hyphens, a top-level domain of two letters or more.
_EMAIL = re.compile(
    r"(?!\.)(?!.*\.\.)[^\s@\"(),:;<>\[\]\\]{1,64}(?<!\.)"
    r"@(?:[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?\.)+[^\W\d_]{2,63}"
)


@dataclass(frozen=True)
class ImportOptions:
    """The request's options, each of the documented type."""

    records: list[Any]
    field_mapping: dict[str, str]
    mode: str
    match_field: str
    skip_on_error: bool
    event_key: str | None
    create_contacts: bool


class InvalidOptions(Exception):
    """The request itself is refused (422) before any record is looked at."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Validation failed")
        self.errors = errors


@dataclass(frozen=True)
class RecordError:
    """One problem of one record; `index` is its 0-based position in `records`."""

    index: int
    field: str | None
    message: str
    value: Any = None

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "field": self.field,
            "message": self.message,
            "value": self.value,
        }

    @property
    def key(self) -> str:
        """The key of this problem in a 422 answer's `errors` object."""
        base = f"records.{self.index}"
        return f"{base}.{self.field}" if self.field else base


def _label(field: str) -> str:
    return field.replace("_", " ")


def parse_options(body: dict[str, Any], *, participants: bool) -> ImportOptions:
    """The options of a bulk-import body, or InvalidOptions naming every wrong one.

    An option sent as null takes its default, like an option left out.
    """
    errors: dict[str, list[str]] = {}
    records = body.get("records")
    if records is None or records == []:
        errors["records"] = ["The records field is required."]
    elif not isinstance(records, list):
        errors["records"] = ["The records must be an array."]
    elif len(records) > MAX_RECORDS:
        errors["records"] = [f"The records must not have more than {MAX_RECORDS} items."]
    mapping = _option(body, "field_mapping", {})
    if not isinstance(mapping, dict):
        errors["field_mapping"] = ["The field mapping must be an object."]
    else:
        for source, target in mapping.items():
            if not isinstance(target, str) or not target:
                errors[f"field_mapping.{source}"] = [
                    f"The field_mapping.{source} must be a string."
                ]
    mode = _option(body, "mode", "create")
    if mode not in MODES:
        errors["mode"] = ["The selected mode is invalid."]
    match_field = _option(body, "match_field", "email")
    if match_field not in MATCH_FIELDS:
        errors["match_field"] = ["The selected match field is invalid."]
    skip_on_error = _option_flag(body, "skip_on_error", errors)
    create_contacts = _option_flag(body, "create_contacts", errors) if participants else True
    event_key = body.get("event_key") if participants else None
    if participants and (event_key is None or event_key == ""):
        errors["event_key"] = ["The event key field is required."]
    elif participants and not isinstance(event_key, str):
        errors["event_key"] = ["The event key must be a string."]
    if errors:
        raise InvalidOptions(errors)
    assert isinstance(records, list)
    return ImportOptions(
        records=records,
        field_mapping=mapping,
        mode=mode,
        match_field=match_field,
        skip_on_error=skip_on_error,
        event_key=event_key,
        create_contacts=create_contacts,
    )


def _option(body: dict[str, Any], name: str, default: Any) -> Any:
    value = body.get(name)
    return default if value is None else value


def _option_flag(body: dict[str, Any], name: str, errors: dict[str, list[str]]) -> bool:
    value = _option(body, name, True)
    if not isinstance(value, bool):
        errors[name] = [f"The {_label(name)} field must be true or false."]
        return True
    return value


def clean_record(
    index: int,
    raw: Any,
    options: ImportOptions,
    *,
    participant: bool,
    event_keys: frozenset[str],
) -> tuple[dict[str, Any], list[RecordError]]:
    """The record's fields after field_mapping, trimmed and checked; and what is wrong with it.

    Blank strings count as absent (null), as the vendor's framework does. A record with errors
    is not imported; the cleaned fields are returned anyway so the caller can name the record.
    """
    if not isinstance(raw, dict):
        return {}, [RecordError(index, None, "The record must be an object.", raw)]
    fields, errors = _apply_mapping(index, raw, options.field_mapping)
    allowed = PARTICIPANT_FIELDS if participant else CONTACT_FIELDS
    kind = "participant" if participant else "contact"
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in allowed:
            errors.append(
                RecordError(index, name, f"The {name} field is not a {kind} field.", value)
            )
            continue
        if isinstance(value, str):
            value = value.strip() or None
        problem = None if value is None else _check(name, value, event_keys)
        if problem is not None:
            errors.append(RecordError(index, *problem))
        elif name == "country" and isinstance(value, str):
            cleaned[name] = value.upper()
        else:
            cleaned[name] = value
    if cleaned.get(options.match_field) is None and not any(
        e.field == options.match_field for e in errors
    ):
        required = f"The {_label(options.match_field)} field is required."
        errors.append(RecordError(index, options.match_field, required, None))
    return cleaned, errors


def _apply_mapping(
    index: int, raw: dict[str, Any], mapping: dict[str, str]
) -> tuple[dict[str, Any], list[RecordError]]:
    fields: dict[str, Any] = {}
    errors: list[RecordError] = []
    for key, value in raw.items():
        name = mapping.get(key, key)
        if name in fields:
            message = f"The {name} field is given more than once after field mapping."
            errors.append(RecordError(index, name, message, value))
        fields[name] = value
    return fields, errors


def _check(name: str, value: Any, event_keys: frozenset[str]) -> tuple[str, str, Any] | None:
    """(field, message, value) of the first thing wrong with a present value, or None."""
    label = _label(name)
    if name in STRING_LIMITS:
        return _check_string(name, value)
    if name == "rating":
        if not isinstance(value, int) or isinstance(value, bool):
            return name, "The rating must be an integer.", value
        if not 1 <= value <= 5:
            return name, "The rating must be between 1 and 5.", value
        return None
    if name in BOOLEAN_FIELDS:
        if not isinstance(value, bool):
            return name, f"The {label} field must be true or false.", value
        return None
    if name == "event_key":
        if not isinstance(value, str):
            return name, "The event key must be a string.", value
        return None if value in event_keys else (name, "The selected event key is invalid.", value)
    return _check_list(name, value, event_keys)


def _check_string(name: str, value: Any) -> tuple[str, str, Any] | None:
    label = _label(name)
    if not isinstance(value, str):
        return name, f"The {label} must be a string.", value
    if name == "country":
        if value.upper() not in COUNTRY_CODES:
            message = "The country must be a valid ISO 3166-1 alpha-2 country code."
            return name, message, value
        return None
    limit = STRING_LIMITS[name]
    if len(value) > limit:
        return name, f"The {label} must not be greater than {limit} characters.", value
    if name == "email" and not _EMAIL.fullmatch(value):
        return name, "The email must be a valid email address.", value
    return None


def _check_list(name: str, value: Any, event_keys: frozenset[str]) -> tuple[str, str, Any] | None:
    if not isinstance(value, list):
        return name, f"The {_label(name)} must be an array.", value
    for position, item in enumerate(value):
        where = f"{name}.{position}"
        if not isinstance(item, str) or not item.strip():
            return where, f"The {where} must be a string.", item
        if len(item) > LIST_ITEM_LIMIT:
            return (
                where,
                f"The {where} must not be greater than {LIST_ITEM_LIMIT} characters.",
                item,
            )
        if name == "event_keys" and item not in event_keys:
            return where, f"The selected {where} is invalid.", item
    return None
