"""The Partnergraph benchmark: one run measures every part side by side and writes BENCHMARKS.md.

    python bench/run.py                      # 10k and 100k agreements and the twin cities (about 15 minutes)
    python bench/run.py --sizes 10k,100k,1M,twin
    python bench/run.py --quick --no-browser # a tiny run, for the test

Each measurement is a function that fills cells of one table (rows: measurements; columns: datasets). A part
of the app that is not built yet (the /sparql endpoint, the explorer API, the explorer page, graph.network)
is reported as "n/a (not built)" instead of failing the run. Imports run in a subprocess whose peak memory
is read from the kernel (ru_maxrss); the app is served by waitress on 127.0.0.1 in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench import versus  # noqa: E402

NA = "n/a (not built)"
SIZES = {"tiny": 300, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
KP = "https://partnergraph.org/ontology#"


@dataclass
class Dataset:
    """One dataset of the run: a generated size or the twin cities, with its on-disk store."""

    name: str
    agreements: int | None  # None for the twin cities
    dir: Path
    store_dir: Path = field(init=False)
    nq: Path = field(init=False)
    hub: str | None = None
    other: str | None = None
    hub_country: str | None = None
    typical: tuple[str, str] | None = None
    quads: int = 0

    def __post_init__(self) -> None:
        self.store_dir = self.dir / "store"
        self.nq = self.dir / "generated.nq"

    @property
    def url(self) -> str:
        """The store setting."""
        return f"oxigraph:{self.store_dir}"


@dataclass
class Table:
    """The results: rows of measurements, one column per dataset, with the target of each row."""

    datasets: list[str]
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)

    def set(self, row: str, dataset: str, value: str, target: str = "") -> None:
        """Fill one cell (and the row's target)."""
        self.rows.setdefault(row, {})[dataset] = value
        if target:
            self.targets[row] = target

    def ordered(self) -> list[str]:
        """The rows in measuring order, except that each named query's three engines sit together."""
        engines = {": /sparql": 0, ": engine direct": 1, ": rdflib in memory": 2}
        out: list[str] = []
        groups: dict[str, list[str]] = {}
        for row in self.rows:
            match = re.match(r"query ([\w-]+)(: .*)$", row)
            if not match:
                out.append(row)
                continue
            if match.group(1) not in groups:
                groups[match.group(1)] = []
                out.append(f"\0{match.group(1)}")
            groups[match.group(1)].append(row)
        result = []
        for row in out:
            if row.startswith("\0"):
                result += sorted(groups[row[1:]], key=lambda r: engines.get(r[r.index(":") :], 9))
            else:
                result.append(row)
        return result

    def markdown(self) -> str:
        """The table in Markdown."""
        head = ["measurement", *self.datasets, "target"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in self.ordered():
            cells = self.rows[row]
            values = [cells.get(d, "") for d in self.datasets]
            lines.append("| " + " | ".join([row, *values, self.targets.get(row, "")]) + " |")
        return "\n".join(lines)


# -- helpers ---------------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    """Seconds as a short text in milliseconds or seconds."""
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def median_time(fn: Callable[[], object], reps: int) -> float:
    """The median time of ``reps`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mark(seconds: float, limit: float) -> str:
    """A time with a cross when it misses its limit."""
    return ms(seconds) + ("" if seconds <= limit else " ✗")


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, peak memory in MB of the child, its output)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    with proc.stdout:  # type: ignore[union-attr]
        out = proc.stdout.read().decode("utf-8", "replace")  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {out[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    """Wait until a server answers ``url``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {proc.returncode})")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


def named_query_texts(ds: Dataset) -> dict[str, str]:
    """Every named query, its parameters bound to the dataset's hub (its best-connected entity) and country."""
    from graph.queries import named_queries

    texts = {}
    for name, q in named_queries().items():
        values: dict[str, str | None] = {}
        for p in q.params:
            if p.kind == "iri" and p.name in ("entity", "id") and ds.hub:
                values[p.name] = ds.hub
            elif p.kind == "iri" and p.name == "country" and ds.hub_country:
                values[p.name] = ds.hub_country
        texts[name] = q.bind(values)
    return texts


# -- the measurements -------------------------------------------------------------------------------------------


def measure_generate(ds: Dataset, table: Table) -> None:
    """Generate the dataset's N-Quads (kept between runs: the same seed gives the same file)."""
    if ds.agreements is None:
        table.set("generate (N-Quads written)", ds.name, "- (real data)")
        return
    ds.dir.mkdir(parents=True, exist_ok=True)
    marker = ds.dir / "generated.json"
    if not (ds.nq.exists() and marker.exists() and json.loads(marker.read_text())["agreements"] == ds.agreements):
        from graph.generate import generate_file

        start = time.perf_counter()
        generate_file(ds.agreements, ds.nq)
        marker.write_text(json.dumps({"agreements": ds.agreements, "seconds": time.perf_counter() - start}))
    table.set("generate (N-Quads written)", ds.name, f"{json.loads(marker.read_text())['seconds']:.1f} s")


def measure_import(ds: Dataset, table: Table, reps: int = 3) -> None:
    """Import into a fresh on-disk store in a subprocess, ``reps`` times: median wall time, highest peak memory."""
    if ds.agreements is None:
        cmd = [sys.executable, "-m", "graph", "--store", ds.url, "import-twin-cities"]
        cmd += ["--skip-bad", str(ds.dir / "rejected.csv")]
    else:
        cmd = [sys.executable, "-m", "graph", "--store", ds.url, "bulk-load", str(ds.nq)]
    ds.dir.mkdir(parents=True, exist_ok=True)
    times, peaks = [], []
    for _ in range(reps):
        shutil.rmtree(ds.store_dir, ignore_errors=True)
        elapsed, peak, out = run_measured(cmd)
        times.append(elapsed)
        peaks.append(peak)
    row, target = "import time (fresh on-disk store, incl. start)", "< 15 s at 1.4 M triples"
    table.set(row, ds.name, mark(statistics.median(times), 15), target)
    table.set("import peak memory", ds.name, f"{max(peaks):.0f} MB" + (" ✗" if max(peaks) > 1536 else ""), "< 1.5 GB")
    if ds.agreements is None:
        found = re.search(r"(\d+) rows -> (\d+) ties \((\d+) duplicate.*?(\d+) places .*? in (\d+) countries", out)
        if found:
            rows, ties, dups, places, countries = found.groups()
            text = f"{rows} → {ties} ties ({dups} dup. rows merged), {places} places, {countries} countries"
            table.set("import: rows → ties, places", ds.name, text)


def find_hub(ds: Dataset, table: Table) -> None:
    """The dataset's best-connected party, a second well-connected one, and the hub's country; and its size."""
    from graph.store import OxigraphStore

    store = OxigraphStore(ds.store_dir)
    kept = ds.dir / "hub.json"  # the hub of a store that has not changed since (the query takes minutes at 1M)
    try:
        ds.quads = store.quad_count()
        if kept.exists() and json.loads(kept.read_text())["quads"] == ds.quads:
            known = json.loads(kept.read_text())
            ds.hub, ds.other, ds.hub_country = known["hub"], known["other"], known["country"]
            ds.typical = tuple(known["typical"]) if known["typical"] else None
            table.set("statements (quads) in the store", ds.name, f"{ds.quads:,}")
            return
        rows = list(
            store.select_values(
                f"SELECT ?p (COUNT(?t) AS ?n) WHERE {{ ?t <{KP}party> ?p }} GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 50"
            )
        )
        ds.hub = rows[0][0]
        ds.other = rows[-1][0]
        country = list(store.select_values(f"SELECT ?c WHERE {{ <{ds.hub}> <{KP}country> ?c }} LIMIT 1"))
        ds.hub_country = country[0][0] if country else None
        typical = list(
            store.select_values(
                f"SELECT ?p WHERE {{ ?t <{KP}party> ?p }} GROUP BY ?p HAVING (COUNT(?t) >= 2 && COUNT(?t) <= 4) "
                "ORDER BY DESC(STR(?p)) LIMIT 2"
            )
        )
        ds.typical = (typical[0][0], typical[1][0]) if len(typical) == 2 else None
        found = {"quads": ds.quads, "hub": ds.hub, "other": ds.other, "country": ds.hub_country}
        kept.write_text(json.dumps(found | {"typical": ds.typical}))
    finally:
        store.close()
    table.set("statements (quads) in the store", ds.name, f"{ds.quads:,}")


RESTART_SNIPPET = f"""
import os, sys, time
start = time.perf_counter()
from graph import KnowledgeGraph
kg = KnowledgeGraph.open(sys.argv[1], load_shipped=os.environ.get("PARTNERGRAPH_LOAD_SHIPPED") != "false")
n = list(kg.store.select_values("SELECT (COUNT(*) AS ?n) WHERE {{ ?t a <{KP}Partnership> }}"))
print(time.perf_counter() - start)
"""


def measure_restart(ds: Dataset, table: Table, reps: int) -> None:
    """Open the imported store again in a new process (imports, open, version check, first query)."""
    inside, whole = [], []
    for _ in range(reps):
        elapsed, _, out = run_measured([sys.executable, "-c", RESTART_SNIPPET, ds.url])
        inside.append(float(out.strip().splitlines()[-1]))
        whole.append(elapsed)
    table.set("restart: open + first query", ds.name, mark(statistics.median(inside), 2), "< 2 s")
    table.set("restart: whole process (Python start incl.)", ds.name, ms(statistics.median(whole)))


def measure_engine(ds: Dataset, table: Table, reps: int, engine: dict[str, float]) -> None:
    """Each named query on the embedded engine called directly (pyoxigraph, no HTTP)."""
    from graph.store import OxigraphStore

    store = OxigraphStore(ds.store_dir)
    try:
        for name, text in named_query_texts(ds).items():

            def run(text: str = text) -> None:
                list(store.select_values(text))

            engine[name] = median_time(run, reps)
            table.set(f"query {name}: engine direct", ds.name, ms(engine[name]))
    finally:
        store.close()


RDFLIB_WORKER = r"""
import json, signal, sys, time
from rdflib import Dataset
path, queries, timeout = sys.argv[1], json.loads(open(sys.argv[2]).read()), float(sys.argv[3])
start = time.perf_counter()
ds = Dataset(default_union=True)
ds.parse(path, format="nquads")
out = {"_load": time.perf_counter() - start}
class Timeout(Exception):
    pass
def alarm(*_):
    raise Timeout()
signal.signal(signal.SIGALRM, alarm)
for name, text in queries.items():
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        start = time.perf_counter()
        list(ds.query(text))
        out[name] = time.perf_counter() - start
    except Timeout:
        out[name] = "timeout"
    except RecursionError:
        out[name] = "RecursionError"
    except Exception as error:
        out[name] = "error: " + type(error).__name__
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
print(json.dumps(out))
"""


def measure_rdflib(ds: Dataset, table: Table, timeout: float, max_quads: int) -> None:
    """Each named query on plain rdflib in memory (the engine rdflib-endpoint serves), one run, with a timeout."""
    queries = named_query_texts(ds)
    if ds.quads > max_quads:
        for name in queries:
            table.set(f"query {name}: rdflib in memory", ds.name, f"skipped (> {max_quads:,} quads)")
        return
    from graph.store import OxigraphStore

    dump = ds.dir / "dump.nq"
    store = OxigraphStore(ds.store_dir)
    try:
        dump.write_bytes(store.dump("nquads"))
    finally:
        store.close()
    qfile = ds.dir / "queries.json"
    qfile.write_text(json.dumps(queries))
    _, peak, out = run_measured([sys.executable, "-c", RDFLIB_WORKER, str(dump), str(qfile), str(timeout)])
    result = json.loads(out.strip().splitlines()[-1])
    table.set("rdflib: parse into memory", ds.name, f"{ms(result['_load'])}, {peak:.0f} MB")
    for name in queries:
        value = result.get(name)
        text = ms(value) if isinstance(value, float) else f"{value} ({timeout:.0f} s)" if value == "timeout" else value
        table.set(f"query {name}: rdflib in memory", ds.name, str(text))
    dump.unlink()


class Server:
    """The app served by waitress on 127.0.0.1 in a subprocess."""

    def __init__(self, ds: Dataset, settings: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "server.py", "--host", "127.0.0.1", "--port", str(self.port), "--store", ds.url]
        env = {**os.environ, **(settings or {})}
        #: the server's log (every error outcome with its message), kept beside the dataset
        self.log = ds.dir / f"server-{self.port}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        wait_http(self.base + "/healthz", self.proc)

    def has(self, path: str) -> bool:
        """Whether the app serves this path (anything but 404)."""
        return requests.get(self.base + path, timeout=300).status_code != 404

    def stop(self) -> None:
        """Stop the server."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def sparql_get(session: requests.Session, base: str, text: str) -> requests.Response:
    """One query through /sparql (GET, SPARQL JSON results)."""
    response = session.get(
        base + "/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=120
    )
    response.raise_for_status()
    return response


def warmed_up(base: str) -> None:
    """Wait for what the app's warm-up prepares (the overview, the facets, the degree ranking): asked here, each
    is computed if the warm-up has not yet, so that nothing timed after competes with it for the interpreter."""
    for path in ("/api/graph", "/api/facets", "/api/rankings?limit=10&measure=degree"):
        requests.get(base + path, timeout=1200)


def measure_endpoint(ds: Dataset, table: Table, server: Server, reps: int, engine: dict[str, float]) -> None:
    """Each named query through /sparql, beside the engine called directly."""
    queries = named_query_texts(ds)
    built = server.has("/sparql?query=ASK%7B%7D")
    session = requests.Session()
    for name, text in queries.items():
        row = f"query {name}: /sparql"
        if not built:
            table.set(row, ds.name, NA, "< 200 ms, ≤ 1.5× engine")
            continue
        try:
            t = median_time(lambda text=text: sparql_get(session, server.base, text), reps)
        except requests.RequestException as error:
            table.set(row, ds.name, f"error: {str(error)[:60]}", "< 200 ms, ≤ 1.5× engine")
            continue
        ratio = t / engine[name] if engine.get(name) else float("nan")
        flag = "" if t <= 0.2 and ratio <= 1.5 else " ✗"
        overhead = t - engine.get(name, 0.0)
        sign = "+" if overhead >= 0 else "−"
        text = f"{ms(t)} ({ratio:.1f}× engine, {sign}{ms(abs(overhead))}){flag}"
        table.set(row, ds.name, text, "< 200 ms, ≤ 1.5× engine")


def measure_api(ds: Dataset, table: Table, server: Server, reps: int) -> None:
    """Paths, common partners and neighbourhoods through the explorer's JSON API."""
    calls = {
        "API paths (k=3)": f"/api/paths?from={quote(ds.hub or '')}&to={quote(ds.other or '')}&k=3",
        "API common partners": f"/api/common?id={quote(ds.hub or '')}&id={quote(ds.other or '')}",
        "API neighbourhood (1 hop)": f"/api/neighbourhood?id={quote(ds.hub or '')}&hops=1",
    }
    built = server.has("/api/facets")
    session = requests.Session()
    if built:
        start = time.perf_counter()
        session.get(server.base + "/api/facets", timeout=600)  # builds the network projection once
        table.set("API: network projection built (first call)", ds.name, ms(time.perf_counter() - start))
        # Steady state: the app's warm-up (overview, layout) has finished before anything is timed.
        warmed_up(server.base)
    for row, path in calls.items():
        if not built:
            table.set(row, ds.name, NA, "< 100 ms median")
            continue

        def call(path: str = path) -> None:
            r = session.get(server.base + path, timeout=120)
            if r.status_code >= 400:
                raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")

        try:
            table.set(row, ds.name, mark(median_time(call, reps), 0.1), "< 100 ms median")
        except RuntimeError as error:
            table.set(row, ds.name, f"error: {str(error)[:80]}", "< 100 ms median")


def measure_browser(ds: Dataset, table: Table, server: Server, reps: int) -> None:
    """The explorer in headless Chromium, the overview and a focused neighbourhood: its first draw (the first frame
    with nodes, ``body[data-drawn]``) and when it is ready (measures, communities and timeline loaded, ``data-ready``).
    """
    pages = {"overview": ("/", 2.0), "focused": (f"/#focus={quote(ds.hub or '')}", 1.0)}
    page_html = requests.get(server.base + "/", timeout=60)
    if page_html.status_code == 404 or "explorer" not in page_html.text:
        for name, (_, limit) in pages.items():
            table.set(f"explorer first draw: {name}", ds.name, NA, f"< {limit:.0f} s")
            table.set(f"explorer ready: {name}", ds.name, NA)
        return
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    # Functions, not expressions: the app's Content-Security-Policy forbids eval.
    drawn_or_ready = "() => document.body.dataset.drawn === '1' || document.body.dataset.ready === '1'"
    ready = (
        "() => document.body.dataset.ready === '1' && "
        "Number((document.getElementById('counts') || {dataset: {}}).dataset.nodes || 0) > 0"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            for name, (path, limit) in pages.items():
                drawn_row, ready_row = f"explorer first draw: {name}", f"explorer ready: {name}"
                drawn_times, ready_times = [], []
                try:
                    for _ in range(reps + 1):
                        context = browser.new_context(viewport={"width": 1280, "height": 800})
                        page = context.new_page()
                        start = time.perf_counter()
                        page.goto(server.base + path, timeout=60_000)
                        page.wait_for_function(drawn_or_ready, timeout=60_000)
                        drawn_at = time.perf_counter() - start
                        page.wait_for_function(ready, timeout=60_000)
                        ready_times.append(time.perf_counter() - start)
                        if page.evaluate("document.body.dataset.drawn") != "1":
                            raise RuntimeError("ready without a drawing (no node drawn)")
                        drawn_times.append(drawn_at)
                        context.close()
                except PlaywrightTimeout:
                    table.set(drawn_row, ds.name, "timeout (> 60 s) ✗", f"< {limit:.0f} s")
                    table.set(ready_row, ds.name, "timeout (> 60 s)")
                    continue
                table.set(drawn_row, ds.name, mark(statistics.median(drawn_times[1:]), limit), f"< {limit:.0f} s")
                table.set(ready_row, ds.name, ms(statistics.median(ready_times[1:])))
        finally:
            browser.close()


def measure_throughput(ds: Dataset, table: Table, server: Server, seconds: float, clients: int = 16) -> None:
    """Queries per second through /sparql with 16 concurrent clients on 127.0.0.1 (the named queries in turn)."""
    row = f"/sparql throughput, {clients} clients"
    if not server.has("/sparql?query=ASK%7B%7D"):
        table.set(row, ds.name, NA)
        return
    texts = list(named_query_texts(ds).values())
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        session = requests.Session()
        n = i
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                sparql_get(session, server.base, texts[n % len(texts)])
                with lock:
                    latencies.append(time.perf_counter() - start)
            except requests.RequestException:
                with lock:
                    errors[0] += 1
            n += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - start
    if not latencies:
        table.set(row, ds.name, f"0 q/s ({errors[0]} errors)")
        return
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    text = f"{len(latencies) / elapsed:.0f} q/s, p50 {ms(statistics.median(latencies))}, p95 {ms(p95)}"
    table.set(row, ds.name, text + (f", {errors[0]} errors" if errors[0] else ""))


def measure_clients(ds: Dataset, table: Table, server: Server, label: str, seconds: float, clients: int = 16) -> None:
    """16 clients of the cheap named queries through the app (``label``: its result cache on or off) and through
    the Oxigraph server on the same store, interleaved (:func:`versus.measure_clients_versus_server`)."""
    named = named_query_texts(ds)
    warmed_up(server.base)  # its warm-up done before anything is timed
    versus.measure_clients_versus_server(table, ds, {label: server.base}, free_port(), named, seconds, clients)


def wanted(label: str) -> bool:
    """Whether ``--only`` lets this measurement run."""
    return not ONLY or label in ONLY


def measure_remote(ds: Dataset, table: Table) -> None:
    """Path questions against a remote SPARQL engine (an Oxigraph server): time and bytes received over HTTP.

    The first question goes to the bidirectional search (``graph.pathfinder``) as the app does on a remote
    store before its projection is built: between the hub and another well-connected party, and between two
    ordinary parties. Then the whole projection is built (what the explorer needs for everything else) and a
    question is answered from it."""
    rows = {
        "hub": "remote: first path question (bytes over HTTP)",
        "typical": "remote: first path question, ordinary ends (bytes)",
        "projection": "remote: network projection built (bytes)",
        "next": "remote: next path question (bytes)",
    }
    try:
        from graph import entities
        from graph import network as nw
    except ImportError:
        for row in rows.values():
            table.set(row, ds.name, NA)
        return
    try:
        from graph import pathfinder
    except ImportError:
        pathfinder = None
    from graph import KnowledgeGraph
    from graph.store import RemoteStore

    binary = shutil.which("oxigraph")
    if binary is None:
        for row in rows.values():
            table.set(row, ds.name, "n/a (no oxigraph server)")
        return
    port = free_port()
    cmd = [binary, "serve-read-only", "--location", str(ds.store_dir), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen([*cmd, "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    whole = ds.nq.stat().st_size if ds.nq.exists() else 0
    try:
        wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc, 60)
        store = RemoteStore(f"http://127.0.0.1:{port}/query")
        counted = [0]
        store._http.hooks["response"].append(lambda r, *a, **k: counted.__setitem__(0, counted[0] + len(r.content)))
        kg = KnowledgeGraph(store)

        def measured(row: str, question: Callable[[], object]) -> None:
            counted[0] = 0
            start = time.perf_counter()
            try:
                question()
            except nw.NetworkError as error:
                table.set(row, ds.name, f"refused: {' '.join(str(error).split())[:80]}")
                return
            elapsed = time.perf_counter() - start
            share = f", {counted[0] / whole:.2%} of the N-Quads" if whole else ""
            table.set(row, ds.name, f"{counted[0] / 1e3:,.0f} KB in {ms(elapsed)}{share}")

        if pathfinder is not None:
            measured(rows["hub"], lambda: pathfinder.find_paths(kg, ds.hub, ds.other, k=3))
            if ds.typical:
                measured(rows["typical"], lambda: pathfinder.find_paths(kg, ds.typical[0], ds.typical[1], k=3))
            else:
                table.set(rows["typical"], ds.name, "n/a (no ordinary pair)")
        else:
            table.set(rows["hub"], ds.name, NA)
            table.set(rows["typical"], ds.name, NA)

        def projection() -> None:
            net = nw.network(kg)
            entities.explain_paths(kg, net, net.paths(ds.hub, ds.other, k=3))

        measured(rows["projection"], projection)
        measured(
            rows["next"],
            lambda: entities.explain_paths(kg, nw.network(kg), nw.network(kg).paths(ds.other, ds.hub, k=3)),
        )
        store.close()
    finally:
        proc.terminate()
        proc.wait(20)


# -- the run ----------------------------------------------------------------------------------------------------


def machine() -> str:
    """The machine and software of the run, one line each."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import pyoxigraph
    import rdflib

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        commit = subprocess.run(
            ["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return (
        f"- Machine: {cpu}, {os.cpu_count()} cores{mem}; {platform.platform()}; load average at start {load}\n"
        f"- Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}\n"
        f"- Code: {commit}\n"
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )


#: When set (``--only``), the measurements to run; the others are left out.
ONLY: set[str] = set()
#: The 1-minute load average when each measurement of a dataset began (the machine is shared: say how busy).
LOADS: dict[str, list[float]] = {}


def guarded(table: Table, ds: Dataset, label: str, fn: Callable[[], None]) -> None:
    """Run one measurement; a failure is a row of the table, not the end of the run."""
    if ONLY and label not in ONLY:
        return
    print(f"   {label}", file=sys.stderr, flush=True)
    LOADS.setdefault(ds.name, []).append(os.getloadavg()[0])
    try:
        fn()
    except Exception as error:  # a benchmark reports what broke and goes on
        message = " ".join(f"{type(error).__name__}: {error}".split())[:150]
        table.set(f"{label}: failed", ds.name, message)


def measure_served(
    ds: Dataset,
    table: Table,
    reps: int,
    browser: bool,
    seconds: float,
    skip: frozenset[str],
    engine: dict[str, float],
    named: dict[str, str],
) -> None:
    """The measurements made on the app as deployed (result cache on), in one server started for them."""
    server = Server(ds)
    try:
        # Steady state first: the warm-up (overview, facets, degree ranking) computes in a thread of the server, and
        # a request meanwhile waits its turns for the interpreter (tens of ms at 100k).
        started = time.perf_counter()
        warmed_up(server.base)
        table.set(
            "app warm-up, from serving to done (overview, facets, degree ranking)",
            ds.name,
            ms(time.perf_counter() - started),
        )
        guarded(table, ds, "endpoint", lambda: measure_endpoint(ds, table, server, reps, engine))
        guarded(
            table, ds, "versus", lambda: versus.measure_versus_server(table, ds, server.base, free_port(), reps, named)
        )
        guarded(table, ds, "api", lambda: measure_api(ds, table, server, reps))
        if browser and "browser" not in skip:
            guarded(table, ds, "browser", lambda: measure_browser(ds, table, server, max(1, reps // 3)))
        else:
            for row in ("explorer first draw: overview", "explorer first draw: focused"):
                table.set(row, ds.name, "skipped (--no-browser)")
            for row in ("explorer ready: overview", "explorer ready: focused"):
                table.set(row, ds.name, "skipped (--no-browser)")
        if "throughput" in skip:
            table.set("/sparql throughput, 16 clients", ds.name, "skipped")
        else:
            guarded(table, ds, "throughput", lambda: measure_throughput(ds, table, server, seconds))
            guarded(table, ds, "clients", lambda: measure_clients(ds, table, server, "result cache on", seconds))
    finally:
        server.stop()


def measure_served_cache_off(
    ds: Dataset, table: Table, reps: int, seconds: float, clients: bool, named: dict[str, str]
) -> None:
    """The same app with its result cache off (two apps cannot open one on-disk store at once): what the engine
    and the app's layer cost when nothing is answered from memory."""
    cold = Server(ds, {"PARTNERGRAPH_RESULT_CACHE_MB": "0"})
    try:
        warmed_up(cold.base)
        guarded(
            table,
            ds,
            "versus cache off",
            lambda: versus.measure_versus_server(table, ds, cold.base, free_port(), reps, named, cache_off=True),
        )
        if clients:
            guarded(table, ds, "clients", lambda: measure_clients(ds, table, cold, "result cache off", seconds))
    finally:
        cold.stop()


def run_dataset(
    ds: Dataset, table: Table, reps: int, browser: bool, seconds: float, rdflib_max: int, skip: frozenset[str]
) -> None:
    """Every measurement on one dataset, in order (``skip``: parts left out, each said so in its rows)."""
    print(f"== {ds.name}", file=sys.stderr, flush=True)
    measure_generate(ds, table)
    print("   import", file=sys.stderr, flush=True)
    if "import" in skip and ds.store_dir.exists():
        table.set("import time (fresh on-disk store, incl. start)", ds.name, "skipped (store kept)")
    else:
        measure_import(ds, table, 1 if reps < 5 else 3)
    find_hub(ds, table)
    engine: dict[str, float] = {}
    guarded(table, ds, "restart", lambda: measure_restart(ds, table, reps))
    guarded(table, ds, "projection", lambda: versus.measure_projection(table, ds, run_measured))
    if "projection load" in ONLY:  # the load alone, of the file there (the cold build above ends with one)
        guarded(table, ds, "projection load", lambda: versus.measure_projection_load(table, ds, run_measured))
    guarded(table, ds, "first path", lambda: versus.measure_restart_to_path(table, ds, Server, persisted=False))
    named = named_query_texts(ds)
    partners = named.get("partners")
    guarded(
        table,
        ds,
        "restart path",
        lambda: versus.measure_restart_to_path(table, ds, Server, persisted=True, probe=partners),
    )
    guarded(table, ds, "engine", lambda: measure_engine(ds, table, reps, engine))
    if "rdflib" in skip:
        table.set("rdflib: parse into memory", ds.name, "skipped")
    else:
        guarded(table, ds, "rdflib", lambda: measure_rdflib(ds, table, 30.0, rdflib_max))
    if any(wanted(part) for part in ("endpoint", "versus", "api", "browser", "throughput", "clients")):
        measure_served(ds, table, reps, browser, seconds, skip, engine, named)
    clients = "throughput" not in skip and wanted("clients")
    if clients or wanted("versus cache off"):
        measure_served_cache_off(ds, table, reps, seconds, clients, named)
    if "remote" in skip:
        table.set("remote: first path question (bytes over HTTP)", ds.name, "skipped")
    else:
        guarded(table, ds, "remote", lambda: measure_remote(ds, table))
    loads = LOADS.get(ds.name, []) + [os.getloadavg()[0]]
    table.set(
        "load average (1 min) at each measurement's start, and at the end",
        ds.name,
        ", ".join(f"{x:.1f}" for x in loads),
    )


def run(
    sizes: list[str],
    work: Path,
    reps: int,
    browser: bool,
    seconds: float,
    rdflib_max: int,
    skip: frozenset[str] = frozenset(),
) -> Table:
    """Run every measurement on every dataset; return the table."""
    table = Table(sizes)
    for name in sizes:
        run_dataset(Dataset(name, SIZES.get(name), work / name), table, reps, browser, seconds, rdflib_max, skip)
    return table


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print the table and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,twin", help="Comma-separated: tiny, 10k, 100k, 1M, twin.")
    parser.add_argument("--quick", action="store_true", help="A tiny run (tiny + twin-free): for the test.")
    parser.add_argument("--no-browser", action="store_true", help="Skip the headless Chromium measurements.")
    parser.add_argument("--reps", type=int, default=9, help="Repetitions of each timed call (median reported).")
    parser.add_argument("--seconds", type=float, default=10.0, help="Duration of the throughput run.")
    parser.add_argument("--rdflib-max", type=int, default=2_000_000, help="Skip rdflib above this many quads.")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench", help="Where datasets and stores go.")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="The Markdown file to write.")
    parser.add_argument(
        "--measures-wait", type=float, default=3600.0, help="Seconds to wait for the background measures."
    )
    parser.add_argument(
        "--keep-shipped",
        action="store_true",
        help="Leave the shipped (curated) data in the stores as it is: a newer version of it is not loaded, so the "
        "persisted projection of a big store stays current (the generated data is what is measured).",
    )
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated measurements to run alone (on stores already imported: with --skip import), e.g. "
        "'projection,first path,restart path' or 'versus'.",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="Comma-separated parts to leave out: import (keep an existing store), rdflib, browser, throughput, "
        "remote.",
    )
    args = parser.parse_args(argv)
    sizes = ["tiny"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES and s != "twin"]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)} (known: {', '.join(SIZES)}, twin)")
    reps, seconds = (3, 1.0) if args.quick else (args.reps, args.seconds)
    info = machine()  # before the run: the load average says whether the machine was quiet
    skip = frozenset(x.strip() for x in args.skip.split(",") if x.strip())
    ONLY.update(x.strip() for x in args.only.split(",") if x.strip())
    versus.MEASURES_WAIT["seconds"] = args.measures_wait
    if args.keep_shipped:
        os.environ["PARTNERGRAPH_LOAD_SHIPPED"] = "false"  # read by the app's settings and by the snippets
    table = run(sizes, args.work, reps, not args.no_browser, seconds, args.rdflib_max, skip)
    notes = ROOT / "bench" / "notes.md"
    text = "# Benchmarks\n\n" + info + "\n- Command: `python bench/run.py " + " ".join(argv or sys.argv[1:]) + "`\n\n"
    text += table.markdown() + "\n"
    if notes.exists():
        text += "\n" + notes.read_text("utf-8")
    print(table.markdown())
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
