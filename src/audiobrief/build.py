"""The recipe: gather -> script -> speak -> mix -> encode/tag -> publish.

Only the CLI imports this module. Each stage is a plain function in its own
module; this file just calls them in order and reports what happened.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from audiobrief.config import Config
from audiobrief.models import Article, Piece


class Progress:
    """What the build tells its caller as it goes (the CLI draws a bar)."""

    def begin(self, label: str, total: int) -> None: ...

    def step(self, n: int = 1) -> None: ...

    def end(self) -> None: ...


@dataclass(frozen=True)
class EpisodeResult:
    slug: str
    title: str
    mp3: Path
    duration: float
    chapters: int
    status: str  # "new", "updated" or "unchanged"


@dataclass
class BuildReport:
    out_dir: Path
    feed: Path
    local_only: bool
    episodes: list[EpisodeResult] = field(default_factory=list)
    clips_made: int = 0
    clips_cached: int = 0


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

    article = read_article(path)
    return Planned(article, build_script(article, config))


def _engine_spec(config: Config, article: Article):
    from audiobrief.engines import EngineSpec

    # front matter may set an engine, voice or rate for one article; it wins over audiobrief.toml
    engine = article.meta.get("engine") or config.engine
    voice = article.meta.get("voice") or config.voice or None
    if voice and engine == "piper" and voice.endswith(".onnx"):
        voice = str(config.resolve(voice))  # a voice file, relative to the config file
    return EngineSpec(name=engine, voice=voice, rate=article.meta.get("rate") or config.rate,
                      language=article.language or config.language)


def speak(planned: Planned, config: Config, cache_root: Path, workers: int,
          progress: Progress, report: BuildReport) -> list[Path]:
    """One WAV per script piece, taken from the cache or synthesised."""
    from audiobrief.cache import ClipCache
    from audiobrief.engines import SynthJob, engine_cache_id, synthesize_all

    spec = _engine_spec(config, planned.article)
    engine_id = engine_cache_id(spec)
    cache = ClipCache(cache_root)
    paths = [cache.path_for(engine_id, p.text) for p in planned.script]
    headings = {i: s.heading for i, s in enumerate(planned.article.sections)}
    jobs, seen = [], set()
    for piece, path in zip(planned.script, paths):
        if path in seen or cache.is_valid(path):
            continue
        seen.add(path)
        cache.prepare(path)
        where = piece.kind if piece.section is None else (
            f'section {piece.section + 1} "{headings[piece.section] or planned.article.title}"')
        jobs.append(SynthJob(text=piece.text, wav_path=str(path), label=where))
    progress.begin(planned.article.title, len(planned.script))
    progress.step(len(planned.script) - len(jobs))
    if jobs:
        synthesize_all(jobs, spec, workers=workers, on_done=lambda job: progress.step())
    progress.end()
    report.clips_made += len(jobs)
    report.clips_cached += len(planned.script) - len(jobs)
    return paths


def _summary(article: Article) -> str:
    if article.summary:
        return article.summary
    first = next((p for s in article.sections for p in s.paragraphs), "")
    return first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + "..."


def build(paths: Sequence[Path], config: Config, out_dir: Path, *, workers: Optional[int] = None,
          progress: Optional[Progress] = None) -> BuildReport:
    from audiobrief.encode import encode_mp3, on_mp3_timeline
    from audiobrief.cover import cover_bytes_for
    from audiobrief.mix import load_transition, mix_episode, peak_normalize
    from audiobrief.publish.feed import FEED_NAME, is_local_only

    progress = progress or Progress()
    # 1. gather: read and script every article before touching the output folder
    planned = [plan(Path(p), config) for p in paths]
    transition_sound = load_transition(config.transition, config.resolve)
    cover_bytes_for(config.title, config.resolve(config.cover))  # a bad cover fails before any work
    report = BuildReport(out_dir=out_dir, feed=out_dir / FEED_NAME, local_only=is_local_only(config))
    _prepare_output(out_dir)
    for item in planned:
        jobs = workers if workers else _auto_workers(item.script, config.engine)
        # 2. speak
        clips = speak(item, config, out_dir / ".cache", jobs, progress, report)
        # 3. mix and encode
        mix = mix_episode(item.script, clips, item.article, transition=config.transition,
                          transition_sound=transition_sound, section_pause_ms=config.section_pause_ms)
        audio = peak_normalize(mix.audio)
        mp3 = encode_mp3(audio.raw_data, audio.frame_rate, audio.channels)
        # 4. tag and publish, one writer at a time
        report.episodes.append(publish_episode(item.article, on_mp3_timeline(mix.chapters), mp3, len(audio) / 1000, config, out_dir))
    return report


def _auto_workers(script: Sequence[Piece], engine: str = "pyttsx3") -> int:
    """Worker processes pay ~0.5 s to start; only worth it for long articles.
    A neural engine (piper: seconds per clip, ~2 s to load per worker) from ~6,000 characters."""
    chars = sum(len(p.text) for p in script)
    threshold = 6_000 if engine == "piper" else 20_000
    return 1 if chars < threshold else max(1, min(os.cpu_count() or 1, 4))


def _prepare_output(out_dir: Path) -> None:
    from audiobrief.fsutil import ensure_folder, publish_lock, remove_leftover_temps

    ensure_folder(out_dir)
    with publish_lock(out_dir):
        remove_leftover_temps(out_dir)


def publish_episode(article: Article, chapters, mp3: bytes, duration: float, config: Config,
                    out_dir: Path) -> EpisodeResult:
    from audiobrief.catalog import Entry, load_catalog
    from audiobrief.fsutil import atomic_write_bytes, publish_lock
    from audiobrief.cover import publish_cover
    from audiobrief.publish.site import publish_folder
    from audiobrief.slug import slugify
    from audiobrief.tags import id3_language, tagged_mp3

    source = str(Path(article.source).resolve())
    with publish_lock(out_dir):
        catalog = load_catalog(out_dir)
        old = catalog.find_source(source)
        cover_path = publish_cover(config, out_dir)
        slug = old.slug if old else slugify(article.title, catalog.slugs(except_source=source))
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        pub_date = old.pub_date if old else (_article_date(article) or now)
        summary = _summary(article)
        data = tagged_mp3(mp3, title=article.title, artist=config.author, album=config.title,
                          date=pub_date[:10], summary=summary, chapters=chapters, cover=cover_path,
                          language=id3_language(article.language))
        target = out_dir / f"{slug}.mp3"
        unchanged = old is not None and target.is_file() and target.read_bytes() == data
        if not unchanged:
            atomic_write_bytes(target, data)
        entry = Entry(
            slug=slug, guid=old.guid if old else catalog.new_guid(),
            number=old.number if old else catalog.next_number(),
            title=article.title, source=source, file=target.name, bytes=len(data),
            duration=round(duration, 3), pub_date=pub_date,
            updated=old.updated if unchanged else now, summary=summary, language=article.language,
            credits=article.credits,
            chapters=tuple({"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in chapters),
        )
        catalog.upsert(entry)
        publish_folder(config, catalog, out_dir, cover_path.name)  # saves the catalog, feed, flash briefing
    status = "unchanged" if unchanged else ("updated" if old else "new")
    return EpisodeResult(slug, article.title, target, duration, len(chapters), status)


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
