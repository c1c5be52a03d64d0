"""Measures computed in the background: betweenness and communities take seconds to minutes on big graphs, so
no request waits for them. :class:`Measures` computes them one at a time in a thread, reports each one's
status and progress, keeps the results per version of the projection and persists them beside an on-disk
store (so a restart finds them ready).

>>> import networkx as nx
>>> from graph.network.model import Network
>>> measures = Measures(Network(nx.path_graph(["a", "b", "c"])))
>>> measures.status("betweenness")["status"]
'not started'
>>> measures.request("betweenness")["status"] in ("queued", "computing", "ready")
True
>>> measures.wait("betweenness")["scores"]["b"]
1.0
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from . import algorithms
from .algorithms import BATCHES, sampled_betweenness
from .base import BETWEENNESS_SAMPLES, SEED, NetworkError
from .filters import Filters
from .model import Network

log = logging.getLogger(__name__)
#: The measures computed in the background (degree and tie counts are instant and computed on request).
BACKGROUND = ("betweenness", "communities")
FILE_FORMAT = 1


class Measures:
    """The background measures of one projection: ``status(name)`` at once, the result when ready."""

    def __init__(self, net: Network, path: Path | None = None, stamp: Any = None) -> None:
        self.net = net
        self.path = path
        self.stamp = stamp
        self._results: dict[tuple, dict[str, Any]] = {}
        self._progress: dict[tuple, float] = {}
        self._started: dict[tuple, float] = {}
        self._queue: deque[tuple] = deque()
        self._filters: dict[tuple, Filters] = {}
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._load()

    def request(self, name: str, filters: Filters | None = None) -> dict[str, Any]:
        """The measure if ready, else its status (queued or computing, with progress); starts it if needed."""
        if name not in BACKGROUND:
            raise NetworkError(f"unknown background measure {name!r} (known: {', '.join(BACKGROUND)})")
        key = (name, (filters or Filters()).key)
        with self._lock:
            if key in self._results:
                return self._results[key]
            if key not in self._queue and key not in self._progress:
                self._queue.append(key)
                self._filters[key] = filters or Filters()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="network-measures", daemon=True)
                self._thread.start()
        return self.status(name, filters)

    def status(self, name: str, filters: Filters | None = None) -> dict[str, Any]:
        """``{"measure", "status": "ready"|"computing"|"queued"|"not started", "progress"}`` (and the result
        when ready)."""
        key = (name, (filters or Filters()).key)
        result = self._results.get(key)
        if result is not None:
            return result
        if key in self._progress:
            elapsed = time.monotonic() - self._started.get(key, time.monotonic())
            return {
                "measure": name,
                "status": "computing",
                "progress": round(self._progress[key], 3),
                "seconds": round(elapsed, 1),
            }
        if key in self._queue:
            return {"measure": name, "status": "queued", "progress": 0.0}
        return {"measure": name, "status": "not started", "progress": 0.0}

    def wait(self, name: str, filters: Filters | None = None, timeout: float | None = None) -> dict[str, Any]:
        """Request the measure and wait until it is ready (for the command line, tests and benchmarks)."""
        self.request(name, filters)
        key = (name, (filters or Filters()).key)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._done:
            while key not in self._results:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._done.wait(left)
        return self.status(name, filters)

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    return
                key = self._queue.popleft()
                self._progress[key] = 0.0
                self._started[key] = time.monotonic()
                filters = self._filters.get(key, Filters())
            try:
                result = self._compute(key[0], filters, key)
            except Exception as error:  # noqa: BLE001 - reported as the measure's status, with its message
                log.exception("computing %s failed", key[0])
                result = {"measure": key[0], "status": "failed", "error": f"{type(error).__name__}: {error}"}
            with self._lock:
                self._results[key] = result
                self._progress.pop(key, None)
                self._done.notify_all()
            if key[1] == Filters().key and result.get("status") == "ready":
                self._save()

    def _compute(self, name: str, filters: Filters, key: tuple) -> dict[str, Any]:
        start = time.perf_counter()
        graph = self.net.view(filters)

        def progress(share: float) -> None:
            self._progress[key] = share

        if name == "betweenness":
            n = graph.number_of_nodes()
            samples = algorithms.betweenness_samples(graph)
            scores, errors = sampled_betweenness(graph, samples, SEED, progress)
            method = (
                "exact (Brandes 2001)"
                if samples is None or samples >= n
                else f"estimated from {samples} of {n} sources chosen at random (seed {SEED}; Brandes and Pich "
                f"2007); each score's standard error from {min(BATCHES, samples)} batches of the sources"
                + (
                    ""
                    if samples >= BETWEENNESS_SAMPLES
                    else f"; {samples}, not {BETWEENNESS_SAMPLES}, to bound the work"
                )
            )
            body: dict[str, Any] = {"scores": scores, "errors": errors, "samples": samples, "entities": n}
            if errors:
                top = max(scores, key=lambda v: scores[v])
                body["errorOfTop"] = {"id": top, "score": scores[top], "standardError": errors[top]}
                body["maxStandardError"] = max(errors.values())
        else:
            found = algorithms.communities(graph, SEED)
            method = (
                "Louvain modularity (Blondel et al. 2008), seeded"
                if graph.number_of_edges() <= algorithms.LOUVAIN_MAX_EDGES
                else "semi-synchronous label propagation (Cordasco and Gargano 2010)"
            )
            body = {"communities": found}
        seconds = time.perf_counter() - start
        return {
            "measure": name,
            "status": "ready",
            "progress": 1.0,
            "method": method,
            "seconds": round(seconds, 2),
            **body,
        }

    # -- persistence ---------------------------------------------------------------------------------------

    def _load(self) -> None:
        if self.path is None or self.stamp is None or not self.path.exists():
            return
        gc.disable()
        try:
            with self.path.open("rb") as f:
                header = pickle.load(f)
                if header.get("format") != FILE_FORMAT or header.get("fingerprint") != self.stamp:
                    return
                results = pickle.load(f)
            self._results.update(results)
        except Exception:  # noqa: BLE001 - an unreadable file means computing again
            log.warning("cannot read %s: the measures are computed again", self.path)
        finally:
            gc.enable()

    def _save(self) -> None:
        if self.path is None or self.stamp is None:
            return
        results = {k: v for k, v in self._results.items() if k[1] == Filters().key and v.get("status") == "ready"}
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump({"format": FILE_FORMAT, "fingerprint": self.stamp}, f)
                pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            log.exception("cannot persist the measures to %s", self.path)
