"""Import benchmark: a table import against `oxigraph load` of the very statements it wrote. Prints a table.

    python bench/imports.py [--rows N] [--reps 3] [--table FILE --mapping FILE.json] [--before CHECKOUT]

Each run is a whole process, as a user runs it: ``python -m graph --store oxigraph:DIR import-table`` (the
twin cities by default, with their shipped mapping) into a copy of a store holding the shipped data, then
``oxigraph load`` of the statements that import added (dumped to N-Quads once, beforehand) into an empty
directory. The two alternate (A B A B ...), so a drift of the machine's speed hits both; the table gives the
medians and the median of the pairwise ratios, for wall time and for CPU time (user + sys of the run's processes,
from the operating system's accounting) with the load average seen. ``--before CHECKOUT`` adds the import of
another checkout of the code (e.g. ``git worktree``/``git archive`` of main) to the rotation (A B C A B C ...),
for before/after numbers. Disk: the store after the import beside the directory
``oxigraph load`` leaves plus the store before the import (an import may rewrite the store it loads into).
The gazetteer index is built before the first run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.places import du, oxigraph_binary  # noqa: E402  (the same measures as the places benchmark)
from graph import KnowledgeGraph, gazetteer  # noqa: E402
from graph.cli import TWIN_CITIES_MAP, twin_cities_csv  # noqa: E402


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of a command run to its end (its output kept only when it fails)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fresh_copy(base: Path, target: Path) -> Path:
    """A copy of the store holding the shipped data."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target)
    return target


def added_nquads(base: Path, imported: Path, out: Path) -> int:
    """Write the statements the import added (in ``imported``, not in ``base``) as N-Quads; how many."""
    import pyoxigraph as ox

    before = set(ox.Store.read_only(str(base)))
    added = [q for q in ox.Store.read_only(str(imported)) if q not in before]
    out.write_bytes(ox.serialize(added, format=ox.RdfFormat.N_QUADS))
    return len(added)


def compare(table: Path, mapping: Path, reps: int, work: Path, before: Path | None = None) -> dict[str, float]:
    """Interleaved runs of the import, of `oxigraph load` (and of the import of the ``before`` checkout);
    medians, ratios and disk."""
    base = work / "base"
    KnowledgeGraph.open(f"oxigraph:{base}").store.close()
    store = work / "store"
    command = [sys.executable, "-m", "graph", "--store", f"oxigraph:{store}", "import-table", str(table)]
    command += ["--mapping", str(mapping), "--skip-bad", str(work / "rejected.csv")]
    load = [oxigraph_binary(), "load", "--location", str(work / "loaded"), "--file", str(work / "added.nq")]
    fresh_copy(base, store)
    timed(command, ROOT)  # the warm-up run also gives the statements for the baseline
    statements = added_nquads(base, store, work / "added.nq")
    if before is not None:
        fresh_copy(base, store)
        timed(command, before)  # its warm-up
    runs: dict[str, list[tuple[float, float]]] = {"import": [], "load": [], "before": []}
    loads_avg = []
    for _ in range(reps):
        loads_avg.append(os.getloadavg()[0])
        fresh_copy(base, store)
        runs["import"].append(timed(command, ROOT))
        imported_bytes = du(store)
        shutil.rmtree(work / "loaded", ignore_errors=True)
        runs["load"].append(timed(load))
        if before is not None:
            fresh_copy(base, store)
            runs["before"].append(timed(command, before))
    numbers = {"statements": statements, "load average": statistics.median(loads_avg)}
    for name, measured in runs.items():
        for i, what in enumerate(("s", "cpu s")):
            if measured:
                numbers[f"{name} {what}"] = statistics.median(m[i] for m in measured)
        if measured and name != "import":
            for i, what in enumerate(("ratio", "cpu ratio")):
                pairs = zip(runs["import"], measured, strict=True)
                numbers[f"{what} {name}"] = statistics.median(a[i] / b[i] for a, b in pairs)
    numbers["import MB"] = imported_bytes / 1e6
    numbers["load MB"] = (du(work / "loaded") + du(base)) / 1e6
    return numbers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", type=Path, default=twin_cities_csv(), help="the table (default: twin cities)")
    parser.add_argument("--mapping", type=Path, default=TWIN_CITIES_MAP, help="its mapping (JSON)")
    parser.add_argument("--rows", type=int, help="only the first N rows of the table")
    parser.add_argument("--reps", type=int, default=3, help="pairs of runs after the warm-up (default 3)")
    parser.add_argument("--before", type=Path, help="a checkout of the code before a change: its import joins the runs")
    args = parser.parse_args(argv)
    gazetteer.get()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        work = Path(tmp)
        table = args.table
        if args.rows:
            table = work / f"table{args.table.suffix}"
            lines = args.table.read_text("utf-8").splitlines(keepends=True)
            table.write_text("".join(lines[: args.rows + 1]), "utf-8")
        numbers = compare(table, args.mapping, args.reps, work, args.before)
    n = numbers
    print(f"\n| import of {args.table.name} ({n['statements']:,.0f} statements) | ours | `oxigraph load` | ratio |")
    print("|---|---|---|---|")
    print(f"| time (s, median of {args.reps}) | {n['import s']:.1f} | {n['load s']:.1f} | {n['ratio load']:.2f} |")
    print(f"| CPU, user + sys (s) | {n['import cpu s']:.1f} | {n['load cpu s']:.1f} | {n['cpu ratio load']:.2f} |")
    disk = n["import MB"] / n["load MB"]
    sizes = f"{n['import MB']:.0f} | {n['load MB']:.0f} | {disk:.2f}"
    print(f"| disk (MB; `oxigraph load`: plus the store before) | {sizes} |")
    if "before s" in n:
        print(f"\n| the same import | this code | {args.before} | ratio |")
        print("|---|---|---|---|")
        wall = f"{n['import s']:.1f} | {n['before s']:.1f} | {n['ratio before']:.2f}"
        print(f"| time (s, median of {args.reps}) | {wall} |")
        cpu = f"{n['import cpu s']:.1f} | {n['before cpu s']:.1f} | {n['cpu ratio before']:.2f}"
        print(f"| CPU, user + sys (s) | {cpu} |")
    print(f"\nload average (1 min) at the start of each round, median: {n['load average']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
