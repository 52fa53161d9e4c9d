"""Planning a build: each article's plan (:mod:`audiobrief.planned`) -> its clips (content keys),
its build key, and what is left to speak.

The build key is a hash of everything that decides an episode's files (see
``build_key_data``); an episode whose key equals the one in the catalog is
not made again (``decide``, through ``build.Run.unchanged``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from audiobrief import memos
from audiobrief.cache import ClipCache
from audiobrief.config import Config
from audiobrief.engines import EngineSpec, SynthJob, engine_cache_id
from audiobrief.errors import AudiobriefError
from audiobrief.fsutil import ensure_free_space
from audiobrief.length import estimate_seconds, refuse_if_too_long
from audiobrief.models import Article, Piece
from audiobrief.planned import Planned, plan_article
from audiobrief.profiles import get_profile
from audiobrief.report import BuildReport, Failure
from audiobrief.script import language_warnings


def plan_all(sources, config: Config, report: BuildReport) -> list:
    """Read and script each source: [(source, Planned)]; a failing one is reported and skipped,
    and so is one whose estimated length is over the limit (before anything is spoken)."""
    profile = get_profile(config.profile)
    planned = []
    for source in sources:
        try:
            item = plan_article(source.read(), config)
            refuse_if_too_long(estimate_seconds(item.script, config), item.article, profile, config, estimated=True)
        except AudiobriefError as exc:
            report.failures.append(Failure(source.where, str(exc), exc.exit_code))
            continue
        report.warnings += language_warnings(item.article, config)  # e.g. a language no voice speaks
        planned.append((source, item))
    return planned


def decide(planned: list, run) -> dict:
    """The build key of each planned article; the changed ones, with the clips they still need.

    ``run`` is the build's ``build.Run``: it decides what is unchanged and
    holds the report. Returns {index in the input: Work}."""
    report = run.report
    works: dict[int, Work] = {}
    for index, (source, item) in enumerate(planned):
        try:
            work = prepare_work(item, run.config, run.cache_root, run.profile)
        except AudiobriefError as exc:
            report.failures.append(Failure(source.where, str(exc), exc.exit_code))
            continue
        work.source, work.where = source.id, source.where
        run.remember_key(source, work.build_key, len(item.script))
        if run.unchanged(source.id, work.build_key, clips=len(item.script)):
            continue
        find_missing(work, run.config)
        check_space(run.cache_root, run.out_dir, work)
        report.clips_made += sum(len(jobs) for _, jobs in work.missing)
        report.clips_cached += work.cached
        report.sections_spoken += len(work.missing)
        works[index] = work
    return works


@dataclass
class Work:
    """One article on its way: its clips, what is missing, its build key."""

    planned: Planned
    clips: list[Path]
    build_key: str
    source: str = ""  # the catalog's name for the article
    where: str = ""  # where it is (the memos' key)
    missing: list = field(default_factory=list)  # [(spec, [SynthJob, ...]), ...] one batch per section and voice
    cached: int = 0


def engine_spec(config: Config, article: Article, piece: Optional[Piece] = None) -> EngineSpec:
    # front matter may choose the engine for one article; it wins over audiobrief.toml
    engine = article.meta.get("engine") or config.engine
    voice = (piece.voice if piece is not None and piece.voice else None) or config.voice or None
    if voice and engine == "piper" and voice.endswith(".onnx"):
        voice = str(config.resolve(voice))  # a voice file, relative to the config file
    rate = piece.rate if piece is not None and piece.rate is not None else config.rate
    return EngineSpec(name=engine, voice=voice, rate=rate, language=article.language or config.language)


def engine_ids(specs, cache_root: Path) -> dict:
    """Cache id per engine spec, from the engine-id memo when it knows it (no engine started)."""
    versions = repr(memos.engine_files())
    ids = {}
    for spec in dict.fromkeys(specs):
        key = f"{spec!r} {versions}"
        ids[spec] = memos.remembered_engine_id(cache_root, key)
        if ids[spec] is None:
            ids[spec] = engine_cache_id(spec)
            memos.remember_engine_id(cache_root, key, ids[spec])
    return ids


def prepare_work(planned: Planned, config: Config, cache_root: Path, profile) -> Work:
    """Clip paths (content-addressed) and the build key."""
    specs = [engine_spec(config, planned.article, p) for p in planned.script]
    ids = engine_ids(specs, cache_root)
    cache = ClipCache(cache_root)
    paths = [cache.path_for(ids[spec], p.text) for p, spec in zip(planned.script, specs)]
    key = memos.build_key(build_key_data(planned, [p.name for p in paths], config, profile))
    return Work(planned, paths, key)


def find_missing(work: Work, config: Config) -> None:
    """Fill ``work.missing``: clips absent or failing their check, grouped per section and voice."""
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
        spec = engine_spec(config, planned.article, piece)
        groups.setdefault((piece.section, spec), []).append(
            SynthJob(text=piece.text, wav_path=str(path), label=f"{planned.article.source}: {where}"))
    work.missing = [(spec, jobs) for (_, spec), jobs in groups.items()]
    work.cached = len(planned.script) - len(seen)


def build_key_data(planned: Planned, clip_keys: Sequence[str], config: Config, profile) -> dict:
    """Everything that decides an episode's files: clips, mix settings, tags, profile."""
    article = planned.article
    cover_id, transition, music = memos.settings_files(config)
    return {
        "clips": list(clip_keys),
        "pieces": [[p.kind, p.section, p.pause_after] for p in planned.script],
        "mix": [transition, config.section_pause_ms, config.section_pause_after_ms, music, config.music_duck_db],
        "profile": asdict(profile),
        "tags": [article.title, config.author, config.title, article.summary, article.language, article.credits,
                 [s.heading for s in article.sections], [s.paragraphs[:1] for s in article.sections],
                 article.date, cover_id],
    }


def check_space(cache_root: Path, out_dir: Path, work: Work) -> None:
    """Refuse to start when the clips (in the cache) or the MP3 (in the folder) clearly cannot fit."""
    clip_words = sum(len(j.text.split()) for _, jobs in work.missing for j in jobs)
    all_words = sum(len(p.text.split()) for p in work.planned.script)
    # about 0.4 s of 22.05 kHz 16-bit audio per word for clips; 64 kbps MP3 at about 0.3 s per word
    ensure_free_space(cache_root, clip_words * 18_000, "this episode's clips")
    ensure_free_space(out_dir, all_words * 2_400, "this episode")


def check_length(seconds: float, article: Article, profile, config: Config) -> None:
    """Refuse an episode whose laid-out audio is longer than its limit (nothing is written)."""
    refuse_if_too_long(seconds, article, profile, config, estimated=False)
