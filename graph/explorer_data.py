"""What the explorer shows under the network: a timeline of ties, programs, courses and events.

Each dated thing counts in the year of its date, remembering the precision its source gave (a year, a month or a
day: the literal's datatype); the undated ones are counted apart.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from . import network as nw
from .knowledge import KnowledgeGraph

QUERY_DIR = Path(__file__).parent / "queries" / "explorer"
XSD = "http://www.w3.org/2001/XMLSchema#"
PRECISION = {XSD + "gYear": "year", XSD + "gYearMonth": "month", XSD + "date": "day", XSD + "dateTime": "day"}
#: The entity groups the timeline counts beside the ties (they carry start and end dates).
DATED_GROUPS = ("program", "course", "event")


def load_query(name: str) -> str:
    """The text of ``graph/queries/explorer/<name>.rq``."""
    return (QUERY_DIR / f"{name}.rq").read_text("utf-8")


def _year(text: str | None) -> int | None:
    head = (text or "").lstrip("-")[:4]
    return int(head) if head.isdigit() and len(head) == 4 else None


def timeline(kg: KnowledgeGraph) -> dict[str, Any]:
    """Ties, programs, courses and events of the network by year, with each date's precision and the undated counted.

    Returns ``{"bins": [{"year", "tie", "program", "course", "event", "precision": {"year", "month", "day"}}],
    "undated": {kind: count}, "total": {kind: count}, "spans": {iri: [first year, last year]}}``; ``spans`` covers
    the dated programs, courses and events (so a year filter can keep them).
    """
    net = nw.network(kg)
    ties: dict[str, str] = {}
    for _, _, data in net.graph.edges(data=True):
        for tie in data.get("ties", ()):
            ties.setdefault(tie["id"], "tie")
    kinds = dict(ties)
    for node, data in net.graph.nodes(data=True):
        if data.get("group") in DATED_GROUPS:
            kinds[node] = data["group"]
    dates: dict[str, dict[str, tuple[int, str]]] = {}
    for x, which, date, dtype in kg.store.select_values(load_query("dates")):
        year = _year(date)
        if x in kinds and year is not None:
            dates.setdefault(x, {})[which] = (year, PRECISION.get(dtype or "", "day"))
    bins: dict[int, dict[str, Any]] = {}
    undated: Counter[str] = Counter()
    total: Counter[str] = Counter()
    spans: dict[str, list[int]] = {}
    for iri, kind in kinds.items():
        total[kind] += 1
        found = dates.get(iri, {})
        first = found.get("signed") or found.get("start") or found.get("end")
        if first is None:
            undated[kind] += 1
            continue
        year, precision = first
        row = bins.setdefault(year, {"year": year, **{k: 0 for k in ("tie", *DATED_GROUPS)}, "precision": Counter()})
        row[kind] += 1
        row["precision"][precision] += 1
        if kind != "tie":
            last = found.get("end", first)[0]
            spans[iri] = [min(year, last), max(year, last)]
    ordered = [
        {**row, "precision": {p: row["precision"].get(p, 0) for p in ("year", "month", "day")}}
        for _, row in sorted(bins.items())
    ]
    kinds_all = ("tie", *DATED_GROUPS)
    return {
        "bins": ordered,
        "undated": {k: undated.get(k, 0) for k in kinds_all},
        "total": {k: total.get(k, 0) for k in kinds_all},
        "spans": spans,
    }
