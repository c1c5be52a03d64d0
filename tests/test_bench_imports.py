"""The import benchmark runs end to end on a few rows and prints its table (no timings are asserted)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_import_benchmark_compares_with_oxigraph_load(capsys, monkeypatch):
    monkeypatch.setenv("PATH", f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")
    spec = importlib.util.spec_from_file_location("bench_imports", ROOT / "bench" / "imports.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--rows", "20", "--reps", "1"]) == 0
    table = capsys.readouterr().out
    time_row = re.search(r"\| time \(s, median of 1\) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", table)
    disk_row = re.search(r"\| disk \(MB; `oxigraph load`: plus the store before\) \| \d+ \| \d+ \| [\d.]+ \|", table)
    assert time_row and disk_row, table
    statements = int(re.search(r"\(([\d,]+) statements\)", table).group(1).replace(",", ""))
    assert statements > 20 * 5  # every row gives a tie, its evidence and its places
