"""The runner: every public query and every SPARQL update goes through here, guarded, bounded and logged.

- A query is answered from the result cache when the same request met the same snapshot before; else it is
  checked by the guard (in this process for short texts, in the worker past 16 KB), then run in a worker
  (embedded store) or sent through the store seam (remote store) under the time limit.
- An update is checked and previewed in a worker: the worker computes what it would add and remove on a
  scratch copy, so the engine's parser and the update's WHERE never run in the server process.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import threading
import time
from collections import OrderedDict
from typing import Any

import pyoxigraph as ox

from ..store import (
    RDF_FORMATS,
    RESULT_FORMATS,
    QuerySyntaxError,
    Store,
    StoreError,
)
from .cache import ResultCache
from .guard import DEFAULT_MAX_DEPTH, Checked, QueryRefused, check_query, check_update, query_hash
from .results import (
    BOOLEAN_TEXT,
    Outcome,
    cap_triples,
    convert_solutions,
    select_body,
    serialize_triples,
)
from .workers import Pool

log = logging.getLogger("partnergraph.sparql")
#: Query texts longer than this are read by the guard in a worker, not in the server process (a 256 KB text
#: takes the scanner about a second of CPU on a busy machine).
INLINE_GUARD_CHARS = 16 * 1024
#: The guard's readings of this many texts are kept (a dashboard or a shared link asks the same text again and
#: again: it is scanned once per version of the store's graphs); at most 16 KB each, so at most 4 MB.
CHECKED_KEPT = 256
#: How long the last this many requests took in their worker (a number each) are kept to predict the next time.
TOOK_KEPT = 4096


class UpdateRefused(Exception):
    """An update was refused or failed in its preview; ``kind`` is the outcome's status, the message says why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def generation_changed(runner: QueryRunner) -> bool:
    """True when the store was written since the workers' snapshot (the next query takes a new one first)."""
    return getattr(runner.store, "generation", None) != runner._snapshot


class QueryRunner:
    """Runs public queries and update previews under the limits; thread-safe; ``run`` never raises."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10000,
        memory_mb: int = 2048,
        queue_size: int = 8,
        queue_wait: float | None = None,
        max_depth: int = DEFAULT_MAX_DEPTH,
        update_timeout: float = 60.0,
        cache_mb: float = 64.0,
        fast_lane: int = 1,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.memory_mb = memory_mb
        self.max_depth = max_depth
        self.update_timeout = update_timeout
        self.size = max(1, workers)
        self._graphs: set[str] | None = None
        self._checked: OrderedDict[str, tuple[set[str], Checked]] = OrderedDict()
        self._checked_lock = threading.Lock()
        self._took: OrderedDict[int, float] = OrderedDict()
        self._snapshot = getattr(store, "generation", None)
        wait = min(timeout, 2.0) if queue_wait is None else queue_wait
        self.pool = Pool(
            self._engine, size=self.size, memory_mb=memory_mb, queue_size=queue_size, queue_wait=wait, burst=fast_lane
        )
        self.cache = ResultCache(int(cache_mb * 1024 * 1024))
        self._remote = None if store.capabilities.embedded else concurrent.futures.ThreadPoolExecutor(self.size)

    def _engine(self) -> ox.Store:
        """The engine the workers read: the store's own, or an empty one (a remote store: workers only check)."""
        return self.store.native if self.store.capabilities.embedded else ox.Store()

    # -- the pool --------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Take a new snapshot after the store changed (call it after a write has committed)."""
        self._graphs = None
        self.cache.clear()
        self._snapshot = getattr(self.store, "generation", None)
        if self.store.capabilities.embedded:
            self.pool.refresh()

    def close(self) -> None:
        """Stop every worker and the zygote."""
        self.pool.close()
        if self._remote is not None:
            self._remote.shutdown(wait=False, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """The pids of the idle workers (for tests and monitoring)."""
        return self.pool.worker_pids()

    def graphs(self) -> set[str]:
        """The named graphs of the store (cached until :meth:`refresh`)."""
        if self._graphs is None or getattr(self.store, "generation", None) != self._snapshot:
            self._graphs = set(self.store.graphs())
        return self._graphs

    def check(self, sparql: str) -> Checked:
        """The guard's reading of a query text (raises :class:`QueryRefused`), kept for repeated texts while the
        store's graphs stay the same (a refusal is not kept: it is said again, logged, each time)."""
        graphs = self.graphs()
        kept = self._checked.get(sparql)
        if kept is not None and kept[0] is graphs:
            return kept[1]
        checked = check_query(sparql, graphs, self.max_depth)
        slim = dataclasses.replace(checked, tokens=[])  # the tokens are the guard's own: not kept
        with self._checked_lock:
            self._checked[sparql] = (graphs, slim)
            self._checked.move_to_end(sparql)
            while len(self._checked) > CHECKED_KEPT:
                self._checked.popitem(last=False)
        return slim

    # -- queries ---------------------------------------------------------------------------------------------

    def run(
        self,
        sparql: str,
        result_format: str = "json",
        graph_format: str = "turtle",
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        boolean_format: str | None = None,
        checked: Checked | None = None,
    ) -> Outcome:
        """Check then run a query under the time, memory and row limits; log it; return the outcome.

        ``checked``: the guard's reading of this very text, when the caller already has it (not read twice)."""
        started = time.perf_counter()
        key = self._cache_key(sparql, result_format, graph_format, default_graphs, named_graphs, boolean_format)
        cached = self.cache.get(key) if key is not None else None
        if cached is not None:
            outcome = dataclasses.replace(cached, seconds=time.perf_counter() - started)
            self._log(sparql, outcome, cached=True)
            return outcome
        in_worker = checked is None and len(sparql) > INLINE_GUARD_CHARS and self.store.capabilities.embedded
        try:
            if in_worker:  # a long text is read by the guard in the worker, under its time and memory limits
                checked = Checked("")
            elif checked is None:
                checked = self.check(sparql)
            for iri in [*(default_graphs or []), *(named_graphs or [])]:
                if iri not in self.graphs():
                    raise QueryRefused(f"<{iri}>: no such graph in this store (this endpoint never fetches graphs)")
        except QueryRefused as refusal:
            outcome = Outcome("refused", message=str(refusal))
        else:
            request = {
                "op": "query",
                "sparql": sparql,
                "form": checked.form,
                "suspects": checked.suspects,
                "result_format": result_format,
                "boolean_format": boolean_format or (result_format if result_format != BOOLEAN_TEXT else "json"),
                "graph_format": graph_format,
                "max_rows": self.max_rows,
                "default_graphs": default_graphs,
                "named_graphs": named_graphs,
                "query_dataset": bool(checked.from_graphs or checked.from_named),
            }
            if in_worker:
                request.update(guard=True, graphs=sorted(self.graphs()), max_depth=self.max_depth)
            if self.store.capabilities.embedded:
                self._fresh()
                took = self._took_key(sparql, default_graphs, named_graphs)
                try:
                    outcome = self.pool.call(request, self.timeout, cost=self._took.get(took, 0.0))
                    self._remember(took, outcome)
                except Exception as error:  # a bug of ours: logged with its trace; the caller still gets an outcome
                    log.exception("query %s: the pool failed", query_hash(sparql))
                    outcome = Outcome("error", message=f"internal error: {type(error).__name__}: {error}")
                if outcome.status in ("timeout", "memory"):
                    outcome.message = "the query " + outcome.message
            else:
                outcome = self._run_remote(request)
            outcome.form = outcome.form or checked.form
            if outcome.status == "ok" and key is not None and key[-1] == self._version():
                self.cache.put(key, outcome)
        outcome.seconds = time.perf_counter() - started
        self._log(sparql, outcome)
        return outcome

    @staticmethod
    def _took_key(sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> int:
        return hash((sparql, tuple(default_graphs or ()), tuple(named_graphs or ())))

    def _remember(self, key: int, outcome: Outcome) -> None:
        """Keep how long a request took in its worker (a time-out, or a worker killed for memory, counts as the time
        limit): the next time the same request is known to be slow, and cheap ones may pass it (see :class:`Pool`)."""
        if outcome.status not in ("ok", "timeout", "memory"):
            return
        with self._checked_lock:
            self._took[key] = outcome.seconds if outcome.status == "ok" else self.timeout
            self._took.move_to_end(key)
            while len(self._took) > TOOK_KEPT:
                self._took.popitem(last=False)

    def _version(self) -> tuple[int, int] | None:
        """What the workers see: the pool's snapshot and the store's generation (None: a remote store)."""
        generation = getattr(self.store, "generation", None)
        if generation is None or not self.store.capabilities.embedded:
            return None
        return (self.pool.generation, generation)

    def _cache_key(self, *parts: Any) -> tuple | None:
        """The result cache's key: the request and the snapshot it is answered from (None: not cached)."""
        version = self._version()
        if version is None or self.cache.capacity <= 0 or generation_changed(self):
            return None
        return (*(tuple(p) if isinstance(p, list) else p for p in parts), version)

    def _fresh(self) -> None:
        """Make sure the workers see the store as it is (a write that did not tell us bumped its generation)."""
        if getattr(self.store, "generation", None) != self._snapshot:
            self.refresh()

    @staticmethod
    def _log(sparql: str, outcome: Outcome, cached: bool = False) -> None:
        line = "query %s form=%s outcome=%s rows=%d truncated=%s ms=%.1f" + (" cached" if cached else "")
        args: tuple[Any, ...] = (
            query_hash(sparql),
            outcome.form or "-",
            outcome.status,
            outcome.rows,
            "yes" if outcome.truncated else "no",
            outcome.seconds * 1000,
        )
        if outcome.status == "ok":
            log.info(line, *args)
        else:
            log.warning(line + " message=%s", *args, outcome.message)

    def _run_remote(self, request: dict[str, Any]) -> Outcome:
        """Through the store seam, under our time limit; the answer capped and re-serialised by the engine."""
        if request["suspects"]:
            settled = self.pool.call({**request, "op": "query", "max_rows": 0, "settle_only": True}, self.timeout)
            if settled.status in ("refused", "busy"):
                return settled
        assert self._remote is not None
        future = self._remote.submit(self._remote_answer, request)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            return Outcome("timeout", message=f"the query ran longer than the limit of {self.timeout:g} s: stopped")
        except QuerySyntaxError as error:
            return Outcome("syntax", message=str(error))
        except StoreError as error:
            return Outcome("upstream", message=str(error))
        except (SyntaxError, ValueError) as error:
            return Outcome("upstream", message=f"the store's answer did not parse: {error}")

    @staticmethod
    def _dataset(request: dict[str, Any]) -> dict[str, Any]:
        """The protocol's dataset, for the store seam (nothing when the request names none)."""
        if request["default_graphs"] is None and request["named_graphs"] is None:
            return {}
        return {"default_graphs": request["default_graphs"] or [], "named_graphs": request["named_graphs"] or []}

    def _remote_answer(self, request: dict[str, Any]) -> Outcome:
        cap = self.max_rows
        form = request["form"]
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, _ = self.store.query_serialized(request["sparql"], "nt", **self._dataset(request))
            triples, truncated = cap_triples(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), cap)
            out = serialize_triples(triples, request["graph_format"])
            return Outcome("ok", out, RDF_FORMATS[request["graph_format"]][1], form, len(triples), truncated)
        body, _ = self.store.query_serialized(request["sparql"], "json", **self._dataset(request))
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            fmt = request["boolean_format"]
            media = "text/plain" if fmt == BOOLEAN_TEXT else RESULT_FORMATS[fmt][1]
            return Outcome("ok", convert_solutions(body, "json", fmt), media, "ASK", 1)
        fmt = request["result_format"] if request["result_format"] != BOOLEAN_TEXT else "json"
        return select_body(parsed, fmt, cap)

    # -- updates ---------------------------------------------------------------------------------------------

    def preview_update(
        self, sparql: str, *, base_iri: str | None, exclude: str, protected: tuple[str, ...]
    ) -> tuple[list[ox.Quad], list[ox.Quad]]:
        """What an update would add and remove, computed in a worker; :class:`UpdateRefused` says why not.

        Call it while holding the writer's lock, so that the snapshot is the state the change applies to.
        """
        request: dict[str, Any] = {
            "op": "update",
            "sparql": sparql,
            "base_iri": base_iri,
            "exclude": exclude,
            "protected": protected,
            "max_depth": self.max_depth,
            "nquads": None,
        }
        if self.store.capabilities.embedded:
            self._fresh()
        else:  # the worker cannot read a remote store: send it the quads the update can touch
            from ..update_scope import scope_quads

            try:
                check_update(sparql, protected, self.max_depth)  # before rdflib's parser reads it here
            except QueryRefused as refusal:
                raise UpdateRefused("refused", str(refusal)) from None
            quads = scope_quads(self.store, sparql, base_iri or "")
            request["nquads"] = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        started = time.perf_counter()
        outcome = self.pool.call(request, self.update_timeout, keep=False)
        outcome.seconds = time.perf_counter() - started
        outcome.form = "UPDATE"
        self._log(sparql, outcome)
        if outcome.status != "ok":
            message = outcome.message
            if outcome.status in ("timeout", "memory"):
                message = "the update " + message + "; nothing was written"
            raise UpdateRefused(outcome.status, message)
        added = list(ox.parse(outcome.body, format=ox.RdfFormat.N_QUADS)) if outcome.body else []
        removed = list(ox.parse(outcome.removed, format=ox.RdfFormat.N_QUADS)) if outcome.removed else []
        return added, removed
