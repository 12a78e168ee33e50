"""Thalamus' file imports and Rowboat's default columns for each import type.

Thalamus serves each type's template from the server; until it is read, the defaults below hold.
"""

from __future__ import annotations

from rowboat.core.targets.schema import Endpoint, Field, FieldType

__all__ = [
    "COMPANY_FIELDS",
    "ENDPOINTS",
    "IMPORT_TYPES",
    "LOCATION_FIELDS",
    "SALES_FIELDS",
    "STOCK_FIELDS",
]

_T = FieldType

# The import type numbers Thalamus expects with each file.
IMPORT_TYPES: dict[str, int] = {
    "thalamus.physical-locations": 25006,
    "thalamus.companies": 25004,
    "thalamus.partner-sales": 25011,
    "thalamus.partner-stock": 25012,
}

_COUNTRY = Field(key="country", label="Country", type=_T.COUNTRY, example="ES")
_ADDRESS = Field(key="address", label="Address", max_length=255, example="Calle Mayor 1")
_CITY = Field(key="city", label="City", max_length=100, example="Madrid")
_PHONE = Field(key="phone", label="Phone", type=_T.PHONE, example="+34 912 345 678")
_EMAIL = Field(key="email", label="Email", type=_T.EMAIL, example="info@example.es")
_EXTERNAL = Field(
    key="external_code", label="External code", max_length=100,
    help="Your own code for the record, so a later import updates it.", example="LOC-0042",
)  # fmt: skip
_DATE = Field(key="date", label="Date", type=_T.DATE, required=True, example="2026-03-31")
_PARTNER = Field(
    key="partner_code", label="Partner code", required=True, max_length=100,
    help="The partner's code in Thalamus.", example="P-0100",
)  # fmt: skip
_PRODUCT = Field(
    key="product_code", label="Product code", required=True, max_length=100, example="SKU-123"
)

LOCATION_FIELDS: tuple[Field, ...] = (
    Field(key="name", label="Location name", required=True, max_length=255, example="Madrid store"),
    _ADDRESS,
    _CITY,
    Field(key="postal_code", label="Postal code", max_length=20, example="28013"),
    _COUNTRY,
    _PHONE,
    _EMAIL,
    Field(
        key="latitude", label="Latitude", type=_T.DECIMAL, minimum=-90, maximum=90,
        example="40.4168",
    ),
    Field(
        key="longitude", label="Longitude", type=_T.DECIMAL, minimum=-180, maximum=180,
        example="-3.7038",
    ),
    _EXTERNAL,
)  # fmt: skip

COMPANY_FIELDS: tuple[Field, ...] = (
    Field(key="name", label="Company name", required=True, max_length=255, example="Globex SA"),
    Field(key="tax_id", label="Tax ID", max_length=50, example="ESA12345678"),
    _COUNTRY,
    _ADDRESS,
    _CITY,
    Field(key="website", label="Website", type=_T.URL, example="https://globex.example"),
    _PHONE,
    _EMAIL,
    _EXTERNAL,
)

SALES_FIELDS: tuple[Field, ...] = (
    _DATE,
    _PARTNER,
    _PRODUCT,
    Field(key="quantity", label="Quantity", type=_T.INTEGER, required=True, example="12"),
    Field(key="unit_price", label="Unit price", type=_T.DECIMAL, minimum=0, example="9.90"),
    Field(key="amount", label="Amount", type=_T.DECIMAL, example="118.80"),
    Field(
        key="currency", label="Currency", min_length=3, max_length=3,
        help="The three-letter currency code, such as EUR.", example="EUR",
    ),
    Field(key="invoice_number", label="Invoice number", max_length=100, example="INV-2026-0042"),
)  # fmt: skip

STOCK_FIELDS: tuple[Field, ...] = (
    _DATE,
    _PARTNER,
    _PRODUCT,
    Field(
        key="quantity", label="Quantity", type=_T.INTEGER, required=True, minimum=0,
        example="40",
    ),
    Field(key="warehouse", label="Warehouse", max_length=100, example="Madrid central"),
)  # fmt: skip

_AFTER = "Thalamus imports the file in the background and reports how many rows it took."


def _thalamus(endpoint_id: str, label: str, what: str, fields: tuple[Field, ...]) -> Endpoint:
    return Endpoint(
        id=endpoint_id,
        system="thalamus",
        system_label="Thalamus",
        label=label,
        description=f"{what} The rows travel as one Excel file. {_AFTER}",
        fields=fields,
        batch_size=None,  # the whole file goes in one upload
        schema_origin="default",
    )


ENDPOINTS: tuple[Endpoint, ...] = (
    _thalamus(
        "thalamus.physical-locations",
        "Physical locations",
        "Adds or updates shops, offices and other places in Thalamus.",
        LOCATION_FIELDS,
    ),
    _thalamus(
        "thalamus.companies", "Companies", "Adds or updates companies in Thalamus.", COMPANY_FIELDS
    ),
    _thalamus(
        "thalamus.partner-sales",
        "Partner sales",
        "Records what your partners sold, product by product.",
        SALES_FIELDS,
    ),
    _thalamus(
        "thalamus.partner-stock",
        "Partner stock",
        "Records how much of each product your partners hold in stock.",
        STOCK_FIELDS,
    ),
)
