"""What a file says about where it comes from: header words of a language, and Excel's European
habit of semicolons with decimal commas. Dates that nothing in their column settles (03/04/2026)
are read in the order such a file writes them."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from rowboat.core.decisions import DateOrder
from rowboat.core.table import LocaleHint

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["find_locale_hint", "header_language"]


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Header words only one language writes (folded: lower case, no accents). Every language here
# writes dates day first; words English shares ("name", "date", "land", "total") are left out.
_WORDS: dict[str, frozenset[str]] = {
    "German": _vocabulary(
        "vorname nachname familienname anrede titel geburtsdatum datum uhrzeit beginn ende "
        "strasse hausnummer plz postleitzahl ort wohnort stadt firma unternehmen abteilung "
        "telefon telefonnummer handy mobilnummer mobiltelefon teilnehmer teilnehmerin anmeldung "
        "veranstaltung termin bemerkung bemerkungen anmerkung kundennummer geschlecht sprache "
        "anreise abreise kurs schulung raum funktion"
    ),
    "French": _vocabulary(
        "prenom nom_de_famille civilite naissance heure fin rue ville societe entreprise "
        "courriel adresse_electronique participante "
        "evenement seance salle remarque remarques commentaire pays fonction langue "
        "code_postal"
    ),
    "Spanish": _vocabulary(
        "nombre apellido apellidos fecha hora inicio calle ciudad empresa telefono movil "
        "correo correo_electronico inscripcion participante evento sesion sala comentario "
        "comentarios idioma codigo_postal provincia"
    ),
    "Portuguese": _vocabulary(
        "nome sobrenome apelido data_de_nascimento hora inicio rua cidade empresa telefone "
        "celular telemovel correio inscricao participante evento sessao sala observacoes "
        "comentario idioma codigo_postal"
    ),
    "Italian": _vocabulary(
        "cognome nascita ora inizio citta azienda societa telefono cellulare iscrizione "
        "partecipante evento sessione sala note_aggiuntive"
    ),
    "Dutch": _vocabulary(
        "voornaam achternaam tussenvoegsel geboortedatum datum tijd einde straat "
        "huisnummer woonplaats plaats bedrijf telefoonnummer mobiel deelnemer "
        "inschrijving evenement opmerking opmerkingen"
    ),
}
# A cell that is only a number with a decimal comma: "149,50", "-3,5", "1.234,56".
_DECIMAL_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$")
_SAMPLE_ROWS = 2_000  # rows looked at for decimal commas
_THOUSANDS_ONLY = re.compile(r"^[+-]?\d{1,3},\d{3}$")  # 1,234 may be a thousands comma


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def header_language(headers: Sequence[str]) -> tuple[str, list[str]] | None:
    """The day-first language most header cells are written in, with the cells that say so."""
    found: dict[str, list[str]] = {}
    for cell in headers:
        folded = _fold(cell)
        words = set(re.findall(r"[^\W\d_]+", folded))
        joined = "_".join(re.findall(r"[^\W\d_]+", folded))
        for language, vocabulary in _WORDS.items():
            if joined in vocabulary or words & vocabulary:
                found.setdefault(language, []).append(cell.strip())
    if not found:
        return None
    language = max(found, key=lambda k: len(found[k]))
    return language, found[language]


def _decimal_comma_example(columns: Sequence[Sequence[str]]) -> str | None:
    """A cell written with a decimal comma among the first rows, if there is one."""
    for column in columns:
        for cell in column[:_SAMPLE_ROWS]:
            value = cell.strip()
            if "," in value and _DECIMAL_COMMA.match(value) and not _THOUSANDS_ONLY.match(value):
                return value
    return None


def find_locale_hint(
    headers: Sequence[str], delimiter: str | None, columns: Sequence[Sequence[str]] = ()
) -> LocaleHint | None:
    """The date order the file suggests by itself, or None when it suggests none.

    Header words of a day-first language come first; else a semicolon-separated file with
    decimal commas, which is how Excel writes CSV where the comma is the decimal sign.
    `columns` are the text columns below the header (only looked at for a semicolon file)."""
    language = header_language(headers)
    if language is not None:
        name, cells = language
        shown = ", ".join(f"'{c}'" for c in cells[:3])
        return LocaleHint(
            order=DateOrder.DMY,
            reason=f"the file's headers are {name}",
            evidence=f"the file's headers are {name} ({shown}), and {name} dates put the day first",
        )
    if delimiter == ";":
        example = _decimal_comma_example(columns)
        if example is not None:
            return LocaleHint(
                order=DateOrder.DMY,
                reason="the file uses semicolons and decimal commas, as European Excel does",
                evidence=f"the file is separated by semicolons and writes numbers with a "
                f"decimal comma ('{example}'), as Excel does where dates put the day first",
            )
    return None
