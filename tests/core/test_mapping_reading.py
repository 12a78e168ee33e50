"""Headers read the way people write them: role words, qualifiers, alternatives, legal names,
number markers; competing columns; and the one-line reason every match gives."""

from __future__ import annotations

import pandas as pd
import pytest

from rowboat.core.mapping import Mapping, MatchMethod, NamePart, match_columns
from rowboat.core.mapping.headers import read_header
from rowboat.core.mapping.terms import field_names
from rowboat.core.targets import Endpoint, Field, FieldType, get_endpoint, list_endpoints

CONTACTS = get_endpoint("plandocket.contacts")
ELOQUA = get_endpoint("eloqua.event-registrants")
COMPANIES = get_endpoint("thalamus.companies")
SESSIONS = get_endpoint("thought-industries.in-person-sessions")


def _only(header: str, endpoint: Endpoint = CONTACTS) -> tuple[str, float, str] | None:
    """(field, confidence, reason) of a one-header file's single plain source, or None."""
    sources = [s for s in match_columns([header], endpoint).sources if s.split_name is None]
    if not sources:
        return None
    assert len(sources) == 1
    return sources[0].field, sources[0].confidence, sources[0].reason


def _field(header: str, endpoint: Endpoint = CONTACTS) -> str | None:
    found = _only(header, endpoint)
    return None if found is None else found[0]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Attendee First Name", "first_name"), ("Registrant last name", "last_name"),
        ("Nachname des Teilnehmers", "last_name"), ("E-mail do participante", "email"),
        ("Prénom du participant", "first_name"), ("Nombre del asistente", "first_name"),
        ("Teilnehmer-E-Mail", "email"), ("Attendee's email", "email"),
        ("Purchaser Phone", "phone"), ("Apellidos del asistente", "last_name"),
        ("Sobrenome do participante", "last_name"), ("Votre adresse e-mail", "email"),
    ],
)  # fmt: skip
def test_a_role_word_before_or_after_the_field_is_ignored(header: str, field: str) -> None:
    found = _only(header)
    assert found is not None
    assert found[0] == field
    assert "is ignored" in found[2]


def test_the_issues_example_explains_itself_in_one_line() -> None:
    (source,) = match_columns(["Attendee E-mail"], CONTACTS).sources
    assert source.reason == "'Attendee E-mail' → Email: the role word 'Attendee' is ignored"
    assert "\n" not in source.reason


def test_a_role_word_costs_a_little_confidence_so_the_plain_header_wins() -> None:
    mapping = match_columns(["Attendee Email", "Email"], CONTACTS)
    email = mapping.for_field("email")
    assert email is not None
    assert email.columns == ("Email",)
    assert email.alternative is not None
    assert email.alternative.column == "Attendee Email"
    assert email.alternative.confidence < email.confidence


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Work email", "email"), ("Telefon (geschäftlich)", "phone"), ("Tel. fixe", "phone"),
        ("Telefon (dienstl.)", "phone"), ("Téléphone professionnel", "phone"),
        ("Teléfono (trabajo)", "phone"), ("Telefone comercial", "phone"),
        ("Home Address 1", "address"), ("Mailing City", "city"), ("Rechnungsadresse", "address"),
    ],
)  # fmt: skip
def test_a_qualifier_the_field_takes_keeps_the_match(header: str, field: str) -> None:
    found = _only(header)
    assert found is not None
    assert found[0] == field
    assert found[1] > 0.9
    assert "qualifier" in found[2]


@pytest.mark.parametrize(
    "header", ["Telefon (Handy)", "Phone (mobile)", "Phone (WhatsApp)", "Telefon Handy"]
)
def test_a_qualifier_steers_between_close_fields(header: str) -> None:
    found = _only(header)
    assert found is not None
    assert found[0] == "mobile"
    assert "points to Mobile, not Phone" in found[2]


@pytest.mark.parametrize("header", ["Home Phone", "Telefon (privat)", "Other Phone"])
def test_a_qualifier_no_field_takes_lowers_the_confidence(header: str) -> None:
    found = _only(header)
    assert found is not None
    assert found[0] == "phone"
    assert 0.8 <= found[1] < 0.9
    assert "fits no field here" in found[2]


def test_qualified_phones_compete_and_the_fitting_one_wins() -> None:
    mapping = match_columns(["Home Phone", "Cell Phone", "Work Phone"], CONTACTS)
    phone, mobile = mapping.for_field("phone"), mapping.for_field("mobile")
    assert phone is not None
    assert mobile is not None
    assert (phone.columns, mobile.columns) == (("Work Phone",), ("Cell Phone",))
    assert phone.alternative is not None
    assert phone.alternative.column == "Home Phone"
    assert phone.alternative.reason.endswith("'Work Phone' fits better")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Company / Organization", "company_name"), ("Empresa/Organização", "company_name"),
        ("Zip/Postal Code", "postal_code"), ("Mailing State/Province", "state"),
        ("Billing State/Province/County", "state"), ("Ort/Stadt", "city"),
        ("Bevorzugte E-Mail (E-Mail-Adresse)", "email"),
    ],
)  # fmt: skip
def test_an_a_or_b_header_is_tried_as_each_alternative(header: str, field: str) -> None:
    found = _only(header)
    assert found is not None
    assert found[0] == field
    assert "read as" in found[2]


@pytest.mark.parametrize("header", ["City/State/Zip", "Nom/Prénom", "PLZ/Ort", "Tel./Fax"])
def test_alternatives_naming_different_fields_map_to_none(header: str) -> None:
    assert match_columns([header], CONTACTS).sources == ()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Razón social", "name"), ("Raison sociale", "name"), ("Razão social", "name"),
        ("Denominación social", "name"), ("Ragione sociale", "name"),
        ("Legal Company Name", "name"), ("Razón Social del Cliente", "name"),
        ("CIF", "tax_id"), ("SIRET", "tax_id"), ("CNPJ", "tax_id"), ("CUIT", "tax_id"),
        ("N° TVA intracommunautaire", "tax_id"), ("VAT No.", "tax_id"),
    ],
)  # fmt: skip
def test_legal_names_and_tax_ids_of_companies(header: str, field: str) -> None:
    assert _field(header, COMPANIES) == field


@pytest.mark.parametrize(
    "header",
    [
        "Attendee #", "Attendee ID", "Attendee no.", "Registrant ID", "Participant #",
        "Contact ID", "Order #", "Teilnehmernummer", "Teilnehmer-Nr.", "Nº de asistente",
        "N° de participant", "Número de participante", "UserID", "Badge #",
    ],
)  # fmt: skip
def test_a_header_ending_in_a_number_marker_never_becomes_a_name(header: str) -> None:
    mapping = match_columns([header, "Email"], CONTACTS)
    assert mapping.column_to_field() == {"Email": "email"}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Phone #", "phone"), ("Customer #", "customer_number"), ("Nº cliente", "customer_number"),
        ("Kundennr.", "customer_number"), ("Phone No.", "phone"), ("Cell #", "mobile"),
    ],
)  # fmt: skip
def test_a_number_marker_maps_to_a_field_holding_a_number_or_a_code(
    header: str, field: str
) -> None:
    assert _field(header) == field


@pytest.mark.parametrize("endpoint", list_endpoints(), ids=lambda e: e.id)
def test_no_field_of_text_takes_a_header_ending_in_a_number_marker(endpoint: Endpoint) -> None:
    for f, names in zip(endpoint.fields, field_names(endpoint), strict=True):
        if names.holds_code:
            continue  # a number or a code: "Customer number #" is fine
        for header in (f.label, f.key, *f.synonyms):
            for marker in ("#", "ID", "No."):
                mapping = match_columns([f"{header} {marker}"], endpoint)
                assert f.key not in {s.field for s in mapping.sources}, (header, marker)


def test_a_schema_field_of_text_is_not_fed_a_numbered_column() -> None:
    endpoint = Endpoint(
        id="x.y", system="x", system_label="X", label="Y", description="",
        fields=(Field(key="attendee", label="Attendee"), Field(key="seats", label="Seats",
                type=FieldType.INTEGER)),
    )  # fmt: skip
    assert match_columns(["Attendee #"], endpoint).sources == ()
    assert _field("Seats #", endpoint) == "seats"


@pytest.mark.parametrize("header", ["Address 2", "Address2", "Attendee Address 2", "C_Address2"])
def test_a_second_line_is_not_the_field(header: str) -> None:
    assert _field(header) is None


@pytest.mark.parametrize(
    ("header", "field"),
    [("C_FirstName", "firstName"), ("C_BusPhone", "phone"), ("C_Zip_Postal", "postalCode")],
)
def test_eloquas_internal_field_names_match(header: str, field: str) -> None:
    found = _only(header, ELOQUA)
    assert found is not None
    assert found[0] == field
    assert "system affix 'C_'" in found[2]


def test_salesforce_custom_field_names_match() -> None:
    assert _field("Attendee_Mobile_Phone__c") == "mobile"
    assert _field("Attendee_Office_Phone__c") == "phone"


@pytest.mark.parametrize("header", ["Buyer Name", "Name des Teilnehmers", "Customer Name"])
def test_a_name_with_a_role_word_is_a_full_name_to_split(header: str) -> None:
    mapping = match_columns([header], CONTACTS)
    first = mapping.for_field("first_name")
    assert first is not None
    assert first.split_name is NamePart.FIRST
    assert first.reason.endswith("a full name: its first part")


@pytest.mark.parametrize(
    "header",
    [
        "Department",
        "Salutation",
        "Source Name",
        "All phone numbers",
        "Contact Owner",
        "Estado civil",
    ],
)
def test_a_real_word_close_to_a_name_is_not_a_near_miss(header: str) -> None:
    assert match_columns([header], CONTACTS).sources == ()


def test_every_automatic_match_says_header_field_and_why() -> None:
    headers = ["Vorname", "Mobile", "Attendee Phone", "Firma / Organisation", "Kontakt"]
    sample_rows = {"Kontakt": ["a@example.de", "b@example.de"]}
    sample = pd.DataFrame({h: sample_rows.get(h, ["x", "y"]) for h in headers})
    mapping = match_columns(headers, CONTACTS, sample=sample)
    for s in mapping.sources:
        label = CONTACTS.field(s.field).label
        assert s.reason.startswith(f"'{s.columns[0]}' → {label}: "), s.reason
    reasons = {s.columns[0]: s.reason for s in mapping.sources}
    assert reasons["Vorname"] == "'Vorname' → First name: a known German name for it"
    assert reasons["Mobile"] == "'Mobile' → Mobile: the same name as the field"
    assert (
        reasons["Attendee Phone"] == "'Attendee Phone' → Phone: the role word 'Attendee' is ignored"
    )
    assert reasons["Kontakt"] == "'Kontakt' → Email: its values look like email addresses"
    assert {s.method for s in mapping.sources} >= {MatchMethod.EXACT, MatchMethod.CONTENT}


def test_header_reading_names_its_parts() -> None:
    header = read_header("Attendee Work Phone #")
    assert (header.core, header.roles, header.marker) == ("phone", ("Attendee",), "#")
    assert header.qualifiers == (("Work", "work"),)
    assert [a.core for a in read_header("Company / Organization").alternatives] == [
        "company",
        "organization",
    ]
    assert read_header("Home Address 2").ordinal == 2
    assert read_header("Straße und Hausnummer").marker == ""


def test_match_reasons_are_not_written_to_mapping_files() -> None:
    from rowboat.core.mapping.files import mapping_from_json, mapping_to_json

    mapping = match_columns(["Email", "Work email", "Attendee First Name"], CONTACTS)
    data = mapping_to_json(mapping)
    assert data["fields"] == {"email": "Email", "first_name": "Attendee First Name"}
    again = mapping_from_json(data, CONTACTS)
    assert isinstance(again, Mapping)
    assert all(s.reason == "" and s.alternative is None for s in again.sources)
