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
    profile: str = "podcast"
    loudness_lufs: Optional[float] = None
    true_peak_dbtp: Optional[float] = None


@dataclass
class BuildReport:
    out_dir: Path
    feed: Path
    local_only: bool
    episodes: list[EpisodeResult] = field(default_factory=list)
    clips_made: int = 0
    clips_cached: int = 0
    warnings: list[str] = field(default_factory=list)


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


def _engine_spec(config: Config, article: Article, piece: Optional[Piece] = None):
    from audiobrief.engines import EngineSpec

    # front matter may choose the engine for one article; it wins over audiobrief.toml
    engine = article.meta.get("engine") or config.engine
    voice = (piece.voice if piece is not None and piece.voice else None) or config.voice or None
    if voice and engine == "piper" and voice.endswith(".onnx"):
        voice = str(config.resolve(voice))  # a voice file, relative to the config file
    rate = piece.rate if piece is not None and piece.rate is not None else config.rate
    return EngineSpec(name=engine, voice=voice, rate=rate, language=article.language or config.language)


def speak(planned: Planned, config: Config, cache_root: Path, workers: int,
          progress: Progress, report: BuildReport) -> list[Path]:
    """One WAV per script piece (sentence), taken from the cache or synthesised.

    Pieces can carry their own voice and rate (front matter, per section):
    each distinct voice/rate is one engine spec and one batch of jobs.
    """
    from audiobrief.cache import ClipCache
    from audiobrief.engines import SynthJob, engine_cache_id, synthesize_all

    specs = [_engine_spec(config, planned.article, p) for p in planned.script]
    cache = ClipCache(cache_root)
    ids = {spec: engine_cache_id(spec) for spec in dict.fromkeys(specs)}
    paths = [cache.path_for(ids[spec], p.text) for p, spec in zip(planned.script, specs)]
    headings = {i: s.heading for i, s in enumerate(planned.article.sections)}
    batches: dict = {}
    seen: set = set()
    for piece, spec, path in zip(planned.script, specs, paths):
        if path in seen or cache.is_valid(path):
            continue
        seen.add(path)
        cache.prepare(path)
        where = piece.kind if piece.section is None else (
            f'section {piece.section + 1} "{headings[piece.section] or planned.article.title}"')
        batches.setdefault(spec, []).append(SynthJob(text=piece.text, wav_path=str(path), label=where))
    made = sum(len(jobs) for jobs in batches.values())
    progress.begin(planned.article.title, len(planned.script))
    progress.step(len(planned.script) - made)
    for spec, jobs in batches.items():
        synthesize_all(jobs, spec, workers=workers, on_done=lambda job: progress.step())
    progress.end()
    report.clips_made += made
    report.clips_cached += len(planned.script) - made
    return paths


def _summary(article: Article) -> str:
    if article.summary:
        return article.summary
    first = next((p for s in article.sections for p in s.paragraphs), "")
    return first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + "..."


def build(paths: Sequence[Path], config: Config, out_dir: Path, *, workers: Optional[int] = None,
          progress: Optional[Progress] = None) -> BuildReport:
    from audiobrief.encode import encoder_delay_ms, on_mp3_timeline
    from audiobrief.master import master
    from audiobrief.mix import mix_episode
    from audiobrief.profiles import get_profile
    from audiobrief.publish.feed import FEED_NAME, is_local_only
    from audiobrief.transcript import shift_cues

    progress = progress or Progress()
    profile = get_profile(config.profile)
    # 1. gather: read and script every article before touching the output folder
    planned = [plan(Path(p), config) for p in paths]
    _check_inputs(config)  # a bad sound file or cover fails before any work
    report = BuildReport(out_dir=out_dir, feed=out_dir / FEED_NAME, local_only=is_local_only(config))
    _prepare_output(out_dir)
    for item in planned:
        jobs = workers if workers else _auto_workers(item.script, item.article.meta.get("engine") or config.engine)
        # 2. speak: one clip per sentence
        clips = speak(item, config, out_dir / ".cache", jobs, progress, report)
        # 3. mix: pauses, transitions, music bed; refuse what is too long
        mix = mix_episode(item.script, clips, item.article, transition=config.transition,
                          section_pause_ms=config.section_pause_ms,
                          section_pause_after_ms=config.section_pause_after_ms, resolve=config.resolve)
        if config.music:
            mix = _with_music(mix, item.script, config)
        check_length(len(mix.audio) / 1000, item.article, profile, config)
        # 4. loudness to the profile's target, encoded and checked
        done = master(mix.audio.raw_data, mix.audio.frame_rate, mix.audio.channels, profile)
        chapters = on_mp3_timeline(mix.chapters, profile.sample_rate)
        cues = shift_cues(mix.cues, encoder_delay_ms(profile.sample_rate))
        # 5. tag and publish, one writer at a time
        report.episodes.append(publish_episode(
            item.article, chapters, done.mp3, done.seconds, config, out_dir,
            cues=cues, measured=done.measured, profile=profile.name, warnings=report.warnings))
    return report


def _with_music(mix, script: Sequence[Piece], config: Config):
    from audiobrief.music import add_music_bed

    intro = sum(1 for p in script if p.kind == "intro")
    outro = sum(1 for p in script if p.kind == "outro")
    return add_music_bed(mix, config.resolve(config.music), config.music_duck_db, intro, outro,
                         intro_fade_ms=max(100, config.section_pause_ms))


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
    from audiobrief.cover import cover_bytes_for
    from audiobrief.mix import load_sound

    if config.transition not in ("sting", "crossfade", "none"):
        load_sound(config.resolve(config.transition), 22050, "transition sound")
    if config.music:
        load_sound(config.resolve(config.music), 22050, "music bed")
    cover_bytes_for(config.title, config.resolve(config.cover))


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
                    out_dir: Path, *, cues=(), measured=None, profile: str = "podcast",
                    warnings: Optional[list] = None) -> EpisodeResult:
    from audiobrief.catalog import Entry, load_catalog
    from audiobrief.cover import publish_cover
    from audiobrief.fsutil import publish_lock, write_if_changed
    from audiobrief.publish.site import publish_folder
    from audiobrief.slug import slugify
    from audiobrief.tags import id3_language, tagged_mp3
    from audiobrief.transcript import (SRT_TYPE, VTT_TYPE, plain_text, render_chapters_json, render_srt,
                                       render_vtt)

    source = str(Path(article.source).resolve())
    with publish_lock(out_dir):
        catalog = load_catalog(out_dir)
        old = catalog.find_source(source)
        cover_path = publish_cover(config, out_dir, warnings)
        slug = old.slug if old else slugify(article.title, catalog.slugs(except_source=source))
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        pub_date = old.pub_date if old else (_article_date(article) or now)
        summary = _summary(article)
        data = tagged_mp3(mp3, title=article.title, artist=config.author, album=config.title,
                          date=pub_date[:10], summary=summary, chapters=chapters, cover=cover_path,
                          language=id3_language(article.language), transcript=plain_text(cues))
        target = out_dir / f"{slug}.mp3"
        sidecars = {
            f"{slug}.chapters.json": render_chapters_json(chapters, article.title),
            f"{slug}.vtt": render_vtt(cues),
            f"{slug}.srt": render_srt(cues),
        }
        changed = [write_if_changed(target, data)]
        changed += [write_if_changed(out_dir / name, text.encode("utf-8")) for name, text in sidecars.items()]
        unchanged = old is not None and not any(changed)
        entry = Entry(
            slug=slug, guid=old.guid if old else catalog.new_guid(),
            number=old.number if old else catalog.next_number(),
            title=article.title, source=source, file=target.name, bytes=len(data),
            duration=round(duration, 3), pub_date=pub_date,
            updated=old.updated if unchanged else now, summary=summary, language=article.language,
            credits=article.credits,
            chapters=tuple({"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in chapters),
            profile=profile,
            loudness_lufs=measured.integrated_lufs if measured else None,
            true_peak_dbtp=measured.true_peak_dbtp if measured else None,
            chapters_file=f"{slug}.chapters.json",
            transcripts=({"file": f"{slug}.vtt", "type": VTT_TYPE}, {"file": f"{slug}.srt", "type": SRT_TYPE}),
        )
        catalog.upsert(entry)
        publish_folder(config, catalog, out_dir, cover_path.name)  # saves the catalog, feed, flash briefing
    status = "unchanged" if unchanged else ("updated" if old else "new")
    return EpisodeResult(slug, article.title, target, duration, len(chapters), status, profile,
                         entry.loudness_lufs, entry.true_peak_dbtp)


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
