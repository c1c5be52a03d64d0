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
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .namespaces import BASE, FIELD, KIND, KP, ONTOLOGY_GRAPH
from .normalize import (
    PLACE_CLASSES,
    UnknownCountry,
    clean,
    country_or_none,
    place_level,
    resolve_country,
    slugify,
)
from .store import OxigraphStore, Store, StoreError

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
PROV_VALUE = ox.NamedNode("http://www.w3.org/ns/prov#value")
PROV_QUOTED = ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom")
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TARGET = re.compile(r"^(party(\d+)\.(name|country|level)|kind|date|field|type)$")


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
                    f"unknown target {target!r}: use partyN.name, partyN.country, partyN.level, kind, date, field, type"
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


def read_table(path: str | Path, sheet: str | None = None) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows of a CSV, TSV or .xlsx file."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix not in (".csv", ".tsv", ".tab", ".txt"):
        raise TableError(f"{path}: cannot tell the table format from {suffix!r} (use .csv, .tsv or .xlsx)")
    return _read_delimited(path, "\t" if suffix in (".tsv", ".tab") else ",")


def _read_delimited(path: Path, delimiter: str) -> tuple[list[str], Iterator[Row]]:
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(f"{path}: not UTF-8 text (byte {error.start}); save the table as UTF-8") from None
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


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], Iterator[Row]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableError(f"{path}: cannot read the workbook: {error}") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise TableError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
    ws = book[sheet] if sheet else book.worksheets[0]
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
    """A normalised party: its IRI, class, country code, and the spelling the row used."""

    iri: str
    cls: str
    iso2: str
    spelling: str
    country_name: str


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
    quads: int = 0
    added: int = 0
    rejected: list[BadRow] = field(default_factory=list)

    def text(self) -> str:
        """A summary for people."""
        return (
            f"{self.rows} rows -> {self.ties} ties ({self.duplicates_merged} duplicate rows merged), "
            f"{self.places} places ({self.known_places} more already known) in {self.countries} countries; "
            f"{self.quads} statements built, "
            f"{self.added} new in the store; {len(self.rejected)} rows rejected"
        )


def _party(row: Row, mapping: Mapping, n: int) -> Party | BadRow:
    """Normalise party ``n`` of a row (or say why it cannot be)."""
    name_col = mapping.column_of(f"party{n}.name") or f"party{n}.name"
    country_col = mapping.column_of(f"party{n}.country")
    level_col = mapping.column_of(f"party{n}.level")
    name = clean(row.cells.get(name_col, ""))
    if not name:
        return BadRow(row.number, name_col, "missing field")
    spelling = clean(row.cells.get(country_col, "")) if country_col else mapping.defaults.get(f"party{n}.country", "")
    level = (clean(row.cells.get(level_col, "")) if level_col else "") or mapping.defaults.get(f"party{n}.level", "")
    if level and level not in PLACE_CLASSES:
        return BadRow(row.number, level_col or f"party{n}.level", f"unknown level {level!r}")
    if not spelling:
        # "Varna, Bulgaria" with no country: the country is the name's tail; "American Samoa": a country itself.
        head, comma, tail = name.rpartition(",")
        tail_country = country_or_none(tail) if comma else None
        if tail_country is not None:
            name, spelling = clean(head), tail
        elif (itself := country_or_none(name)) is not None and not level:
            return Party(f"{BASE}id/region/{itself.iso2.lower()}", "Country", itself.iso2, name, itself.name)
        else:
            return BadRow(row.number, country_col or f"party{n}.country", "missing field")
    try:
        country = resolve_country(spelling)
    except UnknownCountry:
        return BadRow(row.number, country_col or f"party{n}.country", f"unknown country {spelling!r}")
    if level == "Country":
        return Party(f"{BASE}id/region/{country.iso2.lower()}", "Country", country.iso2, name, country.name)
    implied = place_level(name)
    cls = level or implied
    slug = slugify(name)
    if level and level != implied and level != "City":
        slug = f"{slug}-{slugify(level)}"  # "Moscow" given as a Province is not the city of Moscow
    return Party(f"{BASE}id/region/{country.iso2.lower()}/{slug}", cls, country.iso2, name, country.name)


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
    date: ox.Literal | None
    rows: list[Row]


def _known_concepts(store: Store, scheme: str) -> set[str]:
    rows = store.select_values(
        f"SELECT DISTINCT ?c WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?c a <http://www.w3.org/2004/02/skos/core#Concept> "
        f'FILTER(STRSTARTS(STR(?c), "{scheme}")) }} }}'
    )
    return {c for (c,) in rows if c}


def build_quads(
    rows: Iterable[Row],
    mapping: Mapping,
    source_iri: str,
    *,
    existing: set[str] | None = None,
    known_kinds: set[str] | None = None,
    known_fields: set[str] | None = None,
    progress: bool = False,
) -> tuple[list[ox.Quad], ImportReport, list[Row]]:
    """Turn rows into quads in the graph ``source_iri``; returns the quads, a report (with every bad row) and
    the bad rows themselves. ``existing`` are IRIs described by other graphs (they get no second label)."""
    from tqdm import tqdm

    report = ImportReport(source_iri)
    existing = existing or set()
    parties_n = mapping.parties()
    kind_col, date_col, field_col, type_col = (mapping.column_of(t) for t in ("kind", "date", "field", "type"))
    ties: dict[str, _Tie] = {}
    places: dict[str, Party] = {}
    spellings: dict[str, Counter[str]] = {}
    first_row: dict[str, int] = {}
    countries: dict[str, tuple[str, int]] = {}
    bad_rows: list[Row] = []
    for row in tqdm(rows, desc="rows", unit=" rows", disable=not progress, mininterval=0.5):
        report.rows += 1
        parties = [_party(row, mapping, n) for n in parties_n]
        errors = [p for p in parties if isinstance(p, BadRow)]
        kind = clean(row.cells.get(kind_col, "")) if kind_col else ""
        kind = _concept(kind or mapping.defaults.get("kind", "twinning"), str(KIND))
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
        if known_kinds and kind not in known_kinds:
            errors.append(BadRow(row.number, kind_col or "kind", f"unknown kind of tie {kind.rsplit('/', 1)[-1]!r}"))
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
            places.setdefault(p.iri, p)
            spellings.setdefault(p.iri, Counter())[p.spelling] += 1
            first_row.setdefault(p.iri, row.number)
            countries.setdefault(p.iso2, (p.country_name, row.number))
        cls = "Agreement" if tie_type.lower() == "agreement" else "Partnership"
        iris = tuple(sorted({p.iri for p in good}))
        slug = "--".join(i.removeprefix(f"{BASE}id/region/").replace("/", "-") for i in iris)
        slug = f"{kind.rsplit('/', 1)[-1]}-{slug}" + (f"-{date.value}" if date is not None else "")
        tie_iri = f"{BASE}id/{cls.lower()}/{slug}"
        if tie_iri in ties:
            ties[tie_iri].rows.append(row)
            report.duplicates_merged += 1
        else:
            ties[tie_iri] = _Tie(tie_iri, cls, iris, kind, fld, date, [row])
    g = ox.NamedNode(source_iri)
    source_slug = source_iri.rsplit("/", 1)[-1]
    quads: list[ox.Quad] = []
    add = quads.append

    def evidence_iri(row_number: int) -> ox.NamedNode:
        return ox.NamedNode(f"{BASE}id/evidence/{source_slug}/row-{row_number}")

    labels = {iri: counts.most_common(1)[0][0] for iri, counts in spellings.items()}
    for iri, party in places.items():
        if iri in existing:  # described by another source: it keeps its own label, type and evidence
            continue
        s = ox.NamedNode(iri)
        add(ox.Quad(s, _kp("evidence"), evidence_iri(first_row[iri]), g))
        add(ox.Quad(s, RDF_TYPE, _kp(party.cls), g))
        label = labels[iri] if party.cls != "Country" else party.country_name
        add(ox.Quad(s, RDFS_LABEL, ox.Literal(label), g))
        for spelling in sorted(spellings[iri]):
            if spelling != label:
                add(ox.Quad(s, SKOS_ALT, ox.Literal(spelling), g))
        if party.cls != "Country":
            add(ox.Quad(s, _kp("country"), ox.NamedNode(f"{BASE}id/region/{party.iso2.lower()}"), g))
    for iso2, (name, row_number) in countries.items():
        iri = f"{BASE}id/region/{iso2.lower()}"
        s = ox.NamedNode(iri)
        if iri in existing:
            continue
        if iri not in places:
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
        if tie.date is not None:
            add(ox.Quad(s, _kp("signedDate"), tie.date, g))
    report.ties = len(ties)
    report.places = sum(1 for iri, p in places.items() if p.cls != "Country" and iri not in existing)
    report.known_places = sum(1 for iri, p in places.items() if p.cls != "Country" and iri in existing)
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


def write_quads(store: Store, quads: list[ox.Quad]) -> None:
    """Add quads in one transaction (one request to a remote endpoint)."""
    if isinstance(store, OxigraphStore):
        store.add_quads(quads)
    else:
        store.add_data("".join(f"{q} .\n" for q in quads).encode("utf-8"), "nquads")


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
) -> ImportReport:
    """Import a table of ties into ``store``, whole or not at all.

    With bad rows, nothing is written and :class:`RowsRefused` lists every one; with ``skip_bad`` (a file name)
    the good rows are imported and the rejected ones written to that file with a ``reason`` column.
    """
    path = Path(path)
    source_iri = f"{BASE}id/source/{source_slug or mapping.source.get('slug') or slugify(path.stem)}"
    header, rows = read_table(path, sheet)
    missing = [c for c in mapping.columns if c not in header]
    if missing:
        raise TableError(f"{path}: no column {', '.join(map(repr, missing))} (columns: {', '.join(header)})")
    rows_list = list(rows)
    kinds = _known_concepts(store, str(KIND))
    fields = _known_concepts(store, str(FIELD))
    # A first pass without ``existing`` finds the IRIs; a second knows which of them other graphs describe.
    quads, report, bad = build_quads(
        rows_list, mapping, source_iri, known_kinds=kinds, known_fields=fields, progress=progress
    )
    if report.rejected and skip_bad is None:
        raise RowsRefused(report.rejected, str(path))
    mentioned = sorted({q.subject.value for q in quads if q.predicate == RDF_TYPE})
    existing = _existing(store, mentioned, source_iri)
    if existing:
        quads, report, bad = build_quads(
            rows_list, mapping, source_iri, existing=existing, known_kinds=kinds, known_fields=fields
        )
    quads = source_quads(source_iri, mapping.source, path) + header_quads(source_iri, header, path) + quads
    report.quads = len(quads)
    if check:
        problems = check_quads(quads)
        if problems:
            raise StoreError(
                f"{path}: the built data breaks the shapes, nothing was written:\n  " + "\n  ".join(problems)
            )
    if skip_bad is not None and report.rejected:
        _write_rejected(Path(skip_bad), header, bad, report.rejected)
    before = _graph_size(store, source_iri)
    write_quads(store, quads)
    report.added = _graph_size(store, source_iri) - before
    return report


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
        if KP + "Evidence" in classes:
            if quotes.get(s, 0) != 1:
                problems.append(f"{s}: evidence without exactly one quote")
            continue
        if len(labels.get(s, ())) != 1:
            problems.append(f"{s}: an entity without exactly one rdfs:label")
        if KP + "SourceDocument" not in classes and s not in evidenced:
            problems.append(f"{s}: a node without evidence")
    return problems[:100]
