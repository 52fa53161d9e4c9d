"""audiobrief.stories: files, folders, pages and feeds -> stories, against a real server on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from audiobrief.errors import InputError
from audiobrief.fetch import Fetcher
from audiobrief.since import parse_since
from audiobrief.stories import gather
from briefing_site import SITE, Site

MB = 1_000_000
FEED_TITLES = ["Neuer Radweg an der Alten Mühle", "Riverside library opens on Sundays",
               "Winter market returns to the harbour square"]


@pytest.fixture()
def site():
    with Site() as running:
        yield running


def run(tmp_path, *sources, **options):
    return gather(list(sources), Fetcher(tmp_path / "cache", 5 * MB), max_bytes=5 * MB, **options)


def test_feed_gives_live_stories_in_order_and_warns_about_the_dead_link(site, tmp_path):
    got = run(tmp_path, f"{site.base}/feed.xml")
    assert [s.article.title for s in got.stories] == FEED_TITLES
    assert [s.article.language for s in got.stories] == ["de", "en", "en"]
    assert got.warnings == [f"{site.base}/pages/gone.html: HTTP 404 Not Found; check the address"]
    radweg, library, market = got.stories
    assert library.image == f"{site.base}/images/library.png"  # og:image, made absolute
    assert radweg.image == "https://cdn.example.net/bilder/radweg.jpg" and market.image is None
    assert library.link == f"{site.base}/pages/library-hours.html"
    asked = [path for path, _ in site.log]
    assert "/pages/market.html" not in asked  # its feed item carries the full text
    assert "forty stalls" in " ".join(market.article.sections[0].paragraphs)


def test_the_feed_names_its_stories(site, tmp_path):
    got = run(tmp_path, f"{site.base}/renamed-feed.xml")
    assert [s.article.title for s in got.stories] == ["Sunday hours at the library"]
    assert got.stories[0].article.sections[0].paragraphs[0].startswith("From the second week of January")


def test_second_run_asks_conditionally_only(site, tmp_path):
    first = run(tmp_path, f"{site.base}/feed.xml")
    site.log.clear()
    second = run(tmp_path, f"{site.base}/feed.xml")
    assert [s.article for s in second.stories] == [s.article for s in first.stories]
    live = [(path, headers) for path, headers in site.log if path != "/pages/gone.html"]
    assert [path for path, _ in live] == ["/feed.xml", "/pages/radweg.html", "/pages/library-hours.html"]
    assert all("If-None-Match" in h and "If-Modified-Since" in h for _, h in live)


def test_since_and_max_items(site, tmp_path):
    got = run(tmp_path, f"{site.base}/feed.xml", since=parse_since("90m"))
    assert [s.article.title for s in got.stories] == FEED_TITLES[:1]
    got = run(tmp_path, f"{site.base}/feed.xml", max_items=2)
    assert [s.article.title for s in got.stories] == FEED_TITLES[:2] and got.warnings == []


def test_a_feed_with_nothing_new_is_one_line(site, tmp_path):
    got = run(tmp_path, f"{site.base}/old-feed.xml", since=parse_since("24h"))
    assert got.stories == []
    assert len(got.warnings) == 1
    assert got.warnings[0].startswith(f"{site.base}/old-feed.xml: no items in the last 24 hours (the newest is from ")
    assert got.warnings[0].endswith("; widen --since or leave it out")


def test_a_file_link_in_a_feed_is_never_followed(site, tmp_path):
    got = run(tmp_path, f"{site.base}/passwd-feed.xml")
    assert got.stories == []
    assert got.warnings == ["file://etc/passwd: file URLs are not fetched, only http and https; "
                            "for a local file pass its path"]
    assert [path for path, _ in site.log] == ["/passwd-feed.xml"]


def test_non_html_page_url_is_refused(site, tmp_path):
    got = run(tmp_path, f"{site.base}/image.png")
    assert got.stories == [] and got.warnings == [
        f"{site.base}/image.png: is image/png, not an HTML page or an RSS or Atom feed; "
        "give the address of an HTML page or an RSS or Atom feed"]


def test_page_url_and_files_without_network(site, tmp_path):
    got = run(tmp_path, f"{site.base}/pages/market.html", str(SITE / "radweg.html"), str(SITE / "library-*.html"))
    assert [s.article.title for s in got.stories] == [FEED_TITLES[2], FEED_TITLES[0], FEED_TITLES[1]]
    assert got.stories[1].source == str(SITE / "radweg.html") and got.stories[1].link is None
    folder = run(tmp_path, str(SITE))
    assert sorted(s.article.title for s in folder.stories) == sorted(FEED_TITLES)


def test_one_bad_file_in_a_folder_costs_only_itself(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a-empty.txt").write_bytes(b"")
    (folder / "b-market.html").write_bytes((SITE / "market.html").read_bytes())
    got = run(tmp_path, str(folder))
    assert [s.article.title for s in got.stories] == [FEED_TITLES[2]]
    assert got.warnings == [f"{folder / 'a-empty.txt'}: the file is empty (0 bytes); give an article with some text"]


def test_feed_file_with_full_content(tmp_path):
    from briefing_site import MARKET_CONTENT, rss

    now = datetime(2026, 12, 5, 6, 0, tzinfo=timezone.utc)
    feed = tmp_path / "news.rss"
    feed.write_text(rss("https://example.org", [("Market", "https://example.org/m", now, MARKET_CONTENT),
                                                ("Elsewhere", "/relative.html", now - timedelta(hours=1), "")]))
    got = run(tmp_path, str(feed), now=now)
    assert [s.article.title for s in got.stories] == ["Market"]
    assert got.stories[0].published == "2026-12-05T06:00:00Z"
    assert got.warnings == ["feed item 'Elsewhere': its link '/relative.html' is relative and the feed is a file; "
                            "give the feed's URL instead"]


@pytest.mark.parametrize("text, hours", [("24h", 24), ("3d", 72), ("90m", 1.5), ("2w", 336)])
def test_parse_since(text, hours):
    assert parse_since(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["0h", "yesterday", "24", "-3d"])
def test_parse_since_refuses(text):
    with pytest.raises(InputError, match="give a positive age like 90m, 24h, 3d or 2w"):
        parse_since(text)


def test_a_folder_gives_its_feeds_and_articles_through_reading_expand(tmp_path):
    """One expansion of inputs (reading.expand) serves make and brief; brief's also takes feeds."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    got = run(tmp_path, str(folder))
    assert got.stories == []
    assert got.warnings == [f"{folder}: is a folder with no article or feed files (.txt, .md, .html, .xml) in it; "
                            "give such files or a folder holding some"]
    got = run(tmp_path, str(tmp_path / "nothing-*.rss"))
    assert got.warnings == [f"{tmp_path / 'nothing-*.rss'}: matches no file; check the pattern"]
