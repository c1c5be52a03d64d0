"""Close spellings among many names, fast: the names grouped by length, so that a query is compared only with the
names long enough and short enough to reach the similarity asked for.

``rapidfuzz.process.extract`` over a country's 10,000-30,000 place names converts and compares every name at each
call; the Indel similarity of two strings (``fuzz.ratio``) is at most ``100 * (1 - |a - b| / (a + b))`` for lengths
``a`` and ``b``, so names of other lengths can never score ``cutoff`` and are left out before the comparison. The
answer is the one ``process.extract`` gives over the whole list: the best scores first, names of equal score in
the list's order.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process


class Spellings:
    """Names (already processed as the query will be) for :meth:`closest` look-ups."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}
        for i, name in enumerate(names):
            bucket = self._by_length.setdefault(len(name), ([], []))
            bucket[0].append(name)
            bucket[1].append(i)

    def closest(self, query: str, cutoff: float, limit: int = 2) -> list[tuple[str, float, int]]:
        """``process.extract(query, names, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=limit)``:
        (name, score, index in the list) of the best names scoring at least ``cutoff``."""
        found: list[tuple[str, float, int]] = []
        n = len(query)
        for length, (names, indexes) in self._by_length.items():
            if n + length and 100.0 * (1 - abs(n - length) / (n + length)) < cutoff - 1e-6:
                continue  # this length cannot reach the cutoff (a small margin for rounding)
            hits = process.extract(query, names, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=limit)
            found += [(name, score, indexes[i]) for name, score, i in hits]
        found.sort(key=lambda hit: (-hit[1], hit[2]))
        return found[:limit]
