"""What can be asked of a network, as plain functions over a networkx graph (in the networkx manner).

Every function takes an undirected :class:`networkx.Graph` whose edges carry ``ties`` and ``links`` (what the
projection puts there) and, for the ranked paths, a ``cost`` per edge (:func:`hop_cost`).

>>> g = nx.Graph()
>>> g.add_edge("a", "b", cost=1.0)
>>> g.add_edge("b", "c", cost=1.0)
>>> ego_nodes(g, "a", radius=2)
(['a', 'b', 'c'], False)
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

import networkx as nx
from networkx.algorithms.centrality.betweenness import _rescale

from .base import (
    BETWEENNESS_SAMPLES,
    BETWEENNESS_WORK,
    EXACT_BETWEENNESS_MAX_NODES,
    LOUVAIN_MAX_EDGES,
    STRUCTURAL_RELATIONS,
    NetworkError,
)

#: What a hop costs when paths are ranked by meaning: a tie or a shared program or event is a partnership
#: (1); a part-of or head-of link says who belongs to whom (1.5: a hospital of a university is nearly the
#: university); containment only says where a thing is (4: a path through "both are in Korea" comes after one
#: of up to four real ties).
RELATION_COST: dict[str, float] = {
    "agreement": 1.0,
    "partnership": 1.0,
    "program": 1.0,
    "event": 1.0,
    "head-of": 1.5,
    "part-of": 1.5,
    "located-in": 4.0,
}
COST_RULE = "a tie, shared program or event costs 1, part of / head of 1.5, containment (located in) 4"
#: Words for each relation in the explanation of a path's rank.
RELATION_WORDS: dict[str, str] = {
    "agreement": "agreement",
    "partnership": "partnership",
    "program": "shared program",
    "event": "shared event",
    "head-of": "head of",
    "part-of": "part of",
    "located-in": "containment (located in)",
}


def hop_cost(relations: Iterable[str]) -> float:
    """The cost of an edge for ranked paths: that of its most meaningful relation.

    >>> hop_cost({"located-in", "agreement"}), hop_cost({"located-in"})
    (1.0, 4.0)
    """
    return min((RELATION_COST.get(r, 1.5) for r in relations), default=1.5)


def hop_relation(relations: Iterable[str]) -> str:
    """The relation a hop is counted as in a path's explanation: its cheapest one (ties first)."""
    return min(relations, key=lambda r: (RELATION_COST.get(r, 1.5), r), default="link")


#: How many paths (by number of hops) the ranked search reads at most.
RANKED_CANDIDATES = 30


def shortest_paths(
    graph: nx.Graph, source: str, target: str, k: int = 3, max_hops: int = 12, ranked: bool = True
) -> list[list[str]]:
    """The ``k`` best simple paths from ``source`` to ``target`` of at most ``max_hops`` hops: ranked by the
    costs of their hops (see :func:`ranked_paths`), or by number of hops alone (``ranked=False``, Yen's
    algorithm). Empty when no path exists.

    >>> g = nx.Graph()
    >>> g.add_edge("a", "kr", cost=4.0)
    >>> g.add_edge("kr", "b", cost=4.0)
    >>> g.add_edge("a", "u", cost=1.0)
    >>> g.add_edge("u", "b", cost=1.0)
    >>> shortest_paths(g, "a", "b", k=2)
    [['a', 'u', 'b'], ['a', 'kr', 'b']]
    >>> shortest_paths(g, "a", "b", k=1, ranked=False)
    [['a', 'kr', 'b']]
    """
    if not ranked:
        if source not in graph or target not in graph:
            return []
        try:
            return [p for p in islice(nx.shortest_simple_paths(graph, source, target), k) if len(p) - 1 <= max_hops]
        except nx.NetworkXNoPath:
            return []
    return ranked_paths(graph, source, target, k, max_hops)["paths"]


def ranked_paths(graph: nx.Graph, source: str, target: str, k: int = 3, max_hops: int = 12) -> dict[str, Any]:
    """The ``k`` paths of least summed ``cost`` (ties and shared programs before part-of links before
    containment), fewer hops first among equal costs, then in the order found; with how many paths were
    considered and whether the ranking is exact.

    Paths are read by number of hops (Yen's algorithm over breadth-first searches, fast). A hop costs at least
    1, so once the paths read have as many hops as the ``k``-th best cost so far no later path can rank above it
    (at best it costs as much, with as many hops or more, found later): the answer is exact. The search reads at
    most :data:`RANKED_CANDIDATES` paths; when it stops there, the answer is the best of those (``exact`` false).
    """
    found: list[tuple[float, int, int, list[str]]] = []
    exact = True
    considered = 0
    if source in graph and target in graph:
        try:
            for order, path in enumerate(nx.shortest_simple_paths(graph, source, target)):
                hops = len(path) - 1
                if hops > max_hops or (len(found) >= k and hops >= found[k - 1][0]):
                    break  # a path of this many hops costs at least as much as the k-th best: it cannot rank above
                if order == RANKED_CANDIDATES:
                    exact = False
                    break
                considered += 1
                found.append((path_cost(graph, path), hops, order, path))
                found.sort()
        except nx.NetworkXNoPath:
            pass
    return {"paths": [path for *_, path in found[:k]], "considered": considered, "exact": exact}


def path_cost(graph: nx.Graph, path: list[str]) -> float:
    """The summed cost of a path's hops."""
    return sum(graph.edges[a, b].get("cost", 1.0) for a, b in zip(path, path[1:], strict=False))


def explain_rank(graph: nx.Graph, path: list[str]) -> dict[str, Any]:
    """Why a path ranks where it does: the relation each hop counts as, their cost and a sentence.

    >>> g = nx.Graph()
    >>> g.add_edge("a", "kr", relations={"located-in"}, cost=4.0)
    >>> g.add_edge("kr", "b", relations={"located-in"}, cost=4.0)
    >>> explain_rank(g, ["a", "kr", "b"])["why"]
    '2 hops: 2 containment (located in); cost 8'
    """
    kinds = [hop_relation(graph.edges[a, b].get("relations", ())) for a, b in zip(path, path[1:], strict=False)]
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    cost = path_cost(graph, path)
    ordered = sorted(counts.items(), key=lambda kv: (RELATION_COST.get(kv[0], 1.5), kv[0]))
    parts = ", ".join(f"{n} {RELATION_WORDS.get(kind, kind)}" for kind, n in ordered)
    hops = len(path) - 1
    why = f"{hops} hop{'s' if hops != 1 else ''}: {parts}; cost {cost:g}"
    return {"hops": hops, "cost": cost, "hopKinds": kinds, "counts": counts, "why": why}


def explain_ranking(graph: nx.Graph, paths: list[list[str]]) -> list[dict[str, Any]]:
    """:func:`explain_rank` for each of a ranked list of paths, each saying why it comes after the one before.

    >>> g = nx.Graph()
    >>> g.add_edge("a", "u", relations={"agreement"}, cost=1.0)
    >>> g.add_edge("u", "b", relations={"agreement"}, cost=1.0)
    >>> g.add_edge("a", "b", relations={"located-in"}, cost=4.0)
    >>> [r["why"] for r in explain_ranking(g, [["a", "u", "b"], ["a", "b"]])]
    ['2 hops: 2 agreement; cost 2', '1 hop: 1 containment (located in); cost 4: after path 1, which costs less (2)']
    """
    out: list[dict[str, Any]] = []
    for i, path in enumerate(paths):
        reason = {"rank": i + 1, **explain_rank(graph, path)}
        if out:
            before = out[-1]
            if reason["cost"] > before["cost"]:
                reason["why"] += f": after path {i}, which costs less ({before['cost']:g})"
            elif reason["hops"] > before["hops"]:
                reason["why"] += f": as costly as path {i}, with more hops"
            else:
                reason["why"] += f": as costly as path {i} and as long, found after it"
        out.append(reason)
    return out


def partners(graph: nx.Graph, node: str) -> set[str]:
    """The entities directly tied to ``node``."""
    return set(graph[node]) if node in graph else set()


def common_partners(graph: nx.Graph, nodes: list[str]) -> set[str]:
    """The entities tied directly to every one of ``nodes``, the nodes themselves excluded.

    >>> common_partners(nx.Graph([("a", "x"), ("b", "x"), ("a", "b")]), ["a", "b"])
    {'x'}
    """
    if len(nodes) < 2:
        raise NetworkError("common partners need two or more entities")
    return set.intersection(*(partners(graph, n) for n in nodes)) - set(nodes)


def partners_of_partners(graph: nx.Graph, node: str) -> dict[str, list[str]]:
    """Entities two hops away (not direct partners), each with the partners that lead to it.

    >>> partners_of_partners(nx.path_graph(["a", "b", "c"]), "a")
    {'c': ['b']}
    """
    if node not in graph:
        return {}
    first = set(graph[node])
    second: dict[str, list[str]] = {}
    for partner in sorted(first):
        for other in graph[partner]:
            if other != node and other not in first:
                second.setdefault(other, []).append(partner)
    return second


def partner_count(graph: nx.Graph, node: str) -> int:
    """Distinct partners of ``node``: neighbours on an edge that is more than containment or membership.

    >>> g = nx.Graph()
    >>> g.add_edge("suwon", "cluj", relations=frozenset({"partnership"}))
    >>> g.add_edge("suwon", "gyeonggi", relations=frozenset({"located-in"}))
    >>> partner_count(g, "suwon"), partner_count(g, "gyeonggi")
    (1, 0)
    """
    return sum(1 for data in graph.adj[node].values() if not data.get("relations", frozenset()) <= STRUCTURAL_RELATIONS)


def partner_degrees(graph: nx.Graph) -> dict[str, int]:
    """:func:`partner_count` of every entity (degree centrality over partnerships, not normalised)."""
    counts = dict.fromkeys(graph, 0)
    for a, b, relations in graph.edges(data="relations", default=frozenset()):
        if not relations <= STRUCTURAL_RELATIONS:  # each edge once (not from both ends): half the work
            counts[a] += 1
            if b != a:
                counts[b] += 1
    return counts


def ego_nodes(
    graph: nx.Graph, node: str, radius: int = 1, limit: int = 200, rank: Callable[[str], Any] | None = None
) -> tuple[list[str], bool]:
    """The entities within ``radius`` hops of ``node``, breadth first and by ``rank`` within a ring (default:
    best connected first, then by name), at most ``limit``. Returns (nodes, truncated)."""
    if node not in graph:
        return [node], False
    rank = rank or (lambda n: (-partner_count(graph, n), -graph.degree(n), n))
    limit = max(1, limit)
    seen = {node}
    order = [node]
    frontier = [node]
    truncated = False
    for _ in range(max(0, radius)):
        ring = {nbr for n in frontier for nbr in graph[n]} - seen
        ranked = sorted(ring, key=rank)
        room = limit - len(order)
        if len(ranked) > room:
            ranked, truncated = ranked[: max(0, room)], True
        seen.update(ranked)
        order.extend(ranked)
        frontier = ranked
        if truncated or not frontier:
            break
    return order, truncated


def tie_counts(graph: nx.Graph) -> dict[str, int]:
    """Ties and links of every entity (degree weighted by the number of ties and links on each edge).

    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", ties=(1, 2), links=())
    >>> tie_counts(g)
    {'a': 2, 'b': 2}
    """
    return {n: sum(len(d["ties"]) + len(d["links"]) for _, _, d in graph.edges(n, data=True)) for n in graph}


#: Batches of sources whose separate estimates give a sampled betweenness its standard error.
BATCHES = 10


def _dependencies(adj: list[list[int]], s: int) -> tuple[list[int], list[float]]:
    """Brandes's pass from one source over integer adjacency lists: the entities reached (in order of distance)
    and each one's dependency on ``s`` (what networkx's ``_single_source_shortest_path_basic`` and
    ``_accumulate_basic`` compute, without a dict per entity: about ten times faster on big graphs)."""
    n = len(adj)
    dist = [-1] * n
    sigma = [0.0] * n
    dist[s], sigma[s] = 0, 1.0
    order = [s]
    i = 0
    while i < len(order):
        v = order[i]
        i += 1
        dv, sv = dist[v] + 1, sigma[v]
        for w in adj[v]:
            dw = dist[w]
            if dw < 0:
                dist[w] = dv
                sigma[w] = sv
                order.append(w)
            elif dw == dv:
                sigma[w] += sv
    delta = [0.0] * n
    for w in reversed(order):
        coeff = (1.0 + delta[w]) / sigma[w]
        before = dist[w] - 1
        for v in adj[w]:
            if dist[v] == before:
                delta[v] += sigma[v] * coeff
    return order, delta


def sampled_betweenness(
    graph: nx.Graph, samples: int | None, seed: int = 42, progress: Callable[[float], None] | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """Betweenness (as :func:`algorithms.betweenness`) and, when estimated from ``samples`` sources, each
    entity's standard error: the spread of the estimates of :data:`BATCHES` batches of the sources.

    >>> scores, errors = sampled_betweenness(nx.path_graph(3), None)
    >>> scores[1], errors
    (1.0, {})
    """
    n = graph.number_of_nodes()
    if samples is not None and samples >= n:
        samples = None
    sources = list(graph) if samples is None else random.Random(seed).sample(list(graph.nodes()), samples)
    nodes = list(graph)
    index = {v: i for i, v in enumerate(nodes)}
    adj = [[index[w] for w in graph.adj[v]] for v in nodes]
    raw = [0.0] * n
    batch_size = math.ceil(len(sources) / BATCHES) if samples else 0
    batches: list[tuple[dict[str, float], list[str]]] = []
    previous = list(raw)
    for i, source in enumerate(sources, 1):
        s = index[source]
        order, delta = _dependencies(adj, s)
        for w in order:
            if w != s:
                raw[w] += delta[w]
        if batch_size and (i % batch_size == 0 or i == len(sources)):
            part = {nodes[v]: raw[v] - previous[v] for v in range(n) if raw[v] != previous[v]}
            batches.append((part, sources[len(batches) * batch_size : i]))
            previous = list(raw)
        if progress is not None:
            progress(i / max(1, len(sources)))
    scores = dict(zip(nodes, raw, strict=True))
    final = _rescale(
        scores, n, normalized=True, directed=False, endpoints=False, sampled_nodes=None if samples is None else sources
    )
    errors: dict[str, float] = {}
    if samples and len(batches) > 1:
        # Each batch alone is an estimate from its own sources; the standard error of their mean is sd / sqrt(B).
        estimates = [
            _rescale(part, n, normalized=True, directed=False, endpoints=False, sampled_nodes=batch_sources)
            for part, batch_sources in batches
        ]
        for v in graph:
            errors[v] = statistics.stdev(e.get(v, 0.0) for e in estimates) / math.sqrt(len(estimates))
    return final, errors


def betweenness(
    graph: nx.Graph, samples: int | None = None, seed: int = 42, progress: Callable[[float], None] | None = None
) -> dict[str, float]:
    """Normalised betweenness centrality (Brandes 2001), exact or estimated from ``samples`` sources chosen at
    random (seeded; Brandes and Pich 2007): networkx's ``betweenness_centrality(graph, k=samples, seed=seed)``,
    reporting the share done to ``progress``.

    >>> betweenness(nx.path_graph(3))[1]
    1.0
    """
    return sampled_betweenness(graph, samples, seed, progress)[0]


def betweenness_samples(graph: nx.Graph, work: int | None = None) -> int | None:
    """How many sources the betweenness of ``graph`` is estimated from: None (exact) up to 1,500 entities, else
    :data:`BETWEENNESS_SAMPLES`, or fewer so that the passes stay within ``work`` (:data:`BETWEENNESS_WORK`)
    visits of an entity or an edge (each pass from a source visits at most every entity once and every edge
    twice), in a multiple of :data:`BATCHES`; at least two, so that a standard error can be stated. A budget of
    work, not of time: the same data gives the same sample.

    >>> betweenness_samples(nx.path_graph(2000)), betweenness_samples(nx.path_graph(2000), work=60_000)
    (300, 10)
    """
    n = graph.number_of_nodes()
    if n <= EXACT_BETWEENNESS_MAX_NODES:
        return None
    fits = (BETWEENNESS_WORK if work is None else work) // (n + 2 * graph.number_of_edges())
    if fits >= BATCHES:
        fits -= fits % BATCHES  # batches of equal size
    return max(2, min(BETWEENNESS_SAMPLES, fits))


def communities(graph: nx.Graph, seed: int = 42) -> list[list[str]]:
    """Groups of densely tied entities: Louvain modularity communities (Blondel et al. 2008, seeded) up to
    20,000 edges, semi-synchronous label propagation (Cordasco and Gargano 2010) above, which is much faster;
    biggest first, isolated entities left out.

    >>> communities(nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")]))
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    graph = graph.subgraph([n for n in graph if graph.degree(n) > 0])
    if graph.number_of_edges() <= LOUVAIN_MAX_EDGES:
        found = nx.community.louvain_communities(graph, seed=seed)
    else:
        found = nx.community.label_propagation_communities(graph)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
