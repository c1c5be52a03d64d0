"""Named-query pages (`/query/<name>`) speak with the columns' human headers: the `.rq` header's `# column:` lines,
else the variable's name spelled out; the JSON twin gives the same headers beside the variables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from graph.queries import QueryError, column_label, named_queries, parse_header
from tests.test_sparql_protocol import make_app

MINI = Path(__file__).parent / "data" / "mini.trig"
ID = "https://partnergraph.org/id/"


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield make_app(MINI.read_bytes())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Headers(HTMLParser):
    """The texts of the result table's header cells."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs) -> None:
        self._in = tag == "th"
        if self._in:
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = False if tag == "th" else self._in

    def handle_data(self, data: str) -> None:
        if self._in:
            self.cells[-1] += data


@pytest.mark.parametrize(
    ("variable", "header"),
    [("partnerLabel", "Partner"), ("partyCount", "Party count"), ("?signed", "Signed"), ("iso_code", "Iso code")],
)
def test_a_variable_without_a_header_line_is_spelled_out(variable: str, header: str) -> None:
    assert column_label(variable) == header


def test_the_header_lines_name_columns_and_a_bad_one_is_refused() -> None:
    query = parse_header("q", "# title: Q\n# column: ?n Number of ties\n# column: kindLabel Kind\nSELECT ?n {}")
    assert query.columns == (("n", "Number of ties"), ("kindLabel", "Kind"))
    assert query.column_label("n") == "Number of ties" and query.column_label("other") == "Other"
    with pytest.raises(QueryError, match="bad column line"):
        parse_header("q", "# column: lonely\nSELECT * {}")


def test_every_shipped_header_names_a_variable_of_its_query() -> None:
    for name, query in named_queries().items():
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
        assert query.columns, f"{name}.rq has no column headers"
        for variable, _ in query.columns:
            assert re.search(r"[?$]" + variable + r"\b", body), f"{name}.rq: column {variable} is not in the query"


def test_the_page_and_its_json_twin_show_the_header_labels(client: FlaskClient) -> None:
    args = {"entity": ID + "region/xb/south"}
    page = client.get("/query/partners", query_string=args)
    assert page.status_code == 200
    headers = Headers()
    headers.feed(page.text)
    assert headers.cells == ["Partner", "Partner's name", "Tie", "Tie's name", "Kind of tie", "Signed"]
    assert 'title="?partnerLabel"' in page.text  # the variable stays at hand for whoever writes SPARQL
    doc = client.get("/query/partners.json", query_string=args).json
    assert doc["labels"]["partnerLabel"] == "Partner's name" and doc["columns"][1] == "partnerLabel"


def test_dates_are_marked_so_that_the_table_never_breaks_them(client: FlaskClient) -> None:
    page = client.get("/query/partners", query_string={"entity": ID + "region/xb/south"}).text
    assert re.findall(r'<td class="wb-date">([^<]*)</td>', page), "the Signed column's dates are marked"
    assert all(re.fullmatch(r"\d{4}-\d\d(-\d\d)?", d) for d in re.findall(r'<td class="wb-date">([^<]*)</td>', page))


def test_a_parameter_takes_its_label_line_or_its_name_spelled_out() -> None:
    query = parse_header(
        "q", "# param: year year Any year.\n# param: kindIri iri\n# label: year Year signed\nSELECT * {}"
    )
    assert query.param_label("year") == "Year signed" and query.param_label("kindIri") == "Kind iri"
    with pytest.raises(QueryError, match="bad label line"):
        parse_header("q", "# label: lonely\nSELECT * {}")


def test_the_forms_show_parameter_labels_not_names(client: FlaskClient) -> None:
    page = client.get("/query/ties")
    assert page.status_code == 200
    assert ">Year signed <span" in page.text and ">Kind of tie <span" in page.text
    assert ">year <span" not in page.text and 'name="year"' in page.text  # the field keeps its parameter name
    gallery = client.get("/query")
    assert ">Start year <span" in gallery.text and ">year <span" not in gallery.text
