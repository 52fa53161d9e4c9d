"""`audiobrief brief` end to end with the real engine, against a real HTTP server on 127.0.0.1.

The command runs as a user runs it, in a fresh process.  The feed, podcastparser,
feedparser and `audiobrief check` judge the result.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import feedparser
import podcastparser
import pytest

from audiobrief.briefing import PARTIAL_EXIT
from briefing_site import SITE, Site
from conftest import run_cli

STORIES = ["Neuer Radweg an der Alten Mühle", "Riverside library opens on Sundays",
           "Winter market returns to the harbour square"]
pytestmark = pytest.mark.slow


def brief(*args) -> subprocess.CompletedProcess:
    return run_cli("brief", *args)


def chapters(out: Path, slug: str) -> list[str]:
    data = json.loads((out / f"{slug}.chapters.json").read_text(encoding="utf-8"))
    return [c["title"] for c in data["chapters"]]


def test_feed_briefing_then_unchanged_with_conditional_requests(tmp_path):
    out = tmp_path / "episodes"
    args = ["--title", "Morning briefing", "--date", "2026-12-05", "--out", out, "--base-url", "https://example.org/pod/"]
    with Site() as site:
        first = brief(f"{site.base}/feed.xml", *args)
        assert first.returncode == PARTIAL_EXIT, first.stderr
        assert f"warning: {site.base}/pages/gone.html: HTTP 404 Not Found; check the address\n" in first.stderr
        assert "new  " in first.stdout and "5 chapters  " in first.stdout
        assert "Morning briefing, 2026-12-05\n" in first.stdout and "briefing: 3 stories, 1 skipped" in first.stdout
        site.log.clear()
        second = brief(f"{site.base}/feed.xml", *args)
    assert second.returncode == PARTIAL_EXIT, second.stderr
    assert second.stdout.lstrip().startswith("unchanged  ")
    live = [(path, headers) for path, headers in site.log if path != "/pages/gone.html"]
    assert [path for path, _ in live] == ["/feed.xml", "/pages/radweg.html", "/pages/library-hours.html"]
    assert all("If-None-Match" in headers for _, headers in live)
    slug = "morning-briefing-2026-12-05"
    assert chapters(out, slug) == ["Intro", *STORIES, "Credits"]
    feed = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed)
    assert not parsed.bozo and [e.title for e in parsed.entries] == ["Morning briefing, 2026-12-05"]
    with open(out / "feed.xml", "rb") as handle:
        pod = podcastparser.parse("https://example.org/pod/feed.xml", handle)
    assert pod["episodes"][0]["enclosures"][0]["file_size"] == (out / f"{slug}.mp3").stat().st_size
    assert b"gone.html" not in feed and b"gone.html" not in (out / "episodes.json").read_bytes()
    notes = parsed.entries[0].content[0].value  # each story's chapter links to its page
    for story, page in zip(STORIES, ("radweg", "library-hours", "market")):
        assert f'<a href="{site.base}/pages/{page}.html">{story}</a>' in notes
    check = run_cli("check", out)
    assert check.returncode == 0, check.stdout + check.stderr


def test_make_a_url_is_one_episode_named_by_its_address_then_unchanged(tmp_path):
    out = tmp_path / "episodes"
    with Site() as site:
        url = f"{site.base}/pages/library-hours.html"
        first = run_cli("make", url, "--out", out)
        assert first.returncode == 0, first.stderr
        assert first.stdout.lstrip().startswith("new  ") and STORIES[1] in first.stdout
        site.log.clear()
        second = run_cli("make", url, "--out", out)
    assert second.returncode == 0 and second.stdout.lstrip().startswith("unchanged  "), second.stderr
    assert [path for path, _ in site.log] == ["/pages/library-hours.html"]
    assert "If-None-Match" in site.log[0][1]  # a 304: the page's bytes came from the cache
    catalog = json.loads((out / "episodes.json").read_text(encoding="utf-8"))
    assert [e["source"] for e in catalog["episodes"]] == [url]
    assert run_cli("check", out).returncode == 0


def test_an_alexa_briefing_is_in_the_flash_briefing(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "market.html").write_bytes((SITE / "market.html").read_bytes())
    out = tmp_path / "episodes"
    result = brief(folder, "--title", "Morning briefing", "--date", "2026-12-05", "--out", out, "--profile", "alexa",
                   "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr
    items = json.loads((out / "flash-briefing.json").read_text(encoding="utf-8"))
    assert [item["titleText"] for item in items] == ["Morning briefing, 2026-12-05"]
    assert items[0]["streamUrl"].startswith("https://example.org/pod/morning-briefing-2026-12-05")
    assert run_cli("check", out).returncode == 0


def test_credentials_in_a_feed_url_never_reach_a_file(tmp_path):
    out = tmp_path / "episodes"
    with Site() as site:
        url = site.base.replace("://", "://reader:s3cret-pw@") + "/secret/feed.xml"
        result = brief(url, "--title", "Members", "--date", "2026-12-05", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "s3cret" not in result.stdout + result.stderr
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) > 8 and not [p for p in written if b"s3cret" in p.read_bytes()]
    assert chapters(out, "members-2026-12-05") == ["Intro", "Members' news", "Credits"]  # the feed names it


def test_folder_of_files_needs_no_network(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    for name in ("library-hours.html", "market.html", "radweg.html"):
        (folder / name).write_bytes((SITE / name).read_bytes())
    out = tmp_path / "episodes"
    result = brief(folder, "--title", "Reading list", "--date", "2026-12-05", "--out", out, "--item-length", "2")
    assert result.returncode == 0, result.stderr
    assert chapters(out, "reading-list-2026-12-05") == ["Intro", STORIES[1], STORIES[2], STORIES[0], "Credits"]
    assert run_cli("check", out).returncode == 0


@pytest.mark.parametrize("path, options, why", [
    ("/loop-a", [], "redirect loop"),
    ("/big", [], "more than the 5 MB limit"),
    ("/passwd-feed.xml", [], "file URLs are not fetched"),
    ("/old-feed.xml", ["--since", "24h"], "no items in the last 24 hours"),
    ("/image.png", [], "is image/png, not an HTML page or an RSS or Atom feed"),
])
def test_hostile_sources_are_refused_with_one_line_and_no_episode(tmp_path, path, options, why):
    out = tmp_path / "episodes"
    with Site() as site:
        result = brief(f"{site.base}{path}", "--title", "Morning briefing", "--out", out, *options)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and why in lines[0], result.stderr
    assert result.stdout == "" and not (out / "episodes.json").exists() and not list(out.glob("*.mp3"))


def test_bad_options_are_one_line(tmp_path):
    for option, value, why in (("--since", "yesterday", "--since 'yesterday'"),
                               ("--item-length", "half", "--item-length 'half'"),
                               ("--date", "05.12.2026", "--date '05.12.2026'")):
        result = brief(SITE / "market.html", option, value, "--out", tmp_path / "episodes")
        assert result.returncode == 2 and result.stderr.startswith(f"error: {why}: "), result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_too_long_is_refused_before_anything_is_spoken(tmp_path):
    config = tmp_path / "audiobrief.toml"
    config.write_text("[episode]\nmax_minutes = 1\n", encoding="utf-8")
    out = tmp_path / "episodes"
    result = brief(SITE, "--title", "Long", "--date", "2026-12-05", "--item-length", "full", "--out", out,
                   "--config", config)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: Long, 2026-12-05: the briefing would be about ")
    assert "longer than the 1 minutes max_minutes in audiobrief.toml allows; use --item-length lead" in result.stderr
    assert not out.exists() or not list(out.glob("*.mp3"))


def test_identity_is_title_and_day(tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    for name in ("radweg.html", "market.html"):
        (folder / name).write_bytes((SITE / name).read_bytes())
    out = tmp_path / "episodes"

    def run(day: str) -> tuple[str, dict]:
        result = brief(folder, "--title", "Daily", "--date", day, "--out", out, "--item-length", "1")
        assert result.returncode == 0, result.stderr
        catalog = json.loads((out / "episodes.json").read_text(encoding="utf-8"))
        return result.stdout.split()[0], {e["title"]: e["guid"] for e in catalog["episodes"]}

    status, first = run("2026-12-05")
    assert status == "new" and list(first) == ["Daily, 2026-12-05"]
    (folder / "library-hours.html").write_bytes((SITE / "library-hours.html").read_bytes())
    status, again = run("2026-12-05")
    assert status == "updated" and again == first  # new stories replace the day's episode, same guid
    status, next_day = run("2026-12-06")
    assert status == "new" and len(next_day) == 2 and next_day["Daily, 2026-12-05"] == first["Daily, 2026-12-05"]


def test_no_network_is_its_own_exit_code(tmp_path):
    # .invalid names never resolve (RFC 2606), as no name does on a machine without a network
    result = brief("https://news.example.invalid/feed.xml", "https://other.example.invalid/page", "--title", "X",
                   "--out", tmp_path / "episodes")
    lines = result.stderr.splitlines()
    assert result.returncode == 6 and len(lines) == 3, result.stderr
    assert lines[-1] == ("error: no source could be reached (2 tried): the network or its name service is down; "
                         "save the pages in a browser and pass the files instead; nothing was published")
