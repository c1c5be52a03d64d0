"""Bulk loads through a staging copy: whole or not at all, whatever fails and wherever (graph/store_bulk.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import store_bulk
from graph.store import OxigraphStore, StoreError
from graph.tabular import Mapping, import_table

G = ox.NamedNode("https://example.org/graph")
P = ox.NamedNode("https://example.org/p")
MAP = Mapping.from_pairs(
    ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country"]
)


def quads(start: int, stop: int) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), P, ox.Literal(f"v{i}"), G) for i in range(start, stop)]


def beside(path: Path) -> list[str]:
    """What lies beside the store's directory apart from itself (staging copies, previous directories)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


@pytest.fixture
def disk(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    yield store
    store.close()


def test_a_load_into_a_store_on_disk_is_swapped_in_whole(disk):
    disk.write(quads(0, 10))
    with disk.bulk_session() as load:
        load.add(quads(5, 300))
        load.add(quads(300, 500))
    assert isinstance(load, store_bulk.StagedLoad)
    assert load.added == 490  # s5..s9 were there already
    assert set(disk.native) == set(quads(0, 500))
    assert beside(disk.path) == []  # the staging copy became the store; the old one is gone
    disk.write(quads(500, 501))  # the reopened store takes writes as before
    disk.close()
    assert len(ox.Store.read_only(str(disk.path))) == 501


def test_the_engine_reads_the_statements_from_a_file_that_is_removed_after(disk, monkeypatch):
    read = []
    real = store_bulk._load_run

    def spy(target: ox.Store, path: Path) -> None:
        read.append((path.parent.name, path.read_bytes().count(b"\n")))
        real(target, path)

    monkeypatch.setattr(store_bulk, "_load_run", spy)
    disk.write(quads(0, 3))
    with disk.bulk_session() as load:
        load.add(quads(3, 100))
        load.start()
        assert load._batches == []  # let go of: Python holds no copy of them while the engine loads
    # A store small beside the load goes into the same file (one run of the loader into an empty store).
    assert read == [(f"{load.staging.name}-data", 100)]
    assert set(disk.native) == set(quads(0, 100))
    assert beside(disk.path) == []


def test_no_room_for_the_statements_file_is_a_clear_error_and_writes_nothing(disk, monkeypatch):
    disk.write(quads(0, 10))

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_bulk, "open", no_room, raising=False)  # the module's open, not the builtin
    with pytest.raises(StoreError, match="nothing was written: .*No space left"), disk.bulk_session() as load:
        load.add(quads(10, 50))
    assert len(disk.native) == 10
    assert beside(disk.path) == []


def test_a_small_load_into_a_big_store_goes_into_a_checkpoint_of_it(disk):
    disk.write(quads(0, 2000))
    disk.write([ox.Quad(ox.BlankNode("kept"), P, ox.Literal("a blank node keeps its label"), G)])
    assert disk.bulk_add(quads(1990, 2010)) == 10
    assert len(disk.native) == 2011
    assert ox.Quad(ox.BlankNode("kept"), P, ox.Literal("a blank node keeps its label"), G) in disk.native


def test_a_failure_in_the_middle_of_loading_leaves_the_store_unchanged(disk, monkeypatch):
    disk.write(quads(0, 10))
    before = set(disk.native)
    real = store_bulk._load_run

    def half_then_fail(target: ox.Store, path: Path) -> None:
        lines = path.read_bytes().splitlines(keepends=True)
        half = path.with_name("half.nq")
        half.write_bytes(b"".join(lines[: len(lines) // 2]))
        real(target, half)  # half of it is in the staging copy
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store_bulk, "_load_run", half_then_fail)
    with pytest.raises(StoreError, match="nothing was written: disk full"), disk.bulk_session() as load:
        load.add(quads(10, 400))
    assert set(disk.native) == before
    assert beside(disk.path) == []
    monkeypatch.setattr(store_bulk, "_load_run", real)
    assert disk.bulk_add(quads(10, 20)) == 10  # and it loads again afterwards


def test_an_error_while_the_engine_loads_throws_the_staging_copy_away(disk):
    disk.write(quads(0, 10))
    with pytest.raises(ValueError, match="a check failed"), disk.bulk_session() as load:
        load.add(quads(10, 400))
        load.start()
        raise ValueError("a check failed")
    assert len(disk.native) == 10
    assert beside(disk.path) == []


def test_a_shared_engine_or_a_memory_store_is_loaded_in_place():
    memory = OxigraphStore()
    assert type(memory.bulk_session()) is store_bulk.BulkSession
    with memory.bulk_session() as load:
        load.add(quads(0, 5))
    assert load.added == 5


def test_a_store_whose_engine_someone_holds_is_not_swapped(disk):
    held = disk.native  # e.g. a forked query worker's handle: the swap would pull the store from under it
    assert not store_bulk.can_stage(disk)
    assert disk.bulk_add(quads(0, 5)) == 5
    assert len(held) == 5


def test_a_write_during_the_load_cancels_it(disk):
    with pytest.raises(StoreError, match="written to during the bulk load"), disk.bulk_session() as load:
        load.add(quads(0, 50))
        load.start()
        disk.generation += 1  # what any write through the store does
    assert len(disk.native) == 0


def test_a_swap_cut_short_by_a_crash_is_undone_on_open(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    store.write(quads(0, 3))
    store.close()
    os.rename(tmp_path / "store", tmp_path / ".store.previous")  # the first of the two renames, then a crash
    reopened = OxigraphStore(tmp_path / "store")
    assert len(reopened.native) == 3
    reopened.close()


def test_staging_copies_of_ended_processes_are_swept(disk):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = disk.path.parent / f".store.staging-{ended.stdout.strip()}-1"
    stale.mkdir()
    mine = disk.path.parent / f".store.staging-{os.getpid()}-1"
    mine.mkdir()
    disk.bulk_add(quads(0, 3))
    assert beside(disk.path) == [mine.name]  # only a process that ended loses its copy


def test_a_table_import_that_fails_while_loading_writes_nothing(tmp_path, monkeypatch):
    store = OxigraphStore(tmp_path / "store")
    table = tmp_path / "ties.csv"
    table.write_text("city1,country1,city2,country2\nBerat,Albania,Amasya,Turkey\n", encoding="utf-8")

    def fail(target: ox.Store, path: Path) -> None:
        raise OSError("no space left on device (simulated)")

    monkeypatch.setattr(store_bulk, "_load_run", fail)
    with pytest.raises(StoreError, match="nothing was written"):
        import_table(store, table, MAP, gazetteer=None)
    assert len(store.native) == 0
    monkeypatch.undo()
    report = import_table(store, table, MAP, gazetteer=None)
    assert report.added == report.quads == len(store.native)
    store.close()
