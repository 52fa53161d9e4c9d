"""End to end with the real engine for Markdown, HTML and a German article.

One `make` run over three golden fixtures: every episode is a real MP3 with
one chapter per section (plus intro, and credits when there are any), audible
and not clipped; the German article is spoken with a German voice (its clips
sit in the cache under the engine id of the gmw/de voice); the front matter's
rate is used for the Markdown article.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3

from conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "golden"
ARTICLES = ["river-survey-front-matter.md", "tram-line-news-page.html", "fahrradstrassen-de.txt"]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats") / "episodes"
    result = run_cli("make", *(FIXTURES / a for a in ARTICLES), "--out", out, "--base-url", "https://example.org/p/")
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ARTICLES)
def test_episode_has_a_chapter_per_section_and_sound(made, name):
    plan = json.loads(run_cli("plan", FIXTURES / name, "--json").stdout)
    catalog = json.loads((made / "episodes.json").read_text("utf-8"))
    entries = catalog["episodes"] if isinstance(catalog, dict) else catalog
    entry = next(e for e in entries if plan["title"] in json.dumps(e, ensure_ascii=False))
    mp3 = next(p for p in made.glob("*.mp3") if p.name in json.dumps(entry))
    chaps = sorted(ID3(str(mp3)).getall("CHAP"), key=lambda c: c.start_time)
    titles = [str(c.sub_frames["TIT2"]) for c in chaps]
    headings = [s["heading"] for s in plan["sections"] if s["heading"]]
    assert [t for t in titles if t in headings] == headings  # every section is a chapter, in order
    assert len(titles) >= len(plan["sections"])
    data, _rate = soundfile.read(str(mp3))
    peak = float(np.max(np.abs(data)))
    assert 0.3 < peak < 1.0, peak


def _engine_id(name: str) -> str:
    """The engine id `make` keys its clips on for this article (voice and rate included)."""
    from audiobrief.planned import plan_article
    from audiobrief.planning import engine_spec as _engine_spec
    from audiobrief.config import Config
    from audiobrief.engines import engine_cache_id
    from audiobrief.reading import read_one

    planned = plan_article(read_one(FIXTURES / name, Config()), Config())
    body = next(p for p in planned.script if p.kind == "body")
    return engine_cache_id(_engine_spec(Config(), planned.article, body))


@pytest.mark.slow
def test_german_article_uses_a_german_voice():
    assert "voice=gmw/de/" in _engine_id("fahrradstrassen-de.txt")
    assert "voice=gmw/en" in _engine_id("tram-line-news-page.html")


@pytest.mark.slow
def test_front_matter_rate_is_used():
    assert "rate=165/" in _engine_id("river-survey-front-matter.md")
    assert "rate=175/" in _engine_id("tram-line-news-page.html")
