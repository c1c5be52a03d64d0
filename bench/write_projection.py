"""What a write costs the server's other requests: one edit through ``/update``, then a cheap request asked every
quarter second until the explorer's projection has the edit. Prints the edit's time, the time until the projection
has it, and the cheap request's latency before the edit and while the projection is rebuilt (count, median, 95th
percentile, worst), with the load average and the server's CPU seconds.

    python bench/write_projection.py /tmp/perf-data/100k [--entity IRI] [--checkout ../main]

The store is copied first (with the projection and measures persisted beside it) into a temporary directory: the
original is never written. ``--checkout`` serves another checkout's code on the same copy (before and after).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-write-projection"
RENAME = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE {{ GRAPH ?g {{ <{entity}> rdfs:label ?l }} }} INSERT {{ GRAPH ?g {{ <{entity}> rdfs:label "{label}" }} }}
WHERE {{ GRAPH ?g {{ <{entity}> rdfs:label ?l }} }}"""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_store(store: Path, into: Path) -> Path:
    """Copy the store and the files kept beside it (``STORE.*``) into ``into``; the copy's path."""
    target = into / store.name
    shutil.copytree(store, target)
    for beside in store.parent.glob(store.name + ".*"):
        if beside.is_file() and not beside.name.endswith(".tmp"):
            shutil.copy2(beside, into / beside.name)
    return target


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process (its threads, not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(samples: list[float]) -> str:
    """count, median, 95th percentile and worst of some latencies, in ms."""
    if not samples:
        return "none"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"n={len(ordered)} median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"worst {ordered[-1] * 1000:.0f} ms"
    )


def probe(session: requests.Session, base: str) -> float:
    """One cheap request (a name search over the projection); its latency."""
    start = time.perf_counter()
    session.get(base + "/api/search", params={"q": "University 12", "limit": 5}, timeout=300).raise_for_status()
    return time.perf_counter() - start


def found(session: requests.Session, base: str, label: str, entity: str) -> bool:
    """Whether the projection's name search finds ``entity`` under its new ``label``."""
    body = session.get(base + "/api/search", params={"q": label, "limit": 5}, timeout=300).json()
    items = body.get("results", body) if isinstance(body, dict) else body
    return any(isinstance(i, dict) and i.get("id") == entity for i in items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--entity", default="https://partnergraph.org/id/org/university-3232")
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--settle", type=float, default=30.0, help="seconds of quiet after the warm-up")
    parser.add_argument("--most", type=float, default=900.0, help="seconds to wait for the projection at most")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="write-projection-", dir="/tmp") as scratch:
        copy = copy_store(args.store.resolve(), Path(scratch))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PARTNERGRAPH_WRITE_TOKENS": f"bench:{TOKEN}",
            "PARTNERGRAPH_LOAD_SHIPPED": "false",
        }
        cmd = [sys.executable, "server.py", "--host", "127.0.0.1", "--port", str(port), "--store", f"oxigraph:{copy}"]
        with open(Path(scratch) / "server.log", "wb") as log:
            proc = subprocess.Popen(cmd, cwd=args.checkout, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            run(args, proc, base)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run(args: argparse.Namespace, proc: subprocess.Popen, base: str) -> None:
    """The measurement itself, on a started server."""
    session = requests.Session()
    deadline = time.monotonic() + 300
    while True:
        try:
            session.get(base + "/healthz", timeout=5)
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.3)
    for path in ("/api/graph", "/api/facets", "/api/rankings?limit=10&measure=degree"):
        session.get(base + path, timeout=1200)  # what the warm-up prepares, so that nothing competes later
    probe(session, base)  # the name search's index is made on the first search of a projection
    time.sleep(args.settle)
    idle = [probe(session, base) for _ in range(20)]
    label = f"Renamed by bench {int(time.time())}"
    load = os.getloadavg()
    cpu_before = cpu_seconds(proc.pid)
    start = time.perf_counter()
    response = session.post(
        base + "/update",
        data={"update": RENAME.format(entity=args.entity, label=label)},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=600,
    )
    edit = time.perf_counter() - start
    response.raise_for_status()
    during: list[float] = []
    states: set[str] = set()
    updated = None
    while time.perf_counter() - start < args.most:
        during.append(probe(session, base))
        measures = session.get(base + "/api/measures", timeout=300).json()
        states.add(str((measures.get("projection") or {}).get("status", "-")))
        if found(session, base, label, args.entity):
            updated = time.perf_counter() - start
            break
        time.sleep(0.25)
    cpu = cpu_seconds(proc.pid) - cpu_before
    print(f"store {args.store} (a copy), code {args.checkout}")
    print(f"load average at the edit: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"edit (POST /update): {edit * 1000:.0f} ms")
    print("projection has the edit after: " + (f"{updated:.1f} s" if updated else f"not within {args.most:.0f} s"))
    print(f"server CPU from the edit until then: {cpu:.1f} s")
    print(f"projection status seen meanwhile (/api/measures): {', '.join(sorted(states))}")
    print(f"/api/search idle:            {summary(idle)}")
    print(f"/api/search during rebuild:  {summary(during)}")


if __name__ == "__main__":
    main()
