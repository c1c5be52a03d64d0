"""Keeping the projection: in memory per version of the store, on disk beside an on-disk store.

:class:`Projection` holds the projection of one knowledge graph: built once (:func:`.build.build_network`),
persisted beside an on-disk store (``PATH.network.pickle``: columns, see :mod:`.persist`) with the fingerprint
of the data it was built from, loaded from there on the next start (its graph filled on demand), and rebuilt
in the background after a write while readers keep the old one (:meth:`Projection.status` says ``updating``
meanwhile). For an on-disk store the build runs in a child process (:mod:`.rebuild_process`) that writes the
file, which the server then loads: the server's interpreter stays free for requests.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..knowledge import KnowledgeGraph
from . import persist
from .build import build_network
from .model import Network

log = logging.getLogger(__name__)
#: Version of the persisted file's layout: a file of another version is ignored (and rebuilt).
FILE_FORMAT = 6
#: After a restart, the background work on a loaded projection waits for this long a pause in the questions.
QUIET_SECONDS = 2.0


def store_version(kg: KnowledgeGraph) -> Any:
    """A cheap token that changes when the store changes: its change counter (``store.generation``, bumped by
    every write of this process), else (a remote endpoint other clients write to) its number of quads."""
    generation = kg.store.generation
    return ("quads", kg.store.quad_count()) if generation is None else ("generation", generation)


def fingerprint(kg: KnowledgeGraph) -> tuple:
    """What the data looked like: its named graphs and its number of quads (the change log's own graph grows with
    every edit, so an edit made by another process while the app was down shows). The count is read from beside
    an on-disk store while the engine's files are unchanged (:mod:`graph.store_count`): no scan at a restart."""
    return (tuple(kg.store.graphs()), kg.store.quad_count())


def cache_file(kg: KnowledgeGraph) -> Path | None:
    """Where the projection of an on-disk store is kept: ``PATH.network.pickle`` beside ``oxigraph:PATH``."""
    url = kg.store.url
    if not url.startswith("oxigraph:"):
        return None
    path = Path(url[len("oxigraph:") :])
    return path.with_name(path.name + ".network.pickle")


class Projection:
    """The projection of one knowledge graph, kept: :meth:`get` answers at once with the newest projection
    built (after the first build or load), and rebuilds it in the background when the store has changed.

    On start it loads the file an earlier process persisted (:func:`cache_file`) and serves it, while a
    background check compares the data's :func:`fingerprint` with the file's and rebuilds when they differ.
    """

    def __init__(
        self,
        kg: KnowledgeGraph,
        path: Path | None = None,
        recheck_seconds: float = 5.0,
        precompute: bool = True,
        quiet_seconds: float = QUIET_SECONDS,
    ) -> None:
        self.kg = kg
        self.path = path
        self.precompute = precompute
        self.recheck_seconds = recheck_seconds
        self.quiet_seconds = quiet_seconds
        self.asked = 0.0
        self.asking = 0  # questions being answered now (see :meth:`question`)
        self.settled = threading.Event()
        self.current: Network | None = None
        self.checked = 0.0
        self.built_in: float | None = None
        self.loaded_in: float | None = None
        #: Since when (``time.time()``) a rebuild runs, its progress (0 to 1) and where: "child process" or
        #: "in process"; the last rebuild's failure, if it failed.
        self.rebuilding_since: float | None = None
        self.rebuild_progress = 0.0
        self.rebuilt_by: str | None = None
        self.rebuild_error: str | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listeners: list[Callable[[Network], None]] = []
        self._frozen = False

    @property
    def ready(self) -> bool:
        """Whether a projection is there to answer from (built or loaded)."""
        return self.current is not None

    def status(self) -> dict[str, Any]:
        """What the API says of the projection: ``current`` (it has every write), ``updating`` (the store changed:
        the projection served is the previous one while the new one is built, with ``progress`` and ``since``) or
        ``building`` (none yet); with the version served and how the last rebuild was made. Cheap: a remote
        store's changes are not counted here (they show once the periodic check starts the rebuild)."""
        current, since = self.current, self.rebuilding_since
        if current is None:
            state = "building"
        elif since is not None or (self.kg.store.generation is not None and store_version(self.kg) != current.version):
            state = "updating"
        else:
            state = "current"
        body: dict[str, Any] = {"status": state, "version": None if current is None else str(current.version)}
        if since is not None:
            body.update(progress=round(self.rebuild_progress, 3), seconds=round(time.time() - since, 1))
        if self.rebuilt_by:
            body["rebuiltBy"] = self.rebuilt_by
        if self.rebuild_error:
            body["lastError"] = self.rebuild_error
        return body

    def on_new(self, listener: Callable[[Network], None]) -> None:
        """Call ``listener(net)`` with every new projection (e.g. to start its measures)."""
        self._listeners.append(listener)

    def get(self, *, background: bool = True) -> Network:
        """The projection: built or loaded on the first call; then the current one, refreshed (in the background
        by default; at once with ``background=False``) when the store's version changed."""
        current = self.current
        self.asked = time.monotonic()
        if current is None:
            with self._lock:
                current = self.current or self._start()
            self.asked = time.monotonic()  # the pause is counted from the end of the load
            return current
        now = time.monotonic()
        if now - self.checked < self.recheck_seconds:
            return current
        self.checked = now
        if store_version(self.kg) == current.version:
            return current
        if not background:
            return self._rebuild(waited_for=True)
        self._in_background(self._rebuild)
        return current

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background build or check to finish (for tests and benchmarks)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _in_background(self, work: Callable[[], Any]) -> None:
        running = self._thread
        if running is None or not running.is_alive():
            self._thread = threading.Thread(target=work, name="network-refresh", daemon=True)
            self._thread.start()

    def _start(self) -> Network:
        """The first projection: loaded from the file (then checked in the background) or built."""
        loaded = self._load()
        if loaded is None:
            return self._rebuild()
        net, stamp = loaded
        net.version = store_version(self.kg)
        self._publish(net, stamp, measures=False)
        self._in_background(lambda: self._verify(net, stamp))
        return net

    def _verify(self, net: Network, stamp: tuple) -> None:
        """Once questions leave a quiet moment (see :meth:`_settle`): rebuild when the data is not what the
        loaded file was built from; else make the rest of the loaded graph, then start its measures."""
        try:
            self._settle()
            if fingerprint(self.kg) != stamp:
                log.info("the persisted network projection is stale: rebuilding")
                self._rebuild()
            else:
                persist.fill(net)
                self._freeze()
                self._measures(net)
        except Exception:  # noqa: BLE001 - a failed check leaves the loaded projection in place
            log.exception("checking the persisted network projection failed")
        finally:
            self.settled.set()

    @contextmanager
    def question(self) -> Iterator[None]:
        """Mark a question being answered (the web layer wraps each request in it): background work after a
        restart waits until none is."""
        self.asking += 1
        try:
            yield
        finally:
            self.asking -= 1
            self.asked = time.monotonic()

    def _settle(self, most: float = 60.0) -> None:
        """Wait until no question is being answered and none has come for :attr:`quiet_seconds` (at most ``most``
        seconds): the first questions after a restart have the machine to themselves, background work after."""
        start = time.monotonic()
        while time.monotonic() - start < most and (
            self.asking > 0 or time.monotonic() - self.asked < self.quiet_seconds
        ):
            time.sleep(min(0.1, self.quiet_seconds or 0.1))

    def wait_settled(self, timeout: float | None = None) -> bool:
        """Wait until the first projection is whole and checked (built, or loaded, checked and filled)."""
        return self.settled.wait(timeout)

    def _rebuild(self, waited_for: bool = False) -> Network:
        """Build the projection of the store as it is now and make it current: in a child process for an on-disk
        store (the file it writes is loaded here; at a lower priority unless someone waits for it: ``waited_for``
        or no projection yet), else (or when the child fails) in this process."""
        self.rebuilding_since, self.rebuild_progress = time.time(), 0.0
        try:
            version = store_version(self.kg)
            start = time.perf_counter()
            background = self.current is not None and not waited_for
            built = self._build_elsewhere(background) if self._elsewhere() else None
            if built is not None:
                net, stamp = built
                net.version = version
                if self.current is not None:  # readers have the previous one: make this one whole first
                    self._prepare(net)
                self.built_in = time.perf_counter() - start
                self._publish(net, stamp)
                if self.current is net and type(net.graph._adj) is dict:
                    self._freeze()
                return net
            stamp = fingerprint(self.kg) if self.path else None
            net = build_network(self.kg)
            net.version = version
            self.built_in = time.perf_counter() - start
            self.rebuilt_by = "in process"
            saved = self.path is not None and stamp is not None and self._save(net, stamp)  # before anyone touches it
            self._publish(net, stamp, saved=saved)
            self._freeze()
            return net
        finally:
            self.rebuilding_since = None

    def _prepare(self, net: Network) -> None:
        """Make a loaded projection whole and its name search ready before it replaces the previous one, so that
        no request pays for it (in this background thread the interpreter is shared with requests in turns)."""
        self.rebuild_progress = max(self.rebuild_progress, 0.95)
        try:
            persist.fill(net)
            net.search("a", limit=1)
        except Exception:  # noqa: BLE001 - whatever is not made now is made on demand
            log.exception("preparing the rebuilt network projection failed")

    def _elsewhere(self) -> bool:
        """Whether the build can run in a child process: an on-disk store, the projection persisted beside it."""
        return self.path is not None and getattr(self.kg.store, "path", None) is not None

    def _build_elsewhere(self, background: bool) -> tuple[Network, tuple] | None:
        """Build in a child process (:mod:`.rebuild_process`; at a lower priority in the ``background``, when a
        previous projection answers meanwhile), which writes the file; load it. None when that failed (logged;
        the caller builds in this process)."""
        assert self.path is not None
        from . import rebuild_process  # imported here: ``python -m`` runs it as a script in the child

        def progress(share: float) -> None:
            self.rebuild_progress = share

        try:
            rebuild_process.rebuild(Path(self.kg.store.path), self.path, self._header(), progress, background)
            found = persist.read(self.path, self._header())
        except Exception as error:  # noqa: BLE001 - built here instead, the failure kept for the API
            log.warning("the network projection could not be rebuilt in a child process: %s", error)
            self.rebuild_error = f"{type(error).__name__}: {error}"
            return None
        if found is None:
            self.rebuild_error = "the rebuilt file is of another format or store"
            return None
        header, net = found
        self.rebuilt_by, self.rebuild_error = "child process", None
        return net, header["fingerprint"]

    def _header(self) -> dict[str, Any]:
        """What the persisted file's header must hold to be this projection's (its fingerprint aside)."""
        return {"format": FILE_FORMAT, "store": self.kg.store.url}

    def _publish(self, net: Network, stamp: Any, measures: bool = True, saved: bool = True) -> None:
        """Make ``net`` the current projection; start its background measures (persisted beside its file) unless
        told to wait (a loaded projection starts them once it is whole). The measure process reads the projection
        from its file when it was ``saved`` there."""
        if self.path is not None and stamp is not None:
            net.measures_file = self.path.with_name(self.path.name.replace(".network.", ".measures."))
            net.stamp = stamp
            if saved:
                net.source = (self.path, {"format": FILE_FORMAT, "store": self.kg.store.url, "fingerprint": stamp})
        if measures:
            self._measures(net)
            self.settled.set()
        previous, self.current = self.current, net
        if previous is not None and previous is not net:
            gc.unfreeze()  # the old projection can be collected (see :meth:`_freeze`)
            if previous._measures is not None:
                previous._measures.close()  # its measure process ends: the store has changed
        self.checked = time.monotonic()
        for listener in self._listeners:
            try:
                listener(net)
            except Exception:  # noqa: BLE001 - a listener's failure must not lose the projection
                log.exception("a network listener failed")

    def _freeze(self) -> None:
        """Keep the cyclic collector off the projection once it is whole: a full collection walks every object
        with the interpreter held (170 ms at 1.44 M statements, about 2 s at 14.4 M: every request stalls), and
        the projection's millions of dicts never become garbage while current. A replaced one is unfrozen when
        the new one is published, and collected here once before the new freeze."""
        if self._frozen:
            gc.collect()
        gc.freeze()
        self._frozen = True

    def _measures(self, net: Network) -> None:
        if self.precompute:
            net.measures.request_all(["communities", "betweenness"])  # one process, communities first

    def _load(self) -> tuple[Network, tuple] | None:
        if self.path is None:
            return None
        self._sweep()
        if not self.path.exists():
            return None
        start = time.perf_counter()
        try:
            found = persist.read(self.path, {"format": FILE_FORMAT, "store": self.kg.store.url})
        except Exception as error:  # noqa: BLE001 - an unreadable file is rebuilt
            log.warning("cannot read %s (%s): rebuilding the network projection", self.path, error)
            return None
        if found is None:
            log.info("%s is of another format or store: rebuilding the network projection", self.path)
            return None
        header, net = found
        self.loaded_in = time.perf_counter() - start
        return net, header["fingerprint"]

    def _sweep(self, older_than: float = 3600.0) -> None:
        """Remove what a process stopped while writing left: temporary files an hour old beside the file."""
        assert self.path is not None
        now = time.time()
        for stale in self.path.parent.glob(self.path.name.replace(".network.", ".*.") + "*.tmp"):
            try:
                if now - stale.stat().st_mtime > older_than:
                    stale.unlink()
            except OSError:
                pass

    def _save(self, net: Network, stamp: tuple) -> bool:
        """Write the file atomically (a temporary file renamed over the old one); whether it was written."""
        assert self.path is not None
        try:
            persist.write(self.path, net, {"format": FILE_FORMAT, "store": self.kg.store.url, "fingerprint": stamp})
        except (OSError, ValueError):
            log.exception("cannot persist the network projection to %s", self.path)
            return False
        return True


_PROJECTIONS: weakref.WeakKeyDictionary[KnowledgeGraph, Projection] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def projection_of(kg: KnowledgeGraph, *, persist: bool = True) -> Projection:
    """The :class:`Projection` of ``kg`` (one per knowledge graph, persisted beside an on-disk store)."""
    with _REGISTRY_LOCK:
        found = _PROJECTIONS.get(kg)
        if found is None:
            found = _PROJECTIONS[kg] = Projection(kg, cache_file(kg) if persist else None)
        return found


def network(kg: KnowledgeGraph, *, recheck_seconds: float | None = None, background: bool = True) -> Network:
    """The projection of ``kg`` (see :class:`Projection`): the first call builds or loads it; later calls return
    the newest one and, at most every ``recheck_seconds``, start a rebuild when the store changed (in the
    background by default, callers keeping the old one meanwhile; at once with ``background=False``)."""
    holder = projection_of(kg)
    if recheck_seconds is not None:
        holder.recheck_seconds = recheck_seconds
    return holder.get(background=background)
