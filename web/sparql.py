"""The public SPARQL 1.1 endpoint at ``/sparql``: read-only, bounded, with content negotiation and open CORS.

Every query goes through :class:`graph.sandbox.QueryRunner` (checked, then run in a killable worker under the
time, memory and row limits); this module only speaks the protocol.
"""

from __future__ import annotations

import atexit

from flask import Blueprint, Flask, Response, current_app, request

from graph.namespaces import BASE
from graph.sandbox import Outcome, QueryRunner

bp = Blueprint("sparql", __name__)

#: format= values and media types -> results format (SELECT / ASK).
RESULT_NAMES = {
    "json": "json",
    "srj": "json",
    "application/sparql-results+json": "json",
    "application/json": "json",
    "xml": "xml",
    "srx": "xml",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "csv": "csv",
    "text/csv": "csv",
    "tsv": "tsv",
    "text/tab-separated-values": "tsv",
}
#: format= values and media types -> RDF format (CONSTRUCT / DESCRIBE).
GRAPH_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "json-ld": "jsonld",
    "jsonld": "jsonld",
    "json": "jsonld",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "xml": "xml",
    "rdf": "xml",
    "rdf+xml": "xml",
    "rdfxml": "xml",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
}
RESULT_DEFAULT, GRAPH_DEFAULT = "json", "turtle"
STATUS = {"ok": 200, "syntax": 400, "refused": 400, "timeout": 503, "memory": 503, "busy": 503, "error": 500}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-Partnergraph-Truncated, X-Partnergraph-Rows, X-Partnergraph-Time-Ms",
}


@bp.record_once
def _start_runner(state) -> None:
    """Fork the query workers once the app (and its store) exist."""
    app: Flask = state.app
    kg = app.extensions["kg"]
    runner = QueryRunner(
        kg.store,
        workers=int(app.config["QUERY_WORKERS"]),
        timeout=float(app.config["QUERY_TIMEOUT"]),
        max_rows=int(app.config["MAX_ROWS"]),
        memory_mb=int(app.config["QUERY_MEMORY_MB"]),
    )
    app.extensions["sparql"] = runner
    atexit.register(runner.close)


def runner() -> QueryRunner:
    """The app's query runner."""
    return current_app.extensions["sparql"]


def plain(message: str, status: int) -> Response:
    """A plain-text error (or notice) with CORS headers."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers.update(CORS)
    return response


def _choose(names: dict[str, str], default: str, fmt_values: list[str]) -> str | None:
    """The format asked for: the first known format= value, else content negotiation (None: nothing acceptable)."""
    for value in fmt_values:
        if value.strip().lower() in names:
            return names[value.strip().lower()]
    accept = request.accept_mimetypes
    if not accept or accept.best in ("*/*", None):
        return default
    media = [m for m in names if "/" in m]
    best = accept.best_match(media)
    if best is None:
        return default if any(value in ("*/*", "*") for value, _ in accept) else None
    return names[best]


def outcome_response(outcome: Outcome) -> Response:
    """An HTTP response for a runner outcome."""
    if outcome.status != "ok":
        return plain(outcome.message, STATUS.get(outcome.status, 500))
    mimetype = outcome.media_type
    if mimetype.startswith("text/") or mimetype.endswith(("json", "xml")):
        mimetype += "; charset=utf-8"
    response = Response(outcome.body, status=200, content_type=mimetype)
    response.headers.update(CORS)
    response.headers["Vary"] = "Accept"
    response.headers["X-Partnergraph-Rows"] = str(outcome.rows)
    response.headers["X-Partnergraph-Time-Ms"] = f"{outcome.seconds * 1000:.1f}"
    if outcome.truncated:
        response.headers["X-Partnergraph-Truncated"] = "true"
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """The SPARQL 1.1 Protocol query operation (GET, POST form, POST application/sparql-query)."""
    if request.method == "OPTIONS":
        return plain("", 204)
    content_type = (request.mimetype or "").lower()
    if request.method == "POST":
        if content_type == "application/sparql-update" or "update" in request.form:
            return plain(
                "SPARQL Update is refused here: /sparql is read-only (writes go through the authenticated /update)",
                403,
            )
        if content_type == "application/sparql-query":
            queries = [request.get_data(as_text=True)]
            params = request.args
        elif content_type == "application/x-www-form-urlencoded":
            queries = request.form.getlist("query")
            params = request.form
        else:
            return plain("POST needs Content-Type application/sparql-query or application/x-www-form-urlencoded", 415)
    else:
        if "update" in request.args:
            return plain("SPARQL Update is refused here: /sparql is read-only", 403)
        queries = request.args.getlist("query")
        params = request.args
        if not queries:
            return _no_query()
    if len(queries) != 1 or not queries[0].strip():
        return plain("give exactly one non-empty query parameter", 400)
    query = queries[0]
    default_graphs = request.args.getlist("default-graph-uri") + (
        params.getlist("default-graph-uri") if params is not request.args else []
    )
    named_graphs = request.args.getlist("named-graph-uri") + (
        params.getlist("named-graph-uri") if params is not request.args else []
    )
    fmt_values = request.args.getlist("format") + (params.getlist("format") if params is not request.args else [])
    result_format = _choose(RESULT_NAMES, RESULT_DEFAULT, fmt_values)
    graph_format = _choose(GRAPH_NAMES, GRAPH_DEFAULT, fmt_values)
    outcome = runner().run(
        query,
        result_format=result_format or RESULT_DEFAULT,
        graph_format=graph_format or GRAPH_DEFAULT,
        default_graphs=default_graphs or None,
        named_graphs=named_graphs or None,
    )
    if outcome.status == "ok":
        asked = graph_format if outcome.form in ("CONSTRUCT", "DESCRIBE") else result_format
        if asked is None:
            return plain("none of the accepted media types can be served for this query", 406)
    return outcome_response(outcome)


def _no_query() -> Response:
    """A GET without a query: the workbench for browsers, the service description for machines."""
    accept = request.accept_mimetypes
    if accept.best_match(["text/turtle", "text/html"]) == "text/html" and accept["text/html"] > accept["text/turtle"]:
        from .workbench import workbench

        return workbench()
    response = Response(service_description(request.base_url), content_type="text/turtle; charset=utf-8")
    response.headers.update(CORS)
    return response


def service_description(endpoint: str) -> str:
    """The SPARQL 1.1 Service Description of this endpoint, in Turtle."""
    formats = " ".join(
        f"<http://www.w3.org/ns/formats/{f}>"
        for f in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        )
    )
    limits = current_app.config
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat {", ".join(formats.split(" "))} ;
    rdfs:label "Partnergraph SPARQL endpoint" ;
    rdfs:comment "Read-only. SERVICE, LOAD and updates are refused; FROM may only name graphs of this store. \
Queries stop after {float(limits["QUERY_TIMEOUT"]):g} s and return at most {int(limits["MAX_ROWS"])} rows." ;
    rdfs:seeAlso <{BASE}> .
"""
