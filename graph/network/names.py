"""Finding entities by name in the projection: search and resolve.

This is the one place of the package that knows names: engineer "places" moves name search to
``graph/search.py``, and :class:`NameSearch` (mixed into :class:`~graph.network.model.Network`) then delegates
to it. Nothing else here reads ``labels`` for matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import networkx as nx

from .base import ID_NS, AmbiguousName, EntityNotFound, NetworkError


def normalize(text: str) -> str:
    """Fold a name for matching: accents dropped, case folded, punctuation and spaces collapsed.

    >>> normalize("  Gyeonggi-dó  Province ")
    'gyeonggi do province'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.casefold()).split())


class NameSearch:
    """Search and resolve over ``self.labels`` (node -> names) and ``self.graph``."""

    graph: nx.Graph
    labels: dict[str, list[str]]

    def node_json(self, node: str) -> dict[str, Any]:  # provided by Network
        raise NotImplementedError

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

    def search(self, text: str, limit: int = 20, groups: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Entities whose label or alternative spelling matches ``text`` (accent and case folded): exact
        matches first, then names that start with it, then names with a word starting with it, then names
        that contain it; better connected entities first within each rank. Each result says which name
        matched."""
        query = normalize(text)
        if not query:
            return []
        wanted = set(groups)
        best: dict[str, tuple[int, str]] = {}
        for norm, name, node in self._search_rows:
            if query not in norm:
                continue
            if norm == query:
                rank = 0
            elif norm.startswith(query):
                rank = 1
            elif f" {query}" in f" {norm}":
                rank = 2
            else:
                rank = 3
            label = self.graph.nodes[node].get("label")
            if node not in best or rank < best[node][0] or (rank == best[node][0] and name == label):
                best[node] = (rank, name)
        results = []
        for node, (rank, name) in best.items():
            data = self.graph.nodes[node]
            if wanted and not ({data.get("group"), data.get("type")} & wanted):
                continue
            results.append((rank, -self.graph.degree(node), data.get("label") or "", node, name))
        results.sort()
        out = []
        for rank, _, _, node, name in results[: max(1, min(limit, 200))]:
            item = self.node_json(node)
            item["matched"] = name
            item["exact"] = rank == 0
            out.append(item)
        return out

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
        nodes = self._name_index.get(normalize(ref), set())
        if len(nodes) == 1:
            return next(iter(nodes))
        if len(nodes) > 1:
            candidates = sorted((self.node_json(n) for n in nodes), key=lambda c: (c["label"], c["id"]))
            listed = "; ".join(f"{c['label']} ({c['type']}, {c['id']})" for c in candidates)
            raise AmbiguousName(f"{ref!r} names {len(nodes)} entities: {listed}. Pass an IRI.", candidates)
        suggestions = self.search(ref, limit=5)
        hint = f"; did you mean {', '.join(s['label'] for s in suggestions)}?" if suggestions else ""
        raise EntityNotFound(f"no entity is called {ref!r}{hint}", suggestions)
