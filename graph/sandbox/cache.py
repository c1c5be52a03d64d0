"""The result cache: answers of repeated queries, keyed by the request and the store's snapshot, bounded in bytes.

A shared link, a dashboard or a named query's page asks the same question again and again; while the store has
not changed, the answer is the same bytes, so it is served without a worker (about a millisecond).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .results import Outcome


class ResultCache:
    """Answers of recent queries, by request and snapshot, bounded in bytes (least recently used out first)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple, Outcome] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Outcome | None:
        """The cached outcome for ``key``, or None."""
        with self._lock:
            outcome = self._items.get(key)
            if outcome is not None:
                self._items.move_to_end(key)
            return outcome

    def put(self, key: tuple, outcome: Outcome) -> None:
        """Keep an outcome (one bigger than an eighth of the capacity is not kept)."""
        size = len(outcome.body) + len(key[0]) + 200
        if size > self.capacity // 8:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = outcome
            self._size += size
            while self._size > self.capacity and self._items:
                old_key, old = self._items.popitem(last=False)
                self._size -= len(old.body) + len(old_key[0]) + 200

    def clear(self) -> None:
        """Forget everything (the store changed)."""
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)
