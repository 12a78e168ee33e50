"""Thalamus sandbox: the import types, their template columns, row checks and template files."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

from rowboat.sandbox.spreadsheets import write_xlsx

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "IMPORT_TYPES",
    "PARTNERS",
    "PRODUCTS",
    "Analysis",
    "Column",
    "ImportType",
    "Outcome",
    "analyse",
    "check_row",
    "record_key",
    "template_values",
    "template_xlsx",
]

Check: TypeAlias = "Callable[[str], str | None]"

# The sandbox's demo data: sales and stock rows must name one of these.
PARTNERS: dict[str, str] = {
    "P-0100": "Iberia Retail SL",
    "P-0200": "Nordhandel AB",
    "P-0300": "Lusitana Distribuição Lda",
}
PRODUCTS: dict[str, str] = {
    "SKU-123": "Espresso machine",
    "SKU-456": "Milk frother",
    "SKU-789": "Coffee beans 1 kg",
}

_ISO_ALPHA2 = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR"
    " BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ"
    " EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW"
    " GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY"
    " KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV"
    " MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY"
    " QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG"
    " TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM"
    " ZW"
)  # ISO 3166-1
_COUNTRIES = frozenset(_ISO_ALPHA2.split())
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")


class Outcome:
    """What became of one row of an upload, as the result file spells it."""

    OK = "OK"
    ERROR = "ERROR"
    SKIPPED = "SKIPPED"
    NOT_PROCESSED = "NOT PROCESSED"


def _text(max_length: int) -> Check:
    def check(value: str) -> str | None:
        if len(value) > max_length:
            return f"is longer than {max_length} characters"
        return None

    return check


def _country(value: str) -> str | None:
    return None if value.upper() in _COUNTRIES else f"'{value}' is not an ISO 3166 country code"


def _email(value: str) -> str | None:
    return None if _EMAIL.fullmatch(value) else f"'{value}' is not an email address"


def _phone(value: str) -> str | None:
    digits = sum(ch.isdigit() for ch in value)
    if _PHONE.fullmatch(value) and 6 <= digits <= 15:
        return None
    return f"'{value}' is not a phone number"


def _website(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and "." in parts.netloc and " " not in value:
        return None
    return f"'{value}' is not a web address (http:// or https://)"


def _decimal(low: Decimal | None = None, high: Decimal | None = None) -> Check:
    def check(value: str) -> str | None:
        if not _DECIMAL.fullmatch(value):
            return f"'{value}' is not a number (use a dot for decimals)"
        number = Decimal(value)
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = f"at least {low}" if high is None else f"between {low} and {high}"
            return f"{value} is out of range (must be {bounds})"
        return None

    return check


def _integer(minimum: int | None = None) -> Check:
    def check(value: str) -> str | None:
        if not _INTEGER.fullmatch(value):
            return f"'{value}' is not a whole number"
        if minimum is not None and int(value) < minimum:
            return f"{value} is below {minimum}"
        return None

    return check


def _iso_date(value: str) -> str | None:
    # An Excel date cell reads as a date-time at midnight: that is a date too.
    day = value.removesuffix("T00:00:00")
    try:
        if _ISO_DATE.fullmatch(day):
            dt.date.fromisoformat(day)
            return None
    except ValueError:
        pass
    return f"'{value}' is not a date (YYYY-MM-DD)"


def _currency(value: str) -> str | None:
    return None if _CURRENCY.fullmatch(value) else f"'{value}' is not a three-letter currency code"


def _known(codes: Mapping[str, str], what: str) -> Check:
    def check(value: str) -> str | None:
        return None if value in codes else f"unknown {what} '{value}'"

    return check


@dataclass(frozen=True)
class Column:
    """One column of a type's template: its code (the header), what it holds and its check."""

    code: str
    description: str
    check: Check
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class ImportType:
    code: int
    label: str
    columns: tuple[Column, ...]
    stored: bool  # the sandbox keeps these records, keyed by external_code, else name

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.columns if c.required)


_NAME = Column("name", "Name (up to 255 characters).", _text(255), required=True)
_ADDRESS = Column("address", "Street and number (up to 255).", _text(255), example="Calle Mayor 1")
_CITY = Column("city", "City (up to 100).", _text(100), example="Madrid")
_COUNTRY = Column("country", "ISO 3166-1 alpha-2 country code, e.g. ES.", _country, example="ES")
_PHONE_COL = Column("phone", "Phone number, 6 to 15 digits.", _phone, example="+34 912 345 678")
_EMAIL_COL = Column("email", "Email address.", _email, example="info@example.es")
_EXTERNAL = Column(
    "external_code", "Your code for the record; a later import with it updates the record.",
    _text(100), example="LOC-0042",
)  # fmt: skip
_DATE = Column("date", "Date, YYYY-MM-DD.", _iso_date, required=True, example="2026-03-31")
_PARTNER = Column(
    "partner_code", "Code of a partner known to Thalamus.", _known(PARTNERS, "partner"),
    required=True, example="P-0100",
)  # fmt: skip
_PRODUCT = Column(
    "product_code", "Code of a product known to Thalamus.", _known(PRODUCTS, "product"),
    required=True, example="SKU-123",
)  # fmt: skip

_LATITUDE = Column(
    "latitude", "Latitude, -90 to 90.", _decimal(Decimal(-90), Decimal(90)), example="40.4168"
)
_LONGITUDE = Column(
    "longitude", "Longitude, -180 to 180.", _decimal(Decimal(-180), Decimal(180)),
    example="-3.7038",
)  # fmt: skip
_POSTAL = Column("postal_code", "Postal code (up to 20).", _text(20), example="28013")
LOCATIONS = ImportType(
    25006,
    "Physical locations",
    (_NAME, _ADDRESS, _CITY, _POSTAL, _COUNTRY, _PHONE_COL, _EMAIL_COL, _LATITUDE, _LONGITUDE,
     _EXTERNAL),
    stored=True,
)  # fmt: skip

_TAX_ID = Column("tax_id", "Tax identification number (up to 50).", _text(50), example="ESA123")
_WEBSITE = Column(
    "website", "Web address starting with http:// or https://.", _website,
    example="https://globex.example",
)  # fmt: skip
COMPANIES = ImportType(
    25004,
    "Companies",
    (_NAME, _TAX_ID, _COUNTRY, _ADDRESS, _CITY, _WEBSITE, _PHONE_COL, _EMAIL_COL, _EXTERNAL),
    stored=True,
)

_SOLD = Column(
    "quantity", "Units sold, a whole number (negative for returns).", _integer(),
    required=True, example="12",
)  # fmt: skip
_UNIT_PRICE = Column(
    "unit_price", "Price of one unit, 0 or more, dot for decimals.", _decimal(Decimal(0)),
    example="9.90",
)  # fmt: skip
_AMOUNT = Column("amount", "Total of the line, dot for decimals.", _decimal(), example="118.80")
_CURRENCY_COL = Column(
    "currency", "Three-letter currency code, e.g. EUR.", _currency, example="EUR"
)
_INVOICE = Column(
    "invoice_number", "Invoice number (up to 100).", _text(100), example="INV-2026-0042"
)
SALES = ImportType(
    25011,
    "Partner sales",
    (_DATE, _PARTNER, _PRODUCT, _SOLD, _UNIT_PRICE, _AMOUNT, _CURRENCY_COL, _INVOICE),
    stored=False,
)

_IN_STOCK = Column(
    "quantity", "Units in stock, a whole number, 0 or more.", _integer(0), required=True,
    example="40",
)  # fmt: skip
_WAREHOUSE = Column(
    "warehouse", "Warehouse name (up to 100).", _text(100), example="Madrid central"
)
STOCK = ImportType(
    25012,
    "Partner stock",
    (_DATE, _PARTNER, _PRODUCT, _IN_STOCK, _WAREHOUSE),
    stored=False,
)
IMPORT_TYPES: dict[int, ImportType] = {t.code: t for t in (LOCATIONS, COMPANIES, SALES, STOCK)}


@dataclass(frozen=True)
class Analysis:
    """How an upload's header meets the type's template."""

    columns: dict[str, str]  # template code -> the header as written in the file
    ignored: list[str]  # headers that are no template column
    missing: list[str]  # required codes the file lacks

    def as_json(self, error: str | None = None) -> dict[str, object]:
        return {
            "valid": error is None and not self.missing,
            "columns": list(self.columns),
            "ignoredColumns": self.ignored,
            "missingColumns": self.missing,
            "error": error or self.missing_message(),
        }

    def missing_message(self) -> str | None:
        if not self.missing:
            return None
        return f"The file lacks the required column(s): {', '.join(self.missing)}."


def analyse(kind: ImportType, header: Sequence[str]) -> Analysis:
    """Match the header to the template's codes (case and surrounding blanks do not matter)."""
    codes = {c.code for c in kind.columns}
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for name in header:
        code = name.strip().casefold()
        if code in codes and code not in columns:
            columns[code] = name
        else:
            ignored.append(name)
    missing = [code for code in kind.required if code not in columns]
    return Analysis(columns, ignored, missing)


def template_values(analysis: Analysis, cells: Mapping[str, str]) -> dict[str, str]:
    """A row's values by template code (the file may spell the headers differently)."""
    return {code: cells.get(name, "") for code, name in analysis.columns.items()}


def check_row(kind: ImportType, analysis: Analysis, cells: Mapping[str, str]) -> tuple[str, str]:
    """The outcome of one row (OK, ERROR or SKIPPED) and its message ("" when OK)."""
    values = template_values(analysis, cells)
    if not any(values.values()):
        return Outcome.SKIPPED, "The row has no values in the template's columns."
    problems: list[str] = []
    for column in kind.columns:
        value = values.get(column.code, "")
        if not value:
            if column.required:
                problems.append(f"{column.code}: a value is required")
            continue
        problem = column.check(value)
        if problem:
            problems.append(f"{column.code}: {problem}")
    if kind is LOCATIONS and bool(values.get("latitude")) != bool(values.get("longitude")):
        problems.append("latitude and longitude: give both or neither")
    if problems:
        return Outcome.ERROR, "; ".join(problems)
    return Outcome.OK, ""


def record_key(values: Mapping[str, str]) -> str:
    """Which stored record a location or company row creates or updates."""
    external = values.get("external_code", "")
    return f"external_code:{external}" if external else f"name:{values.get('name', '').casefold()}"


def template_xlsx(kind: ImportType) -> bytes:
    """The template of a type: its header row, then a sheet describing each column."""
    help_rows = [
        (c.code, c.description, "Yes" if c.required else "No", c.example) for c in kind.columns
    ]
    return write_xlsx(
        [
            (kind.label, [c.code for c in kind.columns], []),
            ("Columns", ["Column", "Description", "Required", "Example"], help_rows),
        ]
    )
