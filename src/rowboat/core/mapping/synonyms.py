"""Header normalisation and the shared multilingual table of header names for common concepts."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rowboat.core.targets.schema import Field

__all__ = ["CONCEPTS", "FULL_NAME", "concepts_of", "field_synonyms", "normalise", "words"]

_NOT_WORD = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words(text: str) -> str:
    """Lower-case words without accents or punctuation: "Prénom (Gast)" -> "prenom gast"."""
    text = _CAMEL.sub(" ", text)  # "firstName" -> "first Name"
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare.casefold()).strip()


@cache
def normalise(text: str) -> str:
    """A header reduced to letters and digits: "E-Mail", "e_mail" and "EMAIL" all give "email"."""
    return words(text).replace(" ", "")


# Header names by concept, as people write them in English, German, French, Spanish, Portuguese,
# Italian and Dutch. A field takes a concept's names when its key, label or own synonyms are among
# them (so "firstName", "first_name" and "First name" all get "Vorname" and "Prénom"). No name
# belongs to two concepts: a header must never be a synonym of two fields of one endpoint.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "email": (
        "email", "e-mail", "email address", "e-mail address", "emailaddress", "mail",
        "mail address", "e-mail-adresse", "e-mail adresse", "emailadresse", "mailadresse",
        "courriel", "adresse électronique", "adresse e-mail", "adresse mail", "mél",
        "correo", "correo electrónico", "correo-e", "dirección de correo",
        "dirección de correo electrónico", "endereço de email", "endereço de e-mail",
        "endereço eletrônico", "endereço eletrónico", "posta elettronica", "indirizzo email",
        "indirizzo e-mail", "e-mailadres", "emailadres", "mailadres",
    ),
    "first_name": (
        "first name", "firstname", "first", "given name", "forename", "christian name",
        "vorname", "rufname", "prénom", "nombre", "nombres", "primer nombre", "nome",
        "primeiro nome", "nome próprio", "voornaam", "roepnaam",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name", "nachname", "familienname", "nom",
        "nom de famille", "apellido", "apellidos", "apellido(s)", "primer apellido",
        "sobrenome", "apelido", "último nome", "cognome", "achternaam", "familienaam",
    ),
    "phone": (
        "phone", "telephone", "tel", "phone number", "telephone number", "business phone",
        "work phone", "office phone", "landline", "telefon", "telefonnummer", "rufnummer",
        "festnetz", "téléphone", "numéro de téléphone", "tél", "teléfono", "número de teléfono",
        "telefone", "número de telefone", "telefono", "numero di telefono", "telefoon",
        "telefoonnummer",
    ),
    "mobile": (
        "mobile", "mobile phone", "mobile number", "mobilephone", "cell", "cell phone",
        "cellphone", "cellular", "handy", "handynummer", "mobil", "mobilnummer", "mobiltelefon",
        "mobilfunknummer", "portable", "téléphone portable", "téléphone mobile", "móvil",
        "teléfono móvil", "celular", "telemóvel", "telefone celular", "cellulare", "mobiel",
        "mobiele telefoon", "mobiel nummer", "gsm",
    ),
    "fax": ("fax", "fax number", "telefax", "faxnummer", "télécopie", "número de fax"),
    "company": (
        "company", "company name", "companyname", "organisation", "organization",
        "organisation name", "organization name", "employer", "account name", "firma",
        "firmenname", "unternehmen", "société", "entreprise", "nom de l'entreprise", "empresa",
        "nombre de la empresa", "companhia", "azienda", "società", "ditta", "bedrijf",
        "bedrijfsnaam", "organisatie",
    ),
    "job_title": (
        "job title", "jobtitle", "position", "role", "job", "funktion", "berufsbezeichnung",
        "stellung", "poste", "fonction", "cargo", "puesto", "função", "ruolo", "posizione",
        "functie",
    ),
    "session_title": (
        "title", "session title", "session name", "session", "event title", "event name",
        "course title", "titel", "titre", "título", "titolo", "bezeichnung", "thema", "topic",
        "subject", "sujet", "tema", "onderwerp",
    ),
    "address": (
        "address", "street", "street address", "address line 1", "address1", "adresse",
        "straße", "str", "anschrift", "straße und hausnummer", "rue", "dirección", "calle",
        "domicilio", "endereço", "morada", "rua", "indirizzo", "via", "adres", "straat",
    ),
    "postal_code": (
        "postal code", "postalcode", "postcode", "post code", "zip", "zip code", "zipcode",
        "plz", "postleitzahl", "code postal", "cp", "código postal", "cod postal", "cep",
        "cap", "codice postale",
    ),
    "city": (
        "city", "town", "ort", "stadt", "wohnort", "ville", "commune", "ciudad", "localidad",
        "población", "cidade", "localidade", "città", "comune", "plaats", "stad", "woonplaats",
    ),
    "state": (
        "state", "province", "state or province", "region", "county", "bundesland", "kanton",
        "région", "département", "provincia", "estado", "região", "regione", "provincie",
    ),
    "country": (
        "country", "country code", "countrycode", "nation", "land", "ländercode", "pays",
        "code pays", "país", "nación", "paese", "nazione", "landcode",
    ),
    "website": (
        "website", "web site", "web", "homepage", "url", "webseite", "internetseite",
        "internetadresse", "site web", "site internet", "sitio web", "página web", "sítio web",
        "sito web", "sito",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "bemerkung", "bemerkungen",
        "anmerkung", "anmerkungen", "notiz", "notizen", "kommentar", "remarques",
        "commentaire", "commentaires", "notas", "nota", "comentarios", "observaciones",
        "observações", "commenti", "opmerkingen", "notities",
    ),
    "tax_id": (
        "tax id", "taxid", "tax number", "vat", "vat number", "vat id", "ust-idnr",
        "ust-id", "umsatzsteuer-id", "steuernummer", "numéro de tva", "tva", "nif", "cif",
        "nif/cif", "partita iva", "p.iva", "codice fiscale", "btw-nummer", "btw nummer",
        "cnpj",
    ),
    "customer_number": (
        "customer number", "customernumber", "customer no", "customer nr", "customer id",
        "client number", "client no", "client id", "kundennummer", "kundennr", "kunden-nr",
        "kd-nr", "numéro client", "numéro de client", "n° client", "número de cliente",
        "nº cliente", "código de cliente", "número do cliente", "código do cliente",
        "numero cliente", "codice cliente", "klantnummer", "klantnr",
    ),
    "rating": (
        "rating", "stars", "score", "bewertung", "sterne", "évaluation", "valoración",
        "puntuación", "avaliação", "valutazione", "beoordeling",
    ),
    "start": (
        "start", "starts", "start date", "startdate", "start time", "start date and time",
        "begin", "begins", "from", "beginn", "startzeit", "startdatum", "anfang", "von",
        "début", "date de début", "heure de début", "inicio", "fecha de inicio",
        "hora de inicio", "início", "data de início", "hora de início", "inizio",
        "data di inizio", "ora di inizio", "aanvang", "begintijd",
    ),
    "end": (
        "end", "ends", "end date", "enddate", "end time", "end date and time", "finish",
        "until", "to", "ende", "endzeit", "enddatum", "bis", "fin", "date de fin",
        "heure de fin", "fecha de fin", "hora de fin", "fim", "data de fim", "hora de fim",
        "término", "fine", "data di fine", "ora di fine", "einde", "eindtijd", "einddatum",
    ),
    "time_zone": (
        "time zone", "timezone", "tz", "zeitzone", "fuseau horaire", "zona horaria",
        "huso horario", "fuso horário", "fuso orario", "tijdzone",
    ),
    "location": (
        "location", "location name", "venue", "place", "room", "veranstaltungsort", "raum",
        "lieu", "salle", "lugar", "sala", "local", "luogo", "locatie", "zaal",
    ),
    "instructors": (
        "instructor", "instructors", "trainer", "trainers", "teacher", "speaker", "speakers",
        "presenter", "facilitator", "referent", "referenten", "dozent", "kursleiter",
        "formateur", "intervenant", "instructeur", "formador", "ponente", "instrutor",
        "palestrante", "formatore", "docente", "relatore", "docent", "spreker",
    ),
    "capacity": (
        "capacity", "seats", "max participants", "max attendees", "places", "kapazität",
        "plätze", "teilnehmerzahl", "max teilnehmer", "capacité", "places disponibles",
        "capacidad", "plazas", "aforo", "capacidade", "vagas", "capienza", "posti",
        "capaciteit", "plaatsen",
    ),
    "description": (
        "description", "details", "summary", "beschreibung", "descriptif", "descripción",
        "descrição", "descrizione", "beschrijving", "omschrijving",
    ),
    "attendee_info": (
        "attendee info", "attendee information", "attendeeinfo", "information for attendees",
        "participant information", "teilnehmerinformation", "hinweise für teilnehmer",
        "informations participants", "información para asistentes",
    ),
    "course": (
        "course", "course id", "courseid", "kurs", "kurs-id", "cours", "curso", "corso",
        "cursus",
    ),
    "date": ("date", "datum", "fecha", "data", "day", "jour", "día", "dia", "giorno"),
    "quantity": (
        "quantity", "qty", "units", "menge", "anzahl", "stück", "quantité", "cantidad",
        "quantidade", "quantità", "aantal",
    ),
    "unit_price": (
        "unit price", "unitprice", "price", "preis", "einzelpreis", "stückpreis",
        "prix unitaire", "prix", "precio unitario", "precio", "preço unitário", "preço",
        "prezzo unitario", "prezzo", "prijs", "stukprijs",
    ),
    "amount": (
        "amount", "total", "total amount", "net amount", "betrag", "gesamtbetrag", "summe",
        "montant", "montant total", "importe", "valor", "montante", "importo", "totale",
        "bedrag",
    ),
    "currency": (
        "currency", "curr", "währung", "devise", "monnaie", "moneda", "divisa", "moeda",
        "valuta", "munteenheid",
    ),
    "invoice_number": (
        "invoice number", "invoicenumber", "invoice no", "invoice", "invoice id",
        "rechnungsnummer", "rechnungsnr", "rechnung", "numéro de facture", "facture",
        "número de factura", "factura", "número da fatura", "fatura", "numero fattura",
        "fattura", "factuurnummer", "factuur",
    ),
    "product_code": (
        "product code", "productcode", "product", "product id", "sku", "article number",
        "item code", "artikelnummer", "artikel-nr", "artikel", "produktcode", "code produit",
        "código de producto", "código do produto", "codice prodotto", "artikelcode",
    ),
    "partner_code": (
        "partner code", "partnercode", "partner", "partner id", "distributor", "reseller",
        "händler", "partnernummer", "code partenaire", "código de socio", "código do parceiro",
        "codice partner",
    ),
    "warehouse": (
        "warehouse", "store", "depot", "lager", "lagerort", "entrepôt", "almacén", "armazém",
        "magazzino", "magazijn",
    ),
    "external_code": (
        "external code", "externalcode", "external id", "ext id", "code", "reference", "ref",
        "externe id", "externer code", "code externe", "référence", "código externo",
        "codice esterno", "externe code",
    ),
    "latitude": ("latitude", "lat", "breitengrad", "breite", "latitud"),
    "longitude": ("longitude", "lng", "lon", "long", "längengrad", "länge", "longitud"),
    "confirmed": (
        "confirmed", "is confirmed", "isconfirmed", "confirmation", "bestätigt", "confirmé",
        "confirmado", "confermato", "bevestigd",
    ),
    "event_key": (
        "event key", "eventkey", "event", "event id", "veranstaltung", "événement", "evento",
        "evenement",
    ),
}  # fmt: skip

# A single column holding a person's whole name: split into first and last name when the file
# has no separate columns for them. Not a concept of any field.
FULL_NAME: tuple[str, ...] = (
    "name", "full name", "fullname", "name of attendee", "attendee", "attendee name",
    "participant", "participant name", "contact", "contact name", "contact person", "person",
    "teilnehmer", "teilnehmerin", "teilnehmername", "vollständiger name", "ansprechpartner",
    "nom complet", "participant(e)", "nombre completo", "nombre y apellidos", "asistente",
    "nome completo", "participante", "nome e cognome", "partecipante", "volledige naam",
    "naam", "deelnemer",
)  # fmt: skip


@cache
def _normalised_concepts() -> dict[str, frozenset[str]]:
    return {concept: frozenset(map(normalise, names)) for concept, names in CONCEPTS.items()}


def concepts_of(names: Iterable[str]) -> list[str]:
    """The concepts any of these names (a field's key, label and synonyms) belongs to."""
    normal = {normalise(n) for n in names}
    return [c for c, terms in _normalised_concepts().items() if normal & terms]


def field_synonyms(field: Field) -> frozenset[str]:
    """Normalised header names that mean this field: its own synonyms and its concepts' names.

    The label and the field's own synonyms decide its concepts; the key only when they name
    none, so Eloqua's "title" labelled "Job title" is a job title, not a session title.
    """
    own = {normalise(s) for s in field.synonyms}
    concepts = _normalised_concepts()
    for concept in concepts_of((field.label, *field.synonyms)) or concepts_of((field.key,)):
        own |= concepts[concept]
    return frozenset(own)
