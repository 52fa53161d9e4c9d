"""Speech engines: the protocol, the registry by name, and the parallel pool.

An engine turns one piece of text into one mono 16-bit WAV.  Engines are looked
up by name and imported only when chosen, so importing this package stays cheap
(no pyttsx3, no espeak).  Each engine module provides::

    create(spec: EngineSpec) -> Engine
    list_voices() -> list[dict]        # [{"id", "name", "languages"}]

``synthesize_all`` makes many clips, in this process (``workers <= 1``) or in a
pool of *spawned* worker processes, each holding one warm engine.  Never fork:
a child forked after the parent initialised espeak hangs.
"""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Protocol, Sequence, runtime_checkable

from ..errors import ConfigError, EngineUnavailable, SynthesisError

__all__ = [
    "Engine",
    "EngineSpec",
    "SynthJob",
    "engine_cache_id",
    "all_voices",
    "get_engine",
    "install_hint",
    "known_engines",
    "list_voices",
    "register_engine",
    "synthesize_all",
]

log = logging.getLogger(__name__)


@runtime_checkable
class Engine(Protocol):
    """What the build needs from a speech engine."""

    name: str

    def cache_id(self) -> str:
        """Stable text covering engine name, engine and library versions, voice,
        rate and sample format: a clip cached under another id is not reused."""
        ...

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit WAV at ``wav_path``, verified non-empty.

        Raises ``SynthesisError`` when no usable clip could be made and
        ``ValueError`` for empty text."""
        ...


@dataclass(frozen=True)
class EngineSpec:
    """Which engine and voice to use.  Picklable: it is sent to spawned workers."""

    name: str = "pyttsx3"
    #: engine voice id, e.g. "gmw/en" or "en" (espeak also takes "en+f3");
    #: None = the engine's voice for ``language``
    voice: Optional[str] = None
    #: words per minute; None = the engine's default (175 for pyttsx3)
    rate: Optional[int] = None
    #: used to pick a voice when ``voice`` is None
    language: str = "en"


@dataclass(frozen=True)
class SynthJob:
    """One clip to make."""

    text: str
    wav_path: str
    #: human name used in errors, e.g. 'section 3 "Arms Deals and Timing"'
    label: str


# ------------------------------------------------------------------ registry

#: engine name -> (module providing create/list_voices, the install command that provides it)
_REGISTRY: dict[str, tuple[str, str]] = {
    "pyttsx3": ("audiobrief.engines.pyttsx3_engine", "pip install pyttsx3 espeakng-loader"),
    "piper": ("audiobrief.engines.piper_engine", "pip install 'audiobrief[piper]'"),
}

#: one engine per spec per process (espeak is a per-process singleton anyway)
_ENGINES: dict[EngineSpec, Engine] = {}


def register_engine(name: str, module: str, install: str) -> None:
    """Make an engine available by name; ``install`` is the command that fixes
    a missing dependency, e.g. ``pip install 'audiobrief[piper]'``."""
    _REGISTRY[name] = (module, install)


def known_engines() -> list[str]:
    return sorted(_REGISTRY)


def engine_distributions() -> tuple[str, ...]:
    """The installed packages whose version changes what the engines say (for cache stamps)."""
    return ("pyttsx3", "espeakng_loader", "piper")


def _engine_module(name: str) -> Any:
    try:
        module_name, install = _REGISTRY[name]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown engine {name!r}; known engines: {', '.join(known_engines())}"
        ) from None
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            raise  # our own module is missing: a packaging bug, not a user error
        raise EngineUnavailable(
            f"engine {name!r} needs the {missing or 'missing'} package; install it with `{install}`"
        ) from exc


#: the speaking rates, in words per minute, that every engine honours (espeak-ng's range)
MIN_RATE, MAX_RATE = 80, 450
DEFAULT_RATE = 175


def checked_rate(rate: Any, note: str = "") -> int:
    """``rate`` (None = the default) as words per minute, or a ConfigError with the fix."""
    rate = DEFAULT_RATE if rate is None else rate
    if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
        raise ConfigError(f"rate {rate!r} is not usable: give words per minute, "
                          f"a whole number from {MIN_RATE} to {MAX_RATE} (default {DEFAULT_RATE}{note})")
    return rate


def get_engine(spec: EngineSpec) -> Engine:
    """The engine for ``spec``, created on first use and reused in this process.

    Raises ``ConfigError`` for an unknown engine name, voice or rate, and
    ``EngineUnavailable`` (naming the ``pip install`` that fixes it) when the
    engine's dependencies are missing.
    """
    engine = _ENGINES.get(spec)
    if engine is None:
        engine = _engine_module(spec.name).create(spec)
        _ENGINES[spec] = engine
    return engine


def engine_cache_id(spec: EngineSpec) -> str:
    """The cache id of ``spec``'s engine (creates the engine if needed)."""
    return get_engine(spec).cache_id()


def list_voices(spec_name: str = "pyttsx3") -> list[dict]:
    """``[{"id": ..., "name": ..., "languages": [...]}]`` for the named engine
    (engines may add keys, e.g. ``sample_rate``)."""
    return _engine_module(spec_name).list_voices()


def install_hint(name: str) -> str:
    """The command that installs engine ``name``."""
    return _REGISTRY[name][1]


def all_voices() -> list[tuple[str, Optional[list[dict]], Optional[str]]]:
    """``(engine, voices, problem)`` for every known engine: ``voices`` is None
    and ``problem`` says why (with the install command) when it is not available."""
    result: list[tuple[str, Optional[list[dict]], Optional[str]]] = []
    for name in known_engines():
        try:
            result.append((name, list_voices(name), None))
        except EngineUnavailable as exc:
            result.append((name, None, str(exc)))
    return result


# ------------------------------------------------------------------ making clips

_FIX = "try again, set workers to 1, or simplify that text (very long paragraphs, unusual characters)"

#: tries per clip: a clip that comes out silent or truncated, or whose worker
#: hangs, is made again up to this many times in all
ATTEMPTS = 3
#: worker processes that may die in one build before it gives up
MAX_WORKER_DEATHS = 3
#: a clip shorter than this per word (at 175 wpm, scaled by the rate) is truncated;
#: real speech is ~0.3 s per word, espeak's fastest ("a a a ...") 0.05 s
MIN_SECONDS_PER_WORD = 0.025
#: peak sample below which a clip with words in it counts as silent
SILENT_PEAK = 16


def job_timeout(text: str) -> float:
    """Seconds a clip may take before its worker counts as hung: scales with the
    text. ``AUDIOBRIEF_SYNTH_TIMEOUT="base,per_word"`` overrides (tests)."""
    import os

    base, per_word = 40.0, 0.2
    override = os.environ.get("AUDIOBRIEF_SYNTH_TIMEOUT")
    if override:
        first, _, second = override.partition(",")
        base, per_word = float(first), float(second or 0)
    words = len(text.split())
    return base + per_word * words + (words / 1000) ** 2


def clip_problem(path: Path, text: str, rate: Optional[int]) -> Optional[str]:
    """What is wrong with a finished clip (None when it is usable): missing,
    unreadable, empty, silent, or too short for its number of words."""
    import re
    import wave

    try:
        with wave.open(str(path), "rb") as w:
            width, nframes, framerate = w.getsampwidth(), w.getnframes(), w.getframerate()
            frames = w.readframes(nframes)
    except FileNotFoundError:
        return "no file was written"
    except (wave.Error, EOFError, OSError) as exc:
        return f"not a readable WAV ({exc})"
    if nframes <= 0 or not frames:
        return "empty clip (0 frames)"
    if len(frames) < nframes * width:
        return f"truncated clip ({len(frames) // width} of {nframes} frames)"
    words = len(re.findall(r"\w+", text))
    seconds = nframes / framerate
    if seconds < words * MIN_SECONDS_PER_WORD * 175 / (rate or 175):
        return f"clip too short ({seconds:.2f} s for {words} words)"
    if words and width == 2:
        import numpy as np

        samples = np.frombuffer(frames, dtype="<i2", count=len(frames) // 2)
        if int(samples.max(initial=0)) < SILENT_PEAK and -int(samples.min(initial=0)) < SILENT_PEAK:
            return "clip is silent"
    return None


def _fault(kind: str) -> bool:
    """Fault injection for the tests: ``AUDIOBRIEF_FAULT=kind:/path/counter:N``
    fires the first N times ``kind`` (hang, die, silent) is reached, across
    processes. Unset in normal use."""
    import os

    spec = os.environ.get("AUDIOBRIEF_FAULT", "")
    if not spec.startswith(kind + ":"):
        return False
    _, counter, times = spec.rsplit(":", 2) if spec.count(":") >= 2 else (kind, spec[len(kind) + 1:], "1")
    for n in range(1, int(times) + 1):
        try:
            os.close(os.open(f"{counter}.{n}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            continue
    return False


def _silence(path: Path) -> None:
    """Fault injection: replace a clip by 0.2 s of silence."""
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x00\x00" * 4410)


def _run_job(engine: Engine, job: SynthJob, rate: Optional[int] = None) -> None:
    """Make one clip and check it; a silent or truncated clip is made again.
    Every failure names the job's label."""
    path = Path(job.wav_path)
    problems = []
    for attempt in range(1, ATTEMPTS + 1):
        try:
            engine.synthesize(job.text, path)
        except SynthesisError as exc:
            _raise_if_disk_full(job, path)
            raise SynthesisError(f"could not synthesise {job.label}: {exc}; {_FIX}") from exc
        except OSError as exc:
            _raise_if_disk_full(job, path)
            raise SynthesisError(
                f"could not write the clip for {job.label} to {job.wav_path} "
                f"({exc.strerror or exc}); check the folder is writable and the disk has space"
            ) from exc
        if _fault("silent"):
            _silence(path)
        problem = clip_problem(path, job.text, rate)
        if problem is None:
            return
        _raise_if_disk_full(job, path)
        problems.append(f"attempt {attempt}: {problem}")
        log.warning("clip for %s was bad (%s); making it again", job.label, problem)
        try:
            path.unlink()
        except OSError:
            pass
    raise SynthesisError(f"could not synthesise {job.label}: {'; '.join(problems)}; {_FIX}")


def _raise_if_disk_full(job: SynthJob, path: Path) -> None:
    """A clip that failed because the disk filled up is a disk problem, not a speech one."""
    from ..errors import PublishError
    from ..fsutil import disk_is_full

    if disk_is_full(path.parent):
        raise PublishError(f"cannot write the clip for {job.label} in {path.parent}: the disk is full; "
                           "free some space; the previous files are intact")


run_job = _run_job  # public name: the pipeline's synthesis task uses it


# Worker-process state: one warm engine per spawned worker.
_worker_engine: Optional[Engine] = None
_worker_error: Optional[BaseException] = None
_worker_rate: Optional[int] = None


def _init_worker(spec: EngineSpec) -> None:
    """Pool initializer: build the worker's engine once.  A failure is kept and
    raised by each job, so the parent sees the real error (a ConfigError, say)
    instead of a broken pool."""
    from audiobrief.pipeline import worker_started

    global _worker_engine, _worker_error, _worker_rate
    worker_started()
    _worker_rate = spec.rate
    os.environ["AUDIOBRIEF_POOL_WORKER"] = "1"
    try:
        _worker_engine = get_engine(spec)
    except Exception as exc:
        _worker_error = exc


def _work(job: SynthJob, on_made: Optional[Callable[[Path], None]] = None) -> str:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_engine is not None
    if _fault("hang"):
        import time

        time.sleep(10_000)
    if _fault("die"):
        import os

        os._exit(9)
    _run_job(_worker_engine, job, _worker_rate)
    if on_made is not None:
        on_made(Path(job.wav_path))
    return job.wav_path


def synthesize_all(
    jobs: Sequence[SynthJob],
    spec: EngineSpec,
    workers: int = 1,
    on_done: Optional[Callable[[SynthJob], None]] = None,
    on_made: Optional[Callable[[Path], None]] = None,
    cancel: Optional[Any] = None,
) -> None:
    """Make every clip in ``jobs``, in their order.

    ``workers <= 1``: in this process with one engine (the engine's own
    deadline guards each attempt).  ``workers >= 2``: a ``ProcessPoolExecutor``
    of spawned processes, one warm engine each; a clip whose worker runs past
    :func:`job_timeout` has its worker killed and is retried, and a worker that
    dies is replaced (up to ``MAX_WORKER_DEATHS`` times).  ``on_made(path)`` is
    called on each good clip where it was made (in a worker: it must be a
    top-level function, and its work is spread over the workers, not queued
    on this process); ``on_done(job)`` is then called in this process.  A clip
    that cannot be made raises ``SynthesisError`` naming its label.  Once
    ``cancel`` (a ``threading.Event``) is set, no more clips are started and
    the call returns without the rest.
    """
    jobs = list(jobs)
    if not jobs:
        return
    if cancel is None:
        import threading

        cancel = threading.Event()  # never set
    check_text = getattr(get_engine(spec), "check_text", None)
    if check_text is not None:  # an engine may refuse text up front (piper: phoneme entries)
        for job in jobs:
            check_text(job.text)
    if workers <= 1:
        engine = get_engine(spec)
        for job in jobs:
            if cancel.is_set():
                return
            _run_job(engine, job, spec.rate)
            if on_made is not None:
                on_made(Path(job.wav_path))
            if on_done is not None:
                on_done(job)
        return
    _synthesize_pool(jobs, spec, workers, on_done, on_made, cancel)


#: how often the pool looks for a clip that has run past its time
HANG_SCAN_S = 0.2


def _kill_workers(pool: Any) -> None:
    """Kill a pool's processes (a hung espeak cannot be interrupted from inside)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except Exception:
            pass


def _synthesize_pool(
    jobs: list[SynthJob],
    spec: EngineSpec,
    workers: int,
    on_done: Optional[Callable[[SynthJob], None]],
    on_made: Optional[Callable[[Path], None]],
    cancel: Any,
) -> None:
    import multiprocessing
    import queue
    import time
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    pending = dict(enumerate(jobs))
    hangs = {index: 0 for index in pending}
    deaths = 0

    def finish(index: int) -> None:
        job = pending.pop(index)
        if on_done is not None:
            on_done(job)

    while pending:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(pending)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(spec,),
        )
        futures: dict[Any, int] = {}
        started: dict[Any, float] = {}
        hung: Optional[int] = None
        broken = False
        # finished futures arrive through a queue: waiting on every future after each
        # clip (concurrent.futures.wait) cost this process O(clips^2) -- about a
        # second of a 2-core machine's time per 500 clips, taken from the workers
        arrived: Any = queue.SimpleQueue()
        try:
            for index in sorted(pending):  # in the caller's order (build: article by article)
                future = pool.submit(_work, pending[index], on_made)
                futures[future] = index
                future.add_done_callback(arrived.put)
            left = len(futures)
            next_scan = time.monotonic() + HANG_SCAN_S
            while left and hung is None and not broken and not cancel.is_set():
                try:
                    future = arrived.get(timeout=max(0.0, next_scan - time.monotonic()))
                except queue.Empty:
                    future = None
                if future is not None:
                    left -= 1
                    try:
                        future.result()  # re-raises the worker's SynthesisError / ConfigError
                    except BrokenProcessPool:
                        broken = True
                        continue
                    finish(futures[future])
                now = time.monotonic()
                if now < next_scan:
                    continue
                next_scan = now + HANG_SCAN_S
                for future, index in futures.items():
                    if index in pending and future.running():
                        since = started.setdefault(future, now)
                        # a "running" future may still sit in the call queue behind
                        # one other clip: allow for that before calling it hung
                        if now - since > 2 * job_timeout(pending[index].text):
                            hung = index
                            break
        finally:
            if hung is not None or broken or cancel.is_set():
                _kill_workers(pool)  # cancelled: a long clip (or a hung one) is not waited for
            pool.shutdown(wait=True, cancel_futures=True)
        if cancel.is_set():
            return
        if broken or hung is not None:
            # keep what did finish before the kill or crash; redo the rest
            for future, index in futures.items():
                if index in pending and future.done() and not future.cancelled() and future.exception() is None:
                    finish(index)
        if hung is not None and hung in pending:
            hangs[hung] += 1
            limit = 2 * job_timeout(pending[hung].text)
            if hangs[hung] >= ATTEMPTS:
                raise SynthesisError(
                    f"could not synthesise {pending[hung].label}: the speech engine hung "
                    f"(no clip after {limit:.0f} s, {ATTEMPTS} attempts); {_FIX}")
            log.warning("speech for %s hung for %.0f s; worker killed, trying again", pending[hung].label, limit)
        elif broken:
            deaths += 1
            if deaths > MAX_WORKER_DEATHS and pending:
                left = list(pending.values())
                raise SynthesisError(
                    f"a speech worker process died {deaths} times while making clips; {len(left)} not made, "
                    f"starting with {left[0].label}; set workers to 1 to see the engine's own error"
                )
            log.warning("a speech worker process died; replaced (%d clip(s) left)", len(pending))
