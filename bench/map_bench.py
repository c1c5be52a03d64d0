"""Benchmark of the map view on the twin cities: payload sizes, API time and the first draw of every tie in
headless Chromium.

    python -m graph --store oxigraph:/tmp/tcmap import-twin-cities          # once
    python bench/map_bench.py --store /tmp/tcmap --work /tmp/tcmap-bench     # copies the store, adds coordinates

BENCH DATA ONLY. Until the gazetteer gives reconciled places their coordinates, this script copies the store and
adds to the copy, in its own named graph ``https://partnergraph.org/id/source/bench-twin-cities-coordinates``, the
coordinates the data's collector geocoded (``data/datasets/twin-cities/twin_cities_geocoded.csv``: Wikipedia API
then OpenStreetMap Nominatim; see SOURCE.md). Each row's cities are named as the twin-cities import names them
(the same mapping and normalisation). Those coordinates are a test fixture for speed, never shipped as data.

Measures: building the map's tables (projection + coordinates, then one filter set), the JSON payload of
``/api/map/places`` and ``/api/map/ties`` (raw and gzip), and, at 1440×900, the time from navigation to the first
complete draw of all ties (the page's ``data-drawn-ms``: base map, data, arcs drawn and the map idle), median of
``--runs`` page loads. Prints one table.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from graph import KnowledgeGraph, geo  # noqa: E402
from graph import network as nw  # noqa: E402
from graph.cli import TWIN_CITIES_MAP  # noqa: E402
from graph.tabular import Mapping, _party, read_table  # noqa: E402

GEOCODED = ROOT / "data" / "datasets" / "twin-cities" / "twin_cities_geocoded.csv"
BENCH_GRAPH = "https://partnergraph.org/id/source/bench-twin-cities-coordinates"
DCT = "http://purl.org/dc/terms/"
XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def coordinate_quads() -> tuple[list[ox.Quad], int, int]:
    """Quads of geo:lat / geo:long for every place of the geocoded table (first coordinates seen win)."""
    mapping = Mapping.from_file(TWIN_CITIES_MAP)
    columns = {1: ("city1", "country1", "lat1", "lng1"), 2: ("city2", "country2", "lat2", "lng2")}
    seen: dict[str, tuple[str, str]] = {}
    rows = unnamed = 0
    _, table = read_table(GEOCODED)
    for row in table:
        rows += 1
        for n in (1, 2):
            # The geocoded table's columns are the raw table's plus coordinates: name the party as the import did.
            city, country, lat, lng = (row.cells.get(c, "") for c in columns[n])
            cells = {"city1": city, "country1": country, "city2": city, "country2": country}
            party = _party(type(row)(row.number, cells, row.text), mapping, 1)
            if not hasattr(party, "iri") or not lat or not lng:
                unnamed += 1
                continue
            seen.setdefault(party.iri, (lat, lng))
    g = ox.NamedNode(BENCH_GRAPH)
    quads = [
        ox.Quad(
            g, ox.NamedNode(DCT + "title"), ox.Literal("BENCH ONLY: twin-cities coordinates by their collector"), g
        ),
        ox.Quad(
            g,
            ox.NamedNode(DCT + "rights"),
            ox.Literal("Bench data: Wikipedia (CC BY-SA 4.0) and © OpenStreetMap contributors (ODbL), via Hekman"),
            g,
        ),
    ]
    for iri, (lat, lng) in seen.items():
        s = ox.NamedNode(iri)
        quads.append(ox.Quad(s, ox.NamedNode(geo.GEO_NS + "lat"), ox.Literal(lat, datatype=XSD_DECIMAL), g))
        quads.append(ox.Quad(s, ox.NamedNode(geo.GEO_NS + "long"), ox.Literal(lng, datatype=XSD_DECIMAL), g))
    return quads, rows, unnamed


def prepare(store: Path, work: Path) -> KnowledgeGraph:
    """Copy the store to ``work`` and add the bench coordinates to the copy (once)."""
    if not work.exists():
        shutil.copytree(store, work)
        kg = KnowledgeGraph.open(f"oxigraph:{work}", load_shipped=False)
        quads, rows, unnamed = coordinate_quads()
        kg.store.add_quads(quads)
        kg.store.flush()
        print(f"added {(len(quads) - 2) // 2:,} places' coordinates from {rows:,} rows ({unnamed:,} cells unnamed)")
        kg.store.close()
    return KnowledgeGraph.open(f"oxigraph:{work}", load_shipped=False)


def first_draw(base: str, runs: int) -> list[float]:
    """Milliseconds from navigation to the first complete draw of /map at 1440×900, one per page load."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base + "/map")
            page.wait_for_selector("body[data-ready='1']", timeout=300_000)
            times.append(float(page.evaluate("document.body.dataset.drawnMs")))
            page.close()
        browser.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/tcmap"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/tcmap-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    kg = prepare(args.store, args.work)
    rows = []
    t = time.perf_counter()
    net = nw.network(kg)
    rows.append(("network projection", f"{time.perf_counter() - t:.2f} s"))
    t = time.perf_counter()
    data = geo.map_data(kg)
    rows.append(("coordinates read", f"{time.perf_counter() - t:.2f} s ({len(data.coords.positions):,} places)"))
    t = time.perf_counter()
    tables = data.tables(nw.Filters())
    rows.append(("map tables, no filter", f"{time.perf_counter() - t:.2f} s"))
    rows.append(("places drawn / ties drawn", f"{tables['counts']['places']:,} / {tables['counts']['ties']:,}"))
    rows.append(("ties not drawn (an end without coordinates)", f"{tables['counts']['tiesNotDrawn']:,}"))
    del net, data
    kg.store.close()

    from server import create_app
    from tests.conftest import serve_in_thread

    app = create_app({"STORE": f"oxigraph:{args.work}", "LOAD_SHIPPED": False, "EXPLORER_WARMUP": False})
    client = app.test_client()
    for path in ("/api/map/places", "/api/map/ties"):
        t = time.perf_counter()
        body = client.get(path).data
        elapsed = time.perf_counter() - t
        rows.append(
            (
                f"GET {path}",
                f"{len(body) / 1e6:.2f} MB ({len(gzip.compress(body)) / 1e6:.2f} MB gzip), {elapsed * 1000:.0f} ms",
            )
        )
    if not args.no_browser:
        with serve_in_thread(app) as base:
            times = first_draw(base, args.runs)
        rows.append(
            (
                "first draw of all ties, 1440×900",
                f"median {statistics.median(times) / 1000:.2f} s ({', '.join(f'{x / 1000:.2f}' for x in times)})",
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  value")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
