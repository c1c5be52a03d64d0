"""Latency of the named queries through the public endpoint (/sparql over HTTP) against the engine called directly.

    python bench/endpoint_latency.py                      # the shipped data
    python bench/endpoint_latency.py --generate 1400000   # plus a generated graph of about that many triples

Both sides produce SPARQL JSON: the engine through ``store.query_serialized`` in this process, the endpoint
through a real waitress server on 127.0.0.1 (checker, worker process, row cap, HTTP). Prints one table row per
named query: result rows, median milliseconds of each, and the ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.queries import named_queries  # noqa: E402
from graph.store import OxigraphStore  # noqa: E402
from server import create_app  # noqa: E402

KP = "https://partnergraph.org/ontology#"
ID = "https://partnergraph.org/id/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def generated_quads(triples: int, seed: int = 7) -> list[ox.Quad]:
    """A synthetic graph in the model: regions, organisations, agreements with parties, evidence, in 200 sources."""
    rnd = random.Random(seed)
    nn, lit = ox.NamedNode, ox.Literal
    quads: list[ox.Quad] = []
    regions = max(100, triples // 60)
    sources = [nn(f"{ID}source/gen-{i}") for i in range(200)]
    for i in range(regions):
        g = sources[i % 200]
        r = nn(f"{ID}region/zz/gen-{i}")
        quads += [
            ox.Quad(r, nn(RDF_TYPE), nn(KP + "Province"), g),
            ox.Quad(r, nn(RDFS_LABEL), lit(f"Generated province {i}"), g),
            ox.Quad(r, nn(KP + "country"), nn(f"{ID}region/zz"), g),
        ]
    i = 0
    while len(quads) < triples:
        g = sources[i % 200]
        tie = nn(f"{ID}agreement/gen-{i}")
        ev = nn(f"{ID}evidence/gen-{i % 200}/{i}")
        a, b = rnd.randrange(regions), rnd.randrange(regions)
        quads += [
            ox.Quad(tie, nn(RDF_TYPE), nn(KP + "Agreement"), g),
            ox.Quad(tie, nn(RDFS_LABEL), lit(f"Generated agreement {i}"), g),
            ox.Quad(tie, nn(KP + "party"), nn(f"{ID}region/zz/gen-{a}"), g),
            ox.Quad(tie, nn(KP + "party"), nn(f"{ID}region/zz/gen-{b}"), g),
            ox.Quad(tie, nn(KP + "tieKind"), nn("https://partnergraph.org/vocab/tie-kind/mou"), g),
            ox.Quad(tie, nn(KP + "signedDate"), lit(f"{1990 + i % 30}-01-01", datatype=nn(XSD + "date")), g),
            ox.Quad(tie, nn(KP + "evidence"), ev, g),
            ox.Quad(ev, nn(RDF_TYPE), nn(KP + "Evidence"), g),
            ox.Quad(ev, nn(PROV + "value"), lit(f"Region {a} and region {b} signed an MOU"), g),
            ox.Quad(ev, nn(PROV + "wasQuotedFrom"), g, g),
        ]
        i += 1
    return quads


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", type=int, default=0, help="add a generated graph of about N triples")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from waitress import create_server

    app = create_app(STORE="memory:", QUERY_TIMEOUT=120.0, MAX_ROWS=10000)
    kg = app.extensions["kg"]
    store = kg.store
    assert isinstance(store, OxigraphStore)
    if args.generate:
        started = time.perf_counter()
        store.add_quads(generated_quads(args.generate))
        print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    started = time.perf_counter()
    app.extensions["sparql"].refresh()
    refresh_ms = (time.perf_counter() - started) * 1000
    triples = store.quad_count()
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    port = server.socket.getsockname()[1]
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}/sparql"
    http = requests.Session()

    def endpoint(text: str) -> bytes:
        response = http.post(
            url,
            data=text.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        response.raise_for_status()
        return response.content

    print(f"# endpoint vs engine, {triples} quads, median of {args.repeat} runs (ms)")
    print(f"# new snapshot for the workers (fork zygote + {app.config['QUERY_WORKERS']} workers): {refresh_ms:.0f} ms")
    print(f"{'named query':24} {'rows':>6} {'engine':>9} {'endpoint':>9} {'ratio':>6}")
    ratios = []
    for name, query in named_queries().items():
        text = query.bind({})
        rows = int(
            http.post(url, data=text.encode(), headers={"Content-Type": "application/sparql-query"}).headers.get(
                "X-Partnergraph-Rows", 0
            )
        )
        store.query_serialized(text, "json")  # warm both
        endpoint(text)
        engine_ms = median_ms(lambda t=text: store.query_serialized(t, "json"), args.repeat)
        endpoint_ms = median_ms(lambda t=text: endpoint(t), args.repeat)
        ratios.append(endpoint_ms / engine_ms)
        print(f"{name:24} {rows:>6} {engine_ms:>9.2f} {endpoint_ms:>9.2f} {endpoint_ms / engine_ms:>6.2f}")
    print(f"{'median ratio':24} {'':>6} {'':>9} {'':>9} {statistics.median(ratios):>6.2f}")
    server.close()
    app.extensions["sparql"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
