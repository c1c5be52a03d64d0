"""What one edit costs as the store grows: a rename through the Writer (validated, recorded, committed) and its revert,
on a store of the given setting. Prints one row: the store, its size, the median seconds of each, and the quads the
edit read from the store.

    python bench/edit_cost.py oxigraph:/path/to/store [--runs 5]

Set ``CHECKOUT=../main`` to measure another checkout's code on the same store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# The checkout whose code is measured: this one, or another given as CHECKOUT=path (to compare before and after).
sys.path.insert(0, os.environ.get("CHECKOUT") or str(Path(__file__).resolve().parent.parent))

from graph import KnowledgeGraph  # noqa: E402
from graph.changes import Writer  # noqa: E402

RENAME = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE {{ GRAPH ?g {{ <{tie}> rdfs:label ?l }} }} INSERT {{ GRAPH ?g {{ <{tie}> rdfs:label "{label}" }} }}
WHERE {{ GRAPH ?g {{ <{tie}> rdfs:label ?l }} }}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--tie", default="https://partnergraph.org/id/agreement/generated-9")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kg = KnowledgeGraph.open(args.store, load_shipped=False)
    size = kg.store.quad_count()
    writer = Writer(kg)
    read = [0]
    if hasattr(kg.store, "quads"):  # count what the edit reads through the store's quads (this checkout's API)
        original = kg.store.quads

        def counting(*pattern, **named):
            for quad in original(*pattern, **named):
                read[0] += 1
                yield quad

        kg.store.quads = counting  # type: ignore[method-assign]
    edits, reverts = [], []
    for run in range(args.runs):
        started = time.perf_counter()
        change = writer.update(RENAME.format(tie=args.tie, label=f"renamed {run}"), "bench", "edit cost")
        edits.append(time.perf_counter() - started)
        started = time.perf_counter()
        writer.revert(change.iri, "bench", "undo")
        reverts.append(time.perf_counter() - started)
    print(
        f"| {args.store} | {size:,} | {statistics.median(edits):.3f} | {statistics.median(reverts):.3f} "
        f"| {read[0] // args.runs if read[0] else '-'} |"
    )


if __name__ == "__main__":
    main()
