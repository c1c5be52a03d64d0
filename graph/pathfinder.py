"""Who connects to whom on a remote SPARQL endpoint, without pulling the graph across the network.

The projection (:func:`graph.network.network`) is built from one query of every edge: right for an embedded
store, wrong for the first question asked of a remote one (it transfers most of the graph). This path finder
asks only for the part of the graph it needs:

- the two ends are resolved by a label lookup (``names.rq``: rdfs:label / skos:altLabel / skos:hiddenLabel,
  compared as the projection compares names) or by IRI (``node-info.rq``);
- a bidirectional breadth-first search grows a ball around each end, one level at a time on the side with the
  smaller frontier; a level is one query of the neighbours of the whole frontier (``neighbours.rq``: the edges
  of the projection restricted to ``VALUES ?x``) and one of the new entities' classes and labels;
- when the balls meet, the explored part is assembled into a small :class:`~graph.network.Network` and the
  projection's own code finds the ``k`` shortest simple paths and explains their hops (quotes are fetched for
  the ties on the paths only).

Exactness: with radii ``rs`` and ``rt`` explored, every path of at most ``rs + rt`` hops is in the explored
graph with all its edges, so paths up to that length are the projection's. The search keeps expanding until it
has ``k`` such paths, reaches :data:`MAX_REMOTE_HOPS` hops in total, or runs out of graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import entities
from . import network as nw
from .knowledge import KnowledgeGraph

MAX_REMOTE_HOPS = 6
MAX_FRONTIER = 1500
BATCH = 300


def should_use(kg: KnowledgeGraph, filters: nw.Filters | None = None) -> bool:
    """Whether a path question should go to the remote path finder: the store is one other clients write to (a
    remote endpoint: no change counter), its projection is not built yet, and no country filter is asked for
    (countries come from whole located-in chains)."""
    if kg.store.generation is not None or nw.projection_of(kg).ready:
        return False
    return not (filters and filters.countries)


class Explorer:
    """The part of the network explored so far: node rows and edge rows as the projection's queries give them."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.node_rows: dict[str, list[tuple]] = {}
        self.full: set[str] = set()  # entities whose labels and countries are known
        self.missing: set[str] = set()  # IRIs asked about that are not entities
        self.edge_rows: list[tuple] = []
        self.expanded: set[str] = set()
        self.details: dict[str, list[tuple]] = {}
        self.queries = 0

    def _select(self, text: str) -> list[tuple]:
        """Rows of a query, asked for as TSV (a third of the bytes of SPARQL JSON: this runs over a network)."""
        self.queries += 1
        body, _ = self.kg.store.query_serialized(text, "tsv")
        return tsv_values(body)

    def fetch_labels(self, iris: Iterable[str]) -> None:
        """The labels of known entities whose label is not known yet (one query)."""
        todo = sorted({i for i in iris if i in self.node_rows and i not in self.full})
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            text = nw.values_query("node-labels", "node", chunk)
            labels: dict[str, str] = {}
            for node, label in self._select(text):
                labels.setdefault(node, label)
            for node in chunk:
                self.node_rows[node] = [(n, c, labels.get(node), *rest) for n, c, _, *rest in self.node_rows[node]]

    def fetch_details(self, vias: Iterable[str]) -> None:
        """Label, kind, date and fields of the ties not known yet (``tie-details.rq``)."""
        todo = sorted({v for v in vias if v and v not in self.details})
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            text = nw.values_query("tie-details", "via", chunk)
            for via, *rest in self._select(text):
                self.details.setdefault(via, []).append(tuple(rest))
            for via in chunk:
                self.details.setdefault(via, [(None,) * 5])

    def edges(self) -> list[tuple]:
        """The explored edges as :func:`~graph.network.assemble_network` takes them (a tie's pair once per row of
        its details)."""
        rows = []
        for a, b, rel, via, cls in self.edge_rows:
            for detail in self.details.get(via, [(None,) * 5]) if rel == "tie" else [(None,) * 5]:
                rows.append((a, b, rel, via, cls, *detail))
        return rows

    def fetch_nodes(self, iris: Iterable[str], full: bool = True) -> None:
        """The classes of the entities not known yet and, when ``full``, their labels, countries and ISO codes
        (the search needs only the classes of the entities it meets)."""
        done = self.full if full else self.node_rows.keys()
        todo = sorted({i for i in iris if i not in done and i not in self.missing})
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            text = nw.values_query("node-info" if full else "node-classes", "node", chunk)
            rows: dict[str, list[tuple]] = {}
            for node, cls, *rest in self._select(text):
                label, country, iso = rest or (None, None, None)
                rows.setdefault(node, []).append((node, cls, label, country, iso, None))
            self.node_rows.update(rows)
            if full:
                self.full.update(rows)
            self.missing.update(i for i in chunk if i not in rows)

    def expand(self, nodes: Iterable[str], details: bool = False) -> list[tuple]:
        """The edges of ``nodes`` (one query per batch), after which their neighbours are known entities."""
        todo = sorted(set(nodes) - self.expanded)
        rows: list[tuple] = []
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            text = nw.values_query("neighbours", "x", chunk)
            rows += self._select(text)
        self.expanded.update(todo)
        self.edge_rows += rows
        self.fetch_nodes((n for row in rows for n in row[:2]), full=False)
        if details:
            self.fetch_details(row[3] for row in rows if row[2] == "tie")
        return rows

    def network(self) -> nw.Network:
        """The explored part as a Network (countries not assigned: see :meth:`assign_countries`)."""
        rows = [r for rs in self.node_rows.values() for r in rs]
        return nw.assemble_network(rows, [], self.edges(), countries=False)

    def concept_labels(self, net: nw.Network, ties: Iterable[dict[str, Any]]) -> None:
        """English labels of the kinds and fields of ``ties`` (one query), as the projection knows them."""
        concepts = sorted({c for t in ties for c in [t.get("kind"), *t["fields"]] if c})
        if not concepts:
            return
        text = nw.values_query("concepts", "concept", concepts)
        for concept, label in self._select(text):
            net.concept_labels.setdefault(concept, label)

    def assign_countries(self, net: nw.Network, nodes: Iterable[str]) -> None:
        """The country of each of ``nodes`` as the projection finds it: ``kp:country``, else the first found
        up its located-in / part-of chain (whose steps one query fetches)."""
        nodes = sorted(set(nodes))
        if not nodes:
            return
        steps: list[tuple[str, str]] = []
        for start in range(0, len(nodes), BATCH):
            text = nw.values_query("ancestors", "x", nodes[start : start + BATCH])
            steps += [(a, b) for a, b in self._select(text)]
        self.fetch_nodes([*nodes, *(n for step in steps for n in step)])
        rows = [r for n in {*nodes, *(x for s in steps for x in s)} for r in self.node_rows.get(n, [])]
        chain = nw.assemble_network(
            rows, [], [(a, b, "located-in", None, None, None, None, None, None, None) for a, b in steps]
        )
        for node in nodes:
            if node in net.graph and node in chain.graph:
                net.graph.nodes[node]["country"] = chain.graph.nodes[node].get("country")

    # -- names ----------------------------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """The entity meant by ``ref`` (an IRI, ``id:`` name, or a name), with the projection's errors."""
        ref = (ref or "").strip()
        if not ref:
            raise nw.NetworkError("no entity given: pass an IRI or a name")
        if ref.startswith("id:"):
            ref = nw.ID_NS + ref[3:]
        if ref.startswith(("http://", "https://")):
            self.fetch_nodes([ref])
            if ref in self.node_rows:
                return ref
            raise nw.EntityNotFound(f"no entity with the IRI {ref}")
        wanted = nw.normalize(ref)
        names = self._names(wanted)
        nodes = sorted({node for node, name in names if nw.normalize(name) == wanted})
        if len(nodes) == 1:
            return nodes[0]
        if nodes:
            net = self._described(nodes)
            candidates = sorted((net.node_json(n) for n in nodes), key=lambda c: (c["label"], c["id"]))
            listed = "; ".join(f"{c['label']} ({c['type']}, {c['id']})" for c in candidates)
            raise nw.AmbiguousName(f"{ref!r} names {len(nodes)} entities: {listed}. Pass an IRI.", candidates)
        close = sorted({node for node, name in names if wanted in nw.normalize(name)})
        suggestions: list[dict[str, Any]] = []
        if close and len(close) <= MAX_FRONTIER:
            self.expand(close)  # their degree ranks them, as in the projection's search
            net = self._described(close, names)
            suggestions = net.search(ref, limit=5)
        hint = f"; did you mean {', '.join(s['label'] for s in suggestions)}?" if suggestions else ""
        raise nw.EntityNotFound(f"no entity is called {ref!r}{hint}", suggestions)

    def _names(self, wanted: str) -> list[tuple[str, str]]:
        """Entities with a name containing the longest word of ``wanted`` (case folded): a superset of the
        names that fold to ``wanted`` or contain it."""
        words = sorted(wanted.split(), key=lambda w: (-len(w), w))
        if not words:
            return []
        rows = self._select(nw.literal_query("names", "word", words[0]))
        return [(node, name) for node, name in rows]

    def _described(self, nodes: list[str], names: list[tuple[str, str]] = ()) -> nw.Network:
        self.fetch_nodes(nodes)
        net = self.network()
        for node, name in names:
            if node in net.graph:
                known = net.labels.setdefault(node, [])
                if name not in known:
                    known.append(name)
        self.assign_countries(net, nodes)
        return net


def find_paths(
    kg: KnowledgeGraph,
    source_ref: str,
    target_ref: str,
    k: int = 3,
    filters: nw.Filters | None = None,
    max_hops: int = nw.MAX_HOPS,
    rank: str = "meaning",
    with_ranking: bool = False,
) -> dict[str, Any]:
    """The answer of ``/api/paths`` (``from``, ``to``, ``k``, ``paths``, and with ``with_ranking`` the
    ``ranking`` that says why each path ranks where it does) found by a bidirectional search of the remote
    store; see the module's documentation."""
    filters = filters or nw.Filters()
    k = max(1, min(int(k), nw.MAX_PATHS))
    explorer = Explorer(kg)
    source = explorer.resolve(source_ref)
    target = explorer.resolve(target_ref)
    if source == target:
        raise nw.NetworkError("a path needs two different entities")
    ends = {source, target}
    explorer.fetch_nodes(ends)
    # Kinds, fields and years filter ties by their details; else the search needs only who is tied to whom.
    needs_details = bool(filters.kinds or filters.fields) or (filters.year_from, filters.year_to) != (None, None)
    limit = min(max_hops, MAX_REMOTE_HOPS)
    dist = {source: {source: 0}, target: {target: 0}}
    frontier = {source: [source], target: [target]}
    radius = {source: 0, target: 0}
    found: list[list[str]] = []
    search: dict[str, Any] | None = None
    net = explorer.network()
    while radius[source] + radius[target] < limit:
        sides = [s for s in (source, target) if frontier[s]]
        if not sides:
            break
        side = min(sides, key=lambda s: (len(frontier[s]), s != source))
        if len(frontier[side]) > MAX_FRONTIER:
            if found:
                break
            label = net.node_json(side)["label"] if side in net.graph else side
            raise nw.NetworkError(
                f"the path search around {label} reached {len(frontier[side])} entities at "
                f"{radius[side]} hops (the limit is {MAX_FRONTIER}): narrow it with only/avoid filters"
            )
        explorer.expand(frontier[side], details=needs_details)
        net = explorer.network()
        view = net.view_with_ends(filters, sorted(ends))
        nxt = sorted({b for a in frontier[side] if a in view for b in view[a]} - set(dist[side]))
        for node in nxt:
            dist[side][node] = radius[side] + 1
        frontier[side] = nxt
        radius[side] += 1
        if set(dist[source]) & set(dist[target]):
            reach = radius[source] + radius[target]
            search = net.ranked_paths(source, target, k=k, filters=filters, max_hops=min(max_hops, reach), rank=rank)
            found = search["paths"]
            if len(found) >= k:
                break
    if not found and source in net.graph and target in net.graph:
        reach = radius[source] + radius[target]
        search = net.ranked_paths(source, target, k=k, filters=filters, max_hops=min(max_hops, reach), rank=rank)
        found = search["paths"]
    on_paths = {n for p in found for n in p} | ends
    explorer.fetch_details(
        t["id"] for p in found for a, b in zip(p, p[1:], strict=False) for t in net.graph.edges[a, b]["ties"]
    )
    net = explorer.network()
    hops = [net.hops(p, filters) for p in found]
    parties = {p["id"] for h in hops for hop in h for t in hop["ties"] for p in t["parties"]}
    explorer.fetch_nodes(on_paths)
    explorer.fetch_labels(parties)  # a tie names its parties by their labels only
    net = explorer.network()
    explorer.assign_countries(net, on_paths)
    ties = [t for p in found for a, b in zip(p, p[1:], strict=False) for t in net.graph.edges[a, b]["ties"]]
    explorer.concept_labels(net, ties)
    answer = {
        "from": net.node_json(source),
        "to": net.node_json(target),
        "k": k,
        "paths": entities.explain_paths(kg, net, found, filters, select=explorer._select),
    }
    if with_ranking:
        answer["ranking"] = search["ranking"] if search else None
    return answer


def tsv_values(body: bytes) -> list[tuple[str | None, ...]]:
    r"""Rows of a SPARQL TSV result as plain strings (IRIs without brackets, literals without quotes, language
    or datatype), None where unbound: what :meth:`Store.select_values` gives.

    >>> tsv_values(b'?a\t?b\n<http://x/a>\t"it\\"s"@en\n\t12\n')
    [('http://x/a', 'it"s'), (None, '12')]
    """
    lines = body.decode("utf-8").split("\n")
    width = len(lines[0].split("\t")) if lines and lines[0] else 0
    rows = []
    for line in lines[1:]:
        if not line:
            continue
        cells = line.rstrip("\r").split("\t")
        rows.append(tuple(_tsv_term(c) for c in cells + [""] * (width - len(cells))))
    return rows


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _tsv_term(cell: str) -> str | None:
    if not cell:
        return None
    if cell.startswith("<") and cell.endswith(">"):
        return cell[1:-1]
    if not cell.startswith('"'):
        return cell  # a number, boolean or blank node written bare
    out = []
    i = 1
    while i < len(cell):
        c = cell[i]
        if c == '"':
            break
        if c == "\\" and i + 1 < len(cell):
            e = cell[i + 1]
            if e == "u":
                out.append(chr(int(cell[i + 2 : i + 6], 16)))
                i += 6
                continue
            if e == "U":
                out.append(chr(int(cell[i + 2 : i + 10], 16)))
                i += 10
                continue
            out.append(_ESCAPES.get(e, e))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)
