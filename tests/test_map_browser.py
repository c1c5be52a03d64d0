"""The map in headless Chromium at 1440×900 and 390×844: it draws the places and ties, a click on a place opens
the panel with the sources' words, filters and paths change the map, the share link restores the view, the list
of places works by keyboard, empty states say why; no request leaves 127.0.0.1, no console error, and data is
shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Watch, serve_in_thread
from tests.test_map import map_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ID = "https://partnergraph.org/id/"
HANOI = ID + "region/vn/hanoi"
XSS_LABEL = "<img src=x onerror=alert(1)>{{ 7*7 }}"
LOAD_MS = 120_000  # software WebGL on a shared machine: generous, never a speed target


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_in_thread(map_app()) as url:
        yield url


def open_map(browser, url: str, base_url: str, size: tuple[int, int] = (1440, 900)):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    watch = Watch(page, base_url)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=LOAD_MS)
    settle(page)
    return page, watch


def wait_until(page, expression: str, timeout_ms: int = LOAD_MS) -> None:
    """Wait until ``expression`` is true in the page. Polled from here: Playwright's own polling evaluates a
    string in the page, which the app's CSP (no 'unsafe-eval') refuses."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_ms} ms: {expression}")


def settle(page) -> None:
    """Wait until no request of the page is pending."""
    wait_until(page, "document.body.dataset.pending === '0'")


def click_place(page, iri: str) -> None:
    """Zoom to a place (so that it is not in a cluster), then click where the map draws it."""
    short = "id:" + iri[len(ID) :]
    page.evaluate(
        """id => new Promise(done => { const m = window.pgmap.map, d = window.pgmap.data();
        const row = d.places[d.index.get(id)];
        m.jumpTo({center: [row[3], row[2]], zoom: 7}); m.once('idle', done); })""",
        short,
    )
    point = page.evaluate(
        """id => { const m = window.pgmap.map, d = window.pgmap.data(); const row = d.places[d.index.get(id)];
        const p = m.project([row[3], row[2]]); const b = m.getContainer().getBoundingClientRect();
        return {x: p.x + b.left, y: p.y + b.top}; }""",
        short,
    )
    page.mouse.click(point["x"], point["y"])


def test_draw_click_filter_path_and_share(browser, base_url: str) -> None:
    page, watch = open_map(browser, base_url + "/map", base_url)
    # Four places with coordinates, and three organisations drawn where they are located.
    assert page.get_attribute("#counts", "data-places") == "7"
    assert page.get_attribute("#counts", "data-ties") == "6"
    assert page.evaluate("window.pgmap.timings.tiesDrawn") > 0  # the arc layer drew its ties
    assert page.locator("#place-table tbody tr").count() == 7
    assert "Test coordinates" in page.inner_text("#coord-credits")

    # A click on a place opens the panel: its ties with the words of the sources.
    click_place(page, HANOI)
    wait_until(page, "document.getElementById('sel-label').textContent === 'Hanoi'")
    settle(page)
    ties = page.inner_text("#sel-ties")
    assert "Liaoning signed a friendly cooperation agreement with Hanoi in 2005" in ties
    assert "Network source one" in ties
    assert "sources disagree" in page.inner_text("#sel-where")  # a second source puts it 1,100 km away
    assert "sel=" in page.url
    explorer = page.get_attribute("#sel-explorer", "href")
    assert explorer.startswith("/?focus=") and "hanoi" in explorer

    # A filter redraws the map and the panel says what it hides.
    page.select_option("#f-kind", "sisterhood")
    wait_until(page, "document.getElementById('counts').dataset.ties === '1'")
    settle(page)
    assert page.get_attribute("#counts", "data-places") == "2"
    # The selection's panel is redrawn after the counts: wait for it (on a loaded machine it comes later).
    wait_until(page, "document.getElementById('sel-ties-note').textContent.includes('hidden by the filters')")
    assert "kind=sisterhood" in page.url

    # A path the filters forbid says so; without the filter it is drawn and listed hop by hop.
    page.click("#path-box summary")
    page.fill("#path-from", "Gyeonggi Province")
    page.fill("#path-to", "Hanoi")
    page.click("#btn-path")
    wait_until(page, "document.getElementById('path-status').textContent.startsWith('No path')")
    assert "widen or clear the filters" in page.inner_text("#path-status")
    page.click("#btn-clear")
    page.wait_for_selector("#path-list li.path", timeout=LOAD_MS)
    settle(page)
    listed = page.inner_text("#path-list")
    assert "Gyeonggi–Liaoning sisterhood" in listed and "Liaoning–Hanoi friendship" in listed
    assert page.evaluate("window.pgmap.paths().answer.paths.length") >= 1
    assert "from=" in page.url and "kind=" not in page.url
    watch.check()

    # The share link restores the selection, the path and the filters.
    page.click("#btn-share")
    shared = page.input_value("#share-url")
    page2, watch2 = open_map(browser, shared, base_url)
    page2.wait_for_selector("#path-list li.path", timeout=LOAD_MS)
    assert page2.inner_text("#sel-label") == "Hanoi"
    assert page2.inner_text("#path-list") == listed
    assert page2.input_value("#path-from") == "Gyeonggi Province"
    assert page2.input_value("#f-kind") == ""
    watch2.check()
    page.close()
    page2.close()


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_an_organisation_is_drawn_where_it_is_located_and_says_so(browser, base_url: str, size) -> None:
    page, watch = open_map(browser, base_url + "/map", base_url, size)
    page.fill("#place-filter", "gacheon")
    page.click("#place-table tbody tr td button")
    wait_until(page, "document.getElementById('sel-label').textContent === 'Gacheon University'")
    settle(page)
    where = page.inner_text("#sel-where")
    assert where.startswith("Placed at Gyeonggi Province, where it is located") and "37.4000, 127.5000" in where
    assert "Medical training MOU" in page.inner_text("#sel-ties")
    drawn = page.evaluate(
        "window.pgmap.map.getSource('highlight').getData().then(d => d.features.map(f => f.geometry.coordinates))"
    )
    assert drawn == [[127.5, 37.4]]  # the selection is marked at Gyeonggi's coordinates
    page.click("#sel-where a")  # the place it is located in, one click away
    wait_until(page, "document.getElementById('sel-label').textContent === 'Gyeonggi Province'")
    settle(page)
    assert "Placed at" not in page.inner_text("#sel-where")
    assert "Drawn here too, located in it: Gacheon University." in page.inner_text("#sel-where")
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    watch.check()
    page.close()


def test_the_list_of_places_works_by_keyboard(browser, base_url: str) -> None:
    page, watch = open_map(browser, base_url + "/map", base_url)
    for _ in range(40):  # Tab through the page until the list's search box has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "place-filter":
            break
    assert page.evaluate("document.activeElement.id") == "place-filter"
    page.keyboard.type("liao")
    assert page.locator("#place-table tbody tr").count() == 1
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_until(page, "document.getElementById('sel-label').textContent === 'Liaoning Province'")
    settle(page)
    assert page.evaluate("document.activeElement.id") == "panel"  # the answer gets the focus
    assert page.get_attribute("#place-table tbody tr", "aria-selected") == "true"
    watch.check()
    page.close()


def test_markup_in_data_is_shown_as_text(browser, base_url: str) -> None:
    page, watch = open_map(browser, base_url + "/map", base_url)
    page.fill("#place-filter", "img src")
    assert page.inner_text("#place-table tbody tr td button") == XSS_LABEL
    page.click("#place-table tbody tr td button")
    wait_until(page, "document.getElementById('sel-label').textContent.startsWith('<img')")
    settle(page)
    assert page.inner_text("#sel-label") == XSS_LABEL
    ties = page.inner_text("#sel-ties")
    assert "<script>alert(2)</script> pact" in ties and "<i>quoted</i> {{ 7*7 }} words" in ties
    assert page.locator("img[src=x]").count() == 0 and page.locator("#panel i").count() == 0
    watch.check()
    page.close()


def test_the_ties_not_drawn_are_named_with_a_link_to_each_end(browser, base_url: str) -> None:
    page, watch = open_map(browser, base_url + "/map", base_url)
    summary = page.locator("#not-drawn-summary")
    assert summary.inner_text() == "1 tie not drawn"
    summary.click()
    item = page.locator("#not-drawn-list li")
    assert item.count() == 1 and item.inner_text().endswith("(no coordinates): 1 tie")
    assert item.locator("a").get_attribute("href").startswith("/id/region/")
    watch.check()
    page.close()


def test_phone_stacks_map_and_panel_without_horizontal_scroll(browser, base_url: str) -> None:
    page, watch = open_map(browser, f"{base_url}/map?sel={HANOI}", base_url, size=(390, 844))
    wait_until(page, "document.getElementById('sel-label').textContent === 'Hanoi'")
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    stage = page.locator("#map").bounding_box()
    panel = page.locator("#panel").bounding_box()
    assert stage["width"] >= 350 and stage["height"] >= 300
    assert panel["y"] >= stage["y"] + stage["height"] - 1  # the panel comes under the map
    assert page.locator("#filters").get_attribute("open") is None  # filters folded away on a phone
    page.wait_for_timeout(300)
    page.screenshot(path=str(ROOT / "docs" / "map-phone.png"), full_page=True)
    watch.check()
    page.close()


def test_a_link_from_the_explorer_opens_the_same_view(browser, base_url: str) -> None:
    # The explorer writes a country as its ISO code and the years as from_year / to_year.
    page, watch = open_map(browser, base_url + "/map?country=vn&from_year=2000&to_year=2010", base_url)
    assert page.input_value("#f-country") == ID + "region/vn"
    assert page.input_value("#f-y0") == "2000" and page.input_value("#f-y1") == "2010"
    assert page.get_attribute("#counts", "data-ties") == "1"  # Liaoning–Hanoi, 2005
    assert "country=vn" in page.get_attribute("#to-explorer", "href")
    assert "from_year=2000" in page.get_attribute("#to-explorer", "href")
    watch.check()
    page.close()


def test_empty_states_say_why(browser, base_url: str) -> None:
    page, watch = open_map(browser, base_url + "/map?kind=no-such-kind", base_url)
    assert page.get_attribute("#map-empty", "data-reason") == "filters"
    assert "The filters leave no place" in page.inner_text("#map-empty")
    watch.check()
    page.close()
    with serve_in_thread(map_app(coordinates=False)) as bare:
        page, watch = open_map(browser, bare + "/map", bare)
        assert page.get_attribute("#map-empty", "data-reason") == "no-coordinates"
        assert "No place has coordinates yet" in page.inner_text("#map-empty")
        assert "reconcile" in page.inner_text("#place-list-note")
        watch.check()
        page.close()


#: The policy that is coming for every page: the map must work under it (MapLibre's worker is a same-origin module).
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; worker-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'"
)


def test_the_map_works_under_a_strict_content_security_policy(browser) -> None:
    app = map_app()
    app.after_request(lambda response: response.headers.set("Content-Security-Policy", STRICT_CSP) or response)
    with serve_in_thread(app) as base:
        page, watch = open_map(browser, base + "/map", base)  # a CSP violation is a console error
        assert page.evaluate("window.pgmap.timings.tiesDrawn") > 0
        page.click("#place-table tbody tr td button")
        wait_until(page, "document.getElementById('sel-label').textContent === 'Gyeonggi Province'")
        settle(page)
        watch.check()
        page.close()
