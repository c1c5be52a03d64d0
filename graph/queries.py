"""Named queries: one ``.rq`` file each under ``graph/queries/``, with a small header.

A header is a run of comment lines at the top of the file::

    # title: Agreements of an entity
    # description: Every agreement the entity is a party to, with its kind and date.
    # param: entity iri "https://partnergraph.org/id/region/kr/gyeonggi-province" The entity.
    # label: entity Entity
    # column: partnerLabel Partner

A ``label`` line gives a parameter its human label on forms (else the name spelled out). A ``column`` line gives
a result variable its human header (pages show it instead of the variable's name; a
variable without one is spelled out by :func:`column_label`).

A parameter is written ``$name`` in the query. Left unbound, it is an ordinary variable (the query runs
over everything); bound, a ``VALUES ?name { term }`` row with the safely written RDF term opens the group
(``{ ... }``) where ``$name`` first occurs, so the query text itself is never spliced. Write the first
occurrence in the group the value should restrict: the main WHERE group, or a sub-select that pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .store import bind_values, sparql_term, strip_comments_and_strings

QUERY_DIR = Path(__file__).parent / "queries"
_PARAM_KINDS = ("iri", "string", "integer", "year", "date")
_BAD_IRI = re.compile(r'[\s<>"{}|^`\\]')


class QueryError(ValueError):
    """A named query is unknown, or a parameter value is not acceptable."""


@dataclass(frozen=True)
class Param:
    """A parameter of a named query."""

    name: str
    kind: str = "string"
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A query kept as a ``.rq`` file, with its title, description and parameters."""

    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    columns: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    labels: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def param_label(self, name: str) -> str:
        """The label of a parameter on forms: the ``# label:`` line's text, else the name spelled out."""
        return dict(self.labels).get(name) or column_label(name)

    def column_label(self, variable: str) -> str:
        """The header of a result column: the ``# column:`` line's label, else the variable spelled out."""
        return dict(self.columns).get(variable) or column_label(variable)

    def bind(self, values: dict[str, str | None] | None = None, *, use_defaults: bool = True) -> str:
        """Return the query text with parameters bound to the given values (or their defaults): a ``VALUES`` row of
        the checked term opens the group where ``$name`` first occurs (:func:`graph.store.bind_values`, the one way
        values are bound into queries)."""
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(sorted(unknown))}")
        bindings = {}
        for param in self.params:
            value = values.get(param.name)
            if value in (None, "") and use_defaults:
                value = param.default
            if value not in (None, ""):
                if not re.search(r"\$" + re.escape(param.name) + r"\b", strip_comments_and_strings(self.text)):
                    raise QueryError(
                        f"query {self.name!r} declares parameter {param.name!r} but never uses ${param.name}"
                    )
                bindings[param.name] = value_term(param, str(value))
        return bind_values(self.text, bindings)


def column_label(variable: str) -> str:
    """A variable's name as a header: ``partnerLabel`` → "Partner", ``partyCount`` → "Party count"."""
    name = variable.lstrip("?$")
    if name.endswith("Label") and len(name) > 5:
        name = name[: -len("Label")]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|_+", " ", name).split()
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:] if text else variable


def value_term(param: Param, value: str) -> URIRef | Literal:
    """A parameter value as an RDF term, refusing anything that is not of the parameter's kind."""
    if param.kind == "iri":
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) or _BAD_IRI.search(value):
            raise QueryError(f"parameter {param.name}: {value!r} is not an IRI")
        return URIRef(value)
    if param.kind in ("integer", "year"):
        if not re.fullmatch(r"-?\d{1,9}", value.strip()):
            raise QueryError(f"parameter {param.name}: {value!r} is not a whole number")
        return Literal(int(value))
    if param.kind == "date":
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value.strip()):
            raise QueryError(f"parameter {param.name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return Literal(value.strip(), datatype=XSD.date if len(value.strip()) == 10 else XSD.gYear)
    return Literal(value)


def term_for(param: Param, value: str) -> str:
    """Write a parameter value as a SPARQL term, refusing anything that could change the query's shape."""
    return sparql_term(value_term(param, value))


def parse_header(name: str, text: str) -> NamedQuery:
    """Read the ``# key: value`` header of a ``.rq`` text."""
    title, description, params, columns, labels = name, "", [], [], []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, _, value = line.lstrip("# ").partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        elif key == "param":
            match = re.match(r'(\w+)\s+(\w+)(?:\s+"([^"]*)")?\s*(.*)', value)
            if not match or match.group(2) not in _PARAM_KINDS:
                raise QueryError(f'{name}.rq: bad param line {value!r} (want: name kind "default" description)')
            params.append(Param(match.group(1), match.group(2), match.group(3), match.group(4)))
        elif key in ("column", "label"):
            match = re.match(r"[?$]?(\w+)\s+(.+)", value)
            if not match:
                raise QueryError(f"{name}.rq: bad {key} line {value!r} (want: name Label text)")
            (columns if key == "column" else labels).append((match.group(1), match.group(2).strip()))
    return NamedQuery(name, title, description, text, tuple(params), tuple(columns), tuple(labels))


@cache
def named_queries(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Every named query in a folder, by name (the file name without ``.rq``)."""
    return {p.stem: parse_header(p.stem, p.read_text("utf-8")) for p in sorted(directory.glob("*.rq"))}


@cache
def query_text(path: str) -> str:
    """The text of an internal query, ``graph/queries/<path>.rq`` (in a sub-folder: kept out of the named queries)."""
    return (QUERY_DIR / f"{path}.rq").read_text("utf-8")


def get_query(name: str) -> NamedQuery:
    """The named query called ``name``."""
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"no named query {name!r}; known: {', '.join(queries)}")
    return queries[name]
