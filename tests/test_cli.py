"""The command line: what scripts rely on, and errors as one clear line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, store: str = "memory:") -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli, ["--store", store, *args], obj={})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def disk(tmp_path: Path) -> str:
    return f"oxigraph:{tmp_path / 'store'}"


def test_stats_json_has_the_total_under_triples():
    code, out, _ = run("stats", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["triples"] == sum(g["triples"] for g in data["by_source"].values())
    assert data["triples"] > 0


def test_python_dash_m_graph_is_the_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "graph", "query", "--format", "csv", "SELECT (1 + 1 AS ?two) WHERE {}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["two", "2"]


def test_load_adds_the_file_and_keeps_it_on_disk(disk):
    code, out, _ = run("load", str(MINI), "--no-validate", store=disk)
    assert code == 0
    assert "45 statements added" in out
    shipped = json.loads(run("stats", "--json")[1])["triples"]  # a memory store: the shipped data only
    after = json.loads(run("stats", "--json", store=disk)[1])
    assert after["triples"] == shipped + 45
    assert after["by_source"]["https://partnergraph.org/id/source/mini-a"]["triples"] == 26


def test_loading_the_same_file_twice_adds_nothing_new(disk):
    run("load", str(MINI), "--no-validate", store=disk)
    once = json.loads(run("stats", "--json", store=disk)[1])["triples"]
    run("load", str(MINI), "--no-validate", store=disk)
    assert json.loads(run("stats", "--json", store=disk)[1])["triples"] == once


def test_a_bad_file_is_one_line_with_its_position_and_writes_nothing(disk, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('<http://a/s> <http://a/p> "ok" .\n<http://a/s> <http://a/p> "broken .\n', "utf-8")
    run("load", str(MINI), "--no-validate", store=disk)
    before = json.loads(run("stats", "--json", store=disk)[1])["triples"]
    code, out, err = run("load", str(bad), store=disk)
    assert code == 1
    assert "Traceback" not in out + err
    assert err.startswith("error: ") and "bad.ttl" in err and "line 2" in err
    assert len(err.strip().splitlines()) == 1
    assert json.loads(run("stats", "--json", store=disk)[1])["triples"] == before


def test_query_formats(disk):
    run("load", str(MINI), "--no-validate", store=disk)
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX kp: <https://partnergraph.org/ontology#> "
        "SELECT ?label WHERE { GRAPH ?g { ?a a kp:Agreement ; rdfs:label ?label } "
        'FILTER(STRSTARTS(STR(?g), "https://partnergraph.org/id/source/mini-")) } ORDER BY ?label'
    )
    code, out, _ = run("query", "--format", "csv", text, store=disk)
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [["label"], ["North–East MOU"], ["North–South sisterhood"]]
    code, out, _ = run("query", "--format", "tsv", text, store=disk)
    assert out.splitlines() == ["?label", '"North–East MOU"', '"North–South sisterhood"']
    code, out, _ = run("query", "--format", "json", text, store=disk)
    assert [b["label"]["value"] for b in json.loads(out)["results"]["bindings"]] == [
        "North–East MOU",
        "North–South sisterhood",
    ]
    code, out, _ = run("query", text, store=disk)
    assert "North–East MOU" in out and "(2 rows)" in out


def test_a_named_query_runs_with_its_parameters(disk):
    run("load", str(MINI), "--no-validate", store=disk)
    code, out, err = run(
        "query",
        "partners",
        "--param",
        "entity=https://partnergraph.org/id/org/east-university",
        "--format",
        "csv",
        store=disk,
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["partnerLabel"] for r in rows] == ["North Province"]


def test_a_query_file_runs(disk, tmp_path):
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://partnergraph.org/id/source/mini-b> { ?s ?p ?o } }")
    run("load", str(MINI), "--no-validate", store=disk)
    code, out, _ = run("query", "--format", "csv", str(rq), store=disk)
    assert out.splitlines() == ["n", "19"]


def test_a_query_syntax_error_is_one_line_with_line_and_column():
    code, out, err = run("query", "SELECT ?x WHERE {\n  ?x ?y\n}")
    assert code == 1
    assert err.startswith("error: query syntax error: line 3, column")
    assert "Traceback" not in err


def test_an_unknown_named_query_lists_the_known_ones():
    code, _, err = run("query", "no-such-query")
    assert code == 1 and "no named query 'no-such-query'" in err and "partners" in err


def test_a_bad_parameter_is_refused_before_anything_runs():
    code, _, err = run("query", "partners", "--param", "entity=http://x> } DROP ALL #")
    assert code == 1 and "is not an IRI" in err


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "nt", "jsonld", "xml"])
def test_export_writes_every_format(disk, tmp_path, fmt):
    run("load", str(MINI), "--no-validate", store=disk)
    out = tmp_path / f"export.{fmt}"
    code, _, err = run("export", "--format", fmt, "-o", str(out), store=disk)
    assert code == 0, err
    from graph.store import parse_rdf

    quads = parse_rdf(out.read_bytes(), fmt, graph="http://example.org/any")
    assert len({(q.subject, q.predicate, q.object) for q in quads}) >= 43  # the 43 distinct triples of mini.trig


def test_trig_export_keeps_the_named_graphs(disk, tmp_path):
    run("load", str(MINI), "--no-validate", store=disk)
    out = tmp_path / "all.trig"
    run("export", "--format", "trig", "-o", str(out), store=disk)
    copy = f"oxigraph:{tmp_path / 'copy'}"
    run("load", str(out), "--no-validate", store=copy)
    a = json.loads(run("stats", "--json", store=disk)[1])
    b = json.loads(run("stats", "--json", store=copy)[1])
    assert a["by_source"] == b["by_source"]


def test_store_is_accepted_anywhere_on_the_line(disk):
    run("load", str(MINI), "--no-validate", store=disk)
    before = CliRunner().invoke(cli, ["--store", disk, "stats", "--json"], obj={})
    after = CliRunner().invoke(cli, ["stats", "--json", "--store", disk], obj={})
    equals = CliRunner().invoke(cli, ["stats", f"--store={disk}", "--json"], obj={})
    assert before.exit_code == after.exit_code == equals.exit_code == 0, after.output
    assert json.loads(before.stdout) == json.loads(after.stdout) == json.loads(equals.stdout)
    assert json.loads(after.stdout)["store"] == disk


def test_a_command_that_only_reads_never_writes(disk):
    from graph import open_store

    empty = CliRunner().invoke(cli, ["stats", "--json", "--store", disk], obj={})
    assert empty.exit_code == 0
    assert "holds no shipped data" in empty.stderr and "not loaded" in empty.stderr
    assert json.loads(empty.stdout)["triples"] == 0
    store = open_store(disk)
    assert store.is_empty()  # stats wrote nothing, not even the shipped data
    store.close()
    run("load", str(MINI), "--no-validate", store=disk)  # a command that writes loads the shipped data
    loaded = CliRunner().invoke(cli, ["stats", "--json", "--store", disk], obj={})
    assert "note:" not in loaded.stderr
    assert json.loads(loaded.stdout)["triples"] > 45
