"""Whole-store reads and large writes on the remote engines, each the old way against the new, in the same run on
the same data.

Reads: a SELECT answered as SPARQL JSON, paged at the row cap (before) against the engine's fast way (Virtuoso: a
CONSTRUCT per graph answered as N-Triples; the Oxigraph server: the Graph Store Protocol's dataset as N-Quads).
Writes (Virtuoso): as many statements as one staged write may hold (50,000), written into fresh graphs in chunks
that readers see arrive (before) against staged in a graph of its own and applied by one statement (after: readers
see none or all of it).

    python bench/remote_store.py                        # 20,000 generated agreements (about 289,000 statements)
    python bench/remote_store.py --agreements 5000 --reps 1 --row-cap 10000

Both engines are started on free ports of 127.0.0.1 (Virtuoso as tests/conftest.py sets it up) and stopped after.
Prints a Markdown table: seconds per read (median of ``--reps``), the ratio old / new.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from graph.generate import generate_file  # noqa: E402
from graph.store_remote import RemoteStore  # noqa: E402
from tests.conftest import free_port, oxigraph_binary, running_virtuoso, wait_until_serving  # noqa: E402


def timed(fn: Callable[[], int], reps: int) -> tuple[float, int]:
    """Median seconds of ``reps`` runs and what the last run counted."""
    times, counted = [], 0
    for _ in range(reps):
        start = time.perf_counter()
        counted = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), counted


def measure(name: str, url: tuple[str, str | None], data: Path, reps: int) -> list[str]:
    """Load ``data`` into the engine, then time each read the old way and the new way, interleaved."""
    fast = RemoteStore(url[0], url[1], timeout=900)
    slow = RemoteStore(url[0], url[1], timeout=900, whole_reads="select")
    start = time.perf_counter()
    total = fast.bulk_load(data)
    print(f"{name}: loaded {total} statements in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    reads = {
        "every quad (`Store.quads()`)": lambda store: sum(1 for _ in store.quads()),
        "export as N-Quads (`dump('nquads')`)": lambda store: store.dump("nquads").count(b"\n"),
        "the union as N-Triples (`dump('nt')`)": lambda store: store.dump("nt").count(b"\n"),
    }
    rows = []
    if fast.capabilities.staged_writes:
        quads = list(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))[: fast.capabilities.staged_write_quads]
        chunked = RemoteStore(url[0], url[1], timeout=900, staged_writes=False)

        def write(store: RemoteStore) -> int:
            copy = {g: ox.NamedNode(g.value + "/copy") for g in {q.graph_name for q in quads}}
            moved = [ox.Quad(q.subject, q.predicate, q.object, copy[q.graph_name]) for q in quads]
            store.write(moved)
            for graph in {q.graph_name.value for q in moved}:
                store.drop_graph(graph)
            return len(moved)

        before, n_before = timed(lambda: write(chunked), reps)
        after, n_after = timed(lambda: write(fast), reps)
        what = "one write (the most a staged write holds), into new graphs"
        rows.append(f"| {name} | {what} | {n_after:,} | {before:.1f} s (chunks) | {after:.1f} s (staged) | "
                    f"{before / after:.2f}x |")  # fmt: skip
    for what, read in reads.items():
        before, n_before = timed(lambda read=read: read(slow), reps)
        after, n_after = timed(lambda read=read: read(fast), reps)
        assert n_before == n_after, (what, n_before, n_after)
        way = fast.capabilities.whole_reads
        ratio = before / after
        rows.append(f"| {name} | {what} | {n_after:,} | {before:.1f} s | {after:.1f} s ({way}) | {ratio:.1f}x |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agreements", type=int, default=20_000, help="Size of the generated data.")
    parser.add_argument("--reps", type=int, default=3, help="Runs of each read (the median is shown).")
    parser.add_argument("--row-cap", type=int, default=1_000_000, help="Virtuoso's ResultSetMaxRows.")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "generated.nq"
        generate_file(args.agreements, data)
        with running_virtuoso(Path(work), row_cap=args.row_cap) as endpoint:
            rows += measure("Virtuoso", (endpoint, None), data, args.reps)
        port = free_port()
        server = subprocess.Popen(
            [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(f"{base}/query?query=ASK%20%7B%7D", server, "the Oxigraph server")
            rows += measure("Oxigraph server", (f"{base}/query", f"{base}/update"), data, args.reps)
        finally:
            server.terminate()
            server.wait(30)
    print("| engine | what | statements | before | after | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
