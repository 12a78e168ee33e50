"""Country data from phonenumbers, shipped precomputed: names in many languages and codes ->
ISO 3166-1 alpha-2, and each country's calling code."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

__all__ = ["calling_code", "country_code", "fold", "phone_regions"]

# Common spellings and alpha-3 codes that the locale data does not hold.
_EXTRA = {
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "great britain": "GB",
    "holland": "NL", "czech republic": "CZ", "south korea": "KR", "korea": "KR", "russia": "RU",
    "deu": "DE", "fra": "FR", "esp": "ES", "ita": "IT", "gbr": "GB", "nld": "NL", "bel": "BE",
    "aut": "AT", "che": "CH", "pol": "PL", "prt": "PT", "irl": "IE", "swe": "SE", "nor": "NO",
    "dnk": "DK", "fin": "FI", "cze": "CZ", "hun": "HU", "grc": "GR", "tur": "TR", "can": "CA",
    "mex": "MX", "bra": "BR", "arg": "AR", "aus": "AU", "nzl": "NZ", "jpn": "JP", "chn": "CN",
    "ind": "IN", "zaf": "ZA", "lux": "LU", "rou": "RO", "bgr": "BG", "hrv": "HR", "svn": "SI",
    "svk": "SK", "est": "EE", "lva": "LV", "ltu": "LT", "ukr": "UA", "isr": "IL", "are": "AE",
    "sgp": "SG", "kor": "KR", "col": "CO", "chl": "CL", "per": "PE",
}  # fmt: skip


def fold(text: str) -> str:
    """Lower case without accents, so 'Österreich' and 'osterreich' meet."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The languages attendee lists are written in; phonenumbers' other ~70 languages only add names
# nobody types.
_LANGUAGES = (
    "en", "de", "fr", "es", "pt", "it", "nl", "pl", "sv", "da", "nb", "fi", "cs", "sk", "hu",
    "ro", "hr", "sl", "el", "tr", "ca", "et", "lv", "lt", "id", "ms", "vi", "tl",
)  # fmt: skip


_TABLE = Path(__file__).with_name("countries.json")


def build_table() -> dict[str, dict[str, str]]:
    """{"names": folded name or code -> alpha-2, "calling_codes": alpha-2 -> "49"}.

    Importing phonenumbers and its locale data costs ~0.4 s, so the table ships as countries.json
    (a test checks it still matches; to refresh it: python -m rowboat.core.validation.countries).
    """
    import phonenumbers
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for region, by_language in LOCALE_DATA.items():
        if len(region) != 2:
            continue
        names[region.casefold()] = region
        for language in _LANGUAGES:
            value = by_language.get(language, "")
            # A value "*xx" stands for the value given under language "xx".
            for _ in range(3):  # references are one hop deep; a bound keeps a bad entry harmless
                if value.startswith("*"):
                    value = by_language.get(value[1:], "")
            if value:
                names.setdefault(fold(value), region)
    codes = {
        region: str(code)
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
        if (code := phonenumbers.country_code_for_region(region))
    }
    return {"names": dict(sorted(names.items())), "calling_codes": codes}


@cache
def _table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = json.loads(_TABLE.read_text(encoding="utf-8"))
    table["names"].update(_EXTRA)
    return table


def country_code(value: str) -> str | None:
    """The alpha-2 code for a country name (many languages) or code, or None."""
    return _table()["names"].get(fold(value))


def calling_code(region: str) -> str:
    """The calling code of a country ("DE" -> "49"); "" for a code that has none."""
    return _table()["calling_codes"].get(region.upper(), "")


def phone_regions() -> list[tuple[str, str]]:
    """(code, calling code) of every region phones can be read in, by code: ("DE", "49")."""
    return sorted(_table()["calling_codes"].items())


if __name__ == "__main__":
    _TABLE.write_text(json.dumps(build_table(), ensure_ascii=False, indent=0) + "\n", "utf-8")
