"""feed.xml and flash-briefing.json from catalog fixtures: golden files, determinism, retention.

Golden files: ``fixtures/feed/<name>.catalog.json`` + ``<name>.toml`` render to
``<name>.feed.xml`` and ``<name>.flash.json``; one test finds every pair.
Regenerate with AUDIOBRIEF_REGEN=1 after checking the diff by eye.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree

from audiobrief.catalog import Entry, load_catalog
from audiobrief.memos import archive_dir
from audiobrief.config import load_config
from audiobrief.errors import ConfigError, PublishError
from audiobrief.publish.flash import write_flash
from audiobrief.publish.feed import render_feed, write_feed
from audiobrief.publish.feed import podcast_guid
from audiobrief.publish.shownotes import html_notes, plain_notes, timestamp
from audiobrief.publish.site import publish_folder, remove_episode, restore_episode

FIXTURES = Path(__file__).parent / "fixtures" / "feed"
NAMES = sorted(p.name.split(".")[0] for p in FIXTURES.glob("*.catalog.json"))
PODCAST = "{https://podcastindex.org/namespace/1.0}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


def _folder(name: str, tmp_path: Path):
    out = tmp_path / "episodes"
    out.mkdir()
    shutil.copy(FIXTURES / f"{name}.catalog.json", out / "episodes.json")
    config = load_config(FIXTURES / f"{name}.toml")
    catalog = load_catalog(out)
    for entry in catalog.episodes:  # stand-in files so moves can be seen
        where = archive_dir(out) if entry.archived else out
        where.mkdir(parents=True, exist_ok=True)
        for f in entry.files():
            (where / f).write_text(f"file {f}")
    return out, config, catalog


def _regen_or_compare(path: Path, data: bytes) -> None:
    if os.environ.get("AUDIOBRIEF_REGEN"):
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{path.name} differs; rerun with AUDIOBRIEF_REGEN=1 and review the diff"


@pytest.mark.parametrize("name", NAMES)
def test_golden_feed_and_flash(name, tmp_path):
    out, config, catalog = _folder(name, tmp_path)
    publish_folder(config, catalog, out, "cover.png")
    feed = (out / "feed.xml").read_bytes()
    _regen_or_compare(FIXTURES / f"{name}.feed.xml", feed)
    _regen_or_compare(FIXTURES / f"{name}.flash.json", (out / "flash-briefing.json").read_bytes())
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    pod = podcastparser.parse("https://example.org/notes/feed.xml", __import__("io").BytesIO(feed))
    assert len(pod["episodes"]) == len(parsed.entries)


def test_channel_has_every_apple_and_podcast_index_tag(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    publish_folder(config, catalog, out, "cover.png")
    channel = etree.fromstring((out / "feed.xml").read_bytes()).find("channel")
    for tag in ("title", "description", "language", "link", "copyright", "lastBuildDate", "generator",
                f"{ITUNES}author", f"{ITUNES}type", f"{ITUNES}explicit", f"{PODCAST}guid"):
        assert channel.findtext(tag), tag
    assert channel.find(f"{ITUNES}image").get("href") == "https://example.org/notes/cover.png"
    assert channel.find(f"{ITUNES}category").find(f"{ITUNES}category").get("text") == "Daily News"
    assert channel.find(f"{ITUNES}owner").findtext(f"{ITUNES}email") == "pat@example.org"
    assert channel.findtext(f"{ITUNES}explicit") == "false" and channel.findtext(f"{ITUNES}type") == "serial"
    locked = channel.find(f"{PODCAST}locked")
    assert locked.text == "yes" and locked.get("owner") == "pat@example.org"
    items = channel.findall("item")
    newest = items[0]
    assert newest.find(f"{ITUNES}image").get("href") == "https://example.org/notes/morning-note-6.jpg"
    assert newest.find(f"{PODCAST}chapters").get("type") == "application/json+chapters"
    assert [t.get("type") for t in newest.findall(f"{PODCAST}transcript")] == ["text/vtt", "application/x-subrip"]
    assert newest.findtext(f"{ITUNES}duration") == "66" and newest.findtext(f"{ITUNES}episode") == "6"
    assert '<li><time datetime="PT4.000S">00:04</time> The Story</li>' in newest.findtext("description")
    assert newest.findtext(f"{ITUNES}summary") == "Note 6 in one line."
    assert "morning-note-1" not in (out / "feed.xml").read_text()  # archived


def test_same_catalog_same_bytes_and_last_build_moves_only_on_change(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    first = render_feed(config, catalog.newest_first(), "cover.png", guid="g", changed=catalog.changed)
    again = render_feed(config, load_catalog(out).newest_first(), "cover.png", guid="g", changed=catalog.changed)
    assert first == again
    write_feed(config, catalog, out, "cover.png")
    mtime = (out / "feed.xml").stat().st_mtime_ns
    write_feed(config, load_catalog(out), out, "cover.png")
    assert (out / "feed.xml").stat().st_mtime_ns == mtime  # not rewritten
    before = etree.fromstring((out / "feed.xml").read_bytes()).findtext("channel/lastBuildDate")
    assert before == "Tue, 17 Nov 2026 09:00:00 +0000"  # the catalog's 'changed', not the clock
    remove_episode(config, out, "morning-note-4")
    after = etree.fromstring((out / "feed.xml").read_bytes()).findtext("channel/lastBuildDate")
    assert after != before


def test_podcast_guid_is_stored_once_and_never_changes(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    catalog.podcast_guid = None
    publish_folder(config, catalog, out, "cover.png")
    stored = load_catalog(out).podcast_guid
    assert stored == podcast_guid("https://example.org/notes/feed.xml")
    moved = config.with_overrides(base_url="https://cdn.example.net/n/")
    publish_folder(moved, load_catalog(out), out, "cover.png")
    assert load_catalog(out).podcast_guid == stored
    assert f"<podcast:guid>{stored}</podcast:guid>" in (out / "feed.xml").read_text()


def test_podcast_guid_matches_the_namespace_example():
    # the worked example in the Podcast Index namespace's description of podcast:guid
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


@pytest.mark.parametrize("ms, text", [(0, "00:00"), (4_999, "00:04"), (61_000, "01:01"), (3_725_000, "1:02:05")])
def test_show_note_timestamps(ms, text):
    assert timestamp(ms) == text


def test_keep_last_archives_oldest_and_deletes_nothing(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    def files() -> list[str]:  # the episodes' files, in the folder or in its archive
        return sorted(p.name for folder in (out, archive_dir(out)) for p in folder.glob("*")
                      if p.is_file() and p.suffix not in (".json", ".html") and p.name != "feed.xml")

    files_before = files()
    report = publish_folder(config.with_overrides(keep_last=2), catalog, out, "cover.png")
    assert report.archived == ["morning-note-4", "morning-note-3", "morning-note-2"]
    items = feedparser.parse((out / "feed.xml").read_bytes()).entries
    assert [e.id for e in items] == ["00000000-0000-4000-8000-000000000006", "00000000-0000-4000-8000-000000000005"]
    assert (archive_dir(out) / "morning-note-2.mp3").is_file() and not (out / "morning-note-2.mp3").exists()
    assert files() == files_before  # moved, not deleted
    assert {e.slug for e in load_catalog(out).episodes if e.archived} == {f"morning-note-{n}" for n in (1, 2, 3, 4)}


def test_remove_and_restore_keep_guid_and_number(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    publish_folder(config, catalog, out, "cover.png")
    remove_episode(config, out, "morning-note-5")
    for name in ("morning-note-5.mp3", "morning-note-5.vtt", "morning-note-5.srt", "morning-note-5.chapters.json"):
        assert (archive_dir(out) / name).is_file() and not (out / name).exists()
    assert "morning-note-5" not in (out / "feed.xml").read_text()
    with pytest.raises(PublishError, match="already out of the feed"):
        remove_episode(config, out, "morning-note-5")
    restore_episode(config, out, "morning-note-5")
    entry = load_catalog(out).find_slug("morning-note-5")
    assert not entry.archived and entry.number == 5 and entry.guid.endswith("05")
    assert (out / "morning-note-5.mp3").is_file()
    with pytest.raises(PublishError, match="known slugs"):
        restore_episode(config, out, "no-such-episode")


def test_restore_refused_when_keep_last_would_archive_it_again(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    with pytest.raises(PublishError, match="raise podcast.keep_last"):
        restore_episode(config.with_overrides(keep_last=2), out, "morning-note-1")
    assert (archive_dir(out) / "morning-note-1.mp3").is_file()  # untouched


def test_flash_briefing_format(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    result = write_flash(config, catalog.newest_first(), out)
    items = json.loads((out / "flash-briefing.json").read_text())
    assert items == result.items
    assert [i["titleText"] for i in items] == ["Morning Note 6 & <Friends>", "Morning Note 5 & <Friends>",
                                               "Morning Note 4 & <Friends>", "Morning Note 2 & <Friends>"]
    assert items[0] == {
        "uid": "urn:uuid:00000000-0000-4000-8000-000000000006",
        "updateDate": "2026-11-16T07:00:00.0Z",
        "titleText": "Morning Note 6 & <Friends>",
        "mainText": "Note 6 in one line.",
        "streamUrl": "https://example.org/notes/morning-note-6.mp3",
        "redirectionUrl": "https://example.org/notes/",
    }


def test_flash_briefing_says_when_none_qualify(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    (out / "flash-briefing.json").write_text("[]")  # stale
    podcast_only = [e for e in catalog.newest_first() if e.profile == "podcast"]
    result = write_flash(config, podcast_only, out)
    assert result.items == [] and not (out / "flash-briefing.json").exists()
    assert "no episode qualifies" in result.note and "alexa" in result.note


def test_config_limits():
    with pytest.raises(ConfigError, match="Apple Podcasts allows 4000"):
        load_config(None).with_overrides(description="x" * 4001)
    with pytest.raises(ConfigError, match="keep_last"):
        load_config(None).with_overrides(keep_last=-1)


def test_archiving_twice_keeps_both_copies(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    (archive_dir(out) / "morning-note-2.mp3").write_text("an older take")
    remove_episode(config, out, "morning-note-2")
    assert (archive_dir(out) / "morning-note-2.mp3").read_text() == "file morning-note-2.mp3"
    assert (archive_dir(out) / "morning-note-2.1.mp3").read_text() == "an older take"


def test_config_change_moves_last_build_date_once(tmp_path):
    out, config, catalog = _folder("six-notes", tmp_path)
    publish_folder(config, catalog, out, "cover.png")
    date_of = lambda: etree.fromstring((out / "feed.xml").read_bytes()).findtext("channel/lastBuildDate")  # noqa: E731
    before = date_of()
    renamed = config.with_overrides(title="Evening Notes")
    publish_folder(renamed, load_catalog(out), out, "cover.png")
    moved = date_of()
    assert moved != before
    feed = (out / "feed.xml").read_bytes()
    publish_folder(renamed, load_catalog(out), out, "cover.png")
    assert (out / "feed.xml").read_bytes() == feed and date_of() == moved


def _last_build(out):
    return etree.fromstring((out / "feed.xml").read_bytes()).findtext("channel/lastBuildDate")


def test_a_settings_change_within_the_same_second_still_moves_last_build_date(tmp_path):
    """lastBuildDate moves on every change of content: when the clock is not past the last one
    (a rewrite in the same second, here a 'changed' time ahead of the clock), by one second."""
    out, config, catalog = _folder("six-notes", tmp_path)
    ahead = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(microsecond=0)
    catalog.changed = ahead.isoformat()
    publish_folder(config, catalog, out, "cover.png")
    assert _last_build(out) == format_datetime(ahead, usegmt=True).replace("GMT", "+0000")
    for n, title in enumerate(["Evening Notes", "Night Notes"], start=1):
        publish_folder(config.with_overrides(title=title), load_catalog(out), out, "cover.png")
        moved = ahead + timedelta(seconds=n)
        assert load_catalog(out).changed == moved.isoformat()
        assert _last_build(out) == format_datetime(moved, usegmt=True).replace("GMT", "+0000")


def test_a_new_or_edited_episode_never_sets_changed(tmp_path):
    """An episode's own time moves lastBuildDate; 'changed' is for changes no episode made, so
    publishing one -- in the same second as the last or not -- leaves it as it was."""
    out, config, catalog = _folder("six-notes", tmp_path)
    catalog.changed = None
    publish_folder(config, catalog, out, "cover.png")
    before = _last_build(out)
    catalog = load_catalog(out)
    newest = max(catalog.episodes, key=lambda e: e.updated)
    catalog.replace_entry(catalog.find_slug("morning-note-3"), title="Note three, retitled", updated=newest.updated)
    publish_folder(config, catalog, out, "cover.png")
    assert load_catalog(out).changed is None
    assert _last_build(out) == before and b"Note three, retitled" in (out / "feed.xml").read_bytes()


def test_xml_safe_drops_exactly_what_xml_1_0_cannot_carry():
    from audiobrief.publish.feed import xml_safe

    def allowed(cp: int) -> bool:  # the Char production of XML 1.0
        return cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF

    every = "".join(map(chr, range(0x110000)))
    assert xml_safe(every) == "".join(ch for ch in every if allowed(ord(ch)))


def test_a_story_chapter_links_to_its_page_and_only_to_a_web_page():
    chapters = ({"title": "Intro", "start_ms": 0, "end_ms": 4000},
                {"title": "Market <news>", "start_ms": 4000, "end_ms": 9000, "url": "https://news.example/m?a=1&b=2"},
                {"title": "Trap", "start_ms": 9000, "end_ms": 12000, "url": "javascript:alert(1)"})
    entry = Entry(slug="b", guid="g", number=1, title="B", source="briefing:B", file="b.mp3", bytes=1, duration=12.0,
                  pub_date="2026-12-05T00:00:00Z", updated="2026-12-05T00:00:00Z", chapters=chapters)
    html = html_notes(entry)
    assert '<a href="https://news.example/m?a=1&amp;b=2">Market &lt;news&gt;</a>' in html
    assert "javascript" not in html and "</time> Trap</li>" in html
    assert plain_notes(entry).splitlines()[2:] == ["00:04 Market <news> <https://news.example/m?a=1&b=2>", "00:09 Trap"]
