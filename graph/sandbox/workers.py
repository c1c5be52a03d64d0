"""Worker processes: forked from a zygote, killable, without network, with a memory limit; a bounded queue.

Neither rdflib nor pyoxigraph can stop a query from Python, so requests run in worker processes forked
(copy-on-write) from a *zygote*: a process forked once from the app while the store holds its data. A request
past its time limit gets its worker killed (SIGKILL) and replaced; a worker has an address-space limit, and a
crash of the engine (a stack overflow, a segfault) costs that worker only. Workers drop into an empty network
namespace where the kernel allows it, so even a request that slipped past the guard cannot fetch anything.

In front of the workers sits a bounded queue: at most ``queue_size`` requests wait, each at most
``queue_wait`` seconds; beyond that a request is told at once that the server is busy. A request known to be slow
(from the time the same request took before) waits as if it had come later, and never takes the fast lane, so
cheap ones do not queue behind it.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import heapq
import itertools
import logging
import os
import pickle
import queue
import resource
import select
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from .results import Outcome, evaluate, preview_update

log = logging.getLogger("partnergraph.sparql")


def isolate_network() -> bool:
    """Move this (single-threaded) process into an empty network namespace; False where the kernel refuses."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(0x10000000 | 0x40000000) == 0  # CLONE_NEWUSER | CLONE_NEWNET
    except (OSError, AttributeError):
        return False


def _vm_size_bytes() -> int:
    """This process's current address-space size."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _prefer_to_be_killed(score: int) -> None:
    """Tell the kernel's OOM killer to pick this process before the server (a worker is cheap to replace)."""
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as adj:
        adj.write(str(score))


class Channel:
    """Length-prefixed pickles over one end of a socket pair: what multiprocessing's Connection does, with one
    write per message and the socket's poll object kept (no selector built per call)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._poll = select.poll()
        self._poll.register(sock, select.POLLIN)

    def send(self, message: Any) -> None:
        """Send one message (blocks until the socket took it all)."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        header = len(data).to_bytes(8, "little")
        if len(data) <= 65536:
            self.sock.sendall(header + data)
        else:  # a big answer: not copied once more
            self.sock.sendall(header)
            self.sock.sendall(data)

    def poll(self, timeout: float) -> bool:
        """True when a message (or the other end's closing) is there to read within ``timeout`` seconds."""
        return bool(self._poll.poll(max(0, int(timeout * 1000 + 0.999))))

    def recv(self) -> Any:
        """The next message (EOFError when the other end closed)."""
        return pickle.loads(self._read(int.from_bytes(self._read(8), "little")))

    def _read(self, size: int) -> bytearray:
        buffer = bytearray(size)
        view, got = memoryview(buffer), 0
        while got < size:
            n = self.sock.recv_into(view[got:])
            if n == 0:
                raise EOFError("the other end closed the channel")
            got += n
        return buffer

    def close(self) -> None:
        """Close this end."""
        self.sock.close()


def _worker_main(conn: Channel, store: ox.Store, memory_mb: int) -> None:
    """A worker: answer requests on ``conn`` until it closes. Runs in a forked child, never returns."""
    _prefer_to_be_killed(1000)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["RUST_BACKTRACE"] = "0"  # a request that runs out of memory aborts with one line
    faulthandler.disable()
    isolate_network()
    if memory_mb > 0:
        limit = _vm_size_bytes() + memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        op = request.pop("op", "query")
        conn.send(preview_update(store, request) if op == "update" else evaluate(store, request))
    os._exit(0)


def _zygote_main(control: socket.socket, store: ox.Store, memory_mb: int) -> None:
    """The zygote: fork a fresh worker whenever asked, hand its socket back. Never returns."""
    _prefer_to_be_killed(900)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            command = control.recv(1)
        except OSError:
            break
        if not command:
            break
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            ours.close()
            _worker_main(Channel(theirs), store, memory_mb)
            os._exit(0)
        theirs.close()
        socket.send_fds(control, [pid.to_bytes(8, "little")], [ours.fileno()])
        ours.close()
    os._exit(0)


def _close_inherited_pipes_and_sockets(keep: int) -> None:
    """In a forked child: close every pipe and socket inherited from the app (its listening socket, the pipes
    of its other child processes...); regular files stay (the on-disk engine reads through them)."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            with contextlib.suppress(OSError):
                os.close(fd)


#: A request that has run this long makes its worker count as busy with a slow one (see ``Pool.burst``).
SLOW_SECONDS = 0.2


def default_workers(memory_mb: int) -> int:
    """Workers for this machine: two per core, as many as the available memory gives each ``memory_mb``,
    at least 2 and at most 16."""
    cores = os.cpu_count() or 2
    available_mb = 0
    with contextlib.suppress(OSError, ValueError), open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                available_mb = int(line.split()[1]) // 1024
    by_memory = available_mb // max(256, memory_mb) if available_mb else 2
    return max(2, min(16, 2 * cores, by_memory))


class _Waiter:
    """A request waiting for a worker: its place in the queue, and the worker handed to it."""

    __slots__ = ("place", "order", "event", "worker", "queued", "gone")

    def __init__(self, place: float, order: int) -> None:
        self.place, self.order = place, order
        self.event = threading.Event()
        self.worker: Worker | None = None
        self.queued = False  # in the pool's heap
        self.gone = False  # stopped waiting (served another way, or refused)

    def __lt__(self, other: _Waiter) -> bool:
        return (self.place, self.order) < (other.place, other.order)


class Worker:
    """The parent's handle on one worker process (of one snapshot generation)."""

    def __init__(self, pid: int, conn: Channel, generation: int) -> None:
        self.pid = pid
        self.conn = conn
        self.generation = generation

    def kill(self) -> None:
        """Stop the process (SIGKILL) and close its socket."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()


class Busy(Exception):
    """No worker is free and the queue in front of them is full, or the wait for one ran out."""


class Pool:
    """A zygote of the store's current state and up to ``size`` workers forked from it, behind a bounded queue."""

    def __init__(
        self,
        store: Callable[[], ox.Store],
        *,
        size: int,
        memory_mb: int,
        queue_size: int,
        queue_wait: float,
        burst: int = 0,
    ) -> None:
        self.store = store  # called at each fork: the pool keeps no reference to the engine (it can close)
        self.size = max(1, size)
        #: Extra workers (the fast lane) started for a query not known to be slow when every worker is busy with
        #: a slow one (known to be slow, or running for a while): it does not queue behind them; retired once done.
        self.burst = max(0, burst)
        self._busy: dict[int, tuple[float, bool]] = {}  # pid -> when its current request started, known slow
        self.memory_mb = memory_mb
        self.queue_size = max(0, queue_size)
        self.queue_wait = queue_wait
        self.generation = 0
        self._lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._live = 0  # workers alive (idle or busy)
        self._waiting = 0  # requests waiting for a worker
        self._waiters: list[_Waiter] = []  # their places in the queue (a heap)
        self._order = itertools.count()
        self._closed = False
        self._zygote_pid = 0
        self._control: socket.socket | None = None
        self._start_zygote()

    def _start_zygote(self) -> None:
        """Fork the zygote from this process: it holds a copy-on-write snapshot of the store as it is now."""
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the zygote
            ours.close()
            _close_inherited_pipes_and_sockets(keep=theirs.fileno())
            try:
                _zygote_main(theirs, self.store(), self.memory_mb)
            finally:
                os._exit(0)
        theirs.close()
        self._zygote_pid, self._control = pid, ours

    def _spawn(self) -> Worker:
        """A fresh worker from the zygote; a zygote found dead (the kernel's OOM killer picks big processes, and
        a zygote shares the server's pages) is replaced by a new one from the store as it is, once."""
        for attempt in (1, 2):
            with self._lock:
                try:
                    if self._control is None:
                        raise OSError("no zygote")
                    self._control.sendall(b"w")
                    data, fds, _, _ = socket.recv_fds(self._control, 8, 1)
                    if not fds:
                        raise OSError("the zygote closed its socket")
                    channel = Channel(socket.socket(fileno=fds[0]))
                    return Worker(int.from_bytes(data, "little"), channel, self.generation)
                except OSError as error:
                    if attempt == 2 or self._closed:
                        raise
                    log.warning("the query zygote is gone (%s): starting a new one", error)
                    self._stop_zygote(self._control, self._zygote_pid)
                    self._start_zygote()
        raise AssertionError("unreachable")

    def acquire(self, cost: float = 0.0) -> Worker:
        """An idle worker of the current snapshot, a new one while fewer than ``size`` live (or in the fast lane,
        for a request not known to be slow), else wait in the bounded queue (:class:`Busy` when it is full or the
        wait runs out). ``cost``: the seconds the request is expected to take: a worker that comes back goes to the
        waiting request that came first, a slow one counted as having come later (see :meth:`_delay`)."""
        deadline = time.monotonic() + self.queue_wait
        slow = cost > SLOW_SECONDS
        waiter: _Waiter | None = None
        try:
            while True:
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    with self._count_lock:
                        lane = not slow and self._live < self.size + self.burst and self._all_slow()
                        grow = self._live < self.size or lane
                        if grow:
                            self._live += 1
                        elif waiter is None:
                            if self._waiting >= self.queue_size:
                                raise Busy(f"{self.size} workers busy, {self.queue_size} waiting") from None
                            self._waiting += 1
                            waiter = _Waiter(time.monotonic() + self._delay(cost), next(self._order))
                        if waiter is not None and not waiter.queued:
                            waiter.queued = True
                            heapq.heappush(self._waiters, waiter)
                    if grow:
                        try:
                            return self._spawn()
                        except OSError:
                            self.retire(None)
                            raise
                    if self._idle.qsize():
                        continue  # one came back meanwhile
                    assert waiter is not None
                    waiter.event.wait(max(0.0, min(0.25, deadline - time.monotonic())))
                    with self._count_lock:
                        worker, waiter.worker = waiter.worker, None
                        waiter.event.clear()
                    if worker is None:
                        if time.monotonic() >= deadline:
                            raise Busy(f"no query worker became free within {self.queue_wait:g} s") from None
                        continue
                if worker.generation == self.generation:
                    return worker
                self.retire(worker)
        finally:
            if waiter is not None:
                with self._count_lock:
                    self._waiting -= 1
                    waiter.gone = True
                    stray, waiter.worker = waiter.worker, None
                    if waiter.queued:  # its place leaves the queue now, not when a worker next comes back
                        waiter.queued = False
                        self._waiters.remove(waiter)
                        heapq.heapify(self._waiters)
                if stray is not None:  # handed over just as this request stopped waiting: to the next one
                    self._hand_on(stray)

    def _delay(self, cost: float) -> float:
        """How much later than it came a request expected to take ``cost`` seconds counts in the queue: 4× its cost,
        at most 2 s and at most half the queue wait (a wait set below 2 s must not make a known-slow one always
        lose its turn to cheap ones that came after it, until its own wait runs out: busy)."""
        return min(2.0, 4 * cost, self.queue_wait / 2)

    def _hand_on(self, worker: Worker) -> None:
        """An idle worker to the first waiting request (by its place: see :meth:`acquire`), else to the idle."""
        with self._count_lock:
            while self._waiters:
                waiter = heapq.heappop(self._waiters)
                waiter.queued = False
                if not waiter.gone:
                    waiter.worker = worker
                    waiter.event.set()
                    return
            self._idle.put(worker)

    def _all_slow(self) -> bool:
        """True when every live worker is busy with a request that has run for a while (call under the lock)."""
        now = time.monotonic()
        started = list(self._busy.values())  # a copy: another thread may start or end a request meanwhile
        return len(started) >= self._live and all(slow or now - t > SLOW_SECONDS for t, slow in started)

    def release(self, worker: Worker) -> None:
        """Give a worker back after a request it answered."""
        with self._count_lock:
            self._busy.pop(worker.pid, None)
        if self._closed or worker.generation != self.generation or self._live > self.size:
            self.retire(worker)
        else:
            self._hand_on(worker)

    def retire(self, worker: Worker | None) -> None:
        """Kill a worker (stopped, dead, stale or used for a write) and count it out."""
        if worker is not None:
            worker.kill()
        with self._count_lock:
            if worker is not None:
                self._busy.pop(worker.pid, None)
            self._live -= 1

    def call(self, request: dict[str, Any], timeout: float, keep: bool = True, cost: float = 0.0) -> Outcome:
        """Send one request to a worker and wait at most ``timeout`` seconds for its outcome (``cost``: the seconds
        it took the last time, if known: a slow one never takes the fast lane, and cheap ones pass it in the queue)."""
        slow = cost > SLOW_SECONDS
        try:
            worker = self.acquire(cost)
        except Busy as busy:
            return Outcome("busy", message=f"the server is busy ({busy}); try again in a moment")
        except OSError as error:  # fork refused (memory, process limit): an overload, not a bug of the request
            return Outcome("unavailable", message=f"no query worker could be started ({error}); try again in a moment")
        with self._count_lock:
            self._busy[worker.pid] = (time.monotonic(), slow)
        try:
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                self.retire(worker)
                return Outcome("timeout", message=f"ran longer than the limit of {timeout:g} s: stopped")
            outcome = worker.conn.recv()
        except (EOFError, OSError):
            self.retire(worker)
            return Outcome(
                "memory",
                message=f"stopped its worker process: it needed more memory than allowed ({self.memory_mb} MB) "
                "or crashed the engine",
            )
        except BaseException:  # an answer that cannot be read (a corrupt pickle or length header): its slot back
            self.retire(worker)
            raise
        self.release(worker) if keep else self.retire(worker)
        return outcome

    def refresh(self) -> None:
        """Take a new snapshot: a new zygote; older workers retire as they come back."""
        with self._lock:
            old_control, old_pid = self._control, self._zygote_pid
            self._start_zygote()
            self.generation += 1
        self._stop_zygote(old_control, old_pid)
        while True:
            try:
                self.retire(self._idle.get_nowait())
            except queue.Empty:
                break

    @staticmethod
    def _stop_zygote(control: socket.socket | None, pid: int) -> None:
        if control is not None:
            control.close()
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def close(self) -> None:
        """Stop every idle worker and the zygote (busy ones retire when they come back)."""
        self._closed = True
        while True:
            try:
                self.retire(self._idle.get_nowait())
            except queue.Empty:
                break
        self._stop_zygote(self._control, self._zygote_pid)
        self._control, self._zygote_pid = None, 0

    def worker_pids(self) -> list[int]:
        """The pids of the idle workers (for tests and monitoring)."""
        return [w.pid for w in list(self._idle.queue)]
