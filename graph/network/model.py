"""The projection of one version of the store as an object: :class:`Network`, its graph, names and caches."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx

from . import algorithms, views
from .base import (
    DEFAULT_EGO_LIMIT,
    ID_NS,
    MAX_HOPS,
    MAX_PATHS,
    MEASURES,
    SEED,
    AmbiguousName,
    EntityNotFound,
    NetworkError,
)
from .filters import PARAMETERS, Filters, filtered_view, undated, with_ends
from .names import NameSearch
from .single_flight import SingleFlight

if TYPE_CHECKING:
    from .measures import Measures

T = TypeVar("T")
#: Up to this many edges the layout computes the communities itself (Louvain: well under a second), not waiting
#: for the background measure.
INLINE_COMMUNITIES_MAX_EDGES = 5_000
#: How paths can be ranked, with the rule each follows.
RANKINGS = {
    "meaning": f"by what their hops are, cheapest first: {algorithms.COST_RULE}; fewer hops first among equal costs",
    "hops": "by number of hops, fewest first",
}


#: The cache key of the partner counts of the whole projection (:meth:`Network.degree` without filters).
_DEGREE_KEY = ("degree", Filters().key)


@dataclass(eq=False)
class Network(NameSearch):
    """The projection of one version of the store, with the indexes and the cached results built on it.

    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", ties=(), links=(), relations=frozenset({"agreement"}), cost=1.0)
    >>> Network(g).partners("a")
    {'b'}
    """

    graph: nx.Graph
    version: Any = None
    labels: dict[str, list[str]] = field(default_factory=dict)
    concept_labels: dict[str, str] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    _partner_counts: dict[str, int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: Where the background measures of this version are persisted, and the fingerprint of the data.
    measures_file: Path | None = field(default=None, repr=False)
    stamp: Any = field(default=None, repr=False)
    #: The persisted projection this one was built or loaded as: (file, header fields that must match), for the
    #: measure process to read (see :mod:`.measure_process`).
    source: tuple[Path, dict[str, Any]] | None = field(default=None, repr=False)
    _measures: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._flight = SingleFlight(self._cache)

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k in ("graph", "version", "labels", "concept_labels")}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache = {}
        self._flight = SingleFlight(self._cache)
        self._partner_counts = {}
        self._lock = threading.Lock()
        self.measures_file = self.stamp = self.source = self._measures = None

    @property
    def measures(self) -> Measures:
        """The measures computed in the background for this version (see :class:`~graph.network.measures.Measures`)."""
        if self._measures is None:
            from .measures import Measures

            with self._lock:
                if self._measures is None:
                    self._measures = Measures(self, self.measures_file, self.stamp)
        return self._measures

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for this version of the projection (results of filters, layouts, bodies): a
        caller that asks while another computes the same key waits for that result (see :class:`.SingleFlight`)."""
        return self._flight.get(key, compute)

    # -- JSON ----------------------------------------------------------------------------------------------

    def node_json(self, node: str) -> dict[str, Any]:
        """An entity as the API names it: id, label, type, group, country."""
        return views.node_json(self, node)

    def tie_json(self, tie: Any) -> dict[str, Any]:
        """A tie as the API shows it."""
        return views.tie_json(self, tie)

    def link_json(self, link: Any) -> dict[str, Any]:
        """A link as the API shows it."""
        return views.link_json(self, link)

    def edge_json(self, a: str, b: str, graph: nx.Graph | None = None) -> dict[str, Any]:
        """One edge for the explorer."""
        return views.edge_json(self, a, b, graph)

    def subgraph_json(
        self,
        nodes: Iterable[str],
        filters: Filters | None = None,
        positions: bool = False,
        max_ties: int | None = None,
    ) -> dict[str, Any]:
        """Nodes and edges among ``nodes`` (in the filtered network) as the explorer draws them, at most ``max_ties``
        ties and links on them (see :func:`views.budgeted_edges`)."""
        return views.subgraph_json(self, nodes, filters, positions, max_ties)

    def hops(self, path: list[str], filters: Filters | None = None) -> list[dict[str, Any]]:
        """Each hop of a path with what ties its two ends (the ties and links that pass the filters)."""
        return views.hops(self, path, filters)

    def ties_between(self, a: str, b: str, filters: Filters | None = None) -> list[dict[str, Any]]:
        """The ties (then links) on the edge between ``a`` and ``b`` that pass ``filters``, as JSON."""
        filters = filters or Filters()
        if not self.graph.has_edge(a, b):
            return []
        data = self.graph.edges[a, b]
        ties = [self.tie_json(t) for t in sorted(data["ties"], key=views.tie_sort) if filters.tie_ok(t)]
        return ties + [self.link_json(x) for x in data["links"] if filters.link_ok(x)]

    def ties_of(self, node: str) -> list[dict[str, Any]]:
        """Every tie ``node`` is a party of, as JSON, by date."""
        seen: dict[str, dict[str, Any]] = {}
        if node in self.graph:
            for nbr in self.graph[node]:
                for tie in self.graph.edges[node, nbr]["ties"]:
                    if tie["id"] not in seen:
                        seen[tie["id"]] = self.tie_json(tie)
        return sorted(seen.values(), key=lambda t: (t.get("date") or "9999", t["label"]))

    # -- filtered views ------------------------------------------------------------------------------------

    def view(self, filters: Filters | None = None) -> nx.Graph:
        """The network seen through ``filters`` (cached per filter set); countries named as people name them."""
        filters = filters or Filters()
        if filters.empty:
            return self.graph
        filters = self.with_countries(filters)
        return self.memo(("view", filters.key), lambda: filtered_view(self.graph, filters))

    def with_countries(self, filters: Filters) -> Filters:
        """``filters`` with each country given as the IRI of a country of the network (see :meth:`country`)."""
        if not filters.countries:
            return filters
        return replace(filters, countries=frozenset(self.country(c) for c in filters.countries))

    @cached_property
    def _countries(self) -> dict[str, str]:
        """Countries by IRI and by ISO code (upper case)."""
        index: dict[str, str] = {}
        for node, data in self.graph.nodes(data=True):
            if data.get("type") == "Country":
                index[node] = node
                if data.get("iso"):
                    index[str(data["iso"]).upper()] = node
        return index

    def country(self, ref: str) -> str:
        """The country meant by ``ref``: its IRI (or ``id:`` name), its ISO code in any case (``cn``, ``CN``) or
        its name (``China``). Anything else is refused, saying why (:class:`NetworkError`, a 400)."""
        ref = (ref or "").strip()
        found = self._countries.get(ID_NS + ref[3:] if ref.startswith("id:") else ref) or self._countries.get(
            ref.upper()
        )
        if found:
            return found
        try:
            node = self.resolve(ref)
        except AmbiguousName as error:
            countries = [c for c in error.candidates if c["type"] == "Country"]
            if len(countries) == 1:
                return countries[0]["id"]
            raise NetworkError(f"country: {ref!r} names several entities, none of them one country") from None
        except EntityNotFound:
            raise NetworkError(
                f"country: {ref!r} is not a country of the network: give an ISO code (e.g. KR), a name or an IRI"
            ) from None
        data = self.graph.nodes[node]
        if data.get("type") != "Country":
            raise NetworkError(
                f"country: {data.get('label') or ref!r} is a {data.get('type') or 'entity'}, not a country"
            )
        return node

    def view_with_ends(self, filters: Filters | None, ends: list[str]) -> nx.Graph:
        """The filtered view with the entities ``ends`` kept even when the filters hide them."""
        filters = filters or Filters()
        return with_ends(self.view(filters), self.graph, filters, ends)

    def why_empty(
        self,
        filters: Filters | None,
        ends: list[str] | None = None,
        test: Callable[[nx.Graph], bool] | None = None,
    ) -> dict[str, Any]:
        """Why an answer under ``filters`` is empty: which filters emptied it (the ones without which there would
        be an answer: a path between ``ends`` when given, else what ``test(view)`` says, else any tie or link)
        and what the year range left out for want of a date, with a sentence for people."""
        filters = self.with_countries(filters or Filters())

        def answers(candidate: Filters) -> bool:
            if ends:
                view = self.view_with_ends(candidate, ends)
                return all(e in view for e in ends) and nx.has_path(view, ends[0], ends[1])
            view = self.view(candidate)
            return test(view) if test else view.number_of_edges() > 0

        culprits = [name for name in filters.active() if answers(filters.without(name))]
        gaps = undated(self.graph, filters)
        what = "no path between these two" if ends else "nothing"
        if not answers(Filters()):
            sentence = f"{what.capitalize()} even without any filter" + (
                ": they are not connected in the network." if ends else "."
            )
        elif culprits:
            names = ", ".join(f"`{PARAMETERS[c]}`" for c in culprits)
            sentence = f"{what.capitalize()} with these filters; without {names} there would be."
        elif filters.active():
            sentence = f"{what.capitalize()} with these filters together; each one alone leaves something."
        else:
            sentence = f"{what.capitalize()}."
        if gaps["ties"] or gaps["entities"]:
            sentence += (
                f" The year range left out {gaps['ties']} undated tie{'s' if gaps['ties'] != 1 else ''} and "
                f"{gaps['entities']} undated program{'s' if gaps['entities'] != 1 else ''}, course(s) or event(s)."
            )
        return {
            "emptiedBy": [{"filter": c, "parameter": PARAMETERS[c]} for c in culprits],
            "undated": gaps,
            "message": sentence,
        }

    def filter_summary(self, filters: Filters | None) -> dict[str, Any]:
        """What ``filters`` leave: entities, edges and ties, and what the year range left out undated."""
        filters = self.with_countries(filters or Filters())
        view = self.view(filters)
        ties = {t["id"] for _, _, d in view.edges(data=True) for t in d["ties"]}
        linked = sum(1 for n in view if view.degree(n))
        return {
            "entities": view.number_of_nodes(),
            "connected": linked,
            "edges": view.number_of_edges(),
            "ties": len(ties),
            "undated": undated(self.graph, filters),
        }

    # -- paths ---------------------------------------------------------------------------------------------

    def paths(
        self,
        source: str,
        target: str,
        k: int = 3,
        filters: Filters | None = None,
        max_hops: int = MAX_HOPS,
        ranked: bool = True,
    ) -> list[list[str]]:
        """The ``k`` best simple paths from ``source`` to ``target`` in the filtered network: ranked by what
        their hops are (ties and shared programs before containment; see :func:`algorithms.shortest_paths`),
        or by number of hops alone with ``ranked=False``. The two ends are kept even when the filters would
        hide them."""
        k = max(1, min(int(k), MAX_PATHS))
        if source == target:
            raise NetworkError("a path needs two different entities")
        graph = self.view_with_ends(filters, [source, target])
        return algorithms.shortest_paths(graph, source, target, k, max_hops, ranked)

    def ranked_paths(
        self,
        source: str,
        target: str,
        k: int = 3,
        filters: Filters | None = None,
        max_hops: int = MAX_HOPS,
        rank: str = "meaning",
    ) -> dict[str, Any]:
        """The paths of :meth:`paths` with why each ranks where it does: ``{"paths": [[node, ...], ...],
        "ranking": {"by", "rule", "exact", "considered", "paths": [{"rank", "hops", "cost", "why", ...}]}}``.
        ``rank``: ``meaning`` (the default: ties and shared programs before containment) or ``hops``."""
        if rank not in RANKINGS:
            raise NetworkError(f"rank: unknown ranking {rank!r} (known: {', '.join(RANKINGS)})")
        k = max(1, min(int(k), MAX_PATHS))
        if source == target:
            raise NetworkError("a path needs two different entities")
        graph = self.view_with_ends(filters, [source, target])
        if rank == "hops":
            found = algorithms.shortest_paths(graph, source, target, k, max_hops, ranked=False)
            search: dict[str, Any] = {"paths": found, "exact": True, "considered": len(found)}
        else:
            search = algorithms.ranked_paths(graph, source, target, k, max_hops)
        return {
            "paths": search["paths"],
            "ranking": {
                "by": rank,
                "rule": RANKINGS[rank],
                "exact": search["exact"],
                "considered": search["considered"],
                "paths": algorithms.explain_ranking(graph, search["paths"]),
            },
        }

    def explain_rank(self, path: list[str], filters: Filters | None = None) -> dict[str, Any]:
        """Why ``path`` ranks where it does (see :func:`algorithms.explain_rank`)."""
        return algorithms.explain_rank(self.view_with_ends(filters, [path[0], path[-1]]), path)

    # -- neighbours ----------------------------------------------------------------------------------------

    def partners(self, node: str, filters: Filters | None = None) -> set[str]:
        """The entities directly tied to ``node`` in the filtered network."""
        return algorithms.partners(self.view(filters), node)

    def common_partners(self, nodes: list[str], filters: Filters | None = None) -> list[str]:
        """The entities tied directly to every one of ``nodes`` (sorted by label), excluding the nodes."""
        common = algorithms.common_partners(self.view(filters), nodes)
        return sorted(common, key=self._label_key)

    def partners_of_partners(self, node: str, filters: Filters | None = None) -> dict[str, list[str]]:
        """Entities two hops away (not direct partners), each with the partners that lead to it; most
        connecting partners first, then by label."""
        second = algorithms.partners_of_partners(self.view(filters), node)
        return dict(sorted(second.items(), key=lambda kv: (-len(kv[1]), self.graph.nodes[kv[0]].get("label") or "")))

    def ego(
        self, node: str, radius: int = 1, limit: int = DEFAULT_EGO_LIMIT, filters: Filters | None = None
    ) -> tuple[list[str], bool]:
        """The entities within ``radius`` hops of ``node``, best connected first within a ring, at most
        ``limit``. Returns (nodes, truncated)."""
        ranked = self._cache.get("connected-rank")  # kept by the overview: a C-level look-up per neighbour
        if ranked is not None:
            return algorithms.ego_nodes(self.view(filters), node, radius, limit, ranked.__getitem__)
        kept = self._kept_degree()
        count = kept.get if kept is not None else self.partner_count
        adj = self.graph._adj  # the plain dict: networkx's views cost an object per look-up
        rank = lambda n: (-count(n), -len(adj[n]), n)  # noqa: E731
        return algorithms.ego_nodes(self.view(filters), node, radius, limit, rank)

    def connected_rank(self) -> dict[str, int]:
        """Each entity's place when all are ranked best connected first (most partners, then most links, then by
        IRI), computed once per version (the overview is its head; a hub's neighbours are ranked by it)."""

        def rank() -> dict[str, int]:
            count, adj = self.degree(), self.graph._adj
            ordered = sorted(self.graph.nodes, key=lambda n: (-count.get(n, 0), -len(adj[n]), n))
            return {n: i for i, n in enumerate(ordered)}

        return self.memo("connected-rank", rank)

    def partner_count(self, node: str) -> int:
        """Distinct partners of ``node`` in the whole projection (:func:`algorithms.partner_count`), counted once
        per entity: the explorer ranks and sizes every neighbour of a hub by it. Read from :meth:`degree` once that
        is computed (the warm-up does), else counted for this entity alone."""
        kept = self._kept_degree()
        if kept is not None:
            return kept.get(node, 0)
        found = self._partner_counts.get(node)
        if found is None:
            found = self._partner_counts[node] = algorithms.partner_count(self.graph, node)
        return found

    def _kept_degree(self) -> dict[str, int] | None:
        """The partner counts of every entity when :meth:`degree` has computed them, else None (not computed here:
        13–17 s at 417,033 entities)."""
        return self._cache.get(_DEGREE_KEY)

    def _label_key(self, node: str) -> tuple[str, str]:
        return (self.graph.nodes[node].get("label") or "", node)

    # -- measures ------------------------------------------------------------------------------------------

    def degree(self, filters: Filters | None = None) -> dict[str, int]:
        """Distinct partners of every entity (degree centrality over partnerships, not normalised): where an
        entity is located and what it belongs to are links, not partners (cached: 13–17 s at 417,033 entities)."""
        return self.memo(("degree", (filters or Filters()).key), lambda: algorithms.partner_degrees(self.view(filters)))

    def tie_counts(self, filters: Filters | None = None) -> dict[str, int]:
        """Ties and links of every entity."""
        return self.memo(("ties", (filters or Filters()).key), lambda: algorithms.tie_counts(self.view(filters)))

    def betweenness(
        self, filters: Filters | None = None, progress: Callable[[float], None] | None = None
    ) -> dict[str, float]:
        """Normalised betweenness centrality, exact up to 1,500 entities and estimated from 300 sampled
        sources (seeded) above that; cached. Slow on big graphs: the API computes it in the background."""
        graph = self.view(filters)
        return self.memo(
            ("betweenness", (filters or Filters()).key),
            lambda: algorithms.betweenness(graph, algorithms.betweenness_samples(graph), SEED, progress),
        )

    def communities(self, filters: Filters | None = None) -> list[list[str]]:
        """Groups of densely tied entities (see :func:`algorithms.communities`), cached; the background
        measures' result when they have it."""
        done = self._measures.status("communities", filters) if self._measures is not None else {}
        if done.get("status") == "ready":
            return done["communities"]
        return self.memo(
            ("communities", (filters or Filters()).key), lambda: algorithms.communities(self.view(filters), SEED)
        )

    def scores(self, measure: str, filters: Filters | None = None) -> dict[str, float]:
        """Every entity's score by ``measure`` (``degree``, ``ties`` or ``betweenness``)."""
        if measure == "degree":
            return self.degree(filters)
        if measure == "ties":
            return self.tie_counts(filters)
        if measure == "betweenness":
            return self.betweenness(filters)
        raise NetworkError(f"unknown measure {measure!r} (known: {', '.join(MEASURES)})")

    def ranking(self, measure: str = "degree", limit: int = 20, filters: Filters | None = None) -> list[dict]:
        """The top ``limit`` entities by ``measure``, ties in score broken by label."""
        if measure not in MEASURES:
            raise NetworkError(f"unknown measure {measure!r} (known: {', '.join(MEASURES)})")
        return self.rank_scores(self.scores(measure, filters), limit, ("ranking", measure, (filters or Filters()).key))

    def rank_scores(self, scores: dict[str, float], limit: int, key: Any = None) -> list[dict]:
        """The top ``limit`` of some scores as entities with a ``score``, ties broken by label: only the entities
        that score at least the ``limit``-th best are sorted with their labels (not all 417,033 at 1M: 15 s)."""
        limit = max(1, limit)

        def order() -> list[tuple[str, float]]:
            floor = heapq.nlargest(limit, scores.values())[-1] if len(scores) > limit else None
            best = scores.items() if floor is None else [kv for kv in scores.items() if kv[1] >= floor]
            ranked = sorted(best, key=lambda kv: (-kv[1], self.graph.nodes[kv[0]].get("label") or "", kv[0]))
            return ranked[:limit]

        top = self.memo((*key, limit), order) if key is not None else order()
        out = []
        for node, score in top:
            item = self.node_json(node)
            item["score"] = round(score, 6) if isinstance(score, float) else score
            out.append(item)
        return out

    # -- overview, layout, facets --------------------------------------------------------------------------

    def overview(self, limit: int = 2000) -> tuple[list[str], bool]:
        """The entities the explorer opens with (see :func:`views.overview`)."""
        return views.overview(self, limit)

    def layout(self) -> dict[str, tuple[float, float]]:
        """Positions of every entity (see :func:`views.layout`), computed once per version with its communities;
        on a big graph whose communities are still computing in the background, a provisional layout without
        them (no request waits for a measure)."""
        groups = self._layout_groups()
        if groups is None:
            return self.memo("layout-provisional", lambda: views.layout(self.graph, []))
        return self.memo("layout", lambda: views.layout(self.graph, groups))

    def layout_final(self) -> bool:
        """Whether :meth:`layout` places the communities (else it is provisional: they are computing)."""
        return self._layout_groups() is not None

    def _layout_groups(self) -> list[list[str]] | None:
        """The communities the layout places: computed here on a small graph (milliseconds), else the background
        measure's (requested if need be); None while that is not ready."""
        if self.graph.number_of_edges() <= INLINE_COMMUNITIES_MAX_EDGES:
            return self.communities() if self.graph.number_of_edges() else []
        status = self.measures.request("communities")
        return status["communities"] if status.get("status") == "ready" else None

    def facets(self) -> dict[str, Any]:
        """What the filters can choose from, with counts (cached)."""
        return self.memo("facets", lambda: views.facets(self))
