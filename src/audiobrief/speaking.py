"""Speech scheduling: who speaks the missing clips, and telling the renderer when an article is ready.

One short article is spoken in this process, as it renders (``render``
speaks its sections through ``render.synthesize_batch``). Several articles,
a long one, or an explicit ``--jobs N`` get speech worker processes
(``engines.pool.synthesize_all``: they also kill a hung synthesis and replace a
dead worker); they speak in a thread of their own, and each article joins
the rendering as soon as its last clip is made.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any, Callable, Optional

from audiobrief.cache import seal_wav
from audiobrief.config import Config
from audiobrief import engines
from audiobrief.engines import EngineSpec, pool
from audiobrief.engines.child import warm_speaker
from audiobrief.pipeline import make_executor
from audiobrief.planned import Planned
from audiobrief.planning import find_missing, prepare_work
from audiobrief.profiles import get_profile
from audiobrief.render import synthesize_batch
from audiobrief.report import BuildReport, Progress

#: below this many sentences in all, starting speech worker processes (an interpreter
#: and the engine each) costs more than it saves
PARALLEL_MIN_PIECES = 400


def speech_workers(works: dict, jobs: int, asked: bool) -> int:
    """How many worker processes speak the missing clips (0: this process does, as it renders)."""
    if jobs < 2:
        return 0
    if asked or len(works) > 1 or sum(len(w.planned.script) for w in works.values()) >= PARALLEL_MIN_PIECES:
        return jobs
    return 0


def start_early(config: Config, articles: int, workers: Optional[int], cluster: Any = None) -> None:
    """Start the speech child of the configured engine now, before the build reads and plans,
    so that it loads its engine (hibari: the model and its text front end, about a second)
    beside that work instead of after it.

    Only where this process will speak (see ``speech_workers``): one article, no ``--jobs``
    of two or more, no cluster.  A guess, not a promise: the article's front matter may
    choose another engine, or every clip may be in the cache; the child then idles (it
    has loaded its engine and waits on its stdin) until the build's process exits."""
    if cluster is not None or articles != 1 or (workers is not None and workers >= 2):
        return
    warm_speaker(EngineSpec(name=config.engine, voice=config.voice or None, rate=config.rate,
                            language=config.language))


def check_texts(works: dict) -> None:
    """Let each engine refuse text it cannot say (e.g. piper and an espeak phoneme entry)
    before any clip is made; the worker pool does this in synthesize_all."""
    for work in works.values():
        for spec, batch in work.missing:
            check = getattr(engines.get_engine(spec), "check_text", None)
            if check is not None:
                for job in batch:
                    check(job.text)


class SpeechPlan:
    """The clips every article still needs, spoken article by article.

    Each missing clip is made once even when several articles need it (an
    intro line, say); ``done(path)`` returns the articles that clip completed.
    Within an article the longest clips go first, so its last clip is not the
    one long sentence a worker starts alone."""

    def __init__(self, works: dict) -> None:
        self.by_spec: dict = {}  # engine spec -> [SynthJob] in speaking order
        self._waiting: dict[str, list[int]] = {}  # clip path -> articles waiting for it
        self.left: dict[int, int] = {}  # article -> clips it still waits for
        for index, work in works.items():
            mine = []
            for spec, batch in work.missing:
                for job in batch:
                    if job.wav_path not in self._waiting:
                        self._waiting[job.wav_path] = []
                        mine.append((spec, job))
                    self._waiting[job.wav_path].append(index)
            self.left[index] = sum(len(batch) for _, batch in work.missing)
            for spec, job in sorted(mine, key=lambda pair: -len(pair[1].text)):
                self.by_spec.setdefault(spec, []).append(job)
        self.total = len(self._waiting)

    def ready(self) -> list[int]:
        return [index for index, left in self.left.items() if not left]

    def done(self, wav_path: str) -> list[int]:
        completed = []
        for index in self._waiting.pop(wav_path, []):
            self.left[index] -= 1
            if not self.left[index]:
                completed.append(index)
        return completed


def speak_in_pool(plan: SpeechPlan, jobs: int, progress: Progress, ready: Callable[[int], None],
                  cancel: Optional[threading.Event] = None) -> None:
    """Speak every missing clip through the engines' own worker pool; ``ready(index)`` is
    called as each article's last clip is made. Clips of one voice are pooled across
    articles, so the workers stay busy."""

    def done(job) -> None:
        progress.step("speech")
        for index in plan.done(job.wav_path):
            ready(index)

    for spec, batch in plan.by_spec.items():  # each worker seals the clips it made
        pool.synthesize_all(batch, spec, workers=min(jobs, len(batch)), on_done=done, on_made=seal_wav, cancel=cancel)
    progress.end("speech", "done")


class Speaker:
    """Speech in a thread of its own, beside the rendering: articles already spoken render
    while the workers speak the next ones (the render threads fill the core speech leaves idle).

    ``arrivals`` is the queue ``pipeline.run`` takes each ready article's steps from;
    ``stop()`` cancels what is left and raises the speech's own error, if any."""

    def __init__(self, works: dict, jobs: int, progress: Progress, steps: dict) -> None:
        plan = SpeechPlan(works)
        self.arrivals: Any = queue.Queue()
        for index in plan.ready():
            self.arrivals.put((index, steps[index]))
        self._cancel = threading.Event()
        self._failed: list[BaseException] = []
        if plan.total:
            progress.begin("speech", "speaking", plan.total)

        def speak() -> None:
            try:
                if plan.total:
                    speak_in_pool(plan, jobs, progress, lambda index: self.arrivals.put((index, steps[index])),
                                  self._cancel)
            except BaseException as exc:  # noqa: BLE001 - raised again by stop(), after what was spoken is out
                self._failed.append(exc)
            finally:
                self.arrivals.put(None)

        self._thread = threading.Thread(target=speak, name="audiobrief-speech", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop speaking (only matters when rendering stopped first: an interrupt, a publishing error)."""
        self._cancel.set()
        self._thread.join()

    def raise_failure(self) -> None:
        if self._failed:  # the articles spoken before it are published; the others are not
            raise self._failed[0]


def speak(planned: Planned, config: Config, cache_root: Path, workers: int,
          progress: Progress, report: BuildReport) -> list[Path]:
    """One WAV per script piece (sentence), from the cache or synthesised; nothing else."""
    work = prepare_work(planned, config, cache_root, get_profile(config.profile))
    find_missing(work, config)
    executor = make_executor(min(workers, max(1, len(work.missing))))
    try:
        for future in [executor.submit(synthesize_batch, spec, jobs) for spec, jobs in work.missing]:
            future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    report.clips_made += sum(len(jobs) for _, jobs in work.missing)
    report.clips_cached += work.cached
    return work.clips
