"""Automatic matching of headers to fields: exact, synonyms in seven languages, fuzzy, names."""

from __future__ import annotations

import pandas as pd
import pytest

from rowboat.core.mapping import Mapping, MatchMethod, NamePart, match_columns, normalise
from rowboat.core.mapping.synonyms import CONCEPTS, FULL_NAME
from rowboat.core.targets import Endpoint, Field, get_endpoint, list_endpoints

CONTACTS = get_endpoint("plandocket.contacts")
SESSIONS = get_endpoint("thought-industries.in-person-sessions")
WEBINARS = get_endpoint("thought-industries.webinar-sessions")
ELOQUA = get_endpoint("eloqua.event-registrants")


def _fields(mapping: Mapping) -> dict[str, str]:
    """{column: field} for plain one-column sources."""
    return {s.columns[0]: s.field for s in mapping.sources if s.split_name is None}


def _field_of(header: str, endpoint: Endpoint = CONTACTS) -> str | None:
    return _fields(match_columns([header], endpoint)).get(header)


@pytest.mark.parametrize("header", ["Email", "E-Mail", "e_mail", "EMAIL", " e.mail "])
def test_spelling_of_email_does_not_matter(header: str) -> None:
    mapping = match_columns([header], CONTACTS)
    assert mapping.sources[0].field == "email"
    assert mapping.sources[0].method is MatchMethod.EXACT
    assert mapping.sources[0].confidence == 1.0


def test_normalise_drops_case_spaces_punctuation_and_accents() -> None:
    assert normalise("Prénom (Teilnehmer)") == normalise("prenom_teilnehmer")
    assert normalise("Straße") == "strasse"
    assert normalise("firstName") == "firstname"


def test_courriel_header_maps_to_email() -> None:
    source = match_columns(["Courriel"], CONTACTS).sources[0]
    assert (source.field, source.method, source.confidence) == ("email", MatchMethod.SYNONYM, 0.95)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Vorname", "first_name"), ("Nachname", "last_name"), ("E-Mail-Adresse", "email"),
        ("Adresse électronique", "email"), ("Prénom", "first_name"), ("Nom", "last_name"),
        ("Nombre", "first_name"), ("Apellido(s)", "last_name"), ("Correo electrónico", "email"),
        ("Teléfono", "phone"), ("Telefone", "phone"), ("Celular", "mobile"), ("Handy", "mobile"),
        ("Mobil", "mobile"), ("Firma", "company_name"), ("Société", "company_name"),
        ("Empresa", "company_name"), ("PLZ", "postal_code"), ("Code postal", "postal_code"),
        ("Ort", "city"), ("Stadt", "city"), ("Ville", "city"), ("Land", "country"),
        ("Pays", "country"), ("País", "country"), ("Kundennummer", "customer_number"),
        ("Numéro client", "customer_number"), ("Customer no.", "customer_number"),
        ("Nº cliente", "customer_number"), ("Cognome", "last_name"), ("Voornaam", "first_name"),
        ("Achternaam", "last_name"), ("Straße", "address"), ("USt-IdNr.", "tax_id"),
        ("Bemerkungen", "notes"), ("Kategorien", "category_keys"), ("Zip", "postal_code"),
    ],
)  # fmt: skip
def test_contact_headers_in_many_languages_map_by_synonym(header: str, field: str) -> None:
    source = match_columns([header], CONTACTS).sources[0]
    assert source.field == field
    assert source.method is MatchMethod.SYNONYM


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Beginn", "startDate"), ("Ende", "endDate"), ("Startzeit", "startDate"),
        ("Zeitzone", "timeZone"), ("Fuso horário", "timeZone"), ("Date de début", "startDate"),
        ("Fecha de fin", "endDate"), ("Titel", "title"), ("Trainer", "instructors"),
        ("Kapazität", "capacity"), ("Veranstaltungsort", "location"), ("Start date", "startDate"),
    ],
)  # fmt: skip
def test_session_headers_in_many_languages_map_by_synonym(header: str, field: str) -> None:
    assert _field_of(header, SESSIONS) == field


def test_eloqua_job_title_is_not_matched_by_session_words() -> None:
    assert _field_of("Position", ELOQUA) == "title"
    assert _field_of("Session", ELOQUA) is None


def test_field_synonyms_from_the_schema_are_used() -> None:
    assert _field_of("Zoom link", WEBINARS) == "meetingUrl"


def test_misspelt_header_maps_by_fuzzy_match_with_lower_confidence() -> None:
    source = match_columns(["Email Adress"], CONTACTS).sources[0]
    assert source.field == "email"
    assert source.method is MatchMethod.FUZZY
    assert 0.8 <= source.confidence < 0.95


def test_reordered_words_match_fuzzily() -> None:
    assert _field_of("Name First") == "first_name"


@pytest.mark.parametrize(
    "header", ["Favourite colour", "Registered on", "Stand", "Status", "T-shirt size", "ID"]
)
def test_unrelated_header_stays_unmapped(header: str) -> None:
    assert match_columns([header], CONTACTS).sources == ()


def test_each_field_takes_one_column_and_the_best_wins() -> None:
    mapping = match_columns(["Email Adress", "E-mail", "Courriel"], CONTACTS)
    assert [(s.columns, s.field) for s in mapping.sources] == [(("E-mail",), "email")]


def test_each_column_feeds_at_most_one_field() -> None:
    mapping = match_columns(["Phone", "Telefon", "Handy", "Mobile"], CONTACTS)
    columns = [c for s in mapping.sources for c in s.columns]
    assert len(columns) == len(set(columns))
    assert _fields(mapping) == {"Phone": "phone", "Mobile": "mobile"}


def test_sample_attendee_headers_match_plandocket_contacts() -> None:
    headers = [
        "First name", "Last name", "E-mail address", "Mobile", "Company", "City", "Country",
        "Customer no.", "Registered on", "Rating", "Notes",
    ]  # fmt: skip
    assert _fields(match_columns(headers, CONTACTS)) == {
        "First name": "first_name", "Last name": "last_name", "E-mail address": "email",
        "Mobile": "mobile", "Company": "company_name", "City": "city", "Country": "country",
        "Customer no.": "customer_number", "Rating": "rating", "Notes": "notes",
    }  # fmt: skip


def test_sample_session_headers_match_thought_industries() -> None:
    headers = ["Title", "Start", "End", "Time zone", "Location", "Instructors", "Capacity"]
    assert list(_fields(match_columns(headers, SESSIONS)).values()) == [
        "title", "startDate", "endDate", "timeZone", "location", "instructors", "capacity",
    ]  # fmt: skip


def test_sources_follow_the_endpoints_field_order() -> None:
    mapping = match_columns(["City", "Email", "Vorname"], CONTACTS)
    assert mapping.mapped_fields == ("email", "first_name", "city")
    assert mapping.endpoint_id == "plandocket.contacts"


@pytest.mark.parametrize("header", ["Name", "Full name", "Teilnehmer", "Nom complet"])
def test_single_full_name_column_is_split_into_first_and_last(header: str) -> None:
    mapping = match_columns([header, "Email"], CONTACTS)
    first, last = mapping.for_field("first_name"), mapping.for_field("last_name")
    assert first is not None
    assert last is not None
    assert (first.columns, first.split_name) == ((header,), NamePart.FIRST)
    assert (last.columns, last.split_name) == ((header,), NamePart.LAST)
    assert first.method is MatchMethod.SYNONYM
    assert first.confidence < 0.95


def test_name_column_is_not_split_when_first_and_last_columns_exist() -> None:
    mapping = match_columns(["Name", "First name", "Last name"], CONTACTS)
    assert all(s.split_name is None for s in mapping.sources)
    assert "Name" not in mapping.column_to_field()


def test_name_beside_a_first_name_column_is_the_surname() -> None:
    assert _fields(match_columns(["Vorname", "Name"], ELOQUA)) == {
        "Vorname": "firstName",
        "Name": "lastName",
    }


def test_name_column_is_a_plain_field_where_the_endpoint_has_one() -> None:
    mapping = match_columns(["Name"], get_endpoint("thalamus.companies"))
    assert [(s.field, s.method) for s in mapping.sources] == [("name", MatchMethod.EXACT)]


def test_email_column_with_an_odd_header_is_found_by_its_values() -> None:
    emails = ["anna@example.de", "jose@example.es", "mia@example.de", "noah@example.uk", "chloe@"]
    sample = pd.DataFrame({"Kontakt": [*emails, ""], "Notiz": ["a", "b", "", "", "", ""]})
    mapping = match_columns(["Kontakt", "Notiz"], ELOQUA, sample=sample)
    source = mapping.for_field("emailAddress")
    assert source is not None
    assert (source.columns, source.method, source.confidence) == (
        ("Kontakt",),
        MatchMethod.CONTENT,
        0.8,
    )


def test_values_that_are_not_emails_do_not_fill_the_email_field() -> None:
    # one address in three is not enough: the column holds something else
    sample = pd.DataFrame({"Kontakt": ["Anna", "José", "x@y"]})
    assert match_columns(["Kontakt"], ELOQUA, sample=sample).for_field("emailAddress") is None


def test_blank_header_is_ignored() -> None:
    assert match_columns(["", "  ", "Email"], CONTACTS).mapped_fields == ("email",)


def test_a_synonym_two_fields_share_is_used_by_neither() -> None:
    endpoint = Endpoint(
        id="x.y", system="x", system_label="X", label="Y", description="",
        fields=(Field(key="phone", label="Phone"), Field(key="work", label="Work phone",
                synonyms=("Telefon",))),
    )  # fmt: skip
    # "Telefon" is both the phone concept's and the work field's own synonym: the own one wins.
    assert _field_of("Telefon", endpoint) == "work"


def test_no_header_name_belongs_to_two_concepts() -> None:
    seen: dict[str, str] = {}
    for concept, names in CONCEPTS.items():
        for name in names:
            norm = normalise(name)
            assert seen.setdefault(norm, concept) == concept, f"{name}: {seen[norm]}, {concept}"
    assert not {normalise(n) for n in FULL_NAME} & set(seen)


@pytest.mark.parametrize("endpoint", list_endpoints(), ids=lambda e: e.id)
def test_every_field_matches_its_own_key_and_label_exactly(endpoint: Endpoint) -> None:
    for names in ([f.key for f in endpoint.fields], [f.label for f in endpoint.fields]):
        mapping = match_columns(names, endpoint)
        assert _fields(mapping) == dict(zip(names, endpoint.field_keys, strict=True))
        assert {s.method for s in mapping.sources} == {MatchMethod.EXACT}
