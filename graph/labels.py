"""Words for people: the labels of the ontology's terms and of any IRI, and a quoted table row read with its
column names.

Properties and classes are named by their ``rdfs:label`` in the ontology (or ``skos:prefLabel``); the standard
terms the data reuses (``rdfs:label``, ``skos:altLabel``...) by the words below. Nothing shows ``rdf:type``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from weakref import WeakKeyDictionary

from rdflib import URIRef

from .knowledge import KnowledgeGraph
from .namespaces import PREFIXES
from .store import sparql_term

QUERY_DIR = Path(__file__).parent / "queries" / "entities"
_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')

_NS = PREFIXES
#: Words for the standard terms the data reuses (the ontology file labels only its own).
STANDARD_LABELS = {
    _NS["rdf"] + "type": "is a",
    _NS["rdfs"] + "label": "name",
    _NS["rdfs"] + "comment": "note",
    _NS["rdfs"] + "seeAlso": "see also",
    _NS["skos"] + "prefLabel": "name",
    _NS["skos"] + "altLabel": "also known as",
    _NS["skos"] + "hiddenLabel": "other spellings in the sources",
    _NS["skos"] + "exactMatch": "same as",
    _NS["skos"] + "closeMatch": "close match",
    _NS["skos"] + "broader": "broader",
    _NS["skos"] + "inScheme": "vocabulary",
    _NS["dcterms"] + "title": "title",
    _NS["dcterms"] + "source": "address",
    _NS["dcterms"] + "created": "date",
    _NS["dcterms"] + "issued": "published",
    _NS["dcterms"] + "publisher": "publisher",
    _NS["dcterms"] + "creator": "creator",
    _NS["dcterms"] + "identifier": "identifier",
    _NS["dcterms"] + "license": "licence",
    _NS["dcterms"] + "rights": "rights",
    _NS["dcterms"] + "language": "language",
    _NS["schema"] + "startDate": "start date",
    _NS["schema"] + "endDate": "end date",
    _NS["schema"] + "url": "web site",
    _NS["prov"] + "value": "quoted words",
    _NS["prov"] + "wasQuotedFrom": "quoted from",
    _NS["org"] + "unitOf": "unit of",
    _NS["org"] + "subOrganizationOf": "part of",
    _NS["org"] + "headOf": "head of",
    _NS["foaf"] + "name": "name",
    "http://www.w3.org/2003/01/geo/wgs84_pos#lat": "latitude",
    "http://www.w3.org/2003/01/geo/wgs84_pos#long": "longitude",
}


@cache
def load_query(name: str) -> str:
    """The text of ``graph/queries/entities/<name>.rq`` (read once)."""
    return (QUERY_DIR / f"{name}.rq").read_text("utf-8")


def values_query(name: str, variable: str, iris: Iterable[str | tuple[str, ...]]) -> str:
    """A query of ``graph/queries/entities`` with the IRIs (or tuples of IRIs) as a ``VALUES`` row of ``?variable``
    (``"a b"`` for tuples) at its ``#VALUES#`` mark, each written by :func:`graph.store.sparql_term` (checked);
    strings that are not IRIs are left out. (A mark, not a bound variable: the engine plans it at the top.)"""
    rows = []
    for item in iris:
        parts = (item,) if isinstance(item, str) else item
        if all(p and not _BAD_IRI.search(p) for p in parts):
            terms = " ".join(sparql_term(URIRef(p)) for p in parts)
            rows.append(terms if isinstance(item, str) else f"({terms})")
    names = variable.split()
    head = f"?{names[0]}" if len(names) == 1 else "(" + " ".join(f"?{n}" for n in names) + ")"
    return load_query(name).replace("#VALUES#", f"VALUES {head} {{ {' '.join(rows)} }}")


def local_words(iri: str) -> str:
    """Words from an IRI's last part: ``signedDate`` -> 'signed date', ``tie-kind`` -> 'tie kind'."""
    name = re.split(r"[#/]", iri.rstrip("/"))[-1]
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ").replace("-", " ")
    return name.lower() if not name.isupper() else name


def labels_of(kg: KnowledgeGraph, iris: Iterable[str], select: Callable[[str], Iterable[tuple]] | None = None):
    """The label (rdfs:label, else skos:prefLabel, else dcterms:title) of each IRI that has one, in batches."""
    select = select or kg.store.select_values
    items = sorted({i for i in iris if i})
    found: dict[str, str] = {}
    for start in range(0, len(items), 400):
        for x, label in select(values_query("labels", "x", items[start : start + 400])):
            if label:
                found[x] = label
    return found


def term_labels(kg: KnowledgeGraph, terms: Iterable[str]) -> dict[str, str]:
    """A label for each property or class: the ontology's words, the standard words above, else the IRI's own.

    Kept per knowledge graph until the store changes (properties and classes are few and rarely relabelled)."""
    terms = set(terms)
    generation = kg.store.generation
    cached = _TERM_CACHE.get(kg)
    if cached is None or cached[0] != generation or generation is None:
        cached = (generation, {})
        _TERM_CACHE[kg] = cached
    known = cached[1]
    missing = [t for t in terms if t not in known and t not in STANDARD_LABELS]
    if missing:
        found = labels_of(kg, missing)
        known.update({t: found.get(t) or local_words(t) for t in missing})
    return {t: STANDARD_LABELS.get(t) or known[t] for t in terms}


_TERM_CACHE: WeakKeyDictionary[KnowledgeGraph, tuple[int | None, dict[str, str]]] = WeakKeyDictionary()


def table_row(text: str, columns: str | None) -> list[dict[str, str]]:
    """A quoted table row as cells with their column names (``column 1``... when the header is unknown).

    The import records each row's verbatim text: tab-separated for TSV and spreadsheets, else CSV."""
    delimiter = "\t" if "\t" in text or (columns and "\t" in columns) else ","
    cells = next(csv.reader([text], delimiter=delimiter), [])
    names = next(csv.reader([columns], delimiter=delimiter), []) if columns else []
    return [
        {"column": names[i] if i < len(names) and names[i] else f"column {i + 1}", "value": cell}
        for i, cell in enumerate(cells)
    ]
