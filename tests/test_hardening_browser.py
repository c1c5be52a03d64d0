"""In headless Chromium: every page works under the strict Content-Security-Policy (no CSP violation reported), and
a shared workbench link with a ``javascript:`` IRI in its results shows the IRI as text, not as a link."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.conftest import network_app, serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = network_app()
    with serve_in_thread(app) as url:
        yield url
    app.extensions["sparql"].close()


@pytest.mark.parametrize(
    "path", ["/", "/query", "/sources", "/query/partners", "/edit/", "/sparql?x=1", "/map", "/review", "/id/region/xa"]
)
def test_pages_run_under_the_csp_without_violations(browser, base_url: str, path: str) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(base_url + path)
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    violations = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
    assert not violations, violations
    page.close()


def test_a_javascript_iri_in_a_shared_workbench_link_is_not_a_link(browser, base_url: str) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    query = "SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.domain)> <https://example.org/ok> } }"
    page.goto(f"{base_url}/query#query={quote(query)}")
    table = page.locator("#results-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    hrefs = [a.get_attribute("href") for a in table.locator("a").all()]
    assert "https://example.org/ok" in hrefs
    assert not any((h or "").lower().startswith("javascript:") for h in hrefs), hrefs
    expect(table.locator("span.wb-iri")).to_have_count(1)  # shown, as text
    page.close()
