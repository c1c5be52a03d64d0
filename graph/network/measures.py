"""Measures computed in the background: betweenness and communities take seconds to hours on big graphs, so
no request waits for them. :class:`Measures` hands them to a process of their own (see
:mod:`.measure_process`: the server's interpreter stays free for requests), reports each one's status and
progress, keeps the results per version of the projection and reads the ones persisted beside an on-disk store
(so a restart finds them ready).

>>> import networkx as nx
>>> from graph.network.model import Network
>>> measures = Measures(Network(nx.path_graph(["a", "b", "c"])))
>>> measures.status("betweenness")["status"]
'not started'
>>> measures.request("betweenness")["status"] in ("queued", "computing", "ready")
True
>>> measures.wait("betweenness", timeout=300)["scores"]["b"]
1.0
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from .base import NetworkError
from .filters import Filters
from .measure_process import ONE_AT_A_TIME, MeasureProcess, read_results
from .model import Network

log = logging.getLogger(__name__)
#: The measures computed in the background (degree and tie counts are instant and computed on request).
BACKGROUND = ("betweenness", "communities")
#: Every :class:`Measures` alive (for :func:`cancel_all`).
_ALL: weakref.WeakSet[Measures] = weakref.WeakSet()


class Measures:
    """The background measures of one projection: ``status(name)`` at once, the result when ready."""

    def __init__(self, net: Network, path: Path | None = None, stamp: Any = None) -> None:
        self.net = net
        self.path = path
        self.stamp = stamp
        self.closed = False
        self._results: dict[tuple, dict[str, Any]] = {}
        self._progress: dict[tuple, float] = {}
        self._started: dict[tuple, float] = {}
        self._queue: list[tuple] = []  # asked for, not yet handed to a process
        self._batch: list[tuple] = []  # handed to the running process
        self._filters: dict[tuple, Filters] = {}
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._process: MeasureProcess | None = None
        self._load()
        _ALL.add(self)

    @property
    def pid(self) -> int | None:
        """The process computing this projection's measures now, if any."""
        process = self._process
        return process.pid if process is not None else None

    def request(self, name: str, filters: Filters | None = None) -> dict[str, Any]:
        """The measure if ready, else its status (queued or computing, with progress); starts it if needed."""
        self.request_all([name], filters)
        return self.status(name, filters)

    def request_all(self, names: list[str], filters: Filters | None = None) -> None:
        """Start every measure of ``names`` not ready yet, together: one process reads the projection once for
        all of them."""
        unknown = [name for name in names if name not in BACKGROUND]
        if unknown:
            raise NetworkError(f"unknown background measure {unknown[0]!r} (known: {', '.join(BACKGROUND)})")
        with self._lock:
            if self.closed:
                return
            for name in names:
                key = (name, (filters or Filters()).key)
                if key not in self._results and key not in self._queue and key not in self._batch:
                    self._queue.append(key)
                    self._filters[key] = filters or Filters()
            if self._queue and (self._thread is None or not self._thread.is_alive()):
                self._thread = threading.Thread(target=self._work, name="network-measures", daemon=True)
                self._thread.start()

    def status(self, name: str, filters: Filters | None = None) -> dict[str, Any]:
        """``{"measure", "status": "ready"|"computing"|"queued"|"not started", "progress"}`` (and the result
        when ready)."""
        return self._status(name, (name, (filters or Filters()).key))

    def _status(self, name: str, key: tuple) -> dict[str, Any]:
        result = self._results.get(key)
        if result is not None:
            return result
        if key in self._progress:
            elapsed = time.monotonic() - self._started.get(key, time.monotonic())
            return {
                "measure": name,
                "status": "computing",
                "progress": round(self._progress.get(key, 0.0), 3),
                "seconds": round(elapsed, 1),
            }
        if key in self._queue or key in self._batch:
            return {"measure": name, "status": "queued", "progress": 0.0}
        return {"measure": name, "status": "not started", "progress": 0.0}

    def wait(self, name: str, filters: Filters | None = None, timeout: float | None = None) -> dict[str, Any]:
        """Request the measure and wait until it is ready (for the command line, tests and benchmarks)."""
        self.request(name, filters)
        key = (name, (filters or Filters()).key)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._done:
            while key not in self._results and not self.closed:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._done.wait(left)
        return self.status(name, filters)

    def close(self) -> None:
        """Stop computing (this version of the projection is replaced): its process ends, nothing is started."""
        with self._lock:
            self.closed = True
            process = self._process
            self._done.notify_all()
        if process is not None:
            process.stop()

    def cancel(self) -> None:
        """Drop what is queued and end the running process without recording a failure: what is not ready is
        "not started" again, and a later request starts it anew (the tests cancel everything between tests)."""
        with self._lock:
            self._queue = []
            process = self._process
            if process is not None:
                process.cancelled = True
        if process is not None:
            process.stop()

    def _work(self) -> None:
        while True:
            with self._lock:
                if self.closed or not self._queue:
                    return
                self._batch, self._queue = self._queue, []
                jobs = [(key[0], self._filters[key]) for key in self._batch]
                process = self._process = MeasureProcess(self.net, jobs, self.path if self.stamp else None)
            try:
                with ONE_AT_A_TIME:  # one measure process at a time for the whole server
                    status = 0 if self.closed else process.run(self._said)
            except Exception as error:  # noqa: BLE001 - reported as the measures' status, with its message
                log.exception("the measure process failed")
                status, reason = -1, f"{type(error).__name__}: {error}"
            else:
                reason = f"the measure process ended with status {status}"
            with self._lock:
                for key in self._batch:
                    self._progress.pop(key, None)
                    if key not in self._results and not self.closed and not process.cancelled:
                        log.warning("computing %s failed: %s", key[0], reason)
                        self._results[key] = {"measure": key[0], "status": "failed", "error": reason}
                self._batch, self._process = [], None
                self._done.notify_all()

    def _said(self, kind: str, job: int, share: float) -> None:
        """What the measure process says of job ``job``: started, its progress, done (its result to read)."""
        if job >= len(self._batch):
            return
        key = self._batch[job]
        if kind == "start":
            self._started[key] = time.monotonic()
            self._progress[key] = 0.0
        elif kind == "progress":
            self._progress[key] = share
        elif kind == "done" and self._process is not None:
            result = self._process.result(job)
            with self._lock:
                self._results[key] = result
                self._progress.pop(key, None)
                self._done.notify_all()

    # -- persistence (written by the measure process) --------------------------------------------------------

    def _load(self) -> None:
        if self.path is None or self.stamp is None or not self.path.exists():
            return
        gc.disable()
        try:
            self._results.update(read_results(self.path, self.stamp))
        except Exception:  # noqa: BLE001 - an unreadable file means computing again
            log.warning("cannot read %s: the measures are computed again", self.path)
        finally:
            gc.enable()


def cancel_all() -> None:
    """Cancel the background measures of every projection (see :meth:`Measures.cancel`): no measure process is
    left running or waiting for its turn (the tests call it after each test)."""
    for measures in list(_ALL):
        measures.cancel()
