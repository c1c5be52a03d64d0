"""The explorer for people, in headless Chromium at both sizes: a side panel in human words (a summary first, table
rows as rows), measures that never show old figures under a new heading, the timeline's brush, the keyboard."""

from __future__ import annotations

import pytest

from tests import test_explorer_browser as shared
from tests.test_explorer_browser import COURSE, GYEONGGI, ID, idle, open_explorer, selected

pytestmark = pytest.mark.browser

# The same server, browser and two viewports as tests/test_explorer_browser.py.
base_url = shared.base_url
viewport = shared.viewport


def test_the_panel_speaks_human_and_opens_with_a_summary(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/?sel=" + GYEONGGI, base_url, viewport)
    selected(page, "Gyeonggi Province")
    summary = page.inner_text("#sel-summary")
    assert "Gyeonggi Province is a province" in summary
    assert "Liaoning Province — sisterhood, since 1993-10-04" in summary
    assert "Network source one" in summary
    # The summary comes before the ties, the ties before the other facts.
    tops = [page.locator(s).bounding_box()["y"] for s in ("#sel-summary", "#sel-ties", "#sel-facts")]
    assert tops == sorted(tops)
    panel = page.inner_text("#panel-entity")
    for raw in ("rdf:type", "skos:", "altLabel", "kp:", "rdfs:label"):
        assert raw not in panel
    facts = page.inner_text("#sel-facts")
    assert "also known as" in page.inner_text("#panel-entity") and panel.count("Gyeonggi-do") == 1

    # A program's facts by their ontology names.
    page.goto(base_url + "/?sel=" + ID + "program/medical-training")
    page.wait_for_selector("body[data-ready='1']")
    selected(page, "Medical training program")
    facts = page.inner_text("#sel-facts")
    assert "participant origin" in facts and "participantOrigin" not in facts  # the ontology's label
    assert "training program" in page.inner_text("#sel-type")
    watch.check()
    page.close()


def test_a_quoted_table_row_is_shown_as_a_row(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/?sel=" + ID + "region/vn/hanoi", base_url, viewport)
    selected(page, "Hanoi")
    page.wait_for_selector("#sel-ties table.row")
    table = page.locator("#sel-ties table.row")
    assert table.locator("th").all_inner_texts() == ["city1", "country1", "city2", "country2"]
    assert table.locator("td").all_inner_texts() == ["Hanoi", "Vietnam", "Springfield", "China"]
    assert table.locator("caption").inner_text() == "row 7 of the table"
    assert "Twin cities table" in page.inner_text("#sel-ties")  # the source, cited under the row
    assert "Hanoi,Vietnam,Springfield,China" not in page.inner_text("#sel-ties")
    watch.check()
    page.close()


def test_switching_the_measure_shows_progress_never_old_figures(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    held = []
    page.route("**/api/scores", lambda route: held.append(route))
    page.route("**/api/rankings?*measure=betweenness*", lambda route: held.append(route))
    page.select_option("#size-by", "betweenness")
    page.wait_for_function("() => document.getElementById('ranking-status').dataset.state === 'computing'")
    page.wait_for_timeout(1200)
    status = page.inner_text("#ranking-status")
    assert "Computing broker (betweenness)…" in status and "sized by partners (degree) until then" in status
    assert page.locator("#ranking li").count() == 0  # no degree figures under the broker heading
    assert "broker" in page.inner_text("#ranking-title").lower()
    assert "broker (betweenness) still computing" in page.inner_text(".legend-size")
    assert len(held) == 2
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.getElementById('ranking-status').dataset.state === 'done'")
    assert page.locator("#ranking li").count() > 0
    assert page.inner_text(".legend-size") == "size: broker (betweenness)"
    assert "size=betweenness" in page.url
    watch.check()
    page.close()


def test_a_measure_the_server_is_still_computing_shows_its_progress(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    answered = []

    def computing(route):
        # The first answer is the API's "not ready yet" (status and progress, no figures); later ones are real.
        if answered:
            route.continue_()
        else:
            answered.append(route.request.url)
            route.fulfill(json={"measure": "betweenness", "status": "computing", "progress": 0.4, "results": []})

    page.route("**/api/rankings?*measure=betweenness*", computing)
    page.select_option("#size-by", "betweenness")
    page.wait_for_function("() => document.getElementById('ranking-status').textContent.includes('40% done')")
    assert page.locator("#ranking li").count() == 0
    page.wait_for_function("() => document.getElementById('ranking-status').dataset.state === 'done'", timeout=30_000)
    assert page.locator("#ranking li").count() > 0
    watch.check()
    page.close()


def test_the_timeline_brush_filters_the_explorer(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    page.wait_for_selector("#timeline rect.bar")
    assert page.inner_text("#timeline .timeline-info").count("Undated, not on the timeline: 1 tie, 1 program") == 1
    bar = page.locator("#timeline rect.bar[data-year='2015']")
    assert "1 course" in bar.locator("title").text_content()
    page.locator("#timeline").scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.up()
    idle(page)
    assert "from_year=2015" in page.url and "to_year=2015" in page.url
    assert page.evaluate(f"window.explorer.visibleNodes().has({COURSE!r})")
    assert page.input_value("#f-year-from") == "2015"
    # The view zooms to what the filter left, labelled.
    shared.settled(page)
    drawn = set(page.evaluate("window.explorer.renderer().placedLabelKeys"))
    assert COURSE in drawn
    point = shared.viewport_point(page, COURSE)
    assert 0 <= point["gx"] <= point["w"] and 0 <= point["gy"] <= point["h"]
    # The map link carries the same filters (the map reads the years as y0 and y1).
    assert "y0=2015&y1=2015" in page.get_attribute("#nav-map", "href")
    page.click("#timeline button:has-text('all years')")
    idle(page)
    assert "from_year" not in page.url
    watch.check()
    page.close()


def test_the_keyboard_reaches_a_list_of_the_drawn_network(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to search"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the list of the network"
    page.keyboard.press("Enter")
    assert page.get_attribute("#tab-list", "aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == "pane-list"
    rows = page.locator("#node-table tbody tr")
    assert rows.count() == int(page.get_attribute("#counts", "data-nodes"))
    assert page.locator("#edge-table tbody tr").count() == int(page.get_attribute("#counts", "data-edges"))
    # Tab to the first entity of the list and choose it with Enter.
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    assert first == rows.first.locator("button").inner_text()
    page.keyboard.press("Enter")
    selected(page, first)
    assert page.get_attribute("#tab-entity", "aria-selected") == "true"
    # The tabs follow the arrow keys.
    page.focus("#tab-entity")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#tab-list", "aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == "tab-list"
    watch.check()
    page.close()


def test_a_focus_labels_every_neighbour_and_the_layout_runs_in_a_worker(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/?focus=" + GYEONGGI, base_url, viewport)
    shared.settled(page)
    neighbours = page.evaluate(f"window.explorer.graph.neighbors({GYEONGGI!r})")
    drawn = set(page.evaluate("window.explorer.renderer().placedLabelKeys"))
    assert set(neighbours) | {GYEONGGI} <= drawn
    # ForceAtlas2 ran in the worker (a same-origin script) and moved the nodes off their first circle.
    assert any(u.endswith("/static/vendor/sigma/pg-layout-worker.min.js") for u in watch.requests)
    watch.check()
    page.close()


def test_communities_have_a_legend_and_a_list(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    page.select_option("#colour-by", "community")
    page.wait_for_selector("#community-list li")
    idle(page)
    assert "community" in page.inner_text("#legend")
    first = page.locator("#community-list li").first.inner_text()
    assert "members" in first and "drawn" in first
    # Its colour is the colour its members are drawn in.
    colour = page.locator("#community-list li .mark").first.evaluate("e => e.style.getPropertyValue('--c')")
    member = page.locator("#community-list li").first.locator("a").first.inner_text()
    drawn = page.evaluate(
        """label => { const g = window.explorer.graph;
        return g.getNodeAttribute(g.findNode((n, a) => a.label === label), 'color'); }""",
        member,
    )
    assert drawn == colour
    assert "colour=community" in page.url
    watch.check()
    page.close()


def test_a_360_px_phone_scrolls_only_up_and_down(browser, base_url: str) -> None:
    page, watch = open_explorer(browser, base_url + "/?sel=" + GYEONGGI, base_url, {"width": 360, "height": 740})
    selected(page, "Gyeonggi Province")
    shared.no_horizontal_scroll(page)
    assert page.locator("#graph").bounding_box()["width"] == 360
    watch.check()
    page.close()


def test_no_path_says_why_in_the_servers_words_and_ours(browser, base_url: str, viewport) -> None:
    page, watch = open_explorer(browser, base_url + "/", base_url, viewport)
    shared.find_path_by_ids(page, ID + "org/bach-mai-hospital", ID + "region/cn/springfield", only_ties=True)
    card = page.inner_text("#path-list")
    assert "No path between these two with these filters; without only there would be." in card  # the API's reason
    assert "No chain of ties links them through agreements and partnerships alone" in card
    assert "Untick the options" in card
    watch.check()
    page.close()
