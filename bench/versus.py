"""Measurements of bench/run.py that put the app beside the Oxigraph server and time the kept projection.

- :func:`measure_versus_server`: every named query and the ad-hoc shapes a researcher writes, through the app's
  ``/sparql`` and through ``oxigraph serve-read-only --union-default-graph`` on the same store, in the same run,
  interleaved (A B A B ...): medians and the median of the pairwise ratios.
- :func:`measure_projection`: the cold build of the network projection, the load of the persisted one, and
  their memory, each in a fresh process.
- :func:`measure_restart_to_path`: the app started on the store until its first ``/api/paths`` answer, with the
  projection persisted and without; the background measures' time to ready; the server's memory.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

KP = "https://partnergraph.org/ontology#"
#: How long a run waits for the background measures to be ready (``--measures-wait``).
MEASURES_WAIT = {"seconds": 3600.0}
PREFIXES = "PREFIX kp: <https://partnergraph.org/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def ms(seconds: float) -> str:
    """Seconds as a short text in milliseconds or seconds."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def adhoc_queries(hub: str, country: str | None) -> dict[str, str]:
    """The shapes a researcher writes by hand, bound to the dataset's hub (its best-connected party)."""
    return {
        "2-hop partners": PREFIXES + f"SELECT DISTINCT ?p2 WHERE {{ ?t1 kp:party <{hub}> , ?p1 . "
        f"?t2 kp:party ?p1 , ?p2 . FILTER(?p1 != <{hub}> && ?p2 != <{hub}> && ?p2 != ?p1) }} LIMIT 1000",
        "count by country and year": PREFIXES + "SELECT ?country ?year (COUNT(DISTINCT ?t) AS ?n) WHERE { "
        "?t kp:party ?p ; kp:signedDate ?d . ?p kp:country ?country . BIND(SUBSTR(STR(?d), 1, 4) AS ?year) } "
        "GROUP BY ?country ?year ORDER BY DESC(?n) LIMIT 100",
        "regex search": PREFIXES + 'SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(REGEX(?label, "^san", "i")) } '
        "LIMIT 100",
        "UNION then join": PREFIXES + f"SELECT ?x ?label WHERE {{ {{ ?t kp:party <{hub}> , ?x FILTER(?x != <{hub}>) }} "
        f"UNION {{ <{hub}> kp:locatedIn ?x }} UNION {{ ?x kp:locatedIn <{hub}> }} ?x rdfs:label ?label }} LIMIT 1000",
        "property path with LIMIT": PREFIXES + f"SELECT ?x WHERE {{ <{hub}> (^kp:party/kp:party)+ ?x }} LIMIT 100",
        # The same questions written as docs/fast-queries.md advises.
        "count by country and year, rewritten": PREFIXES + "SELECT ?country ?year (COUNT(*) AS ?n) WHERE { "
        "{ SELECT DISTINCT ?t ?country WHERE { ?t kp:party ?p . ?p kp:country ?country } } "
        "?t kp:signedDate ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?year) } "
        "GROUP BY ?country ?year ORDER BY DESC(?n) LIMIT 100",
        "count by year for one country": PREFIXES + "SELECT ?year (COUNT(DISTINCT ?t) AS ?n) WHERE { "
        f"?p kp:country <{country or hub}> . ?t kp:party ?p ; kp:signedDate ?d . "
        "BIND(SUBSTR(STR(?d), 1, 4) AS ?year) } GROUP BY ?year ORDER BY ?year",
        "prefix search with STRSTARTS": PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label "
        'FILTER(STRSTARTS(LCASE(?label), "san")) } LIMIT 100',
        "two hops written out instead of a path": PREFIXES
        + f"SELECT DISTINCT ?x WHERE {{ <{hub}> ^kp:party/kp:party ?x1 . ?x1 ^kp:party/kp:party ?x }} LIMIT 100",
        # What the app adds to any query (the engine's work is nil), and to a big answer (1,000 rows serialised).
        "ASK {} (the fixed cost)": "ASK {}",
        "1,000 rows": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000",
    }


#: Targets of their own (the others: "≤ 1.5× the server").
TARGETS = {"ad hoc ASK {} (the fixed cost)": "≤ the server + 1 ms", "ad hoc 1,000 rows": "≤ 1.1× the server"}


class OxigraphServer:
    """``oxigraph serve-read-only --union-default-graph`` on a store directory, on a free port of 127.0.0.1."""

    def __init__(self, store_dir: Path, port: int) -> None:
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        cmd = [binary, "serve-read-only", "--location", str(store_dir), "--bind", f"127.0.0.1:{port}"]
        self.proc = subprocess.Popen(
            [*cmd, "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.url = f"http://127.0.0.1:{port}/query"

    def wait(self, seconds: float = 120) -> None:
        """Wait until the server answers."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Oxigraph server stopped (exit {self.proc.returncode})")
            try:
                requests.get(self.url + "?query=ASK%7B%7D", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"the Oxigraph server did not answer in {seconds} s")

    def stop(self) -> None:
        """Stop the server."""
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _timed(call: Callable[[], requests.Response]) -> float | str:
    start = time.perf_counter()
    try:
        response = call()
    except requests.Timeout:
        return "timeout"
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return time.perf_counter() - start


def interleaved(a: Callable[[], Any], b: Callable[[], Any], reps: int) -> tuple[float, float, float] | str:
    """A then B, ``reps`` times after one warm-up pair: (median A, median B, median of the ratios A/B)."""
    first = (_timed(a), _timed(b))
    if not all(isinstance(t, float) for t in first):
        return " / ".join(str(t) if not isinstance(t, float) else ms(t) for t in first)
    times_a, times_b = [], []
    for _ in range(reps):
        ta, tb = _timed(a), _timed(b)
        if not (isinstance(ta, float) and isinstance(tb, float)):
            return f"{ta} / {tb}"
        times_a.append(ta)
        times_b.append(tb)
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def measure_versus_server(
    table: Any, ds: Any, app_base: str, port: int, reps: int, named: dict[str, str], cache_off: bool = False
) -> None:
    """Each named query and each ad-hoc shape through the app's /sparql and the Oxigraph server, interleaved.

    With ``cache_off`` (an app started with its result cache off) the rows say so: those compare the engine and
    the app's layer with the server; the others, the app as deployed (a repeated query answered from memory)."""
    contender = "/sparql, result cache off," if cache_off else "/sparql"
    server = OxigraphServer(ds.store_dir, port)
    session = requests.Session()
    try:
        server.wait()
        queries = {f"query {n}": t for n, t in named.items()}
        queries |= {f"ad hoc {n}": t for n, t in adhoc_queries(ds.hub or "", ds.hub_country).items()}
        accept = {"Accept": "application/sparql-results+json"}
        for row, text in queries.items():

            def app(text: str = text) -> requests.Response:
                return session.get(app_base + "/sparql", params={"query": text}, headers=accept, timeout=60)

            def oxigraph(text: str = text) -> requests.Response:
                return session.get(server.url, params={"query": text}, headers=accept, timeout=60)

            result = interleaved(app, oxigraph, reps)
            label = f"{row}: {contender} vs Oxigraph server"
            if isinstance(result, str):
                table.set(label, ds.name, result)
                continue
            t_app, t_ox, ratio = result
            table.set(
                label,
                ds.name,
                f"{ms(t_app)} vs {ms(t_ox)} ({ratio:.2f}×, {'+' if t_app >= t_ox else '−'}{ms(abs(t_app - t_ox))})",
                TARGETS.get(row, "≤ 1.5× the server"),
            )
    finally:
        server.stop()


PROJECTION_SNIPPET = """
import json, os, resource, sys, time
start = time.perf_counter()
from graph import KnowledgeGraph
from graph import network as nw
kg = KnowledgeGraph.open(sys.argv[1], load_shipped=os.environ.get("PARTNERGRAPH_LOAD_SHIPPED") != "false")
opened = time.perf_counter()
holder = nw.projection_of(kg)
holder.precompute = False
net = holder.get()
got = time.perf_counter()
holder.wait()
out = {"open": opened - start, "get": got - opened, "built": holder.built_in, "loaded": holder.loaded_in,
       "nodes": net.graph.number_of_nodes(), "edges": net.graph.number_of_edges(),
       "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
       "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) + sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])}
print(json.dumps(out))
"""


def measure_projection(table: Any, ds: Any, run_measured: Callable) -> None:
    """The projection built cold (no file), then loaded from the file it left, each in a new process."""
    import json

    cache = ds.store_dir.with_name(ds.store_dir.name + ".network.pickle")
    for name in (cache, cache.with_name(cache.name.replace(".network.", ".measures."))):
        name.unlink(missing_ok=True)
    elapsed, peak, out = run_measured([sys.executable, "-c", PROJECTION_SNIPPET, ds.url])
    cold = json.loads(out.strip().splitlines()[-1])
    table.set(
        "projection: cold build (scans of the store)",
        ds.name,
        f"{ms(cold['built'])} ({cold['nodes']:,} entities, {cold['edges']:,} edges; {cold['cpu']:.1f} s CPU in all, "
        "the building child process's included)",
    )
    table.set("projection: memory after the cold build (peak RSS)", ds.name, f"{peak:.0f} MB")
    measure_projection_load(table, ds, run_measured)


def measure_projection_load(table: Any, ds: Any, run_measured: Callable) -> None:
    """The persisted projection loaded in a new process (the file the cold build left, or one already there)."""
    import json

    cache = ds.store_dir.with_name(ds.store_dir.name + ".network.pickle")
    size = cache.stat().st_size / 1e6 if cache.exists() else 0
    elapsed, peak, out = run_measured([sys.executable, "-c", PROJECTION_SNIPPET, ds.url])
    warm = json.loads(out.strip().splitlines()[-1])
    loaded = warm["loaded"]
    text = f"{ms(loaded)} ({size:.0f} MB file)" if loaded is not None else "not loaded (rebuilt)"
    table.set("projection: persisted one loaded", ds.name, text, "well under 1 s")
    table.set("projection: memory after loading (peak RSS)", ds.name, f"{peak:.0f} MB")


def _rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (its children not included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe:
    """One query asked of the app every ``every`` seconds in a thread (the issue's ``partners`` for the hub that
    answered HTTP 500 after the warm-up at 1M), past the result cache: each answer's status and time."""

    def __init__(self, base: str, text: str, every: float = 10.0) -> None:
        import threading

        self.answers: list[tuple[float, str, float]] = []  # (seconds since the probe began, status, seconds)
        self._stop = threading.Event()
        self._begun = time.perf_counter()
        self._args = (base, text, every)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        base, text, every = self._args
        session = requests.Session()
        accept = {"Accept": "application/sparql-results+json"}
        while not self._stop.is_set():
            asked = time.perf_counter()
            fresh = (
                f"{text}\n# probe {len(self.answers)}"  # a text of its own each time: the engine answers, not a cache
            )
            try:
                r = session.get(base + "/sparql", params={"query": fresh}, headers=accept, timeout=120)
                status = str(r.status_code)
            except requests.RequestException as error:
                status = type(error).__name__
            self.answers.append((asked - self._begun, status, time.perf_counter() - asked))
            self._stop.wait(max(0.0, every - (time.perf_counter() - asked)))

    def stop(self) -> str:
        """Stop asking; the answers summed up (counts by status, the first time, the range of the others)."""
        from collections import Counter

        self._stop.set()
        self._thread.join(150)
        if not self.answers:
            return "no answer"
        counts = ", ".join(
            f"{n} × {k if not k.isdigit() else 'HTTP ' + k}" for k, n in Counter(a[1] for a in self.answers).items()
        )
        times = [a[2] for a in self.answers[1:]]
        rest = f", then {ms(min(times))}–{ms(max(times))}" if times else ""
        span = self.answers[-1][0]
        return f"{counts} over {ms(span)} (first {ms(self.answers[0][2])}{rest})"


def measure_restart_to_path(
    table: Any, ds: Any, server_factory: Callable, persisted: bool, probe: str | None = None
) -> None:
    """Start the app on the store and time its first /api/paths answer (from the process's start); with the
    projection persisted, the background measures' time to ready and the server's memory, while ``probe`` (a
    query text) is asked every 10 s from the first answer until the measures are ready."""
    cache = ds.store_dir.with_name(ds.store_dir.name + ".network.pickle")
    if not persisted:
        for name in (cache, cache.with_name(cache.name.replace(".network.", ".measures."))):
            name.unlink(missing_ok=True)
    had_file = cache.exists()
    start = time.perf_counter()
    server = server_factory(ds)
    try:
        served = time.perf_counter() - start
        path = f"/api/paths?from={quote(ds.hub or '')}&to={quote(ds.other or '')}&k=3"
        response = requests.get(server.base + path, timeout=1200)
        first = time.perf_counter() - start
        cpu = _cpu_seconds(server.proc.pid)
        ok = "" if response.status_code == 200 else f" (HTTP {response.status_code})"
        if persisted:
            row, target = "restart → first path answer, projection persisted", "< 2 s at 1.44 M, < 5 s at 14.4 M"
            ok += "" if had_file else " (no persisted file: built)"
        else:
            row, target = "start → first path answer, no persisted projection", ""
        table.set(row, ds.name, f"{ms(first)} (serving after {ms(served)}; {cpu:.1f} s CPU){ok}", target)
        if not persisted:
            deadline = time.monotonic() + 1200  # the server persists the projection after it answers: let it
            while not cache.exists() and time.monotonic() < deadline and server.proc.poll() is None:
                time.sleep(0.5)
            return
        asking = Probe(server.base, probe) if probe else None
        # No request waits for a measure: a ranking asked for now answers at once with its status.
        asked = time.perf_counter()
        status = requests.get(server.base + "/api/rankings?measure=betweenness&limit=5", timeout=60).json()
        table.set(
            "measures: a betweenness ranking asked at start",
            ds.name,
            f"{ms(time.perf_counter() - asked)}, {status.get('status')} ({status.get('progress', 0):.0%})",
        )
        ready: dict[str, float] = {}
        details: dict[str, dict] = {}
        deadline = time.monotonic() + MEASURES_WAIT["seconds"]
        while len(ready) < 2 and time.monotonic() < deadline:
            for m in requests.get(server.base + "/api/measures", timeout=60).json()["measures"]:
                details[m["measure"]] = m
                if m["status"] in ("ready", "failed") and m["measure"] not in ready:
                    ready[m["measure"]] = time.perf_counter() - start
            time.sleep(3.0)  # more than the app's 2 s pause in API questions that its background work waits for
        ranking = requests.get(server.base + "/api/rankings?measure=betweenness&limit=1", timeout=60).json()
        for name in ("communities", "betweenness"):
            if name in ready:
                text = f"{ms(ready[name])} after start"
            else:
                progress = details.get(name, {}).get("progress", 0.0)
                text = f"not ready {ms(time.perf_counter() - start)} after start ({progress:.0%} done)"
            if name == "betweenness" and ranking.get("status") == "ready":
                text += f"; {ranking.get('method', '')}"
                if ranking.get("results") and "standardError" in ranking["results"][0]:
                    top = ranking["results"][0]
                    text += f"; top score {top['score']:.4f} ± {top['standardError']:.4f} (s.e.)"
            table.set(f"measures: {name} ready", ds.name, text)
        if asking is not None:
            summary = asking.stop()
            errors = [line for line in Path(server.log).read_text("utf-8", "replace").splitlines() if "error" in line]
            if errors:
                summary += f"; the log's error lines: {' | '.join(errors[:3])[:300]}"
            table.set(
                "/sparql `partners` for the hub every 10 s from the first answer until the measures are ready",
                ds.name,
                summary,
                "HTTP 200 every time",
            )
        table.set(
            "server CPU seconds when the measures were ready (or the wait ended)",
            ds.name,
            f"{_cpu_seconds(server.proc.pid):.0f} s",
        )
        rss, peak = _rss_mb(server.proc.pid)
        table.set(
            "server memory with projection and measures (RSS, peak)",
            ds.name,
            f"{rss:.0f} MB, peak {peak:.0f} MB",
            "< 2 GB at 14.4 M",
        )
    finally:
        server.stop()


def clients_run(url: str, texts: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads asking ``texts`` in turn (client ``i`` starts at text ``i``) for ``seconds``: answers,
    errors, elapsed time and every latency."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    accept = {"Accept": "application/sparql-results+json"}

    def client(i: int) -> None:
        session = requests.Session()
        n = i
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                response = session.get(url, params={"query": texts[n % len(texts)]}, headers=accept, timeout=120)
                ok = response.status_code == 200
                outcome = "" if ok else f"HTTP {response.status_code}"
            except requests.RequestException as error:
                ok, outcome = False, type(error).__name__
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - start)
                else:
                    errors.append(outcome)
            n += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return {"latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - start}


def _summary(runs: list[dict[str, Any]]) -> tuple[float, float, float, str]:
    """(queries per second, p50, p95, the errors counted by kind) over several runs of one contender."""
    from collections import Counter

    latencies = sorted(x for r in runs for x in r["latencies"])
    elapsed = sum(r["elapsed"] for r in runs)
    errors = ", ".join(f"{n} {kind}" for kind, n in Counter(e for r in runs for e in r["errors"]).most_common())
    if not latencies:
        return 0.0, float("nan"), float("nan"), errors
    return len(latencies) / elapsed, statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))], errors


def cheap_queries(url: str, named: dict[str, str], limit: float = 0.1) -> dict[str, str]:
    """The named queries the Oxigraph server answers in under ``limit`` seconds (the second of two runs): what a
    dashboard of cheap queries asks again and again."""
    session = requests.Session()
    accept = {"Accept": "application/sparql-results+json"}
    cheap = {}
    for name, text in named.items():
        timings = [_timed(lambda t=text: session.get(url, params={"query": t}, headers=accept, timeout=60))]
        timings.append(_timed(lambda t=text: session.get(url, params={"query": t}, headers=accept, timeout=60)))
        if isinstance(timings[-1], float) and timings[-1] < limit:
            cheap[name] = text
    return cheap


def measure_clients_versus_server(
    table: Any,
    ds: Any,
    app_bases: dict[str, str],
    port: int,
    named: dict[str, str],
    seconds: float,
    clients: int = 16,
    rounds: int = 2,
) -> None:
    """``clients`` concurrent clients asking the cheap named queries in turn through the app's ``/sparql`` (each
    app of ``app_bases``: e.g. result cache on and off) and through the Oxigraph server on the same store,
    interleaved (app, server, app, server: ``rounds`` runs of ``seconds`` each): throughput, p50, p95, ratios."""
    server = OxigraphServer(ds.store_dir, port)
    try:
        server.wait()
        texts = cheap_queries(server.url, named)
        if not texts:
            table.set(f"{clients} clients: cheap named queries", ds.name, "none under 100 ms on the server")
            return
        table.set(f"{clients} clients: the cheap named queries (server < 100 ms)", ds.name, ", ".join(sorted(texts)))
        for label, base in app_bases.items():
            app_runs, ox_runs = [], []
            for _ in range(rounds):
                app_runs.append(clients_run(base + "/sparql", list(texts.values()), clients, seconds))
                ox_runs.append(clients_run(server.url, list(texts.values()), clients, seconds))
            a_qps, a_p50, a_p95, a_err = _summary(app_runs)
            o_qps, o_p50, o_p95, o_err = _summary(ox_runs)
            errors = f"; errors: app {a_err or 'none'}, server {o_err or 'none'}" if a_err or o_err else ""
            table.set(
                f"{clients} clients, {label}: /sparql vs Oxigraph server",
                ds.name,
                f"{a_qps:.0f} vs {o_qps:.0f} q/s ({a_qps / o_qps if o_qps else float('nan'):.2f}×); p50 {ms(a_p50)} vs "
                f"{ms(o_p50)} ({a_p50 / o_p50:.2f}×); p95 {ms(a_p95)} vs {ms(o_p95)}{errors}",
                "throughput ≥ 1× the server, p50 ≤ 2×",
            )
    finally:
        server.stop()
