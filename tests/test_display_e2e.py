"""Transcripts show the article's words, the engine hears the respelled ones (real engine, real MP3).

The article's front matter respells a name and gives raw espeak phonemes for
another word; it is full of numbers.  The engine must receive the respelling,
the phonemes and the number words; the WebVTT and SRT transcripts and the
MP3's USLT frame must show the article as written.
"""

from __future__ import annotations

import json

import pytest
from mutagen.id3 import ID3

from conftest import run_cli

ARTICLE = """---
title: The Quay Reopens
pronunciations:
  Quay: key
  Ystradgynlais: "[[@str'adg@nlaIs]]"
---

The quay at Ystradgynlais reopened on 3 May 2024 after 14 months of repairs.

The work cost £2.5 million, and the first boat left at 6:45 a.m. with 12 passengers on board.
"""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    work = tmp_path_factory.mktemp("display")
    article = work / "quay.md"
    article.write_text(ARTICLE, encoding="utf-8")
    plan = run_cli("plan", article, "--json", cwd=work)
    assert plan.returncode == 0, plan.stderr
    out = work / "episodes"
    made = run_cli("make", article, "--out", out, "--base-url", "https://example.org/pod/", cwd=work)
    assert made.returncode == 0, made.stderr
    return json.loads(plan.stdout), out


def test_the_engine_hears_the_respellings_and_number_words(episode):
    plan, _ = episode
    said = " ".join(p["text"] for p in plan["script"])
    assert "[[@str'adg@nlaIs]]" in said and "key" in said and "fourteen months" in said
    shown = " ".join(p.get("display") or p["text"] for p in plan["script"])
    assert "Ystradgynlais" in shown and "14 months" in shown and "£2.5 million" in shown


def test_transcripts_show_the_article_as_written(episode):
    _, out = episode
    vtt = next(out.glob("*.vtt")).read_text(encoding="utf-8")
    srt = next(out.glob("*.srt")).read_text(encoding="utf-8")
    lyrics = " ".join(str(frame) for frame in ID3(next(out.glob("*.mp3"))).getall("USLT"))
    for text in (vtt, srt, lyrics):
        assert "Ystradgynlais" in text and "3 May 2024" in text and "6:45 a.m." in text, text[:400]
        assert "[[" not in text and "fourteen" not in text
