"""Normalising names from tables: countries to ISO 3166 codes, places to matching keys, slugs and levels.

Countries are resolved with pycountry's maintained ISO 3166 data (exact lookup, then a country's name in any of
the languages pycountry translates it to: "Deutschland", "대한민국", "中国", then the name of a constituent country
or state such as "England" -> GB-ENG -> GB); only what pycountry cannot resolve comes from the small commented
alias table ``data/datasets/country-aliases.csv``. There is no fuzzy matching: "Republic of Korea" is South Korea
because it is one of its names, never North Korea because it looks alike.
Place names are matched on a key with accents and case folded, so "Bérat" and "BERAT" in one country are one
place; a level word ("Oblast", "County", "District"...) makes a different place of a different class, so
"Moscow" and "Moscow Oblast" stay apart.
"""

from __future__ import annotations

import csv
import gettext
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pycountry

from .resources import resource

ALIASES_FILE = resource("data", "datasets", "country-aliases.csv")

#: Level words found in place names, and the class of the ontology they make the place.
LEVEL_WORDS: dict[str, str] = {
    "oblast": "Province",
    "krai": "Province",
    "kray": "Province",
    "okrug": "Province",
    "province": "Province",
    "prefecture": "Province",
    "state": "Province",
    "region": "Province",
    "governorate": "Province",
    "voivodeship": "Province",
    "canton": "Province",
    "county": "County",
    "district": "District",
    "raion": "District",
    "borough": "District",
    "township": "District",
    "gmina": "District",
}
#: Classes a mapping may name as the level of a place.
PLACE_CLASSES = ("Country", "Province", "MetropolitanCity", "City", "County", "District", "EconomicZone", "Region")
_LEVEL_RE = re.compile(r"\b(" + "|".join(LEVEL_WORDS) + r")\b", re.IGNORECASE)


class UnknownCountry(LookupError):
    """A country spelling that neither pycountry nor the alias table can resolve."""


@dataclass(frozen=True)
class Country:
    """A country resolved to its ISO 3166-1 alpha-2 code and display name."""

    iso2: str
    name: str
    subdivision: str | None = None  # e.g. GB-ENG when the spelling named a constituent country


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """The matching key of a name: accents removed (NFKD), case folded, punctuation and spaces collapsed.

    >>> fold("  Bérat ") == fold("BERAT")
    True
    >>> fold("St. Petersburg")
    'st petersburg'
    """
    if text.isascii():  # the common case, without decomposing
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ß", "ss").replace("ı", "i").replace("ł", "l").replace("Ł", "l").replace("ø", "o")
    stripped = stripped.replace("Ø", "o").replace("đ", "d").replace("Đ", "d").replace("æ", "ae").replace("Æ", "ae")
    stripped = stripped.casefold()
    return _NON_WORD.sub(" ", stripped).strip()


_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=200_000)
def slugify(text: str) -> str:
    """A readable IRI slug: lower-case ASCII words joined by '-' (a short hash for names with no Latin letters).

    >>> slugify("Gyeonggi Province")
    'gyeonggi-province'
    >>> slugify("Dunaújváros")
    'dunaujvaros'
    """
    key = fold(text)
    ascii_words = re.sub(r"[^a-z0-9]+", "-", key.encode("ascii", "ignore").decode()).strip("-")
    if ascii_words and len(ascii_words) * 2 >= len(key.replace(" ", "")):
        return ascii_words
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return f"{ascii_words}-{digest}" if ascii_words else f"x-{digest}"


def clean(text: str | None) -> str:
    """Trim a cell and collapse its inner white space ('' for None).

    >>> clean(" Halle\t(Saale)\u00a0 "), clean("Halle (Saale)")
    ('Halle (Saale)', 'Halle (Saale)')
    """
    text = (text or "").replace("\u00a0", " ")
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # most cells: no white space but single inner spaces (any other is not printable)
    return _SPACES.sub(" ", text).strip()


_SPACES = re.compile(r"\s+")


def place_level(name: str, default: str = "City") -> str:
    """The ontology class a place name implies by its level word ('Moscow Oblast' -> 'Province').

    >>> place_level("Moscow"), place_level("Moscow Oblast"), place_level("Harris County")
    ('City', 'Province', 'County')
    """
    found = _LEVEL_RE.findall(name)
    if not found:
        return default
    return LEVEL_WORDS[found[-1].lower()]


def _display_name(country: object) -> str:
    return getattr(country, "common_name", None) or country.name  # type: ignore[attr-defined]


def _alias_rows(path: Path = ALIASES_FILE) -> list[tuple[str, str]]:
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return [(row["spelling"], row["iso2"].strip().upper()) for row in csv.DictReader(lines)]


@cache
def _aliases(path: Path = ALIASES_FILE) -> dict[str, str]:
    """The alias table: folded spelling -> ISO code."""
    return {fold(spelling): iso2 for spelling, iso2 in _alias_rows(path)}


@cache
def _subdivisions() -> dict[str, list[tuple[str, str]]]:
    """Folded subdivision name -> [(subdivision code, country code)] (each ';'-separated name variant)."""
    index: dict[str, list[tuple[str, str]]] = {}
    for sub in pycountry.subdivisions:
        for variant in re.sub(r"\[.*?\]|\(.*?\)", "", sub.name).split(";"):
            index.setdefault(fold(variant), []).append((sub.code, sub.country_code))
    return index


def _country(iso2: str, subdivision: str | None = None) -> Country:
    if iso2 == "XK":
        return Country("XK", "Kosovo", subdivision)
    found = pycountry.countries.get(alpha_2=iso2)
    if found is None:
        raise UnknownCountry(iso2)
    return Country(found.alpha_2, _display_name(found), subdivision)


@cache
def resolve_country(spelling: str) -> Country:
    """Resolve a country as written in a table to its ISO 3166 code.

    >>> resolve_country("England, United Kingdom")
    Country(iso2='GB', name='United Kingdom', subdivision='GB-ENG')
    >>> resolve_country("Russia").iso2, resolve_country("Georgia (country)").iso2, resolve_country("Kosovo").iso2
    ('RU', 'GE', 'XK')
    """
    text = clean(spelling)
    text = re.sub(r"(?i)^in\s+", "", text)
    if not text:
        raise UnknownCountry("(empty)")
    key = fold(text)
    alias = _aliases().get(key)
    if alias:
        return _country(alias)
    try:
        return _country(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    named = country_index().get(key)
    if named:
        return _country(named)
    subs = _subdivisions().get(key, [])
    if len({country for _, country in subs}) == 1:
        return _country(subs[0][1], subs[0][0])
    if "," in text:  # "England, United Kingdom", "Réunion, France", "Rauma, Norway": the country is the tail
        head, _, tail = text.rpartition(",")
        country = resolve_country(tail)
        sub = next((code for code, c in _subdivisions().get(fold(head), []) if c == country.iso2), None)
        return Country(country.iso2, country.name, sub)
    raise UnknownCountry(text)


def _catalogs(domain: str) -> dict[str, dict[str, str]]:
    """Every translation pycountry ships for a domain: language -> {English: translated}."""
    out: dict[str, dict[str, str]] = {}
    for lang in sorted(os.listdir(pycountry.LOCALES_DIR)):
        try:
            catalog = gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang])._catalog  # type: ignore[attr-defined]
        except OSError:
            continue
        out[lang.replace("_", "-")] = {k: v for k, v in catalog.items() if isinstance(k, str) and k and v}
    return out


def country_names() -> list[tuple[str, str, str, int]]:
    """(name, iso2, language, rank) for every name of every country: rank 0 ISO's English names (and "Korea,
    Republic of" turned into "Republic of Korea"), 1 pycountry's translations, 2 the alias table, 3 ISO codes."""
    rows: list[tuple[str, str, str, int]] = []
    catalogs = _catalogs("iso3166-1")
    for c in pycountry.countries:
        for name in filter(None, (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None))):
            rows.append((name, c.alpha_2, "en", 0))
            if ", " in name:
                head, _, tail = name.partition(", ")
                rows.append((f"{tail} {head}", c.alpha_2, "en", 0))
            rows += [(catalog[name], c.alpha_2, lang, 1) for lang, catalog in catalogs.items() if name in catalog]
        rows += [(c.alpha_2, c.alpha_2, "", 3), (c.alpha_3, c.alpha_2, "", 3)]
    rows += [(spelling, iso2, "", 2) for spelling, iso2 in _alias_rows()]
    return rows


def _indexed_country_names() -> list[tuple[str, str, int]]:
    """(folded name, ISO code, rank) from the gazetteer index when it is built (much faster than reading
    pycountry's translations again); [] otherwise."""
    import sqlite3

    from .gazetteer import default_path

    path = default_path()
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return list(db.execute("SELECT key, iso2, rank FROM country"))


@cache
def country_index() -> dict[str, str]:
    """Folded country name in any language -> ISO code; a spelling two countries share (at the best rank that
    has it) is left out, so it is never a guess."""
    best: dict[str, tuple[int, set[str]]] = {}
    indexed = _indexed_country_names()
    rows = indexed or [(fold(name), iso2, rank) for name, iso2, _, rank in country_names()]
    for key, iso2, rank in rows:
        if rank == 3:
            continue
        held = best.get(key)
        if held is None or rank < held[0]:
            best[key] = (rank, {iso2})
        elif rank == held[0]:
            held[1].add(iso2)
    return {key: next(iter(isos)) for key, (_, isos) in best.items() if len(isos) == 1}


def exact_country(name: str) -> Country | None:
    """The country whose name (in some language, or by the alias table) is exactly ``name``, else None:
    'Deutschland' is Germany, 'Shanghai' and 'Paris' are not countries."""
    iso2 = country_index().get(fold(clean(name)))
    return _country(iso2) if iso2 else None


def country_or_none(spelling: str) -> Country | None:
    """Resolve a country, or None when the spelling is not one."""
    try:
        return resolve_country(spelling)
    except UnknownCountry:
        return None
