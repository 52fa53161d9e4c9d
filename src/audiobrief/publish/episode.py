"""Publishing one episode: the tagged MP3, its sidecars, its catalog entry, then the feed.

Every file is written under a new name first (a changed MP3 gets
``<slug>.<8 hex>.mp3``); the catalog and feed that name the new files are
written next; only then are the replaced files removed. A run killed at any
moment leaves the previous catalog and feed valid, naming files that exist.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from audiobrief.catalog import Entry, load_catalog, now_iso
from audiobrief.config import Config
from audiobrief.cover import publish_cover
from audiobrief.errors import write_error
from audiobrief.fsutil import retire, write_if_changed
from audiobrief.lock import publish_lock
from audiobrief.models import Article
from audiobrief.publish.site import publish_folder
from audiobrief.report import EpisodeResult
from audiobrief.slug import slugify
from audiobrief.tags import id3_language, write_tagged_mp3
from audiobrief.transcript import SRT_TYPE, VTT_TYPE, plain_text, render_chapters_json, render_srt, render_vtt


def publish_episode(article: Article, rendered, config: Config, out_dir: Path, *, source: str,
                    build_key: str = "", profile: str = "podcast", warnings: Optional[list] = None) -> EpisodeResult:
    """Join the rendered segments into the tagged MP3, write sidecars, catalog and feed.

    ``source``: the catalog's name for the article (``sources.Source.id``)."""
    chapters, cues = rendered.chapters, rendered.cues
    with publish_lock(out_dir):
        catalog = load_catalog(out_dir)
        old = catalog.find_source(source)
        cover_path = publish_cover(config, out_dir, warnings)
        slug = old.slug if old else slugify(article.title, catalog.slugs(except_source=source))
        now = now_iso()
        pub_date = old.pub_date if old else (article_date(article) or now)
        summary = summarise(article)
        try:
            name, size, mp3_changed = write_tagged_mp3(
                out_dir, slug, old.file if old else None, rendered.segments, title=article.title,
                artist=config.author, album=config.title, date=pub_date[:10], summary=summary, chapters=chapters,
                cover=cover_path, language=id3_language(article.language), transcript=plain_text(cues))
        except OSError as exc:  # a full or read-only disk: one line, the published files untouched
            raise write_error(out_dir / f"{slug}.mp3", exc) from None
        (chapters_file, vtt_file, srt_file), sidecars_changed = _write_sidecars(out_dir, name, rendered, article.title)
        unchanged = old is not None and not mp3_changed and not sidecars_changed
        links = story_links(article)
        entry = Entry(
            slug=slug, guid=old.guid if old else catalog.new_guid(),
            number=old.number if old else catalog.next_number(),
            title=article.title, source=source, file=name, bytes=size,
            duration=round(rendered.seconds, 3), pub_date=pub_date,
            updated=old.updated if unchanged else now, summary=summary, language=article.language,
            credits=article.credits,
            chapters=tuple(_chapter(c, links) for c in chapters),
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
            _retire_replaced(out_dir, catalog, old)
    status = "unchanged" if unchanged else ("updated" if old else "new")
    return EpisodeResult(slug, article.title, out_dir / name, rendered.seconds, len(chapters), status, profile,
                         entry.loudness_lufs, entry.true_peak_dbtp, source)


def _write_sidecars(out_dir: Path, mp3_name: str, rendered, title: str) -> tuple[tuple[str, str, str], bool]:
    """The chapters JSON, WebVTT and SubRip files beside the MP3: their names, and whether any changed.

    They are named after the MP3's version (<slug>[.<8 hex>]): new audio comes
    with new chapters and transcripts at new addresses (apps cache them by URL),
    and a run killed before the catalog commit leaves the published MP3 with its own."""
    stem = mp3_name[: -len(".mp3")]
    names = (f"{stem}.chapters.json", f"{stem}.vtt", f"{stem}.srt")
    texts = (render_chapters_json(rendered.chapters, title), render_vtt(rendered.cues), render_srt(rendered.cues))
    changed = [write_if_changed(out_dir / name, text.encode("utf-8")) for name, text in zip(names, texts)]
    return names, any(changed)


def _retire_replaced(out_dir: Path, catalog, old: Entry) -> None:
    """After the catalog names the new files: the old version's files that no entry names any more go."""
    in_use = {n for e in catalog.episodes for n in e.files()}
    for replaced in old.files():
        retire(out_dir, replaced, "", in_use)


def story_links(article: Article) -> dict[str, str]:
    """Chapter title -> the web address it came from: a briefing's stories (``Section.meta["link"]``)."""
    return {s.heading: s.meta["link"] for s in article.sections if s.heading and s.meta.get("link")}


def _chapter(chapter, links: dict[str, str]) -> dict:
    """A chapter as the catalog keeps it, with its story's ``url`` when it has one."""
    data = {"title": chapter.title, "start_ms": chapter.start_ms, "end_ms": chapter.end_ms}
    if chapter.title in links:
        data["url"] = links[chapter.title]
    return data


def summarise(article: Article) -> str:
    if article.summary:
        return article.summary
    first = next((p for s in article.sections for p in s.paragraphs), "")
    return first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + "..."


def article_date(article: Article) -> Optional[str]:
    if not article.date:
        return None
    try:
        when = datetime.fromisoformat(article.date)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat()
