"""The workbench in headless Chromium: type, Ctrl+Enter, table, labels, completion, examples, network, shared URL.

Every request must stay on 127.0.0.1 and the console must stay clean.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from graph.queries import named_queries
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_in_thread
from tests.test_sparql_protocol import make_app
from tests.test_workbench import EXTRA, MINI

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app: Flask = make_app(MINI.read_bytes() + EXTRA)
    with serve_in_thread(app) as url:
        yield url
    app.extensions["sparql"].close()


@pytest.mark.browser
def test_workbench_in_a_browser(base_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    requests_seen: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("request", lambda r: requests_seen.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        page.goto(base_url + "/query")
        editor = page.locator(".cm-content")
        expect(editor).to_be_visible()

        # Type a query and run it with Ctrl+Enter.
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(
            "PREFIX kp: <https://partnergraph.org/ontology#> SELECT ?region WHERE { ?region a kp:Country "
        )
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Enter")
        table = page.locator("#results-table")
        expect(table.locator("tbody tr")).to_have_count(1)
        expect(page.locator("#status")).to_contain_text("1 row in")
        # The IRI is shown by its label and links to the entity's page; a second link opens the network view.
        link = table.locator("a.wb-iri")
        expect(link).to_have_text("Atlantis")
        assert link.get_attribute("href") == "/id/region/xa"
        assert (
            table.locator("a.wb-net").get_attribute("href")
            == "/?focus=https%3A%2F%2Fpartnergraph.org%2Fid%2Fregion%2Fxa"
        )
        expect(page.locator("#download-csv")).to_have_attribute(
            "href", re.compile(r"^/sparql\?query=PREFIX.*&format=csv&download=1$")
        )
        expect(page.locator("#download-json")).to_have_attribute("href", re.compile(r"&format=json&download=1$"))

        # Completion of our classes from the ontology.
        editor.click()
        page.keyboard.press("Control+End")
        page.keyboard.type(" . ?x a kp:Agr")
        completion = page.locator(".cm-tooltip-autocomplete")
        expect(completion).to_contain_text("kp:Agreement")
        page.keyboard.press("Escape")

        # A syntax error is shown once, readably, with its line and column, and marked in the editor.
        page.keyboard.press("Control+Enter")
        expect(page.locator(".wb-error")).to_have_count(1)
        expect(page.locator(".wb-error-message")).to_contain_text("Line 1, column")
        expect(page.locator(".cm-lintRange-error")).to_have_count(1)
        expect(page.locator("#status")).not_to_contain_text("column")  # not said twice

        # The state is in the URL: opening the link again shows the same query and results.
        page.locator(".wb-views [data-view=network]").click()
        shared = page.url
        assert "#query=" in shared and "view=network" in shared
        page2 = browser.new_page()
        page2.on("request", lambda r: requests_seen.append(r.url))
        page2.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        good = (
            base_url
            + "/query#"
            + page.evaluate(
                "new URLSearchParams({query: 'PREFIX kp: <https://partnergraph.org/ontology#> "
                "SELECT ?tie ?party WHERE { ?tie a kp:Agreement ; kp:party ?party }', view: 'network'}).toString()"
            )
        )
        page2.goto(good)
        expect(page2.locator("#results-network svg circle")).to_have_count(7)  # 3 agreements, 4 parties
        expect(page2.locator("#open-network")).to_have_attribute("href", re.compile(r"^/\?focus=https%3A%2F%2F"))
        page2.locator(".wb-views [data-view=table]").click()
        expect(page2.locator("#results-table tbody tr")).to_have_count(6)
        assert "view=table" in page2.url
        SHOTS.mkdir(parents=True, exist_ok=True)
        page2.screenshot(path=str(SHOTS / "workbench-table.png"))

        # The examples gallery: open it, run a named query with its parameter.
        page.locator("#examples-toggle").click()
        gallery = page.locator("#examples")
        expect(gallery).to_be_visible()
        expect(gallery.locator(".wb-example")).to_have_count(len(named_queries()))
        partners = gallery.locator(".wb-example-form[data-name=partners]")
        partners.locator("input[name=entity]").fill("https://partnergraph.org/id/org/east-university")
        partners.locator("button[type=submit]").click()
        page.locator(".wb-views [data-view=table]").click()
        expect(page.locator("#results-table tbody tr")).to_have_count(1)
        expect(page.locator("#results-table")).to_contain_text("North Province")
        expect(page.locator("#results-table thead th").first).to_have_text("Partner")  # the query's column names
        expect(page.locator(".cm-content")).to_contain_text("VALUES ?entity")
        page.screenshot(path=str(SHOTS / "workbench-examples.png"))
        browser.close()

    foreign = [u for u in requests_seen if not u.startswith(base_url + "/") and not u.startswith("data:")]
    assert foreign == []
    assert any("/sparql" in u for u in requests_seen)
    # The one error the browser logs is the 400 of the query we broke on purpose.
    provoked = "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    assert problems == [provoked]


SIZES = [(1440, 900), (390, 844)]


def _query_url(base_url: str, query: str, view: str = "table") -> str:
    from urllib.parse import quote, urlencode

    return base_url + "/query#" + urlencode({"query": query, "view": view}, quote_via=quote)


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=["laptop", "phone"])
def test_workbench_prefixes_errors_charts_network(base_url: str, size: tuple[int, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    requests_seen: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.on("request", lambda r: requests_seen.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        # Completing a prefixed name adds the PREFIX it needs, once.
        page.goto(base_url + "/query")
        editor = page.locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        chosen = page.locator(".cm-tooltip-autocomplete:not(.cm-tooltip-autocomplete-disabled) li[aria-selected=true]")
        page.keyboard.type("SELECT ?t WHERE { ?t a kp:Agr")
        expect(chosen).to_contain_text("kp:Agreement")
        page.wait_for_timeout(250)  # CodeMirror ignores Enter for 75 ms after the list changes (interactionDelay)
        page.keyboard.press("Enter")
        page.keyboard.type(" ; kp:par")
        expect(chosen).to_contain_text("kp:party")
        page.wait_for_timeout(250)
        page.keyboard.press("Enter")
        text = page.evaluate("document.querySelector('.cm-content').innerText")
        assert text.startswith("PREFIX kp: <https://partnergraph.org/ontology#>")
        assert text.count("PREFIX kp:") == 1 and "?t a kp:Agreement ; kp:party" in text

        # A missing PREFIX: one readable message, the name marked, and a button that adds it.
        page.goto(_query_url(base_url, "SELECT ?c WHERE {\n  ?c a kp:Country\n}"))
        expect(page.locator(".wb-error-message")).to_contain_text(
            "the prefix kp: is not declared. Add PREFIX kp: <https://partnergraph.org/ontology#> at the top."
        )
        expect(page.locator(".wb-error-message")).to_contain_text("Line 2, column ")
        expect(page.locator(".cm-lintRange-error")).to_have_text("kp:Country")
        page.locator("#add-prefix").click()
        expect(page.locator("#results-table tbody tr")).to_have_count(1)
        expect(page.locator(".cm-lintRange-error")).to_have_count(0)

        # Grouped counts as a bar chart; years as a line; columns named by the query's header.
        counts = (
            "# column: kind Kind of tie\n# column: n Ties\nPREFIX kp: <https://partnergraph.org/ontology#>\n"
            "SELECT ?kind (COUNT(?tie) AS ?n) WHERE { ?tie a kp:Agreement ; kp:tieKind ?kind } GROUP BY ?kind"
        )
        page.goto(_query_url(base_url, counts, "chart"))
        expect(page.locator("#results-chart .wb-bar-rect").first).to_be_visible()
        bars = page.locator("#results-chart .wb-bar-rect").count()
        assert bars >= 1
        expect(page.locator("#chart-caption")).to_have_text("Ties by Kind of tie")
        page.locator(".wb-views [data-view=table]").click()
        expect(page.locator("#results-table thead th")).to_have_text(["Kind of tie", "Ties"])
        assert page.locator("#results-table tbody tr").count() == bars
        years = (
            "PREFIX kp: <https://partnergraph.org/ontology#>\nSELECT ?year (COUNT(?tie) AS ?n) WHERE { ?tie "
            "kp:signedDate ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?year) } GROUP BY ?year ORDER BY ?year"
        )
        page.goto(_query_url(base_url, years, "chart"))
        expect(page.locator("#results-chart polyline.wb-line")).to_have_count(1)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"workbench-chart-{size[0]}.png"))
        # Nothing to chart: it says why.
        page.goto(_query_url(base_url, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "chart"))
        expect(page.locator("#results-chart")).to_contain_text("a chart needs a column of numbers")

        # The network, laid out by forces, at the full width of the results.
        ties = "PREFIX kp: <https://partnergraph.org/ontology#> SELECT ?tie ?party WHERE { ?tie kp:party ?party }"
        page.goto(_query_url(base_url, ties, "network"))
        svg = page.locator("#results-network svg")
        expect(svg.locator("circle")).to_have_count(7)
        page.wait_for_load_state("networkidle")  # the labels arrive, the view is drawn again
        svg_width, results_width, xs, ys = page.evaluate(
            """() => { const svg = document.querySelector('#results-network svg');
              const circles = [...svg.querySelectorAll('circle')];
              const results = document.getElementById('results');
              return [svg.getBoundingClientRect().width, results.getBoundingClientRect().width,
                      circles.map((c) => +c.getAttribute('cx')), circles.map((c) => +c.getAttribute('cy'))]; }"""
        )
        assert svg_width >= results_width - 4  # full width
        center = (sum(xs) / len(xs), sum(ys) / len(ys))
        radii = [((x - center[0]) ** 2 + (y - center[1]) ** 2) ** 0.5 for x, y in zip(xs, ys, strict=True)]
        assert max(radii) - min(radii) > 20  # not every node on one circle
        page.screenshot(path=str(SHOTS / f"workbench-network-{size[0]}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        browser.close()

    assert [u for u in requests_seen if not u.startswith(base_url + "/") and not u.startswith("data:")] == []
    provoked = "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    assert [p for p in problems if p != provoked] == []


@pytest.mark.browser
def test_a_query_stopped_at_the_time_limit_points_to_the_guide() -> None:
    from playwright.sync_api import expect, sync_playwright

    app: Flask = make_app(MINI.read_bytes() + EXTRA, QUERY_TIMEOUT=0.3)
    everything_four_times = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    try:
        with serve_in_thread(app) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(_query_url(url, everything_four_times))
            expect(page.locator(".wb-error-message")).to_contain_text("longer than the limit")
            guide = page.locator(".wb-error-tip a")
            expect(guide).to_have_attribute("href", "/query/fast")
            guide.click()
            expect(page.locator("h1")).to_contain_text("Writing fast queries")
            expect(page.locator("main")).to_contain_text("Sorting many long names")
            browser.close()
    finally:
        app.extensions["sparql"].close()
