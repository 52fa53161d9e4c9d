"""feed.xml from the catalog: RSS 2.0 + iTunes + Podcast Index, deterministic.

The same catalog and config always give the same bytes: episodes are sorted,
and lastBuildDate is the latest of the episodes' ``updated`` times and the
catalog's ``changed`` time (set by remove/restore/retention, and when the
content changes with no newer episode: see ``write_feed``), never "now".
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import quote

from audiobrief import __version__
from audiobrief.catalog import Entry
from audiobrief.config import Config
from audiobrief.fsutil import atomic_write_bytes
from audiobrief.memos import FEED_ITEMS, feed_rendered, folder_memos, record_feed_rendered
from audiobrief.publish import FEED_NAME, pieces
from audiobrief.publish.pieces import Piece
from audiobrief.publish.shownotes import html_notes

LOCAL_BASE_URL = "http://localhost:8000/"
#: what XML 1.0 cannot carry: C0 controls but tab, line feed and return; lone surrogates; U+FFFE, U+FFFF
#: (the complement of its Char production, written out rather than as a negated class)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
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


def file_url(config: Config, name: str) -> str:
    return base_url(config) + quote(name)


def feed_url(config: Config) -> str:
    return file_url(config, FEED_NAME)


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc)


def last_build(episodes: Sequence[Entry], changed: Optional[str]) -> datetime:
    times = [_when(e.updated) for e in episodes] + ([_when(changed)] if changed else [])
    return max(times, default=EPOCH)


#: the namespace UUID the Podcast Index specifies for podcast:guid
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL with its scheme and trailing slashes removed."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def channel_guid(config: Config, catalog) -> str:
    """podcast:guid: the stored one, else UUIDv5 of the feed URL (stored once a public URL is set)."""

    return catalog.podcast_guid or podcast_guid(feed_url(config))


def render_feed(config: Config, episodes: Sequence[Entry], cover_name: str, *, guid: str,
                changed: Optional[str] = None) -> bytes:
    """The feed's bytes; the same catalog and config always give the same bytes."""
    from feedgen.feed import FeedGenerator

    from audiobrief.publish import podcast_ns  # a feedgen extension: heavy, like feedgen itself

    config = safe_config(config)
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


_LAST_BUILD = re.compile(rb"<lastBuildDate>([^<]*)</lastBuildDate>")
#: one <item> of feed.xml, as feedgen pretty-prints it: the piece publish.pieces reuses
ITEM = Piece(re.compile(rb"^ *<item>.*?</item>\n", re.S | re.M), lambda guid: f">{guid}</guid>".encode("utf-8"))


def write_feed(config: Config, catalog, out_dir, cover_name: str):
    """Regenerate feed.xml from the catalog; untouched when the bytes are the same.

    When nothing the feed is made from changed since it was last written (the
    feed stamp says, with the file's size, times and inode), it is neither
    rendered nor read. When the content changed but no episode did (a new
    title in the config, say), the catalog's ``changed`` time moves so that
    lastBuildDate does: see :func:`_moved_changed`.
    """
    out_dir = Path(out_dir)
    target = out_dir / FEED_NAME
    episodes = catalog.newest_first()
    keys = _keys(catalog, episodes)  # once: the stamp, the reused items and their record need them
    guid = channel_guid(config, catalog)
    inputs = _inputs(config, episodes, cover_name, guid, catalog.changed, keys)
    if feed_rendered(target, inputs):
        return target
    data, layout, reused = _render_reusing(config, episodes, cover_name, target, guid=guid,
                                           changed=catalog.changed, keys=keys)
    old = reused.old
    if old is None and target.is_file():  # no item was reused: compare with the file itself
        old = target.read_bytes()
    if old != data:
        changed = _moved_changed(old, data, [(e.guid, key) for e, key in zip(episodes, keys)], reused.recorded,
                                 last_build(episodes, catalog.changed))
        if changed is not None:
            catalog.changed = changed
            catalog.save()
            inputs = _inputs(config, episodes, cover_name, guid, catalog.changed, keys)
            data, layout, _ = _render_reusing(config, episodes, cover_name, target, guid=guid,
                                              changed=catalog.changed, keys=keys)
        atomic_write_bytes(target, data)
    pieces.record(folder_memos(out_dir) / FEED_ITEMS, target, _settings(config, cover_name, guid), layout)
    record_feed_rendered(target, inputs)
    return target


def _moved_changed(old: Optional[bytes], new: bytes, ids: list, recorded: Optional[list], built: datetime
                   ) -> Optional[str]:
    """The catalog's new ``changed`` time when the feed's content changes but no episode did, or
    None. ``ids``: each episode's (guid, digest) now; ``recorded``: as the feed items' record has
    them for the old feed.xml (None without one: then "no episode changed" is read off the old
    file, as the same lastBuildDate). The new time is now, or one second after the current
    lastBuildDate (``built``) when now is not later: such a change always moves lastBuildDate,
    however soon after the last write it comes, and a new or updated episode -- which moves it
    by its own time -- never sets it."""
    if old is None:
        return None
    if recorded is not None:
        if [tuple(pair) for pair in recorded] != ids:
            return None
    else:
        was, will = _LAST_BUILD.search(old), _LAST_BUILD.search(new)
        if was is None or will is None or was.group(1) != will.group(1):
            return None
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return max(now, built + timedelta(seconds=1)).isoformat()


def _keys(catalog, episodes: Sequence[Entry]) -> list[str]:
    """Each episode's digest: the catalog's (of its line in episodes.json), else :func:`_digest`."""
    digests = getattr(catalog, "digests", None)
    return digests(episodes) if digests is not None else [_digest(e) for e in episodes]


def _digest(entry) -> str:
    return hashlib.sha256(repr(entry).encode("utf-8")).hexdigest()


def _settings(config: Config, cover_name: str, guid: str) -> str:
    """A hash of what every item is made from besides its own entry."""
    return hashlib.sha256(repr((__version__, config, cover_name, guid)).encode("utf-8")).hexdigest()


def _inputs(config: Config, episodes: Sequence[Entry], cover_name: str, guid: str, changed: Optional[str],
            keys: Sequence[str]) -> str:
    """A hash of everything render_feed reads (``keys``: each episode's digest): the same hash, the same bytes."""
    h = hashlib.sha256(repr((__version__, config, cover_name, guid, changed)).encode("utf-8"))
    h.update("\n".join(f"{e.guid} {key}" for e, key in zip(episodes, keys)).encode("utf-8"))
    return h.hexdigest()


def _latest(episodes: Sequence[Entry], times: Sequence[str]) -> Entry:
    """The episode with the latest of ``times`` (its ISO 8601 stamps), the first of equals."""
    return max(zip(episodes, times), key=lambda pair: _when(pair[1]))[0]


def _render_reusing(config: Config, episodes: Sequence[Entry], cover_name: str, feed_file: Path, *, guid: str,
                    changed: Optional[str] = None, keys: Sequence[str] = ()
                    ) -> tuple[bytes, Optional[list], pieces.Reused]:
    """``render_feed``'s exact bytes, rendering only the items that changed (see publish.pieces).

    Besides new and changed entries, the entries the channel's dates come from
    (the latest ``updated`` and the latest ``pub_date``) always go through
    feedgen. 10,000 episodes: one item rendered instead of 10,000, the others
    copied from the old file's bytes in one join. Returns the bytes, where
    each item sits in them (None: nothing to record) and what was found of
    the last run (its feed.xml when it was read, and its record).
    """
    def render(entries) -> bytes:
        return render_feed(config, entries, cover_name, guid=guid, changed=changed)

    if not episodes or len({e.guid for e in episodes}) != len(episodes):
        return render(episodes), None, pieces.Reused()  # (a guid twice: its items could not be told apart)
    reused = pieces.reuse(folder_memos(feed_file.parent) / FEED_ITEMS, feed_file,
                          _settings(config, cover_name, guid), ITEM)
    newest = _latest(episodes, [e.updated for e in episodes])
    latest = _latest(episodes, [e.pub_date for e in episodes])
    ids = [(e.guid, key) for e, key in zip(episodes, keys)]
    data, layout = pieces.render_reusing(render, episodes, ids, ITEM, reused,
                                         always=lambda e: e is newest or e is latest)
    return data, layout, reused
