"""The review queue of place matches: what the rules left undecided or decided with little confidence, and the
entities that one gazetteer entry names twice (proposed merges), each with its evidence; an editor accepts or
rejects each, as one recorded, revertible change of the change log (:class:`graph.changes.Writer`).

Items (dicts, ready for JSON and the page):

- ``match``: a place with its name as written, country, the method and confidence (if any), the reason, and the
  gazetteer's candidates (name, country, region code, population, GeoNames IRI, distance from the coordinates
  the sources give);
- ``merge``: two entities matched to the same GeoNames entry: their labels, countries, the distance between their
  coordinates and the partners they share.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from . import reconcile as rc
from .gazetteer import Gazetteer
from .namespaces import KP
from .queries import query_text
from .store import StoreError

REVIEW_BELOW = 0.75
OWL_DIFFERENT = "http://www.w3.org/2002/07/owl#differentFrom"
_PLACE_FACTS = (rc.SKOS + "exactMatch", rc.GEO + "lat", rc.GEO + "long", rc.SKOS + "altLabel", f"{KP}locatedIn")


class ReviewError(StoreError):
    """A decision that cannot be made as asked (unknown item or candidate)."""


_IRI = re.compile(r"https?://[^\s<>\"{}|^`\\]+")


def checked_iri(value: str, what: str) -> str:
    """``value`` if it is an absolute http(s) IRI safe to write in a query, else :class:`ReviewError`."""
    if not isinstance(value, str) or not _IRI.fullmatch(value):
        raise ReviewError(f"{what}: {value!r} is not an IRI")
    return value


def _one(store, query: str, bindings: dict | None = None) -> list[tuple]:  # noqa: ANN001
    """The rows of the query ``graph/queries/places/<query>.rq`` with ``bindings`` bound by the store."""
    return list(store.select_values(query_text(f"places/{query}"), bindings))


def match_items(store, gaz: Gazetteer, limit: int = 100) -> list[dict[str, Any]]:  # noqa: ANN001
    """Places waiting for an editor: unmatched ones with their candidates, then weak matches (lowest first)."""
    below = Literal(str(REVIEW_BELOW), datatype=XSD.decimal)
    rows = _one(store, "review-matches", {"below": below})[: max(0, int(limit))]
    items = []
    for m, place, name, status, method, conf, why, label, country, cands in rows:
        point = _point(store, place)
        candidates = []
        for iri in (cands or "").split():
            gid = rc.parse_gid(iri)
            cand = gaz.place(gid) if gid else None
            if cand is None:
                continue
            km = rc.distance_km(*point, cand.lat, cand.lon) if point and cand.lat is not None else None
            candidates.append(
                {
                    "iri": cand.iri,
                    "id": cand.id,
                    "name": cand.name,
                    "country": cand.cc,
                    "region": cand.admin1,
                    "region_name": _region_name(gaz, cand),
                    "population": cand.population,
                    "level": cand.level,
                    "coordinates": cand.coordinates,
                    "lat": cand.lat,
                    "lon": cand.lon,
                    "distance_km": None if km is None else round(km, 1),
                }
            )
        candidates.sort(key=lambda c: (c["distance_km"] is None, c["distance_km"] or 0, -c["population"]))
        items.append(
            {
                "kind": "match",
                "item": m,
                "place": place,
                "label": label or name,
                "name": name,
                "country": country,
                "status": status,
                "method": method,
                "confidence": float(conf),
                "evidence": why,
                "candidates": candidates,
            }
        )
    return items


def _region_name(gaz: Gazetteer, place) -> str | None:  # noqa: ANN001 - a gazetteer Place
    """The name of the first-level region a candidate lies in (Sachsen for Königstein's region 13), if known."""
    if place.level == 1 or not place.admin1:
        return None
    region = gaz.region_of(place.cc, place.admin1)
    return region.name if region else None


def _point(store, place: str) -> tuple[float, float] | None:  # noqa: ANN001
    rows = _one(store, "point", {"place": URIRef(place)})
    return (float(rows[0][0]), float(rows[0][1])) if rows else None


def merge_items(store, limit: int = 100) -> list[dict[str, Any]]:  # noqa: ANN001
    """Pairs of entities matched to one GeoNames entry (not yet told apart by an editor), with their evidence."""
    rows = _one(store, "review-merges")[: max(0, int(limit))]
    items = []
    for a, b, gn in rows:
        info = {}
        for iri in (a, b):
            found = _one(store, "label-country", {"entity": URIRef(iri)})
            info[iri] = {"id": iri, "label": found[0][0] if found else iri, "country": found[0][1] if found else None}
        pa, pb = _point(store, a), _point(store, b)
        shared = _one(store, "shared-partners", {"a": URIRef(a), "b": URIRef(b)})
        items.append(
            {
                "kind": "merge",
                "item": f"{a} {b}",
                "a": info[a],
                "b": info[b],
                "geonames": gn,
                "distance_km": round(rc.distance_km(*pa, *pb), 1) if pa and pb else None,
                "shared_partners": int(shared[0][0]) if shared else 0,
            }
        )
    return items


def queue(store, gaz: Gazetteer, limit: int = 100) -> list[dict[str, Any]]:  # noqa: ANN001
    """The whole queue: proposed merges first, then places to match."""
    return merge_items(store, limit) + match_items(store, gaz, limit)


def _status_quads(store, item: str) -> list[ox.Quad]:  # noqa: ANN001
    g = ox.NamedNode(rc.GEONAMES_GRAPH)
    rows = _one(store, "match-status", {"item": URIRef(item)})
    out = []
    for p, o in rows:
        obj = ox.Literal(o, datatype=ox.NamedNode(rc.XSD + "decimal")) if p.endswith("confidence") else ox.Literal(o)
        out.append(ox.Quad(ox.NamedNode(item), ox.NamedNode(p), obj, g))
    return out


def _match_of(store, item: str) -> str:  # noqa: ANN001
    if not item.startswith(rc.BASE + "id/match/"):
        raise ReviewError(f"no match {item} in the review queue")
    checked_iri(item, "item")
    rows = _one(store, "match-place", {"item": URIRef(item)})
    if not rows:
        raise ReviewError(f"no match {item} in the review queue")
    return rows[0][0]


def decide_match(store, gaz: Gazetteer, item: str, accept: int | None) -> tuple[list[ox.Quad], list[ox.Quad]]:  # noqa: ANN001
    """The change that settles a match: accept GeoNames entry ``accept`` (its identity, coordinates and names
    are added, method ``editor``, confidence 1), or reject (``None``: the gazetteer's facts are removed)."""
    place = _match_of(store, item)
    g = ox.NamedNode(rc.GEONAMES_GRAPH)
    s, m = ox.NamedNode(place), ox.NamedNode(item)
    removed = _status_quads(store, item)
    removed += [
        ox.Quad(s, ox.NamedNode(p), _term(o, lang, dt), g)
        for p, o, lang, dt in _one(
            store, "place-facts", {"place": URIRef(place), "p": [URIRef(p) for p in _PLACE_FACTS]}
        )
    ]
    decimal = ox.NamedNode(rc.XSD + "decimal")
    added = [ox.Quad(m, ox.NamedNode(f"{KP}method"), ox.Literal("editor"), g)]
    if accept is None:
        added += [
            ox.Quad(m, ox.NamedNode(f"{KP}status"), ox.Literal("rejected"), g),
            ox.Quad(m, ox.NamedNode(f"{KP}confidence"), ox.Literal("0.00", datatype=decimal), g),
        ]
        return added, removed
    chosen = gaz.place(accept)
    if chosen is None:
        raise ReviewError(f"GeoNames {accept} is not in the gazetteer")
    added += [
        ox.Quad(m, ox.NamedNode(f"{KP}status"), ox.Literal("accepted"), g),
        ox.Quad(m, ox.NamedNode(f"{KP}confidence"), ox.Literal("1.00", datatype=decimal), g),
        ox.Quad(m, ox.NamedNode(f"{KP}candidate"), ox.NamedNode(chosen.iri), g),
        *rc.place_facts(place, chosen),
    ]
    return added, removed


def _term(value: str, lang: str | None, datatype: str | None) -> ox.Term:
    if datatype is None and lang is None:
        return ox.NamedNode(value)
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def decide_merge(store, keep: str, other: str, accept: bool) -> tuple[list[ox.Quad], list[ox.Quad]]:  # noqa: ANN001
    """The change that settles a proposed merge: accept moves every statement about ``other`` (and every
    reference to it) to ``keep``, its label becoming an alternative label; reject records ``owl:differentFrom``."""
    checked_iri(keep, "keep"), checked_iri(other, "other")
    if keep == other:
        raise ReviewError("keep and other are the same entity")
    g = ox.NamedNode(rc.GEONAMES_GRAPH)
    if not accept:
        return [ox.Quad(ox.NamedNode(keep), ox.NamedNode(OWL_DIFFERENT), ox.NamedNode(other), g)], []
    k, o = ox.NamedNode(keep), ox.NamedNode(other)
    removed = list(dict.fromkeys([*store.quads(o), *store.quads(None, None, o)]))
    if not removed:
        raise ReviewError(f"no entity {other}")
    label = ox.NamedNode(rc.RDFS_LABEL)
    added = []
    for q in removed:
        s = k if q.subject == o else q.subject
        obj = k if q.object == o else q.object
        p = ox.NamedNode(rc.SKOS + "altLabel") if (q.predicate == label and s == k) else q.predicate
        if s == k and obj == k:
            continue
        added.append(ox.Quad(s, p, obj, q.graph_name))
    return added, removed
