"""Show and episode pages: golden output, escaping, no outside resources, regeneration.

Golden cases: ``fixtures/pages/<case>.json`` (config, cover name, catalog
entries) with the files it refers to in ``<case>.files/``; the expected pages
are in ``<case>.expected/``. ``AUDIOBRIEF_UPDATE_GOLDEN=1`` rewrites them (read
the diff before committing). The browser checks are in test_pages_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest

from audiobrief.config import Config
from conftest import run_cli
from audiobrief.publish.page_render import INDEX_NAME, page_name, read_cues, render_pages
from audiobrief.publish.pages import write_pages

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))
HOSTILE = '<script>alert(1)</script> & "quotes"'


def _entry(data: dict) -> SimpleNamespace:
    data = {"chapters_file": None, "transcripts": (), **data}
    return SimpleNamespace(**{**data, "chapters": tuple(data["chapters"]), "transcripts": tuple(data["transcripts"])})


def _catalog(entries) -> SimpleNamespace:
    return SimpleNamespace(newest_first=lambda: sorted(entries, key=lambda e: (e.pub_date, e.number), reverse=True))


def _case(name: str, folder: Path):
    spec = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    files = FIXTURES / f"{name}.files"
    if files.is_dir():
        shutil.copytree(files, folder, dirs_exist_ok=True)
    return Config(**spec["config"]), _catalog([_entry(e) for e in spec["episodes"]]), spec["cover"]


@pytest.mark.parametrize("name", CASES)
def test_pages_match_golden(name, tmp_path):
    config, catalog, cover = _case(name, tmp_path)
    written = write_pages(config, catalog, tmp_path, cover)
    expected = FIXTURES / f"{name}.expected"
    if os.environ.get("AUDIOBRIEF_UPDATE_GOLDEN"):
        shutil.rmtree(expected, ignore_errors=True)
        expected.mkdir()
        for path in written:
            shutil.copy(path, expected / path.name)
    assert sorted(p.name for p in written) == sorted(p.name for p in expected.iterdir())
    for path in written:
        assert path.read_text(encoding="utf-8") == (expected / path.name).read_text(encoding="utf-8"), path.name


def _all_pages(tmp_path) -> dict[str, str]:
    config, catalog, cover = _case("two-episodes", tmp_path)
    return {k: v.decode() for k, v in render_pages(config, catalog.newest_first(), cover, tmp_path).items()}


def test_untrusted_text_is_escaped_everywhere(tmp_path):
    pages = _all_pages(tmp_path)
    for name, html in pages.items():
        assert "<script>alert" not in html and "<img src=x" not in html and "<i>Second" not in html, name
        assert len(re.findall(r"<script\b", html)) == 1, name  # only our own inline script
    episode = pages["script-alert-1-script-quotes.html"]
    assert "<h1 id=\"episode-title\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;</h1>" in episode
    assert "&lt;img src=x onerror=alert(2)&gt;" in episode
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34; · Harbour &lt;Notes&gt; &amp; Co</title>" in episode
    # transcript text: the VTT's own escapes are undone once, then escaped again for HTML
    assert "Today: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;." in episode


def test_no_outside_resources_and_csp_pins_the_inline_code(tmp_path):
    for name, html in _all_pages(tmp_path).items():
        for attr, url in re.findall(r'\b(src|href)="([^"]*)"', html):
            assert not re.match(r"(?i)^([a-z][a-z0-9+.-]*:)?//", url) or url.startswith(("podcast://", "pcast://")), (name, url)
            assert not url.lower().startswith(("javascript:", "data:")), (name, url)
        csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
        script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
        style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
        for code in (script, style):
            digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp, name
        assert "unsafe-inline" not in csp and "default-src 'self'" in csp


def test_show_page_has_subscribe_block_and_episodes_newest_first(tmp_path):
    index = _all_pages(tmp_path)[INDEX_NAME]
    assert 'value="https://example.org/pod/feed.xml"' in index and 'data-local="false"' in index
    assert 'href="podcast://example.org/pod/feed.xml"' in index and 'href="pcast://example.org/pod/feed.xml"' in index
    assert '<label for="feed-url">' in index and 'id="copy-feed" hidden' in index  # the button needs the script
    first, second = index.index("script-alert-1-script-quotes.html"), index.index("ferry-timetable.html")
    assert first < second  # 2026-11-26 before 2026-11-20
    assert '<img class="cover" src="cover.png"' in index
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in index


def test_episode_page_parts(tmp_path):
    pages = _all_pages(tmp_path)
    page = pages["script-alert-1-script-quotes.html"]
    assert '<track kind="captions" src="script-alert-1-script-quotes.vtt" srclang="en-GB"' in page
    assert 'href="script-alert-1-script-quotes.mp3#t=3600.000" data-start="3600.000"><time class="time" datetime="PT3600.000S">1:00:00</time>' in page
    assert page.count('class="cue"') == 4
    assert "Transcript (SubRip)" in page and "Chapters (JSON)" in page
    plain = pages["ferry-timetable.html"]  # no chapters, no transcript: neither section, still a player
    assert "<track" not in plain and 'class="chapters"' not in plain and 'class="transcript"' not in plain
    assert '<audio id="player" controls preload="metadata" src="ferry-timetable.mp3"' in plain


def test_transcript_that_is_missing_or_broken_leaves_it_out(tmp_path):
    config, catalog, cover = _case("two-episodes", tmp_path)
    (tmp_path / "script-alert-1-script-quotes.vtt").write_text("not a transcript\n")
    assert read_cues(tmp_path / "script-alert-1-script-quotes.vtt") == ()
    page = render_pages(config, catalog.newest_first(), cover, tmp_path)["script-alert-1-script-quotes.html"].decode()
    assert "<track" not in page and 'class="transcript"' not in page
    (tmp_path / "script-alert-1-script-quotes.vtt").unlink()
    page = render_pages(config, catalog.newest_first(), cover, tmp_path)["script-alert-1-script-quotes.html"].decode()
    assert "<track" not in page and "Transcript (WebVTT)" not in page


def test_rewrite_is_skipped_when_unchanged_and_old_pages_of_ours_go(tmp_path):
    config, catalog, cover = _case("two-episodes", tmp_path)
    write_pages(config, catalog, tmp_path, cover)
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.html")}
    handmade = tmp_path / "about.html"
    handmade.write_text("<!DOCTYPE html><title>About</title>")
    write_pages(config, catalog, tmp_path, cover)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.html") if p != handmade} == stamps
    vtt = tmp_path / "script-alert-1-script-quotes.vtt"  # a changed transcript alone renews its page
    vtt.write_text(vtt.read_text().replace("The second part begins here.", "A new second sentence."))
    write_pages(config, catalog, tmp_path, cover)
    assert "A new second sentence." in (tmp_path / "script-alert-1-script-quotes.html").read_text()
    assert (tmp_path / "ferry-timetable.html").stat().st_mtime_ns == stamps["ferry-timetable.html"]
    one = [e for e in catalog.newest_first() if e.slug == "ferry-timetable"]
    write_pages(config, _catalog(one), tmp_path, cover)
    assert sorted(p.name for p in tmp_path.glob("*.html")) == ["about.html", "ferry-timetable.html", INDEX_NAME]
    assert not list(tmp_path.glob(".*tmp-*"))  # no temp files left behind


def test_an_episode_slugged_index_does_not_replace_the_show_page(tmp_path):
    config, catalog, cover = _case("two-episodes", tmp_path)
    entry = _entry({**vars(catalog.newest_first()[1]), "slug": "index", "title": "Index"})
    pages = render_pages(config, [entry], cover, tmp_path)
    assert page_name("index") == "episode-index.html" and set(pages) == {INDEX_NAME, "episode-index.html"}
    assert 'href="episode-index.html"' in pages[INDEX_NAME].decode()


def test_make_writes_the_pages_with_the_feed(seed_episode_dir):
    [entry] = json.loads((seed_episode_dir / "episodes.json").read_text())["episodes"]
    index = (seed_episode_dir / INDEX_NAME).read_text()
    page = (seed_episode_dir / f"{entry['slug']}.html").read_text()
    assert f'href="{entry["slug"]}.html"' in index and 'value="https://example.org/pod/feed.xml"' in index
    assert f'src="{entry["file"]}"' in page and page.count('class="chapter"') == len(entry["chapters"])


def test_pages_follow_episodes_remove_restore_and_feed(episodes_copy):
    """`episodes remove|restore` and `feed` regenerate the pages with the feed."""
    catalog = json.loads((episodes_copy / "episodes.json").read_text())
    victim = catalog["episodes"][0]
    page = episodes_copy / f"{victim['slug']}.html"
    assert page.is_file() and f'href="{page.name}"' in (episodes_copy / INDEX_NAME).read_text()
    assert run_cli("episodes", "remove", victim["slug"], "--out", episodes_copy).returncode == 0
    assert not page.exists() and f'href="{page.name}"' not in (episodes_copy / INDEX_NAME).read_text()
    assert run_cli("episodes", "restore", victim["slug"], "--out", episodes_copy).returncode == 0
    assert page.is_file() and f'href="{page.name}"' in (episodes_copy / INDEX_NAME).read_text()
    page.unlink()
    (episodes_copy / INDEX_NAME).unlink()
    result = run_cli("feed", "--out", episodes_copy)
    assert result.returncode == 0, result.stderr
    assert page.is_file() and (episodes_copy / INDEX_NAME).is_file()
