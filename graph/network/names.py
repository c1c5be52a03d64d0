"""Finding entities by name in the projection: search and resolve.

Name matching itself lives in ``graph/search.py`` (accents, case, transliteration variants and typos, ranked);
:class:`NameSearch` (mixed into :class:`~graph.network.model.Network`) delegates to it.
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
        from ..search import search  # the forgiving search: folded, transliterated, typo-tolerant, ranked

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
        from ..search import resolve_name  # every label, folded

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
