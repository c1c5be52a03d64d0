"""The explorer around a hub in headless Chromium (1440×900 and 390×844): the page says what it left out and why,
in words, where the eye is (the note on the drawing): the overview's best-connected entities and the strongest ties
among them within its budget, a focused hub's best-connected neighbours of how many."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.conftest import Watch, serve_in_thread
from tests.test_explorer_hubs import HUB, hub_trig

pytestmark = pytest.mark.browser

CITIES = 80
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    from server import create_app

    config = {"STORE": "memory:", "LOAD_SHIPPED": False, "TESTING": True}
    app = create_app({**config, "EXPLORER_OVERVIEW": 40, "EXPLORER_OVERVIEW_TIES": 60})
    app.extensions["kg"].store.add_data(hub_trig(CITIES).encode("utf-8"), "trig")
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> dict[str, int]:
    return VIEWPORTS[request.param]


def note_of(browser, url: str, base_url: str, viewport: dict[str, int]) -> str:
    page = browser.new_page(viewport=viewport)
    watch = Watch(page, base_url)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    note = page.locator("#stage-note")
    assert note.is_visible()
    text = note.inner_text()
    box = note.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], "the note leaves the screen"
    watch.check()
    page.close()
    return text


def test_the_overview_says_how_many_entities_and_ties_it_left_out(browser, base_url, viewport) -> None:
    text = note_of(browser, base_url + "/", base_url, viewport)
    assert f"40 of the {CITIES + 1} entities are shown (the best connected)" in text
    assert "ties and links among them" in text and "the strongest" in text


def test_a_focused_hub_says_how_many_neighbours_it_shows_of_how_many(browser, base_url, viewport) -> None:
    text = note_of(browser, base_url + "/?focus=" + quote(HUB, safe=""), base_url, viewport)
    assert f"Showing the 49 best connected of Capital's {CITIES} neighbours" in text
    assert "raise the limit in the panel" in text


class Held:
    """Requests to the measures held back (by a Playwright route) until :meth:`release`."""

    def __init__(self, page, patterns: list[str]) -> None:
        self.routes: list = []
        self.released = False
        for pattern in patterns:
            page.route(pattern, self.hold)

    def hold(self, route) -> None:
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()


MEASURES = ["**/api/rankings*", "**/api/scores*", "**/api/communities*"]


@pytest.mark.parametrize("path", ["/?colour=community", "/?focus=" + quote(HUB, safe="")], ids=["overview", "focused"])
def test_the_network_is_drawn_before_the_measures_and_ready_after_them(browser, base_url, path) -> None:
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    watch = Watch(page, base_url)
    held = Held(page, MEASURES)
    page.goto(base_url + path)
    # Drawn while the ranking and the communities are still held back: sigma drew the nodes, the page is not ready.
    page.wait_for_selector("body[data-drawn='1']", timeout=30_000)
    first = page.evaluate("window.explorer.firstDraw()")
    expected = 40 if "colour" in path else 50  # the overview's budget; the hub and its 49 best-connected neighbours
    assert first["nodes"] == first["order"] == expected
    assert page.evaluate("window.explorer.renderer().getNodeDisplayData(window.explorer.graph.nodes()[0]).size") > 0
    assert page.evaluate("document.body.dataset.ready") is None
    assert page.locator("#ranking li").count() == 0
    # Until the communities arrive, the nodes have their kind's colour (never another community's).
    colours = page.evaluate("[...new Set(window.explorer.graph.mapNodes((n, a) => a.color))]")
    assert colours == ["#2457c5"], "places only, in the places' colour"
    held.release()
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    # Ready comes after everything the first view loads: the ranking, and the communities when coloured by them.
    assert page.locator("#ranking li").count() > 0
    assert page.evaluate("window.explorer.readyAt()") >= first["at"]
    if "colour" in path:
        assert page.locator("#community-list li").count() > 0
        colours = page.evaluate("[...new Set(window.explorer.graph.mapNodes((n, a) => a.color))]")
        assert colours != ["#2457c5"], "the communities coloured the overview"
    watch.check()
    page.close()
