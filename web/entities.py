"""Entity pages at stable URLs: ``/id/<type>/<slug>`` (the IRI ``https://partnergraph.org/id/<type>/<slug>``
resolves here when served under the data's namespace), with ``.ttl`` and ``.jsonld`` twins by suffix and by
content negotiation; and ``/sources``, the source documents with their quotes."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from graph import entities, history
from graph import network as nw
from graph.forms import FORM_CLASSES

from . import auth

bp = Blueprint("entities", __name__)

#: What may follow /id/ in an IRI: no spaces, no characters IRIs forbid, only well-formed %-escapes.
_IRI_PATH = re.compile(r"(?:[^\x00-\x20<>\"{}|\\^`%]|%[0-9A-Fa-f]{2})+")


def _is_iri(text: str) -> bool:
    """True when the engine takes ``text`` for a valid IRI (RFC 3987)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


TWINS = {".ttl": ("turtle", "text/turtle"), ".jsonld": ("jsonld", "application/ld+json")}


def _kg():
    return current_app.extensions["kg"]


def entity_path(iri: str) -> str:
    """The app path of an entity IRI (``/id/...``), or a search link for IRIs outside our namespace."""
    if iri.startswith(nw.ID_NS):
        return "/id/" + iri[len(nw.ID_NS) :]
    return "/?q=" + quote(iri, safe="")


@bp.app_template_filter("entity_href")
def entity_href(iri: str | None) -> str | None:
    """Where a link to an IRI may go: our entity's page, an http(s) address as it is, else nowhere (None).

    (Engineer "harden" adds a general ``safe_href``; this one also maps our IRIs to their pages.)"""
    if not iri:
        return None
    if iri.startswith(nw.ID_NS) and re.fullmatch(r"[^\s<>\"{}|\\^`]+", iri):
        return "/id/" + quote(iri[len(nw.ID_NS) :], safe="/-._~%")
    if re.match(r"https?://[^\s<>\"]+$", iri, re.IGNORECASE):
        return iri
    return None


def edit_link(described: dict) -> str | None:
    """The edit form for an entity (agreement, region/organisation or program), when writes are on."""
    if not auth.writes_enabled():
        return None
    for form, classes in FORM_CLASSES.items():
        if described.get("type") in classes:
            return f"/edit/{form}?" + urlencode({"iri": described["id"]})
    return None


def _negotiated(rest: str) -> tuple[str, str | None]:
    """(the entity path without suffix, the RDF format wanted or None for HTML)."""
    for suffix, (fmt, _) in TWINS.items():
        if rest.endswith(suffix):
            return rest[: -len(suffix)], fmt
    best = request.accept_mimetypes.best_match(["text/html", "text/turtle", "application/ld+json"], "text/html")
    if best == "text/turtle" and request.accept_mimetypes["text/turtle"] > request.accept_mimetypes["text/html"]:
        return rest, "turtle"
    if best == "application/ld+json" and (
        request.accept_mimetypes["application/ld+json"] > request.accept_mimetypes["text/html"]
    ):
        return rest, "jsonld"
    return rest, None


@bp.get("/id/<path:rest>")
def entity(rest: str):
    """An entity's page (facts, ties, sources), or its Turtle / JSON-LD twin."""
    path, fmt = _negotiated(rest)
    iri = nw.ID_NS + path
    kg = _kg()
    described = entities.describe(kg, iri) if _IRI_PATH.fullmatch(path) and _is_iri(iri) else None
    if described is None:
        if fmt:
            return Response(f"no entity {iri}\n", status=404, mimetype="text/plain")
        return render_template("entity.html", entity=None, iri=iri, entity_path=entity_path), 404
    if fmt:
        media = {"turtle": "text/turtle", "jsonld": "application/ld+json"}[fmt]
        response = Response(entities.entity_rdf(kg, iri, fmt), mimetype=media)
    else:
        statements = entities.source_statements(kg, iri) if path.startswith("source/") else []
        response = Response(
            render_template(
                "entity.html",
                entity=described,
                iri=iri,
                entity_path=entity_path,
                statements=statements,
                path=path,
                history=history.entity_history(kg, iri),
                edit_link=edit_link(described),
            )
        )
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = (
        f'</id/{path}.ttl>; rel="alternate"; type="text/turtle", </id/{path}.jsonld>; rel="alternate"; '
        'type="application/ld+json"'
    )
    return response


@bp.get("/sources")
def sources():
    """Every source document with its date, publisher, counts and quotes (each with the things it supports)."""
    docs = entities.sources(_kg(), per_source=request.args.get("per", 100, type=int) or 100)
    return render_template("sources.html", sources=docs, entity_path=entity_path, quote=quote)
