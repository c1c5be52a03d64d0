"""pyvis where it fits: any subgraph as a pyvis network (for a notebook) and the explorer's offline vis-network
download. Everything is inline (nothing fetched), and hostile labels stay text in the file, the labels and the
tooltips."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import network as nw
from graph.network_export import export_view, to_pyvis
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, network_app

ID = "https://partnergraph.org/id/"
XSS = ID + "org/xss"
XSS_LABEL = "<img src=x onerror=alert(1)>{{ 7*7 }}"


@pytest.fixture(scope="module")
def app():
    return network_app()


@pytest.fixture(scope="module")
def network(app) -> nw.Network:
    return nw.network(app.extensions["kg"])


def test_to_pyvis_builds_any_subgraph_with_labels_tooltips_and_positions(network) -> None:
    ids = [XSS, ID + "region/kr/gyeonggi-province", ID + "region/cn/liaoning-province"]
    net = to_pyvis(network, ids, title="Around Gyeonggi")
    assert sorted(n["id"] for n in net.nodes) == sorted(ids)
    xss = next(n for n in net.nodes if n["id"] == XSS)
    assert xss["label"] == XSS_LABEL and xss["title"].startswith(XSS_LABEL + "\n")
    assert frozenset((XSS, ID + "region/kr/gyeonggi-province")) in {frozenset((e["from"], e["to"])) for e in net.edges}
    assert net.cdn_resources == "in_line"
    assert len(to_pyvis(network).nodes) == network.graph.number_of_nodes()


def test_the_pyvis_page_is_inline_and_escaped(network) -> None:
    net = to_pyvis(network, [XSS, ID + "region/kr/gyeonggi-province"], title="<script>alert(3)</script> view")
    page = net.generate_html()
    assert "<img src=x" not in page and "<script>alert(3)" not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt; view" in page
    assert (
        "\\u003cimg src=x onerror=alert(1)\\u003e{{ 7*7 }}" in page
    )  # the label, as JSON that cannot close the script
    for outside in ('src="http', 'href="http', "<link", "cdn.jsdelivr", "cdnjs"):
        assert outside not in page
    assert "vis.Network" in page and "default-src 'none'" in page


def test_the_explorer_downloads_the_view_through_pyvis(app) -> None:
    response = app.test_client().post("/api/export", json={"format": "pyvis", "ids": [XSS, ID + "region/vn/hanoi"]})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'filename="partnergraph-view.html"' in response.headers["Content-Disposition"]
    assert b"vis.Network" in response.data and b"<img src=x" not in response.data
    body, _, _ = export_view(nw.network(app.extensions["kg"]), [XSS], "pyvis")
    assert body.count(b"new vis.DataSet") == 2


@pytest.mark.browser
def test_the_pyvis_page_works_offline_and_shows_hostile_text_as_text(network, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    path = tmp_path / "view.html"
    path.write_text(to_pyvis(network, [XSS, ID + "region/kr/gyeonggi-province"]).generate_html(), "utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        requests, errors, dialogs = [], [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda r: r.abort() if not r.request.url.startswith("file:") else r.continue_())
        page.goto(path.as_uri())
        page.wait_for_selector("#mynetwork canvas")
        page.wait_for_timeout(500)
        # Hover the hostile node: its tooltip shows the label as text.
        point = page.evaluate(
            """id => { const p = network.canvasToDOM(network.getPosition(id));
            const b = document.getElementById('mynetwork').getBoundingClientRect();
            return {x: p.x + b.left, y: p.y + b.top}; }""",
            XSS,
        )
        page.mouse.move(point["x"], point["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=10_000)
        assert page.inner_text("div.vis-tooltip").startswith(XSS_LABEL)
        assert page.locator("img[src=x]").count() == 0
        assert [u for u in requests if not u.startswith("file:")] == []
        assert errors == [] and dialogs == []
        browser.close()


def test_the_examples_in_network_export_run() -> None:
    import doctest

    from graph import network_export

    assert doctest.testmod(network_export).failed == 0
