"""Benchmark of the map view on the twin cities: payload sizes, API time and the first draw of every tie in
headless Chromium, against a baseline drawn the way the data's collector draws it.

    python -m graph --store oxigraph:/tmp/tcmap-geo import-twin-cities    # once: places reconciled, with coordinates
    python bench/map_bench.py --store /tmp/tcmap-geo

The import reconciles the places with the GeoNames gazetteer, which gives them their coordinates (see
docs/places.md); the bench reads the store as it is and adds nothing to it.

Measures: building the map's tables (projection + coordinates, then one filter set), the JSON payload of
``/api/map/places`` and ``/api/map/ties`` (raw and gzip), and, at 1440×900, the time from navigation to the first
frame with every tie drawn and to the map being idle, and the time of one zoom step, median of ``--runs`` page
loads, against a baseline that draws the same data the way the data's collector draws it (react-simple-maps:
one SVG path per country and per tie, ``bench/map_svg_baseline.html``) in the same run and browser. Prints one
table.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import KnowledgeGraph, geo  # noqa: E402
from graph import network as nw  # noqa: E402

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
    parser.add_argument("--store", type=Path, default=Path("/tmp/tcmap-geo"), help="an on-disk Oxigraph store")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    kg = KnowledgeGraph.open(f"oxigraph:{args.store}", load_shipped=False)
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

    app = create_app({"STORE": f"oxigraph:{args.store}", "LOAD_SHIPPED": False, "EXPLORER_WARMUP": False})
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
