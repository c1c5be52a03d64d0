"""The projection rebuilt in a process of its own after a write: building it is pure Python (about 40 s of CPU at
100k agreements, minutes at 1M) and, in a thread of the server, it would hold the interpreter (its GIL) from every
request meanwhile. Here a child (``python -m graph.network.rebuild_process DIR``) opens the on-disk store read-only
(the engine lets a reader open the files the server writes; it sees every committed write), builds the projection
from its scans (:func:`.build.build_network`), writes it beside the store as the server would
(:func:`.persist.write`, with the fingerprint of the data it read), says ``progress SHARE`` after each step and
``done`` at the end, then leaves; the server loads the file (columns: well under a second) and serves it. The
child runs at a lower priority (``os.nice``), one at a time per projection, leaves as soon as the server closes its
standard input (it never outlives the server), and the server reaps it.
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
from typing import Any

log = logging.getLogger(__name__)
#: A path: when set in its environment, the child waits for this file to exist before building (for tests).
GATE = "PARTNERGRAPH_REBUILD_GATE"
#: The steps the child reports, with the share of the work done after each (measured at 100k agreements).
STEPS = {"opened": 0.02, "concepts": 0.03, "types": 0.1, "facts": 0.55, "entrants": 0.6, "built": 0.85}

_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


class RebuildFailed(RuntimeError):
    """The child could not build or write the projection (its message says why)."""


def rebuild(
    store_path: Path,
    out: Path,
    header: dict[str, Any],
    progress: Callable[[float], None] | None = None,
    background: bool = True,
) -> None:
    """Build the projection of the on-disk store at ``store_path`` in a child process and write it to ``out``
    (``header`` plus the fingerprint of what it read); ``progress(share)`` on each step. The child runs at the
    background processes' lower priority unless ``background`` is false (someone waits for the first projection);
    half their increment (5): a rebuild is bounded work whose result people wait to see, a measure may take hours.
    Waits for the child, which is always reaped; raises :class:`RebuildFailed` when it did not write the file."""
    from .measure_process import _child_environment, nice_increment

    directory = Path(tempfile.mkdtemp(prefix="partnergraph-rebuild-"))
    try:
        spec = {
            "store": str(store_path),
            "out": str(out),
            "header": header,
            "nice": nice_increment() // 2 if background else 0,
        }
        (directory / "spec.pickle").write_bytes(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
        proc = subprocess.Popen(
            [sys.executable, "-m", "graph.network.rebuild_process", str(directory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_child_environment(),
            close_fds=True,
        )
        with _LIVE_LOCK:
            _LIVE.add(proc)
        done = False
        try:
            assert proc.stdout is not None and proc.stderr is not None
            errors: list[bytes] = []
            drain = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
            drain.start()
            for line in proc.stdout:
                parts = line.decode("utf-8", "replace").split()
                if parts[:1] == ["progress"] and len(parts) == 2 and progress is not None:
                    progress(float(parts[1]))
                elif parts == ["done"]:
                    done = True
            status = proc.wait()
            drain.join(5)
        finally:
            _end(proc)
        if status != 0 or not done:
            said = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
            raise RebuildFailed(f"the rebuild process ended with status {status}" + (f": {said[-1]}" if said else ""))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def live() -> list[int]:
    """The process ids of the rebuild processes running now."""
    with _LIVE_LOCK:
        return [p.pid for p in _LIVE if p.poll() is None]


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()  # reaped: no zombie
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    with _LIVE_LOCK:
        _LIVE.discard(proc)


@atexit.register
def stop_all() -> None:
    """End every rebuild process (at exit; a server killed outright closes their pipe, which ends them too)."""
    from .measure_process import end_every

    end_every(_LIVE, _LIVE_LOCK)


# -- the child's side -----------------------------------------------------------------------------------------


def main(directory: Path) -> int:
    """Build the projection the spec in ``directory`` names and write it; say each step on standard output."""
    from .measure_process import _leave_with_the_server, _protocol_stream

    out = _protocol_stream()
    spec = pickle.loads((directory / "spec.pickle").read_bytes())
    os.nice(spec.get("nice", 0))
    _leave_with_the_server()

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    from ..knowledge import KnowledgeGraph
    from ..store import OxigraphStore
    from . import persist
    from .build import build_network
    from .projection import fingerprint

    kg = KnowledgeGraph(OxigraphStore(spec["store"], read_only=True))
    say(f"progress {STEPS['opened']}")
    gate = os.environ.get(GATE)
    while gate and not os.path.exists(gate):
        time.sleep(0.05)
    stamp = fingerprint(kg)  # before the scans: a write meanwhile makes the stamp older, never newer, than the data
    net = build_network(kg, lambda step: say(f"progress {STEPS[step]}"))
    persist.write(Path(spec["out"]), net, {**spec["header"], "fingerprint": stamp})
    say("done")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s rebuild %(levelname)s %(message)s")
    sys.exit(main(Path(sys.argv[1])))
