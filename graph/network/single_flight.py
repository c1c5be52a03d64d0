"""Results computed once per key, however many callers ask at the same time (a single-flight cache).

A plain cache lets a second caller that comes while the first is still computing compute the same thing again: at
1M agreements a page opened during the warm-up computed the facets a second time (81 s instead of waiting for the
first). Here the second caller waits for the first one's result (or its error).

>>> cache = SingleFlight()
>>> cache.get("a", lambda: 1), cache.get("a", lambda: 2)
(1, 1)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class _Flight:
    """One computation under way: its owner thread, and its result or error once done."""

    __slots__ = ("done", "error", "owner", "value", "waiting")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.owner = threading.get_ident()
        self.value: Any = None
        self.error: BaseException | None = None
        self.waiting = 0


class SingleFlight:
    """A dict of results by key; :meth:`get` computes a missing one once, other callers of the key wait for it."""

    def __init__(self, results: dict[Any, Any] | None = None) -> None:
        self.results: dict[Any, Any] = {} if results is None else results
        self._flights: dict[Any, _Flight] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        """The result for ``key``: cached, or awaited from the caller computing it, or computed here by ``compute()``
        (an error is raised to every caller that waited for it, and nothing is cached)."""
        try:
            return self.results[key]
        except KeyError:
            pass
        with self._lock:
            if key in self.results:
                return self.results[key]
            flight = self._flights.get(key)
            mine = flight is None
            if mine:
                flight = self._flights[key] = _Flight()
            elif flight.owner == threading.get_ident():
                mine = None  # the computation asks for its own key: compute again rather than wait for oneself
            else:
                flight.waiting += 1
        assert flight is not None
        if mine is None:
            return compute()
        if not mine:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            flight.value = value = compute()
        except BaseException as error:
            flight.error = error
            raise
        else:
            with self._lock:
                self.results[key] = value
            return value
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def waiting(self, key: Any) -> int:
        """How many callers are waiting now for ``key`` to be computed by another (for tests and diagnostics)."""
        with self._lock:
            flight = self._flights.get(key)
            return flight.waiting if flight is not None else 0
