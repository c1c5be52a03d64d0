"""Places on a map: where the network's entities are (WGS84 ``geo:lat`` / ``geo:long`` on the entity, in the
named graph of the source that gives them) and the ties between the ones that have coordinates, as the compact
tables the map view draws. An organisation without coordinates of its own is drawn at the place it is located in
(``kp:locatedIn``, ``org:unitOf`` or ``org:subOrganizationOf``, walking up until a place has coordinates; else
``kp:location``), and says so.

Framework-free. Reads the store through the named queries in ``graph/queries/map/`` and the projection only
through its public API (``network``, ``Network.graph``, ``Network.view``, ``Network.node_json``, ``Filters``).

>>> haversine_km(48.8566, 2.3522, 51.5074, -0.1278) // 1  # Paris to London
343.0
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import network as nw
from .knowledge import KnowledgeGraph
from .namespaces import BASE

GEO_NS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
QUERY_DIR = Path(__file__).parent / "queries" / "map"
ID_NS = BASE + "id/"
#: Two sources placing one entity farther apart than this disagree (the map flags it in the panel).
DISAGREE_KM = 25.0
#: Filter sets whose tables are kept per projection.
CACHED_VIEWS = 32
PLACE_COLUMNS = ["id", "label", "lat", "lon", "country", "partners", "ties", "source", "placedAt"]
#: Steps up ``kp:locatedIn`` looked at to place an organisation (its building, campus, city, province...).
MAX_CONTAINMENT = 4
#: The groups of entities drawn at their place's coordinates when they have none of their own.
PLACED_BY_LOCATION = frozenset({"organization"})
TIE_COLUMNS = ["a", "b", "ties", "year"]
#: The ends of undrawn ties the map names, most ties first (the count of all of them is given too).
NOT_DRAWN_LISTED = 50
NO_COORDINATES = (
    "No place has coordinates yet: reconcile the places with the gazetteer (see docs/places.md), which gives "
    "reconciled places their GeoNames coordinates, or import a table with partyN.lat and partyN.lon columns."
)
_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')


@dataclass(frozen=True)
class Position:
    """Where one source puts an entity."""

    lat: float
    lon: float
    source: str


@dataclass
class Coordinates:
    """Every entity's positions by source (the first one is drawn), the sources' titles and rights, and the rows
    refused because they are not WGS84 degrees."""

    positions: dict[str, list[Position]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: list[dict[str, str | None]] = field(default_factory=list)
    #: Entity → the place whose coordinates it is drawn at (it has none of its own), see :func:`place_by_location`.
    placed_at: dict[str, str] = field(default_factory=dict)

    def at(self, entity: str) -> Position | None:
        """The position drawn for ``entity`` (the first source's, sources in IRI order; its place's when it is
        placed where it is located), or None."""
        found = self.positions.get(entity) or self.positions.get(self.placed_at.get(entity, ""))
        return found[0] if found else None

    def has(self, entity: str) -> bool:
        """Whether ``entity`` is drawn (coordinates of its own or of the place it is located in)."""
        return entity in self.positions or entity in self.placed_at

    def disagree(self, entity: str) -> bool:
        """Whether two sources put ``entity`` more than :data:`DISAGREE_KM` apart."""
        found = self.positions.get(entity) or []
        return any(haversine_km(a.lat, a.lon, b.lat, b.lon) > DISAGREE_KM for a in found for b in found)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two WGS84 points in kilometres (spherical Earth, radius 6,371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _degrees(text: str | None, limit: float) -> float | None:
    """A coordinate in decimal degrees within ``±limit``, or None."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _query(name: str) -> str:
    return (QUERY_DIR / f"{name}.rq").read_text("utf-8")


def read_coordinates(kg: KnowledgeGraph) -> Coordinates:
    """Read every entity's coordinates (``places.rq``) and their sources' titles and rights (``sources.rq``).

    A row whose latitude or longitude is not a number of degrees in range is refused and listed, never drawn."""
    coords = Coordinates()
    for place, lat, lon, source in kg.store.select_values(_query("places")):
        y, x = _degrees(lat, 90.0), _degrees(lon, 180.0)
        if y is None or x is None or not place or not source:
            coords.refused.append({"place": place, "lat": lat, "long": lon, "source": source})
            continue
        found = coords.positions.setdefault(place, [])
        position = Position(y, x, source)
        if position not in found:
            found.append(position)
    for found in coords.positions.values():
        found.sort(key=lambda p: (p.source, p.lat, p.lon))
    counts = Counter(found[0].source for found in coords.positions.values())
    names = sorted({p.source for found in coords.positions.values() for p in found})
    coords.sources = {s: {"id": s, "title": None, "rights": None, "places": counts.get(s, 0)} for s in names}
    checked = [s for s in names if not _BAD_IRI.search(s)]
    for start in range(0, len(checked), 200):
        values = "VALUES ?source { " + " ".join(f"<{s}>" for s in checked[start : start + 200]) + " }"
        for source, title, rights in kg.store.select_values(_query("sources").replace("#VALUES#", values, 1)):
            entry = coords.sources[source]
            entry["title"] = entry["title"] or title
            entry["rights"] = entry["rights"] or rights
    return coords


def place_by_location(kg: KnowledgeGraph, coords: Coordinates, entities: Iterable[str]) -> dict[str, str]:
    """Where each of ``entities`` without coordinates of its own is drawn: the nearest place up its chain of
    ``kp:locatedIn``, ``org:unitOf`` and ``org:subOrganizationOf`` (else its ``kp:location``) that has coordinates,
    at most :data:`MAX_CONTAINMENT` steps up; ties between candidates go to the first IRI. Entities with no such
    place are left out."""
    up: dict[str, list[str]] = {}
    at: dict[str, list[str]] = {}
    for entity, place, relation in kg.store.select_values(_query("located")):
        if entity and place and entity != place:
            (up if relation == "locatedIn" else at).setdefault(entity, []).append(place)
    placed: dict[str, str] = {}
    for entity in entities:
        if entity in coords.positions:
            continue
        level, seen = sorted(up.get(entity, [])), {entity}
        for _ in range(MAX_CONTAINMENT):
            found = [p for p in level if p in coords.positions]
            if found:
                placed[entity] = found[0]
                break
            seen.update(level)
            level = sorted({q for p in level for q in up.get(p, []) if q not in seen})
            if not level:
                break
        if entity not in placed:
            found = sorted(p for p in at.get(entity, []) if p in coords.positions)
            if found:
                placed[entity] = found[0]
    return placed


def short_id(iri: str) -> str:
    """Our own IRIs as ``id:`` names (shorter on the wire; the API resolves them), others as they are.

    >>> short_id("https://partnergraph.org/id/region/de/berlin")
    'id:region/de/berlin'
    """
    return "id:" + iri[len(ID_NS) :] if iri.startswith(ID_NS) else iri


def full_id(ref: str) -> str:
    """The IRI behind a :func:`short_id` name."""
    return ID_NS + ref[3:] if ref.startswith("id:") else ref


def _filters_key(filters: nw.Filters) -> tuple:
    return tuple(
        (name, tuple(sorted(value)) if isinstance(value, frozenset) else value)
        for name, value in sorted(vars(filters).items())
    )


def describe_filters(filters: nw.Filters) -> str:
    """The active filters in words, for the empty state ("kind mou, country KR, years 1990 to 2000")."""
    parts = []
    for name, values in (
        ("type", filters.groups),
        ("kind", filters.kinds),
        ("country", filters.countries),
        ("field", filters.fields),
        ("relation", filters.relations),
        ("not relation", filters.avoid_relations),
        ("not type", filters.avoid_groups),
    ):
        if values:
            parts.append(f"{name} {', '.join(sorted(values))}")
    if filters.year_from is not None or filters.year_to is not None:
        low = filters.year_from if filters.year_from is not None else "any"
        high = filters.year_to if filters.year_to is not None else "any"
        parts.append(f"years {low} to {high} (undated ties are left out)")
    return "; ".join(parts)


class MapData:
    """The map's tables for one projection and the coordinates read with it, cached per filter set."""

    def __init__(self, net: nw.Network, coords: Coordinates) -> None:
        self.net = net
        self.coords = coords
        self._views: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing = threading.Lock()

    def tables(self, filters: nw.Filters | None = None) -> dict[str, Any]:
        """Places with coordinates in the filtered network (best tied first) and the ties between them.

        Returns ``{"key", "places": {"columns", "rows"}, "ties": {"columns", "rows"}, "countries", "sources",
        "counts", "filters", "empty"}``. ``key`` names the list of places, so that two answers can be matched. A
        place row is ``[id, label, lat, lon, country index, partners, ties, source index]``; a tie row is
        ``[place index, place index, number of ties, first year or None]``, one per pair of places however many
        ties bind them. ``empty`` says why nothing is drawn, or is None."""
        filters = filters or nw.Filters()
        key = _filters_key(filters)
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        with self._computing:  # the map asks for places and ties at once: compute them once
            with self._lock:
                if key in self._views:
                    return self._views[key]
            result = self._tables(filters)
            with self._lock:
                self._views[key] = result
                while len(self._views) > CACHED_VIEWS:
                    self._views.popitem(last=False)
        return result

    def _tables(self, filters: nw.Filters) -> dict[str, Any]:
        net, coords = self.net, self.coords
        view = net.view(filters)
        partners: Counter[str] = Counter()
        tie_counts: Counter[str] = Counter()
        tied: list[tuple[str, str, int, int | None]] = []
        for a, b, data in view.edges(data=True):
            ties = data.get("ties") or []
            if not ties:
                continue
            years = [t["year"] for t in ties if t.get("year") is not None]
            tied.append((a, b, len(ties), min(years) if years else None))
            for n in (a, b):
                partners[n] += 1
                tie_counts[n] += len(ties)
        # With a filter on ties, a place is drawn only when one of its ties passes (links such as "located in"
        # have no kind or date, so they do not count).
        tie_filter = bool(filters.kinds or filters.fields or filters.relations or filters.avoid_relations) or (
            filters.year_from is not None or filters.year_to is not None
        )
        drawn = [n for n in view.nodes if coords.has(n) and (not tie_filter or partners[n] > 0)]
        drawn.sort(key=lambda n: (-tie_counts[n], net.node_json(n)["label"] or "", n))
        index = {n: i for i, n in enumerate(drawn)}
        countries: dict[str, int] = {}
        sources = {s: i for i, s in enumerate(coords.sources)}
        rows = []
        for n in drawn:
            node = net.node_json(n)
            position = coords.at(n)
            assert position is not None
            placed_at = coords.placed_at.get(n)
            country = node.get("country")
            if country and country not in countries:
                countries[country] = len(countries)
            rows.append(
                [
                    short_id(n),
                    node["label"],
                    round(position.lat, 5),
                    round(position.lon, 5),
                    countries[country] if country else -1,
                    partners[n],
                    tie_counts[n],
                    sources[position.source],
                    short_id(placed_at) if placed_at else None,
                ]
            )
        tie_rows = []
        not_drawn = 0
        undrawn_ends: Counter[str] = Counter()
        for a, b, count, year in tied:
            if a in index and b in index:
                tie_rows.append([index[a], index[b], count, year])
                continue
            not_drawn += count
            for n in (a, b):
                if n not in index:
                    undrawn_ends[n] += count
        tie_rows.sort()
        missing = sum(1 for n in view.nodes if not coords.has(n) and net.graph.nodes[n].get("group") == "region")
        return {
            "key": hashlib.sha1("\n".join(r[0] for r in rows).encode("utf-8")).hexdigest()[:16],
            "places": {"columns": PLACE_COLUMNS, "rows": rows},
            "ties": {"columns": TIE_COLUMNS, "rows": tie_rows},
            "countries": [
                {"id": c, "label": net.node_json(c)["label"] if c in net.graph else c.rsplit("/", 1)[-1]}
                for c in countries
            ],
            "sources": list(coords.sources.values()),
            "counts": {
                "places": len(rows),
                "ties": len(tie_rows),
                "tieCount": sum(r[2] for r in tie_rows),
                "tiesNotDrawn": not_drawn,
                "endsNotDrawn": len(undrawn_ends),
                "placesWithoutCoordinates": missing,
                "placesWithCoordinates": len(coords.positions),
                "placedByLocation": sum(1 for r in rows if r[8]),
                "refused": len(coords.refused),
            },
            "notDrawn": self._not_drawn(undrawn_ends),
            "filters": describe_filters(filters),
            "empty": self._empty(rows, filters),
        }

    def _not_drawn(self, ends: Counter[str]) -> dict[str, Any]:
        """The ends that keep ties off the map, most ties first: ``[id, label, type, ties]`` rows. A country has
        no single point, so its ties are never drawn; any other end simply has no coordinates yet."""
        rows = []
        for n, count in sorted(ends.items(), key=lambda item: (-item[1], item[0]))[:NOT_DRAWN_LISTED]:
            node = self.net.node_json(n)
            rows.append([short_id(n), node["label"], node["type"], count])
        return {"columns": ["id", "label", "type", "ties"], "rows": rows}

    def _empty(self, rows: list, filters: nw.Filters) -> dict[str, str] | None:
        if rows:
            return None
        if not any(n in self.net.graph for n in self.coords.positions):
            return {"reason": "no-coordinates", "message": NO_COORDINATES}
        total = sum(1 for n in self.coords.positions if n in self.net.graph)
        return {
            "reason": "filters",
            "message": f"The filters leave no place with coordinates ({describe_filters(filters)}); without them "
            f"{total:,} place{'s' if total != 1 else ''} are on the map. Clear or widen the filters.",
        }

    def positions(self, refs: Iterable[str]) -> dict[str, list[float] | None]:
        """The drawn position ``[lat, lon]`` of each entity (``id:`` names or IRIs), None where it has none."""
        out: dict[str, list[float] | None] = {}
        for ref in refs:
            position = self.coords.at(full_id(ref))
            out[ref] = [round(position.lat, 5), round(position.lon, 5)] if position else None
        return out

    def place(self, ref: str) -> dict[str, Any] | None:
        """An entity's positions with their sources and whether they disagree (for the map's panel); for an entity
        drawn where it is located, the place's, with ``placedAt`` (that place's id and label)."""
        iri = full_id(ref)
        placed_at = self.coords.placed_at.get(iri) if iri not in self.coords.positions else None
        found = self.coords.positions.get(placed_at or iri)
        if not found:
            return None
        where = None
        if placed_at:
            label = self.net.node_json(placed_at)["label"] if placed_at in self.net.graph else None
            where = {"id": placed_at, "label": label or placed_at.rsplit("/", 1)[-1]}
        return {
            "id": iri,
            "placedAt": where,
            "positions": [
                {
                    "lat": p.lat,
                    "lon": p.lon,
                    "source": p.source,
                    "title": self.coords.sources[p.source]["title"],
                    "rights": self.coords.sources[p.source]["rights"],
                }
                for p in found
            ],
            "disagree": self.coords.disagree(placed_at or iri),
        }


_LOCK = threading.Lock()


def map_data(kg: KnowledgeGraph) -> MapData:
    """The map's data for the store's current projection (coordinates read again whenever the projection is
    rebuilt, that is when the store changed)."""
    net = nw.network(kg)
    cached: MapData | None = getattr(kg, "_map_data", None)
    if cached is not None and cached.net is net:
        return cached
    with _LOCK:
        cached = getattr(kg, "_map_data", None)
        if cached is None or cached.net is not net:
            coords = read_coordinates(kg)
            located = [n for n, group in net.graph.nodes(data="group") if group in PLACED_BY_LOCATION]
            coords.placed_at = place_by_location(kg, coords, located)
            cached = MapData(net, coords)
            kg._map_data = cached  # type: ignore[attr-defined]
    return cached
