"""Bulk loads applied whole or not at all, at the engine's speed (part of the store seam, :mod:`graph.store`).

An on-disk embedded store is loaded through a staging copy: the statements are loaded by the engine's bulk loader
(in one run, in a background thread that does not hold Python's lock) into a new directory beside the store, and
the two directories are then swapped in one rename (``renameat2`` with ``RENAME_EXCHANGE``). A failure before the
swap, or a crash, leaves the store as it was; a crashed process's staging copy is swept by the next load.

The staging copy is a fresh store holding a dump of the store's quads and the new ones when the store is small
beside what is added (the first import into a store: one run of the loader into an empty store gives the most
compact files), else a checkpoint of the store (hard links: cheap whatever its size) with the new quads loaded
into it. One run of the loader per load: a second run into the same copy makes the engine compact the new files
into levels it keeps uncompressed (measured on the twin cities: 143 MB became 227 MB), and so would
``optimize()``, which is therefore not called. The statements go to the loader as an N-Quads file beside the store
(removed after): Python then holds no copy of them while the engine loads.

Elsewhere (memory, remote endpoints, a store whose engine object is shared) the quads are collected and written
by :meth:`graph.store.Store.bulk_add` at the end, which undoes what it wrote if it fails.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    from .store import OxigraphStore, Store

NQUADS = ox.RdfFormat.N_QUADS
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class BulkSession:
    """Quads given in batches, written whole or not at all when the session commits (the ``with`` block ends
    without an exception); :attr:`added` is how many were new. This one collects and calls ``bulk_add``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.added = 0
        self._quads: list[ox.Quad] = []

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Queue quads for the load."""
        self._quads.extend(quads)

    def add_nquads(self, data: bytes) -> None:
        """Queue statements given as N-Quads text (parsed here; a staged load hands the text to the engine)."""
        self._quads.extend(ox.parse(data, format=NQUADS))

    def start(self) -> None:
        """Begin loading what was given (here: nothing to begin early; :meth:`commit` writes it)."""

    def commit(self) -> int:
        """Write everything queued; returns how many quads were new."""
        self.added = self.store.bulk_add(self._quads)
        return self.added

    def abort(self) -> None:
        """Forget everything queued: the store stays as it was."""
        self._quads = []

    def __enter__(self) -> BulkSession:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def _load_run(target: ox.Store, path: Path) -> None:
    """One run of the engine's bulk loader on an N-Quads file (the statements are ours, so not validated again):
    the engine reads the file itself, so no copy of the statements stays in Python's memory meanwhile."""
    target.bulk_load(path=str(path), format=NQUADS, lenient=True)


class StagedLoad(BulkSession):
    """A bulk load into a staging copy of an on-disk store, swapped in at commit (see the module). :meth:`start`
    begins the load in the background (the caller may check what it built meanwhile and abort), :meth:`commit`
    waits for it and swaps."""

    def __init__(self, store: OxigraphStore) -> None:
        super().__init__(store)
        self.store: OxigraphStore = store
        self.path = Path(store.path)  # type: ignore[arg-type]
        sweep(self.path)
        self.staging = self.path.parent / f".{self.path.name}.staging-{os.getpid()}-{threading.get_ident()}"
        #: the statements to load, as an N-Quads file (in a directory that :func:`sweep` knows as a staging one)
        self.file = self.staging.with_name(self.staging.name + "-data") / "load.nq"
        self._generation = store.generation
        self._batches: list[bytes] = []
        self._lines = 0
        self._worker: threading.Thread | None = None
        self._errors: list[BaseException] = []
        self._done = False

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Serialise quads for the load (by the engine: N-Quads)."""
        if self._worker is not None:
            raise RuntimeError("the load has started: give every quad before start()")
        self.add_nquads(ox.serialize(quads, format=NQUADS))

    def add_nquads(self, data: bytes) -> None:
        """Queue N-Quads text for the load as it is (the engine parses it once, when it loads)."""
        if self._worker is not None:
            raise RuntimeError("the load has started: give every quad before start()")
        self._batches.append(data if data.endswith(b"\n") or not data else data + b"\n")
        self._lines += self._batches[-1].count(b"\n")

    def start(self) -> None:
        """Begin loading everything given into the staging copy, in one run of the loader, in the background
        (what was given is written to :attr:`file` first and let go of: the engine reads it from there)."""
        if self._worker is None:
            try:
                self.file.parent.mkdir(exist_ok=True)
                with open(self.file, "wb") as out:
                    out.writelines(self._batches)
            except OSError as error:  # no room for it, say: the store was never touched
                from .store import StoreError

                self._discard()
                raise StoreError(f"bulk load failed, nothing was written: {error}") from None
            self._batches = []
            self._worker = threading.Thread(target=self._load, name="bulk-load", daemon=True)
            self._worker.start()

    def _load(self) -> None:
        from .store import store_query

        try:
            live = self.store.native
            live.flush()
            before = len(live)
            if before < self._lines and not live.query(store_query("any-blank-node")):
                target = ox.Store(str(self.staging))  # small beside the load: one run into an empty store
                dump = self.file.with_name("store.nq")
                live.dump(output=str(dump), format=NQUADS)
                with open(dump, "rb") as source, open(self.file, "ab") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                dump.unlink()
            else:
                live.backup(str(self.staging))
                target = ox.Store(str(self.staging))
            _load_run(target, self.file)
            target.flush()
            self.added = len(target) - before
        except BaseException as error:  # handed to the thread that commits
            self._errors.append(error)
        finally:
            shutil.rmtree(self.file.parent, ignore_errors=True)

    def commit(self) -> int:
        """Wait for the load, then swap the staging copy in; returns how many quads were new."""
        from .store import StoreError

        if self._done:
            return self.added
        self.start()
        self._worker.join()  # type: ignore[union-attr]
        self._done = True
        try:
            if self._errors:
                raise self._errors[0]
            if self.store.generation != self._generation:
                raise StoreError("the store was written to during the bulk load; nothing was loaded")
            self.store._swap_in(self.staging)
        except OSError as error:
            self._discard()
            raise StoreError(f"bulk load failed, nothing was written: {error}") from None
        except BaseException:
            self._discard()
            raise
        return self.added

    def abort(self) -> None:
        """Throw the staging copy away, once the loader has stopped (the store was never touched)."""
        if self._worker is not None:
            self._worker.join()
        self._done = True
        self._discard()

    def _discard(self) -> None:
        self._batches = []
        shutil.rmtree(self.staging, ignore_errors=True)
        shutil.rmtree(self.file.parent, ignore_errors=True)


def can_stage(store: OxigraphStore) -> bool:
    """Whether an on-disk store can be loaded through a staging copy: nobody else holds its engine object (the
    swap reopens it), and it is not read-only."""
    if store.path is None or store.read_only:
        return False
    return sys.getrefcount(store.native) <= 2  # the store's own reference and this call's


def exchange(a: Path, b: Path) -> None:
    """Swap two directories in one step (Linux ``renameat2``); elsewhere, two renames that :func:`recover`
    completes after a crash between them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        done = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
    except (OSError, AttributeError):
        done = False
    if done:
        return
    previous = b.parent / f".{b.name}.previous"
    os.rename(b, previous)
    os.rename(a, b)
    os.rename(previous, a)


def recover(path: Path) -> None:
    """Complete a swap that a crash interrupted: the store's directory is missing but its previous one is there."""
    previous = path.parent / f".{path.name}.previous"
    if not path.exists() and previous.is_dir():
        os.rename(previous, path)


def sweep(path: Path) -> None:
    """Remove staging copies that a process which has ended left beside the store, and the previous directory
    of a swap completed by two renames."""
    previous = path.parent / f".{path.name}.previous"
    if path.is_dir() and previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)
    for stale in path.parent.glob(f".{path.name}.staging-*"):
        pid = stale.name.rsplit(".staging-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
