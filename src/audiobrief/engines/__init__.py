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


def _run_job(engine: Engine, job: SynthJob) -> None:
    """Make one clip; every failure names the job's label."""
    try:
        engine.synthesize(job.text, Path(job.wav_path))
    except SynthesisError as exc:
        raise SynthesisError(f"could not synthesise {job.label}: {exc}; {_FIX}") from exc
    except OSError as exc:
        raise SynthesisError(
            f"could not write the clip for {job.label} to {job.wav_path} "
            f"({exc.strerror or exc}); check the folder is writable and the disk has space"
        ) from exc


# Worker-process state: one warm engine per spawned worker.
_worker_engine: Optional[Engine] = None
_worker_error: Optional[BaseException] = None


def _init_worker(spec: EngineSpec) -> None:
    """Pool initializer: build the worker's engine once.  A failure is kept and
    raised by each job, so the parent sees the real error (a ConfigError, say)
    instead of a broken pool."""
    global _worker_engine, _worker_error
    os.environ["AUDIOBRIEF_POOL_WORKER"] = "1"
    try:
        _worker_engine = get_engine(spec)
    except Exception as exc:
        _worker_error = exc


def _work(job: SynthJob) -> str:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_engine is not None
    _run_job(_worker_engine, job)
    return job.wav_path


def synthesize_all(
    jobs: Sequence[SynthJob],
    spec: EngineSpec,
    workers: int = 1,
    on_done: Optional[Callable[[SynthJob], None]] = None,
) -> None:
    """Make every clip in ``jobs``.

    ``workers <= 1``: in this process with one engine.  ``workers >= 2``: a
    ``ProcessPoolExecutor`` of spawned processes, one warm engine each.
    ``on_done(job)`` is called in this process as each clip is finished.  A
    clip that cannot be made raises ``SynthesisError`` naming its label; if a
    worker process dies, the pool is rebuilt once for the clips not yet made.
    """
    jobs = list(jobs)
    if not jobs:
        return
    check_text = getattr(get_engine(spec), "check_text", None)
    if check_text is not None:  # an engine may refuse text up front (piper: phoneme entries)
        for job in jobs:
            check_text(job.text)
    if workers <= 1:
        engine = get_engine(spec)
        for job in jobs:
            _run_job(engine, job)
            if on_done is not None:
                on_done(job)
        return
    _synthesize_pool(jobs, spec, workers, on_done)


def _synthesize_pool(
    jobs: list[SynthJob],
    spec: EngineSpec,
    workers: int,
    on_done: Optional[Callable[[SynthJob], None]],
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    pending = dict(enumerate(jobs))
    for round_number in (1, 2):
        if not pending:
            return
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(pending)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(spec,),
        )
        futures = {}
        try:
            futures = {pool.submit(_work, job): index for index, job in pending.items()}
            for future in as_completed(futures):
                future.result()  # re-raises the worker's SynthesisError / ConfigError
                job = pending.pop(futures[future])
                if on_done is not None:
                    on_done(job)
            return
        except BrokenProcessPool:
            # Keep what did finish before the crash; redo the rest once.
            for future, index in futures.items():
                if index in pending and future.done() and not future.cancelled():
                    if future.exception() is None:
                        job = pending.pop(index)
                        if on_done is not None:
                            on_done(job)
            log.warning(
                "a speech worker process died (round %d); %d clip(s) left", round_number, len(pending)
            )
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    left = list(pending.values())
    raise SynthesisError(
        f"a speech worker process died twice while making clips; {len(left)} not made, "
        f"starting with {left[0].label}; set workers to 1 to see the engine's own error"
    )
