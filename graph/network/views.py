"""The network as the explorer and the API show it: entities, ties, hops and edges as JSON, the overview, the
layout and the facets of the filters. Functions of a :class:`~graph.network.model.Network`."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import networkx as nx

from .base import RELATIONS, local_name
from .filters import DATED_GROUPS, Filters, node_years, relations_of

if TYPE_CHECKING:
    from .model import Network


def tie_sort(tie: Any) -> tuple:
    """Ties in the order people read them: by date (undated last), then label."""
    return (tie.get("date") or "9999", tie.get("label") or "", tie["id"])


def link_sort(link: Any) -> tuple:
    """Links in a stable order."""
    return (link["relation"], link["role"], link["subject"], link["object"])


def node_json(net: Network, node: str) -> dict[str, Any]:
    """An entity as the API names it: id, label, type, group, country."""
    data = net.graph.nodes[node]
    return {
        "id": node,
        "label": data.get("label") or local_name(node),
        "type": data.get("type"),
        "group": data.get("group"),
        "country": data.get("country"),
    }


def tie_json(net: Network, tie: Any) -> dict[str, Any]:
    """A tie with its kind, date, fields (labelled) and parties."""
    return {
        "id": tie["id"],
        "label": tie.get("label") or local_name(tie["id"]),
        "relation": tie["relation"],
        "kind": tie.get("kind"),
        "kindLabel": tie.get("kindLabel") or (local_name(tie["kind"]) if tie.get("kind") else None),
        "date": tie.get("date"),
        "year": tie.get("year"),
        "fields": [{"id": f, "label": net.concept_labels.get(f) or local_name(f)} for f in tie["fields"]],
        "parties": [{"id": p, "label": net.graph.nodes[p].get("label") or local_name(p)} for p in tie["parties"]],
    }


def link_json(net: Network, link: Any) -> dict[str, Any]:
    """A link (containment, part of, a program's or event's role) with both ends."""
    return {
        "relation": link["relation"],
        "role": link["role"],
        "subject": node_json(net, link["subject"]),
        "object": node_json(net, link["object"]),
    }


def hops(net: Network, path: list[str], filters: Filters | None = None) -> list[dict[str, Any]]:
    """Each hop of a path with what ties its two ends (the ties and links that pass the filters)."""
    filters = filters or Filters()
    out = []
    for a, b in zip(path, path[1:], strict=False):
        data = net.graph.edges[a, b]
        ties = [t for t in data["ties"] if filters.tie_ok(t)] or (list(data["ties"]) if not data["links"] else [])
        links = [x for x in data["links"] if filters.link_ok(x)] or ([] if ties else list(data["links"]))
        out.append(
            {
                "from": node_json(net, a),
                "to": node_json(net, b),
                "relations": sorted(relations_of(ties, links)),
                "ties": [tie_json(net, t) for t in sorted(ties, key=tie_sort)],
                "links": [link_json(net, x) for x in sorted(links, key=link_sort)],
            }
        )
    return out


@lru_cache(maxsize=4096)
def _short(iri: str) -> str:
    """:func:`local_name` of the few IRIs edges repeat (kinds, fields), computed once each."""
    return local_name(iri)


def edge_json(net: Network, a: str, b: str, graph: nx.Graph | None = None) -> dict[str, Any]:
    """One edge for the explorer: its ends, relations, ties (kind, year, fields) and a short label."""
    data = (graph or net.graph).edges[a, b]
    # The ties' fields read by unpacking their records (a tuple each: no Python call per field), by date then label.
    ties = sorted(
        (date or "9999", label or "", tid, relation, kind, kind_label, year, fields)
        for tid, label, relation, kind, kind_label, date, year, fields, _parties in data["ties"]
    )
    years = sorted({t[6] for t in ties if t[6] is not None})
    kinds = sorted({t[5] or (_short(t[4]) if t[4] else "") or t[3] for t in ties})
    if ties:
        label = ", ".join(kinds[:2]) + (f" {years[0]}" if years else "")
    else:
        label = ", ".join(sorted({x["role"] for x in data["links"]}))
    return {
        "id": f"{a}|{b}",
        "source": a,
        "target": b,
        "relations": sorted(data["relations"]),
        "label": label,
        "ties": [
            {
                "id": tid,
                "label": tie_label or _short(tid),
                "relation": relation,
                "kind": _short(kind) if kind else None,
                "kindLabel": kind_label,
                "year": year,
                "fields": [_short(f) for f in fields],
            }
            for _, tie_label, tid, relation, kind, kind_label, year, fields in ties
        ],
        "links": sorted({x["role"] for x in data["links"]}),
    }


def edges_among(graph: nx.Graph, keep: list[str]) -> list[tuple[int, int, int]]:
    """Every edge of ``graph`` between two entities of ``keep``, once, as ``(i, j, weight)``: the positions in
    ``keep`` of its ends (``i < j``, in order of ``i``) and how much it carries (its ties and links: what its JSON
    grows with). Each entity's partners are read, or the rest of ``keep`` is, whichever is shorter: a hub's
    thousands of partners are not walked to find the few hundred shown.

    >>> g = nx.Graph()
    >>> g.add_edges_from([("a", "b"), ("b", "c"), ("c", "x")], ties=(1,), links=())
    >>> edges_among(g, ["c", "b", "a"])
    [(0, 1, 1), (1, 2, 1)]
    """
    index = {n: i for i, n in enumerate(keep)}
    out: list[tuple[int, int, int]] = []
    for i, a in enumerate(keep):
        adj = graph._adj.get(a)  # the plain dicts: networkx's read-only views cost an object (and ``in`` a KeyError)
        if not adj:
            continue
        if len(adj) > len(keep) - i:
            pairs = ((j, adj.get(keep[j])) for j in range(i + 1, len(keep)))
            out.extend((i, j, len(d["ties"]) + len(d["links"])) for j, d in pairs if d is not None)
        else:
            for b, d in adj.items():
                j = index.get(b, -1)
                if j > i:
                    out.append((i, j, len(d["ties"]) + len(d["links"])))
    return out


def budgeted_edges(
    graph: nx.Graph, keep: list[str], max_ties: int | None
) -> tuple[list[tuple[str, str]], dict[str, dict[str, int]]]:
    """The edges among ``keep`` an answer carries when it may carry ``max_ties`` ties and links (None: all), and
    what they are out of (``{"shown": {"edges", "ties"}, "among": {"edges", "ties"}}``).

    First each entity's edge to the earliest entity of ``keep`` it is tied to (``keep`` is best first: the centre
    of a neighbourhood, then its best-connected partners), so that every entity drawn is attached to the drawing;
    then the strongest of the others (most ties and links; between better-connected entities first) that fit.

    >>> g = nx.Graph()
    >>> for a, b, n in [("c", "x", 1), ("c", "y", 1), ("x", "y", 3), ("x", "z", 1), ("c", "z", 1), ("y", "z", 1)]:
    ...     g.add_edge(a, b, ties=(None,) * n, links=())
    >>> edges, counts = budgeted_edges(g, ["c", "x", "y", "z"], 6)
    >>> edges
    [('c', 'x'), ('c', 'y'), ('c', 'z'), ('x', 'y')]
    >>> counts
    {'shown': {'edges': 4, 'ties': 6}, 'among': {'edges': 6, 'ties': 8}}
    """
    candidates = edges_among(graph, keep)
    among = {"edges": len(candidates), "ties": sum(w for _, _, w in candidates)}
    if max_ties is None or among["ties"] <= max_ties:
        return [(keep[i], keep[j]) for i, j, _ in candidates], {"shown": dict(among), "among": among}
    anchored: set[int] = set()
    chosen: list[tuple[int, int, int]] = []
    rest: list[tuple[int, int, int]] = []
    for edge in candidates:  # in keep's order: the first edge reaching an entity comes from its earliest partner
        if edge[1] in anchored:
            rest.append(edge)
        else:
            anchored.add(edge[1])
            chosen.append(edge)
    used = sum(w for _, _, w in chosen)
    # The strongest first, between better-connected entities first among equals: sorted as (-weight, i, j).
    for minus, i, j in sorted((-w, i, j) for i, j, w in rest if w <= max_ties - used):
        if used - minus <= max_ties:
            chosen.append((i, j, -minus))
            used -= minus
    edges = [(keep[i], keep[j]) for i, j, _ in chosen]
    return edges, {"shown": {"edges": len(chosen), "ties": used}, "among": among}


def subgraph_json(
    net: Network,
    nodes: Iterable[str],
    filters: Filters | None = None,
    positions: bool = False,
    max_ties: int | None = None,
) -> dict[str, Any]:
    """Nodes and edges among ``nodes`` (in the filtered network) as the explorer draws them; with ``max_ties``,
    only the edges :func:`budgeted_edges` keeps, and ``edgeCounts``: how many edges and ties are shown of how many."""
    graph = net.view(filters)
    keep = [n for n in dict.fromkeys(nodes) if n in net.graph]
    layout = net.layout() if positions else {}
    out_nodes = []
    for n in keep:
        item = node_json(net, n)
        item["degree"] = net.partner_count(n)
        if n in layout:
            item["x"], item["y"] = layout[n]
        out_nodes.append(item)
    chosen, counts = budgeted_edges(graph, keep, max_ties)
    body: dict[str, Any] = {"nodes": out_nodes, "edges": [edge_json(net, a, b, graph) for a, b in chosen]}
    if max_ties is not None:
        body["edgeCounts"] = {**counts, "maxTies": max_ties}
    return body


def left_out(counts: dict[str, Any], shown: int, total: int | None, whose: str, more: str = "") -> dict[str, Any]:
    """What an answer of ``shown`` entities of ``total`` (None: unknown, more than shown) and the edge ``counts`` of
    :func:`budgeted_edges` left out, with a sentence for people (None when nothing was), ``more`` saying how to
    see the rest.

    >>> counts = {"shown": {"edges": 420, "ties": 1000}, "among": {"edges": 6305, "ties": 14336}}
    >>> print(left_out(counts, 200, 10548, "neighbours of Seoul")["message"])  # doctest: +NORMALIZE_WHITESPACE
    200 of the 10,548 neighbours of Seoul are shown (the best connected), with 1,000 of the 14,336 ties and links
    among them (each entity's tie to the drawing first, then the strongest).
    """
    edges = counts["among"]["edges"] - counts["shown"]["edges"]
    ties = counts["among"]["ties"] - counts["shown"]["ties"]
    entities = None if total is None else max(0, total - shown)
    parts = []
    if entities or total is None:
        of = f"the {total:,}" if total is not None else "more"
        parts.append(f"{shown:,} of {of} {whose} are shown (the best connected)")
    if edges:
        among = f"{counts['shown']['ties']:,} of the {counts['among']['ties']:,} ties and links among them"
        how = "each entity's tie to the drawing first, then the strongest"
        parts.append(f"with {among} ({how})" if parts else f"{among.capitalize()} are shown ({how})")
    message = (", ".join(parts) + "." + (f" {more}" if more else "")) if parts else None
    return {"entities": entities, "edges": edges, "ties": ties, "message": message}


def overview(net: Network, limit: int = 2000) -> tuple[list[str], bool]:
    """The entities the explorer opens with: all of them when there are at most ``limit``, else the
    ``limit`` best connected (most partners, then most links; see :meth:`Network.connected_rank`).
    Returns (nodes, truncated)."""
    rank = net.connected_rank()
    return heapq.nsmallest(limit, rank, key=rank.__getitem__), len(rank) > limit


def layout(graph: nx.Graph, groups: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Positions of every entity: the communities ``groups`` placed on a sunflower spiral by size, entities
    of a community on a smaller spiral around it, best connected in the middle. Linear time, so it serves big
    graphs; the browser refines small views with ForceAtlas2."""
    placed = {n for c in groups for n in c}
    singles = sorted((n for n in graph if n not in placed), key=lambda n: (-graph.degree(n), n))
    groups = [*groups, *([singles] if singles else [])]
    positions: dict[str, tuple[float, float]] = {}
    golden = math.pi * (3 - math.sqrt(5))
    offset = 0.0
    for index, members in enumerate(groups):
        radius = math.sqrt(len(members))
        centre_r = math.sqrt(offset + len(members) / 2) * 2.2 if index else 0.0
        cx, cy = centre_r * math.cos(index * golden), centre_r * math.sin(index * golden)
        offset += len(members)
        ranked = sorted(members, key=lambda n: (-graph.degree(n), n))
        for i, node in enumerate(ranked):
            r = math.sqrt(i + 0.5) / math.sqrt(len(members)) * radius
            positions[node] = (round(cx + r * math.cos(i * golden), 3), round(cy + r * math.sin(i * golden), 3))
    return positions


def facets(net: Network) -> dict[str, Any]:
    """What the filters can choose from, with counts: groups, types, relations, kinds, countries, fields,
    the year range of dated ties (``years``) and of dated programs, courses and events (``entityYears``), and
    how many of each have no date (``undated``: a year range leaves them out)."""
    graph = net.graph
    groups: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    entity_years: list[int] = []
    undated_entities = 0
    for _, data in graph.nodes(data=True):
        groups[data.get("group") or "other"] += 1
        if data.get("country"):
            countries[data["country"]] += 1
        if data.get("group") in DATED_GROUPS:
            first, last = node_years(data)
            if first is None or last is None:
                undated_entities += 1
            else:
                entity_years += [first, last]
    relations: Counter[str] = Counter()
    kinds: dict[str, list] = {}
    fields: dict[str, list] = {}
    years = []
    undated_ties = 0
    seen_ties: set[str] = set()
    for _, _, data in graph.edges(data=True):
        for rel in data["relations"]:
            relations[rel] += 1
        for tie in data["ties"]:
            if tie["id"] in seen_ties:
                continue
            seen_ties.add(tie["id"])
            if tie.get("kind"):
                entry = kinds.setdefault(local_name(tie["kind"]), [tie.get("kindLabel") or local_name(tie["kind"]), 0])
                entry[1] += 1
            for f in tie["fields"]:
                entry = fields.setdefault(local_name(f), [net.concept_labels.get(f) or local_name(f), 0])
                entry[1] += 1
            if tie.get("year") is not None:
                years.append(tie["year"])
            else:
                undated_ties += 1
    return {
        "groups": dict(sorted(groups.items())),
        "relations": [
            {"id": r, "label": RELATIONS.get(r, r), "count": relations[r]} for r in RELATIONS if relations[r]
        ],
        "kinds": [{"id": k, "label": v[0], "count": v[1]} for k, v in sorted(kinds.items())],
        "fields": [{"id": k, "label": v[0], "count": v[1]} for k, v in sorted(fields.items())],
        "countries": sorted(
            (
                {"id": c, "label": graph.nodes[c].get("label") if c in graph else local_name(c), "count": n}
                for c, n in countries.items()
            ),
            key=lambda x: (-x["count"], x["label"] or ""),
        ),
        "years": [min(years), max(years)] if years else None,
        "entityYears": [min(entity_years), max(entity_years)] if entity_years else None,
        "undated": {"ties": undated_ties, "entities": undated_entities},
        "ties": len(seen_ties),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
    }
