"""Wikipedia is credited wherever its data is shown: every page carries the rights of the sources it serves."""

from __future__ import annotations

from pathlib import Path

from graph.cli import TWIN_CITIES_MAP
from graph.tabular import Mapping, import_table
from server import create_app


def test_pages_credit_the_twin_cities_sources_once_they_are_imported(tmp_path: Path):
    app = create_app({"STORE": "memory:", "TESTING": True, "EXPLORER_WARMUP": False})
    client = app.test_client()
    assert "CC BY-SA" not in client.get("/").text  # the seeds carry no such licence

    table = tmp_path / "twin_cities_raw.csv"
    table.write_text("city1,country1,city2,country2\nNantes,France,Cardiff,Wales\n", "utf-8")
    import_table(app.extensions["kg"].store, table, Mapping.from_file(TWIN_CITIES_MAP))

    for page in ("/", "/query", "/sources", "/id/partnership/twinning-fr-nantes--gb-cardiff"):
        text = client.get(page).text
        assert "Data credits:" in text, page
        assert "Wikipedia" in text and "CC BY-SA 4.0" in text and "Hekman/twincities" in text, page
