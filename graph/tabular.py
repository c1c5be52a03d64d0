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
import functools
import gc
import io
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from . import nquads as nq
from . import reconcile as rc
from .gazetteer import Gazetteer
from .namespaces import BASE, FIELD, KIND, KP, ONTOLOGY_GRAPH
from .normalize import (
    clean,
    fold,
    slugify,
)
from .nquads import NQuads
from .queries import query_text
from .store import Store, StoreError
from .table_places import Party, Places, _kind_of, check_kinds, existing_ties, kind_names
from .table_read import (
    DCT,
    PROV_QUOTED,
    PROV_VALUE,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_ALT,
    SKOS_EXACT,
    XSD,
    BadRow,
    Mapping,
    Row,
    RowsRefused,
    TableError,
    _kp,
    check_xlsx_size,
    parse_date,
    read_table,
)

__all__ = [
    "BadRow",
    "ImportReport",
    "Mapping",
    "Party",
    "Places",
    "Row",
    "RowsRefused",
    "TableError",
    "build_quads",
    "check_kinds",
    "check_quads",
    "check_xlsx_size",
    "import_table",
    "kind_names",
    "parse_date",
    "read_table",
]


_PLACES: list[Places] = []
XSD_INTEGER = XSD + "integer"
GEO_LAT, GEO_LONG = rc.GEO + "lat", rc.GEO + "long"
KP_EVIDENCE, KP_EVIDENCE_CLASS, KP_ROW, KP_PARTY = f"{KP}evidence", f"{KP}Evidence", f"{KP}row", f"{KP}party"
KP_SIGNED, KP_KIND, KP_FIELD = f"{KP}signedDate", f"{KP}tieKind", f"{KP}field"
#: the predicates whose statements an import reads back: the shape checks' and the GeoNames identities
WATCHED = (RDF_TYPE.value, RDFS_LABEL.value, KP_PARTY, KP_EVIDENCE, PROV_VALUE.value, SKOS_EXACT.value)


def _party(row: Row, mapping: Mapping, n: int) -> Party | BadRow:
    """Party ``n`` of a row as an import without a store resolves it, with the gazetteer (for benchmarks that
    name places as the import does; an import itself also knows the store's entities: :class:`Places`)."""
    if not _PLACES:
        from . import gazetteer

        _PLACES.append(Places(None, gazetteer.get()))
    return _PLACES[0].party(row, mapping, n)


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
        query_text("tables/concepts"), {"graph": URIRef(ONTOLOGY_GRAPH), "scheme": URIRef(scheme)}
    )
    return {c for (c,) in rows if c}


def build_quads(
    rows: Iterable[Row], mapping: Mapping, source_iri: str, **options: Any
) -> tuple[list[ox.Quad], ImportReport, list[Row]]:
    """:func:`build_statements` with the statements as quads (for callers that want objects, not text)."""
    out, report, bad = build_statements(rows, mapping, source_iri, **options)
    return out.as_quads(), report, bad


def build_statements(
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
    existing_of: Any = None,
    out: NQuads | None = None,
) -> tuple[NQuads, ImportReport, list[Row]]:
    """Turn rows into statements in the graph ``source_iri`` (and the gazetteer's matches in its own graph),
    written as N-Quads into ``out`` (a new writer watching :data:`WATCHED` if None); returns the writer, a report
    (with every bad row) and the bad rows themselves. ``existing`` are IRIs described by
    other graphs (they get no second label; or ``existing_of(iris)`` tells once the rows are read), ``ties_before``
    the ties already stored, ``matched`` the places that already have a match."""
    from tqdm import tqdm

    report = ImportReport(source_iri)
    places = places or Places(None, None)
    rows = list(rows)
    if places.rec is not None:  # the partners the rows share decide homonyms, before any row becomes quads
        places.learn_partners(rows, mapping)
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
        same_name = len(good) == 2 and fold(good[0].spelling) == fold(good[1].spelling)
        if not errors and len({p.iri for p in good}) < 2 and same_name:  # Falkenstein - Falkenstein
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
    if existing_of is not None:  # which of the IRIs other graphs describe, asked once all of them are known
        mentioned = {*found, *ties, *(f"{BASE}id/region/{iso.lower()}" for iso in countries)}
        existing = existing_of(sorted(mentioned))
    out = out if out is not None else NQuads(WATCHED)
    g = nq.checked_iri(source_iri)
    source_slug = source_iri.rsplit("/", 1)[-1]
    evidence_base = f"{BASE}id/evidence/{source_slug}/row-"
    labels = {iri: counts.most_common(1)[0][0] for iri, counts in spellings.items()}
    gaz = places.rec.gaz if places.rec else None
    iri_, text, raw = out.iri, out.text, out.raw
    for iri, party in found.items():
        nq.checked_iri(iri)  # minted from slugs, or read from the store: checked once, as the loader does not
        if gaz is not None and iri not in matched:
            matched.add(iri)
            if party.cls == "Country":
                rc.write_country(out, iri, party.iso2, gaz)
                rc.write_match(out, iri, rc.country_match(party.spelling, party.iso2), gaz)
            elif party.match is not None:
                rc.write_match(out, iri, party.match, gaz, source_iri)
        if party.match is not None and party.match.matched:
            report.reconciled += party.cls != "Country"
        elif party.cls != "Country":
            report.review += 1
        if party.lat is not None and party.lon is not None and (party.match is None or party.match.place is None):
            raw(iri, GEO_LAT, nq.decimal(party.lat), g)
            raw(iri, GEO_LONG, nq.decimal(party.lon), g)
        if party.wikidata:
            iri_(iri, SKOS_EXACT.value, f"http://www.wikidata.org/entity/{party.wikidata}", g)
        if iri in existing:  # described by another source: it keeps its own label, type and evidence
            continue
        iri_(iri, KP_EVIDENCE, f"{evidence_base}{first_row[iri]}", g)
        iri_(iri, RDF_TYPE.value, f"{KP}{party.cls}", g)
        label = labels[iri] if party.cls != "Country" else party.country_name
        text(iri, RDFS_LABEL.value, label, g)
        for spelling in sorted(spellings[iri]):
            if spelling != label:
                text(iri, SKOS_ALT.value, spelling, g)
        if party.cls != "Country" and party.iso2:
            iri_(iri, f"{KP}country", f"{BASE}id/region/{party.iso2.lower()}", g)
    if gaz is not None:
        places.write_partner_matches(out, source_iri)
    for iso2, (name, row_number) in countries.items():
        iri = f"{BASE}id/region/{iso2.lower()}"
        if gaz is not None and iri not in matched:
            matched.add(iri)
            rc.write_country(out, iri, iso2, gaz)
            rc.write_match(out, iri, rc.country_match(name, iso2), gaz)
        if iri in existing:
            continue
        if iri not in found:
            iri_(iri, KP_EVIDENCE, f"{evidence_base}{row_number}", g)
            iri_(iri, RDF_TYPE.value, f"{KP}Country", g)
            text(iri, RDFS_LABEL.value, name, g)
        text(iri, f"{KP}isoCode", iso2, g)
    concepts = {c: nq.checked_iri(c) for t in ties.values() for c in (t.kind, t.field) if c}  # may be the table's
    for tie in ties.values():
        s = nq.checked_iri(tie.iri)
        for row in tie.rows:
            ev = f"{evidence_base}{row.number}"
            iri_(s, KP_EVIDENCE, ev, g)
            iri_(ev, RDF_TYPE.value, KP_EVIDENCE_CLASS, g)
            text(ev, PROV_VALUE.value, row.text, g)
            text(ev, KP_ROW, str(row.number), g, datatype=XSD_INTEGER)
            iri_(ev, PROV_QUOTED.value, g, g)
        for date in tie.dates:
            raw(s, KP_SIGNED, nq.term(date), g, date.value)
        if tie.iri in existing:
            continue
        iri_(s, RDF_TYPE.value, f"{KP}{tie.cls}", g)
        text(s, RDFS_LABEL.value, " – ".join(labels[p] for p in tie.parties), g)
        for p in tie.parties:
            iri_(s, KP_PARTY, p, g)
        if tie.kind:
            iri_(s, KP_KIND, concepts[tie.kind], g)
        if tie.field:
            iri_(s, KP_FIELD, concepts[tie.field], g)
    report.ties = len(ties)
    report.places = sum(1 for iri, p in found.items() if p.cls != "Country" and iri not in existing)
    report.known_places = sum(1 for iri, p in found.items() if p.cls != "Country" and iri in existing)
    report.countries = len(countries)
    report.quads = len(out)
    return out, report, bad_rows


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
        ox.Quad(ev, _kp("row"), ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER)), g),
        ox.Quad(ev, PROV_QUOTED, g, g),
    ]


def _existing(store: Store, iris: list[str], source_iri: str) -> set[str]:
    """Which of these IRIs other graphs already describe (with a type)."""
    found: set[str] = set()
    for start in range(0, len(iris), 2000):
        chunk = [URIRef(i) for i in iris[start : start + 2000]]
        rows = store.select_values(query_text("tables/described"), {"x": chunk, "source": URIRef(source_iri)})
        found.update(x for (x,) in rows if x)
    return found


def write_quads(store: Store, quads: list[ox.Quad]) -> int:
    """Add quads all or nothing, with the engine's bulk loader when the store has one; returns how many were new."""
    return store.bulk_add(quads)


def _without_cycle_collection(function: Any) -> Any:
    """Run ``function`` with Python's cycle collector paused: an import makes millions of small objects that form
    no cycles, and the collector would walk them again and again (2-3 CPU-s less in single runs of the twin cities,
    within the noise of the benchmark's medians); whatever cycles there are are collected once it is on again."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        was_on = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()

    return run


@_without_cycle_collection
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
    common = dict(places=places, kinds=kinds, known_fields=fields, ties_before=ties_before)
    out = NQuads(WATCHED)
    out.quads(pre + source_quads(source_iri, mapping.source, path) + header_quads(source_iri, header, path))
    _, report, bad = build_statements(
        rows_list,
        mapping,
        source_iri,
        matched=set(matched),
        progress=progress,
        existing_of=lambda iris: _existing(store, iris, source_iri),
        out=out,
        **common,
    )
    if report.rejected and skip_bad is None:
        raise RowsRefused(report.rejected, str(path))
    if gaz is not None:
        identities = list(nq.seen_values(out.seen, SKOS_EXACT.value))
        provinces = rc.admin1_provinces(store, gaz, identities)
        located = {s for (s,) in store.select_values(query_text("tables/located"))}
        entries = places.gazetteer_entries()  # the entries the table's places were matched to, without a look-up
        for s, gn in identities:
            if s not in located:
                gid = rc.parse_gid(gn)
                place = entries.get(gid) or (gaz.place(gid) if gid else None)
                if place is not None:
                    located.add(s)
                    province = rc.province_of(s, place, provinces)
                    if province:
                        out.iri(s, rc.KP_LOCATED_IN, province, rc.GEONAMES_GRAPH)
    data = out.take()
    report.quads = data.count(b"\n")
    with store.bulk_session() as load:  # written whole when the block ends, or not at all
        load.add_nquads(data)
        load.start()  # the engine loads (into a staging copy, on disk) while the shapes are checked
        del data
        problems = check_statements(out.seen) if check else []
        if problems:
            raise StoreError(
                f"{path}: the built data breaks the shapes, nothing was written:\n  " + "\n  ".join(problems)
            )
        if skip_bad is not None and report.rejected:
            _write_rejected(Path(skip_bad), header, bad, report.rejected)
    report.added = load.added
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


def check_quads(quads: Iterable[ox.Quad]) -> list[str]:
    """:func:`check_statements` on quads."""
    return check_statements((q.subject.value, q.predicate.value, q.object.value) for q in quads)


def check_statements(statements: Iterable[tuple[str, str, str]]) -> list[str]:
    """The checks of ontology/shapes.ttl that an import can break, on the new statements as (subject, predicate,
    object value) strings (fast, no pySHACL): every tie has two or more parties, every typed entity one label and
    some evidence, every evidence one quote. Statements of other predicates are ignored."""
    types: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    parties: dict[str, set[str]] = {}
    quotes: dict[str, set[str]] = {}
    evidenced: set[str] = set()
    rdf_type, label, party, evidence, quote = RDF_TYPE.value, RDFS_LABEL.value, KP_PARTY, KP_EVIDENCE, PROV_VALUE.value
    for s, p, o in statements:  # sets: a statement given twice counts once, as the store holds it once
        if p == rdf_type:
            types.setdefault(s, set()).add(o)
        elif p == label:
            labels.setdefault(s, set()).add(o)
        elif p == party:
            parties.setdefault(s, set()).add(o)
        elif p == evidence:
            evidenced.add(s)
        elif p == quote:
            quotes.setdefault(s, set()).add(o)
    problems = []
    ties, quoted, source = (
        {f"{KP}Agreement", f"{KP}Partnership"},
        {f"{KP}Evidence", f"{KP}Match"},
        f"{KP}SourceDocument",
    )
    for s, classes in types.items():
        if not ties.isdisjoint(classes) and len(parties.get(s, ())) < 2:
            problems.append((s, f"{s}: a tie with fewer than two parties"))
        if not quoted.isdisjoint(classes):
            if len(quotes.get(s, ())) != 1:
                problems.append((s, f"{s}: evidence without exactly one quote"))
            continue
        if len(labels.get(s, ())) != 1:
            problems.append((s, f"{s}: an entity without exactly one rdfs:label"))
        if source not in classes and s not in evidenced:
            problems.append((s, f"{s}: a node without evidence"))
    problems.sort(key=lambda p: p[0])  # by subject; a subject's problems in the order checked (the sort is stable)
    return [text for _, text in problems[:100]]
