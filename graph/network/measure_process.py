"""Measures in a process of their own: betweenness and communities are pure Python and take seconds to hours on
big graphs. Computed in a thread of the server they would share its interpreter (its GIL) with every request: at
100k agreements a cached answer took 100-490 ms while they ran. Here they run in a child process
(``python -m graph.network.measure_process DIR``), at a lower priority (``os.nice``), one at a time for the whole
server, from the persisted projection file (or, for a store without one, a pickle of the projection), and write
each result to a file the server reads; the default view's results are also merged into the persisted measures
file of the store's version. The child says ``start I``, ``progress I SHARE`` and ``done I`` on a pipe and leaves
when the server closes its end (its standard input): it never outlives the server, and the server reaps it.

>>> import networkx as nx
>>> from graph.network.model import Network
>>> from graph.network.filters import Filters
>>> compute(Network(nx.path_graph(["a", "b", "c"])), "betweenness", Filters())["scores"]["b"]
1.0
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from . import algorithms
from .algorithms import BATCHES, sampled_betweenness
from .base import BETWEENNESS_SAMPLES, SEED
from .filters import Filters
from .model import Network

log = logging.getLogger(__name__)
#: How much lower the measure process runs than the server (``os.nice`` increment), unless :data:`NICE_ENV` says.
NICE = 10
#: An environment variable giving another increment (0 to 19) for the background processes (measures, rebuilds):
#: the tests set 0, so that on a machine loaded by other work their children are not starved of CPU.
NICE_ENV = "PARTNERGRAPH_BACKGROUND_NICE"
#: A path: when set in its environment, the child waits for this file to exist before computing (for tests).
GATE = "PARTNERGRAPH_MEASURES_GATE"
#: Version of the persisted measures file's layout.
FILE_FORMAT = 1
#: Progress is reported at most this often (seconds).
PROGRESS_EVERY = 0.5

#: One measure process at a time for the whole server (any projection, any version).
ONE_AT_A_TIME = threading.Lock()
_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def compute(
    net: Network, name: str, filters: Filters, progress: Callable[[float], None] | None = None
) -> dict[str, Any]:
    """The measure ``name`` (``betweenness`` or ``communities``) of ``net`` seen through ``filters``, with its
    method and the seconds it took, as the API gives it when ready."""
    start = time.perf_counter()
    graph = net.view(filters)
    if name == "betweenness":
        n = graph.number_of_nodes()
        samples = algorithms.betweenness_samples(graph)
        scores, errors = sampled_betweenness(graph, samples, SEED, progress)
        method = (
            "exact (Brandes 2001)"
            if samples is None or samples >= n
            else f"estimated from {samples} of {n} sources chosen at random (seed {SEED}; Brandes and Pich "
            f"2007); each score's standard error from {min(BATCHES, samples)} batches of the sources"
            + ("" if samples >= BETWEENNESS_SAMPLES else f"; {samples}, not {BETWEENNESS_SAMPLES}, to bound the work")
        )
        body: dict[str, Any] = {"scores": scores, "errors": errors, "samples": samples, "entities": n}
        if errors:
            top = max(scores, key=lambda v: scores[v])
            body["errorOfTop"] = {"id": top, "score": scores[top], "standardError": errors[top]}
            body["maxStandardError"] = max(errors.values())
    else:
        found = algorithms.communities(graph, SEED)
        method = (
            "Louvain modularity (Blondel et al. 2008), seeded"
            if graph.number_of_edges() <= algorithms.LOUVAIN_MAX_EDGES
            else "semi-synchronous label propagation (Cordasco and Gargano 2010)"
        )
        body = {"communities": found}
    seconds = time.perf_counter() - start
    return {"measure": name, "status": "ready", "progress": 1.0, "method": method, "seconds": round(seconds, 2), **body}


# -- the persisted measures file ------------------------------------------------------------------------------


def read_results(path: Path, stamp: Any) -> dict[tuple, dict[str, Any]]:
    """The results persisted in ``path`` for the data of fingerprint ``stamp`` (empty when of other data)."""
    with path.open("rb") as f:
        header = pickle.load(f)
        if header.get("format") != FILE_FORMAT or header.get("fingerprint") != stamp:
            return {}
        return pickle.load(f)


def write_results(path: Path, stamp: Any, results: dict[tuple, dict[str, Any]]) -> None:
    """Write ``results`` to ``path`` atomically (a temporary file renamed over the old one)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump({"format": FILE_FORMAT, "fingerprint": stamp}, f)
            pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- the server's side ----------------------------------------------------------------------------------------


class MeasureProcess:
    """One child computing ``jobs`` (``(name, filters)`` pairs) of ``net``: :meth:`run` starts it and reads what
    it says until it ends; :meth:`stop` (from any thread) ends it."""

    def __init__(self, net: Network, jobs: list[tuple[str, Filters]], persist: Path | None = None) -> None:
        self.net = net
        self.jobs = jobs
        self.persist = persist
        self.proc: subprocess.Popen | None = None
        self.stopped = False
        #: Stopped by :meth:`.measures.Measures.cancel`: not a failure, the measures can be asked for again.
        self.cancelled = False
        self.directory: Path | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self.proc.pid if self.proc is not None else None

    def run(self, said: Callable[[str, int, float], None]) -> int:
        """Start the child, call ``said(kind, job, share)`` for each ``start``/``progress``/``done`` line, wait
        for it to end and return its exit status (negative: killed by that signal)."""
        self.directory = Path(tempfile.mkdtemp(prefix="partnergraph-measures-"))
        try:
            self._prepare(self.directory)
            with _LIVE_LOCK:
                if self.stopped:
                    return -15
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "graph.network.measure_process", str(self.directory)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    env=_child_environment(),
                    close_fds=True,
                )
                _LIVE.add(self.proc)
            try:
                assert self.proc.stdout is not None
                for line in self.proc.stdout:
                    parts = line.decode("utf-8", "replace").split()
                    if len(parts) >= 2 and parts[0] in ("start", "progress", "done") and parts[1].isdigit():
                        said(parts[0], int(parts[1]), float(parts[2]) if len(parts) > 2 else 0.0)
                return self.proc.wait()
            finally:
                self._end()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def result(self, job: int) -> dict[str, Any]:
        """What the child wrote for job ``job`` (after it said ``done``)."""
        assert self.directory is not None
        with (self.directory / f"{job}.pickle").open("rb") as f:
            return pickle.load(f)

    def stop(self) -> None:
        """End the child (now, or before it starts)."""
        with _LIVE_LOCK:
            self.stopped = True
            proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def _prepare(self, directory: Path) -> None:
        """What the child reads: the jobs and where the projection is (its persisted file, else a pickle)."""
        net = self.net
        spec: dict[str, Any] = {
            "jobs": self.jobs,
            "persist": self.persist,
            "stamp": net.stamp,
            "nice": nice_increment(),
            "progress_every": PROGRESS_EVERY,
        }
        if net.source is not None:
            spec["projection"] = net.source
        else:
            with (directory / "network.pickle").open("wb") as f:
                pickle.dump(net, f, protocol=pickle.HIGHEST_PROTOCOL)
        with (directory / "spec.pickle").open("wb") as f:
            pickle.dump(spec, f, protocol=pickle.HIGHEST_PROTOCOL)

    def _end(self) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()  # reaped: no zombie
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        with _LIVE_LOCK:
            _LIVE.discard(proc)


def nice_increment() -> int:
    """How much lower the background processes run: :data:`NICE`, or the increment :data:`NICE_ENV` gives."""
    raw = os.environ.get(NICE_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) <= 19 else NICE


def _child_environment() -> dict[str, str]:
    """The server's environment with this package importable wherever the server was started from."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


@atexit.register
def stop_all() -> None:
    """End every measure process (at exit; a server killed outright closes their pipe, which ends them too)."""
    end_every(_LIVE, _LIVE_LOCK)


def end_every(procs: set[subprocess.Popen], lock: threading.Lock) -> None:
    """Kill and reap every process of a registry of background children (measures here, rebuilds too)."""
    with lock:
        live = list(procs)
    for proc in live:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


# -- the child's side -----------------------------------------------------------------------------------------


def main(directory: Path) -> int:
    """Compute the jobs of ``directory/spec.pickle``; say ``start``/``progress``/``done`` on standard output."""
    out = _protocol_stream()
    spec = pickle.loads((directory / "spec.pickle").read_bytes())
    os.nice(spec.get("nice", 0))
    _leave_with_the_server()
    net = _network(directory, spec)

    every = spec.get("progress_every", PROGRESS_EVERY)

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    for job, (name, filters) in enumerate(spec["jobs"]):
        say(f"start {job}")
        _wait_for_gate()
        last = [time.monotonic()]

        def progress(share: float, job: int = job, last: list[float] = last) -> None:
            now = time.monotonic()
            if now - last[0] >= every:
                last[0] = now
                say(f"progress {job} {share:.4f}")

        try:
            result = compute(net, name, filters, progress)
        except Exception as error:  # noqa: BLE001 - reported as the measure's status, with its message
            log.exception("computing %s failed", name)
            result = {"measure": name, "status": "failed", "error": f"{type(error).__name__}: {error}"}
        _dump(directory / f"{job}.pickle", result)
        if spec["persist"] is not None and filters.empty and result.get("status") == "ready":
            _persist(spec["persist"], spec["stamp"], (name, filters.key), result)
        say(f"done {job}")
    return 0


def _protocol_stream() -> IO[str]:
    """Standard output kept for the protocol; whatever else prints goes to standard error."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return out


def _leave_with_the_server() -> None:
    """Exit as soon as the server closes our standard input (it stopped us, or it ended, however it ended)."""

    def watch() -> None:
        while os.read(0, 4096):  # the raw descriptor: no buffer lock held at the interpreter's exit
            pass
        os._exit(3)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def _wait_for_gate() -> None:
    gate = os.environ.get(GATE)
    while gate and not os.path.exists(gate):
        time.sleep(0.05)


def _network(directory: Path, spec: dict[str, Any]) -> Network:
    """The projection: read from the persisted file (refused if it is not the one the server has), made whole."""
    if "projection" not in spec:
        with (directory / "network.pickle").open("rb") as f:
            return pickle.load(f)
    from . import persist

    path, expect = spec["projection"]
    found = persist.read(Path(path), expect)
    if found is None:
        raise SystemExit(f"{path} is no longer the projection the server has")
    net = found[1]
    persist.fill(net)
    return net


def _dump(path: Path, value: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)


def _persist(path: Path, stamp: Any, key: tuple, result: dict[str, Any]) -> None:
    """Add ``result`` to the persisted measures of this version (one measure process at a time writes it)."""
    try:
        results = read_results(path, stamp) if path.exists() else {}
    except Exception:  # noqa: BLE001 - an unreadable file is written anew
        results = {}
    results[key] = result
    try:
        write_results(path, stamp, results)
    except OSError:
        log.exception("cannot persist the measures to %s", path)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s measures %(levelname)s %(message)s")
    sys.exit(main(Path(sys.argv[1])))
