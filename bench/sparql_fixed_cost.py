"""The /sparql endpoint's fixed cost per request and its throughput with the result cache off, beside the Oxigraph
server on a copy of the same store, in the same run.

    python bench/sparql_fixed_cost.py --store /path/to/oxigraph-store [--reps 40] [--seconds 10] [--clients 16]
    python bench/sparql_fixed_cost.py --store ... --before /path/to/another/checkout   # A/B in the same run

The store is copied for each contender (each app and ``oxigraph serve-read-only --union-default-graph`` open
their own); each app is started with its ``server.py`` (result cache off, no warm-up, no shipped data loaded).
Printed:

- ``ASK {}`` from a light client (http.client in a child process, one connection), each contender in turn:
  the wall median and the CPU per request (the fixed cost alone);
- per query (``ASK {}``, the cheap named queries and a ``--rows`` answer): each contender in turn, then the
  engine called in this process (its CPU), round after round: medians, the CPU each used per query (the process
  and its query workers, from the scheduler's counts: steady on a loaded machine where wall times are not), the
  median of the pairwise ratios to the server and the difference of the medians (the app's fixed cost);
- ``--clients`` clients asking the cheap named queries in turn, each contender in turn ``--rounds`` times:
  queries per second, p50, p95 and the ratios to the server (no CPU here: the fast lane's workers end, and their
  CPU with them);
- the load average before each part.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
import requests  # noqa: E402

from bench.versus import OxigraphServer, _summary, clients_run  # noqa: E402

CHEAP = ("statistics", "evidence", "contradictions", "counted-statements", "training-courses")
ACCEPT = {"Accept": "application/sparql-results+json"}


def load() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.2f}"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(root: Path, store: Path, port: int, settings: dict[str, str]) -> subprocess.Popen:
    """``server.py`` of the checkout ``root`` on the store, on 127.0.0.1:port, once it answers."""
    env = {
        **os.environ,
        "PARTNERGRAPH_RESULT_CACHE_MB": "0",
        "PARTNERGRAPH_LOAD_SHIPPED": "false",
        "PARTNERGRAPH_EXPLORER_WARMUP": "false",
        **settings,
    }
    cmd = [sys.executable, "server.py", "--host", "127.0.0.1", "--port", str(port), "--store", f"oxigraph:{store}"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app stopped (exit {proc.returncode})")
        try:
            requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=5)
            return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the app did not answer in 300 s")


def _children() -> dict[int, list[int]]:
    """Every live process's children, by parent pid."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(name))
    return children


def process_cpu(pid: int) -> float:
    """CPU seconds of one process: its live threads' nanosecond counts from the scheduler, or the kernel's tick
    counts (which keep the threads that ended: a server may give each connection a thread) when those say more."""
    live = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/schedstat") as schedstat:
            live += int(schedstat.read().split()[0])
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return max(live / 1e9, ticks)


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its live descendants (the app's query workers)."""
    children = _children()
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        with contextlib.suppress(OSError):
            total += process_cpu(current)
    return total


def ms(seconds: float) -> str:
    """Seconds in milliseconds, 2 decimals."""
    return f"{seconds * 1000:.2f}"


def engine_cpu(engine: ox.Store, text: str) -> float:
    """CPU seconds of one run of the engine called in this process, serialising SPARQL JSON."""
    started = time.thread_time()
    engine.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
    return time.thread_time() - started


def timed(session: requests.Session, url: str, text: str) -> float:
    """One GET of ``text`` (SPARQL JSON asked): seconds; an error answer raises."""
    started = time.perf_counter()
    response = session.get(url, params={"query": text}, headers=ACCEPT, timeout=60)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code} {response.text[:200]}")
    return elapsed


def fixed_cost(contenders: dict[str, tuple[str, int]], texts: dict[str, str], engine: ox.Store, reps: int) -> None:
    """Each query through each contender in turn (A B C A B C ...), and the engine in this process: median ms,
    ratio to the server, CPU per query."""
    names = list(contenders)
    session = requests.Session()
    header = " | ".join(f"{n} ms | {n} CPU ms/q" for n in names)
    ratios = " | ".join(f"{n} ÷ server | {n} − server ms" for n in names if n != "server")
    print(f"| query | engine in-process CPU ms | {header} | {ratios} | load |")
    print("|---" * (3 + 2 * len(names) + 2 * (len(names) - 1)) + "|")
    for name, text in texts.items():
        at = load()
        times: dict[str, list[float]] = {n: [] for n in names}
        for url, _ in contenders.values():
            timed(session, url, text)  # warm
        in_process = [engine_cpu(engine, text)]
        cpu = {n: tree_cpu(pid) for n, (_, pid) in contenders.items()}
        for _ in range(reps):
            for n, (url, _) in contenders.items():
                times[n].append(timed(session, url, text))
            in_process.append(engine_cpu(engine, text))
        cpu = {n: (tree_cpu(pid) - cpu[n]) / reps for n, (_, pid) in contenders.items()}
        med = {n: statistics.median(t) for n, t in times.items()}
        cells = " | ".join(f"{ms(med[n])} | {ms(cpu[n])}" for n in names)
        pair = {
            n: statistics.median(a / b for a, b in zip(times[n], times["server"], strict=True))
            for n in names
            if n != "server"
        }
        versus = " | ".join(f"{pair[n]:.2f}× | {ms(med[n] - med['server'])}" for n in pair)
        print(f"| {name} | {ms(statistics.median(in_process[1:]))} | {cells} | {versus} | {at} |")


LIGHT_CLIENT = """
import http.client, statistics, sys, time
from urllib.parse import urlsplit
url = urlsplit(sys.argv[1])
connection = http.client.HTTPConnection(url.hostname, url.port)
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    connection.request("GET", url.path + "?query=ASK%20%7B%7D", headers={"Accept": "application/sparql-results+json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
    times.append(time.perf_counter() - started)
print(statistics.median(times))
"""


def light_client(contenders: dict[str, tuple[str, int]], requests_each: int, rounds: int = 2) -> None:
    """``ASK {}`` from a light client (http.client in a child process, one connection): the fixed cost alone,
    without the interleaving's cold caches and the ``requests`` library's own work. Each contender in turn."""
    print("| contender | round | wall median ms | CPU ms/request | load |")
    print("|---|---|---|---|---|")
    for round_ in range(1, rounds + 1):
        for n, (url, pid) in contenders.items():
            at, before = load(), tree_cpu(pid)
            run = [sys.executable, "-c", LIGHT_CLIENT, url, str(requests_each)]
            median = float(subprocess.run(run, check=True, capture_output=True, text=True).stdout)
            cpu = (tree_cpu(pid) - before) / requests_each
            print(f"| {n} | {round_} | {ms(median)} | {ms(cpu)} | {at} |")


def clients(contenders: dict[str, tuple[str, int]], cheap: list[str], args: argparse.Namespace) -> None:
    """``args.clients`` clients of the cheap queries, each contender in turn, ``args.rounds`` times."""
    runs: dict[str, list] = {n: [] for n in contenders}
    loads = []
    for _ in range(args.rounds):
        for n, (url, _) in contenders.items():
            loads.append(load())
            runs[n].append(clients_run(url, cheap, args.clients, args.seconds))
    summary = {n: _summary(r) for n, r in runs.items()}
    print("| contender | q/s | p50 ms | p95 ms | q/s ÷ server | p50 ÷ server | errors |")
    print("|---|---|---|---|---|---|---|")
    o_qps, o_p50 = summary["server"][0], summary["server"][1]
    for n, (qps, p50, p95, errors) in summary.items():
        print(
            f"| {n} | {qps:.0f} | {ms(p50)} | {ms(p95)} | {qps / o_qps:.2f}× | {p50 / o_p50:.2f}× "
            f"| {errors or 'none'} |"
        )
    print(f"\nload average at each run's start: {', '.join(loads)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="an Oxigraph store directory (copied, not opened)")
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-clients", action="store_true")
    parser.add_argument("--before", type=Path, help="another checkout of the app, started beside this one")
    parser.add_argument("--set", action="append", default=[], help="an app setting NAME=VALUE (PARTNERGRAPH_NAME)")
    parser.add_argument("--set-before", action="append", default=[], help="a setting of the --before app only")
    parser.add_argument("--skip-fixed", action="store_true", help="only the clients")
    parser.add_argument("--queries", default=",".join(CHEAP), help="the named queries (comma-separated)")
    parser.add_argument("--light", type=int, default=2000, help="ASK {} requests of the light client, each round")
    parser.add_argument("--rows", type=int, default=1000, help="a query of that many rows among the others (0: none)")
    args = parser.parse_args()
    settings = {f"PARTNERGRAPH_{k}": v for k, v in (s.split("=", 1) for s in args.set)}
    before_settings = {**settings, **{f"PARTNERGRAPH_{k}": v for k, v in (s.split("=", 1) for s in args.set_before)}}

    from graph.queries import named_queries

    named = named_queries()
    texts = {"ASK {}": "ASK {}", **{n: named[n].bind({}) for n in args.queries.split(",") if n in named}}
    if args.rows:  # a big answer: what serialising and sending rows adds
        texts[f"{args.rows:,} rows"] = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {args.rows}"
    work = Path(tempfile.mkdtemp(prefix="sparql-fixed-cost-"))
    roots = {"app": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    for name in [*roots, "server"]:
        shutil.copytree(args.store, work / name, ignore=shutil.ignore_patterns("LOCK"))
    engine = ox.Store.read_only(str(work / "server"))  # beside the server's read-only open: both only read
    apps: dict[str, subprocess.Popen] = {}
    server = OxigraphServer(work / "server", free_port())
    try:
        contenders: dict[str, tuple[str, int]] = {}
        for name, root in roots.items():
            port = free_port()
            apps[name] = start_app(root, work / name, port, before_settings if name == "before" else settings)
            contenders[name] = (f"http://127.0.0.1:{port}/sparql", apps[name].pid)
        server.wait()
        contenders["server"] = (server.url, server.proc.pid)
        print(f"# /sparql (result cache off) vs the Oxigraph server, {args.store}, {args.reps} rounds, load {load()}")
        print(f"# app: {ROOT}" + (f"; before: {args.before}" if args.before else ""))
        if not args.skip_fixed:
            print(f"\n# ASK {{}}, {args.light} requests from a light client, each contender in turn")
            light_client(contenders, args.light)
            print("\n# each query, each contender in turn")
            fixed_cost(contenders, texts, engine, args.reps)
        if not args.skip_clients:
            cheap = [t for n, t in texts.items() if n in named]
            print(f"\n# {args.clients} clients of {len(cheap)} cheap named queries, {args.rounds} × {args.seconds:g} s")
            clients(contenders, cheap, args)
    finally:
        server.stop()
        for proc in apps.values():
            proc.terminate()
            proc.wait(20)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
