"""The persisted projection: columns on disk, a networkx graph filled on demand in memory.

Unpickling a networkx graph rebuilds a dict per entity, a dict per edge and a record per tie, one Python call
at a time: about 1 s per 140,000 edges, so a restart at 14.4 M statements would wait 10 s before its first
answer. This module writes the projection as columns instead (entity IRIs as one text, the other fields as
vocabularies of codes or UTF-8 bytes with offsets, edges and ties as :mod:`array` integers) and loads them as a
handful of byte strings. The graph it returns is a plain :class:`networkx.Graph` whose node and adjacency
dicts fill themselves on first access (:class:`LazyNodes`, :class:`LazyAdjacency`): a path question touches the
entities it visits; anything that walks the whole graph (measures, the overview) fills it all, in node order.

>>> import networkx as nx
>>> g = nx.Graph()
>>> g.add_node("a", label="A", type="City", group="region", country=None, iso=None)
>>> g.add_node("b", label="B", type="City", group="region", country=None, iso=None)
>>> g.add_edge("a", "b", ties=(), links=(), relations=frozenset({"located-in"}), cost=4.0)
>>> loaded = from_columns(to_columns(g, {"a": ["A"]}, {}))
>>> loaded.graph.edges["b", "a"]["cost"], loaded.labels["a"]
(4.0, ['A'])
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import tempfile
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from operator import sub
from pathlib import Path
from typing import Any

import networkx as nx

from .algorithms import hop_cost
from .build import Link, Tie
from .model import Network

#: The fields of an entity as the projection keeps them; ``start`` and ``end`` only when the entity has them.
NODE_FIELDS = ("label", "type", "group", "country", "iso")
OPTIONAL_NODE_FIELDS = ("start", "end")
#: A column with at most this share of distinct values is kept as a vocabulary and codes.
VOCABULARY_SHARE = 0.25
#: Once this share of a lazy dict is made one by one, the rest is made at once (column by column: faster).
FILL_AFTER = 0.05


class CorruptFile(ValueError):
    """The columns do not fit together (a damaged or truncated file)."""


# -- columns ---------------------------------------------------------------------------------------------------


class Texts:
    """A column of texts (or None) as UTF-8 bytes and offsets, decoded one value at a time."""

    __slots__ = ("data", "offsets", "present")

    def __init__(self, values: list[str | None]) -> None:
        encoded = [(v or "").encode("utf-8") for v in values]
        self.data = b"".join(encoded)
        self.offsets = _offsets(map(len, encoded))
        self.present = bytes(v is not None for v in values)

    def __len__(self) -> int:
        return len(self.present)

    def __getitem__(self, i: int) -> str | None:
        if not self.present[i]:
            return None
        return self.data[self.offsets[i] : self.offsets[i + 1]].decode("utf-8")

    def all(self) -> list[str | None]:
        """Every value, decoded at once."""
        data, offsets = self.data, self.offsets
        out: list[str | None] = [data[a:b].decode("utf-8") for a, b in zip(offsets, offsets[1:], strict=False)]
        if not all(self.present):
            out = [v if p else None for v, p in zip(out, self.present, strict=True)]
        return out

    def check(self) -> None:
        """Raise :class:`CorruptFile` when the offsets do not fit the data."""
        if len(self.offsets) != len(self.present) + 1 or self.offsets[-1] != len(self.data):
            raise CorruptFile("a text column does not fit its offsets")


class Vocabulary:
    """A column of few distinct values (any picklable ones): the values once and a code per row."""

    __slots__ = ("codes", "values")

    def __init__(self, values: list[Any]) -> None:
        index: dict[Any, int] = {}
        self.codes = array("i", (index.setdefault(v, len(index)) for v in values))
        self.values = list(index)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: int) -> Any:
        return self.values[self.codes[i]]

    def all(self) -> list[Any]:
        """Every value."""
        return list(map(self.values.__getitem__, self.codes))

    def check(self) -> None:
        """Nothing to check but lengths (the file's CRC guards its bytes)."""


def column(values: list[Any]) -> Texts | Vocabulary:
    """The compact column for ``values``: a vocabulary when they repeat (or are not all texts), else texts."""
    distinct = len(set(values))
    if distinct <= max(16, VOCABULARY_SHARE * len(values)) or not all(v is None or isinstance(v, str) for v in values):
        return Vocabulary(values)
    return Texts(values)


def _offsets(sizes: Iterable[int]) -> array:
    """The offsets of consecutive groups of the given sizes: ``[0, s0, s0 + s1, ...]``."""
    offsets, total = array("q", [0]), 0
    for size in sizes:
        total += size
        offsets.append(total)
    return offsets


def _groups(items: list[Any], ragged: tuple[array, array]) -> list[tuple]:
    """The tuples of ``items`` a ragged column of indexes names, one per group."""
    offsets, indexes = ragged
    found = map(items.__getitem__, indexes)
    return [tuple(islice(found, k)) if k else () for k in map(sub, offsets[1:], offsets)]


def _ragged(groups: Iterable[Iterable[int]]) -> tuple[array, array]:
    """Lists of integers as (offsets, flat values): group ``i`` is ``values[offsets[i]:offsets[i + 1]]``."""
    offsets, values = array("q", [0]), array("i")
    for group in groups:
        values.extend(group)
        offsets.append(len(values))
    return offsets, values


# -- writing ---------------------------------------------------------------------------------------------------


def to_columns(graph: nx.Graph, labels: dict[str, list[str]], concept_labels: dict[str, str]) -> dict[str, Any]:
    """The projection's graph and names as columns (what :func:`from_columns` reads back)."""
    nodes = list(graph.nodes)
    if any("\n" in n for n in nodes):
        raise ValueError("an entity IRI holds a line break")
    index = {n: i for i, n in enumerate(nodes)}
    node_data = [graph.nodes[n] for n in nodes]
    edges = list(graph.edges(data=True))
    edge_id = {}
    for e, (a, b, _) in enumerate(edges):
        edge_id[a, b] = edge_id[b, a] = e
    ties: dict[str, int] = {}
    tie_list: list[Tie] = []
    links: list[Link] = []
    for _, _, data in edges:
        for tie in data["ties"]:
            if tie["id"] not in ties:
                ties[tie["id"]] = len(tie_list)
                tie_list.append(tie)
    tie_columns = list(zip(*tie_list, strict=True)) if tie_list else [()] * len(Tie._fields)
    edge_ties = _ragged([ties[t["id"]] for t in d["ties"]] for _, _, d in edges)
    edge_links: list[list[int]] = []
    for _, _, data in edges:
        edge_links.append(list(range(len(links), len(links) + len(data["links"]))))
        links.extend(data["links"])
    relations = Vocabulary([d["relations"] for _, _, d in edges])
    names = [labels.get(n, []) for n in nodes]
    return {
        "nodes": "\n".join(nodes),
        "node_fields": {f: column([d.get(f) for d in node_data]) for f in (*NODE_FIELDS, *OPTIONAL_NODE_FIELDS)},
        "adjacency": _ragged((edge_id[n, nbr] for nbr in graph.adj[n]) for n in nodes),
        "neighbours": array("i", (index[nbr] for n in nodes for nbr in graph.adj[n])),
        "edge_ends": (array("i", (index[a] for a, _, _ in edges)), array("i", (index[b] for _, b, _ in edges))),
        "edge_ties": edge_ties,
        "edge_links": _ragged(edge_links),
        "edge_relations": relations,
        "tie_fields": {
            f: column(list(values)) for f, values in zip(Tie._fields, tie_columns, strict=True) if f != "parties"
        },
        "tie_parties": _ragged((index[p] for p in t["parties"]) for t in tie_list),
        "link_fields": {
            "relation": Vocabulary([x.relation for x in links]),
            "role": Vocabulary([x.role for x in links]),
            "subject": array("i", (index[x.subject] for x in links)),
            "object": array("i", (index[x.object] for x in links)),
        },
        "names": (_offsets(len(v) for v in names), Texts(list(chain.from_iterable(names)))),
        "concept_labels": dict(concept_labels),
        "counts": (len(nodes), len(edges), len(tie_list), len(links)),
    }


# -- reading ---------------------------------------------------------------------------------------------------


_RECORDS = ("ties", "links")


class EdgeData(dict):
    """An edge's attribute dict: ``relations`` and ``cost`` at once, its ``ties`` and ``links`` (records decoded
    from the columns) on first access, so that a path search, which reads costs only, decodes no tie."""

    __slots__ = ("_columns", "_edge")

    def _make(self) -> None:
        columns = self._columns
        if columns is not None:
            ties, links = columns.edge_records(self._edge)
            dict.setdefault(self, "ties", ties)
            dict.setdefault(self, "links", links)
            self._columns = None

    def __missing__(self, key: Any) -> Any:
        # Made now, or by another thread since the lookup missed (which may have let the columns go already).
        if key in _RECORDS:
            self._make()
            if dict.__contains__(self, key):
                return dict.__getitem__(self, key)
        raise KeyError(key)

    def get(self, key: Any, default: Any = None) -> Any:
        """The attribute ``key`` (ties and links made now if asked for), else ``default``."""
        if key in _RECORDS:
            self._make()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        return (key in _RECORDS and self._columns is not None) or dict.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        self._make()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._make()
        return dict.__len__(self)

    def keys(self):  # type: ignore[override]
        """Every attribute name."""
        self._make()
        return dict.keys(self)

    def values(self):  # type: ignore[override]
        """Every attribute value."""
        self._make()
        return dict.values(self)

    def items(self):  # type: ignore[override]
        """Every attribute."""
        self._make()
        return dict.items(self)

    def copy(self) -> dict[str, Any]:
        """A plain dict of every attribute."""
        self._make()
        return dict(dict.items(self))

    def __eq__(self, other: object) -> bool:
        self._make()
        if isinstance(other, EdgeData):
            other._make()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (dict, (self.copy(),))

    def __repr__(self) -> str:
        return repr(self.copy())


def _edge(columns: Columns, e: int, relations: frozenset[str], cost: float) -> EdgeData:
    data = EdgeData(relations=relations, cost=cost)
    data._columns, data._edge = columns, e
    return data


class Columns:
    """The loaded columns, and the records made from them on demand (each made once, then shared)."""

    def __init__(self, columns: dict[str, Any]) -> None:
        self.nodes: list[str] = columns["nodes"].split("\n") if columns["nodes"] else []
        self.index = dict(zip(self.nodes, range(len(self.nodes)), strict=True))
        self.node_fields = columns["node_fields"]
        self.adjacency = columns["adjacency"]
        self.neighbour_ids = columns["neighbours"]
        self.edge_ends = columns["edge_ends"]
        self.edge_ties = columns["edge_ties"]
        self.edge_links = columns["edge_links"]
        self.edge_relations = columns["edge_relations"]
        self.tie_fields = columns["tie_fields"]
        self.tie_parties = columns["tie_parties"]
        self.link_fields = columns["link_fields"]
        self.names = columns["names"]
        n_nodes, n_edges, n_ties, n_links = columns["counts"]
        self._check(n_nodes, n_edges, n_ties, n_links)
        self.costs = [hop_cost(r) for r in self.edge_relations.values]
        self._edges: list[dict[str, Any] | None] = [None] * n_edges
        self._ties: list[Tie | None] = [None] * n_ties
        self._links: list[Link | None] = [None] * n_links
        self.lock = threading.RLock()
        self._everything: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]] | None = None

    def _check(self, n_nodes: int, n_edges: int, n_ties: int, n_links: int) -> None:
        """Refuse columns whose lengths do not fit together (the file's CRC guards the bytes; a damaged file is
        rebuilt, not served)."""

        def ragged(pair: tuple[array, array], groups: int) -> None:
            offsets, values = pair
            if len(offsets) != groups + 1 or offsets[-1] != len(values):
                raise CorruptFile("a list column does not fit its offsets")

        if len(self.nodes) != n_nodes:
            raise CorruptFile("the entity count does not match")
        ragged(self.adjacency, n_nodes)
        ragged((self.adjacency[0], self.neighbour_ids), n_nodes)
        ragged(self.edge_ties, n_edges)
        ragged(self.edge_links, n_edges)
        ragged(self.tie_parties, n_ties)
        name_offsets, names = self.names
        ends = [*self.edge_ends, self.link_fields["subject"], self.link_fields["object"]]
        for values, size in zip(ends, (n_edges, n_edges, n_links, n_links), strict=True):
            if len(values) != size:
                raise CorruptFile("an edge or link end is missing")
        sized = [(col, n_nodes) for col in self.node_fields.values()]
        sized += [(col, n_ties) for col in self.tie_fields.values()]
        sized += [(self.edge_relations, n_edges), (self.link_fields["relation"], n_links)]
        sized += [(self.link_fields["role"], n_links), (names, name_offsets[-1])]
        for col, size in sized:
            if len(col) != size:
                raise CorruptFile("a column has the wrong length")
            col.check()
        if len(name_offsets) != n_nodes + 1:
            raise CorruptFile("the names do not fit their offsets")

    def release(self) -> None:
        """Let the columns of entities and adjacency go once everything is made (the ties' and links' stay: each
        edge decodes its own on first access)."""
        with self.lock:
            self.node_fields = {}
            self.adjacency = self.names = (array("q"), array("i"))
            self.neighbour_ids = array("i")
            self._everything = None
            self._edges = []

    def node_data(self, i: int) -> dict[str, Any]:
        """The attribute dict of entity ``i``."""
        data = {f: self.node_fields[f][i] for f in NODE_FIELDS}
        for f in OPTIONAL_NODE_FIELDS:
            value = self.node_fields[f][i]
            if value is not None:
                data[f] = value
        return data

    def tie(self, i: int) -> Tie:
        """Tie ``i``, made once."""
        tie = self._ties[i]
        if tie is None:
            offsets, parties = self.tie_parties
            values = [self.tie_fields[f][i] for f in Tie._fields[:-1]]
            nodes = self.nodes
            tie = self._ties[i] = Tie(*values, tuple(nodes[p] for p in parties[offsets[i] : offsets[i + 1]]))
        return tie

    def link(self, i: int) -> Link:
        """Link ``i``, made once."""
        link = self._links[i]
        if link is None:
            f = self.link_fields
            nodes = self.nodes
            link = Link(f["relation"][i], f["role"][i], nodes[f["subject"][i]], nodes[f["object"][i]])
            self._links[i] = link
        return link

    def edge_records(self, e: int) -> tuple[tuple[Tie, ...], tuple[Link, ...]]:
        """The ties and links of edge ``e``."""
        t_off, t_idx = self.edge_ties
        l_off, l_idx = self.edge_links
        ties = tuple(map(self.tie, t_idx[t_off[e] : t_off[e + 1]]))
        return ties, tuple(map(self.link, l_idx[l_off[e] : l_off[e + 1]]))

    def edge_data(self, e: int) -> dict[str, Any]:
        """The attribute dict of edge ``e`` (shared by both its ends), made once; its ties and links on demand."""
        data = self._edges[e]
        if data is None:
            code = self.edge_relations.codes[e]
            data = self._edges[e] = _edge(self, e, self.edge_relations.values[code], self.costs[code])
        return data

    def neighbours(self, i: int) -> dict[str, dict[str, Any]]:
        """The adjacency dict of entity ``i``: each neighbour with the edge's attribute dict, in the order kept."""
        offsets, edges = self.adjacency
        start, end = offsets[i], offsets[i + 1]
        nbrs = map(self.nodes.__getitem__, self.neighbour_ids[start:end])
        return dict(zip(nbrs, map(self.edge_data, edges[start:end]), strict=True))

    def everything(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """Every entity's attributes and neighbours, made column by column (the ones made already are kept)."""
        with self.lock:
            if self._everything is None:
                collecting = gc.isenabled()
                gc.disable()  # a million new containers: the cyclic collector would walk the heap again and again
                try:
                    self._everything = self._make_everything()
                finally:
                    if collecting:
                        gc.enable()
            return self._everything

    def _make_everything(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        nodes = self.nodes
        relations = self.edge_relations
        edges = [
            made or _edge(self, e, relations.values[code], self.costs[code])
            for e, (made, code) in enumerate(zip(self._edges, relations.codes, strict=True))
        ]
        self._edges = edges  # type: ignore[assignment]
        a_off, a_edges = self.adjacency
        neighbours = map(nodes.__getitem__, self.neighbour_ids)
        incident = map(edges.__getitem__, a_edges)
        adjacency = {
            n: dict(zip(islice(neighbours, k), islice(incident, k), strict=True))
            for n, k in zip(nodes, map(sub, a_off[1:], a_off), strict=True)
        }
        columns = [self.node_fields[f].all() for f in (*NODE_FIELDS, *OPTIONAL_NODE_FIELDS)]
        attributes = {}
        for n, values in zip(nodes, zip(*columns, strict=True), strict=True):
            data = dict(zip(NODE_FIELDS, values, strict=False))
            if values[-2] is not None:
                data["start"] = values[-2]
            if values[-1] is not None:
                data["end"] = values[-1]
            attributes[n] = data
        return attributes, adjacency

    def labels(self) -> dict[str, list[str]]:
        """Every entity's names (label first), for search."""
        offsets, texts = self.names
        out: dict[str, list[str]] = {}
        for i, node in enumerate(self.nodes):
            if offsets[i + 1] > offsets[i]:
                out[node] = [texts[j] for j in range(offsets[i], offsets[i + 1])]  # type: ignore[misc]
        return out


class _Lazy(dict):
    """A dict keyed by entity IRI whose values are made from :class:`Columns` on first access; iterating it
    (keys, values, items, copy) first fills it all, in entity order. Read-only in spirit, as the projection."""

    def __init__(self, columns: Columns) -> None:
        super().__init__()
        self._columns = columns
        self._full = self._filling = False

    def _make(self, i: int) -> Any:
        raise NotImplementedError

    def _everything(self) -> dict[str, Any]:
        raise NotImplementedError

    def __missing__(self, key: Any) -> Any:
        i = self._columns.index.get(key)
        if i is None:
            raise KeyError(key)
        if not self._filling and dict.__len__(self) > FILL_AFTER * len(self._columns.nodes) + 1000:
            self.fill()  # walking it all: make it all at once
            return dict.__getitem__(self, key)
        # No lock: a question asked while another thread fills the dict is not held up; two threads making the
        # same entity at once make equal values (the projection is read only), one of which is kept.
        value = self._make(i)
        return dict.setdefault(self, key, value)

    def fill(self) -> None:
        """Make every value, in entity order (as the built graph has them)."""
        if self._full:
            return
        with self._columns.lock:
            if self._full:
                return
            self._filling = True
            have = dict(dict.items(self))
            made = self._everything()
            made.update((n, v) for n, v in have.items())
            dict.clear(self)
            dict.update(self, made)
            self._full = True

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) if self._full else key in self._columns.index

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self) if self._full else iter(self._columns.nodes)

    def __len__(self) -> int:
        return len(self._columns.nodes)

    def __bool__(self) -> bool:
        return bool(self._columns.nodes)

    def get(self, key: Any, default: Any = None) -> Any:
        """The value for ``key`` (made now if needed), else ``default``."""
        return self[key] if key in self._columns.index else default

    def keys(self):  # type: ignore[override]
        """Every key (fills the dict)."""
        self.fill()
        return dict.keys(self)

    def values(self):  # type: ignore[override]
        """Every value (fills the dict)."""
        self.fill()
        return dict.values(self)

    def items(self):  # type: ignore[override]
        """Every item (fills the dict)."""
        self.fill()
        return dict.items(self)

    def copy(self) -> dict[str, Any]:
        """A plain dict of every item."""
        self.fill()
        return dict(dict.items(self))

    def __eq__(self, other: object) -> bool:
        self.fill()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} entities>"


class LazyNodes(_Lazy):
    """A graph's node dict: each entity's attributes made on first access."""

    def _make(self, i: int) -> dict[str, Any]:
        return self._columns.node_data(i)

    def _everything(self) -> dict[str, Any]:
        return self._columns.everything()[0]


class LazyAdjacency(_Lazy):
    """A graph's adjacency dict: each entity's neighbours (and their edges' attributes) made on first access."""

    def _make(self, i: int) -> dict[str, dict[str, Any]]:
        return self._columns.neighbours(i)

    def _everything(self) -> dict[str, Any]:
        return self._columns.everything()[1]


class LazyLabels(_Lazy):
    """Entity names for search, all made on first use (search needs them all)."""

    def __init__(self, columns: Columns) -> None:
        super().__init__(columns)
        self._names: dict[str, list[str]] | None = None

    def _all(self) -> dict[str, list[str]]:
        if self._names is None:
            with self._columns.lock:
                if self._names is None:
                    self._names = self._columns.labels()
                    dict.update(self, self._names)
                    self._full = True
        return self._names

    def fill(self) -> None:
        """Make every entity's names."""
        self._all()

    def __missing__(self, key: Any) -> Any:
        return self._all()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:
        return bool(self._all())

    def get(self, key: Any, default: Any = None) -> Any:
        """The names of ``key``, else ``default``."""
        return self._all().get(key, default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """The names of ``key``, set to ``default`` when it has none."""
        self._all()
        return dict.setdefault(self, key, default)


def from_columns(columns: dict[str, Any]) -> Network:
    """The :class:`Network` of :func:`to_columns`' output, its graph filled on demand (see the module)."""
    cols = Columns(columns)
    graph = nx.Graph()
    graph._node = LazyNodes(cols)
    graph._adj = LazyAdjacency(cols)
    return Network(graph, labels=LazyLabels(cols), concept_labels=columns["concept_labels"])


def fill(net: Network) -> None:
    """Make every entity, edge and name of a loaded projection now, give its graph plain dicts (as a built one
    has) and let the columns go (what was made from them stays)."""
    graph = net.graph
    nodes, adj = graph._node, graph._adj
    if isinstance(nodes, _Lazy):
        nodes.fill()
        graph._node = dict(dict.items(nodes))
    if isinstance(adj, _Lazy):
        adj.fill()
        graph._adj = dict(dict.items(adj))
    if isinstance(net.labels, LazyLabels):
        net.labels = dict(net.labels.items())
    for lazy in (nodes, adj):
        if isinstance(lazy, _Lazy):
            lazy._columns.release()


# -- the file --------------------------------------------------------------------------------------------------


def write(path: Path, net: Network, header: dict[str, Any]) -> None:
    """Write ``net`` to ``path`` atomically (a temporary file renamed over the old one): ``header`` (with the
    payload's length and CRC-32 added), then the columns."""
    payload = pickle.dumps(to_columns(net.graph, net.labels, net.concept_labels), protocol=pickle.HIGHEST_PROTOCOL)
    header = {**header, "length": len(payload), "crc": zlib.crc32(payload)}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(header, f)
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(path: Path, expect: dict[str, Any]) -> tuple[dict[str, Any], Network] | None:
    """The header and the projection in ``path``; None when the header differs from ``expect`` (another format
    or store). Raises :class:`CorruptFile` (or the unpickler's error) when the file is damaged or truncated.

    The columns are checked and unpickled from a memory map of the file, not from a copy of it read first: at
    14.4 M statements (a 293 MB file) that copy was half of the load's second and a half."""
    with path.open("rb") as f:
        header = pickle.load(f)
        if any(header.get(k) != v for k, v in expect.items()):
            return None
        start = f.tell()
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped, memoryview(mapped) as whole:
            with whole[start:] as payload:  # released before the map is closed
                if len(payload) != header["length"] or zlib.crc32(payload) != header["crc"]:
                    raise CorruptFile("the file is truncated or damaged")
                columns = pickle.loads(payload)  # every column a copy: nothing refers to the map afterwards
    return header, from_columns(columns)
