"""The namespaces of the Partnergraph ontology and data, and the standard ones it reuses."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://partnergraph.org/"
KP = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
KIND = Namespace(BASE + "vocab/tie-kind/")
FIELD = Namespace(BASE + "vocab/field/")
COUNTED = Namespace(BASE + "vocab/counted/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

#: The named graph that holds the ontology, the vocabularies and the shapes.
ONTOLOGY_GRAPH = BASE + "ontology"

#: Prefix -> namespace IRI, used for queries, serialisation and the query editor.
PREFIXES: dict[str, str] = {
    "kp": str(KP),
    "id": str(ID),
    "kind": str(KIND),
    "field": str(FIELD),
    "counted": str(COUNTED),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "wdt": str(WDT),
}


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """The PREFIX lines for our namespaces, to put before a query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or PREFIXES).items())


def shorten(iri: str) -> str:
    """Write an IRI as a prefixed name where one of our prefixes fits (``kp:Agreement``), else as is."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
