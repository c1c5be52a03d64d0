"""The explorer in headless Chromium: search, click a node, expand, filter, find a path, share link, export;
no request leaves 127.0.0.1, no console error, and data is shown as text (never run as markup or template)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, network_app, serve_in_thread

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
ID = "https://partnergraph.org/id/"
GYEONGGI = ID + "region/kr/gyeonggi-province"
LIAONING = ID + "region/cn/liaoning-province"
HANOI = ID + "region/vn/hanoi"
XSS_LABEL = "<img src=x onerror=alert(1)>{{ 7*7 }}"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_in_thread(network_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did: every request, console errors, page errors and dialogs (an alert would mean XSS)."""

    def __init__(self, page, base_url: str) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.base = base_url

    def check(self) -> None:
        outside = [u for u in self.requests if not u.startswith((self.base + "/", "data:", "blob:"))]
        assert outside == [], f"requests left 127.0.0.1: {outside}"
        assert self.errors == []
        assert self.dialogs == []


def open_explorer(browser, url: str, base_url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 860}, accept_downloads=True)
    watch = Watch(page, base_url)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    idle(page)
    return page, watch


def idle(page) -> None:
    page.wait_for_function("document.body.dataset.pending === '0' || !document.body.dataset.pending", timeout=20_000)


def click_node(page, node: str) -> None:
    """Click where sigma drew ``node`` (the canvas has no DOM element per node), once the last change is drawn."""
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))")
    page.wait_for_timeout(150)
    point = page.evaluate(
        """id => { const r = window.explorer.renderer(); r.refresh();
        const p = r.graphToViewport(window.explorer.graph.getNodeAttributes(id));
        const b = document.getElementById('graph').getBoundingClientRect();
        return {x: p.x + b.left, y: p.y + b.top}; }""",
        node,
    )
    page.mouse.click(point["x"], point["y"])


def test_explore_search_click_expand_filter_path_share(browser, base_url: str) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url)
    assert page.get_attribute("#counts", "data-nodes") == "13"
    assert page.locator("#legend").inner_text().count("places") == 1

    # Search with autocompletion, by another spelling.
    page.fill("#search", "gyeonggi-do")
    page.wait_for_selector("#search-list li")
    assert "Gyeonggi Province" in page.inner_text("#search-list li")
    page.press("#search", "Enter")
    page.wait_for_function("document.getElementById('sel-label').textContent === 'Gyeonggi Province'")
    idle(page)
    assert "sel=" in page.url

    # Click a node on the canvas: its facts, ties and the sources' words show in the panel.
    click_node(page, LIAONING)
    page.wait_for_function("document.getElementById('sel-label').textContent === 'Liaoning Province'")
    idle(page)
    ties = page.inner_text("#sel-ties")
    assert "Gyeonggi and Liaoning became sister provinces on 4 October 1993" in ties
    assert "Network source one" in ties

    # Focus on it, then expand Hanoi: the network grows by Hanoi's other neighbours.
    page.click("#btn-focus")
    idle(page)
    assert page.evaluate("window.explorer.graph.order") == 5
    click_node(page, HANOI)
    page.wait_for_function("document.getElementById('sel-label').textContent === 'Hanoi'")
    page.click("#btn-expand")
    idle(page)
    assert page.evaluate("window.explorer.graph.order") == 8
    assert "expand=" in page.url

    # Filter: one kind of tie; the network and the counts change together.
    page.select_option("#f-kind", "sisterhood")
    assert page.get_attribute("#counts", "data-ties") == "1"
    assert page.get_attribute("#counts", "data-edges") == "1"
    page.click("#btn-clear")
    page.uncheck("#f-groups input[value=organization]")
    assert page.evaluate("[...window.explorer.visibleNodes()].some(n => n.includes('/org/'))") is False
    page.check("#f-groups input[value=organization]")

    # Find a path, only through agreements: highlighted and listed hop by hop with sources.
    page.fill("#path-from", "Gyeonggi")
    page.wait_for_selector("#path-from + .ac-list li")
    page.press("#path-from", "Enter")
    page.fill("#path-to", "hanoi")
    page.wait_for_selector("#path-to + .ac-list li")
    page.press("#path-to", "Enter")
    page.check("#path-only-ties")
    page.click("#btn-path")
    page.wait_for_selector("#path-list li.path")
    idle(page)
    paths = page.locator("#path-list > li.path")
    assert paths.count() == 1
    listed = paths.first.inner_text()
    assert "Gyeonggi–Liaoning sisterhood" in listed and "Liaoning–Hanoi friendship" in listed
    assert "Liaoning signed a friendly cooperation agreement with Hanoi in 2005" in listed
    page.wait_for_timeout(300)
    (ROOT / "docs").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "docs" / "explorer.png"))
    watch.check()

    # The share link restores the view: focus, expansion, path and selection.
    page.click("#btn-share")
    shared = page.input_value("#share-url")
    assert "focus=" in shared and "from=" in shared and "sel=" in shared
    page2, watch2 = open_explorer(browser, shared, base_url)
    page2.wait_for_selector("#path-list li.path")
    idle(page2)
    assert page2.evaluate("window.explorer.graph.order") == 8
    assert page2.locator("#path-list > li.path").count() == 1
    assert page2.inner_text("#sel-label") == "Hanoi"
    assert page2.input_value("#path-from") == "Gyeonggi Province"
    watch2.check()
    page.close()
    page2.close()


def test_markup_in_data_shows_literally_everywhere(browser, base_url: str, tmp_path: Path) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url)
    page.fill("#search", "img src")
    page.wait_for_selector("#search-list li")
    assert XSS_LABEL in page.inner_text("#search-list li")
    page.press("#search", "Enter")
    page.wait_for_function("document.getElementById('sel-label').textContent.startsWith('<img')")
    idle(page)
    assert page.inner_text("#sel-label") == XSS_LABEL
    assert "<script>alert(2)</script> pact" in page.inner_text("#sel-ties")
    assert "<i>quoted</i> {{ 7*7 }} words" in page.inner_text("#sel-ties")
    assert page.locator("img[src=x]").count() == 0 and page.locator("#panel i").count() == 0

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
    offline.wait_for_function("document.querySelector('#graph canvas') !== null")
    assert offline.evaluate("document.getElementById('counts').textContent").startswith("13 entities")
    assert offline.locator("img[src=x]").count() == 0
    assert [u for u in offline_watch.requests if not u.startswith("file:")] == []
    assert offline_watch.errors == [] and offline_watch.dialogs == []
    watch.check()
    for p in (page, entity, offline):
        p.close()
