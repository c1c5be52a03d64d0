"""Edits from forms: an agreement, a region or organisation, or a program, with its source, turned into the quads
to add and remove (then :meth:`graph.changes.Writer.apply` validates, records and commits them).

Parties and places are given by name (or IRI) and resolved by the same resolver as the explorer's search; every
bad field is reported at once (:class:`FormErrors`), each with the field's name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox
from rdflib import Literal, URIRef

from . import network as nw
from .changes import PROV, RDF_TYPE, RDFS_LABEL
from .knowledge import KnowledgeGraph
from .namespaces import BASE, KP
from .queries import query_text
from .store import OxigraphStore, StoreError, to_oxigraph

KP_NS = str(KP)
KIND_NS = BASE + "vocab/tie-kind/"
FIELD_NS = BASE + "vocab/field/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
#: The classes each form offers, by form; the first is the default.
FORM_CLASSES = {
    "agreement": ["Agreement", "Partnership"],
    # Places and organisations as the explorer groups them; a city is the most common new entity.
    "entity": [
        "City",
        *(c for c in (*nw.GROUPS["region"], *nw.GROUPS["organization"]) if c not in ("Region", "City")),
    ],
    "program": list(nw.GROUPS["program"]),
}
_IRI_SEGMENT = {"agreement": "agreement", "Partnership": "partnership", "program": "program"}
_REGION_CLASSES = set(nw.GROUPS["region"]) - {"Region"}
_IRI_CHARS = re.compile(r"[^\s<>\"{}|\\^`]+")
#: A name the completion wrote with the entity's short IRI, for names several entities share.
_PICKED = re.compile(r"\[(id:[^\]\s]+)\]\s*$")


class EditError(StoreError):
    """A form's values are not acceptable; the message says which field and why."""


class FormErrors(EditError):
    """Every bad field of a form at once: ``errors`` is a list of (field, message); the n-th party's field is
    ``party-n``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


@dataclass
class Source:
    """Where an edit comes from: the document's title, its address (optional) and the verbatim words."""

    title: str
    url: str = ""
    quote: str = ""


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-' (the IRI policy's slug)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def typed_date(text: str, what: str) -> ox.Literal | None:
    """A date at the precision given: '2014' (xsd:gYear), '2014-09' (gYearMonth) or '2014-09-03' (date)."""
    text = text.strip()
    if not text:
        return None
    for pattern, datatype in (
        (r"\d{4}", "gYear"),
        (r"\d{4}-(0[1-9]|1[0-2])", "gYearMonth"),
        (r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", "date"),
    ):
        if re.fullmatch(pattern, text):
            if datatype == "date":
                try:
                    datetime.strptime(text, "%Y-%m-%d")
                except ValueError:
                    raise EditError(f"{what}: {text!r} is not a day of the calendar") from None
            return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
    raise EditError(f"{what}: write the date as YYYY, YYYY-MM or YYYY-MM-DD (the precision the source gives)")


def resolve_name(kg: KnowledgeGraph, text: str) -> str:
    """The entity a name means, by the explorer's search resolver (one place to switch to ``graph/search.py``).

    Accepts a name, an IRI, an ``id:`` short IRI, or a name followed by ``[id:...]`` as the completion writes
    names that several entities share. Raises :class:`graph.network.NetworkError` with a message for people."""
    ref = text.strip()
    picked = _PICKED.search(ref)
    return nw.network(kg).resolve(picked.group(1) if picked else ref)


class FormEdit:
    """Turn the values of an edit form into the quads to add and remove (then :meth:`Writer.apply` them)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.store = kg.store

    def _exists(self, iri: str) -> bool:
        return self.store.ask(query_text("forms/exists"), {"s": URIRef(iri)})

    def _quads(self, subject: ox.NamedNode, predicate: ox.NamedNode | None = None) -> list[ox.Quad]:
        if isinstance(self.store, OxigraphStore):
            return list(self.store.native.quads_for_pattern(subject, predicate, None, None))
        bindings: dict = {"s": URIRef(subject.value)}
        if predicate is not None:
            bindings["p"] = URIRef(predicate.value)
        rows = self.store.select(query_text("forms/statements"), bindings)
        return [ox.Quad(subject, to_oxigraph(pp), to_oxigraph(o), to_oxigraph(g)) for pp, o, g in rows]

    def _iri(self, iri: str, what: str) -> ox.NamedNode:
        """An entity given by its IRI: ours and in the graph."""
        if not iri.startswith(BASE + "id/") or not _IRI_CHARS.fullmatch(iri):
            raise EditError(f"{what}: {iri!r} is not an entity IRI (https://partnergraph.org/id/...)")
        if not self._exists(iri):
            raise EditError(f"{what}: <{iri}> is not in the graph")
        return ox.NamedNode(iri)

    def entity(self, ref: str, what: str) -> ox.NamedNode:
        """A party, place or organizer given by name (or IRI)."""
        ref = ref.strip()
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.IGNORECASE) and not ref.startswith("id:"):
            return self._iri(ref, what)
        try:
            return ox.NamedNode(resolve_name(self.kg, ref))
        except nw.NetworkError as error:
            raise EditError(f"{what}: {error}") from None

    def agreement(self, ref: str, what: str) -> ox.NamedNode:
        """An agreement or partnership given by its IRI or its exact name."""
        ref = ref.strip()
        if ref.startswith(("http://", "https://")):
            return self._iri(ref, what)
        wanted = ref.casefold()
        found = sorted({i for i, label in self.choices_of("agreement") if label.casefold() == wanted})
        if len(found) == 1:
            return ox.NamedNode(found[0])
        if found:
            raise EditError(f"{what}: {ref!r} names {len(found)} ties ({', '.join(found)}): give the IRI")
        raise EditError(f"{what}: no agreement or partnership is called {ref!r}")

    def _concept(self, iri: str, namespace: str, what: str) -> ox.NamedNode | None:
        iri = iri.strip()
        if not iri:
            return None
        if not iri.startswith(namespace) or not _IRI_CHARS.fullmatch(iri):
            raise EditError(f"{what}: {iri!r} is not a concept of {namespace}")
        return ox.NamedNode(iri)

    def source(self, source: Source) -> tuple[ox.NamedNode, ox.NamedNode, list[ox.Quad]]:
        """The source's graph, a new piece of evidence quoting it, and the quads that say so."""
        title, url, quote = source.title.strip(), source.url.strip(), source.quote.strip()
        errors = []
        if not title:
            errors.append(("source_title", "source: give the document's title"))
        if not quote:
            errors.append(("quote", "source: quote the words of the document that support the edit"))
        if url and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
            errors.append(("source_url", "source: the address must be an http(s) URL"))
        if errors:
            raise FormErrors(errors)
        slug = slugify(title) or "document"
        graph = ox.NamedNode(f"{BASE}id/source/{slug}")
        quads = []
        if not self._exists(graph.value):
            quads += [
                ox.Quad(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(KP_NS + "SourceDocument"), graph),
                ox.Quad(graph, ox.NamedNode(DCTERMS + "title"), ox.Literal(title), graph),
                ox.Quad(graph, ox.NamedNode(RDFS_LABEL), ox.Literal(title), graph),
            ]
            if url:
                quads.append(ox.Quad(graph, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(url), graph))
        prefix = f"{BASE}id/evidence/{slug}/"
        numbers = [
            int(iri[len(prefix) :])
            for (iri,) in self.store.select_values(query_text("forms/numbered"), {"prefix": Literal(prefix)})
            if iri and iri[len(prefix) :].isdigit()
        ]
        evidence = ox.NamedNode(f"{prefix}{max(numbers, default=0) + 1}")
        quads += [
            ox.Quad(evidence, ox.NamedNode(RDF_TYPE), ox.NamedNode(KP_NS + "Evidence"), graph),
            ox.Quad(evidence, ox.NamedNode(PROV + "value"), ox.Literal(quote), graph),
            ox.Quad(evidence, ox.NamedNode(PROV + "wasQuotedFrom"), graph, graph),
        ]
        return graph, evidence, quads

    def build(
        self, form: str, values: dict[str, str | list[str]], source: Source, iri: str | None = None
    ) -> tuple[str, list[ox.Quad], list[ox.Quad]]:
        """(the entity's IRI, quads to add, quads to remove) for a form: ``agreement``, ``entity`` or ``program``.

        Without ``iri`` a new entity is made (refused if its IRI exists); with it, the values the form manages
        replace the old ones (in every graph) and the new ones are stated in the source's graph with evidence.
        Raises :class:`FormErrors` with every bad field.
        """
        if form not in FORM_CLASSES:
            raise EditError(f"unknown form {form!r}")
        errors: list[tuple[str, str]] = []

        def text(name: str) -> str:
            value = values.get(name, "")
            return (value if isinstance(value, str) else " ".join(value)).strip()

        def many(name: str) -> list[str]:
            value = values.get(name, [])
            items = value.splitlines() if isinstance(value, str) else value
            return [v.strip() for v in items if v and v.strip()]

        def check(name: str, make, *args):
            """``make(*args)``, or None with the error noted against the field ``name``."""
            try:
                return make(*args)
            except FormErrors as error:
                errors.extend(error.errors)
            except EditError as error:
                errors.append((name, str(error)))
            return None

        def optional(name: str, make, what: str) -> list:
            value = text(name)
            made = check(name, make, value, what) if value else None
            return [made] if made is not None else []

        label = text("label")
        if not label:
            errors.append(("label", "name: give the display name"))
        cls = text("type") or FORM_CLASSES[form][0]
        if cls not in FORM_CLASSES[form]:
            errors.append(("type", f"type: {cls!r} is not one of {', '.join(FORM_CLASSES[form])}"))
        new: dict[str, list[ox.NamedNode | ox.Literal]] = {
            RDF_TYPE: [ox.NamedNode(KP_NS + cls)],
            RDFS_LABEL: [ox.Literal(label)],
        }
        if form == "agreement":
            given = list(dict.fromkeys(many("parties")))
            parties = [check(f"party-{n}", self.entity, p, f"party {n}") for n, p in enumerate(given, start=1)]
            parties = list(dict.fromkeys(p for p in parties if p is not None))
            if len(given) < 2:
                errors.append((f"party-{len(given) + 1}", "parties: a tie has two or more parties"))
            new[KP_NS + "party"] = list(parties)
            kind = check("kind", self._concept, text("kind"), KIND_NS, "kind")
            if kind is None and cls == "Agreement" and not text("kind"):
                errors.append(("kind", "kind: say what kind of agreement it is"))
            new[KP_NS + "tieKind"] = [kind] if kind else []
            new[KP_NS + "signedDate"] = optional("date", typed_date, "date")
            new[KP_NS + "field"] = optional("field", lambda v, w: self._concept(v, FIELD_NS, w), "field")
        elif form == "entity":
            new[str(SKOS + "altLabel")] = [ox.Literal(a) for a in dict.fromkeys(many("alt_labels"))]
            new[KP_NS + "locatedIn"] = optional("located_in", self.entity, "located in")
        else:
            new[KP_NS + "organizer"] = optional("organizer", self.entity, "organizer")
            new[KP_NS + "field"] = optional("field", lambda v, w: self._concept(v, FIELD_NS, w), "field")
            new[SCHEMA + "startDate"] = optional("start_date", typed_date, "start date")
            new[KP_NS + "underAgreement"] = optional("under_agreement", self.agreement, "under agreement")

        subject = self._subject(form, cls, label, new, iri, errors)
        found = check("source", self.source, source)
        if errors:
            raise FormErrors(errors)
        assert subject is not None and found is not None
        graph, evidence, added = found
        removed: list[ox.Quad] = []
        for predicate, objects in new.items():
            p = ox.NamedNode(predicate)
            current = self._quads(subject, p) if iri else []
            if iri and predicate == RDF_TYPE:
                # only the types this form manages are replaced
                current = [q for q in current if q.object.value.removeprefix(KP_NS) in FORM_CLASSES[form]]
            if {q.object for q in current} == set(objects):
                continue
            removed += current
            added += [ox.Quad(subject, p, o, graph) for o in objects]
        added.append(ox.Quad(subject, ox.NamedNode(KP_NS + "evidence"), evidence, graph))
        return subject.value, added, removed

    def _subject(
        self, form: str, cls: str, label: str, new: dict, iri: str | None, errors: list[tuple[str, str]]
    ) -> ox.NamedNode | None:
        """The entity corrected (``iri``), or the IRI of the new one (refused when it exists)."""
        if iri:
            try:
                return self._iri(iri, "entity")
            except EditError as error:
                errors.append(("iri", str(error)))
                return None
        segment = _IRI_SEGMENT.get(cls) or _IRI_SEGMENT.get(form) or ("region" if cls in _REGION_CLASSES else "org")
        path = slugify(label) or "unnamed"
        located = new.get(KP_NS + "locatedIn") or []
        if segment == "region" and cls != "Country" and located:
            match = re.match(re.escape(BASE) + r"id/region/([a-z]{2})(/|$)", located[0].value)
            if match:
                path = f"{match.group(1)}/{path}"
        subject = ox.NamedNode(f"{BASE}id/{segment}/{path}")
        if label and self._exists(subject.value):
            errors.append(("label", f"name: <{subject.value}> exists already: correct it instead of adding it again"))
        return subject

    def name_of(self, iri: str) -> str:
        """How a form shows an entity: its name, with ``[id:...]`` when the name alone would mean another."""
        if not iri:
            return ""
        net = nw.network(self.kg)
        if iri not in net.graph:
            return iri
        label = net.node_json(iri)["label"]
        try:
            if resolve_name(self.kg, label) == iri:
                return label
        except nw.NetworkError:
            pass
        return f"{label} [id:{iri.removeprefix(nw.ID_NS)}]"

    def current(self, iri: str) -> dict[str, str | list[str]]:
        """The values an edit form shows for an existing entity (to correct it): parties and places by name."""
        subject = self._iri(iri, "entity")
        values: dict[str, list[str]] = {}
        for q in self._quads(subject):
            values.setdefault(q.predicate.value, []).append(q.object.value)
        types = [t.removeprefix(KP_NS) for t in values.get(RDF_TYPE, []) if t.startswith(KP_NS)]
        agreements = dict(self.choices_of("agreement"))

        def first(predicate: str) -> str:
            return (values.get(predicate) or [""])[0]

        return {
            "label": first(RDFS_LABEL),
            "type": types[0] if types else "",
            "parties": [self.name_of(p) for p in values.get(KP_NS + "party", [])],
            "kind": first(KP_NS + "tieKind"),
            "date": first(KP_NS + "signedDate"),
            "field": first(KP_NS + "field"),
            "alt_labels": "\n".join(values.get(SKOS + "altLabel", [])),
            "located_in": self.name_of(first(KP_NS + "locatedIn")),
            "organizer": self.name_of(first(KP_NS + "organizer")),
            "start_date": first(SCHEMA + "startDate"),
            "under_agreement": agreements.get(first(KP_NS + "underAgreement"), first(KP_NS + "underAgreement")),
        }

    def choices_of(self, what: str) -> list[tuple[str, str]]:
        """(IRI, label) pairs for a picker: ``kind``, ``field`` or ``agreement``."""

        if what in ("kind", "field"):
            scheme, used = (KIND_NS, KP_NS + "tieKind") if what == "kind" else (FIELD_NS, KP_NS + "field")
            text, bindings = query_text("forms/concepts"), {"scheme": URIRef(scheme), "property": URIRef(used)}
        else:
            bases = [Literal(f"{BASE}id/{segment}/") for segment in ("agreement", "partnership")]
            text, bindings = query_text("forms/ties"), {"base": bases}
        return [(i, label or i) for i, label in self.store.select_values(text, bindings) if i]

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """(IRI, label) pairs for the form's pickers: kinds, fields, agreements (places come from the search)."""
        return {what: self.choices_of(what) for what in ("kind", "field", "agreement")}
