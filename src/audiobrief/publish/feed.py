"""feed.xml from the catalog: RSS 2.0 + iTunes + Podcast Index, deterministic.

The same catalog and config always give the same bytes: episodes are sorted,
and lastBuildDate is the latest of the episodes' ``updated`` times and the
catalog's ``changed`` time (set by remove/restore/retention), never "now".
"""

from __future__ import annotations

import hashlib
import re
import uuid
from itertools import accumulate
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import quote

from audiobrief import __version__
from audiobrief.catalog import Entry, now_iso
from audiobrief.config import Config
from audiobrief.fsutil import atomic_write_bytes
from audiobrief.memos import FEED_ITEMS, FEED_WRITTEN, file_stamp, folder_memos, read_stamp, write_stamp
from audiobrief.publish import FEED_NAME
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


_LAST_BUILD = re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>")


def write_feed(config: Config, catalog, out_dir, cover_name: str):
    """Regenerate feed.xml from the catalog; untouched when the bytes are the same.

    When the content changed but no episode did (a new title in the config,
    say), the catalog's ``changed`` time is set to now so lastBuildDate moves too.
    When nothing the feed is made from changed since it was last written (a
    stamp in the cache folder says, with the file's size, time and inode), it
    is neither rendered nor read.
    """
    out_dir = Path(out_dir)
    target = out_dir / FEED_NAME
    stamp_file = folder_memos(out_dir) / FEED_WRITTEN
    episodes = catalog.newest_first()
    keys = _keys(catalog, episodes)  # once: the stamp, the reused items and their record need them
    guid = channel_guid(config, catalog)
    inputs = _inputs(config, episodes, cover_name, guid, catalog.changed, keys)
    if read_stamp(stamp_file) == [inputs, file_stamp(target)]:
        return target

    items_file = folder_memos(out_dir) / FEED_ITEMS
    data, record, old = _render_reusing(config, episodes, cover_name, items_file, target, guid=guid,
                                        changed=catalog.changed, keys=keys)
    if old is None and target.is_file():  # the recorded items did not hold: compare with the file itself
        old = target.read_bytes()
    if old != data:
        now = now_iso()
        if (old is not None and _LAST_BUILD.search(old)
                and _LAST_BUILD.search(old).group() == _LAST_BUILD.search(data).group()
                and _when(now) > last_build(episodes, catalog.changed)):
            # same lastBuildDate, new content: move it -- unless it already is this second
            catalog.changed = now
            catalog.save()
            inputs = _inputs(config, episodes, cover_name, guid, catalog.changed, keys)
            data, record, _ = _render_reusing(config, episodes, cover_name, items_file, target, guid=guid,
                                              changed=catalog.changed, keys=keys)
        atomic_write_bytes(target, data)
    written = file_stamp(target)
    if record is not None:  # where each item now sits in feed.xml, for the next run
        write_stamp(items_file, {**record, "file": written})
    write_stamp(stamp_file, [inputs, written])
    return target


def _keys(catalog, episodes: Sequence[Entry]) -> list[str]:
    """Each episode's digest: the catalog's (of its line in episodes.json), else :func:`_digest`."""
    digests = getattr(catalog, "digests", None)
    return digests(episodes) if digests is not None else [_digest(e) for e in episodes]


def _digest(entry) -> str:
    return hashlib.sha256(repr(entry).encode("utf-8")).hexdigest()


def _inputs(config: Config, episodes: Sequence[Entry], cover_name: str, guid: str, changed: Optional[str],
            keys: Sequence[str]) -> str:
    """A hash of everything render_feed reads (``keys``: each episode's digest): the same hash, the same bytes."""
    h = hashlib.sha256(repr((__version__, config, cover_name, guid, changed)).encode("utf-8"))
    h.update("\n".join(f"{e.guid} {key}" for e, key in zip(episodes, keys)).encode("utf-8"))
    return h.hexdigest()



_ITEM = re.compile(rb"^ *<item>.*?</item>\n", re.S | re.M)
_ITEM_START = re.compile(rb" *<item>")


def _latest(episodes: Sequence[Entry], times: Sequence[str]) -> Entry:
    """The episode with the latest of ``times`` (its ISO 8601 stamps), the first of equals."""
    return max(zip(episodes, times), key=lambda pair: _when(pair[1]))[0]


def _render_reusing(config: Config, episodes: Sequence[Entry], cover_name: str, items_file: Path, feed_file: Path,
                    *, guid: str,
                    changed: Optional[str] = None, keys: Sequence[str] = ()) -> tuple[bytes, Optional[dict], Optional[bytes]]:
    """``render_feed``'s exact bytes, rendering only the items that changed, and where each item sits.

    Each item's XML depends only on its entry and the settings, and pretty
    printing indents it the same wherever it sits; so the items of the
    feed.xml written last time are kept -- found by the offsets recorded with
    it (``items_file``, by guid with a digest of the entry: ``keys``, one per
    episode), while the file is the one recorded -- and only new or changed
    entries go through feedgen, together with the entries the channel's dates
    come from (the latest ``updated`` and the latest ``pub_date``).
    10,000 episodes: one item rendered instead of 10,000, and the others copied
    from the old file's bytes in one join. The second value is the record to
    store with the bytes once they are written (None: nothing to store); the
    third, the feed.xml read on the way (None when it was not read).
    """
    def full(entries) -> bytes:
        return render_feed(config, entries, cover_name, guid=guid, changed=changed)

    if not episodes or len({e.guid for e in episodes}) != len(episodes):
        return full(episodes), None, None  # (a guid twice: its items could not be told apart)
    settings = hashlib.sha256(repr((__version__, config, cover_name, guid)).encode("utf-8")).hexdigest()
    old = None
    spans: dict[str, tuple] = {}  # guid -> (digest, start, end) of its item in ``old``
    cached = read_stamp(items_file)
    if isinstance(cached, dict) and cached.get("settings") == settings and cached.get("file") == file_stamp(feed_file):
        try:
            old = feed_file.read_bytes()
            spans = {g: (d, start, end) for g, d, start, end in cached["items"]
                     if _ITEM_START.match(old, start) and old.endswith(b"</item>\n", start, end)
                     and old.find(f">{g}</guid>".encode("utf-8"), start, end) > 0}  # its own item
        except (OSError, ValueError, TypeError, KeyError):
            spans = {}
    digests = dict(zip((e.guid for e in episodes), keys))
    # the channel's lastBuildDate and pubDate come from the latest updated and pub_date among the
    # entries rendered: those two always are
    newest = _latest(episodes, [e.updated for e in episodes])
    latest = _latest(episodes, [e.pub_date for e in episodes])
    fresh = [e for e in episodes
             if e is newest or e is latest or spans.get(e.guid, (None,))[0] != digests[e.guid]]
    data = full(fresh)
    found = list(_ITEM.finditer(data))
    if len(found) != len(fresh):
        data = full(episodes)  # not the shape expected: never guess, render everything
        found = list(_ITEM.finditer(data))
        if len(found) != len(episodes):
            return data, None, old
        fresh = list(episodes)
    made = {entry.guid: match.group(0) for entry, match in zip(fresh, found)}
    kept = memoryview(old) if old is not None else None
    head, tail = data[: found[0].start()], data[found[-1].end():]
    guids = [e.guid for e in episodes]
    items = [made[g] if g in made else kept[spans[g][1]:spans[g][2]] for g in guids]
    ends = list(accumulate(map(len, items), initial=len(head)))
    layout = [[g, key, start, end] for g, key, start, end in zip(guids, keys, ends, ends[1:])]
    return b"".join([head, *items, tail]), {"settings": settings, "items": layout}, old
