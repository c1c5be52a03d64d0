"""Importing tables of ties (CSV, TSV, Excel .xlsx) through a column mapping, whole or not at all.

Each row becomes its parties (places, with their country) and one tie (``kp:Partnership``, or ``kp:Agreement``
when the table says it is a signed agreement) with its kind, date and field. The file is a source document
(one named graph) and each tie keeps the row it came from as ``kp:Evidence`` (``prov:value`` the row's text,
``kp:row`` its number). IRIs are made from the normalised names, so importing a file twice adds nothing, and
rows A-B and B-A of an undirected tie are one tie with two pieces of evidence.

A mapping names, for each column it uses, what the column holds: ``party1.name``, ``party1.country``,
``party1.level`` (City, Province, County...), ``party2.name``... , ``kind``, ``date``, ``field``, ``type``
(``agreement`` or ``partnership``). ``defaults`` give fixed values for the same targets (e.g. ``kind:
twinning``), ``source`` describes the file (title, url, license, rights).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import reconcile as rc
from .gazetteer import Gazetteer
from .namespaces import BASE, FIELD, KIND, KP, ONTOLOGY_GRAPH
from .normalize import (
    PLACE_CLASSES,
    clean,
    country_or_none,
    exact_country,
    fold,
    place_level,
    slugify,
)
from .store import OxigraphStore, Store, StoreError

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
SKOS_EXACT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
PROV_VALUE = ox.NamedNode("http://www.w3.org/ns/prov#value")
PROV_QUOTED = ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom")
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TARGET = re.compile(r"^(party(\d+)\.(name|country|level|id|lat|lon)|kind|date|field|type)$")


def _kp(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{KP}{name}")


class TableError(StoreError):
    """The table or its mapping cannot be read; nothing was written."""


@dataclass(frozen=True)
class BadRow:
    """A row refused by the import: its number in the file, the column at fault and why."""

    row: int
    column: str
    reason: str
    cells: tuple[str, ...] = ()

    def text(self) -> str:
        """One line for people: 'row 12, country2: unknown country 'Atlantis''."""
        return f"row {self.row}, {self.column}: {self.reason}"


class RowsRefused(StoreError):
    """Some rows are bad, so the import wrote nothing; ``bad`` lists every one of them."""

    def __init__(self, bad: list[BadRow], path: str) -> None:
        self.bad = bad
        lines = [b.text() for b in bad]
        shown = lines if len(lines) <= 50 else [*lines[:50], f"... and {len(lines) - 50} more"]
        super().__init__(
            f"{path}: {len(bad)} bad row(s), nothing was written (use --skip-bad FILE to import the good rows "
            "and write the rejected ones to FILE):\n  " + "\n  ".join(shown)
        )


@dataclass
class Mapping:
    """What each column of a table holds, fixed values, and a description of the source."""

    columns: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[str], defaults: Iterable[str] = ()) -> Mapping:
        """A mapping from ``column=target`` pairs (``--map``) and ``target=value`` pairs (``--set``)."""
        columns, fixed = {}, {}
        for pair in pairs:
            column, sep, target = pair.partition("=")
            if not sep:
                raise TableError(f"--map {pair!r}: write it as COLUMN=TARGET (e.g. city1=party1.name)")
            columns[column.strip()] = target.strip()
        for pair in defaults:
            target, sep, value = pair.partition("=")
            if not sep:
                raise TableError(f"--set {pair!r}: write it as TARGET=VALUE (e.g. kind=twinning)")
            fixed[target.strip()] = value.strip()
        mapping = cls(columns, fixed)
        mapping.check()
        return mapping

    @classmethod
    def from_file(cls, path: str | Path) -> Mapping:
        """A mapping from a JSON file ``{"columns": {...}, "defaults": {...}, "source": {...}}``."""
        try:
            doc = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise TableError(f"{path}: cannot read the mapping: {error}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("columns"), dict):
            raise TableError(f'{path}: a mapping is a JSON object with "columns": {{"column": "target"}}')
        mapping = cls(dict(doc["columns"]), dict(doc.get("defaults", {})), dict(doc.get("source", {})))
        mapping.check()
        return mapping

    def check(self) -> None:
        """Refuse unknown targets and mappings without two named parties."""
        for target in [*self.columns.values(), *self.defaults]:
            if not _TARGET.match(target):
                raise TableError(
                    f"unknown target {target!r}: use partyN.name, partyN.country, partyN.level, partyN.id, "
                    "partyN.lat, partyN.lon, kind, date, field, type"
                )
        for target, value in self.defaults.items():
            if target.endswith(".level") and value not in PLACE_CLASSES:
                raise TableError(f"{target}={value!r}: a level is one of {', '.join(PLACE_CLASSES)}")
        if len(self.parties()) < 2:
            raise TableError("the mapping names fewer than two parties (map columns to party1.name and party2.name)")

    def parties(self) -> list[int]:
        """The party numbers that have a name column."""
        found = {int(m.group(2)) for t in self.columns.values() if (m := _TARGET.match(t)) and m.group(3) == "name"}
        return sorted(found)

    def column_of(self, target: str) -> str | None:
        """The column mapped to a target, if any."""
        return next((c for c, t in self.columns.items() if t == target), None)


@dataclass
class Row:
    """One data row: its number in the file (the header is row 1), its cells by column, its verbatim text."""

    number: int
    cells: dict[str, str]
    text: str


def read_table(
    path: str | Path, sheet: str | None = None, *, delimiter: str | None = None, encoding: str | None = None
) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows of a CSV, TSV or .xlsx file; the delimiter of a text table is sniffed from its
    first lines unless given, its encoding is UTF-8 unless given."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix not in (".csv", ".tsv", ".tab", ".txt"):
        raise TableError(f"{path}: cannot tell the table format from {suffix!r} (use .csv, .tsv or .xlsx)")
    if delimiter is not None and len(delimiter.replace("\\t", "\t")) != 1:
        raise TableError(f"--delimiter {delimiter!r}: one character (e.g. ';' or '\\t')")
    return _read_delimited(path, delimiter.replace("\\t", "\t") if delimiter else None, encoding or "utf-8-sig")


def _read_delimited(path: Path, delimiter: str | None, encoding: str) -> tuple[list[str], Iterator[Row]]:
    try:
        text = path.read_text(encoding)
    except LookupError:
        raise TableError(f"--encoding {encoding!r}: no such encoding (e.g. utf-8, cp1252, latin-1)") from None
    except UnicodeDecodeError as error:
        raise TableError(
            f"{path}: not {encoding} text (byte {error.start}); give the table's --encoding (e.g. cp1252)"
        ) from None
    if delimiter is None:
        sample = "\n".join(text[:65536].splitlines()[:50])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = [clean(h) for h in next(reader)]
    except StopIteration:
        raise TableError(f"{path}: the table is empty") from None
    consumed.clear()

    def rows() -> Iterator[Row]:
        number = 1
        try:
            for cells in reader:
                raw = "".join(consumed).rstrip("\r\n")
                number += len(consumed)
                first = number - len(consumed) + 1
                consumed.clear()
                if not any(c.strip() for c in cells):
                    continue
                yield Row(first, dict(zip(header, cells, strict=False)), raw)
        except csv.Error as error:
            raise TableError(f"{path}: line {reader.line_num}: {error}") from None

    return header, rows()


#: Limits on a workbook, checked before it is read: its unpacked size and the rows of the sheet.
MAX_XLSX_UNPACKED = 256 * 1024 * 1024
MAX_XLSX_ROWS = 1_000_000


def check_xlsx_size(path: Path, max_unpacked: int = MAX_XLSX_UNPACKED) -> None:
    """Refuse a workbook that unpacks to more than ``max_unpacked`` bytes (a zip bomb), before it is opened."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise TableError(f"{path}: cannot read the workbook: {error}") from None
    if unpacked > max_unpacked:
        raise TableError(
            f"{path}: the workbook unpacks to {unpacked // 2**20} MB, more than the limit of "
            f"{max_unpacked // 2**20} MB: split it or save the sheet as CSV"
        )


def check_xlsx_rows(path: Path, rows: int | None, max_rows: int = MAX_XLSX_ROWS) -> None:
    """Refuse a sheet that says it has more than ``max_rows`` rows."""
    if rows is not None and rows > max_rows:
        raise TableError(f"{path}: the sheet has {rows} rows, more than the limit of {max_rows}")


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], Iterator[Row]]:
    from openpyxl import load_workbook

    check_xlsx_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableError(f"{path}: cannot read the workbook: {error}") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise TableError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
    ws = book[sheet] if sheet else book.worksheets[0]
    check_xlsx_rows(path, ws.max_row)
    it = ws.iter_rows(values_only=True)
    try:
        header = [clean(_cell_text(h)) for h in next(it)]
    except StopIteration:
        raise TableError(f"{path}: the sheet is empty") from None

    def rows() -> Iterator[Row]:
        for number, values in enumerate(it, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            yield Row(number, dict(zip(header, cells, strict=False)), "\t".join(cells).rstrip("\t"))
        book.close()

    return header, rows()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "year"):  # a datetime from a date cell
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date(text: str) -> ox.Literal | None:
    """A date at the precision written: '2014-09-03' (xsd:date), '2014.09' (xsd:gYearMonth), '2014' (xsd:gYear).

    >>> parse_date("2001.04").value, parse_date("2001.04").datatype.value.rsplit('#')[1]
    ('2001-04', 'gYearMonth')
    """
    text = clean(text)
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?\.?", text)
    if not m:
        raise ValueError(f"bad date {text!r} (want YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"bad date {text!r}: no month {month}")
    if day:
        import datetime

        try:
            value = datetime.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            raise ValueError(f"bad date {text!r}: no such day") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if month:
        return ox.Literal(f"{year}-{int(month):02d}", datatype=ox.NamedNode(XSD + "gYearMonth"))
    return ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear"))


@dataclass(frozen=True)
class Party:
    """A normalised party: its IRI, class, country code ('' when unknown), the spelling the row used, and the
    gazetteer's match (None for countries)."""

    iri: str
    cls: str
    iso2: str
    spelling: str
    country_name: str
    match: rc.Match | None = None
    lat: float | None = None
    lon: float | None = None
    wikidata: str | None = None


@dataclass
class ImportReport:
    """What an import read, built and wrote."""

    source: str
    rows: int = 0
    ties: int = 0
    duplicates_merged: int = 0
    places: int = 0
    known_places: int = 0
    countries: int = 0
    reconciled: int = 0
    review: int = 0
    quads: int = 0
    added: int = 0
    seconds: float = 0.0
    rejected: list[BadRow] = field(default_factory=list)

    def text(self) -> str:
        """A summary for people."""
        return (
            f"{self.rows} rows -> {self.ties} ties ({self.duplicates_merged} duplicate rows merged), "
            f"{self.places} places ({self.known_places} more already known) in {self.countries} countries; "
            f"{self.reconciled} places matched to the gazetteer, {self.review} left for review; "
            f"{self.quads} statements built, "
            f"{self.added} new in the store; {len(self.rejected)} rows rejected"
        )


class Places:
    """Turns the party cells of rows into places: countries by exact name, places through the gazetteer (its
    answers cached: a table repeats its places), IRIs shared with the entities already matched."""

    def __init__(self, store: Store | None, gazetteer: Gazetteer | None) -> None:
        self.rec = rc.Reconciler(gazetteer) if gazetteer is not None else None
        self.known = rc.known_places(store) if store is not None and gazetteer is not None else {}
        self.known_subs = rc.known_subdivisions(store) if store is not None and gazetteer is not None else {}
        self._minted: dict[int, str] = {}
        self._columns: dict[tuple[int, int], dict[str, str | None]] = {}
        self._parties: dict[tuple, Party | BadRow] = {}
        self._quads: dict[tuple[str, int], list[ox.Quad]] = {}

    def iri_of(self, place: Any) -> str:
        """The entity IRI of a GeoNames place."""
        iri = self._minted.get(place.id)
        if iri is None:
            iri = self._minted[place.id] = rc.minted_iri(place, self.rec.gaz, self.known)  # type: ignore[union-attr]
        return iri

    def match_quads(self, iri: str, match: rc.Match, source: str) -> list[ox.Quad]:
        """:func:`graph.reconcile.match_quads`, remembered (an import builds its quads twice)."""
        key = (iri, id(match))
        found = self._quads.get(key)
        if found is None:
            found = self._quads[key] = rc.match_quads(iri, match, self.rec.gaz, source)  # type: ignore[union-attr]
        return found

    def party(self, row: Row, mapping: Mapping, n: int) -> Party | BadRow:
        """Normalise party ``n`` of a row (or say why it cannot be); the same cells give the same answer."""
        cols = self._columns.get((id(mapping), n))
        if cols is None:
            targets = ("name", "country", "level", "id", "lat", "lon")
            cols = self._columns[(id(mapping), n)] = {t: mapping.column_of(f"party{n}.{t}") for t in targets}
        key = (id(mapping), n, *(row.cells.get(c, "") if c else "" for c in cols.values()))
        found = self._parties.get(key)
        if found is None or isinstance(found, BadRow):
            found = self._parties[key] = self._party(row, mapping, n, cols)
        return found

    def _party(self, row: Row, mapping: Mapping, n: int, col: dict[str, str | None]) -> Party | BadRow:

        def cell(target: str) -> str:
            column = col[target]
            return clean(row.cells.get(column, "")) if column else mapping.defaults.get(f"party{n}.{target}", "")

        name_col = col["name"] or f"party{n}.name"
        name = clean(row.cells.get(name_col, ""))
        if not name:
            return BadRow(row.number, name_col, "missing field")
        spelling, level, ident = cell("country"), cell("level"), cell("id")
        if level and level not in PLACE_CLASSES:
            return BadRow(row.number, col["level"] or f"party{n}.level", f"unknown level {level!r}")
        lat = lon = None
        for target in ("lat", "lon"):
            text = cell(target)
            if text:
                try:
                    value = float(text.replace(",", "."))
                except ValueError:
                    value = math.nan
                limit = 90 if target == "lat" else 180
                if not -limit <= value <= limit:
                    return BadRow(row.number, col[target] or target, f"bad {target} {text!r} (a number, WGS84 degrees)")
                lat, lon = (value, lon) if target == "lat" else (lat, value)
        country = None
        if spelling:
            country = country_or_none(spelling)
            if country is None:
                what = "not a country"
                if self.rec is not None and self.rec.gaz.places(spelling):
                    what += " but a place (map its column to a party's name, or fix the row)"
                return BadRow(row.number, col["country"] or f"party{n}.country", f"{spelling!r} is {what}")
        elif level in ("", "Country") and (itself := exact_country(name)) is not None:
            return Party(f"{BASE}id/region/{itself.iso2.lower()}", "Country", itself.iso2, name, itself.name)
        elif "," in name and (tail := exact_country(name.rpartition(",")[2])) is not None:
            name, country = clean(name.rpartition(",")[0]), tail  # "Varna, Bulgaria"
        if level == "Country":
            if country is None:
                return BadRow(row.number, name_col, f"{name!r} is not the name of a country")
            return Party(f"{BASE}id/region/{country.iso2.lower()}", "Country", country.iso2, name, country.name)
        gid = rc.parse_gid(ident) if ident and not re.fullmatch(r"Q\d+", ident) else None
        wikidata = ident if re.fullmatch(r"Q\d+", ident or "") else None
        cc = country.iso2 if country else None
        cls = level or place_level(name)
        implied = cls if cls != "City" else None  # "Moscow Oblast" is a province, never the city of Moscow
        match = self.rec.match(name, cc, lat=lat, lon=lon, gid=gid, level=implied) if self.rec else None
        if match is not None and match.place is not None and (cc is None or match.place.cc == cc):
            place = match.place
            if country is None:
                country = country_or_none(place.cc)
            return Party(
                self.iri_of(place), cls, place.cc, name, country.name if country else "", match, lat, lon, wikidata
            )
        if match is not None and match.subdivision and match.subdivision in self.known_subs:
            cls = level or "Province"
            iri = self.known_subs[match.subdivision]
            return Party(iri, cls, cc or "", name, country.name if country else "", match, lat, lon, wikidata)
        slug = slugify(name)
        if level and level != place_level(name) and level != "City":
            slug = f"{slug}-{slugify(level)}"  # "Moscow" given as a Province is not the city of Moscow
        if match is not None and match.subdivision and not level:
            cls = "Province"
        where = cc.lower() if cc else "unknown"
        return Party(
            f"{BASE}id/region/{where}/{slug}",
            cls,
            cc or "",
            name,
            country.name if country else "",
            match,
            lat,
            lon,
            wikidata,
        )

    def homonym(self, party: Party) -> Party | None:
        """The other place of the same name, for a row that ties two places of one name (Falkenstein -
        Falkenstein): the next candidate, as a low-confidence match for review."""
        m = party.match
        if m is None or len(m.candidates) < 2:
            return None
        if m.place is None:  # nothing chosen for either: two entities of their own, both for review
            match = rc.Match(m.name, None, None, "homonym-pair", 0.0, m.candidates, reason=m.reason)
            return Party(party.iri + "-2", party.cls, party.iso2, party.spelling, party.country_name, match)
        other = next(p for p in m.candidates if p.id != m.place.id)
        match = rc.Match(m.name, other, None, "homonym-pair", 0.5, m.candidates)
        return Party(self.iri_of(other), party.cls, other.cc, party.spelling, party.country_name, match)


def _concept(value: str, scheme: str) -> str:
    value = clean(value)
    if value.startswith(("http://", "https://")):
        return value
    return scheme + slugify(value.removeprefix("kind:").removeprefix("field:"))


@dataclass
class _Tie:
    iri: str
    cls: str
    parties: tuple[str, ...]
    kind: str | None
    field: str | None
    dates: list[ox.Literal]
    rows: list[Row]


def _known_concepts(store: Store, scheme: str) -> set[str]:
    rows = store.select_values(
        f"SELECT DISTINCT ?c WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?c a <http://www.w3.org/2004/02/skos/core#Concept> "
        f'FILTER(STRSTARTS(STR(?c), "{scheme}")) }} }}'
    )
    return {c for (c,) in rows if c}


def kind_names(store: Store) -> dict[str, str]:
    """Every name of every kind of tie (slug, labels, alternative labels), folded -> the kind's concept; kinds
    that are one relation (``skos:exactMatch``: sisterhood, twinning) give one concept."""
    skos = "http://www.w3.org/2004/02/skos/core#"
    rows = store.select_values(
        f"SELECT ?c ?l ?m WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?c a <{skos}Concept> "
        f'FILTER(STRSTARTS(STR(?c), "{KIND}")) OPTIONAL {{ ?c <{skos}prefLabel>|<{skos}altLabel> ?l }} '
        f'OPTIONAL {{ ?c <{skos}exactMatch> ?m FILTER(STRSTARTS(STR(?m), "{KIND}")) }} }} }}'
    )
    canonical: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for c, label, same in rows:
        if same:
            canonical[c] = same
        names.setdefault(fold(c.rsplit("/", 1)[-1]), set()).add(c)
        if label:
            names.setdefault(fold(label), set()).add(c)
    out = {}
    for key, concepts in names.items():
        resolved = {canonical.get(c, c) for c in concepts}
        if len(resolved) == 1:
            out[key] = resolved.pop()
    return out


def _kind_of(value: str, kinds: dict[str, str]) -> str | None:
    value = clean(value)
    if value.startswith(("http://", "https://")):
        return kinds.get(fold(value.rsplit("/", 1)[-1]), value)
    return kinds.get(fold(value.removeprefix("kind:")))


def check_kinds(rows: list[Row], mapping: Mapping, kinds: dict[str, str]) -> None:
    """Refuse a table whose kinds are not known, naming each unknown value once with the valid kinds."""
    if not kinds:
        return
    col = mapping.column_of("kind")
    unknown: dict[str, list[int]] = {}
    for row in rows:
        value = (clean(row.cells.get(col, "")) if col else "") or mapping.defaults.get("kind", "twinning")
        if _kind_of(value, kinds) is None:
            unknown.setdefault(value, []).append(row.number)
    if unknown:
        valid = sorted({v.rsplit("/", 1)[-1] for v in kinds.values()})
        where = col or "kind (--set)"
        listed = "; ".join(
            f"{v!r} in {len(r)} row(s) (first: row {r[0]})" for v, r in sorted(unknown.items(), key=lambda i: i[1][0])
        )
        raise TableError(
            f"{where}: unknown kind of tie {listed}. Valid kinds: {', '.join(valid)} "
            "(or their labels, e.g. 'sister cities', 'twin towns')"
        )


def existing_ties(store: Store) -> dict[tuple[str, frozenset[str]], str]:
    """(kind, parties) -> the tie already in the store, so the same real tie from another source is one tie."""
    rows = store.select_values(
        f"SELECT ?t ?k (GROUP_CONCAT(STR(?p); separator=' ') AS ?ps) WHERE {{ ?t <{KP}party> ?p ; <{KP}tieKind> ?k }} "
        "GROUP BY ?t ?k ORDER BY ?t"
    )
    found: dict[tuple[str, frozenset[str]], str] = {}
    for tie, kind, parties in rows:
        found.setdefault((kind, frozenset((parties or "").split())), tie)
    return found


def build_quads(
    rows: Iterable[Row],
    mapping: Mapping,
    source_iri: str,
    *,
    places: Places | None = None,
    existing: set[str] | None = None,
    kinds: dict[str, str] | None = None,
    known_fields: set[str] | None = None,
    ties_before: dict[tuple[str, frozenset[str]], str] | None = None,
    matched: set[str] | None = None,
    progress: bool = False,
) -> tuple[list[ox.Quad], ImportReport, list[Row]]:
    """Turn rows into quads in the graph ``source_iri`` (and the gazetteer's matches in its own graph); returns
    the quads, a report (with every bad row) and the bad rows themselves. ``existing`` are IRIs described by
    other graphs (they get no second label), ``ties_before`` the ties already stored, ``matched`` the places
    that already have a match."""
    from tqdm import tqdm

    report = ImportReport(source_iri)
    places = places or Places(None, None)
    existing, kinds, ties_before, matched = existing or set(), kinds or {}, ties_before or {}, matched or set()
    parties_n = mapping.parties()
    kind_col, date_col, field_col, type_col = (mapping.column_of(t) for t in ("kind", "date", "field", "type"))
    ties: dict[str, _Tie] = {}
    found: dict[str, Party] = {}
    spellings: dict[str, Counter[str]] = {}
    first_row: dict[str, int] = {}
    countries: dict[str, tuple[str, int]] = {}
    bad_rows: list[Row] = []
    for row in tqdm(rows, desc="rows", unit=" rows", disable=not progress, mininterval=0.5):
        report.rows += 1
        parties = [places.party(row, mapping, n) for n in parties_n]
        errors = [p for p in parties if isinstance(p, BadRow)]
        kind_text = (clean(row.cells.get(kind_col, "")) if kind_col else "") or mapping.defaults.get("kind", "twinning")
        kind = _kind_of(kind_text, kinds) if kinds else _concept(kind_text, str(KIND))
        fld = clean(row.cells.get(field_col, "")) if field_col else ""
        fld = (
            _concept(fld or mapping.defaults.get("field", ""), str(FIELD))
            if (fld or "field" in mapping.defaults)
            else None
        )
        tie_type = (clean(row.cells.get(type_col, "")) if type_col else "") or mapping.defaults.get(
            "type", "partnership"
        )
        date = None
        if fld and known_fields and fld not in known_fields:
            errors.append(BadRow(row.number, field_col or "field", f"unknown field {fld.rsplit('/', 1)[-1]!r}"))
        if tie_type.lower() not in ("agreement", "partnership"):
            errors.append(
                BadRow(row.number, type_col or "type", f"unknown type {tie_type!r} (agreement or partnership)")
            )
        if date_col:
            try:
                date = parse_date(row.cells.get(date_col, ""))
            except ValueError as error:
                errors.append(BadRow(row.number, date_col, str(error)))
        good = [p for p in parties if isinstance(p, Party)]
        if not errors and len({p.iri for p in good}) < 2 and len(good) == 2:
            other = places.homonym(good[1])
            if other is not None and other.iri != good[0].iri:
                good[1] = other
        if not errors and len({p.iri for p in good}) < 2:
            errors.append(
                BadRow(
                    row.number, mapping.column_of(f"party{parties_n[-1]}.name") or "", "a tie of a place with itself"
                )
            )
        if errors:
            report.rejected += [BadRow(e.row, e.column, e.reason, tuple(row.cells.values())) for e in errors]
            bad_rows.append(row)
            continue
        for p in good:
            held = found.get(p.iri)
            if held is None or (held.match is None and p.match is not None):
                found[p.iri] = p
            spellings.setdefault(p.iri, Counter())[p.spelling] += 1
            first_row.setdefault(p.iri, row.number)
            if p.iso2:
                countries.setdefault(p.iso2, (p.country_name, row.number))
        cls = "Agreement" if tie_type.lower() == "agreement" else "Partnership"
        iris = tuple(sorted({p.iri for p in good}))
        tie_iri = ties_before.get((kind or "", frozenset(iris)))
        if tie_iri is None:
            slug = "--".join(i.removeprefix(f"{BASE}id/region/").replace("/", "-") for i in iris)
            tie_iri = f"{BASE}id/{cls.lower()}/{(kind or 'tie').rsplit('/', 1)[-1]}-{slug}"
        if tie_iri in ties:
            tie = ties[tie_iri]
            tie.rows.append(row)
            if date is not None and date not in tie.dates:
                tie.dates.append(date)  # two dates for one tie: both recorded, and the evidence says which
            report.duplicates_merged += 1
        else:
            ties[tie_iri] = _Tie(tie_iri, cls, iris, kind, fld, [date] if date is not None else [], [row])
    g = ox.NamedNode(source_iri)
    source_slug = source_iri.rsplit("/", 1)[-1]
    quads: list[ox.Quad] = []
    add = quads.append

    def evidence_iri(row_number: int) -> ox.NamedNode:
        return ox.NamedNode(f"{BASE}id/evidence/{source_slug}/row-{row_number}")

    labels = {iri: counts.most_common(1)[0][0] for iri, counts in spellings.items()}
    gaz = places.rec.gaz if places.rec else None
    for iri, party in found.items():
        s = ox.NamedNode(iri)
        if gaz is not None and iri not in matched:
            matched.add(iri)
            if party.cls == "Country":
                quads += rc.country_quads(iri, party.iso2, gaz)
                quads += rc.match_quads(iri, rc.Match(party.spelling, method="iso-code", confidence=1.0), gaz)
            elif party.match is not None:
                quads += places.match_quads(iri, party.match, source_iri)
        if party.match is not None and party.match.matched:
            report.reconciled += party.cls != "Country"
        elif party.cls != "Country":
            report.review += 1
        if party.lat is not None and party.lon is not None and (party.match is None or party.match.place is None):
            add(ox.Quad(s, ox.NamedNode(rc.GEO + "lat"), rc._decimal(party.lat), g))
            add(ox.Quad(s, ox.NamedNode(rc.GEO + "long"), rc._decimal(party.lon), g))
        if party.wikidata:
            add(ox.Quad(s, SKOS_EXACT, ox.NamedNode(f"http://www.wikidata.org/entity/{party.wikidata}"), g))
        if iri in existing:  # described by another source: it keeps its own label, type and evidence
            continue
        add(ox.Quad(s, _kp("evidence"), evidence_iri(first_row[iri]), g))
        add(ox.Quad(s, RDF_TYPE, _kp(party.cls), g))
        label = labels[iri] if party.cls != "Country" else party.country_name
        add(ox.Quad(s, RDFS_LABEL, ox.Literal(label), g))
        for spelling in sorted(spellings[iri]):
            if spelling != label:
                add(ox.Quad(s, SKOS_ALT, ox.Literal(spelling), g))
        if party.cls != "Country" and party.iso2:
            add(ox.Quad(s, _kp("country"), ox.NamedNode(f"{BASE}id/region/{party.iso2.lower()}"), g))
    for iso2, (name, row_number) in countries.items():
        iri = f"{BASE}id/region/{iso2.lower()}"
        s = ox.NamedNode(iri)
        if gaz is not None and iri not in matched:
            matched.add(iri)
            quads += rc.country_quads(iri, iso2, gaz)
            quads += rc.match_quads(iri, rc.Match(name, method="iso-code", confidence=1.0), gaz)
        if iri in existing:
            continue
        if iri not in found:
            add(ox.Quad(s, _kp("evidence"), evidence_iri(row_number), g))
            add(ox.Quad(s, RDF_TYPE, _kp("Country"), g))
            add(ox.Quad(s, RDFS_LABEL, ox.Literal(name), g))
        add(ox.Quad(s, _kp("isoCode"), ox.Literal(iso2), g))
    for tie in ties.values():
        s = ox.NamedNode(tie.iri)
        for row in tie.rows:
            ev = evidence_iri(row.number)
            add(ox.Quad(s, _kp("evidence"), ev, g))
            add(ox.Quad(ev, RDF_TYPE, _kp("Evidence"), g))
            add(ox.Quad(ev, PROV_VALUE, ox.Literal(row.text), g))
            add(ox.Quad(ev, _kp("row"), ox.Literal(str(row.number), datatype=ox.NamedNode(XSD + "integer")), g))
            add(ox.Quad(ev, PROV_QUOTED, g, g))
        for date in tie.dates:
            add(ox.Quad(s, _kp("signedDate"), date, g))
        if tie.iri in existing:
            continue
        add(ox.Quad(s, RDF_TYPE, _kp(tie.cls), g))
        add(ox.Quad(s, RDFS_LABEL, ox.Literal(" – ".join(labels[p] for p in tie.parties)), g))
        for p in tie.parties:
            add(ox.Quad(s, _kp("party"), ox.NamedNode(p), g))
        if tie.kind:
            add(ox.Quad(s, _kp("tieKind"), ox.NamedNode(tie.kind), g))
        if tie.field:
            add(ox.Quad(s, _kp("field"), ox.NamedNode(tie.field), g))
    report.ties = len(ties)
    report.places = sum(1 for iri, p in found.items() if p.cls != "Country" and iri not in existing)
    report.known_places = sum(1 for iri, p in found.items() if p.cls != "Country" and iri in existing)
    report.countries = len(countries)
    report.quads = len(quads)
    return quads, report, bad_rows


def source_quads(source_iri: str, info: dict[str, str], path: Path) -> list[ox.Quad]:
    """The description of the imported file as a ``kp:SourceDocument`` in its own graph."""
    g = s = ox.NamedNode(source_iri)
    title = info.get("title") or path.name
    quads = [
        ox.Quad(s, RDF_TYPE, _kp("SourceDocument"), g),
        ox.Quad(s, RDFS_LABEL, ox.Literal(title), g),
        ox.Quad(s, ox.NamedNode(DCT + "title"), ox.Literal(title), g),
        ox.Quad(s, ox.NamedNode(DCT + "identifier"), ox.Literal(path.name), g),
    ]
    if info.get("url"):
        quads.append(ox.Quad(s, ox.NamedNode(DCT + "source"), ox.NamedNode(info["url"]), g))
    for lic in info.get("license", "").split():
        quads.append(ox.Quad(s, ox.NamedNode(DCT + "license"), ox.NamedNode(lic), g))
    if info.get("rights"):
        quads.append(ox.Quad(s, ox.NamedNode(DCT + "rights"), ox.Literal(info["rights"]), g))
    if info.get("creator"):
        quads.append(ox.Quad(s, ox.NamedNode(DCT + "creator"), ox.Literal(info["creator"]), g))
    return quads


def header_quads(source_iri: str, header: list[str], path: Path) -> list[ox.Quad]:
    """The table's header kept as the evidence of row 1 (its column names, so that pages can show a quoted row
    with them), written as the rows are: tab-separated for TSV and spreadsheets, else CSV."""
    out = io.StringIO()
    tabs = path.suffix.lower() in (".tsv", ".tab", ".xlsx", ".xlsm")
    csv.writer(out, delimiter="\t" if tabs else ",", lineterminator="").writerow(header)
    g = ox.NamedNode(source_iri)
    ev = ox.NamedNode(f"{BASE}id/evidence/{source_iri.rsplit('/', 1)[-1]}/row-1")
    return [
        ox.Quad(ev, RDF_TYPE, _kp("Evidence"), g),
        ox.Quad(ev, PROV_VALUE, ox.Literal(out.getvalue()), g),
        ox.Quad(ev, _kp("row"), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")), g),
        ox.Quad(ev, PROV_QUOTED, g, g),
    ]


def _existing(store: Store, iris: list[str], source_iri: str) -> set[str]:
    """Which of these IRIs other graphs already describe (with a type)."""
    found: set[str] = set()
    for start in range(0, len(iris), 2000):
        values = " ".join(f"<{i}>" for i in iris[start : start + 2000])
        rows = store.select_values(
            f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x a ?t }} "
            f"FILTER(?g != <{source_iri}>) }}"
        )
        found.update(x for (x,) in rows if x)
    return found


def write_quads(store: Store, quads: list[ox.Quad]) -> int:
    """Add quads all or nothing, with the engine's bulk loader when the store has one (one request to a remote
    endpoint); returns how many were new (remote: how many were sent)."""
    if isinstance(store, OxigraphStore):
        return store.bulk_add(quads)
    store.add_data("".join(f"{q} .\n" for q in quads).encode("utf-8"), "nquads")
    return len(quads)


def _graph_size(store: Store, graph: str) -> int:
    rows = list(store.select_values(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    return int(rows[0][0] or 0)


def import_table(
    store: Store,
    path: str | Path,
    mapping: Mapping,
    *,
    source_slug: str | None = None,
    sheet: str | None = None,
    skip_bad: str | Path | None = None,
    progress: bool = False,
    check: bool = True,
    delimiter: str | None = None,
    encoding: str | None = None,
    gazetteer: Gazetteer | None | bool = True,
) -> ImportReport:
    """Import a table of ties into ``store``, whole or not at all, its places reconciled with the gazetteer
    (``gazetteer=True``: the default index, built on first use; ``None``/``False``: no reconciliation).

    With bad rows, nothing is written and :class:`RowsRefused` lists every one; with ``skip_bad`` (a file name)
    the good rows are imported and the rejected ones written to that file with a ``reason`` column.
    """
    started = time.monotonic()
    path = Path(path)
    source_iri = f"{BASE}id/source/{source_slug or mapping.source.get('slug') or slugify(path.stem)}"
    header, rows = read_table(path, sheet, delimiter=delimiter, encoding=encoding)
    missing = [c for c in mapping.columns if c not in header]
    if missing:
        raise TableError(f"{path}: no column {', '.join(map(repr, missing))} (columns: {', '.join(header)})")
    rows_list = list(rows)
    kinds = kind_names(store)
    check_kinds(rows_list, mapping, kinds)
    fields = _known_concepts(store, str(FIELD))
    if gazetteer is True:
        from . import gazetteer as gazetteer_module

        gazetteer = gazetteer_module.get()
    gaz = gazetteer or None
    pre: list[ox.Quad] = []
    if gaz is not None:  # the places already in the store (curated, imported) first, so the table finds them
        pre, _ = rc.reconcile_store(store, rc.Reconciler(gaz))
        store_for_known = _Overlay(store, pre)
    places = Places(store_for_known if gaz is not None else None, gaz)
    matched: set[str] = set()
    if gaz is not None:
        matched = rc.matched_places(store) | {q.object.value for q in pre if q.predicate.value == f"{KP}place"}
    ties_before = existing_ties(store) if kinds else {}
    # A first pass without ``existing`` finds the IRIs; a second knows which of them other graphs describe.
    common = dict(places=places, kinds=kinds, known_fields=fields, ties_before=ties_before)
    quads, report, bad = build_quads(rows_list, mapping, source_iri, matched=set(matched), progress=progress, **common)
    if report.rejected and skip_bad is None:
        raise RowsRefused(report.rejected, str(path))
    g = ox.NamedNode(source_iri)
    mentioned = sorted({q.subject.value for q in quads if q.predicate == RDF_TYPE and q.graph_name == g})
    existing = _existing(store, mentioned, source_iri)
    if existing:
        quads, report, bad = build_quads(
            rows_list, mapping, source_iri, existing=existing, matched=set(matched), **common
        )
    quads = source_quads(source_iri, mapping.source, path) + header_quads(source_iri, header, path) + quads
    if gaz is not None:
        provinces = rc.admin1_provinces(store, gaz, pre + quads)
        located = {s for (s,) in store.select_values(f"SELECT DISTINCT ?s WHERE {{ ?s <{KP}locatedIn> ?o }}")}
        for q in pre + quads:
            if q.predicate.value == rc.SKOS + "exactMatch" and q.subject.value not in located:
                gid = rc.parse_gid(q.object.value)
                place = gaz.place(gid) if gid else None
                if place is not None:
                    located.add(q.subject.value)
                    quads += rc.located_quads(q.subject.value, place, provinces)
        quads = pre + quads
    report.quads = len(quads)
    if check:
        problems = check_quads(quads)
        if problems:
            raise StoreError(
                f"{path}: the built data breaks the shapes, nothing was written:\n  " + "\n  ".join(problems)
            )
    if skip_bad is not None and report.rejected:
        _write_rejected(Path(skip_bad), header, bad, report.rejected)
    report.added = write_quads(store, quads)
    report.seconds = time.monotonic() - started
    return report


class _Overlay:
    """A store seen with some quads not written yet (only what :class:`Places` asks: the known matches)."""

    def __init__(self, store: Store, quads: list[ox.Quad]) -> None:
        self.store, self.quads = store, quads

    def select_values(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        yield from self.store.select_values(sparql)
        wanted = rc.SKOS + "exactMatch" if "exactMatch" in sparql else f"{KP}subdivisionCode"
        for q in self.quads:
            if q.predicate.value == wanted:
                yield q.subject.value, q.object.value


def _write_rejected(path: Path, header: list[str], rows: list[Row], rejected: list[BadRow]) -> None:
    reasons: dict[int, list[str]] = {}
    for bad in rejected:
        reasons.setdefault(bad.row, []).append(f"{bad.column}: {bad.reason}")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["row", *header, "reason"])
        for row in rows:
            writer.writerow([row.number, *(row.cells.get(h, "") for h in header), "; ".join(reasons[row.number])])


def check_quads(quads: list[ox.Quad]) -> list[str]:
    """The checks of ontology/shapes.ttl that an import can break, on the new quads (fast, no pySHACL): every tie
    has two or more parties, every typed entity one label and some evidence, every evidence one quote."""
    types: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    parties: dict[str, set[str]] = {}
    quotes: dict[str, int] = {}
    evidenced: set[str] = set()
    rdf_type, label, party, evidence = RDF_TYPE.value, RDFS_LABEL.value, KP + "party", KP + "evidence"
    for q in quads:
        s, p = q.subject.value, q.predicate.value
        if p == rdf_type:
            types.setdefault(s, set()).add(q.object.value)
        elif p == label:
            labels.setdefault(s, set()).add(q.object.value)
        elif p == party:
            parties.setdefault(s, set()).add(q.object.value)
        elif p == evidence:
            evidenced.add(s)
        elif p == PROV_VALUE.value:
            quotes[s] = quotes.get(s, 0) + 1
    problems = []
    ties = {KP + "Agreement", KP + "Partnership"}
    for s, classes in sorted(types.items()):
        if classes & ties and len(parties.get(s, ())) < 2:
            problems.append(f"{s}: a tie with fewer than two parties")
        if classes & {KP + "Evidence", KP + "Match"}:
            if quotes.get(s, 0) != 1:
                problems.append(f"{s}: evidence without exactly one quote")
            continue
        if len(labels.get(s, ())) != 1:
            problems.append(f"{s}: an entity without exactly one rdfs:label")
        if KP + "SourceDocument" not in classes and s not in evidenced:
            problems.append(f"{s}: a node without evidence")
    return problems[:100]
