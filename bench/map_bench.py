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
frame with every tie drawn and to the map being idle, median of ``--runs`` page loads, against a baseline drawn
the way the data's collector draws it (one SVG path per tie, ``bench/map_svg_baseline.html``) in the same run.
Prints one table.
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


#: The baseline, the way the data's collector draws it (react-simple-maps): every country and every tie one SVG path
#: (ties as great circles, Mercator), built in the page from the same JSON answers; the bench serves it itself.
SVG_BASELINE = (ROOT / "bench" / "map_svg_baseline.html").read_text("utf-8")


#: Eight zoom steps (four in, four out), each timed until the frame after it: how smoothly the view follows.
MAP_ZOOM_STEPS = """async () => { const m = window.pgmap.map, times = [];
  for (let i = 0; i < 8; i++) { const t = performance.now();
    await new Promise((r) => { m.once("render", () => requestAnimationFrame(r));
      m.jumpTo({zoom: m.getZoom() + (i < 4 ? 0.4 : -0.4)}); });
    times.push(performance.now() - t); }
  return times; }"""
SVG_ZOOM_STEPS = """async () => { const svg = document.getElementById("svg"), times = []; let s = 1;
  for (let i = 0; i < 8; i++) { s *= i < 4 ? 1.32 : 1 / 1.32; const t = performance.now();
    svg.setAttribute("viewBox", `${720 - 720 / s} ${450 - 450 / s} ${1440 / s} ${900 / s}`);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    times.push(performance.now() - t); }
  return times; }"""


def svg_baseline(base: str, runs: int) -> list[tuple[float, float]]:
    """Milliseconds from navigation to the first paint of the SVG baseline (:data:`SVG_BASELINE`) at 1440×900, and
    the median time of a zoom step, one pair per page load."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.route(base + "/bench-svg", lambda route: route.fulfill(body=SVG_BASELINE, content_type="text/html"))
            page.goto(base + "/bench-svg")
            page.wait_for_selector("body[data-ready='1']", timeout=600_000)
            drawn = float(page.evaluate("document.body.dataset.drawnMs"))
            times.append((drawn, statistics.median(page.evaluate(SVG_ZOOM_STEPS))))
            page.close()
        browser.close()
    return times


def first_draw(base: str, runs: int) -> list[tuple[float, float, float]]:
    """Milliseconds from navigation to the first frame with every tie drawn, to the map being idle (base map,
    places and clusters too), and the median time of a zoom step, at 1440×900, one triple per page load."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base + "/map")
            page.wait_for_selector("body[data-ready='1']", timeout=300_000)
            timings = page.evaluate("window.pgmap.timings")
            since_navigation = float(page.evaluate("window.pgmap.started"))
            zoom = statistics.median(page.evaluate(MAP_ZOOM_STEPS))
            times.append((since_navigation + timings["tiesDrawn"], since_navigation + timings["idle"], zoom))
            page.close()
        browser.close()
    return times


def _list(values) -> str:
    return ", ".join(f"{v / 1000:.2f}" for v in values)


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
            client.get("/api/map/ties")  # warm: the projection is built before the browser asks
            draws = first_draw(base, args.runs)
            baseline = svg_baseline(base, args.runs)
        ties_ms = statistics.median(d[0] for d in draws)
        svg_ms = statistics.median(b[0] for b in baseline)
        step_ms = statistics.median(d[2] for d in draws)
        svg_step_ms = statistics.median(b[1] for b in baseline)
        rows.append(("/map: every tie drawn (WebGL), median", f"{ties_ms / 1000:.2f} s ({_list(d[0] for d in draws)})"))
        rows.append(("/map: map idle (all layers), median", f"{statistics.median(d[1] for d in draws) / 1000:.2f} s"))
        rows.append(
            ("baseline: one SVG path per tie, median", f"{svg_ms / 1000:.2f} s ({_list(b[0] for b in baseline)})")
        )
        rows.append(("ratio baseline / map, first draw", f"{svg_ms / ties_ms:.2f}"))
        rows.append(("/map: one zoom step, median", f"{step_ms:.0f} ms"))
        rows.append(("baseline: one zoom step, median", f"{svg_step_ms:.0f} ms"))
        rows.append(("ratio baseline / map, zoom step", f"{svg_step_ms / step_ms:.1f}"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  value")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
