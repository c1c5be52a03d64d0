"""The benchmark runs end to end at a tiny size and its table has every row (no timings are asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def bench_versus():
    load_bench()
    from bench import versus

    return versus


@pytest.mark.slow
@pytest.mark.timeout(1200)  # several servers start and stop in it: minutes on a loaded 2-core machine
def test_a_quick_run_fills_every_row(tmp_path):
    bench = load_bench()
    out = tmp_path / "BENCHMARKS.md"
    assert bench.main(["--quick", "--no-browser", "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "- Machine:" in text and "cores" in text
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}
    from graph.queries import named_queries

    expected = [
        "generate (N-Quads written)",
        "import time (fresh on-disk store, incl. start)",
        "import peak memory",
        "statements (quads) in the store",
        "restart: open + first query",
        "API paths (k=3)",
        "API common partners",
        "API neighbourhood (1 hop)",
        "explorer first draw: overview",
        "explorer first draw: focused",
        "/sparql throughput, 16 clients",
        "remote: first path question (bytes over HTTP)",
        "projection: cold build (scans of the store)",
        "projection: persisted one loaded",
        "start → first path answer, no persisted projection",
        "restart → first path answer, projection persisted",
        "measures: a betweenness ranking asked at start",
        "measures: betweenness ready",
        "measures: communities ready",
        "server memory with projection and measures (RSS, peak)",
        "16 clients, result cache on: /sparql vs Oxigraph server",
        "16 clients, result cache off: /sparql vs Oxigraph server",
        "/sparql `partners` for the hub every 10 s from the first answer until the measures are ready",
        "server CPU seconds when the measures were ready (or the wait ended)",
        "load average (1 min) at each measurement's start, and at the end",
    ]
    for name in named_queries():
        expected += [f"query {name}: /sparql", f"query {name}: engine direct", f"query {name}: rdflib in memory"]
        expected.append(f"query {name}: /sparql vs Oxigraph server")
        expected.append(f"query {name}: /sparql, result cache off, vs Oxigraph server")
    for name in bench_versus().adhoc_queries("x", None):
        expected += [
            f"ad hoc {name}: /sparql vs Oxigraph server",
            f"ad hoc {name}: /sparql, result cache off, vs Oxigraph server",
        ]
    missing = [row for row in expected if row not in rows]
    assert missing == []
    assert [row for row in rows if row.endswith(": failed")] == []
    for row in expected:
        cell = rows[row].split(" | ")[1].strip()
        assert cell, f"{row}: empty cell"
        assert not cell.startswith("error"), f"{row}: {cell}"
    # Each query's three engines sit together, in this order.
    names = [line.split(" | ")[0].lstrip("| ") for line in text.splitlines() if line.startswith("| query ")]
    first = names[0].split(":")[0]
    assert names[:3] == [f"{first}: /sparql", f"{first}: engine direct", f"{first}: rdflib in memory"]


def test_the_table_orders_engines_and_marks_missing_targets():
    bench = load_bench()
    table = bench.Table(["a"])
    table.set("import", "a", "1 s")
    table.set("query q: rdflib in memory", "a", "3 ms")
    table.set("query q: engine direct", "a", "1 ms")
    table.set("restart", "a", "2 s")
    table.set("query q: /sparql", "a", "2 ms", "< 200 ms")
    assert table.ordered() == [
        "import",
        "query q: /sparql",
        "query q: engine direct",
        "query q: rdflib in memory",
        "restart",
    ]
    assert bench.mark(0.25, 0.2) == "250.0 ms ✗" and bench.mark(0.15, 0.2) == "150.0 ms"
    assert "| query q: /sparql | 2 ms | < 200 ms |" in table.markdown()
