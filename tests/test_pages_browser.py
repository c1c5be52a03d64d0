"""Entity pages and edit pages in headless Chromium at a laptop's and a phone's size: the summary and the ties
where the eye is, no horizontal scrolling, no console error, no request leaving 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import network_app, serve_in_thread

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
SIZES = [(1440, 900), (390, 844)]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_in_thread(network_app()) as url:
        yield url


def open_page(browser, base_url: str, size: tuple[int, int], path: str):
    """A page at a viewport size, with the requests and console errors it causes collected."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.requests, page.problems = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(base_url + path)
    return page


def assert_clean(page, base_url: str) -> None:
    """No horizontal scrolling, no console error, nothing fetched from elsewhere."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width} px wide"
    assert page.problems == []
    assert [u for u in page.requests if not u.startswith(base_url + "/") and not u.startswith("data:")] == []


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=["laptop", "phone"])
def test_entity_page_puts_the_summary_and_ties_first(browser, base_url: str, size: tuple[int, int]) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, base_url, size, "/id/region/kr/gyeonggi-province")
    expect(page.locator("#entity-label")).to_have_text("Gyeonggi Province")
    expect(page.locator("#summary")).to_be_visible()
    summary_top = page.locator("#summary").bounding_box()["y"]
    ties_top = page.locator("#ties").bounding_box()["y"]
    assert summary_top < size[1] / 2  # the summary opens the page
    assert ties_top < (size[1] if size[0] > 600 else 2.5 * size[1])  # ties follow it, not pages further down
    expect(page.locator("#summary")).to_contain_text("Also known as")
    expect(page.locator("#summary")).not_to_contain_text("altLabel")
    # A tie's sources open on demand; the quote is there once.
    tie = page.locator("li.tie", has_text="Gyeonggi–Liaoning sisterhood")
    tie.locator("summary").click()
    expect(tie.locator("blockquote")).to_have_count(1)
    # The source numbers jump to the list of documents.
    page.locator("sup.stated a").first.click()
    assert page.url.endswith("#source-1")
    assert_clean(page, base_url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"entity-{size[0]}.png"))
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=["laptop", "phone"])
def test_sources_page_fits(browser, base_url: str, size: tuple[int, int]) -> None:
    page = open_page(browser, base_url, size, "/sources")
    assert page.locator("section.source").count() >= 2
    assert_clean(page, base_url)
    page.close()


# Every page a reader reaches from the top bar or the query page, with its own forms and tables.
READING_PAGES = ["/query", "/query/fast", "/query/ties", "/query/partners", "/query/statistics", "/review", "/map"]


@pytest.mark.browser
@pytest.mark.parametrize("path", READING_PAGES)
def test_reading_pages_fit_a_phone(browser, base_url: str, path: str) -> None:
    """At 390 px nothing makes the page scroll sideways: inputs fit, wide tables and code scroll in their frame."""
    page = open_page(browser, base_url, (390, 844), path)
    page.wait_for_load_state("networkidle")
    inputs = page.locator("main input:visible")
    for i in range(inputs.count()):
        box = inputs.nth(i).bounding_box()
        assert box["x"] + box["width"] <= 390, f"input {i} ends at {box['x'] + box['width']:.0f} px"
    tables = page.locator(".wb-table-wrap")
    if tables.count():
        # The frame keeps to the screen; its table may be wider and scroll inside it.
        frame = tables.first.bounding_box()
        assert frame["x"] + frame["width"] <= 390
        assert tables.first.evaluate("e => getComputedStyle(e).overflowX") in ("auto", "scroll")
    assert_clean(page, base_url)
    page.close()


#: Eight columns, one of them a date, the others long words: the table squeezes every column.
WIDE_QUERY = (
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * WHERE { VALUES (?signed ?a ?b ?c ?d ?e ?f ?g) "
    '{ ("2014-06-23"^^xsd:date "' + '" "'.join(["Memorandum of understanding on training"] * 7) + '") } }'
)


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1440, 900), (360, 740)])
def test_dates_in_result_tables_never_break_at_their_hyphens(browser, base_url: str, size) -> None:
    page = open_page(browser, base_url, size, "/query#" + urlencode({"query": WIDE_QUERY}))
    date = page.locator("#results-table td.wb-date")
    date.wait_for()
    assert date.inner_text() == "2014-06-23"
    font = date.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    height = date.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().height; }"
    )
    assert height < 2 * font, "the date wraps"  # one line is about 1.2 em high
    assert page.problems == []
    page.close()


@pytest.mark.browser
def test_the_timeline_counts_wrap_on_a_small_phone(browser, base_url: str) -> None:
    """The undated count under the timeline is read whole on a phone, not cut at the screen's edge."""
    from playwright.sync_api import expect

    page = open_page(browser, base_url, (360, 740), "/")
    expect(page.locator(".timeline-info span", has_text="Undated")).to_be_visible()
    line = page.locator(".timeline-info")
    # The line may wrap (the counts of a large graph are longer than a phone is wide) and nothing in it is cut.
    assert line.evaluate("e => getComputedStyle(e).whiteSpace") == "normal"
    assert line.evaluate("e => e.scrollWidth <= e.clientWidth"), line.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert_clean(page, base_url)
    page.close()


TOKEN = "office-token-0123456789abcdef"


@pytest.fixture(scope="module")
def edit_url() -> Iterator[str]:
    from server import create_app

    app = create_app(
        {
            "STORE": "memory:",
            "WRITE_TOKENS": f"office:{TOKEN}",
            "SECRET_KEY": "s" * 32,
            "TESTING": True,
            "EXPLORER_WARMUP": False,
        }
    )
    with serve_in_thread(app) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=["laptop", "phone"])
def test_edit_by_name_with_completion(browser, edit_url: str, size: tuple[int, int]) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, edit_url, size, "/edit/")
    expect(page.locator("nav a[href='/edit/']")).to_be_visible()  # Edit in the navigation: writes are on
    page.fill("#token", TOKEN)
    page.locator("form.edit-form button.primary").click()
    page.goto(edit_url + "/edit/agreement")
    # A name completes from the search as it is typed.
    page.locator("#party-1").press_sequentially("Gyeong")
    expect(page.locator("#party-list-1 option[value='Gyeonggi Province']")).to_have_count(1)
    page.fill("#party-1", "Gyeonggi Province")
    page.fill("#party-2", "Atlantis")
    page.fill("#date", "May 1998")
    page.locator("#edit-form button.primary").click()
    # Every problem at once, the bad fields marked, nothing written.
    errors = page.locator("#form-errors li")
    expect(errors).to_have_count(6)  # name, party 2, kind, date, title, quote
    expect(page.locator("#party-2")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#party-1")).not_to_have_attribute("aria-invalid", "true")
    assert_clean_but(page, edit_url, allowed=["400 (BAD REQUEST)"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"edit-errors-{size[0]}.png"), full_page=True)
    # Fixed, it saves and links the new agreement's page.
    page.fill("#label", f"Gyeonggi – British Columbia test tie {size[0]}")
    page.fill("#party-2", "British Columbia")
    page.select_option("#kind", label="sisterhood")
    page.fill("#date", "1998-05")
    page.fill("#source_title", "Browser test bulletin")
    page.fill("#quote", "Gyeonggi and British Columbia became sister provinces in May 1998.")
    page.locator("#edit-form button.primary").click()
    saved = page.locator("#saved a").first
    expect(saved).to_have_text(f"Gyeonggi – British Columbia test tie {size[0]}")
    saved.click()
    expect(page.locator("#entity-label")).to_have_text(f"Gyeonggi – British Columbia test tie {size[0]}")
    expect(page.locator("#history ~ .history-item")).to_have_count(1)  # its public history
    assert_clean_but(page, edit_url, allowed=["400 (BAD REQUEST)"])
    page.close()


def assert_clean_but(page, base_url: str, allowed: list[str]) -> None:
    """As :func:`assert_clean`, the console errors of the answers provoked on purpose left aside."""
    page.problems[:] = [p for p in page.problems if not any(a in p for a in allowed)]
    assert_clean(page, base_url)
