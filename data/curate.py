"""Helpers used by data/build_seeds.py to write one named graph per source document.

Every fact is added together with the verbatim quote it rests on; a quote that does not occur
in the seed file (or spans a line break) stops the build.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

KP = Namespace("https://partnergraph.org/ontology#")
ID = Namespace("https://partnergraph.org/id/")
KIND = Namespace("https://partnergraph.org/vocab/tie-kind/")
FIELD = Namespace("https://partnergraph.org/vocab/field/")
COUNTED = Namespace("https://partnergraph.org/vocab/counted/")
PKIND = Namespace("https://partnergraph.org/vocab/program-kind/")
DIRECTION = Namespace("https://partnergraph.org/vocab/direction/")
COSTS = Namespace("https://partnergraph.org/vocab/cost-sharing/")
AUDIENCE = Namespace("https://partnergraph.org/vocab/audience/")
UNIT = Namespace("https://partnergraph.org/vocab/unit/")
MEASURE = Namespace("https://partnergraph.org/vocab/measure/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES = {
    "kp": KP,
    "id": ID,
    "kind": KIND,
    "field": FIELD,
    "counted": COUNTED,
    "pkind": PKIND,
    "direction": DIRECTION,
    "costs": COSTS,
    "audience": AUDIENCE,
    "unit": UNIT,
    "measure": MEASURE,
    "schema": SCHEMA,
    "org": ORG,
    "prov": PROV,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
    "wd": WD,
}

# the concept schemes facts may name as `prefix:name`
CONCEPT_SCHEMES = {
    p: PREFIXES[p] for p in ("kind", "field", "counted", "pkind", "direction", "costs", "audience", "unit", "measure")
}

# key -> description of an entity shared across documents
ENTITIES: dict[str, dict] = {}
LABELS: dict[URIRef, str] = {}


def entity(key, path, types, label, alt=(), hidden=(), iso=None, exact=None, comment=None):
    """Declare an entity once; documents that mention it repeat its type and label."""
    types = types if isinstance(types, list | tuple) else [types]
    ENTITIES[key] = dict(
        iri=ID[path], types=types, label=label, alt=alt, hidden=hidden, iso=iso, exact=exact, comment=comment
    )


def iri(x):
    """Resolve an entity key, a concept written `scheme:name` (`kind:mou`, `pkind:training`) or an IRI."""
    if isinstance(x, URIRef | Literal):
        return x
    if x in ENTITIES:
        return ENTITIES[x]["iri"]
    prefix, _, name = x.partition(":")
    if name and prefix in CONCEPT_SCHEMES:
        return CONCEPT_SCHEMES[prefix][name]
    raise KeyError(x)


def date(value: str) -> Literal:
    """A typed literal at the precision written: 2014, 2014-09, 2014-09-03, 2014-09-03T08:52:00."""
    dtype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date, 19: XSD.dateTime}[len(value)]
    return Literal(value, datatype=dtype)


def integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def decimal(text: str) -> Literal:
    """A decimal exactly as written (no float rounding): "22.1" -> 22.1."""
    return Literal(text, datatype=XSD.decimal)


def english(text: str) -> Literal:
    return Literal(text, lang="en")


class Document:
    """One source document and the named graph of the facts taken from it."""

    def __init__(self, seeds: Path, slug, seed_file, title, created=None, creator=None, publisher=None, source=None):
        self.slug = slug
        self.iri = ID[f"source/{slug}"]
        self.text = (seeds / seed_file).read_text(encoding="utf-8")
        self.dataset = Dataset()
        for prefix, ns in PREFIXES.items():
            self.dataset.bind(prefix, ns)
        self.graph = self.dataset.graph(self.iri)
        self.quotes: dict[str, URIRef] = {}
        g = self.graph
        self.check(title)
        g.add((self.iri, RDF.type, KP.SourceDocument))
        g.add((self.iri, RDFS.label, Literal(title)))
        g.add((self.iri, DCTERMS.title, Literal(title)))
        g.add((self.iri, KP.seedFile, Literal(seed_file)))
        if created:
            g.add((self.iri, DCTERMS.created, date(created)))
        for who in [creator] if isinstance(creator, str) else creator or []:
            self.check(who)
            g.add((self.iri, DCTERMS.creator, Literal(who)))
        if publisher:
            self.check(publisher)
            g.add((self.iri, DCTERMS.publisher, Literal(publisher)))
        if source:
            self.check(source)
            g.add((self.iri, DCTERMS.source, URIRef(source)))

    def check(self, quote: str) -> None:
        assert "\n" not in quote and quote in self.text, f"{self.slug}: not verbatim: {quote!r}"

    def ev(self, quote: str) -> URIRef:
        """The evidence node for a verbatim quote (one node per distinct quote)."""
        if quote not in self.quotes:
            self.check(quote)
            node = ID[f"evidence/{self.slug}/{len(self.quotes) + 1}"]
            self.graph.add((node, RDF.type, KP.Evidence))
            self.graph.add((node, PROV.value, Literal(quote)))
            self.graph.add((node, PROV.wasQuotedFrom, self.iri))
            self.quotes[quote] = node
        return self.quotes[quote]

    def facts(self, node, quotes, facts):
        for quote in [quotes] if isinstance(quotes, str) else quotes:
            self.graph.add((node, KP.evidence, self.ev(quote)))
        for pred, values in facts.items():
            for value in values if isinstance(values, list) else [values]:
                if value is None:
                    continue
                obj = value if isinstance(value, Literal) else iri(value)
                self.graph.add((node, pred, obj))

    def label(self, node, label):
        assert LABELS.setdefault(node, label) == label, f"two labels for {node}"
        self.graph.add((node, RDFS.label, Literal(label)))

    def mention(self, key, quotes, facts=None, comment=None):
        """A shared entity as this document mentions it, with the facts this document states."""
        e = ENTITIES[key]
        node = e["iri"]
        for t in e["types"]:
            self.graph.add((node, RDF.type, t))
        self.label(node, e["label"])
        for name in e["alt"]:
            if name in self.text:
                self.graph.add((node, SKOS.altLabel, Literal(name)))
        for name in e["hidden"]:
            if name in self.text:
                self.graph.add((node, SKOS.hiddenLabel, Literal(name)))
        if e["iso"]:
            self.graph.add((node, KP.isoCode, Literal(e["iso"])))
        if e["exact"]:
            self.graph.add((node, SKOS.exactMatch, WD[e["exact"]]))
        if e["comment"]:
            self.graph.add((node, RDFS.comment, Literal(e["comment"], lang="en")))
        if comment:
            self.graph.add((node, RDFS.comment, Literal(comment, lang="en")))
        self.facts(node, quotes, facts or {})
        return node

    def node(self, path, types, label, quotes, facts=None, comment=None, alt=()):
        """A node of this document (agreement, program, course, event, ...)."""
        node = ID[path]
        for t in types if isinstance(types, list) else [types]:
            self.graph.add((node, RDF.type, t))
        self.label(node, label)
        for name in alt:
            self.graph.add((node, SKOS.altLabel, Literal(name)))
        if comment:
            self.graph.add((node, RDFS.comment, Literal(comment, lang="en")))
        self.facts(node, quotes, facts or {})
        return node

    def count(self, slug, label, about, n, counted, quote, comment=None, **extra):
        """A count statement: a number the source states without listing the members."""
        facts = {KP.about: about, KP["count"]: integer(n), KP.countedThing: counted}
        names = {"kind": KP.tieKind, "field": KP.field, "period": KP.period, "since": SCHEMA.startDate}
        for name, value in extra.items():
            if name in ("period", "since"):
                value = date(value)
            facts[names[name]] = value
        return self.node(f"statement/{slug}", KP.CountStatement, label, quote, facts, comment)

    def statistic(self, slug, label, about, value, unit, measure, quote, comment=None, **extra):
        """A figure with its unit and what it measures; optional period, rank out of a number, counted thing."""
        facts = {KP.about: about, KP.value: decimal(value), KP.unit: unit, KP.measure: measure}
        names = {"period": KP.period, "rank": KP.rank, "out_of": KP.rankOutOf, "counted": KP.countedThing}
        names["field"] = KP.field
        for name, v in extra.items():
            facts[names[name]] = date(v) if name == "period" else integer(v) if name in ("rank", "out_of") else v
        return self.node(f"statistic/{slug}", KP.Statistic, label, quote, facts, comment)

    def possible_identity(self, slug, label, a, b, method, confidence, quotes, comment):
        """Two IRIs that may name one thing: kept apart, linked by kp:possiblySameAs and a node saying why."""
        a, b = iri(a), iri(b)
        self.graph.add((a, KP.possiblySameAs, b))
        facts = {KP.candidate: [a, b], KP.method: english(method), KP.confidence: decimal(confidence)}
        return self.node(f"identity/{slug}", KP.PossibleIdentity, label, quotes, facts, comment)

    def contradiction(self, slug, label, about, evidence, comment):
        """Two statements that disagree; both are kept, this node says so."""
        node = ID[f"contradiction/{slug}"]
        g = self.graph
        g.add((node, RDF.type, KP.Contradiction))
        self.label(node, label)
        g.add((node, RDFS.comment, Literal(comment, lang="en")))
        for a in about:
            g.add((node, KP.about, iri(a)))
        for e in evidence:
            e = e if isinstance(e, URIRef) else self.ev(e)
            g.add((node, KP.conflictingEvidence, e))
            g.add((node, KP.evidence, e))
        return node

    def write(self, path: Path) -> int:
        path.write_text(self.dataset.serialize(format="trig"), encoding="utf-8")
        return len(self.graph)
