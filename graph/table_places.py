"""The parties of table rows as places: countries by exact name, places reconciled with the gazetteer (answers
cached: a table repeats its places), IRIs shared with the entities already matched; the kinds of tie a table may
name (one concept for the names of one relation) and the ties already stored."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

from rdflib import URIRef

from . import reconcile as rc
from .gazetteer import Gazetteer
from .namespaces import BASE, KIND, ONTOLOGY_GRAPH
from .normalize import (
    PLACE_CLASSES,
    clean,
    country_or_none,
    exact_country,
    fold,
    place_level,
    slugify,
)
from .nquads import NQuads
from .queries import query_text
from .store import Store
from .table_read import BadRow, Mapping, Row, TableError


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


class Places:
    """Turns the party cells of rows into places: countries by exact name, places through the gazetteer (its
    answers cached: a table repeats its places), IRIs shared with the entities already matched."""

    def __init__(self, store: Store | None, gazetteer: Gazetteer | None) -> None:
        self.rec = rc.Reconciler(gazetteer) if gazetteer is not None else None
        self.known = rc.known_places(store) if store is not None and gazetteer is not None else {}
        self.known_subs = rc.known_subdivisions(store) if store is not None and gazetteer is not None else {}
        self._minted: dict[int, str] = {}
        self._columns: dict[tuple[int, int], tuple[dict[str, str | None], tuple[tuple[str | None, str], ...]]] = {}
        self._parties: dict[tuple, Party | BadRow] = {}
        self._by_row: dict[tuple[int, int, int], Party] = {}  # (mapping, row, party) -> decided by partners

    def iri_of(self, place: Any) -> str:
        """The entity IRI of a GeoNames place."""
        iri = self._minted.get(place.id)
        if iri is None:
            iri = self._minted[place.id] = rc.minted_iri(place, self.rec.gaz, self.known)  # type: ignore[union-attr]
        return iri

    def gazetteer_entries(self) -> dict[int, Any]:
        """GeoNames id -> the gazetteer entry (place or region) of every place matched so far."""
        parties = [*self._parties.values(), *self._by_row.values()]
        found = (p.match.located for p in parties if isinstance(p, Party) and p.match is not None)
        return {entry.id: entry for entry in found if entry is not None}

    def party(self, row: Row, mapping: Mapping, n: int) -> Party | BadRow:
        """Normalise party ``n`` of a row (or say why it cannot be); the same cells give the same answer, looked
        up once whichever party's columns hold them (a failure is remembered per party: it names the column)."""
        decided = self._by_row.get((id(mapping), row.number, n))
        if decided is not None:  # the partners this row shares with another decided it (learn_partners)
            return decided
        known = self._columns.get((id(mapping), n))
        if known is None:
            targets = ("name", "country", "level", "id", "lat", "lon")
            cols = {t: mapping.column_of(f"party{n}.{t}") for t in targets}
            spec = tuple((c, mapping.defaults.get(f"party{n}.{t}", "")) for t, c in cols.items())
            known = self._columns[(id(mapping), n)] = (cols, spec)
        cols, spec = known
        cells = row.cells
        key = (id(mapping), *[cells.get(c, "") if c else default for c, default in spec])
        found = self._parties.get(key) or self._parties.get((n, *key))
        if found is None:
            found = self._party(row, mapping, n, cols)
            self._parties[key if isinstance(found, Party) else (n, *key)] = found
        elif isinstance(found, BadRow):  # failed look-ups are remembered too: the same answer, for this row
            return replace(found, row=row.number)
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
        cls = level or rc.written_level(name)  # "Doksy (Česká Lípa District)" is a town, "Herford (district)" not
        implied = cls if cls != "City" else None  # "Moscow Oblast" is a province, never the city of Moscow
        region = clean(spelling.rpartition(",")[0]) or None  # "Lower Saxony, Germany": a region hint
        if region is None and country is not None and country.subdivision and rc.split_hint(name)[1] is None:
            region = spelling  # "Wales" as the country: the United Kingdom, and a region hint (GB-WLS)
        match = self.rec.match(name, cc, lat=lat, lon=lon, gid=gid, level=implied, region=region) if self.rec else None
        if match is not None and match.place is not None and (cc is None or match.place.cc == cc):
            place = match.place
            cls = "Province" if place.level == 1 and not level else cls  # a first-level region (GeoNames ADM1)
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
        if match is not None and match.candidates and not match.matched:  # undecided: never a candidate's IRI
            slug = f"{slug}-unresolved"
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

    def learn_partners(self, rows: list[Row], mapping: Mapping) -> None:
        """Decide the undecided places of a table by the partners they share: a row "Strakonice - Lengnau" whose
        Lengnau has two candidates is the Lengnau that another row ties to Strakonice ("Lengnau, Bern -
        Strakonice": a tie is often listed from both sides, one of them with a qualifier). Per row, since two rows
        may name two homonyms; only when exactly one candidate shares a partner (``+shared-partner``)."""
        self._by_row = {}  # one table at a time
        numbers = mapping.parties()
        self.prefetch(rows, mapping)
        resolved = [(row, [self.party(row, mapping, n) for n in numbers]) for row in rows]
        ties: dict[str, dict[str, int]] = {}  # entity decided by its own row's evidence -> matched partner -> row
        for row, parties in resolved:
            good = [p for p in parties if isinstance(p, Party) and p.match is not None and p.match.matched]
            for a in good:
                if _decided_by_its_row(a.match):
                    for b in good:
                        if b.iri != a.iri:
                            ties.setdefault(a.iri, {}).setdefault(b.iri, row.number)
        for row, parties in resolved:
            for n, party in zip(numbers, parties, strict=True):
                m = party.match if isinstance(party, Party) else None
                if m is None or m.matched or m.ruled_out or not m.candidates or m.method == "homonym-pair":
                    continue
                others = [p for p in parties if isinstance(p, Party) and p is not party]
                support = {}
                for c in m.candidates:
                    shared = [(ties[iri][o.iri], o) for o in others if o.iri in ties.get(iri := self.iri_of(c), {})]
                    if shared:
                        support[c.id] = (c, min(shared, key=lambda s: s[0]))
                if len(support) == 1:
                    ((place, (number, other)),) = support.values()
                    self._by_row[(id(mapping), row.number, n)] = self._shared_partner(party, place, other, number)

    def prefetch(self, rows: list[Row], mapping: Mapping) -> None:
        """Read at once from the gazetteer what the rows' party names will ask of it (:func:`lookup_names`): the
        same answers as one look-up at a time, in one pass over its index."""
        if self.rec is None:
            return
        cells: set[tuple[str, str]] = set()
        for n in mapping.parties():
            name, country = mapping.column_of(f"party{n}.name"), mapping.column_of(f"party{n}.country")
            if name:
                cells.update((row.cells.get(name, ""), row.cells.get(country, "") if country else "") for row in rows)
        korean = {spelling: _is_korea(spelling) for _, spelling in cells}
        names = {n for name, spelling in cells for n in lookup_names(clean(name), korean[spelling])}
        names.update(clean(spelling.rpartition(",")[0]) for spelling in korean)  # "Lower Saxony, Germany": a hint
        self.rec.gaz.prefetch(names)

    def write_partner_matches(self, out: NQuads, source: str) -> None:
        """Write the match node of every place the shared partners decided, one per row and party (the entity has
        a match of its own already, from the row that named it unambiguously)."""
        for (_, number, n), party in sorted(self._by_row.items(), key=lambda item: item[0]):
            rc.write_match(out, party.iri, party.match, self.rec.gaz, source, f"-row-{number}-{n}")  # type: ignore[union-attr, arg-type]

    def _shared_partner(self, party: Party, place: Any, other: Party, number: int) -> Party:
        m = party.match
        method = ("name+country" if party.iso2 else "name") + "+shared-partner"
        why = f"{place.name} is tied to {other.spelling} in row {number} too"
        match = rc.Match(m.name, place, None, method, 0.85 if party.iso2 else 0.7, m.candidates, reason=why)
        cls = "Province" if place.level == 1 else party.cls
        return replace(party, iri=self.iri_of(place), cls=cls, iso2=place.cc, match=match)

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


def _is_korea(spelling: str) -> bool:
    country = country_or_none(clean(spelling)) if spelling else None
    return country is not None and country.iso2 == "KR"


def lookup_names(name: str, korean: bool = False) -> set[str]:
    """The names the reconciler may look a written name up by (itself, without its qualifier or level words, the
    qualifier, the part before a country: "Halle (Saale)", "Halle", "Saale"; "Suwon City", "Suwon", and in Korea
    "Suwon-si"), for :meth:`Places.prefetch`; a name missed here is only looked up on its own."""
    if not name:
        return set()
    found = {name}
    head, comma, _ = name.rpartition(",")
    for written in (name, clean(head)) if comma else (name,):
        bare, hint = rc.split_hint(written)
        stem = rc.core(bare)
        found |= {written, bare, stem, re.sub(r"(?i)^greater\s+", "", stem), *rc.saint_spellings(bare)}
        if shorter := rc.without_locative(bare):  # "Gars am Inn": Gars
            found.add(shorter)
        if korean:  # GeoNames writes most Korean cities with their suffix: Yeongcheon-si
            found |= {f"{stem}-{suffix}" for suffix in ("si", "gun", "gu")}
        if hint:
            found |= {hint, f"{bare} {hint}", rc.core(hint)}
    return found


_GUESSES = ("+population", "+longer-name", "+exact-spelling", "+shared-partner", "homonym-pair")


def _decided_by_its_row(match: rc.Match) -> bool:
    """Whether a match was decided by what its row says (a unique name, a region hint, coordinates, an id), not by
    size or spelling among homonyms: only such a place lends its identity to a homonym sharing its partner."""
    return match.confidence >= 0.85 and not any(word in match.method for word in _GUESSES)


def kind_names(store: Store) -> dict[str, str]:
    """Every name of every kind of tie (slug, labels, alternative labels), folded -> the kind's concept; kinds
    that are one relation (``skos:exactMatch``: sisterhood, twinning) give one concept."""
    bindings = {"graph": URIRef(ONTOLOGY_GRAPH), "scheme": URIRef(str(KIND))}
    rows = store.select_values(query_text("tables/kind-names"), bindings)
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
    rows = store.select_values(query_text("tables/ties"))
    found: dict[tuple[str, frozenset[str]], str] = {}
    for tie, kind, parties in rows:
        found.setdefault((kind, frozenset((parties or "").split())), tie)
    return found
