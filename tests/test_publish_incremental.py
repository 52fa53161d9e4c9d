"""Publishing a large catalog again does only the work its changes need.

A catalog of a few hundred synthetic entries (copies of one real episode's
entry, the way scripts/bench.py builds its 10,000) stands in for a big show:
what is checked is which pages and feed items are rendered or read, not how
long it takes (the timing lives in `./scripts/bench --only feed_10k`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from audiobrief import memos
from audiobrief.catalog import CATALOG_NAME, Catalog, Lines, _by_line, _row, load_catalog
from audiobrief.catalog_files import remove_unpublished_versions
from audiobrief.config import Config
from audiobrief.memos import CATALOG_DIGESTS, FEED_ITEMS, folder_memos
from audiobrief.publish import feed as feed_module
from audiobrief.publish import page_render
from audiobrief.publish.feed import FEED_NAME, channel_guid, render_feed
from audiobrief.publish.page_render import INDEX_NAME, page_name, render_pages
from audiobrief.publish.pages import write_pages
from conftest import run_cli

COUNT = 300


def _widen(out, count: int = COUNT) -> list[dict]:
    """Replace the catalog by ``count`` copies of its one entry (distinct slug/guid/number/source/title),
    each with its own transcript files, as one line of JSON (not the layout audiobrief writes)."""
    path = out / CATALOG_NAME
    data = json.loads(path.read_text())
    [template] = data["episodes"]
    episodes = []
    for n in range(1, count + 1):
        entry = dict(template, slug=f"episode-{n}", guid=f"00000000-0000-4000-8000-{n:012d}", number=n,
                     source=f"/synthetic/article-{n}.txt", title=f"Episode {n}",
                     pub_date=f"2020-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}+00:00",
                     updated="2020-01-01T00:00:00+00:00")
        for t in template["transcripts"]:
            shutil.copy(out / t["file"], out / t["file"].replace(template["slug"], entry["slug"]))
        entry["transcripts"] = [dict(t, file=t["file"].replace(template["slug"], entry["slug"]))
                                for t in template["transcripts"]]
        episodes.append(entry)
    data["episodes"] = episodes
    path.write_text(json.dumps(data))
    return episodes


class Spy:
    """Counts episode-page renders, content fingerprints (which read the transcript) and feed renders."""

    def __init__(self, monkeypatch):
        self.pages: list[str] = []
        self.fingerprints = 0
        self.index = 0
        self.index_rows = 0
        self.feeds = 0
        self.feed_items = 0
        renderer = page_render.Renderer
        episode, fingerprint, index = renderer.episode, renderer.fingerprint, renderer.index

        def count_episode(this, entry, fp):
            self.pages.append(entry.slug)
            return episode(this, entry, fp)

        def count_fingerprint(this, entry):
            self.fingerprints += 1
            return fingerprint(this, entry)

        def count_index(this, episodes):
            self.index += 1
            self.index_rows += len(episodes)
            return index(this, episodes)

        reusing, render = feed_module._render_reusing, feed_module.render_feed

        def count_feed(*args, **kwargs):
            self.feeds += 1
            return reusing(*args, **kwargs)

        def count_items(config, entries, *args, **kwargs):
            self.feed_items += len(entries)
            return render(config, entries, *args, **kwargs)

        monkeypatch.setattr(renderer, "episode", count_episode)
        monkeypatch.setattr(renderer, "fingerprint", count_fingerprint)
        monkeypatch.setattr(renderer, "index", count_index)
        monkeypatch.setattr(feed_module, "_render_reusing", count_feed)
        monkeypatch.setattr(feed_module, "render_feed", count_items)

    def reset(self):
        self.pages, self.fingerprints, self.index, self.index_rows, self.feeds = [], 0, 0, 0, 0
        self.feed_items = 0


def _publish(out, config):
    from audiobrief.publish.site import publish_folder

    catalog = load_catalog(out)
    publish_folder(config, catalog, out)
    return catalog


def _mtimes(out) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.html")}


@pytest.fixture()
def big(populated_out, monkeypatch):
    """The seed episode's folder widened to COUNT entries; stamps trusted at once (no 50 ms wait)."""
    monkeypatch.setattr(memos, "SETTLE_NS", 0)
    monkeypatch.setattr(memos, "SETTLE_COARSE_NS", 0)
    _widen(populated_out)
    return populated_out


def test_unchanged_catalog_renders_and_reads_nothing_again(big, monkeypatch):
    config = Config(base_url="https://example.org/pod/")
    _publish(big, config)
    spy = Spy(monkeypatch)
    before = _mtimes(big)
    feed_stat = (big / FEED_NAME).stat()
    catalog_stat = (big / CATALOG_NAME).stat()
    catalog = _publish(big, config)
    assert spy.pages == [] and spy.fingerprints == 0 and spy.index == 0 and spy.feeds == 0
    assert _mtimes(big) == before
    assert (big / FEED_NAME).stat().st_mtime_ns == feed_stat.st_mtime_ns
    assert (big / CATALOG_NAME).stat().st_ino == catalog_stat.st_ino  # the unchanged catalog is not rewritten
    # and what is there is what a full render gives: same catalog, same bytes
    episodes = catalog.newest_first()
    full = render_feed(config, episodes, "cover.png", guid=channel_guid(config, catalog), changed=catalog.changed)
    assert (big / FEED_NAME).read_bytes() == full
    fresh = render_pages(config, episodes, "cover.png", big)
    assert len(fresh) == COUNT + 1
    assert all((big / name).read_bytes() == data for name, data in fresh.items())


def test_a_changed_episode_renders_its_page_alone(big, monkeypatch):
    config = Config(base_url="https://example.org/pod/")
    catalog = _publish(big, config)
    spy = Spy(monkeypatch)
    before = _mtimes(big)
    target = catalog.find_slug("episode-7")
    catalog.replace_entry(target, title="Episode seven, retitled", updated="2026-02-02T00:00:00+00:00")
    catalog.save()
    catalog = _publish(big, config)
    assert spy.pages == ["episode-7"] and spy.index == 1 and spy.feeds == 1
    after = _mtimes(big)
    assert {name for name in after if after[name] != before[name]} == {"episode-7.html", INDEX_NAME}
    assert "Episode seven, retitled" in (big / "episode-7.html").read_text()
    assert "<title>Episode seven, retitled</title>" in (big / FEED_NAME).read_text()
    assert spy.index_rows == 1  # the show page's other rows come from the index.html written before
    assert spy.feed_items == 2  # and the feed's other items from the feed.xml written before (these two
    # are the latest updated and the latest published: the channel's dates come from them)
    full = render_pages(config, catalog.newest_first(), "cover.png", big)[INDEX_NAME]
    assert (big / INDEX_NAME).read_bytes() == full
    catalog = load_catalog(big)
    got = (big / FEED_NAME).read_bytes()
    want = render_feed(config, catalog.newest_first(), "cover.png", guid=channel_guid(config, catalog),
                       changed=catalog.changed)
    assert got == want, [(a, b) for a, b in zip(got.split(b"\n"), want.split(b"\n")) if a != b][:3]

    # a transcript edited in place (same size, same inode) renews that page
    spy.reset()
    vtt = big / "episode-9.vtt"
    text = vtt.read_text()
    words = next(line for line in reversed(text.split("\n")) if any(c.isalpha() for c in line))
    with open(vtt, "r+", encoding="utf-8") as handle:
        handle.write(text.replace(words, words.swapcase(), 1))
    _publish(big, config)
    assert spy.pages == ["episode-9"] and spy.index == 0 and spy.feeds == 0
    assert words.swapcase() in (big / "episode-9.html").read_text()

    # a page deleted or replaced by hand is made again; nothing else is
    spy.reset()
    (big / "episode-11.html").unlink()
    (big / "episode-12.html").write_text("hand-made")
    _publish(big, config)
    assert sorted(spy.pages) == ["episode-11", "episode-12"]
    assert (big / "episode-12.html").read_bytes() == render_pages(config, [catalog.find_slug("episode-12")],
                                                                  "cover.png", big)["episode-12.html"]


def test_a_just_written_transcript_is_checked_by_content(big, monkeypatch):
    """Within the time stamp's resolution a same-size edit could keep the stamp: such a page is not trusted."""
    config = Config(base_url="https://example.org/pod/")
    _publish(big, config)
    monkeypatch.setattr(memos, "SETTLE_NS", 3600 * 10**9)  # everything counts as just written
    monkeypatch.setattr(memos, "SETTLE_COARSE_NS", 3600 * 10**9)
    spy = Spy(monkeypatch)
    _publish(big, config)
    assert spy.fingerprints == COUNT and spy.pages == []  # read and compared, not rendered


def test_settings_change_renders_every_page_and_removed_episodes_lose_theirs(big, monkeypatch):
    config = Config(base_url="https://example.org/pod/")
    catalog = _publish(big, config)
    spy = Spy(monkeypatch)
    renamed = config.with_overrides(title="Another Show")
    _publish(big, renamed)
    assert len(spy.pages) == COUNT and spy.index == 1
    assert spy.feeds == 2  # same episodes, new content: rendered again with a newer lastBuildDate
    catalog = load_catalog(big)
    catalog.episodes = [e for e in catalog.episodes if e.slug != "episode-3"]
    catalog.save()
    _publish(big, renamed)
    assert not (big / "episode-3.html").exists() and (big / "episode-4.html").is_file()
    catalog = load_catalog(big)
    assert (big / INDEX_NAME).read_bytes() == render_pages(renamed, catalog.newest_first(), "cover.png", big)[INDEX_NAME]
    # a hand-edited show page is made again in full, and right
    (big / INDEX_NAME).write_bytes((big / INDEX_NAME).read_bytes().replace(b"<li>", b"<li >", 3))
    catalog.replace_entry(catalog.find_slug("episode-8"), title="Eight")
    catalog.save()
    spy.reset()
    _publish(big, renamed)
    catalog = load_catalog(big)
    assert spy.index_rows == COUNT - 1
    assert (big / INDEX_NAME).read_bytes() == render_pages(renamed, catalog.newest_first(), "cover.png", big)[INDEX_NAME]


def test_make_then_feed_from_the_cli_is_byte_identical_to_a_full_render(big):
    result = run_cli("feed", "--out", big)
    assert result.returncode == 0, result.stderr
    first = {p.name: p.read_bytes() for p in big.glob("*.html")} | {FEED_NAME: (big / FEED_NAME).read_bytes()}
    shutil.rmtree(folder_memos(big))  # no stamps, no feed items: everything is checked by content
    result = run_cli("feed", "--out", big)
    assert result.returncode == 0, result.stderr
    again = {p.name: p.read_bytes() for p in big.glob("*.html")} | {FEED_NAME: (big / FEED_NAME).read_bytes()}
    assert again == first


# ------------------------------------------------------------------ the catalog file


def test_catalog_is_read_line_by_line_with_the_same_entries(big):
    one_line = load_catalog(big, write_migration=False)  # as _widen wrote it: one JSON line
    assert one_line.on_disk is None  # not as to_json writes it: saving writes it
    one_line.save()  # rewritten one episode a line
    text = (big / CATALOG_NAME).read_text()
    assert len(text.splitlines()) == COUNT + 2
    by_line = load_catalog(big)
    assert by_line.episodes == one_line.episodes and [list(vars(e)) for e in by_line.episodes] == \
        [list(vars(e)) for e in one_line.episodes]
    assert all(by_line.row(e) == _row(e) for e in by_line.episodes)
    assert by_line.to_json() == text
    inode = (big / CATALOG_NAME).stat().st_ino
    by_line.save()
    assert (big / CATALOG_NAME).stat().st_ino == inode  # unchanged: not written
    by_line.changed = "2026-01-01T00:00:00+00:00"
    by_line.save()
    assert (big / CATALOG_NAME).stat().st_ino != inode
    assert load_catalog(big).changed == "2026-01-01T00:00:00+00:00"


@pytest.mark.parametrize("text", [
    '{"version": 2, "episodes": [\n{"slug": "a"},\n{"slug": "b"}\n]}\n',  # would parse, but not our layout
    '{"version": 2, "podcast_guid": null, "episodes": [\n{"a": 1,\n"b": 2}\n]}\n',  # an object over two lines
    '{"version": 2, "podcast_guid": null, "episodes": [\n{"a": 1}, {"b": 2},\n{"c": 3}\n]}\n',
    '{"version": 2, "podcast_guid": null, "episodes": [\n{"a": 1}\n]}',  # no final line break
    '{"version": 2, "podcast_guid": null, "episodes": [\n{"a": [\n]}\n',
    '{"version": 2,\n"podcast_guid": null, "episodes": [\n{"a": 1}\n]}\n',
])
def test_other_layouts_are_parsed_whole(text):
    assert _by_line(text) is None or _by_line(text)[0]["episodes"] == json.loads(text)["episodes"]


def test_layout_of_an_empty_catalog(tmp_path):
    text = Catalog(tmp_path / CATALOG_NAME, []).to_json()
    assert _by_line(text) == ({"version": 2, "podcast_guid": None, "changed": None, "base_url": None,
                               "episodes": []}, [])


def test_orphan_versions_go_with_one_listing(tmp_path):
    from audiobrief.catalog import Entry

    def entry(slug, file, n):
        return Entry(slug=slug, guid=f"g{n}", number=n, title=slug, source=f"/{slug}.txt", file=file, bytes=1,
                     duration=1.0, pub_date="2026-01-01T00:00:00+00:00", updated="2026-01-01T00:00:00+00:00")

    import dataclasses

    river = dataclasses.replace(entry("river", "river.0123abcd.mp3", 1), chapters_file="river.0123abcd.chapters.json",
                                transcripts=({"file": "river.0123abcd.vtt", "type": "text/vtt"},
                                             {"file": "river.0123abcd.srt", "type": "application/x-subrip"}))
    lake = dataclasses.replace(entry("lake", "lake.mp3", 2), chapters_file="lake.chapters.json",
                               transcripts=({"file": "lake.vtt", "type": "text/vtt"},))
    Catalog(tmp_path / CATALOG_NAME, [river, lake]).save()
    names = ["river.mp3", "river.0123abcd.mp3", "river.fedcba98.mp3", "lake.mp3", "lake.00000000.mp3",
             "lake.notahash.mp3", "riverside.mp3", "ocean.mp3", "ocean.11111111.mp3",
             # sidecars: versions a killed run left go, the named ones and other files stay
             "river.vtt", "river.fedcba98.vtt", "river.0123abcd.vtt", "river.chapters.json",
             "river.0123abcd.chapters.json", "river.fedcba98.srt", "river.0123abcd.srt",
             "lake.vtt", "lake.12345678.vtt", "lake.chapters.json", "lake.srt", "ocean.vtt"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    remove_unpublished_versions(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and p.name != CATALOG_NAME) == sorted(
        ["river.0123abcd.mp3", "lake.mp3", "lake.notahash.mp3", "riverside.mp3", "ocean.mp3", "ocean.11111111.mp3",
         "river.0123abcd.vtt", "river.0123abcd.chapters.json", "river.0123abcd.srt",
         "lake.vtt", "lake.chapters.json", "lake.srt", "ocean.vtt"])


def test_pages_of_plain_entries_still_skip_unchanged_ones(tmp_path, monkeypatch):
    """write_pages takes any object with the fields (the golden tests pass SimpleNamespaces)."""
    from types import SimpleNamespace

    monkeypatch.setattr(memos, "SETTLE_NS", 0)
    entry = SimpleNamespace(slug="one", title="One", number=1, summary="", credits=None, language="en",
                            pub_date="2026-01-01T00:00:00+00:00", duration=5.0, file="one.mp3", bytes=1,
                            chapters=(), transcripts=(), chapters_file=None)
    catalog = SimpleNamespace(newest_first=lambda: [entry])
    config = Config()
    write_pages(config, catalog, tmp_path, "cover.png")
    spy = Spy(monkeypatch)
    write_pages(config, catalog, tmp_path, "cover.png")
    assert spy.pages == [] and spy.fingerprints == 0 and spy.index == 0
    entry.title = "One, renamed"
    write_pages(config, catalog, tmp_path, "cover.png")
    assert spy.pages == ["one"] and spy.index == 1
    assert page_name("one") in os.listdir(tmp_path)


def test_a_catalog_read_again_in_the_same_run_is_not_parsed_again(big, monkeypatch):
    import audiobrief.catalog as catalog_module

    load_catalog(big).save()  # one episode a line
    os.utime(big / CATALOG_NAME, ns=(10**18, 10**18))  # long settled
    first = load_catalog(big)
    parsed = []
    by_line = catalog_module._by_line
    monkeypatch.setattr(catalog_module, "_by_line", lambda text: parsed.append(1) or by_line(text))
    again = load_catalog(big)
    assert parsed == [] and again is not first and again.episodes == first.episodes
    again.episodes.pop()  # a Catalog of its own: the remembered one is untouched
    assert len(load_catalog(big).episodes) == COUNT
    text = (big / CATALOG_NAME).read_text()
    (big / CATALOG_NAME).write_text(text.replace('"title": "Episode 5"', '"title": "Episode V"'))  # in place
    assert load_catalog(big).find_slug("episode-5").title == "Episode V" and parsed == [1]


# ------------------------------------------------------------------ 10,000 episodes: what stays cheap and right


def _full_feed(out, config):
    catalog = load_catalog(out)
    return render_feed(config, catalog.newest_first(), "cover.png", guid=channel_guid(config, catalog),
                       changed=catalog.changed)


def test_a_feed_items_record_that_does_not_fit_the_file_is_not_trusted(big, monkeypatch):
    """The record of where each item sits says the feed.xml it was made with (its stat): when its
    offsets are off anyway, the items they point at are rendered again, never copied wrong."""
    config = Config(base_url="https://example.org/pod/")
    catalog = _publish(big, config)
    items_file = folder_memos(big) / FEED_ITEMS
    record = json.loads(items_file.read_text())
    for row in record["pieces"][3:9]:
        row[2] += 7  # six items now point into the middle of other items
    rows = record["pieces"]
    rows[20][2:], rows[21][2:] = rows[21][2:], rows[20][2:]  # and two at each other's item
    items_file.write_text(json.dumps(record))
    catalog.replace_entry(catalog.find_slug("episode-1"), title="One, retitled", updated="2026-03-03T00:00:00+00:00")
    catalog.save()
    spy = Spy(monkeypatch)
    _publish(big, config)
    assert spy.feed_items == 2 + 6 + 2  # the changed one, the latest published, and the eight whose record was off
    assert (big / FEED_NAME).read_bytes() == _full_feed(big, config)


def test_a_guid_used_twice_gets_the_whole_feed_rendered(big, monkeypatch):
    config = Config(base_url="https://example.org/pod/")
    catalog = _publish(big, config)
    twin = catalog.find_slug("episode-5")
    catalog.replace_entry(catalog.find_slug("episode-6"), guid=twin.guid, title="Six, same guid as five")
    catalog.save()
    spy = Spy(monkeypatch)
    _publish(big, config)
    # items are found by guid: two with one guid cannot be told apart, so each render is whole
    # (twice when the new content kept lastBuildDate's second and it had to move)
    assert spy.feeds >= 1 and spy.feed_items == COUNT * spy.feeds
    assert (big / FEED_NAME).read_bytes() == _full_feed(big, config)


@pytest.mark.parametrize("times", [
    ["2026-01-01T10:00:00+00:00", "2026-01-01T12:00:00+02:00", "2026-01-01T09:59:59+00:00"],  # same instant: the first
    ["2026-01-01T10:00:00-05:00", "2026-01-01T14:00:00+00:00", "2025-12-31T23:00:00+00:00"],
    ["2026-01-01T10:00:00", "2026-01-01T09:00:00", "2026-01-01T10:00:00"],  # no offset: local time, as _when reads it
    ["2026-01-01T10:00:00+00:00", "2026-01-01T10:00:00", "2026-01-01T09:00:00+00:00"],
    ["2024-02-29T00:00:00.250000+00:00", "2024-02-29T00:00:00.500000+00:00"],
])
def test_latest_date_is_the_one_when_reads_latest(times):
    from types import SimpleNamespace

    from audiobrief.publish.feed import _latest, _when

    episodes = [SimpleNamespace(n=i) for i in range(len(times))]
    assert _latest(episodes, times) is max(zip(episodes, times), key=lambda pair: _when(pair[1]))[0]


def test_digests_in_one_pass_are_each_entrys_digest(big):
    import hashlib

    catalog = load_catalog(big)
    all_at_once = catalog.digests(catalog.episodes)
    fresh = load_catalog(big, write_migration=False)
    fresh.lines = Lines()  # nothing known: each digest is computed from its line
    assert all_at_once == [fresh.digest(e) for e in fresh.episodes]
    assert all_at_once[0] == hashlib.blake2b(catalog.row(catalog.episodes[0]).encode(), digest_size=16).hexdigest()
    changed = catalog.replace_entry(catalog.episodes[0], title="Renamed")
    assert catalog.digest(changed) != all_at_once[0]


def test_a_catalog_read_again_takes_the_digests_recorded_when_it_was_written(big, monkeypatch):
    import hashlib

    import audiobrief.catalog as catalog_module

    catalog = load_catalog(big)
    catalog.replace_entry(catalog.episodes[0], title="Written by this run")
    catalog.save()  # records its lines' digests beside the cache's other stamps
    expected = catalog.digests(catalog.episodes)
    catalog_module._LAST_READ.clear()  # as in the next run

    def no_hashing(*args, **kwargs):
        raise AssertionError("a line was hashed again")

    monkeypatch.setattr(hashlib, "blake2b", no_hashing)
    again = load_catalog(big)
    assert again.digests(again.episodes) == expected
    monkeypatch.undo()  # (SETTLE_NS too: the file is settled by now)

    # the file edited since (same length, so only its times and inode tell): hashed as it is now
    path = big / CATALOG_NAME
    path.write_text(path.read_text().replace("Written by this run", "Edited by hand here"))
    catalog_module._LAST_READ.clear()
    edited = load_catalog(big)
    fresh = [hashlib.blake2b(edited.row(e).encode(), digest_size=16).hexdigest() for e in edited.episodes]
    assert edited.digests(edited.episodes) == fresh and fresh != expected

    # a damaged record is not used (the edited file is settled first, so only the record decides)
    time.sleep(0.1)
    record = folder_memos(big) / CATALOG_DIGESTS
    for damaged in (b"{not json", b'{"file": null, "digests": []}', json.dumps({"file": memos.file_stamp(path),
                                                                                "digests": [1] * len(fresh)}).encode()):
        record.write_bytes(damaged)
        catalog_module._LAST_READ.clear()
        reread = load_catalog(big)
        assert reread.digests(reread.episodes) == fresh


@pytest.mark.parametrize("fixture", sorted((Path(__file__).parent / "fixtures" / "temps").glob("*.json")),
                         ids=lambda p: p.stem)
def test_leftover_temps_are_found_in_one_walk(fixture, tmp_path):
    from audiobrief.fsutil import remove_leftover_temps

    case = json.loads(fixture.read_text())
    for name in case["files"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    mine = tmp_path / f".feed.xml.tmp-{os.getpid()}-abcdef12"  # this run's own temp: also removed
    mine.write_bytes(b"x")
    assert remove_leftover_temps(tmp_path) == len(case["removed"]) + 1
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(set(case["files"]) - set(case["removed"]))


_HEAD = '{"version": 2, "podcast_guid": null, "changed": null, "base_url": null, "episodes": [\n'


@pytest.mark.parametrize("rows", [
    ['{"slug": "a", "bytes": 1234567890123456789012, "duration": 1.5}'],  # past 64 bits: json keeps it an int
    ['{"slug": "a", "bytes": 9223372036854775807}', '{"slug": "b", "bytes": 12}'],
    ['{"slug": "a", "duration": NaN}', '{"slug": "b", "duration": Infinity}'],
    ['{"slug": "\\ud800 lone"}'],
    ['{"slug": "a", "duration": 0.1, "x": 1e-400, "y": 5e-324, "z": -0.0, "w": 1E5}'],
    ['{"slug": "a", "slug": "b", "n": [1, {"c": null}]}'],
    ['{"slug": "a"} '],  # space after the object
    [' {"slug": "a"}'],
    ['{"slug": "a"}, {"slug": "b"}'],  # two objects on one line
    ['{"a": [{"x": 1}', '{"y": 2}]}, {"c": 3}'],  # lines that do not split where the objects do
    ['{"slug": "\\u00e9t\\u00e9 \\ud83d\\ude00", "title": "caf\u00e9 \u2014 \U0001f600"}'],
    ['[1, 2]'],
    [],
])
def test_fast_line_reading_reads_what_the_scanner_reads(rows, monkeypatch):
    """orjson reads the lines only where it gives json's values exactly (ints stay ints, NaN...)."""
    import audiobrief.catalog_lines as lines_module

    text = _HEAD + ",\n".join(rows) + "\n]}\n"
    fast = _by_line(text)
    monkeypatch.setattr(lines_module, "_rows_fast", lambda *args: None)
    scanned = _by_line(text)
    assert repr(fast) == repr(scanned)  # repr: 1 and 1.0 are == but not the same value here
    if scanned is not None:
        assert repr(scanned[0]["episodes"]) == repr(json.loads(text)["episodes"])


def test_a_big_catalog_is_published_with_the_collector_resting_and_it_wakes_again(big, monkeypatch):
    import gc

    import audiobrief.catalog as catalog_module
    from audiobrief.publish import site

    catalog = load_catalog(big)
    seen = []
    monkeypatch.setattr(site, "write_feed", lambda *a: seen.append(gc.isenabled()) or 1 / 0)
    monkeypatch.setattr(catalog_module, "RESTING_FROM", COUNT + 1)  # 1,000 in real use; the folder has COUNT
    with pytest.raises(ZeroDivisionError):
        site.publish_folder(Config(), catalog, big, "cover.png")
    monkeypatch.setattr(catalog_module, "RESTING_FROM", COUNT)
    try:
        with pytest.raises(ZeroDivisionError):
            site.publish_folder(Config(), catalog, big, "cover.png")
    finally:
        gc.unfreeze()
    assert seen == [True, False] and gc.isenabled()  # resting only while publishing, also after a failure
