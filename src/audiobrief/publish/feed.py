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


def base_url(config: Config) -> str:
    url = config.base_url or LOCAL_BASE_URL
    return url if url.endswith("/") else url + "/"


def is_local_only(config: Config) -> bool:
    return not config.base_url


def file_url(config: Config, name: str) -> str:
    return base_url(config) + quote(name)


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc)


def _timestamp(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def show_notes(entry: Entry) -> str:
    """HTML show notes: the summary, the chapters with timestamps, the credits.

    Each timestamp is a ``<time>`` whose ``datetime`` holds the exact start
    (a duration, e.g. ``PT83.412S``), the same as the ID3 and JSON chapters.
    """
    from html import escape

    parts = [f"<p>{escape(entry.summary)}</p>"] if entry.summary else []
    if entry.chapters:
        items = "".join(
            f'<li><time datetime="PT{ch["start_ms"] / 1000:.3f}S">{_timestamp(ch["start_ms"])}</time> '
            f"{escape(ch['title'])}</li>" for ch in entry.chapters)
        parts.append(f"<p>Chapters:</p><ul>{items}</ul>")
    if entry.credits:
        parts.append(f"<p>{escape(entry.credits)}</p>")
    return "".join(parts)


def render_feed(config: Config, episodes: Sequence[Entry], cover_name: str) -> bytes:
    """The feed's bytes; the same catalog and config always give the same bytes."""
    from feedgen.feed import FeedGenerator

    from audiobrief.publish import podcast_ns

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

    data = render_feed_reusing(config, catalog.newest_first(), cover_name, out_dir / ".cache" / ITEMS_CACHE)
    target = out_dir / FEED_NAME
    if not (target.is_file() and target.read_bytes() == data):
        atomic_write_bytes(target, data)
    return target


ITEMS_CACHE = "feed-items.json"
_ITEM = re.compile(rb"^ *<item>.*?</item>\n", re.S | re.M)


def render_feed_reusing(config: Config, episodes: Sequence[Entry], cover_name: str, cache_file) -> bytes:
    """``render_feed``'s exact bytes, rendering only the items that changed.

    Each item's XML depends only on its entry and the settings, and pretty
    printing indents it the same wherever it sits; so the items of earlier
    runs are kept (by guid, with a digest of the entry) and only new or
    changed entries go through feedgen, together with the newest entry,
    which the channel's dates come from.  10,000 episodes: one item
    rendered instead of 10,000.
    """
    import hashlib
    import json

    from audiobrief.cache import write_atomic

    if not episodes:
        return render_feed(config, episodes, cover_name)
    settings = hashlib.sha256(repr((__version__, config, cover_name)).encode("utf-8")).hexdigest()
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        items = cached["items"] if cached.get("settings") == settings else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        items = {}
    digest = {e.guid: hashlib.sha256(repr(e).encode("utf-8")).hexdigest() for e in episodes}
    newest = max(episodes, key=lambda e: _when(e.updated))
    fresh = [e for e in episodes if e is newest or items.get(e.guid, [None])[0] != digest[e.guid]]
    data = render_feed(config, fresh, cover_name)
    found = list(_ITEM.finditer(data))
    if len(found) != len(fresh):  # not the shape expected: never guess, render everything
        return render_feed(config, episodes, cover_name)
    for entry, match in zip(fresh, found):
        items[entry.guid] = [digest[entry.guid], match.group(0).decode("utf-8")]
    head, tail = data[: found[0].start()], data[found[-1].end():]
    out = head + b"".join(items[e.guid][1].encode("utf-8") for e in episodes) + tail
    keep = {e.guid: items[e.guid] for e in episodes}
    try:
        write_atomic(cache_file, json.dumps({"settings": settings, "items": keep}).encode("utf-8"))
    except OSError:
        pass  # only a cache
    return out
