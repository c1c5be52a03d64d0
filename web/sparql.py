"""The public SPARQL 1.1 endpoint at ``/sparql``: read-only, bounded, with content negotiation and open CORS.

Every query goes through :class:`graph.sandbox.QueryRunner` (checked, then run in a killable worker under the
time, memory and row limits); this module only speaks the protocol.
"""

from __future__ import annotations

import atexit
import csv
import dataclasses
import functools
import io
import logging
import mimetypes
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.wrappers import Request

from graph.namespaces import BASE
from graph.sandbox import Outcome, QueryRefused, QueryRunner
from graph.sandbox.runner import INLINE_GUARD_CHARS
from graph.sandbox.workers import default_workers
from graph.store import RDF_FORMATS

bp = Blueprint("sparql", __name__)
log = logging.getLogger("partnergraph.sparql")

#: Media types -> results format, in order of preference (SELECT; ASK adds text/plain).
RESULT_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/xml": "xml",
}
BOOLEAN_MEDIA = {m: f for m, f in RESULT_MEDIA.items() if not m.startswith("text/")}
BOOLEAN_MEDIA.update({"text/plain": "text", "text/csv": "csv", "text/tab-separated-values": "tsv", "text/xml": "xml"})
#: Media types -> RDF format, in order of preference (CONSTRUCT / DESCRIBE).
GRAPH_MEDIA = {
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "text/xml": "xml",
}
#: format= values.
RESULT_NAMES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
BOOLEAN_NAMES = {**RESULT_NAMES, "text": "text", "txt": "text"}
GRAPH_NAMES = {
    **{"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt"},
    **{"json-ld": "jsonld", "jsonld": "jsonld", "json": "jsonld", "xml": "xml", "rdf": "xml", "rdfxml": "xml"},
    **{"rdf+xml": "xml", "nquads": "nquads", "n-quads": "nquads", "nq": "nquads", "trig": "trig"},
}
#: How a spreadsheet recognises a formula: such a cell of a CSV download gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS = {
    "ok": 200,
    "syntax": 400,
    "refused": 400,
    "invalid": 400,
    "timeout": 503,
    "memory": 503,
    "busy": 503,
    "unavailable": 503,
    "upstream": 502,
}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type",
    "Access-Control-Max-Age": "86400",
    "Access-Control-Expose-Headers": "X-Partnergraph-Truncated, X-Partnergraph-Rows, X-Partnergraph-Time-Ms",
}
NOT_ACCEPTABLE = "none of the accepted media types can be served for this query"
SD_FORMATS = {"text/turtle": "turtle", **{m: f for m, f in GRAPH_MEDIA.items() if m != "text/plain"}}


def init_app(app: Flask) -> None:
    """Fork the query workers for the app's store (once), stop them at exit, put CORS on every /sparql answer,
    answer queries on the lean path (:mod:`web.sparql_lean`)."""
    if "sparql" in app.extensions:
        return
    memory_mb = int(app.config["QUERY_MEMORY_MB"])
    runner = QueryRunner(
        app.extensions["kg"].store,
        workers=int(app.config["QUERY_WORKERS"]) or default_workers(memory_mb),
        timeout=float(app.config["QUERY_TIMEOUT"]),
        max_rows=int(app.config["MAX_ROWS"]),
        memory_mb=memory_mb,
        queue_size=int(app.config["QUERY_QUEUE"]),
        queue_wait=float(app.config["QUERY_QUEUE_WAIT"]),
        max_depth=int(app.config["MAX_QUERY_DEPTH"]),
        update_timeout=float(app.config["UPDATE_TIMEOUT"]),
        cache_mb=float(app.config["RESULT_CACHE_MB"]),
        fast_lane=int(app.config["QUERY_FAST_LANE"]),
    )
    app.extensions["sparql"] = runner
    atexit.register(runner.close)
    from .sparql_lean import LeanSparql

    app.wsgi_app = LeanSparql(app, app.wsgi_app)  # type: ignore[method-assign]

    @app.after_request
    def _cors(response: Response) -> Response:
        if request.path == "/sparql":
            for name, value in CORS.items():
                response.headers.setdefault(name, value)
            if request.method in ("GET", "HEAD"):
                response.vary.add("Accept")
        return response


def runner() -> QueryRunner:
    """The app's query runner."""
    return current_app.extensions["sparql"]


def plain(message: str, status: int, **headers: str) -> Response:
    """A plain-text error (or notice)."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers)
    return response


def accepted(header: str | None) -> list[tuple[str, float, int]]:
    """The media ranges of an Accept header: (type/subtype, q, position); parameters other than q ignored."""
    ranges = []
    for position, part in enumerate((header or "").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q, position))
    return ranges


def negotiate(offers: dict[str, str], header: str | None) -> str | None:
    """The format to answer in: the offer matched by the most specific, highest-q range (None: nothing fits)."""
    ranges = accepted(header)
    if not ranges:
        return next(iter(offers.values()))
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for rank, (media, fmt) in enumerate(offers.items()):
        kind = media.split("/")[0]
        for pattern, q, position in ranges:
            if pattern == media:
                specificity = 2
            elif pattern == f"{kind}/*":
                specificity = 1
            elif pattern in ("*/*", "*"):
                specificity = 0
            else:
                continue
            key = (q, specificity, -position, -rank)
            if q > 0 and (best is None or key > best):
                best, chosen = key, fmt
    return chosen


def outcome_response(outcome: Outcome) -> Response:
    """An HTTP response for a runner outcome (errors as plain text, busy with Retry-After)."""
    if outcome.status != "ok":
        status = STATUS.get(outcome.status, 500)
        if status == 500:
            log.error("query failed: %s", outcome.message)
        headers = {"Retry-After": "2"} if outcome.status in ("busy", "unavailable") else {}
        return plain(outcome.message, status, **headers)
    mimetype = outcome.media_type
    if mimetype.startswith("text/") or mimetype.endswith(("json", "xml")):
        mimetype += "; charset=utf-8"
    headers = [("X-Partnergraph-Rows", str(outcome.rows)), ("X-Partnergraph-Time-Ms", f"{outcome.seconds * 1000:.1f}")]
    if outcome.truncated:
        headers.append(("X-Partnergraph-Truncated", "true"))
    return Response(outcome.body, status=200, headers=headers, content_type=mimetype)


def _params(req: Request) -> tuple[list[str], dict[str, list[str]]] | Response:
    """The query texts and the other protocol parameters of a request, or the error answer."""
    content_type = (req.mimetype or "").lower()
    args = {k: req.args.getlist(k) for k in req.args}
    if req.method == "GET":
        if "update" in req.args:
            return plain("SPARQL Update is refused here: /sparql is read-only", 403)
        return args.pop("query", []), args
    if content_type == "application/sparql-update" or (
        content_type == "application/x-www-form-urlencoded" and "update" in req.form
    ):
        return plain(
            "SPARQL Update is refused here: /sparql is read-only (writes go through the authenticated /update)", 403
        )
    if content_type == "application/sparql-query":
        if "query" in req.args:
            return plain("give the query once: in the body or in the URL, not both", 400)
        return [req.get_data(as_text=True)], args
    if content_type == "application/x-www-form-urlencoded":
        if "query" in req.args:
            return plain("give the query once: in the body or in the URL, not both", 400)
        form = {k: req.form.getlist(k) for k in req.form}
        for name, values in args.items():
            form.setdefault(name, []).extend(values)
        return form.pop("query", []), form
    return plain("POST needs Content-Type application/sparql-query or application/x-www-form-urlencoded", 415)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """The SPARQL 1.1 Protocol query operation (GET, POST form, POST application/sparql-query)."""
    if request.method == "OPTIONS":
        return plain("", 204)
    response = answer(request, current_app.config, runner())
    return _no_query() if response is None else response


def answer(req: Request, config: Mapping[str, Any], queries: QueryRunner) -> Response | None:
    """The answer to a query request (None: a GET without a query, for :func:`_no_query`).

    Needs no Flask context: the lean path (:mod:`web.sparql_lean`) calls it with a plain werkzeug request."""
    limit = int(config["MAX_QUERY_BYTES"])
    if (req.content_length or 0) > limit:
        return plain(f"the request is larger than {limit} bytes (MAX_QUERY_BYTES)", 413)
    parsed = _params(req)
    if isinstance(parsed, Response):
        return parsed
    query_texts, params = parsed
    if req.method == "GET" and not query_texts:
        return None
    if len(query_texts) != 1 or not query_texts[0].strip():
        return plain("give exactly one non-empty query parameter", 400)
    query = query_texts[0]
    if len(query.encode("utf-8")) > limit:
        return plain(f"the query is longer than {limit} bytes (MAX_QUERY_BYTES)", 413)
    checked = None  # a long text is read by the guard in a worker (see QueryRunner.run)
    if len(query) <= INLINE_GUARD_CHARS or not queries.store.capabilities.embedded:
        try:
            checked = queries.check(query)
        except QueryRefused:
            pass  # the runner refuses it, logged, with the same message
    fmt_values = [v.strip().lower() for v in params.get("format", [])]
    accept = req.headers.get("Accept")
    by_accept = _formats(accept)
    chosen = {
        "SELECT": _by_name(RESULT_NAMES, fmt_values) or by_accept[0],
        "ASK": _by_name(BOOLEAN_NAMES, fmt_values) or by_accept[1],
        "CONSTRUCT": _by_name(GRAPH_NAMES, fmt_values) or by_accept[2],
    }
    chosen["DESCRIBE"] = chosen["CONSTRUCT"]
    if checked is not None and checked.form and chosen[checked.form] is None:
        return plain(NOT_ACCEPTABLE, 406)
    outcome = queries.run(
        query,
        result_format=chosen["SELECT"] or "json",
        graph_format=chosen["CONSTRUCT"] or "turtle",
        boolean_format=chosen["ASK"] or "json",
        default_graphs=params.get("default-graph-uri") or None,
        named_graphs=params.get("named-graph-uri") or None,
        checked=checked,
    )
    if outcome.status == "ok" and chosen.get(outcome.form) is None:
        return plain(NOT_ACCEPTABLE, 406)
    download = outcome.status == "ok" and bool(params.get("download"))
    if download and outcome.media_type == "text/csv":
        outcome = dataclasses.replace(outcome, body=neutralise_formulas(outcome.body))  # the cache keeps its own
    response = outcome_response(outcome)
    if download:
        extension = mimetypes.guess_extension(outcome.media_type) or ""
        response.headers["Content-Disposition"] = f'attachment; filename="results{extension}"'
    return response


def neutralise_formulas(body: bytes) -> bytes:
    """CSV for spreadsheets: a cell that starts like a formula (``= + - @``, tab, CR) gets a leading ``'``, so
    that opening the download never runs it (OWASP CSV injection)."""
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["'" + cell if cell[:1] in FORMULA_STARTS else cell for cell in row])
    return out.getvalue().encode("utf-8")


def _formats(accept: str | None) -> tuple[str | None, str | None, str | None]:
    """The SELECT, ASK and CONSTRUCT formats an Accept header asks for (kept for the few headers clients send)."""
    if accept is not None and len(accept) > 512:
        return _formats_of(accept)
    return _kept_formats(accept)


def _formats_of(accept: str | None) -> tuple[str | None, str | None, str | None]:
    return negotiate(RESULT_MEDIA, accept), negotiate(BOOLEAN_MEDIA, accept), negotiate(GRAPH_MEDIA, accept)


_kept_formats = functools.lru_cache(maxsize=128)(_formats_of)


def _by_name(names: dict[str, str], values: list[str]) -> str | None:
    return next((names[v] for v in values if v in names), None)


def _no_query() -> Response:
    """A GET without a query: the workbench for browsers, the service description (by Accept) for machines."""
    header = request.headers.get("Accept")
    html = negotiate({"text/html": "html", **SD_FORMATS}, header) if header else None
    if html == "html" and ("text/html" in (header or "")):
        return current_app.view_functions["workbench.workbench"]()
    fmt = negotiate(SD_FORMATS, header) or "turtle"
    body = service_description(request.base_url, sorted(runner().graphs()), fmt)
    media = RDF_FORMATS[fmt][1]
    return Response(body, content_type=media + ("; charset=utf-8" if fmt != "xml" else ""))


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMAT_NAMES = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
RDF_FORMAT_NAMES = ("Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG")


def service_description(endpoint: str, graphs: list[str], fmt: str = "turtle") -> bytes:
    """The SPARQL 1.1 Service Description of this endpoint (its default dataset and named graphs listed)."""
    node, iri = ox.NamedNode(endpoint), ox.NamedNode
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    a = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    limits = current_app.config
    comment = (
        "Read-only. SERVICE, LOAD and updates are refused; FROM may only name graphs of this store. Queries stop "
        f"after {float(limits['QUERY_TIMEOUT']):g} s and return at most {int(limits['MAX_ROWS'])} rows."
    )
    triples = [
        ox.Triple(node, a, iri(SD + "Service")),
        ox.Triple(node, iri(SD + "endpoint"), node),
        ox.Triple(node, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        ox.Triple(node, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")),
        ox.Triple(node, iri(rdfs + "label"), ox.Literal("Partnergraph SPARQL endpoint")),
        ox.Triple(node, iri(rdfs + "comment"), ox.Literal(comment)),
        ox.Triple(node, iri(rdfs + "seeAlso"), iri(BASE)),
        ox.Triple(node, iri(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, a, iri(SD + "Dataset")),
        ox.Triple(dataset, iri(SD + "defaultGraph"), default),
        ox.Triple(default, a, iri(SD + "Graph")),
    ]
    triples += [ox.Triple(node, iri(SD + "resultFormat"), iri(FORMATS + f)) for f in RESULT_FORMAT_NAMES]
    triples += [ox.Triple(node, iri(SD + "resultFormat"), iri(FORMATS + f)) for f in RDF_FORMAT_NAMES]
    for n, graph in enumerate(graphs):
        named = ox.BlankNode(f"g{n}")
        triples += [
            ox.Triple(dataset, iri(SD + "namedGraph"), named),
            ox.Triple(named, a, iri(SD + "NamedGraph")),
            ox.Triple(named, iri(SD + "name"), iri(graph)),
        ]
    rdf = RDF_FORMATS[fmt][0]
    if fmt in ("nquads", "trig"):
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(quads, format=rdf) or b""
    prefixes = {"sd": SD, "rdfs": rdfs, "formats": FORMATS} if fmt == "turtle" else None
    return ox.serialize(triples, format=rdf, prefixes=prefixes) if prefixes else ox.serialize(triples, format=rdf)
