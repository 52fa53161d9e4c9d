"""Parallel rendering of many episodes through one ``concurrent.futures.Executor``.

Each episode is a generator of steps: it yields a batch of calls (plain
top-level functions with picklable arguments), receives their results, and
finally returns what it made.  ``run`` submits every episode's current batch
to the executor and advances an episode when its batch is done, so
synthesis and encoding of different sections and different articles overlap
on every worker.  Results never depend on which worker did what, or in
which order: the output is the same for any ``--jobs``.

The executor is anything with ``submit`` returning futures.  ``make_executor``
gives a ``ThreadPoolExecutor`` for ``--jobs N``: the heavy calls (lameenc,
soxr, numpy's FFTs and array arithmetic) release the GIL, so N threads keep N
cores busy with no process start-up and no second copy of every import
(measured: 2 threads encode 2.3x as fast as one, and the limiter 1.9x).
Synthesis in-process is serialised by ``render.synthesize_batch`` (an engine
is process-wide state); big batches speak in spawned worker processes
(``engines.pool.synthesize_all``) beside the render threads, and each article's
episode joins ``run`` through its ``arrivals`` queue once its clips are made.  ``InlineExecutor`` serves ``--jobs 1``; a
distributed engine's executor can be passed to ``run`` the same way (one with
``submit_batch`` is given each batch whole, see ``submit_all``).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Generator, Optional, Sequence

from audiobrief.logs import route_warnings


@dataclass(frozen=True)
class Call:
    fn: Callable
    args: tuple
    weight: int = 1  # progress units this call stands for


Steps = Generator[list, list, Any]


class InlineExecutor(Executor):
    """Runs each call at once in this process (``--jobs 1``)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # delivered through the future, as a pool would
            future.set_exception(exc)
        return future


def make_executor(jobs: int, processes: bool = False) -> Executor:
    """``jobs`` threads of this process, or this process's own thread for 1.

    ``processes``: spawned worker processes instead, for long work. Threads share
    one process, so its peak memory is the main process's (the scripts, clip
    lists and cues of every article) plus every thread's block buffers; a
    2-hour episode peaked at 249 MB on 2 threads, over the 200 MB budget, and
    at 134 MB with worker processes, where each process holds only its own."""
    if jobs <= 1:
        return InlineExecutor()
    if processes:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=worker_started)

    return ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="audiobrief-render")


def worker_started() -> None:
    """Initializer of every spawned worker: it ends with its parent, and it
    leaves Ctrl-C to the parent, which stops the pool (a terminal sends SIGINT
    to the whole process group, and each interrupted worker printed a
    traceback under the parent's one-line message).  A worker still starting
    up has no such protection: Python resets a thread's signal mask for the
    processes it spawns, and only the main thread may ignore a signal."""

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    route_warnings()
    exit_with_parent()


def exit_with_parent() -> None:
    """In a spawned worker: end this process when the one that started it dies.

    A pool's workers wait for work on a queue whose write end they hold
    themselves, so a parent killed with SIGKILL (nothing to shut the pool
    down) would leave them waiting forever. The parent's sentinel becomes
    ready when it exits; a daemon thread blocks on it, costing nothing."""

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)  # half-written cache files are temp files; the next run removes them

    threading.Thread(target=watch, name="audiobrief-parent-watch", daemon=True).start()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


#: while episodes may still arrive, the wait for finished calls wakes this often to look for them
ARRIVAL_POLL_S = 0.05


def run(episodes: dict, executor: Executor, on_step: Optional[Callable[[Any, int], None]] = None,
        on_done: Optional[Callable[[Any, Any, Optional[BaseException]], None]] = None,
        arrivals: Optional[Any] = None) -> None:
    """Drive every episode's steps to the end.

    ``episodes`` maps an id to a generator.  ``on_step(id, units)`` reports
    progress; ``on_done(id, result, error)`` is called once per episode, in
    this process, as soon as it is finished or has failed (one failing
    episode does not stop the others).  ``arrivals``: a ``queue.Queue`` of
    more ``(id, generator)`` pairs that become ready while the others run
    (an article whose speech is done), ended by ``None``; ``run`` returns
    only once that end has arrived and every episode is finished.
    """
    driver = _Driver(executor, on_step or (lambda eid, units: None), on_done or (lambda eid, result, error: None))
    for eid, gen in dict(episodes).items():
        driver.start(eid, gen)
    waiting_for_more = arrivals is not None
    while driver.pending or waiting_for_more:
        while waiting_for_more:
            try:  # block for the next arrival only when there is nothing else to wait for
                item = arrivals.get(block=not driver.pending)
            except queue.Empty:
                break
            if item is None:
                waiting_for_more = False
                break
            driver.start(*item)
        if driver.pending:
            done, _ = wait(list(driver.pending), timeout=ARRIVAL_POLL_S if waiting_for_more else None,
                           return_when=FIRST_COMPLETED)
            for future in done:
                driver.finished(future)


def submit_all(executor: Executor, batch: Sequence[Call]) -> list[Future]:
    """A future per call of ``batch``: through the executor's ``submit_batch`` if it has one
    (a cluster sends a batch as one task: its bookkeeping is per task), else call by call."""
    submit_batch = getattr(executor, "submit_batch", None)
    if submit_batch is not None:
        return submit_batch([(call.fn, call.args) for call in batch])
    return [executor.submit(call.fn, *call.args) for call in batch]


class _Driver:
    """The episodes in flight: each one's generator, its current batch and the futures of its calls."""

    def __init__(self, executor: Executor, on_step: Callable, on_done: Callable) -> None:
        self.executor, self.on_step, self.on_done = executor, on_step, on_done
        self.pending: dict[Future, tuple] = {}  # future -> (episode id, index in its batch)
        self.gens: dict[Any, Steps] = {}
        self.batches: dict[Any, list] = {}  # episode id -> results of its current batch
        self.remaining: dict[Any, int] = {}  # episode id -> calls of its batch not finished yet
        self.calls: dict[Any, Sequence[Call]] = {}
        self.failed: set = set()

    def start(self, eid, gen: Steps) -> None:
        self.gens[eid] = gen
        self.advance(eid, None)

    def advance(self, eid, value) -> None:
        """Send the last batch's results; submit the next batch (or report the episode done)."""
        while True:
            try:
                batch = self.gens[eid].send(value)
            except StopIteration as stop:
                self.on_done(eid, stop.value, None)
                return
            except Exception as exc:  # noqa: BLE001 - reported per episode
                self.on_done(eid, None, exc)
                return
            if batch:
                break
            value = []
        self.calls[eid] = batch
        self.batches[eid] = [None] * len(batch)
        self.remaining[eid] = len(batch)
        for index, future in enumerate(submit_all(self.executor, batch)):
            self.pending[future] = (eid, index)

    def finished(self, future: Future) -> None:
        eid, index = self.pending.pop(future)
        if eid in self.failed:
            return
        error = future.exception()
        if error is not None:  # the episode may handle it; else it has failed
            self.failed.add(eid)
            try:
                self.gens[eid].throw(error)
            except StopIteration as stop:
                self.on_done(eid, stop.value, None)
            except Exception as exc:  # noqa: BLE001
                self.on_done(eid, None, exc)
            return
        self.batches[eid][index] = future.result()
        self.on_step(eid, self.calls[eid][index].weight)
        self.remaining[eid] -= 1
        if not self.remaining[eid]:
            self.advance(eid, self.batches.pop(eid))
