"""The recipe: gather -> script -> speak -> mix -> encode/tag -> publish.

Only the CLI imports this module. Each stage is a plain function in its own
module; this file just calls them in order and reports what happened.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from audiobrief.config import Config

if TYPE_CHECKING:  # (a re-run with nothing to make imports neither)
    import threading

    from audiobrief.models import Article, Piece


class Progress:
    """What the build tells its caller as it goes (the CLI draws bars).

    ``key`` names a bar: ``"all"`` for the whole run, else one article."""

    def begin(self, key: str, label: str, total: int) -> None: ...

    def step(self, key: str, n: int = 1) -> None: ...

    def end(self, key: str, status: str = "") -> None: ...


@dataclass(frozen=True)
class EpisodeResult:
    slug: str
    title: str
    mp3: Path
    duration: float
    chapters: int
    status: str  # "new", "updated" or "unchanged"
    profile: str = "podcast"
    loudness_lufs: Optional[float] = None
    true_peak_dbtp: Optional[float] = None
    source: str = ""


@dataclass(frozen=True)
class Failure:
    source: str
    error: str
    exit_code: int = 1


@dataclass
class BuildReport:
    out_dir: Path
    feed: Path
    local_only: bool
    episodes: list[EpisodeResult] = field(default_factory=list)
    clips_made: int = 0
    clips_cached: int = 0
    #: sections (and intro/closing) that needed at least one clip spoken
    sections_spoken: int = 0
    segments_encoded: int = 0
    segments_cached: int = 0
    warnings: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return max((f.exit_code for f in self.failures), default=0)


@dataclass(frozen=True)
class Planned:
    article: Article
    script: tuple[Piece, ...]


def sample_article() -> Path:
    """The article that ships inside the package, for `make` with no argument."""
    return Path(__file__).parent / "samples" / "sample-article.txt"


def plan(path: Path, config: Config) -> Planned:
    from audiobrief.readers import read_article
    from audiobrief.script import build_script

    article = read_article(path, max_bytes=config.max_article_mb * 1_000_000)
    return Planned(article, build_script(article, config))


def _engine_spec(config: Config, article: Article, piece: Optional[Piece] = None):
    from audiobrief.engines import EngineSpec

    # front matter may choose the engine for one article; it wins over audiobrief.toml
    engine = article.meta.get("engine") or config.engine
    voice = (piece.voice if piece is not None and piece.voice else None) or config.voice or None
    if voice and engine == "piper" and voice.endswith(".onnx"):
        voice = str(config.resolve(voice))  # a voice file, relative to the config file
    rate = piece.rate if piece is not None and piece.rate is not None else config.rate
    return EngineSpec(name=engine, voice=voice, rate=rate, language=article.language or config.language)


def _engine_ids(specs, cache_root: Path) -> dict:
    """Cache id per engine spec.  Remembered in the cache folder (keyed by the
    spec and the engine packages' installed files), so a re-run with nothing to
    speak never starts the engine."""
    from audiobrief.cache import remember_engine_id, remembered_engine_id
    from audiobrief.engines import engine_cache_id

    versions = repr(_engine_files())
    ids = {}
    for spec in dict.fromkeys(specs):
        key = f"{spec!r} {versions}"
        ids[spec] = remembered_engine_id(cache_root, key)
        if ids[spec] is None:
            ids[spec] = engine_cache_id(spec)
            remember_engine_id(cache_root, key, ids[spec])
    return ids


@dataclass
class Work:
    """One article on its way: its clips, what is missing, its build key."""

    planned: Planned
    clips: list[Path]
    missing: list  # [(spec, [SynthJob, ...]), ...] one batch per section and voice
    build_key: str
    cached: int = 0


def prepare_work(planned: Planned, config: Config, cache_root: Path, profile) -> Work:
    """Clip paths (content-addressed) and the synthesis jobs for the clips not in the cache."""
    from audiobrief.cache import ClipCache
    from audiobrief.engines import SynthJob

    specs = [_engine_spec(config, planned.article, p) for p in planned.script]
    cache = ClipCache(cache_root)
    ids = _engine_ids(specs, cache_root)
    paths = [cache.path_for(ids[spec], p.text) for p, spec in zip(planned.script, specs)]
    key = build_key(planned, [p.name for p in paths], config, profile)
    return Work(planned, paths, [], key)


def find_missing(work: Work, config: Config) -> None:
    """Fill ``work.missing``: clips absent or failing their check, grouped per section and voice."""
    from audiobrief.cache import ClipCache
    from audiobrief.engines import SynthJob

    planned = work.planned
    headings = {i: s.heading for i, s in enumerate(planned.article.sections)}
    groups: dict = {}
    seen: set = set()
    for piece, path in zip(planned.script, work.clips):
        if path in seen or ClipCache.is_valid(path):
            continue
        seen.add(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        where = piece.kind if piece.section is None else (
            f'section {piece.section + 1} "{headings[piece.section] or planned.article.title}"')
        spec = _engine_spec(config, planned.article, piece)
        groups.setdefault((piece.section, spec), []).append(
            SynthJob(text=piece.text, wav_path=str(path), label=f"{planned.article.source}: {where}"))
    work.missing = [(spec, jobs) for (_, spec), jobs in groups.items()]
    work.cached = len(planned.script) - len(seen)


def speak(planned: Planned, config: Config, cache_root: Path, workers: int,
          progress: Progress, report: BuildReport) -> list[Path]:
    """One WAV per script piece (sentence), from the cache or synthesised; nothing else."""
    from audiobrief.pipeline import make_executor
    from audiobrief.profiles import get_profile
    from audiobrief.render import synthesize_batch

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


#: transitions made by audiobrief itself; any other value names a WAV file
BUILT_IN_TRANSITIONS = ("sting", "crossfade", "none")
BUILD_FORMAT = "build-v1"  # bump when the same inputs would now give different files


def _settings_files(config: Config) -> tuple[str, str, str]:
    """Content ids of the files the settings name: (cover, transition, music bed)."""
    import hashlib

    def content_id(name: str, otherwise: str) -> str:
        try:
            return hashlib.sha256(config.resolve(name).read_bytes()).hexdigest()
        except OSError:
            return otherwise

    cover = content_id(config.cover, config.cover) if config.cover else f"generated:{config.title}"
    transition = config.transition
    if transition not in BUILT_IN_TRANSITIONS:
        transition = content_id(transition, transition)
    music = content_id(config.music, config.music) if config.music else ""
    return cover, transition, music


def build_key(planned: Planned, clip_keys: Sequence[str], config: Config, profile) -> str:
    """Everything that decides an episode's files: clips, mix settings, tags, profile."""
    import hashlib
    import json
    from dataclasses import asdict

    article = planned.article
    cover_id, transition, music = _settings_files(config)
    data = {
        "format": BUILD_FORMAT,
        "clips": list(clip_keys),
        "pieces": [[p.kind, p.section, p.pause_after] for p in planned.script],
        "mix": [transition, config.section_pause_ms, config.section_pause_after_ms, music, config.music_duck_db],
        "profile": asdict(profile),
        "tags": [article.title, config.author, config.title, article.summary, article.language, article.credits,
                 [s.heading for s in article.sections], [s.paragraphs[:1] for s in article.sections],
                 article.date, cover_id],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ the unchanged fast path
#
# An episode is unchanged when its build key is; computing the key means reading
# the article, detecting its language and scripting it (~1 s).  The key found
# last time is remembered beside a stamp of everything it was computed from --
# the article's bytes, the settings and the files they name, the profile,
# audiobrief's version and the engines' installed files -- so an unchanged article is
# recognised from its bytes alone.

def source_stamp(data: bytes, config: Config, profile) -> str:
    import hashlib
    from dataclasses import asdict

    from audiobrief import __version__

    parts = [BUILD_FORMAT, __version__, _engine_files(), repr(config), repr(asdict(profile)),
             _settings_files(config), hashlib.sha256(data).hexdigest()]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _plain_file_bytes(path: Path, limit: int) -> Optional[bytes]:
    """The bytes of a regular file no bigger than ``limit`` (never a FIFO or device), else None."""
    import stat

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _engine_files() -> list:
    """The engines' installed files (see cache.installed_files)."""
    from audiobrief.cache import installed_files

    return installed_files(("pyttsx3", "espeakng_loader", "piper"))


def _memo_path(cache_root: Path, source: str) -> Path:
    import hashlib

    key = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return cache_root / "keys" / key[:2] / f"{key}.json"


def remembered_key(cache_root: Path, source: str, stamp: str) -> tuple[Optional[str], int]:
    """(build key, number of clips) remembered for ``source`` when it was made from ``stamp``."""
    from audiobrief.cache import read_stamp

    data = read_stamp(_memo_path(cache_root, source))
    if not isinstance(data, dict) or data.get("stamp") != stamp or not isinstance(data.get("clips"), int):
        return None, 0
    return data.get("build_key"), data["clips"]


def remember_key(cache_root: Path, source: str, stamp: str, key: str, clips: int) -> None:
    from audiobrief.cache import write_stamp

    write_stamp(_memo_path(cache_root, source), {"stamp": stamp, "build_key": key, "clips": clips})


def _check_space(cache_root: Path, jobs, script: Sequence[Piece]) -> None:
    """Refuse to start when the clips and MP3 clearly cannot fit on the disk."""
    from audiobrief.fsutil import ensure_free_space

    clip_words = sum(len(j.text.split()) for j in jobs)
    all_words = sum(len(p.text.split()) for p in script)
    # ~0.4 s of 22.05 kHz 16-bit audio per word for clips; 64 kbps MP3 at ~0.3 s per word
    ensure_free_space(cache_root, clip_words * 18_000 + all_words * 2_400, "this episode")


def _summary(article: Article) -> str:
    if article.summary:
        return article.summary
    first = next((p for s in article.sections for p in s.paragraphs), "")
    return first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + "..."


def expand_inputs(args: Sequence) -> tuple[list[Path], list[Failure]]:
    """Files, folders (their article files, sorted) and globs -> article paths."""
    import glob

    from audiobrief.readers import ARTICLE_SUFFIXES

    found: list[Path] = []
    failures: list[Failure] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir()
                            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES)
            if not inside:
                failures.append(Failure(str(path), f"{path}: is a folder with no article files "
                                                   "(.txt, .md, .html) in it; give article files or a folder holding some", 2))
            found += inside
        elif not path.exists() and glob.has_magic(str(arg)):
            matches = sorted(Path(m) for m in glob.glob(str(arg)) if Path(m).is_file())
            if not matches:
                failures.append(Failure(str(arg), f"{arg}: matches no file; check the pattern", 2))
            found += matches
        else:
            found.append(path)
    return list(dict.fromkeys(found)), failures


def build(paths: Sequence[Path], config: Config, out_dir: Path, *, workers: Optional[int] = None,
          progress: Optional[Progress] = None, cache_dir: Optional[Path] = None) -> BuildReport:
    """Make and publish one episode per article; a failing article is reported and skipped.

    Raises only for problems that stop everything (settings, output folder,
    the catalog); per-article problems land in ``report.failures``.
    """
    from audiobrief.errors import AudiobriefError
    from audiobrief.profiles import get_profile
    from audiobrief.publish import FEED_NAME, is_local_only

    progress = progress or Progress()
    profile = get_profile(config.profile)
    from audiobrief.cache import default_root

    cache_root = Path(cache_dir) if cache_dir else default_root(out_dir)
    _check_inputs(config)  # a bad sound file or cover fails before any work
    report = BuildReport(out_dir=out_dir, feed=out_dir / FEED_NAME, local_only=is_local_only(config))
    # 1. gather: read and script every article before touching the output folder
    sources, report.failures = expand_inputs(paths)
    from audiobrief.catalog import load_catalog
    from audiobrief.readers.language import memo_in

    def unchanged(old) -> EpisodeResult:
        return EpisodeResult(old.slug, old.title, out_dir / old.file, old.duration, len(old.chapters),
                             "unchanged", old.profile, old.loudness_lufs, old.true_peak_dbtp, old.source)

    known = load_catalog(out_dir, write_migration=False) if (out_dir / "episodes.json").is_file() else None
    planned: list[Planned] = []
    stamps: dict[str, str] = {}
    with memo_in(cache_root / "language") as languages:
        for path in sources:
            source = str(Path(path).resolve())
            data = _plain_file_bytes(Path(path), config.max_article_mb * 1_000_000)
            if data is not None:  # else plan() says what is wrong with it
                stamps[source] = source_stamp(data, config, profile)
            old = known.find_source(source) if known is not None else None
            if old is not None and source in stamps and old.build_key:
                key, clips = remembered_key(cache_root, source, stamps[source])
                if key == old.build_key and _intact(out_dir, old):
                    report.clips_cached += clips
                    report.episodes.append(unchanged(old))  # the same bytes and settings as last time
                    continue
            try:
                planned.append(plan(Path(path), config))
            except AudiobriefError as exc:
                report.failures.append(Failure(str(path), str(exc), exc.exit_code))
    if not planned:
        if report.episodes and (_has_leftovers(out_dir, known) or
                                not _feed_is_current(report.feed, cache_root, _feed_stamp(config, out_dir))):
            _prepare_output(out_dir)  # a killed run's leftovers go, as on every run
            _refresh_feed(config, out_dir, cache_root, report)  # settings may have changed the feed
        _sort_like(report, sources)
        return report
    _prepare_output(out_dir)
    languages.flush()  # only now that the folder is ours
    # 2. keys: an episode whose build key is unchanged is not made again
    catalog = load_catalog(out_dir)
    works: dict[int, Work] = {}
    for index, item in enumerate(planned):
        try:
            work = prepare_work(item, config, cache_root, profile)
        except AudiobriefError as exc:
            report.failures.append(Failure(item.article.source, str(exc), exc.exit_code))
            continue
        source = str(Path(item.article.source).resolve())
        if source in stamps:
            remember_key(cache_root, source, stamps[source], work.build_key, len(item.script))
        old = catalog.find_source(source)
        if old is not None and old.build_key == work.build_key and _intact(out_dir, old):
            report.clips_cached += len(item.script)
            report.episodes.append(unchanged(old))
            continue
        find_missing(work, config)
        _check_space(cache_root, [job for _, jobs in work.missing for job in jobs], item.script)
        report.clips_made += sum(len(jobs) for _, jobs in work.missing)
        report.clips_cached += work.cached
        report.sections_spoken += len({id(jobs) for _, jobs in work.missing})
        works[index] = work
    if works:
        from audiobrief.pipeline import default_jobs

        _render_and_publish(works, config, profile, out_dir, cache_root, workers or default_jobs(),
                            progress, report, asked=workers is not None)
    elif report.episodes or (out_dir / "episodes.json").exists():
        _refresh_feed(config, out_dir, cache_root, report)  # settings may have changed the feed
    _sort_like(report, sources)
    return report


def _sort_like(report: BuildReport, sources: Sequence) -> None:
    """Episodes in the order their articles were given."""
    order = {str(Path(p).resolve()): i for i, p in enumerate(sources)}
    report.episodes.sort(key=lambda e: order.get(e.source, 0))


#: below this many sentences in all, starting speech worker processes (~1 s each:
#: an interpreter and the engine) costs more than it saves (measured: one
#: 400-word article took 14-16 s with 2 workers, 12-14 s in-process, loaded machine)
PARALLEL_MIN_PIECES = 400
#: an episode of this many words (about half an hour of speech) or more is encoded
#: in worker processes rather than threads, to keep the peak memory of long work low
PROCESS_RENDER_WORDS = 5000


def _speech_workers(works: dict, jobs: int, asked: bool) -> int:
    """How many worker processes speak the missing clips (0: this process does).

    Several articles, a long one, or an explicit ``--jobs`` N >= 2 get workers
    (they also kill a hung synthesis and replace a dead worker); one short
    article is spoken here, as the render threads start no processes."""
    if jobs < 2:
        return 0
    if asked or len(works) > 1 or sum(len(w.planned.script) for w in works.values()) >= PARALLEL_MIN_PIECES:
        return jobs
    return 0


def _intact(out_dir: Path, entry) -> bool:
    """The published files of a catalog entry are still there, the MP3 at its recorded size."""
    mp3 = out_dir / entry.file
    try:
        if mp3.stat().st_size != entry.bytes:
            return False
    except OSError:
        return False
    sidecars = [entry.chapters_file] + [t["file"] for t in entry.transcripts]
    return all((out_dir / name).is_file() for name in sidecars if name)


def _refresh_feed(config: Config, out_dir: Path, cache_root: Path, report: BuildReport) -> None:
    """Nothing to make: the feed is rewritten only if the catalog or the settings
    it shows changed since it was last written (a stamp in the cache says)."""
    from audiobrief.cache import write_atomic
    from audiobrief.catalog import load_catalog
    from audiobrief.cover import publish_cover
    from audiobrief.fsutil import publish_lock
    from audiobrief.publish.feed import write_feed

    with publish_lock(out_dir):
        stamp = _feed_stamp(config, out_dir)
        if _feed_is_current(report.feed, cache_root, stamp):
            return
        cover = publish_cover(config, out_dir, report.warnings)
        write_feed(config, load_catalog(out_dir), out_dir, cover.name)
        write_atomic(cache_root / FEED_STAMP, stamp.encode("utf-8"))


FEED_STAMP = "feed.stamp"


def _feed_is_current(feed: Path, cache_root: Path, stamp: str) -> bool:
    """The feed was written from what ``stamp`` describes (catalog and settings)."""
    try:
        return feed.is_file() and (cache_root / FEED_STAMP).read_text() == stamp
    except OSError:
        return False


def _feed_stamp(config: Config, out_dir: Path) -> str:
    """What the feed was made from: the catalog's bytes and the settings."""
    import hashlib

    from audiobrief import __version__
    from audiobrief.catalog import CATALOG_NAME

    catalog = out_dir / CATALOG_NAME
    data = catalog.read_bytes() if catalog.is_file() else b""
    return hashlib.sha256(repr((__version__, config)).encode("utf-8") + data).hexdigest()


def _check_texts(works: dict) -> None:
    """Let each engine refuse text it cannot say (e.g. piper and an espeak phoneme
    entry) before any clip is made; the pool path does this in synthesize_all."""
    from audiobrief.engines import get_engine

    for work in works.values():
        for spec, batch in work.missing:
            check = getattr(get_engine(spec), "check_text", None)
            if check is not None:
                for job in batch:
                    check(job.text)


class _SpeechPlan:
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
            work.missing = []
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


def _speak_in_pool(plan: _SpeechPlan, jobs: int, progress: Progress, ready: Callable[[int], None],
                   cancel: Optional[threading.Event] = None) -> None:
    """Speak every missing clip through the engines' own worker pool.

    That pool (engines.synthesize_all) kills a hung synthesis after a timeout
    scaled to its text, replaces dead workers and re-makes silent or short
    clips.  ``ready(index)`` is called as each article's last clip is made:
    its rendering starts then, on this process's threads, while the workers
    speak the next articles.  Clips of the same voice are pooled across
    articles, so the workers stay busy.
    """
    from audiobrief.cache import seal_wav
    from audiobrief.engines import synthesize_all

    def done(job) -> None:
        progress.step("speech")
        for index in plan.done(job.wav_path):
            ready(index)

    for spec, batch in plan.by_spec.items():  # each worker seals the clips it made
        synthesize_all(batch, spec, workers=min(jobs, len(batch)), on_done=done, on_made=seal_wav, cancel=cancel)
    progress.end("speech", "done")


def _start_speech(works: dict, jobs: int, progress: Progress, steps: dict):
    """Speak in a thread of its own; returns (arrivals for ``pipeline.run``,
    that thread, the cancel event, a list that receives the speech's error).

    Measured on 12 articles: speaking them all first took 3.9 s of a 24 s
    make and kept 1.3 of the 2 cores busy (each worker waits on espeak's own
    thread for every clip); rendering the articles already spoken fills the
    idle core, and the 50-article bench went from 113 s to 92 s."""
    import queue
    import threading

    plan = _SpeechPlan(works)
    arrivals: Any = queue.Queue()
    for index in plan.ready():
        arrivals.put((index, steps[index]))
    cancel = threading.Event()
    failed: list[BaseException] = []
    if plan.total:
        progress.begin("speech", "speaking", plan.total)

    def speak() -> None:
        try:
            if plan.total:
                _speak_in_pool(plan, jobs, progress, lambda index: arrivals.put((index, steps[index])), cancel)
        except BaseException as exc:  # noqa: BLE001 - raised again by the build, after what was spoken is out
            failed.append(exc)
        finally:
            arrivals.put(None)

    speaker = threading.Thread(target=speak, name="audiobrief-speech", daemon=True)
    speaker.start()
    return arrivals, speaker, cancel, failed


def _render_and_publish(works: dict, config: Config, profile, out_dir: Path, cache_root: Path, jobs: int,
                        progress: Progress, report: BuildReport, asked: bool = True) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from audiobrief.errors import AudiobriefError
    from audiobrief.pipeline import make_executor, run
    from audiobrief.render import episode_steps

    from audiobrief.cache import read_stamp, write_stamp

    speakers = _speech_workers(works, jobs, asked)
    if not speakers:
        _check_texts(works)
    gains_file = cache_root / "gains.json"
    gains = read_stamp(gains_file)
    if not isinstance(gains, dict):
        gains = {}
    steps = {}
    for index, work in works.items():
        item = work.planned
        source = str(Path(item.article.source).resolve())
        previous = gains.get(f"{source} {profile.name}")
        synth = [] if speakers else work.missing  # the speech workers make those
        steps[index] = episode_steps(
            item.script, work.clips, item.article, synth, config, profile, cache_root,
            lambda seconds, item=item: check_length(seconds, item.article, profile, config),
            _levels(previous))
        blocks = len(item.article.sections) + 2
        progress.begin(str(index), item.article.title, sum(len(j) for _, j in synth) + 4 * blocks)
    progress.begin("all", f"{len(works)} episode(s)", len(works))
    longest = max(sum(len(p.text.split()) for p in w.planned.script) for w in works.values())
    executor = make_executor(jobs, processes=longest >= PROCESS_RENDER_WORDS)

    order = sorted(works)  # publish in input order: slugs and numbers never depend on timing
    finished: dict = {}

    def publish(index, rendered, error) -> None:
        work = works[index]
        try:
            if error is not None:
                raise error
            gains[f"{Path(work.planned.article.source).resolve()} {profile.name}"] = rendered.levels
            report.segments_encoded += rendered.segments_made
            report.segments_cached += len(rendered.segments) - rendered.segments_made
            report.episodes.append(publish_episode(
                work.planned.article, rendered, config, out_dir, build_key=work.build_key,
                profile=profile.name, warnings=report.warnings))
            progress.end(str(index), "done")
        except AudiobriefError as exc:
            report.failures.append(Failure(work.planned.article.source, str(exc), exc.exit_code))
            progress.end(str(index), "failed")
        except BrokenProcessPool:
            report.failures.append(Failure(work.planned.article.source,
                                           f"{work.planned.article.source}: a worker process died; "
                                           "run again, or with --jobs 1 to see the engine's own error", 3))
            progress.end(str(index), "failed")
        progress.step("all")

    def on_done(index, rendered, error) -> None:
        finished[index] = (rendered, error)
        while order and order[0] in finished:
            first = order.pop(0)
            publish(first, *finished.pop(first))

    speaker = cancel = None
    speech_failed: list[BaseException] = []
    try:
        if speakers:
            arrivals, speaker, cancel, speech_failed = _start_speech(works, speakers, progress, steps)
            run({}, executor, on_step=lambda index, n: progress.step(str(index), n), on_done=on_done,
                arrivals=arrivals)
        else:
            run(steps, executor, on_step=lambda index, n: progress.step(str(index), n), on_done=on_done)
    finally:
        if speaker is not None:
            cancel.set()  # only matters when rendering stopped first (an interrupt, a publishing error)
            speaker.join()
        executor.shutdown(wait=True, cancel_futures=True)
    progress.end("all")
    from audiobrief.cache import write_atomic
    from audiobrief.fsutil import publish_lock

    with publish_lock(out_dir):
        write_atomic(cache_root / FEED_STAMP, _feed_stamp(config, out_dir).encode("utf-8"))
        write_stamp(gains_file, gains)
    if speech_failed:  # the articles spoken before it are published; the others are not
        raise speech_failed[0]


def _levels(remembered) -> Optional[dict]:
    """The last build's levels from ``.cache/gains.json`` (older files kept [gain, ceiling])."""
    if isinstance(remembered, list) and len(remembered) == 2:
        remembered = {"gain": remembered[0], "ceiling": remembered[1]}
    if not isinstance(remembered, dict):
        return None
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    levels = {k: remembered[k] for k in ("gain", "ceiling") if number(remembered.get(k))}
    curve = remembered.get("curve")
    if (number(remembered.get("curve_lufs")) and isinstance(curve, list) and len(curve) >= 2
            and all(isinstance(p, list) and len(p) == 2 and all(map(number, p)) for p in curve)):
        levels.update(curve_lufs=remembered["curve_lufs"], curve=curve)
    return levels if len(levels) >= 2 else None


def check_length(seconds: float, article: Article, profile, config: Config) -> None:
    """Refuse an episode longer than ``max_minutes`` or its profile allows (nothing is written)."""
    from audiobrief.errors import InputError

    limits = [(m, why) for m, why in ((config.max_minutes or None, "max_minutes in audiobrief.toml"),
                                      (profile.max_minutes, f"the {profile.name} profile")) if m]
    for minutes, why in sorted(limits, key=lambda lim: lim[0]):
        if seconds > minutes * 60:
            raise InputError(
                f"{article.source or article.title}: the episode would be {seconds / 60:.1f} minutes, "
                f"longer than the {minutes:g} minutes {why} allows; shorten the article (or split it), "
                f"or raise the limit / choose another profile")


def _check_inputs(config: Config) -> None:
    """Read every file the settings name (sounds, cover) so a bad one fails before anything is spoken."""
    sounds = [(config.music, "music bed")] if config.music else []
    if config.transition not in BUILT_IN_TRANSITIONS:
        sounds.insert(0, (config.transition, "transition sound"))
    if sounds:
        from audiobrief.mix import load_sound

        for name, what in sounds:
            load_sound(config.resolve(name), 22050, what)
    if config.cover:  # the generated cover needs no check
        from audiobrief.cover import check_cover

        check_cover(config.resolve(config.cover))


def _has_leftovers(out_dir: Path, catalog) -> bool:
    """What :func:`_prepare_output` would clean up: temp files or unpublished episode versions
    a killed run left.

    Looked at without the lock: a run with nothing to make or clean takes no
    lock at all (and does not import filelock, ~15 ms of a ~0.15 s re-run);
    the cleaning itself re-checks under the lock."""
    from audiobrief.catalog import unpublished_versions
    from audiobrief.fsutil import stale_temps

    return next(stale_temps(out_dir), None) is not None or bool(unpublished_versions(out_dir, catalog))


def _prepare_output(out_dir: Path) -> None:
    from audiobrief.catalog import remove_unpublished_versions
    from audiobrief.fsutil import ensure_folder, publish_lock, remove_leftover_temps

    ensure_folder(out_dir)
    with publish_lock(out_dir):
        remove_leftover_temps(out_dir)
        remove_unpublished_versions(out_dir)


def publish_episode(article: Article, rendered, config: Config, out_dir: Path, *, build_key: str = "",
                    profile: str = "podcast", warnings: Optional[list] = None) -> EpisodeResult:
    """Join the rendered segments into the tagged MP3, write sidecars, catalog and feed."""
    from audiobrief.catalog import Entry, load_catalog
    from audiobrief.fsutil import publish_versioned, retire
    from audiobrief.cover import publish_cover
    from audiobrief.fsutil import publish_lock, write_if_changed
    from audiobrief.publish.site import publish_folder
    from audiobrief.slug import slugify
    from audiobrief.tags import id3_language, write_tagged_mp3
    from audiobrief.transcript import (SRT_TYPE, VTT_TYPE, plain_text, render_chapters_json, render_srt,
                                       render_vtt)

    source = str(Path(article.source).resolve())
    chapters, cues = rendered.chapters, rendered.cues
    with publish_lock(out_dir):
        catalog = load_catalog(out_dir)
        old = catalog.find_source(source)
        cover_path = publish_cover(config, out_dir, warnings)
        slug = old.slug if old else slugify(article.title, catalog.slugs(except_source=source))
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        pub_date = old.pub_date if old else (_article_date(article) or now)
        summary = _summary(article)
        name, size, mp3_changed = write_tagged_mp3(
            out_dir, slug, old.file if old else None, rendered.segments, title=article.title,
            artist=config.author, album=config.title, date=pub_date[:10], summary=summary, chapters=chapters,
            cover=cover_path, language=id3_language(article.language), transcript=plain_text(cues))
        target = out_dir / name
        # sidecars are named after the MP3's version (<slug>[.<8 hex>]): new audio comes
        # with new chapters and transcripts at new addresses (apps cache them by URL), and
        # a run killed before the catalog commit leaves the published MP3 with its own
        stem = name[: -len(".mp3")]
        chapters_file, vtt_file, srt_file = f"{stem}.chapters.json", f"{stem}.vtt", f"{stem}.srt"
        sidecars = {
            chapters_file: render_chapters_json(chapters, article.title),
            vtt_file: render_vtt(cues),
            srt_file: render_srt(cues),
        }
        changed = [mp3_changed]
        changed += [write_if_changed(out_dir / sidecar, text.encode("utf-8")) for sidecar, text in sidecars.items()]
        unchanged = old is not None and not any(changed)
        entry = Entry(
            slug=slug, guid=old.guid if old else catalog.new_guid(),
            number=old.number if old else catalog.next_number(),
            title=article.title, source=source, file=target.name, bytes=size,
            duration=round(rendered.seconds, 3), pub_date=pub_date,
            updated=old.updated if unchanged else now, summary=summary, language=article.language,
            credits=article.credits,
            chapters=tuple({"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in chapters),
            profile=profile,
            loudness_lufs=rendered.loudness_lufs,
            true_peak_dbtp=rendered.true_peak_dbtp,
            chapters_file=chapters_file,
            transcripts=({"file": vtt_file, "type": VTT_TYPE}, {"file": srt_file, "type": SRT_TYPE}),
            build_key=build_key,
        )
        catalog.upsert(entry)
        publish_folder(config, catalog, out_dir, cover_path.name)  # saves the catalog first, then feed, pages, flash briefing
        if old is not None and old.files() != entry.files():
            in_use = {n for e in catalog.episodes for n in e.files()}
            for replaced in old.files():
                retire(out_dir, replaced, "", in_use)
    status = "unchanged" if unchanged else ("updated" if old else "new")
    return EpisodeResult(slug, article.title, target, rendered.seconds, len(chapters), status, profile,
                         entry.loudness_lufs, entry.true_peak_dbtp, source)


def _article_date(article: Article) -> Optional[str]:
    if not article.date:
        return None
    try:
        when = datetime.fromisoformat(article.date)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat()
