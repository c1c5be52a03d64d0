"""The explorer in headless Chromium, on a desktop (1440×900) and a phone (390×844): search, click a node, expand,
filter, find a path, share link, export; Back and Forward; empty results that say why; no request leaves 127.0.0.1,
no console error, and data is shown as text (never run as markup or template)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Watch, network_app, serve_in_thread

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
ID = "https://partnergraph.org/id/"
GYEONGGI = ID + "region/kr/gyeonggi-province"
LIAONING = ID + "region/cn/liaoning-province"
HANOI = ID + "region/vn/hanoi"
COURSE = ID + "course/hanoi-officials-2015"
XSS_LABEL = "<img src=x onerror=alert(1)>{{ 7*7 }}"
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def explorer_app():
    """The network and markup fixtures, plus a dated course and a quoted table row (tests/data/explorer.trig)."""
    app = network_app()
    app.extensions["kg"].store.add_data((DATA / "explorer.trig").read_bytes(), "trig")
    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_in_thread(explorer_app()) as url:
        yield url


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> dict[str, int]:
    return VIEWPORTS[request.param]


def open_explorer(browser, url: str, base_url: str, viewport: dict[str, int] | None = None):
    page = browser.new_page(viewport=viewport or VIEWPORTS["desktop"], accept_downloads=True)
    watch = Watch(page, base_url)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    idle(page)
    return page, watch


def idle(page) -> None:
    """Wait until no request and no layout is under way."""
    page.wait_for_function(
        "() => document.body.dataset.pending === '0' || !document.body.dataset.pending", timeout=30_000
    )


def settled(page) -> None:
    """Wait until the layout has settled and the last change is drawn."""
    idle(page)
    page.evaluate("window.explorer.layoutDone()")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))")
    page.wait_for_timeout(500)  # the camera's zoom to a result is a 400 ms animation


def no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def viewport_point(page, node: str) -> dict[str, float]:
    return page.evaluate(
        """id => { const r = window.explorer.renderer(); r.refresh();
        const p = r.graphToViewport(window.explorer.graph.getNodeAttributes(id));
        const b = document.getElementById('graph').getBoundingClientRect();
        return {x: p.x + b.left, y: p.y + b.top, gx: p.x, gy: p.y, w: b.width, h: b.height}; }""",
        node,
    )


def click_node(page, node: str) -> None:
    """Click where sigma drew ``node`` (the canvas has no DOM element per node), once the last change is drawn."""
    settled(page)
    page.locator("#graph").scroll_into_view_if_needed()
    point = viewport_point(page, node)
    page.mouse.click(point["x"], point["y"])


def selected(page, label: str) -> None:
    page.wait_for_function(f"() => document.getElementById('sel-label').textContent === {label!r}")
    idle(page)


def find_path(page, start: str, end: str, only_ties: bool = False) -> None:
    page.fill("#path-from", start)
    page.wait_for_selector("#path-from + .ac-list li")
    page.press("#path-from", "Enter")
    page.fill("#path-to", end)
    page.wait_for_selector("#path-to + .ac-list li")
    page.press("#path-to", "Enter")
    page.set_checked("#path-only-ties", only_ties)
    page.click("#btn-path")
    page.wait_for_selector("#path-list li.path")
    idle(page)


def find_path_by_ids(page, start: str, end: str, only_ties: bool = False) -> None:
    """Ask for paths between two IRIs (as a link would), without waiting for any to be found."""
    page.evaluate(
        """([a, b, only]) => { const f = document.getElementById('path-from'), t = document.getElementById('path-to');
        f.value = a; f.dataset.id = a; t.value = b; t.dataset.id = b;
        document.getElementById('path-only-ties').checked = only; document.getElementById('btn-path').click(); }""",
        [start, end, only_ties],
    )
    page.wait_for_selector("#path-list li.card")
    idle(page)


def test_the_page_fits_the_screen_and_draws_once_it_has_a_size(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    no_horizontal_scroll(page)
    box = page.locator("#graph").bounding_box()
    assert box["width"] > 300 and box["height"] > 250
    assert page.locator("#graph canvas").count() > 0
    if viewport["width"] < 760:
        # Stacked: search, then the network, then the results, then the path finder and filters.
        tops = [page.locator(s).bounding_box()["y"] for s in (".controls-top", ".stage", ".panel", ".controls")]
        assert tops == sorted(tops)
    else:
        assert page.locator(".panel").bounding_box()["x"] > box["x"] + box["width"] - 1
    # Each control has one name: the relation checkboxes and the kind of agreement are labelled apart.
    assert page.inner_text("#f-relations").count("agreements") == 1
    assert page.locator("label:has(#f-kind)").inner_text().startswith("Kind of agreement")
    watch.check()
    page.close()


def test_explore_search_click_expand_filter_path_share(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    assert page.get_attribute("#counts", "data-nodes") == "14"
    assert page.locator("#legend").inner_text().count("places") == 1

    # Search with autocompletion, by another spelling.
    page.fill("#search", "gyeonggi-do")
    page.wait_for_selector("#search-list li")
    assert "Gyeonggi Province" in page.inner_text("#search-list li")
    page.press("#search", "Enter")
    selected(page, "Gyeonggi Province")
    assert "sel=" in page.url

    # Click a node on the canvas: its facts, ties and the sources' words show in the panel.
    click_node(page, LIAONING)
    selected(page, "Liaoning Province")
    ties = page.inner_text("#sel-ties")
    assert "Gyeonggi and Liaoning became sister provinces on 4 October 1993" in ties
    assert "Network source one" in ties

    # Focus on it, then expand Hanoi: the network grows by Hanoi's other neighbours, and the page says so.
    page.click("#btn-focus")
    idle(page)
    assert page.evaluate("window.explorer.graph.order") == 5
    click_node(page, HANOI)
    selected(page, "Hanoi")
    page.click("#btn-expand")
    idle(page)
    assert page.evaluate("window.explorer.graph.order") == 8
    assert "expand=" in page.url
    assert page.inner_text("#expand-status").startswith("Expanded Hanoi: 3 new neighbours drawn")

    # Filter: one kind of tie; the network and the counts change together.
    page.select_option("#f-kind", "sisterhood")
    assert page.get_attribute("#counts", "data-ties") == "1"
    assert page.get_attribute("#counts", "data-edges") == "1"
    page.click("#btn-clear")
    page.uncheck("#f-groups input[value=organization]")
    assert page.evaluate("[...window.explorer.visibleNodes()].some(n => n.includes('/org/'))") is False
    page.check("#f-groups input[value=organization]")

    # Find a path, only through agreements: highlighted and listed hop by hop with sources, at the top of Results.
    find_path(page, "Gyeonggi", "hanoi", only_ties=True)
    assert page.get_attribute("#tab-results", "aria-selected") == "true"
    paths = page.locator("#path-list > li.path")
    assert paths.count() == 1
    listed = paths.first.inner_text()
    assert "Gyeonggi–Liaoning sisterhood" in listed and "Liaoning–Hanoi friendship" in listed
    assert "Liaoning signed a friendly cooperation agreement with Hanoi in 2005" in listed
    settled(page)
    card = paths.first.bounding_box()
    assert 0 <= card["y"] < viewport["height"], "the first path is out of sight"
    watch.check()

    # The share link restores the view: focus, expansion, path and selection.
    page.click("#btn-share")
    shared = page.input_value("#share-url")
    assert "focus=" in shared and "from=" in shared and "sel=" in shared
    page2, watch2 = open_explorer(browser, shared, base_url, viewport)
    page2.wait_for_selector("#path-list li.path", state="attached")
    idle(page2)
    assert page2.evaluate("window.explorer.graph.order") == 8
    assert page2.locator("#path-list > li.path").count() == 1
    page2.click("#tab-entity")
    assert page2.inner_text("#sel-label") == "Hanoi"
    assert page2.input_value("#path-from") == "Gyeonggi Province"
    watch2.check()
    page.close()
    page2.close()


def test_a_path_is_zoomed_to_labelled_and_back_and_forward_step_through(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    find_path(page, "Gyeonggi", "hanoi", only_ties=True)
    settled(page)
    # Every node of the path is inside the drawing, with its label drawn.
    for node in (GYEONGGI, LIAONING, HANOI):
        p = viewport_point(page, node)
        assert 0 <= p["gx"] <= p["w"] and 0 <= p["gy"] <= p["h"], f"{node} is outside the drawing"
    drawn = page.evaluate("window.explorer.renderer().placedLabelKeys")
    assert {GYEONGGI, LIAONING, HANOI} <= set(drawn)
    # No label is drawn on another.
    boxes = page.evaluate("window.explorer.renderer().placedLabels")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"]
            assert not (overlap and b["y"] < a["y"] + a["h"]), (a, b)

    # A selection is a step too: Back returns to the path alone, Back again to the start, Forward redoes both.
    click_node(page, HANOI)
    selected(page, "Hanoi")
    page.go_back()
    page.wait_for_function("() => !location.search.includes('sel=')")
    idle(page)
    assert "from=" in page.url and page.locator("#path-list li.path").count() == 1
    page.go_back()
    page.wait_for_function("() => !location.search.includes('from=')")
    idle(page)
    assert page.locator("#paths").is_hidden()
    assert page.evaluate("window.explorer.state().from") == ""
    page.go_forward()
    page.wait_for_selector("#path-list li.path")
    idle(page)
    page.go_forward()
    page.wait_for_function("() => location.search.includes('sel=')")
    selected(page, "Hanoi")
    no_horizontal_scroll(page)
    watch.check()
    page.close()


def test_an_empty_result_says_why_and_what_to_change(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/?from_year=2030&to_year=2031", base_url, viewport)
    assert page.get_attribute("#counts", "data-ties") == "0"
    why = page.inner_text("#empty-why")
    assert "no date" in why  # the undated twinning of Hanoi and Springfield
    assert "Without the years 2030–2031: " in why
    assert page.locator("#stage-note.empty").is_visible()
    page.click("#empty-why button:has-text('Drop years')")
    idle(page)
    assert int(page.get_attribute("#counts", "data-ties")) > 0
    assert page.locator("#empty-why").is_hidden()
    assert "from_year" not in page.url
    watch.check()
    page.close()


def test_a_year_range_keeps_the_courses_held_in_it(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/?from_year=2015&to_year=2015", base_url, viewport)
    assert page.evaluate(f"window.explorer.visibleNodes().has({COURSE!r})")
    assert int(page.get_attribute("#counts", "data-nodes")) >= 3  # the course and the places it links
    assert page.locator("#empty-why").is_hidden()
    assert page.input_value("#f-year-from") == "2015"
    watch.check()
    page.close()


def test_clear_filters_also_clears_the_path(browser, base_url: str) -> None:
    page, watch = open_explorer(browser, base_url + "/?kind=sisterhood", base_url)
    find_path(page, "Gyeonggi", "hanoi")
    page.click("#btn-clear")
    idle(page)
    assert page.locator("#paths").is_hidden()
    assert "from=" not in page.url and "kind=" not in page.url
    assert page.input_value("#path-from") == ""
    watch.check()
    page.close()


def test_markup_in_data_shows_literally_everywhere(browser, base_url: str, tmp_path: Path) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url)
    page.fill("#search", "img src")
    page.wait_for_selector("#search-list li")
    assert XSS_LABEL in page.inner_text("#search-list li")
    page.press("#search", "Enter")
    page.wait_for_function("() => document.getElementById('sel-label').textContent.startsWith('<img')")
    idle(page)
    assert page.inner_text("#sel-label") == XSS_LABEL
    assert "<script>alert(2)</script> pact" in page.inner_text("#sel-ties")
    assert "<i>quoted</i> {{ 7*7 }} words" in page.inner_text("#sel-ties")
    assert page.locator("img[src=x]").count() == 0 and page.locator("#panel i").count() == 0
    page.click("#tab-list")
    assert XSS_LABEL in page.inner_text("#node-table")
    assert page.locator("img[src=x]").count() == 0

    # The entity page shows it as text too.
    entity = browser.new_page()
    entity_watch = Watch(entity, base_url)
    entity.goto(base_url + "/id/org/xss")
    assert entity.inner_text("#entity-label") == XSS_LABEL
    assert entity.locator("img[src=x]").count() == 0
    entity_watch.check()

    # The standalone HTML export: works offline, shows the label literally, runs nothing.
    with page.expect_download() as download_info:
        page.select_option("#download", "html")
    path = tmp_path / "view.html"
    download_info.value.save_as(path)
    text = path.read_text("utf-8")
    assert "<img src=x" not in text and "<link" not in text and 'src="http' not in text
    offline = browser.new_page()
    offline_watch = Watch(offline, "file://")
    offline.route(
        "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
    )
    offline.goto(path.as_uri())
    offline.wait_for_function("() => document.querySelector('#graph canvas') !== null")
    assert offline.evaluate("document.getElementById('counts').textContent").startswith("14 entities")
    assert offline.locator("img[src=x]").count() == 0
    assert [u for u in offline_watch.requests if not u.startswith("file:")] == []
    assert offline_watch.errors == [] and offline_watch.dialogs == []
    watch.check()
    for p in (page, entity, offline):
        p.close()
