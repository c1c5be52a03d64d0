"""The query workbench at ``/query`` and the named queries' own pages (``/query/<name>`` with JSON/CSV twins).

Named queries run through the same bounded runner as ``/sparql``; labels for the IRIs of a page of results
come from one batched VALUES query.
"""

from __future__ import annotations

import dataclasses
import json
import re
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from graph.labels import labels_of
from graph.namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES, shorten
from graph.queries import NamedQuery, QueryError, get_query, named_queries
from graph.store import StoreError

from .security import safe_href
from .sparql import neutralise_formulas, outcome_response, plain, runner

bp = Blueprint("workbench", __name__)

MAX_LABEL_IRIS = 1000
#: Literals shown unbroken in result tables (a date must not wrap at its hyphens).
DATE_TYPE = re.compile(r"#(date|dateTime|gYearMonth)$")
_IRI = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|^`\\]*$')
VOCABULARY_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?type (SAMPLE(?l) AS ?label) WHERE {
  GRAPH <%s> {
    ?term a ?type .
    VALUES ?type { owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property }
    FILTER(isIRI(?term))
    OPTIONAL { ?term rdfs:label ?l FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }
  }
} GROUP BY ?term ?type ORDER BY ?term
"""


def kg():
    """The app's knowledge graph."""
    return current_app.extensions["kg"]


def vocabulary() -> dict:
    """Our prefixes, and every class and property of the ontology graph with its label (for autocompletion)."""
    terms: dict[str, dict] = {}
    for term, kind, label in kg().store.select_values(VOCABULARY_QUERY % ONTOLOGY_GRAPH):
        is_class = kind.endswith("Class")
        entry = terms.setdefault(term, {"iri": term, "curie": shorten(term), "label": label or "", "kind": "property"})
        if is_class:
            entry["kind"] = "class"
    return {"prefixes": PREFIXES, "terms": sorted(terms.values(), key=lambda t: t["curie"])}


def examples() -> list[dict]:
    """Every named query, for the gallery: name, title, description, text and parameters."""
    return [_describe(q) for q in named_queries().values()]


def _describe(query: NamedQuery) -> dict:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "query": query.text,
        "params": [
            {
                "name": p.name,
                "label": query.param_label(p.name),
                "kind": p.kind,
                "default": p.default or "",
                "description": p.description,
            }
            for p in query.params
        ],
        "url": url_for("workbench.named", name=query.name),
    }


def labels_for(iris: list[str]) -> dict[str, str]:
    """rdfs:label (else skos:prefLabel, else dcterms:title) of each IRI, in batched queries (the library's)."""
    return labels_of(kg(), [i for i in dict.fromkeys(iris) if _IRI.match(i)][:MAX_LABEL_IRIS])


def entity_url(iri: str) -> str | None:
    """The app's page of one of our entities (``/id/...``), or None for other IRIs."""
    if iri.startswith(BASE + "id/"):
        return "/" + iri[len(BASE) :]
    return None


@bp.get("/query")
def workbench() -> str:
    """The workbench: editor, examples, results as a table or a network; the state lives in the URL."""
    settings = {
        "timeout": float(current_app.config["QUERY_TIMEOUT"]),
        "maxRows": int(current_app.config["MAX_ROWS"]),
        "endpoint": url_for("sparql.sparql"),
        "labels": url_for("workbench.labels"),
        "vocabulary": url_for("workbench.vocabulary_json"),
        "examples": url_for("workbench.examples_json"),
        "base": BASE,
    }
    return render_template("query.html", settings=settings, examples=examples())


@bp.get("/query/vocabulary.json")
def vocabulary_json() -> Response:
    """Prefixes, classes and properties for the editor's autocompletion."""
    return jsonify(vocabulary())


@bp.get("/query/examples.json")
def examples_json() -> Response:
    """The named queries, as the examples gallery shows them."""
    return jsonify(examples())


@bp.post("/query/labels")
def labels() -> Response:
    """Labels and entity pages for a list of IRIs (a JSON array in the body): ``{iri: {label, url}}``."""
    try:
        iris = request.get_json(silent=True)
    except RecursionError:
        return plain("the JSON body is nested too deeply", 400)
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        return plain("send a JSON array of IRIs", 400)
    try:
        found = labels_for(iris)
    except StoreError as error:
        return plain(str(error), 500)
    return jsonify({i: {"label": found.get(i), "url": entity_url(i)} for i in iris[:MAX_LABEL_IRIS]})


@bp.get("/query/<name>")
def named(name: str) -> Response | str:
    """A named query's own page (HTML), or its ``.json`` / ``.csv`` twin; parameters as query-string args."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, "html"
    if ext not in ("html", "json", "csv", "rq"):
        abort(404)
    try:
        query = get_query(stem)
    except QueryError:
        abort(404)
    values = {p.name: request.args.get(p.name, "") for p in query.params}
    try:
        text = query.bind(values)
    except QueryError as error:
        if ext == "html":
            return _named_page(query, values, None, str(error)), 400
        return plain(str(error), 400)
    if ext == "rq":
        return Response(text, mimetype="application/sparql-query")
    if ext == "csv":
        outcome = runner().run(text, result_format="csv")
        if outcome.status == "ok":
            outcome = dataclasses.replace(outcome, body=neutralise_formulas(outcome.body))  # not the cached one
        response = outcome_response(outcome)
        if outcome.status == "ok":
            response.headers["Content-Disposition"] = f'inline; filename="{stem}.csv"'
        return response
    outcome = runner().run(text, result_format="json")
    if outcome.status != "ok":
        if ext == "html":
            return _named_page(query, values, None, outcome.message), 400 if outcome.status == "syntax" else 503
        return outcome_response(outcome)
    doc = json.loads(outcome.body)
    columns = doc["head"].get("vars", [])
    rows = [{v: cell["value"] for v, cell in b.items()} for b in doc["results"]["bindings"]]
    result = {
        "name": stem,
        "title": query.title,
        "description": query.description,
        "params": values,
        "query": text,
        "columns": columns,
        "labels": {c: query.column_label(c) for c in columns},
        "rows": rows,
        "row_count": len(rows),
        "truncated": outcome.truncated,
        "ms": round(outcome.seconds * 1000, 1),
    }
    if ext == "json":
        response = jsonify(result)
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    cells = doc["results"]["bindings"]
    iris = [c["value"] for b in cells for c in b.values() if c["type"] == "uri"]
    found = labels_for(iris[:MAX_LABEL_IRIS])
    table = [[_cell(b.get(v), found) for v in columns] for b in cells]
    return _named_page(query, values, {**result, "table": table}, None)


def _cell(cell: dict | None, found: dict[str, str]) -> dict:
    """One result cell for the template: text, and a link for IRIs."""
    if cell is None:
        return {"text": ""}
    if cell["type"] == "uri":
        iri = cell["value"]
        return {"text": found.get(iri) or shorten(iri), "href": entity_url(iri) or safe_href(iri), "title": iri}
    return {"text": cell["value"], "date": DATE_TYPE.search(cell.get("datatype", "")) is not None}


def _named_page(query: NamedQuery, values: dict, result: dict | None, error: str | None) -> str:
    return render_template(
        "named_query.html",
        query=query,
        values=values,
        result=result,
        error=error,
        workbench_url=url_for("workbench.workbench") + "#" + _fragment(query.bind(values) if not error else query.text),
    )


def _fragment(text: str) -> str:
    return urlencode({"query": text}, quote_via=quote)
