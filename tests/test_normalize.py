"""Names from tables: countries to ISO codes with pycountry, matching keys, slugs and levels."""

from __future__ import annotations

import pytest

from graph.normalize import UnknownCountry, fold, place_level, resolve_country, slugify


@pytest.mark.parametrize(
    ("spelling", "iso2", "subdivision"),
    [
        ("France", "FR", None),
        ("  france ", "FR", None),
        ("Russia", "RU", None),  # unambiguous fuzzy search
        ("England", "GB", "GB-ENG"),  # a constituent country, from pycountry's subdivisions
        ("Wales", "GB", "GB-WLS"),
        ("England, United Kingdom", "GB", "GB-ENG"),
        ("Northern Ireland, United Kingdom", "GB", "GB-NIR"),
        ("Brandenburg, Germany", "DE", "DE-BB"),
        ("Réunion, France", "FR", None),
        ("Georgia (country)", "GE", None),  # alias table: Wikipedia's disambiguation
        ("Georgia", "GE", None),  # ISO lookup wins over the US state
        ("Kosovo", "XK", None),  # user-assigned code, not RS
        ("Turkey", "TR", None),
        ("Republic of the Congo", "CG", None),
        ("Democratic Republic of the Congo", "CD", None),
        ("Taiwan", "TW", None),
        ("in Italy", "IT", None),
        ("Island", "IS", None),
    ],
)
def test_country_spellings_resolve_to_one_iso_code(spelling, iso2, subdivision):
    country = resolve_country(spelling)
    assert (country.iso2, country.subdivision) == (iso2, subdivision)


def test_country_display_names_come_from_pycountry():
    assert resolve_country("Korea, Republic of").name == "South Korea"
    assert resolve_country("Kosovo").name == "Kosovo"
    assert resolve_country("Scotland").name == "United Kingdom"


@pytest.mark.parametrize("spelling", ["", "Atlantis", "Narnia, Nowhere"])
def test_unknown_countries_are_refused(spelling):
    with pytest.raises(UnknownCountry):
        resolve_country(spelling)


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Bérat") == fold("BERAT") == "berat"
    assert fold("São  Paulo") == "sao paulo"
    assert fold("Straße") == "strasse"
    assert fold("Łódź") == "lodz"


def test_slugs_are_ascii_words_or_a_stable_hash():
    assert slugify("Moscow Oblast") == "moscow-oblast"
    assert slugify("Mitino (Moscow)") == "mitino-moscow"
    assert slugify("北京") == slugify("北京")
    assert slugify("北京").startswith("x-") and slugify("北京") != slugify("上海")


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Moscow", "City"),
        ("Moscow Oblast", "Province"),
        ("Harris County", "County"),
        ("County Cork", "County"),
        ("Nemansky District", "District"),
        ("Aichi Prefecture", "Province"),
        ("Quezon City", "City"),
    ],
)
def test_level_words_decide_the_class(name, level):
    assert place_level(name) == level
