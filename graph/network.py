"""Who connects to whom: one networkx projection of the knowledge graph, and what can be asked of it.

The projection is built from ONE query of the edges (``graph/queries/network/edges.rq``) and one of the nodes
(``nodes.rq``), never by converting every triple. Its nodes are regions, organisations, people,
programs and events; its edges are undirected and each remembers why it exists:

- ``ties``: the agreements and partnerships both ends are parties of (an n-party tie gives an edge between each
  pair), each with its IRI, label, kind, date and fields;
- ``links``: the other relations (``located-in``, ``part-of``, ``head-of``, a program's ``organizer`` /
  ``funder`` / ``beneficiary`` / ``participant-origin``, an event's ``organizer`` / ``finalist`` / ``winner``);
- ``relations``: the set of relation categories on the edge (``agreement``, ``partnership``, ``located-in``,
  ``part-of``, ``head-of``, ``program``, ``event``), which paths and filters can include or avoid.

>>> from graph import KnowledgeGraph
>>> kg = KnowledgeGraph.open("memory:", load_shipped=False)
>>> net = network(kg)
>>> net.graph.number_of_nodes()
0

The projection is cached on the knowledge graph and rebuilt when the store changes (see :func:`network`).
"""

from __future__ import annotations

import math
import re
import threading
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations, islice
from pathlib import Path
from typing import Any

import networkx as nx

from .knowledge import KnowledgeGraph
from .namespaces import BASE, KP
from .store import StoreError

QUERY_DIR = Path(__file__).parent / "queries" / "network"
KP_NS = str(KP)
ID_NS = BASE + "id/"

#: Entity classes (local names under ``kp:``) by the group that sets their colour and shape in the explorer.
GROUPS: dict[str, tuple[str, ...]] = {
    "region": (
        "Region",
        "Country",
        "Province",
        "MetropolitanCity",
        "City",
        "County",
        "District",
        "EconomicZone",
    ),
    "organization": (
        "Organization",
        "University",
        "College",
        "Hospital",
        "Agency",
        "Association",
        "Foundation",
        "Company",
        "GovernmentDepartment",
    ),
    "program": ("Program", "TrainingProgram", "AidProject", "MedicalAidProject", "ExchangeProgram", "Plan"),
    "course": ("TrainingCourse",),
    "event": ("Event", "Contest", "Ceremony", "Summit", "Conference", "Meeting"),
    "person": ("Person",),
}
CLASS_GROUP: dict[str, str] = {name: group for group, names in GROUPS.items() for name in names}
_GENERIC = {"Region", "Organization", "Program", "Event"}

#: Relation categories of an edge, with the words the UI uses for them.
RELATIONS: dict[str, str] = {
    "agreement": "agreement (a signed instrument: sisterhood, MOU, ...)",
    "partnership": "partnership (a standing relation, e.g. twin cities)",
    "located-in": "located in (containment of places and organisations)",
    "part-of": "part of (unit or sub-organisation; a course in its program)",
    "head-of": "head of (a person heading an organisation)",
    "program": "program link (organiser, funder, beneficiary, where participants come from)",
    "event": "event link (organiser, finalist, winner, attendee)",
}
TIE_RELATIONS = frozenset({"agreement", "partnership"})
_ROLE_RELATION = {
    "located-in": "located-in",
    "part-of": "part-of",
    "unit-of": "part-of",
    "sub-organization-of": "part-of",
    "head-of": "head-of",
}

#: Published measures the rankings compute, with what they mean (shown in the UI and the API).
MEASURES: dict[str, dict[str, str]] = {
    "degree": {
        "label": "Partners (degree)",
        "explanation": "How many distinct entities this one is directly tied to.",
        "reference": "Freeman, L. C. (1978). Centrality in social networks: conceptual clarification. "
        "Social Networks 1(3), 215-239.",
    },
    "ties": {
        "label": "Ties (weighted degree)",
        "explanation": "How many ties and links this entity has in all (two agreements with one partner count twice).",
        "reference": "Barrat, A. et al. (2004). The architecture of complex weighted networks. PNAS 101(11).",
    },
    "betweenness": {
        "label": "Broker (betweenness)",
        "explanation": "The share of shortest paths between other entities that pass through this one: high "
        "for brokers that connect otherwise separate groups. Estimated from a sample of sources on big graphs.",
        "reference": "Brandes, U. (2001). A faster algorithm for betweenness centrality. J. Math. Sociol. 25(2); "
        "Brandes, U. and Pich, C. (2007). Centrality estimation in large networks.",
    },
}

MAX_PATHS = 10
MAX_HOPS = 12
DEFAULT_EGO_LIMIT = 200
EXACT_BETWEENNESS_MAX_NODES = 1500
BETWEENNESS_SAMPLES = 300
SEED = 42
LOUVAIN_MAX_EDGES = 20_000


class NetworkError(StoreError):
    """A question about the network cannot be answered as asked; the message is meant for people."""

    status = 400


class EntityNotFound(NetworkError):
    """No entity has this IRI or name."""

    status = 404

    def __init__(self, message: str, suggestions: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class AmbiguousName(NetworkError):
    """A name matches more than one entity; ``candidates`` lists them."""

    status = 409

    def __init__(self, message: str, candidates: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.candidates = candidates


def load_query(name: str) -> str:
    """The text of ``graph/queries/network/<name>.rq`` (internal queries, kept out of the named-query list)."""
    return (QUERY_DIR / f"{name}.rq").read_text("utf-8")


def normalize(text: str) -> str:
    """Fold a name for matching: accents dropped, case folded, punctuation and spaces collapsed.

    >>> normalize("  Gyeonggi-dó  Province ")
    'gyeonggi do province'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.casefold()).split())


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    return re.split(r"[#/]", iri.rstrip("/"))[-1]


def year_of(date: str | None) -> int | None:
    """The year of an ``xsd:date``, ``gYearMonth`` or ``gYear`` lexical form (``"2001-04"`` -> 2001)."""
    if not date:
        return None
    match = re.match(r"^(-?\d{4})", date)
    return int(match.group(1)) if match else None


def sparql_iri(iri: str) -> str:
    if re.search(r'[\s<>"{}|^`\\]', iri):
        raise NetworkError(f"{iri!r} is not an IRI")
    return f"<{iri}>"


@dataclass
class Filters:
    """What part of the network to look at: groups of entity, relation categories, tie kinds, countries,
    fields of cooperation and a year range. Empty means everything.

    Ties are kept when their kind, field and year fit; an edge is kept while it keeps a tie or a link.
    A country keeps the entities of that country and whoever they are tied to. A year range drops ties
    without a date.
    """

    groups: frozenset[str] = frozenset()
    relations: frozenset[str] = frozenset()
    avoid_relations: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    year_from: int | None = None
    year_to: int | None = None
    avoid_groups: frozenset[str] = frozenset()

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Filters:
        """Read filters from query parameters (comma-separated lists): ``type``, ``only`` (or ``relation``),
        ``avoid``, ``kind``, ``country``, ``field``, ``from_year``, ``to_year``, ``avoid_type``."""

        def many(*names: str) -> frozenset[str]:
            values: set[str] = set()
            for name in names:
                raw = params.get(name)
                items = raw if isinstance(raw, list | tuple) else [raw]
                for item in items:
                    values.update(v.strip() for v in str(item or "").split(",") if v.strip())
            return frozenset(values)

        def year(name: str) -> int | None:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return None
            if not re.fullmatch(r"-?\d{1,4}", raw):
                raise NetworkError(f"{name}: {raw!r} is not a year")
            return int(raw)

        filters = cls(
            groups=many("type"),
            relations=many("only", "relation"),
            avoid_relations=many("avoid"),
            kinds=many("kind"),
            countries=many("country"),
            fields=many("field"),
            year_from=year("from_year"),
            year_to=year("to_year"),
            avoid_groups=many("avoid_type"),
        )
        filters.check()
        return filters

    def check(self) -> None:
        """Refuse unknown groups and relation categories, naming the known ones."""
        for name, values, known in (
            ("type", self.groups | self.avoid_groups, set(GROUPS) | set(CLASS_GROUP)),
            ("relation", self.relations | self.avoid_relations, set(RELATIONS) | {"tie"}),
        ):
            unknown = sorted(set(values) - known)
            if unknown:
                raise NetworkError(f"unknown {name} {', '.join(unknown)} (known: {', '.join(sorted(known))})")

    @property
    def empty(self) -> bool:
        """True when nothing is filtered out."""
        return self == Filters()

    def _rel_ok(self, relation: str) -> bool:
        expanded = {relation, "tie"} if relation in TIE_RELATIONS else {relation}
        if self.relations and not (expanded & self.relations):
            return False
        return not (expanded & self.avoid_relations)

    def tie_ok(self, tie: dict[str, Any]) -> bool:
        """Whether one tie on an edge passes."""
        if not self._rel_ok(tie["relation"]):
            return False
        if self.kinds and not ({tie.get("kind"), local_name(tie.get("kind") or "")} & self.kinds):
            return False
        if self.fields and not ({*tie["fields"], *map(local_name, tie["fields"])} & self.fields):
            return False
        if self.year_from is not None or self.year_to is not None:
            year = tie.get("year")
            if year is None:
                return False
            if self.year_from is not None and year < self.year_from:
                return False
            if self.year_to is not None and year > self.year_to:
                return False
        return True

    def link_ok(self, link: dict[str, Any]) -> bool:
        """Whether one non-tie link passes (links have no kind, field or date)."""
        if self.kinds or self.fields:
            return False
        return self._rel_ok(link["relation"])

    def node_ok(self, data: dict[str, Any]) -> bool:
        """Whether an entity passes the type filters."""
        names = {data.get("group"), data.get("type")}
        if self.groups and not (names & self.groups):
            return False
        return not (names & self.avoid_groups)


@dataclass
class Network:
    """The projection of one version of the store, with the indexes and the cached measures built on it."""

    graph: nx.Graph
    version: Any = None
    labels: dict[str, list[str]] = field(default_factory=dict)
    concept_labels: dict[str, str] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    # -- names ---------------------------------------------------------------------------------------------

    @cached_property
    def _name_index(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = {}
        for node, names in self.labels.items():
            for name in names:
                index.setdefault(normalize(name), set()).add(node)
        return index

    @cached_property
    def _search_rows(self) -> list[tuple[str, str, str]]:
        return sorted((normalize(name), name, node) for node, names in self.labels.items() for name in names)

    def node_json(self, node: str) -> dict[str, Any]:
        """An entity as the API names it: id, label, type, group, country."""
        data = self.graph.nodes[node]
        return {
            "id": node,
            "label": data.get("label") or local_name(node),
            "type": data.get("type"),
            "group": data.get("group"),
            "country": data.get("country"),
        }

    def search(self, text: str, limit: int = 20, groups: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Entities whose label or alternative spelling matches ``text`` (accent and case folded): exact
        matches first, then names that start with it, then names with a word starting with it, then names
        that contain it; better connected entities first within each rank. Each result says which name
        matched."""
        from .search import search  # places: the forgiving search (graph/search.py)

        return search(self, text, limit, groups)

    def resolve(self, ref: str) -> str:
        """The node meant by ``ref``: an IRI, an ``id:`` prefixed name, or a name (label, alternative or hidden
        label, compared without case or accents). Raises :class:`EntityNotFound` or :class:`AmbiguousName`."""
        ref = (ref or "").strip()
        if not ref:
            raise NetworkError("no entity given: pass an IRI or a name")
        if ref.startswith("id:"):
            ref = ID_NS + ref[3:]
        if re.match(r"^https?://", ref):
            if ref in self.graph:
                return ref
            raise EntityNotFound(f"no entity with the IRI {ref}")
        from .search import resolve_name  # places: every label, folded (graph/search.py)

        nodes = resolve_name(self, ref)
        if len(nodes) == 1:
            return next(iter(nodes))
        if len(nodes) > 1:
            candidates = sorted((self.node_json(n) for n in nodes), key=lambda c: (c["label"], c["id"]))
            listed = "; ".join(f"{c['label']} ({c['type']}, {c['id']})" for c in candidates)
            raise AmbiguousName(f"{ref!r} names {len(nodes)} entities: {listed}. Pass an IRI.", candidates)
        suggestions = self.search(ref, limit=5)
        hint = f"; did you mean {', '.join(s['label'] for s in suggestions)}?" if suggestions else ""
        raise EntityNotFound(f"no entity is called {ref!r}{hint}", suggestions)

    # -- filtered views -------------------------------------------------------------------------------------

    def view(self, filters: Filters | None = None) -> nx.Graph:
        """The network seen through ``filters``: a graph whose edges keep only the ties and links that pass
        (cached per filter set)."""
        filters = filters or Filters()
        if filters.empty:
            return self.graph
        key = ("view", _filters_key(filters))
        if key in self._cache:
            return self._cache[key]
        graph = nx.Graph()
        keep_nodes = {n for n, d in self.graph.nodes(data=True) if filters.node_ok(d)}
        for a, b, data in self.graph.edges(data=True):
            if a not in keep_nodes or b not in keep_nodes:
                continue
            ties = [t for t in data["ties"] if filters.tie_ok(t)]
            links = [link for link in data["links"] if filters.link_ok(link)]
            if not ties and not links:
                continue
            if filters.countries:
                ca, cb = self.graph.nodes[a].get("country"), self.graph.nodes[b].get("country")
                if not ({ca, cb, _iso(self, ca), _iso(self, cb)} & filters.countries):
                    continue
            graph.add_edge(a, b, ties=ties, links=links, relations=_relations(ties, links))
        if not filters.countries:
            graph.add_nodes_from(keep_nodes)
        else:
            graph.add_nodes_from(
                n
                for n in keep_nodes
                if {self.graph.nodes[n].get("country"), _iso(self, self.graph.nodes[n].get("country"))}
                & filters.countries
            )
        for n in graph.nodes:
            graph.nodes[n].update(self.graph.nodes[n])
        self._cache[key] = graph
        return graph

    # -- paths ----------------------------------------------------------------------------------------------

    def paths(
        self,
        source: str,
        target: str,
        k: int = 3,
        filters: Filters | None = None,
        max_hops: int = MAX_HOPS,
    ) -> list[list[str]]:
        """The ``k`` shortest simple paths from ``source`` to ``target`` (node IRIs, shortest first, ties in
        length broken by the order networkx finds them), in the filtered network.

        Uses Yen's algorithm as networkx implements it (``shortest_simple_paths``), stopping at ``k`` paths or
        at paths longer than ``max_hops`` hops. The two ends are kept even when the filters would hide them.
        """
        k = max(1, min(int(k), MAX_PATHS))
        graph = self.view(filters)
        if source == target:
            raise NetworkError("a path needs two different entities")
        if source not in graph or target not in graph:
            graph = graph.copy()
            for node in (source, target):
                if node not in graph:
                    graph.add_node(node, **self.graph.nodes[node])
                    for nbr in self.graph[node]:
                        if nbr in graph:
                            data = self.graph.edges[node, nbr]
                            fl = filters or Filters()
                            ties = [t for t in data["ties"] if fl.tie_ok(t)]
                            links = [x for x in data["links"] if fl.link_ok(x)]
                            if ties or links:
                                graph.add_edge(node, nbr, ties=ties, links=links, relations=_relations(ties, links))
        out: list[list[str]] = []
        try:
            for path in islice(nx.shortest_simple_paths(graph, source, target), k):
                if len(path) - 1 > max_hops:
                    break
                out.append(path)
        except nx.NetworkXNoPath:
            return []
        return out

    def hops(self, path: list[str], filters: Filters | None = None) -> list[dict[str, Any]]:
        """Each hop of a path with what ties its two ends (the ties and links that pass the filters)."""
        filters = filters or Filters()
        hops = []
        for a, b in zip(path, path[1:], strict=False):
            data = self.graph.edges[a, b]
            ties = [t for t in data["ties"] if filters.tie_ok(t)] or (data["ties"] if not data["links"] else [])
            links = [x for x in data["links"] if filters.link_ok(x)] or ([] if ties else data["links"])
            hops.append(
                {
                    "from": self.node_json(a),
                    "to": self.node_json(b),
                    "relations": sorted(_relations(ties, links)),
                    "ties": [self.tie_json(t) for t in sorted(ties, key=_tie_sort)],
                    "links": [self.link_json(x) for x in sorted(links, key=_link_sort)],
                }
            )
        return hops

    def tie_json(self, tie: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": tie["id"],
            "label": tie.get("label") or local_name(tie["id"]),
            "relation": tie["relation"],
            "kind": tie.get("kind"),
            "kindLabel": tie.get("kindLabel") or (local_name(tie["kind"]) if tie.get("kind") else None),
            "date": tie.get("date"),
            "year": tie.get("year"),
            "fields": [{"id": f, "label": self.concept_labels.get(f) or local_name(f)} for f in tie["fields"]],
            "parties": tie.get("parties", []),
        }

    def link_json(self, link: dict[str, Any]) -> dict[str, Any]:
        return {
            "relation": link["relation"],
            "role": link["role"],
            "subject": self.node_json(link["subject"]),
            "object": self.node_json(link["object"]),
        }

    # -- neighbours -----------------------------------------------------------------------------------------

    def partners(self, node: str, filters: Filters | None = None) -> set[str]:
        """The entities directly tied to ``node`` in the filtered network."""
        graph = self.view(filters)
        return set(graph[node]) if node in graph else set()

    def common_partners(self, nodes: list[str], filters: Filters | None = None) -> list[str]:
        """The entities tied directly to every one of ``nodes`` (sorted by label), excluding the nodes."""
        if len(nodes) < 2:
            raise NetworkError("common partners need two or more entities")
        sets = [self.partners(n, filters) for n in nodes]
        common = set.intersection(*sets) - set(nodes)
        return sorted(common, key=lambda n: (self.graph.nodes[n].get("label") or "", n))

    def partners_of_partners(self, node: str, filters: Filters | None = None) -> dict[str, list[str]]:
        """Entities two hops away (not direct partners), each with the partners that lead to it."""
        graph = self.view(filters)
        if node not in graph:
            return {}
        first = set(graph[node])
        second: dict[str, list[str]] = {}
        for partner in sorted(first):
            for other in graph[partner]:
                if other != node and other not in first:
                    second.setdefault(other, []).append(partner)
        return dict(sorted(second.items(), key=lambda kv: (-len(kv[1]), self.graph.nodes[kv[0]].get("label") or "")))

    def ego(
        self, node: str, radius: int = 1, limit: int = DEFAULT_EGO_LIMIT, filters: Filters | None = None
    ) -> tuple[list[str], bool]:
        """The entities within ``radius`` hops of ``node``, breadth first and best-connected first within a
        ring, at most ``limit`` of them. Returns (nodes, truncated)."""
        graph = self.view(filters)
        if node not in graph:
            return [node], False
        limit = max(1, limit)
        seen = {node}
        order = [node]
        frontier = [node]
        truncated = False
        for _ in range(max(0, radius)):
            ring = {nbr for n in frontier for nbr in graph[n]} - seen
            ranked = sorted(ring, key=lambda n: (-self.graph.degree(n), n))
            room = limit - len(order)
            if len(ranked) > room:
                ranked, truncated = ranked[: max(0, room)], True
            seen.update(ranked)
            order.extend(ranked)
            frontier = ranked
            if truncated or not frontier:
                break
        return order, truncated

    def subgraph_json(
        self, nodes: Iterable[str], filters: Filters | None = None, positions: bool = False
    ) -> dict[str, Any]:
        """Nodes and edges among ``nodes`` (in the filtered network) as the explorer draws them."""
        graph = self.view(filters)
        keep = [n for n in dict.fromkeys(nodes) if n in self.graph]
        kept = set(keep)
        layout = self.layout() if positions else {}
        out_nodes = []
        for n in keep:
            item = self.node_json(n)
            item["degree"] = self.graph.degree(n)
            if n in layout:
                item["x"], item["y"] = layout[n]
            out_nodes.append(item)
        edges = []
        for a in keep:
            if a not in graph:
                continue
            for b in graph[a]:
                if b in kept and a < b:
                    edges.append(self.edge_json(a, b, graph))
        return {"nodes": out_nodes, "edges": edges}

    def edge_json(self, a: str, b: str, graph: nx.Graph | None = None) -> dict[str, Any]:
        """One edge for the explorer: its ends, relations, ties (kind, year, fields) and a short label."""
        data = (graph or self.graph).edges[a, b]
        ties = sorted(data["ties"], key=_tie_sort)
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

    # -- structure ------------------------------------------------------------------------------------------

    def degree(self, filters: Filters | None = None) -> dict[str, int]:
        """Distinct partners of every entity (degree centrality, not normalised)."""
        return dict(self.view(filters).degree())

    def tie_counts(self, filters: Filters | None = None) -> dict[str, int]:
        """Ties and links of every entity (degree weighted by the number of ties and links on each edge)."""
        graph = self.view(filters)
        return {n: sum(len(d["ties"]) + len(d["links"]) for _, _, d in graph.edges(n, data=True)) for n in graph}

    def betweenness(self, filters: Filters | None = None) -> dict[str, float]:
        """Normalised betweenness centrality (Brandes 2001), exact up to 1,500 entities and estimated from 300
        sampled sources (seeded) above that; cached.

        >>> g = nx.path_graph(3)
        >>> nx.betweenness_centrality(g)[1]
        1.0
        """
        key = ("betweenness", _filters_key(filters or Filters()))
        if key not in self._cache:
            graph = self.view(filters)
            n = graph.number_of_nodes()
            sample = None if n <= EXACT_BETWEENNESS_MAX_NODES else BETWEENNESS_SAMPLES
            self._cache[key] = nx.betweenness_centrality(graph, k=sample, seed=SEED if sample else None)
        return self._cache[key]

    def ranking(self, measure: str = "degree", limit: int = 20, filters: Filters | None = None) -> list[dict]:
        """The top ``limit`` entities by ``measure`` (``degree``, ``ties`` or ``betweenness``), ties in score
        broken by label."""
        if measure not in MEASURES:
            raise NetworkError(f"unknown measure {measure!r} (known: {', '.join(MEASURES)})")
        scores: dict[str, float]
        key = ("ranking", measure, _filters_key(filters or Filters()))
        if key not in self._cache:
            if measure == "degree":
                scores = self.degree(filters)
            elif measure == "ties":
                scores = self.tie_counts(filters)
            else:
                scores = self.betweenness(filters)
            self._cache[key] = sorted(
                scores.items(), key=lambda kv: (-kv[1], self.graph.nodes[kv[0]].get("label") or "", kv[0])
            )
        top = self._cache[key]
        out = []
        for node, score in top[: max(1, limit)]:
            item = self.node_json(node)
            item["score"] = round(score, 6) if isinstance(score, float) else score
            out.append(item)
        return out

    def communities(self, filters: Filters | None = None) -> list[list[str]]:
        """Groups of densely tied entities: Louvain modularity communities (Blondel et al. 2008, seeded) up to
        20,000 edges, semi-synchronous label propagation (Cordasco and Gargano 2010) above, which is much faster;
        biggest first, isolated entities left out. Cached."""
        key = ("communities", _filters_key(filters or Filters()))
        if key not in self._cache:
            graph = self.view(filters)
            graph = graph.subgraph([n for n in graph if graph.degree(n) > 0])
            if graph.number_of_edges() <= LOUVAIN_MAX_EDGES:
                found = nx.community.louvain_communities(graph, seed=SEED)
            else:
                found = nx.community.label_propagation_communities(graph)
            self._cache[key] = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
        return self._cache[key]

    # -- overview and layout --------------------------------------------------------------------------------

    def overview(self, limit: int = 2000) -> tuple[list[str], bool]:
        """The entities the explorer opens with: all of them when there are at most ``limit``, else the
        ``limit`` best connected. Returns (nodes, truncated)."""
        nodes = sorted(self.graph.nodes, key=lambda n: (-self.graph.degree(n), n))
        if len(nodes) <= limit:
            return nodes, False
        return nodes[:limit], True

    def layout(self) -> dict[str, tuple[float, float]]:
        """Positions of every entity, computed once per version: communities placed on a sunflower spiral by
        size, entities of a community on a smaller spiral around it, best connected in the middle. Linear
        time, so it serves big graphs; the browser refines small views with ForceAtlas2."""
        if "layout" in self._cache:
            return self._cache["layout"]
        graph = self.graph
        groups = self.communities() if graph.number_of_edges() else []
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
        self._cache["layout"] = positions
        return positions

    # -- facets ---------------------------------------------------------------------------------------------

    def facets(self) -> dict[str, Any]:
        """What the filters can choose from, with counts: groups, types, relations, kinds, countries, fields,
        and the year range of dated ties (cached)."""
        if "facets" not in self._cache:
            self._cache["facets"] = self._facets()
        return self._cache["facets"]

    def _facets(self) -> dict[str, Any]:
        groups: Counter[str] = Counter()
        countries: Counter[str] = Counter()
        for _, data in self.graph.nodes(data=True):
            groups[data.get("group") or "other"] += 1
            if data.get("country"):
                countries[data["country"]] += 1
        relations: Counter[str] = Counter()
        kinds: dict[str, list] = {}
        fields: dict[str, list] = {}
        years = []
        seen_ties: set[str] = set()
        for _, _, data in self.graph.edges(data=True):
            for rel in data["relations"]:
                relations[rel] += 1
            for tie in data["ties"]:
                if tie["id"] in seen_ties:
                    continue
                seen_ties.add(tie["id"])
                if tie.get("kind"):
                    entry = kinds.setdefault(
                        local_name(tie["kind"]), [tie.get("kindLabel") or local_name(tie["kind"]), 0]
                    )
                    entry[1] += 1
                for f in tie["fields"]:
                    entry = fields.setdefault(local_name(f), [self.concept_labels.get(f) or local_name(f), 0])
                    entry[1] += 1
                if tie.get("year") is not None:
                    years.append(tie["year"])
        return {
            "groups": dict(sorted(groups.items())),
            "relations": [
                {"id": r, "label": RELATIONS.get(r, r), "count": relations[r]} for r in RELATIONS if relations[r]
            ],
            "kinds": [{"id": k, "label": v[0], "count": v[1]} for k, v in sorted(kinds.items())],
            "fields": [{"id": k, "label": v[0], "count": v[1]} for k, v in sorted(fields.items())],
            "countries": sorted(
                (
                    {
                        "id": c,
                        "label": self.graph.nodes[c].get("label") if c in self.graph else local_name(c),
                        "count": n,
                    }
                    for c, n in countries.items()
                ),
                key=lambda x: (-x["count"], x["label"] or ""),
            ),
            "years": [min(years), max(years)] if years else None,
            "ties": len(seen_ties),
            "nodes": self.graph.number_of_nodes(),
            "edges": self.graph.number_of_edges(),
        }


def _iso(net: Network, country: str | None) -> str | None:
    if not country or country not in net.graph:
        return None
    return net.graph.nodes[country].get("iso")


def _filters_key(filters: Filters) -> tuple:
    return tuple(tuple(sorted(v)) if isinstance(v, frozenset) else v for v in filters.__dict__.values())


def _tie_sort(tie: dict[str, Any]) -> tuple:
    return (tie.get("date") or "9999", tie.get("label") or "", tie["id"])


def _link_sort(link: dict[str, Any]) -> tuple:
    return (link["relation"], link["role"], link["subject"], link["object"])


def _relations(ties: list[dict], links: list[dict]) -> set[str]:
    return {t["relation"] for t in ties} | {x["relation"] for x in links}


# -- building the projection -----------------------------------------------------------------------------


def build_network(kg: KnowledgeGraph) -> Network:
    """Build the projection from two queries: the edges (``edges.rq``) and the nodes with their labels
    (``nodes.rq``); then each entity's country, by ``kp:country`` or up its ``located-in`` chain."""
    store = kg.store
    return assemble_network(
        store.select_values(load_query("nodes")),
        store.select_values(load_query("concepts")),
        store.select_values(load_query("edges")),
    )


def assemble_network(
    node_rows: Iterable[tuple], concept_rows: Iterable[tuple], edge_rows: Iterable[tuple], countries: bool = True
) -> Network:
    """A :class:`Network` from rows shaped as ``nodes.rq``, ``concepts.rq`` and ``edges.rq`` give them (the
    projection's whole graph, or the part of it the remote path finder explored). ``countries``: give every
    entity without ``kp:country`` the one up its ``located-in`` chain (only right when the rows hold the chain)."""
    graph = nx.Graph()
    labels: dict[str, list[str]] = {}
    concept_labels: dict[str, str] = {}
    for node, cls, label, country, iso, alt in node_rows:
        name = local_name(cls)
        if node not in graph:
            graph.add_node(node, label=None, type=None, group=None, country=country, iso=None)
        data = graph.nodes[node]
        group = CLASS_GROUP.get(name)
        if group and (data["type"] is None or data["type"] in _GENERIC):
            data["type"], data["group"] = name, group
        if label and not data["label"]:
            data["label"] = label
        if country and not data["country"]:
            data["country"] = country
        if iso:
            data["iso"] = iso
        names = labels.setdefault(node, [])
        for value in (label, alt):
            if value and value not in names:
                names.append(value)
    for concept, label in concept_rows:
        concept_labels.setdefault(concept, label)

    ties: dict[str, dict[str, Any]] = {}
    tie_pairs: dict[str, set[tuple[str, str]]] = {}
    links: list[dict[str, Any]] = []
    for a, b, rel, via, cls, label, kind, kind_label, date, fld in edge_rows:
        if a not in graph or b not in graph or a == b:
            continue
        if rel == "tie":
            tie = ties.get(via)
            if tie is None:
                tie = ties[via] = {
                    "id": via,
                    "label": label,
                    "relation": "partnership" if local_name(cls or "") == "Partnership" else "agreement",
                    "kind": kind,
                    "kindLabel": kind_label or concept_labels.get(kind or ""),
                    "date": date,
                    "year": year_of(date),
                    "fields": [],
                    "parties": [],
                }
            if local_name(cls or "") == "Agreement":
                tie["relation"] = "agreement"
            if fld and fld not in tie["fields"]:
                tie["fields"].append(fld)
            if date and (tie["date"] is None or date < tie["date"]):
                tie["date"], tie["year"] = date, year_of(date)
            tie_pairs.setdefault(via, set()).add((a, b) if a < b else (b, a))
        else:
            relation = _ROLE_RELATION.get(rel)
            if relation is None:
                holder = graph.nodes[a].get("group")
                relation = "event" if holder == "event" else "program"
            links.append({"relation": relation, "role": rel, "subject": a, "object": b})

    def edge(a: str, b: str) -> dict[str, Any]:
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, ties=[], links=[], relations=set())
        return graph.edges[a, b]

    for via, pairs in tie_pairs.items():
        tie = ties[via]
        parties = sorted({n for pair in pairs for n in pair})
        tie["parties"] = [{"id": p, "label": graph.nodes[p].get("label") or local_name(p)} for p in parties]
        for a, b in sorted(pairs):
            data = edge(a, b)
            data["ties"].append(tie)
            data["relations"].add(tie["relation"])
    seen_links = set()
    for link in links:
        key = (link["role"], link["subject"], link["object"])
        if key in seen_links:
            continue
        seen_links.add(key)
        data = edge(link["subject"], link["object"])
        data["links"].append(link)
        data["relations"].add(link["relation"])

    if countries:
        _assign_countries(graph)
    return Network(graph, labels=labels, concept_labels=concept_labels)


def _assign_countries(graph: nx.Graph) -> None:
    """Give every entity without ``kp:country`` the country above it on its ``located-in`` / ``part-of`` chain."""
    up: dict[str, list[str]] = {}
    for _, _, data in graph.edges(data=True):
        for link in data["links"]:
            if link["relation"] in ("located-in", "part-of"):
                up.setdefault(link["subject"], []).append(link["object"])
    for node, data in graph.nodes(data=True):
        if data.get("type") == "Country":
            data["country"] = node
    memo: dict[str, str | None] = {}

    def country_of(node: str) -> str | None:
        if node in memo:
            return memo[node]
        memo[node] = None  # cycle guard
        data = graph.nodes[node]
        found = data.get("country")
        if not found:
            queue = deque(sorted(up.get(node, [])))
            while queue and not found:
                found = country_of(queue.popleft())
        memo[node] = found
        return found

    for node in graph.nodes:
        graph.nodes[node]["country"] = country_of(node)


def store_version(kg: KnowledgeGraph) -> Any:
    """A cheap token that changes when the store changes: the store's own change counter when it has one
    (``store.generation``), else its number of quads (``len()`` of the embedded engine, a COUNT query remotely)."""
    generation = getattr(kg.store, "generation", None)
    if generation is not None:
        return ("generation", generation)
    native = getattr(kg.store, "native", None)
    if native is not None:
        return ("quads", len(native))
    return ("quads", kg.store.quad_count())


_BUILD_LOCK = threading.Lock()


def network(kg: KnowledgeGraph, *, recheck_seconds: float = 5.0, background: bool = True) -> Network:
    """The projection of ``kg``, cached on it.

    The first call builds it. Later calls return the cached projection; at most every ``recheck_seconds`` the
    store's version (:func:`store_version`) is compared with the projection's and, when it changed, the
    projection is rebuilt: in a background thread by default (callers keep the old one meanwhile, so no request
    waits for a rebuild), or at once with ``background=False``.
    """
    cached: Network | None = getattr(kg, "_network", None)
    if cached is None:
        with _BUILD_LOCK:
            cached = getattr(kg, "_network", None)
            if cached is None:
                cached = _rebuild(kg, None)
        return cached
    now = time.monotonic()
    if now - getattr(kg, "_network_checked", 0.0) < recheck_seconds:
        return cached
    kg._network_checked = now  # type: ignore[attr-defined]
    if not background:
        return _rebuild(kg, cached)
    running: threading.Thread | None = getattr(kg, "_network_thread", None)
    if running is None or not running.is_alive():
        thread = threading.Thread(target=_rebuild, args=(kg, cached), name="network-refresh", daemon=True)
        kg._network_thread = thread  # type: ignore[attr-defined]
        thread.start()
    return cached


def _rebuild(kg: KnowledgeGraph, cached: Network | None) -> Network:
    """Build the projection again when the store's version differs from the cached one's."""
    version = store_version(kg)
    if cached is not None and cached.version == version:
        return cached
    net = build_network(kg)
    net.version = version
    kg._network = net  # type: ignore[attr-defined]
    kg._network_checked = time.monotonic()  # type: ignore[attr-defined]
    return net


def node_pairs(parties: list[str]) -> list[tuple[str, str]]:
    """Every unordered pair of an n-party tie's parties, as edges are made of them.

    >>> node_pairs(["a", "b", "c"])
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    return list(combinations(sorted(parties), 2))
