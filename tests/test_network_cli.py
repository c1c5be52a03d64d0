"""The "who connects to whom" commands: path, partners, common, rank, search."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"oxigraph:{tmp_path_factory.mktemp('cli') / 'store'}"
    result = CliRunner().invoke(cli, ["--store", url, "load", "--no-validate", str(DATA / "network.trig")], obj={})
    assert result.exit_code == 0, result.output
    gc.collect()
    return url


def run(store: str, *args: str):
    result = CliRunner().invoke(cli, ["--store", store, *args], obj={})
    gc.collect()  # release the on-disk store's lock before the next command opens it
    return result


def test_path_by_names(store: str) -> None:
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


def test_path_errors_are_one_line(store: str) -> None:
    result = run(store, "path", "Springfield", "Hanoi")
    assert result.exit_code == 1
    assert result.output.startswith("error: 'Springfield' names 2 entities") and "Traceback" not in result.output
    assert run(store, "path", "Atlantis", "Hanoi").exit_code == 1


def test_partners_common_rank_search(store: str) -> None:
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
        "6",
        "Gyeonggi",
        "Province",
        "<https://partnergraph.org/id/region/kr/gyeonggi-province>",
    ]
    assert "Gyeonggi Province  [Province]" in run(store, "search", "gyeongi province").output
