"""Benchmark of "who connects to whom" and the explorer on a generated graph the size of the twin-cities data.

    python bench/explorer_bench.py                      # 18,000 places, 26,000 ties
    python bench/explorer_bench.py --places 2000 --ties 3000 --no-browser
    python bench/explorer_bench.py --filler 1100000     # pad the store towards 1.4 M triples

It generates places (cities in countries) and two-party partnerships in the Partnergraph model, each tie with a
kind, a date and a quoted source, loads them into an embedded store, then measures: building the network
projection; the API (paths, common partners, neighbourhood, search) through the Flask test client, median
and 95th percentile over random entities; and, in headless Chromium, the first draw (the first frame with nodes)
and the page's ready (measures, communities, timeline loaded) of the overview and of a focused neighbourhood.
Prints one table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402

KP = "https://partnergraph.org/ontology#"
ID = "https://partnergraph.org/id/"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SYLLABLES = "ka ri so na mi lo ve ta po lu an be de gi ho ju ke ma ne or pe ra si to us vi wa ye zo".split()


def word(rng: random.Random) -> str:
    """A made-up place name."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def generate(places: int, ties: int, filler: int, seed: int = 7) -> tuple[bytes, list[str]]:
    """N-Quads of a twin-cities-like graph: ``places`` cities in 200 countries, ``ties`` partnerships between
    them (preferential attachment, so some cities have many partners), ``filler`` extra triples."""
    rng = random.Random(seed)
    source = f"<{ID}source/bench-twin-cities>"
    lines = [f'{source} <http://purl.org/dc/terms/title> "Generated twin cities" {source} .']
    countries = [f"{ID}region/x{i:03d}" for i in range(200)]
    for i, c in enumerate(countries):
        lines.append(f"<{c}> {RDF_TYPE} <{KP}Country> {source} .")
        lines.append(f'<{c}> {RDFS_LABEL} "Country {i}" {source} .')
    cities = []
    for i in range(places):
        country = countries[min(199, int(rng.paretovariate(1.2)) - 1) if rng.random() < 0.5 else rng.randrange(200)]
        city = f"{country}/c{i}"
        cities.append(city)
        lines.append(f"<{city}> {RDF_TYPE} <{KP}City> {source} .")
        lines.append(f'<{city}> {RDFS_LABEL} "{word(rng)} {i}" {source} .')
        lines.append(f"<{city}> <{KP}locatedIn> <{country}> {source} .")
    weights = [1.0] * places
    for i in range(ties):
        a = rng.choices(range(places), weights=weights)[0] if i % 4 == 0 else rng.randrange(places)
        b = rng.randrange(places)
        if a == b:
            b = (b + 1) % places
        weights[a] += 1
        tie = f"<{ID}partnership/bench-{i}>"
        evidence = f"<{ID}evidence/bench-twin-cities/{i}>"
        year = rng.randint(1950, 2023)
        lines += [
            f"{tie} {RDF_TYPE} <{KP}Partnership> {source} .",
            f'{tie} {RDFS_LABEL} "Twinning {i}" {source} .',
            f"{tie} <{KP}party> <{cities[a]}> {source} .",
            f"{tie} <{KP}party> <{cities[b]}> {source} .",
            f"{tie} <{KP}tieKind> <https://partnergraph.org/vocab/tie-kind/twinning> {source} .",
            f'{tie} <{KP}signedDate> "{year}"^^<{XSD}gYear> {source} .',
            f"{tie} <{KP}evidence> {evidence} {source} .",
            f'{evidence} <{PROV}value> "row {i} of the generated table" {source} .',
            f"{evidence} <{PROV}wasQuotedFrom> {source} {source} .",
        ]
    for i in range(filler):
        lines.append(f'<{ID}statement/bench-{i // 10}> <{KP}note> "filler {i}" {source} .')
    return ("\n".join(lines) + "\n").encode("utf-8"), cities


def timed(call, repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls (``call(i)``)."""
    out = []
    for i in range(repeat):
        start = time.perf_counter()
        call(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{statistics.median(ms):9.1f} {p95:9.1f} {len(ms):5d}"


def browser_draw(app, focus: str) -> tuple[dict[str, tuple[float, float]], int]:
    """Seconds to the first draw (``body[data-drawn]``) and to ready (``data-ready``) of the overview and of a
    focused neighbourhood in headless Chromium; and the overview's node count."""
    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    sys.path.insert(0, str(ROOT))
    from tests.conftest import CHROMIUM_ARGS, free_port

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    times: dict[str, tuple[float, float]] = {}
    order = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for name, path in (("overview", "/"), ("focused", "/#focus=" + quote(focus, safe=""))):
                page = browser.new_page(viewport={"width": 1400, "height": 860})
                start = time.perf_counter()
                page.goto(base + path)
                page.wait_for_selector("body[data-drawn='1']", timeout=120_000)
                drawn_at = time.perf_counter() - start
                page.wait_for_selector("body[data-ready='1']", timeout=120_000)
                times[name] = (drawn_at, time.perf_counter() - start)
                if name == "overview":
                    order = page.evaluate("window.explorer.graph.order")
                page.close()
            browser.close()
    finally:
        server.close()
    return times, order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--places", type=int, default=18_000)
    parser.add_argument("--ties", type=int, default=26_000)
    parser.add_argument("--filler", type=int, default=0, help="Extra triples to make the store bigger.")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    start = time.perf_counter()
    data, cities = generate(args.places, args.ties, args.filler)
    app = create_app({"STORE": "memory:", "LOAD_SHIPPED": False, "TESTING": True})
    kg = app.extensions["kg"]
    kg.store.add_data(data, "nquads")
    triples = kg.store.quad_count()
    rows.append(("generate and load", f"{(time.perf_counter() - start) * 1000:9.1f}"))

    from graph import network as nw

    start = time.perf_counter()
    net = nw.network(kg)
    rows.append(("build projection (2 queries)", f"{(time.perf_counter() - start) * 1000:9.1f}"))
    start = time.perf_counter()
    nw.store_version(kg)
    rows.append(("store version check", f"{(time.perf_counter() - start) * 1000:9.1f}"))
    client = app.test_client()
    start = time.perf_counter()
    client.get("/api/graph")
    rows.append(("first /api/graph (communities + layout)", f"{(time.perf_counter() - start) * 1000:9.1f}"))

    rng = random.Random(1)
    connected = [c for c in cities if c in net.graph and net.graph.degree(c) > 1]
    pairs = [(rng.choice(connected), rng.choice(connected)) for _ in range(args.repeat)]

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_json())

    api = {
        "GET /api/paths k=3": lambda i: get(
            f"/api/paths?from={quote(pairs[i][0])}&to={quote(pairs[i][1])}&k=3&avoid=located-in"
        ),
        "GET /api/common (2 entities)": lambda i: get(f"/api/common?id={quote(pairs[i][0])}&id={quote(pairs[i][1])}"),
        "GET /api/neighbourhood limit=200": lambda i: get(f"/api/neighbourhood?id={quote(pairs[i][0])}&limit=200"),
        "GET /api/search": lambda i: get(f"/api/search?q={quote(net.node_json(pairs[i][0])['label'][:4])}"),
        "GET /api/graph (cached)": lambda i: get("/api/graph"),
    }
    timings = {}
    for name, call in api.items():
        call(0)  # warm the per-filter caches
        timings[name] = timed(call, args.repeat)

    print(f"\nGenerated graph: {args.places} places, {args.ties} ties, {triples} quads in the store;")
    print(f"projection: {net.graph.number_of_nodes()} nodes, {net.graph.number_of_edges()} edges\n")
    print(f"{'step':44s} {'ms':>9s}")
    for name, value in rows:
        print(f"{name:44s} {value}")
    print(f"\n{'API call':44s} {'median ms':>9s} {'p95 ms':>9s} {'n':>5s}")
    for name, ms in timings.items():
        print(f"{name:44s} {summary(ms)}")
    if not args.no_browser:
        times, order = browser_draw(app, pairs[0][0])
        print(f"\n{'headless Chromium (sigma.js, WebGL)':44s} {'drawn s':>9s} {'ready s':>9s}")
        labels = {"overview": f"overview ({order} nodes)", "focused": "focused neighbourhood"}
        for name, (drawn, ready) in times.items():
            print(f"{labels[name]:44s} {drawn:9.2f} {ready:9.2f}")


if __name__ == "__main__":
    main()
