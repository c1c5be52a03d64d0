"""A generator of realistic partnership graphs in our ontology, for benchmarks.

Deterministic (seeded): countries with provinces and cities (``kp:locatedIn`` containment), universities and
hospitals, agreements and partnerships of several kinds, fields and years between them, chosen by preferential
attachment (so degrees follow a power law, as in the real twin-cities network), and programs run under some of
the agreements. Every fact has its evidence in one of many source documents (one named graph each), so the
data satisfies ``ontology/shapes.ttl``. N-Quads are written as strings, fast enough for a million agreements.

About 14 statements per agreement: 100,000 agreements give about 1.4 million quads.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pycountry

from .namespaces import BASE
from .store import Store

KP = BASE + "ontology#"
ID = BASE + "id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
KINDS = ("sisterhood", "friendly-cooperation", "mou", "health-medical-cooperation", "exchange-program", "cooperation")
FIELDS = ("medical", "tourism", "culture-arts", "education", "economy", "youth", "agriculture-forestry", "ict")
PROGRAM_CLASSES = ("TrainingProgram", "ExchangeProgram", "MedicalAidProject")


@dataclass
class GeneratedSizes:
    """What a generated graph holds."""

    agreements: int
    places: int
    organisations: int
    programs: int
    sources: int
    quads: int


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def generate(agreements: int, out: TextIO, seed: int = 42) -> GeneratedSizes:
    """Write a partnership graph with ``agreements`` ties as N-Quads to ``out``; return its sizes.

    >>> import io
    >>> buffer = io.StringIO()
    >>> generate(50, buffer).agreements
    50
    """
    rng = random.Random(seed)
    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    n_places = max(60, agreements * 3 // 10)
    n_orgs = max(10, agreements // 15)
    n_sources = max(1, agreements // 500)
    quads = 0
    lines: list[str] = []

    def emit(s: str, p: str, o: str, g: str) -> None:
        lines.append(f"{s} {p} {o} {g} .\n")

    def flush() -> None:
        nonlocal quads
        quads += len(lines)
        out.write("".join(lines))
        lines.clear()

    sources = [f"<{ID}source/generated-{i}>" for i in range(n_sources)]
    for i, g in enumerate(sources):
        emit(g, RDF_TYPE, f"<{KP}SourceDocument>", g)
        emit(g, LABEL, _lit(f"Generated source {i}"), g)
        emit(g, "<http://purl.org/dc/terms/title>", _lit(f"Generated source {i}"), g)
    evidence_count = 0

    def evidence(g: str, text: str) -> str:
        nonlocal evidence_count
        evidence_count += 1
        ev = f"<{ID}evidence/{g[len(ID) + 8 : -1]}/{evidence_count}>"
        emit(ev, RDF_TYPE, f"<{KP}Evidence>", g)
        emit(ev, "<http://www.w3.org/ns/prov#value>", _lit(text), g)
        emit(ev, "<http://www.w3.org/ns/prov#wasQuotedFrom>", g, g)
        return ev

    # Countries: the first sources describe them; sizes of countries are skewed (a few big ones).
    country_iris, country_weights = [], []
    geo = sources[0]
    for c in countries:
        iri = f"<{ID}region/{c.alpha_2.lower()}>"
        name = getattr(c, "common_name", None) or c.name
        emit(iri, RDF_TYPE, f"<{KP}Country>", geo)
        emit(iri, LABEL, _lit(name), geo)
        emit(iri, f"<{KP}isoCode>", _lit(c.alpha_2), geo)
        emit(iri, f"<{KP}evidence>", evidence(geo, f"{name} is a country"), geo)
        country_iris.append((iri, c.alpha_2.lower(), name))
        country_weights.append(1.0 / (1 + len(country_iris)) ** 0.8)
    # Places: provinces (one in eight) contain cities; every place is in a country.
    places: list[str] = []
    provinces: dict[str, list[str]] = {}
    chosen = rng.choices(range(len(country_iris)), weights=country_weights, k=n_places)
    for n, ci in enumerate(chosen):
        country, code, cname = country_iris[ci]
        g = sources[n % n_sources]
        own = provinces.setdefault(country, [])
        if not own or n % 8 == 0:
            iri = f"<{ID}region/{code}/province-{n}>"
            cls, label = "Province", f"Province {n} of {cname}"
            own.append(iri)
        else:
            iri = f"<{ID}region/{code}/city-{n}>"
            cls, label = "City", f"City {n} ({cname})"
            emit(iri, f"<{KP}locatedIn>", rng.choice(own), g)
        emit(iri, RDF_TYPE, f"<{KP}{cls}>", g)
        emit(iri, LABEL, _lit(label), g)
        emit(iri, f"<{KP}country>", country, g)
        emit(iri, f"<{KP}evidence>", evidence(g, f"{label} lies in {cname}"), g)
        places.append(iri)
    orgs = []
    for n in range(n_orgs):
        g = sources[n % n_sources]
        cls = "University" if n % 3 else "Hospital"
        iri = f"<{ID}org/{cls.lower()}-{n}>"
        label = f"{cls} {n}"
        emit(iri, RDF_TYPE, f"<{KP}{cls}>", g)
        emit(iri, LABEL, _lit(label), g)
        emit(iri, f"<{KP}locatedIn>", rng.choice(places), g)
        emit(iri, f"<{KP}evidence>", evidence(g, f"{label} is a {cls.lower()}"), g)
        orgs.append(iri)
    flush()
    nodes = places + orgs
    labels_of = {iri: iri.rsplit("/", 1)[1][:-1] for iri in nodes}
    # Preferential attachment: one end of a new tie is an end of an earlier tie (so picked in proportion to
    # its degree) with probability 0.7, else any node.
    ends: list[str] = []
    ties: list[str] = []
    for n in range(agreements):
        g = sources[n % n_sources]
        a = rng.choice(ends) if ends and rng.random() < 0.7 else rng.choice(nodes)
        b = rng.choice(ends) if ends and rng.random() < 0.7 else rng.choice(nodes)
        while b == a:
            b = rng.choice(nodes)
        ends += (a, b)
        kind = KINDS[min(int(rng.expovariate(0.9)), len(KINDS) - 1)]
        is_agreement = rng.random() < 0.8
        cls = "Agreement" if is_agreement else "Partnership"
        iri = f"<{ID}{cls.lower()}/generated-{n}>"
        year = 1960 + int(64 * rng.random() ** 0.5)
        precision = rng.random()
        if precision < 0.5:
            date = _typed(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date")
        elif precision < 0.8:
            date = _typed(f"{year}-{rng.randint(1, 12):02d}", "gYearMonth")
        else:
            date = _typed(str(year), "gYear")
        label = f"{labels_of[a]} – {labels_of[b]} {kind}"
        emit(iri, RDF_TYPE, f"<{KP}{cls}>", g)
        emit(iri, LABEL, _lit(label), g)
        emit(iri, f"<{KP}party>", a, g)
        emit(iri, f"<{KP}party>", b, g)
        emit(iri, f"<{KP}tieKind>", f"<{BASE}vocab/tie-kind/{kind}>", g)
        emit(iri, f"<{KP}signedDate>", date, g)
        emit(iri, f"<{KP}field>", f"<{BASE}vocab/field/{rng.choice(FIELDS)}>", g)
        emit(iri, f"<{KP}evidence>", evidence(g, f"{label} signed in {year}"), g)
        ties.append(iri)
        if len(lines) > 200_000:
            flush()
    # Programs: one for every 20 agreements, run under one of them.
    n_programs = agreements // 20
    for n in range(n_programs):
        g = sources[n % n_sources]
        cls = PROGRAM_CLASSES[n % len(PROGRAM_CLASSES)]
        iri = f"<{ID}program/generated-{n}>"
        emit(iri, RDF_TYPE, f"<{KP}{cls}>", g)
        emit(iri, LABEL, _lit(f"Program {n}"), g)
        emit(iri, f"<{KP}organizer>", rng.choice(nodes), g)
        emit(iri, f"<{KP}beneficiary>", rng.choice(nodes), g)
        emit(iri, f"<{KP}underAgreement>", rng.choice(ties), g)
        emit(iri, "<https://schema.org/startDate>", _typed(str(1990 + n % 34), "gYear"), g)
        emit(iri, f"<{KP}traineeCount>", _typed(str(rng.randint(5, 200)), "integer"), g)
        emit(iri, f"<{KP}evidence>", evidence(g, f"Program {n} trained people"), g)
    flush()
    return GeneratedSizes(agreements, len(places), len(orgs), n_programs, n_sources, quads)


def generate_file(agreements: int, path: str | Path, seed: int = 42) -> GeneratedSizes:
    """Write a generated graph to an N-Quads file."""
    with open(path, "w", encoding="utf-8") as out:
        return generate(agreements, out, seed)


def iter_sizes() -> Iterator[tuple[str, int]]:
    """The benchmark's sizes: name and number of agreements."""
    yield from (("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000))


def bulk_load(store: Store, path: str | Path) -> int:
    """Load a big RDF file fast into a fresh store (:meth:`Store.bulk_load`: the engine's bulk loader, or chunks on a
    remote store; not one transaction, no validation). Returns the number of quads in the store afterwards."""
    return store.bulk_load(path)
