"""The "who connects to whom" commands: path, partners, common, rank, search."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import KnowledgeGraph
from graph.cli import cli

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def store() -> KnowledgeGraph:
    kg = KnowledgeGraph.open("memory:", load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    return kg


def run(kg: KnowledgeGraph, *args: str):
    """Invoke the CLI on an already open knowledge graph (the commands use ctx.obj["kg"] when it is there)."""
    return CliRunner().invoke(cli, list(args), obj={"kg": kg})


def test_path_by_names(store: KnowledgeGraph) -> None:
    result = run(store, "path", "Gyeonggi Province", "hanoi", "--only", "agreement")
    assert result.exit_code == 0
    assert result.output.splitlines()[:5] == [
        "path 1 (2 hops):",
        "  Gyeonggi Province -> Liaoning Province",
        "      Gyeonggi–Liaoning sisterhood, sisterhood, 1993-10-04",
        '        "Gyeonggi and Liaoning became sister provinces on 4 October 1993"',
        "        source: Network source one",
    ]
    assert result.output.count("path ") == 1


def test_path_errors_are_one_line(store: KnowledgeGraph) -> None:
    result = run(store, "path", "Springfield", "Hanoi")
    assert result.exit_code == 1
    assert result.output.startswith("error: 'Springfield' names 2 entities") and "Traceback" not in result.output
    assert run(store, "path", "Atlantis", "Hanoi").exit_code == 1


def test_partners_common_rank_search(store: KnowledgeGraph) -> None:
    partners = run(store, "partners", "Liaoning Province", "--second").output
    assert "Liaoning Province: 2 partner(s)" in partners and "Springfield  (via Hanoi)" in partners
    common = run(store, "common", "Gyeonggi-do", "Hanoi").output
    assert common.splitlines() == [
        "1 common partner(s) of Gyeonggi Province, Hanoi",
        "  Liaoning Province  <https://partnergraph.org/id/region/cn/liaoning-province>",
    ]
    rank = run(store, "rank", "--limit", "1").output.splitlines()
    assert rank[1].split() == [
        "1.",
        "4",
        "Gyeonggi",
        "Province",
        "<https://partnergraph.org/id/region/kr/gyeonggi-province>",
    ]
    assert "Gyeonggi Province  [Province]" in run(store, "search", "gyeongi province").output
