"""feed.xml from the catalog: RSS 2.0 + iTunes + Podcast Index, deterministic.

The same catalog and config always give the same bytes: episodes are sorted,
and lastBuildDate is the latest of the episodes' ``updated`` times and the
catalog's ``changed`` time (set by remove/restore/retention), never "now".
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Optional, Sequence
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


def feed_url(config: Config) -> str:
    return file_url(config, FEED_NAME)


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc)


def last_build(episodes: Sequence[Entry], changed: Optional[str]) -> datetime:
    times = [_when(e.updated) for e in episodes] + ([_when(changed)] if changed else [])
    return max(times, default=EPOCH)


def channel_guid(config: Config, catalog) -> str:
    """podcast:guid: the stored one, else UUIDv5 of the feed URL (stored once a public URL is set)."""
    from audiobrief.publish.podcast_ns import podcast_guid

    return catalog.podcast_guid or podcast_guid(feed_url(config))


def render_feed(config: Config, episodes: Sequence[Entry], cover_name: str, *, guid: str,
                changed: Optional[str] = None) -> bytes:
    """The feed's bytes; the same catalog and config always give the same bytes."""
    from feedgen.feed import FeedGenerator

    from audiobrief.publish import podcast_ns
    from audiobrief.publish.shownotes import html_notes

    fg = FeedGenerator()
    fg.load_extension("podcast")
    pi = podcast_ns.register(fg)
    home = base_url(config)
    cover = file_url(config, cover_name)
    fg.title(xml_safe(config.title))
    fg.link(href=feed_url(config), rel="self", type="application/rss+xml")
    fg.link(href=home, rel="alternate")  # last: feedgen uses the last link as the RSS <link>
    fg.description(xml_safe(config.description) or xml_safe(config.title))
    fg.language(config.language)
    fg.generator(f"audiobrief {__version__}", uri=None)
    fg.copyright(xml_safe(config.copyright or f"\u00a9 {config.author}"))
    fg.podcast.itunes_author(xml_safe(config.author))
    fg.podcast.itunes_summary(xml_safe(config.description) or xml_safe(config.title))
    if config.owner_email:
        fg.podcast.itunes_owner(name=xml_safe(config.owner_name or config.author), email=config.owner_email)
    fg.podcast.itunes_category(config.category, config.subcategory or None)
    fg.podcast.itunes_image(cover)
    fg.podcast.itunes_type(config.show_type)
    fg.image(url=cover, title=xml_safe(config.title), link=home)
    pi.explicit(config.explicit)
    pi.locked(config.locked, config.owner_email)
    pi.guid(guid)
    built = last_build(episodes, changed)
    fg.lastBuildDate(built)
    fg.pubDate(max((_when(e.pub_date) for e in episodes), default=EPOCH))

    for entry in episodes:
        fe = fg.add_entry(order="append")
        fe.guid(entry.guid, permalink=False)
        fe.title(xml_safe(entry.title))
        notes = xml_safe(html_notes(entry))
        fe.description(notes)
        fe.content(notes, type="CDATA")
        fe.enclosure(file_url(config, entry.file), str(entry.bytes), "audio/mpeg")
        fe.pubDate(_when(entry.pub_date))
        fe.podcast.itunes_duration(round(entry.duration))
        fe.podcast.itunes_episode(entry.number)
        fe.podcast.itunes_episode_type("full")
        fe.podcast.itunes_summary(xml_safe(entry.summary) or xml_safe(entry.title))
        if entry.image:
            fe.podcast.itunes_image(file_url(config, entry.image))
        for t in entry.transcripts:
            fe.podcastindex.transcript(file_url(config, t["file"]), t["type"], t.get("language") or entry.language)
        if entry.chapters_file:
            fe.podcastindex.chapters(file_url(config, entry.chapters_file))
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


_LAST_BUILD = re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>")


def write_feed(config: Config, catalog, out_dir, cover_name: str):
    """Regenerate feed.xml from the catalog; untouched when the bytes are the same.

    When the content changed but no episode did (a new title in the config,
    say), the catalog's ``changed`` time is set to now so lastBuildDate moves too.
    """
    from audiobrief.catalog import now_iso
    from audiobrief.fsutil import atomic_write_bytes

    def render() -> bytes:
        return render_feed(config, catalog.newest_first(), cover_name, guid=channel_guid(config, catalog),
                           changed=catalog.changed)

    data = render()
    target = out_dir / FEED_NAME
    old = target.read_bytes() if target.is_file() else None
    if old == data:
        return target
    if old is not None and _LAST_BUILD.search(old) and _LAST_BUILD.search(old).group() == _LAST_BUILD.search(data).group():
        catalog.changed = now_iso()
        catalog.save()
        data = render()
    atomic_write_bytes(target, data)
    return target
