"""Finding entities by name, forgivingly: accents, case, names in other languages and scripts, typos.

Every label of an entity counts (``rdfs:label``, ``skos:altLabel`` including the gazetteer's names in many
languages, ``skos:hiddenLabel``). Names are compared on their folded key (:func:`graph.normalize.fold`:
accents and case dropped, "ß" -> "ss"...). Results are ranked:

0. exact: the whole key ("kiev" finds Kyiv through its alternative name Kiev, "서울" finds Seoul);
1. prefix: a key starting with the text ("gachon univ" finds "Gachon University Gil Medical Center");
2. word prefix: a word of the key starting with it; 3. the text inside a key;
4. fuzzy: a key within a few edits of the text (rapidfuzz's normalised Indel similarity, at least 75/100:
   "Welington", "Sao Paolo"), or a word of a longer name within an edit or two (85/100: "Gyeongi"),

then by importance (the entity's number of connections), then by label.

Use :func:`search` with a :class:`graph.network.Network` (the index is built once per projection and cached on
it) or with a :class:`SearchIndex` built from your own names:

>>> index = SearchIndex({"x:1": ["Seoul", "서울"]}, {"x:1": {"label": "Seoul", "group": "region"}})
>>> [(r["id"], r["match"]) for r in search(index, "seol")]
[('x:1', 'fuzzy')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import fuzz, process

from .normalize import fold

MATCHES = ("exact", "prefix", "word", "contains", "fuzzy")
FUZZY_CUTOFF = 75.0
MAX_LIMIT = 200


class SearchIndex:
    """The folded names of a set of entities, ready for :func:`search` (build once, query many times)."""

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        nodes: Mapping[str, Mapping[str, Any]],
        importance: Mapping[str, float] | None = None,
    ) -> None:
        self.nodes = nodes
        self.importance = importance or {}
        by_key: dict[str, dict[str, str]] = {}
        for node, values in names.items():
            for name in values:
                key = fold(name)
                if key:
                    by_key.setdefault(key, {}).setdefault(node, name)
        self.by_key = by_key
        self.keys = sorted(by_key)
        words: dict[str, list[str]] = {}
        for key in self.keys:
            if " " in key:
                for word in key.split():
                    if len(word) >= 4:
                        words.setdefault(word, []).append(key)
        self.words = words
        # Fuzzy look-ups compare only names with the same first letter (typos seldom hit it) and a length that
        # can reach the cutoff: a few thousand names instead of every one.
        self._buckets = _buckets(self.keys)
        self._word_buckets = _buckets(words)
        self._text = "\n" + "\n".join(self.keys) + "\n"
        self._starts = []
        offset = 1
        for key in self.keys:
            self._starts.append(offset)
            offset += len(key) + 1

    def exact(self, text: str) -> set[str]:
        """The entities with a name whose key is exactly that of ``text``."""
        return set(self.by_key.get(fold(text), ()))

    def _label(self, node: str) -> str | None:
        return self.nodes.get(node, {}).get("label")

    def _key_at(self, position: int) -> str:
        return self.keys[bisect.bisect_right(self._starts, position) - 1]

    def candidates(self, query: str, want: int) -> dict[str, tuple[int, str]]:
        """node -> (rank, the name that matched) for the folded ``query``."""
        best: dict[str, tuple[int, str]] = {}

        def take(key: str, rank: int) -> None:
            for node, name in self.by_key[key].items():
                held = best.get(node)
                if held is None or rank < held[0] or (rank == held[0] and name == self._label(node)):
                    best[node] = (rank, name)

        if query in self.by_key:
            take(query, 0)
        start = bisect.bisect_left(self.keys, query)
        for key in self.keys[start : start + 5000]:
            if not key.startswith(query):
                break
            if key != query:
                take(key, 1)
        position = self._text.find(query)
        seen = 0
        while position != -1 and seen < 20000:
            key = self._key_at(position)
            seen += 1
            if not key.startswith(query):
                take(key, 2 if self._text[position - 1] == " " else 3)
            position = self._text.find(query, position + 1)
        exact_found = query in self.by_key
        if not exact_found and len(best) < want and len(query) >= 3:
            # Only keys of a length that can reach the cutoff: 2m/(a+b) >= 0.75 needs 0.6a <= b <= 1.67a.
            pool = _pool(self._buckets, query, 0.6, 1.67)
            hits = process.extract(query, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=max(want * 2, 10))
            for key, score, _ in hits:
                if score < 100:
                    take(key, 4)
            if len(best) < want and " " not in query:  # a typo in one word of a longer name: "Gyeongi"
                for word, _score, _ in process.extract(
                    query,
                    _pool(self._word_buckets, query, 0.74, 1.36),
                    scorer=fuzz.ratio,
                    score_cutoff=85.0,
                    limit=max(want, 10),
                ):
                    for key in self.words[word][:50]:
                        take(key, 4)
        return best


def _buckets(keys: Iterable[str]) -> dict[str, tuple[list[str], list[int]]]:
    """First character -> (its keys sorted by length, their lengths)."""
    grouped: dict[str, list[str]] = {}
    for key in keys:
        grouped.setdefault(key[0], []).append(key)
    out = {}
    for first, group in grouped.items():
        group.sort(key=len)
        out[first] = (group, [len(k) for k in group])
    return out


def _pool(buckets: dict[str, tuple[list[str], list[int]]], query: str, low: float, high: float) -> list[str]:
    """The keys starting like ``query`` whose length is between ``low`` and ``high`` times its length."""
    keys, lengths = buckets.get(query[0], ([], []))
    return keys[
        bisect.bisect_left(lengths, int(len(query) * low)) : bisect.bisect_right(lengths, int(len(query) * high) + 1)
    ]


def index_of(source: Any) -> SearchIndex:
    """The search index of a :class:`graph.network.Network` (built on first use, cached on it), or ``source``
    itself when it is a :class:`SearchIndex`."""
    if isinstance(source, SearchIndex):
        return source

    def build() -> SearchIndex:
        graph = source.graph
        nodes = {n: graph.nodes[n] for n in graph.nodes}
        return SearchIndex(source.labels, nodes, dict(graph.degree()))

    # Built once per projection: a search that comes while another builds the index waits for it.
    return source.memo("search-index", build)


def search(source: Any, text: str, limit: int = 20, groups: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Entities whose names match ``text``, best first: each a dict with ``id``, ``label``, ``type``, ``group``,
    ``country``, ``matched`` (the name that matched), ``match`` (exact, prefix, word, contains, fuzzy),
    ``exact`` (bool) and ``score`` (0-100). ``groups`` keeps entities of these groups or classes."""
    index = index_of(source)
    query = fold(text or "")
    if not query:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    wanted = set(groups)
    found = index.candidates(query, limit)
    rows = []
    for node, (rank, name) in found.items():
        data = index.nodes.get(node, {})
        if wanted and not ({data.get("group"), data.get("type")} & wanted):
            continue
        rows.append((rank, -index.importance.get(node, 0), data.get("label") or "", node, name))
    rows.sort()
    out = []
    for rank, _, label, node, name in rows[:limit]:
        data = index.nodes.get(node, {})
        score = 100.0 if rank == 0 else round(fuzz.ratio(query, fold(name)), 1)
        out.append(
            {
                "id": node,
                "label": label or re.split(r"[#/]", node.rstrip("/"))[-1],
                "type": data.get("type"),
                "group": data.get("group"),
                "country": data.get("country"),
                "matched": name,
                "match": MATCHES[rank],
                "exact": rank == 0,
                "score": score,
            }
        )
    return out


def resolve_name(source: Any, ref: str) -> set[str]:
    """The entities a name names exactly (any label, folded); more than one means the name is ambiguous."""
    return index_of(source).exact(ref)
