"""The network as the explorer and the API show it: entities, ties, hops and edges as JSON, the overview, the
layout and the facets of the filters. Functions of a :class:`~graph.network.model.Network`."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from .algorithms import partner_count
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


def edge_json(net: Network, a: str, b: str, graph: nx.Graph | None = None) -> dict[str, Any]:
    """One edge for the explorer: its ends, relations, ties (kind, year, fields) and a short label."""
    data = (graph or net.graph).edges[a, b]
    ties = sorted(data["ties"], key=tie_sort)
    years = sorted({t["year"] for t in ties if t.get("year") is not None})
    kinds = sorted({t.get("kindLabel") or local_name(t.get("kind") or "") or t["relation"] for t in ties})
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
                "id": t["id"],
                "label": t.get("label") or local_name(t["id"]),
                "relation": t["relation"],
                "kind": local_name(t["kind"]) if t.get("kind") else None,
                "kindLabel": t.get("kindLabel"),
                "year": t.get("year"),
                "fields": [local_name(f) for f in t["fields"]],
            }
            for t in ties
        ],
        "links": sorted({x["role"] for x in data["links"]}),
    }


def subgraph_json(
    net: Network, nodes: Iterable[str], filters: Filters | None = None, positions: bool = False
) -> dict[str, Any]:
    """Nodes and edges among ``nodes`` (in the filtered network) as the explorer draws them."""
    graph = net.view(filters)
    keep = [n for n in dict.fromkeys(nodes) if n in net.graph]
    kept = set(keep)
    layout = net.layout() if positions else {}
    out_nodes = []
    for n in keep:
        item = node_json(net, n)
        item["degree"] = net.partner_count(n)
        if n in layout:
            item["x"], item["y"] = layout[n]
        out_nodes.append(item)
    edges = []
    for a in keep:
        if a not in graph:
            continue
        for b in graph[a]:
            if b in kept and a < b:
                edges.append(edge_json(net, a, b, graph))
    return {"nodes": out_nodes, "edges": edges}


def overview(graph: nx.Graph, limit: int = 2000) -> tuple[list[str], bool]:
    """The entities the explorer opens with: all of them when there are at most ``limit``, else the
    ``limit`` best connected (most partners, then most links). Returns (nodes, truncated)."""
    nodes = sorted(graph.nodes, key=lambda n: (-partner_count(graph, n), -graph.degree(n), n))
    if len(nodes) <= limit:
        return nodes, False
    return nodes[:limit], True


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
