"""feed.xml from the catalog: RSS 2.0 + iTunes + Podcast Index, deterministic."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Sequence
from urllib.parse import quote

from audiobrief import __version__
from audiobrief.catalog import Entry
from audiobrief.config import Config

FEED_NAME = "feed.xml"
LOCAL_BASE_URL = "http://localhost:8000/"
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def xml_safe(text: str) -> str:
    """Drop code points XML 1.0 cannot carry (escaping is lxml's job)."""
    return _NOT_XML.sub("", text)


def safe_config(config: Config) -> Config:
    """The config with every text setting passed through :func:`xml_safe`."""
    from dataclasses import fields, replace

    changes = {f.name: xml_safe(getattr(config, f.name)) for f in fields(config)
               if isinstance(getattr(config, f.name), str) and xml_safe(getattr(config, f.name)) != getattr(config, f.name)}
    return replace(config, **changes) if changes else config


def base_url(config: Config) -> str:
    url = config.base_url or LOCAL_BASE_URL
    return url if url.endswith("/") else url + "/"


def is_local_only(config: Config) -> bool:
    return not config.base_url


def file_url(config: Config, name: str) -> str:
    return base_url(config) + quote(name)


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc)


def show_notes(entry: Entry) -> str:
    lines = [entry.summary] if entry.summary else []
    if entry.chapters:
        lines.append("Chapters:")
        for ch in entry.chapters:
            seconds = ch["start_ms"] // 1000
            lines.append(f"{seconds // 60:02d}:{seconds % 60:02d} {ch['title']}")
    if entry.credits:
        lines.append(entry.credits)
    return "\n".join(lines)


def render_feed(config: Config, episodes: Sequence[Entry], cover_name: str) -> bytes:
    """The feed's bytes; the same catalog and config always give the same bytes."""
    from feedgen.feed import FeedGenerator

    from audiobrief.publish import podcast_ns

    config = safe_config(config)
    fg = FeedGenerator()
    fg.load_extension("podcast")
    pi = podcast_ns.register(fg)
    feed_url = file_url(config, FEED_NAME)
    fg.title(xml_safe(config.title))
    fg.link(href=base_url(config), rel="alternate")
    fg.description(xml_safe(config.description) or xml_safe(config.title))
    fg.language(config.language)
    fg.generator(f"audiobrief {__version__}", uri=None)
    fg.copyright(xml_safe(f"\u00a9 {config.author}"))
    fg.podcast.itunes_author(xml_safe(config.author))
    if config.owner_email:
        fg.podcast.itunes_owner(name=xml_safe(config.author), email=config.owner_email)
    fg.podcast.itunes_category(config.category, config.subcategory or None)
    fg.podcast.itunes_image(file_url(config, cover_name))
    fg.podcast.itunes_type("episodic")
    fg.image(url=file_url(config, cover_name), title=xml_safe(config.title), link=base_url(config))
    pi.explicit(config.explicit)
    pi.locked(False, config.owner_email)
    pi.guid(podcast_ns.podcast_guid(feed_url))
    newest = max((_when(e.updated) for e in episodes), default=EPOCH)
    fg.lastBuildDate(newest)
    fg.pubDate(newest)

    for entry in episodes:
        fe = fg.add_entry(order="append")
        fe.guid(entry.guid, permalink=False)
        fe.title(xml_safe(entry.title))
        fe.description(xml_safe(show_notes(entry)))
        fe.enclosure(file_url(config, entry.file), str(entry.bytes), "audio/mpeg")
        fe.pubDate(_when(entry.pub_date))
        fe.podcast.itunes_duration(round(entry.duration))
        fe.podcast.itunes_episode(entry.number)
        fe.podcast.itunes_episode_type("full")
        if entry.summary:
            fe.podcast.itunes_summary(xml_safe(entry.summary))
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def write_feed(config: Config, catalog, out_dir, cover_name: str):
    """Regenerate feed.xml from the catalog; untouched when the bytes are the same."""
    from audiobrief.fsutil import atomic_write_bytes

    data = render_feed(config, catalog.newest_first(), cover_name)
    target = out_dir / FEED_NAME
    if not (target.is_file() and target.read_bytes() == data):
        atomic_write_bytes(target, data)
    return target
