"""The explorer on the shipped data, at both sizes: it draws, fits the screen, speaks human in the panel, and shows
the timeline and the ranking; no console error, no request leaving 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import test_explorer_browser as shared
from tests.conftest import serve_in_thread
from tests.test_explorer_browser import ID, open_explorer, selected

pytestmark = pytest.mark.browser

viewport = shared.viewport
GYEONGGI = ID + "region/kr/gyeonggi-province"


@pytest.fixture(scope="module")
def shipped_url() -> Iterator[str]:
    from server import create_app

    with serve_in_thread(create_app({"STORE": "memory:", "TESTING": True})) as url:
        yield url


def test_the_shipped_data_in_the_explorer(browser, shipped_url: str, viewport) -> None:
    page, watch = open_explorer(browser, shipped_url + "/?sel=" + GYEONGGI, shipped_url, viewport)
    selected(page, "Gyeonggi Province")
    shared.no_horizontal_scroll(page)
    assert int(page.get_attribute("#counts", "data-nodes")) > 100
    summary = page.inner_text("#sel-summary")
    assert summary.startswith("Gyeonggi Province is a province") and "Liaoning Province" in summary
    assert "since 20" in summary
    panel = page.inner_text("#panel-entity")
    for raw in ("rdf:type", "skos:", "kp:", "rdfs:", "participantOrigin", "altLabel"):
        assert raw not in panel
    assert page.locator("#timeline rect.bar").count() > 5
    assert "Undated, not on the timeline:" in page.inner_text("#timeline")
    page.click("#tab-results")
    page.wait_for_selector("#ranking li")
    assert page.locator("#ranking li").count() == 10
    watch.check()
    page.close()
