"""Many clips at once: in this process, or in a pool of *spawned* workers.

Each worker holds one warm engine (one model load per worker).  Never fork:
a child forked after the parent initialised espeak hangs.  A clip whose worker
runs past ``clips.job_timeout`` has its worker killed and is retried; a worker
that dies (a crash in the engine's own code) is replaced, up to
``MAX_WORKER_DEATHS`` times.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..errors import SynthesisError
from ..pipeline import worker_started
from .child import speak_here
from .clips import ATTEMPTS, FIX, fault, job_timeout, run_job
from .protocol import Engine, EngineSpec, SynthJob
from .registry import get_engine

log = logging.getLogger(__name__)

#: worker processes that may die in one build before it gives up
MAX_WORKER_DEATHS = 3
#: how often the pool looks for a clip that has run past its time
HANG_SCAN_S = 0.2
#: set in every pool worker: engines limit their own threads there (one core each)
POOL_WORKER_ENV = "AUDIOBRIEF_POOL_WORKER"


def in_pool_worker() -> bool:
    """True in a spawned worker of this pool."""
    return os.environ.get(POOL_WORKER_ENV) == "1"


# Worker-process state: one warm engine per spawned worker.
_worker_engine: Optional[Engine] = None
_worker_error: Optional[BaseException] = None
_worker_rate: Optional[int] = None


def _init_worker(spec: EngineSpec) -> None:
    """Pool initializer: build the worker's engine once.  A failure is kept and
    raised by each job, so the parent sees the real error (a ConfigError, say)
    instead of a broken pool."""
    global _worker_engine, _worker_error, _worker_rate
    worker_started()
    _worker_rate = spec.rate
    os.environ[POOL_WORKER_ENV] = "1"
    try:
        _worker_engine = get_engine(spec)
    except Exception as exc:
        _worker_error = exc


def _work(job: SynthJob, on_made: Optional[Callable[[Path], None]] = None) -> str:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_engine is not None
    if fault("hang"):
        time.sleep(10_000)
    if fault("die"):
        os._exit(9)
    run_job(_worker_engine, job, _worker_rate)
    if on_made is not None:
        on_made(Path(job.wav_path))
    return job.wav_path


def check_texts(jobs: Sequence[SynthJob], spec: EngineSpec) -> None:
    """Let the engine refuse text it cannot say before any clip is made."""
    engine = get_engine(spec)
    for job in jobs:
        engine.check_text(job.text)


def synthesize_all(
    jobs: Sequence[SynthJob],
    spec: EngineSpec,
    workers: int = 1,
    on_done: Optional[Callable[[SynthJob], None]] = None,
    on_made: Optional[Callable[[Path], None]] = None,
    cancel: Optional[Any] = None,
) -> None:
    """Make every clip in ``jobs``, in their order.

    ``workers <= 1``: one after another in a child process of this one
    (``child.speak_here``), so an engine crash is an error naming the clip.  ``workers >= 2``: a ``ProcessPoolExecutor``
    of spawned processes, one warm engine each.  ``on_made(path)`` is called
    on each good clip where it was made (in a worker: it must be a top-level
    function); ``on_done(job)`` is then called in this process.  A clip that
    cannot be made raises ``SynthesisError`` naming its label.  Once
    ``cancel`` (a ``threading.Event``) is set, no more clips are started and
    the call returns without the rest.
    """
    jobs = list(jobs)
    if not jobs:
        return
    cancel = cancel if cancel is not None else threading.Event()  # never set
    check_texts(jobs, spec)
    if workers <= 1:
        for job in jobs:
            if cancel.is_set():
                return
            speak_here(spec, [job], on_made)
            if on_done is not None:
                on_done(job)
        return
    _Pool(jobs, spec, workers, on_done, on_made, cancel).run()


def _kill_workers(pool: Any) -> None:
    """Kill a pool's processes (a hung espeak cannot be interrupted from inside)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except Exception:
            pass


class _Pool:
    """One run of ``synthesize_all`` over worker processes: rounds of a pool
    until every clip is made; a round ends early when a clip hangs or a
    worker dies, and the next round redoes what was left."""

    def __init__(self, jobs: list[SynthJob], spec: EngineSpec, workers: int,
                 on_done: Optional[Callable[[SynthJob], None]],
                 on_made: Optional[Callable[[Path], None]], cancel: Any) -> None:
        self.spec, self.workers, self.on_done, self.on_made, self.cancel = spec, workers, on_done, on_made, cancel
        self.pending = dict(enumerate(jobs))
        self.hangs = {index: 0 for index in self.pending}
        self.deaths = 0

    def finish(self, index: int) -> None:
        job = self.pending.pop(index)
        if self.on_done is not None:
            self.on_done(job)

    def run(self) -> None:
        while self.pending:
            hung, broken = self._round()
            if self.cancel.is_set():
                return
            if hung is not None and hung in self.pending:
                self._hung(hung)
            elif broken:
                self._died()

    def _round(self) -> tuple[Optional[int], bool]:
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(self.pending)),
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.spec,))
        futures: dict[Any, int] = {}
        hung: Optional[int] = None
        broken = False
        # finished futures arrive through a queue: waiting on every future after
        # each clip (concurrent.futures.wait) costs this process O(clips^2)
        arrived: Any = queue.SimpleQueue()
        try:
            for index in sorted(self.pending):  # in the caller's order (build: article by article)
                future = pool.submit(_work, self.pending[index], self.on_made)
                futures[future] = index
                future.add_done_callback(arrived.put)
            hung, broken = self._collect(futures, arrived)
        finally:
            if hung is not None or broken or self.cancel.is_set():
                _kill_workers(pool)  # cancelled: a long clip (or a hung one) is not waited for
            pool.shutdown(wait=True, cancel_futures=True)
        if broken or hung is not None:
            # keep what did finish before the kill or crash; redo the rest
            for future, index in futures.items():
                if index in self.pending and future.done() and not future.cancelled() and future.exception() is None:
                    self.finish(index)
        return hung, broken

    def _collect(self, futures: dict, arrived: Any) -> tuple[Optional[int], bool]:
        """Wait for the round's clips; (a hung clip's index, whether a worker died)."""
        started: dict[Any, float] = {}
        left = len(futures)
        next_scan = time.monotonic() + HANG_SCAN_S
        while left and not self.cancel.is_set():
            try:
                future = arrived.get(timeout=max(0.0, next_scan - time.monotonic()))
            except queue.Empty:
                future = None
            if future is not None:
                left -= 1
                try:
                    future.result()  # re-raises the worker's SynthesisError / ConfigError
                except BrokenProcessPool:
                    return None, True
                self.finish(futures[future])
            now = time.monotonic()
            if now < next_scan:
                continue
            next_scan = now + HANG_SCAN_S
            for future, index in futures.items():
                if index in self.pending and future.running():
                    since = started.setdefault(future, now)
                    # a "running" future may still sit in the call queue behind
                    # one other clip: allow for that before calling it hung
                    if now - since > 2 * job_timeout(self.pending[index].text):
                        return index, False
        return None, False

    def _hung(self, index: int) -> None:
        self.hangs[index] += 1
        job = self.pending[index]
        limit = 2 * job_timeout(job.text)
        if self.hangs[index] >= ATTEMPTS:
            raise SynthesisError(f"could not synthesise {job.label}: the speech engine hung "
                                 f"(no clip after {limit:.0f} s, {ATTEMPTS} attempts); {FIX}")
        log.warning("speech for %s hung for %.0f s; worker killed, trying again", job.label, limit)

    def _died(self) -> None:
        self.deaths += 1
        left = list(self.pending.values())
        if self.deaths > MAX_WORKER_DEATHS and left:
            raise SynthesisError(
                f"a speech worker process died {self.deaths} times while making clips; {len(left)} not made, "
                f"starting with {left[0].label}; the speech engine crashed on that text: simplify it, "
                "or set workers to 1 to see the engine's own error")
        log.warning("a speech worker process died; replaced (%d clip(s) left)", len(self.pending))
