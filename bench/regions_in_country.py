"""``regions-in-country`` before and after it was reshaped, in the engine on the same store, interleaved (A, B, A,
B, ...): the median wall and CPU seconds of each, and the rows each gives. The store is opened read-only.

    git show f4cb346:graph/queries/regions-in-country.rq > /tmp/before.rq
    python bench/regions_in_country.py /tmp/perf-data/bench/1M/store https://partnergraph.org/id/region/ad \
        --before /tmp/before.rq [--reps 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402

from graph.queries import get_query, parse_header  # noqa: E402


def timed(store: ox.Store, text: str) -> tuple[float, float, list]:
    """Wall and CPU seconds of one run of ``text``, and its rows."""
    wall, cpu = time.perf_counter(), time.process_time()
    rows = list(store.query(text, use_default_graph_as_union=True))
    return time.perf_counter() - wall, time.process_time() - cpu, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("country")
    parser.add_argument("--before", type=Path, required=True, help="the query's text before (a .rq file)")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    store = ox.Store.read_only(args.store)
    before = parse_header("before", args.before.read_text()).bind({"country": args.country})
    after = get_query("regions-in-country")
    first = after.bind({"country": args.country})
    contenders = {"before": before, "after": first}
    timed(store, first)  # the store's pages read once, for both
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    rows: dict[str, list] = {}
    for _ in range(args.reps):
        for name, text in contenders.items():
            wall, cpu, found = timed(store, text)
            runs[name].append((wall, cpu))
            rows[name] = found
    last = str(rows["after"][-1]["label"].value) if rows["after"] else ""
    wall, cpu, page2 = timed(store, after.bind({"country": args.country, "from": last}))
    load = os.getloadavg()
    print(f"store {args.store}, country {args.country}, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for name, samples in runs.items():
        walls, cpus = zip(*samples, strict=True)
        print(
            f"{name}: {len(rows[name])} rows, median {statistics.median(walls):.2f} s wall, "
            f"{statistics.median(cpus):.2f} s CPU ({len(samples)} runs)"
        )
    same = [r["label"].value for r in rows["before"]] == [r["label"].value for r in rows["after"]]
    print(f"same names in the same order: {same}")
    print(f"after, next page (from {last!r}): {len(page2)} rows, {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
