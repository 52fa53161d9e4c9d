"""Speaking, measuring and encoding on a Dask cluster (``--scheduler tcp://HOST:8786``).

Reading, planning, the cache, the catalog, the feed and every published file
stay on this machine: only the steps' calls go out, through the executor Dask
gives (``Client.get_executor``), the same way ``pipeline.run`` sends them to
local threads.  ``ClusterExecutor`` is that executor wrapped: a step whose
result is already in our cache runs here (it only reads the cache); the rest of
an episode's batch goes to a worker as bytes (``remote``), one task for all its
blocks' measuring or encoding, or all its speech, and what comes back is stored
in our cache, where a local run would have written it.

Before any work, ``connect`` reaches the scheduler (or fails within
``CONNECT_TIMEOUT_S``) and every worker says which audiobrief it runs;
``ClusterExecutor.for_engines`` asks each worker for the cache id of every
engine the run speaks with, so clips and segments are never mixed from two
versions.  ``distributed`` is imported only here, and only when a scheduler is
given.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import CancelledError, Executor, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Iterable, Optional

from audiobrief import __version__, remote, segments
from audiobrief.engines import engine_cache_id, install_hint
from audiobrief.errors import AudiobriefError, ClusterError, EngineUnavailable
from audiobrief.render import synthesize_batch

INSTALL = "pip install 'audiobrief[cluster]'"
#: an unreachable scheduler is reported after this long (and a lost one given up on)
CONNECT_TIMEOUT_S = 5
#: how often a call waiting for its result looks whether the client gave up
STATE_POLL_S = 1.0
AFTER_LOSS = "the episodes published before it and the feed are intact; run again to make the rest"
#: calls handed to Dask at once (each waits in a thread here): so many that its scheduler, not
#: our queue, picks what runs next (by ``PRIORITY``), and no worker waits while results travel
CALLS_IN_FLIGHT = 256
#: the files of blocks adding up to this many bytes stay on the cluster between a block's
#: steps (measured, limited, encoded, re-encoded), so each is sent once; the least recently
#: used are let go first
HELD_BYTES = 128 * 2**20
#: Dask runs the higher first: an episode's later steps before other episodes' speech, so
#: episodes finish (and are published here) while the workers speak the next ones
PRIORITY = {synthesize_batch: 0, segments.measure: 1, segments.measure_limited: 2, segments.encode: 3}
def worker_facts(specs: tuple) -> dict:
    """On a worker: its audiobrief version, and each engine's cache id (or why it has none)."""
    engines = {}
    for spec in specs:
        try:
            engines[spec] = ("ok", engine_cache_id(spec))
        except AudiobriefError as exc:
            engines[spec] = ("missing", str(exc))
    return {"version": __version__, "engines": engines}


def check_versions(facts: dict, address: str) -> None:
    """Stop unless every worker runs this audiobrief (``facts``: worker -> ``worker_facts`` or the error)."""
    if not facts:
        raise ClusterError(f"the Dask scheduler at {address} has no workers; start some with "
                           f"`dask worker {address}` on machines with audiobrief installed")
    for worker, found in sorted(facts.items()):
        if isinstance(found, BaseException):
            raise ClusterError(f"worker {worker} cannot run audiobrief ({type(found).__name__}: {found}); "
                               f"install audiobrief {__version__} there")
        if found["version"] != __version__:
            raise ClusterError(f"worker {worker} runs audiobrief {found['version']}, this machine "
                               f"{__version__}; install the same version on every worker")


def workers_for(specs: Iterable, facts: dict, address: str) -> list[str]:
    """The workers that have every engine in ``specs``, each with our cache id; a worker with
    another engine version stops the run, and so does a cluster with no worker for an engine."""
    usable = set(facts)
    for spec in specs:
        ours = engine_cache_id(spec)
        having = set()
        for worker, found in sorted(facts.items()):
            state, value = found["engines"][spec]
            if state == "ok" and value != ours:
                raise ClusterError(f"worker {worker} speaks {spec.name} as {value!r}, this machine as "
                                   f"{ours!r}; install the same engine and voice versions everywhere")
            if state == "ok":
                having.add(worker)
        if not having:
            raise EngineUnavailable(f"no worker of the cluster at {address} has the {spec.name} engine "
                                    f"(voice {spec.voice or spec.language}); on each worker: {install_hint(spec.name)}")
        usable &= having
    if not usable:
        raise EngineUnavailable(f"no worker of the cluster at {address} has all the engines this run speaks with; "
                                "install them on the same workers")
    return sorted(usable)


class Cluster:
    """A connection to a Dask scheduler whose workers run our version of audiobrief."""

    def __init__(self, address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError(f"--scheduler needs Dask's distributed package: {INSTALL}") from None
        self.address = address
        import dask

        # a long section's clips (over 10 MB: four minutes of speech) travel in its block's task on
        # purpose, once (``HeldBlocks``); Dask would print a warning of several lines on stderr
        dask.config.set({"distributed.admin.large-graph-warning-threshold": "1GB"})
        # our own one-line errors say what went wrong; Dask's log lines would come on top of them
        # (tornado, under Dask, logs a lost connection's traceback at ERROR)
        for name in ["distributed", "tornado", *logging.root.manager.loggerDict]:
            if name.startswith(("distributed", "tornado")):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, asyncio.TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address} ({_short(exc)}); start it with "
                               "`dask scheduler`, or fix --scheduler / [cluster] scheduler") from None
        try:
            check_versions(self.client.run(worker_facts, (), on_error="return"), address)
        except BaseException:
            self.close()
            raise

    def executor(self, specs: Iterable) -> "ClusterExecutor":
        """An executor for ``pipeline.run`` on the workers that have every engine in ``specs``."""
        specs = tuple(sorted(set(specs), key=repr))
        facts = self.client.run(worker_facts, specs, on_error="return")
        check_versions(facts, self.address)
        workers = workers_for(specs, facts, self.address)
        return ClusterExecutor(self.client, self.address, workers, CALLS_IN_FLIGHT)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _short(exc: BaseException) -> str:
    """What went wrong, on one line: the exception's message, or its kind if it says nothing more."""
    said = " ".join(str(exc).split())[:200]
    kind = type(exc).__name__
    return kind if said in ("", kind) else said


#: what a lost scheduler or worker raises through a future (anything else is the step's own error)
def _cluster_failures() -> tuple:
    from distributed.client import ClosedClientError
    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    return CancelledError, ClosedClientError, CommClosedError, KilledWorker, OSError, asyncio.TimeoutError


class ClusterExecutor(Executor):
    """Runs ``pipeline.run``'s calls on the cluster, with inputs and outputs as bytes.

    An episode's batch (``submit_batch``) goes out as one task per step it calls (its
    speech, or its blocks' measuring or encoding), not one per call: Dask's bookkeeping
    is per task. Each batch waits for its results in a thread of its own (``in_flight``
    of them), which stores them in our cache before the pipeline sees them."""

    def __init__(self, client, address: str, workers: list, in_flight: int) -> None:
        self.client, self.address = client, address
        self.remote = client.get_executor(workers=workers, allow_other_workers=False)
        self.held = HeldBlocks(client, workers, HELD_BYTES)
        self.waiting = ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="audiobrief-cluster")
        self.failures = _cluster_failures()
        self.lost: Optional[str] = None  # why the cluster was lost, said once for the whole run

    def raise_if_lost(self) -> None:
        """One error for the run when the cluster was lost (each unfinished episode failed with it)."""
        if self.lost is not None:
            raise ClusterError(self.lost)

    def _lose(self, why: str) -> ClusterError:
        if self.lost is None:
            self.lost = f"the cluster at {self.address} {why}; {AFTER_LOSS}"
        return ClusterError(self.lost)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self.submit_batch([(fn, args)])[0]

    def submit_batch(self, calls: list) -> list[Future]:
        """A future per (fn, args) of ``calls``, all settled by one waiting thread."""
        futures = [Future() for _ in calls]
        self.waiting.submit(self._batch, calls, futures)
        return futures

    def _batch(self, calls: list, futures: list) -> None:
        """Send each step's share of ``calls`` to a worker as one task, run cache hits here, and
        settle each call's future with its result or its group's error."""
        groups: dict = {}  # the step sent to a worker (None: run here) -> indices of its calls
        for index, (fn, args) in enumerate(calls):
            away = fn is synthesize_batch or (fn in remote.BLOCK_STEPS and not segments.cached(fn, args))
            groups.setdefault(fn if away else None, []).append(index)
        sent = []
        for fn, indices in groups.items():
            if fn is not None:
                sent.append((fn, indices, _outcome(lambda: self._send(fn, [calls[i][1] for i in indices]))))
        for index in groups.get(None, []):
            fn, args = calls[index]
            _settle([futures[index]], _outcome(lambda: [fn(*args)]))
        for fn, indices, (task, error) in sent:
            if error is None:
                task, error = _outcome(lambda: self._receive(fn, [calls[i][1] for i in indices], task))
            _settle([futures[i] for i in indices], (task, error))

    def _send(self, fn, arglist: list):
        """The Dask future of one task running ``fn`` on every argument tuple of ``arglist``."""
        key = f"audiobrief-{fn.__name__}-{uuid.uuid4().hex}"
        try:
            if fn is synthesize_batch:
                return self.remote.submit(remote.speak_all, arglist, priority=PRIORITY[fn], pure=False, key=key)
            held = self.held.files_of([args[0] for args in arglist], PRIORITY[fn])
            futures = list({future.key: future for _, future, _ in held}.values())
            at = {future.key: i for i, future in enumerate(futures)}
            items = [(packed, args[1:], at[future.key], block_key)
                     for (packed, future, block_key), args in zip(held, arglist)]
            return self.remote.submit(remote.run_block_steps, fn, items, *futures,
                                      priority=PRIORITY[fn], pure=False, key=key)
        except self.failures as exc:
            raise self._lose(f"failed mid-run ({_short(exc)})") from None

    def _receive(self, fn, arglist: list, task) -> list:
        """The results of a task from ``_send``, each stored in our cache as a local run would."""
        made = self._wait(task)
        if fn is synthesize_batch:
            return [remote.keep_clips(jobs, clips) for (_, jobs), clips in zip(arglist, made)]
        return [segments.keep(fn, args, result, mp3) for args, (result, mp3) in zip(arglist, made)]

    def _wait(self, future):
        """A task's result; a lost worker is rescheduled by Dask, a lost cluster is a ClusterError
        (a future of a client that gave up on its scheduler may never finish: its state is looked
        at). Task keys name the step, not the arguments (Dask would hash every byte of them)."""
        try:
            while True:
                try:
                    return future.result(timeout=STATE_POLL_S)
                except FutureTimeout:
                    if self.client.status not in ("running", "connecting"):
                        raise self._lose(f"was lost mid-run (no answer for {CONNECT_TIMEOUT_S} s)") from None
        except self.failures as exc:
            raise self._lose(f"failed mid-run ({_short(exc)})") from None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.waiting.shutdown(wait=wait, cancel_futures=cancel_futures)
        self.held.let_go()
        try:
            self.remote.shutdown(wait=wait and not cancel_futures)  # Dask's: not waiting cancels
        except self.failures:
            pass  # the cluster is gone: nothing is left on it to cancel


def _outcome(work) -> tuple:
    """(what ``work()`` returned, None), or (None, the exception it raised)."""
    try:
        return work(), None
    except Exception as exc:  # noqa: BLE001 - delivered through the calls' futures
        return None, exc


def _settle(futures: list, outcome: tuple) -> None:
    """Give each future its result from ``outcome`` (a list, in order), or its error."""
    results, error = outcome
    for i, future in enumerate(futures):
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(results[i])


class HeldBlocks:
    """Each block's files, sent to the cluster once for all of the block's steps.

    The files of a batch's new blocks travel as a task of their own (``remote.held``,
    a dict by block key) that the steps take as an argument: Dask runs a step where its
    files are, and makes them again from the task if the worker holding them dies.
    Blocks adding up to more than ``limit`` bytes are let go, least recently used first
    (a step already waiting for them keeps them until it is done)."""

    def __init__(self, client, workers: list, limit: int) -> None:
        self.client, self.workers, self.limit = client, workers, limit
        self.blocks: OrderedDict[str, tuple] = OrderedDict()  # block key -> (packed block, future, bytes)
        self.size = 0
        self.lock = threading.Lock()

    def files_of(self, blocks: list, priority: int) -> list[tuple]:
        """For each block: (it with its files renamed, the future of a dict holding its files
        on the cluster, its key in that dict)."""
        with self.lock:
            known = {b.key: self.blocks[b.key] for b in blocks if b.key in self.blocks}
            for key in known:
                self.blocks.move_to_end(key)
        new = {}
        for block in blocks:
            if block.key not in known and block.key not in new:
                new[block.key] = remote.pack_block(block)
        if new:
            future = self.client.submit(remote.held, {key: files for key, (_, files) in new.items()}, pure=False,
                                        key=f"audiobrief-files-{uuid.uuid4().hex}", workers=self.workers,
                                        allow_other_workers=False, priority=priority)
            fresh = {key: (packed, future, sum(map(len, files.values()))) for key, (packed, files) in new.items()}
            known.update(fresh)
            with self.lock:
                for key, entry in fresh.items():
                    if key not in self.blocks:  # else another batch sent them meanwhile
                        self.blocks[key] = entry
                        self.size += entry[2]
                while self.size > self.limit and len(self.blocks) > 1:
                    self.size -= self.blocks.popitem(last=False)[1][2]
        return [(known[b.key][0], known[b.key][1], b.key) for b in blocks]

    def let_go(self) -> None:
        with self.lock:
            self.blocks.clear()
            self.size = 0
