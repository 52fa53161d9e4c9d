"""Issue 21: fuzz the whole command. `audiobrief make`, end to end with the real engine, over
generated pathological articles: long tokens, huge counts of tiny paragraphs, deep nesting
in Markdown and HTML, mixed scripts and control characters.

Whatever the article, make exits by itself (never by a signal), prints no traceback, and
either publishes an episode whose feed feedparser and podcastparser read, or prints one
`error:` line and leaves the episodes folder byte-identical.

Bounded: EXAMPLES generated articles, no shrinking (each example is a process that speaks),
and ``max_minutes = 3`` so that a long article is refused by its estimate instead of spoken.
Tokens stay at most 200 letters here; the million-letter word has its own test below.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import os

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings, strategies as st  # noqa: E402

from conftest import folder_hash  # noqa: E402
from statecheck import published_state  # noqa: E402

EXAMPLES = 30
BASE_URL = "https://example.org/pod/"
FUZZ_MAKE = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.data_too_large])

_SCRIPTS = ["harbour", "ferry", "tide", "Привет", "мир", "αβγ", "漢字", "語", "مرحبا", "שלום", "नमस्ते",
            "สวัสดี", "🎧", "e\u0301", "1,250.75", "3rd", "Dr.", "U.S.", "&amp;", "*", "_", "`", "[x](y)"]
_ODD = ["\u200b", "\u200d", "\u202e", "\u2066", "\u00ad", "\ufeff", "\x07", "\x1b[31m", "\x0b", "\x0c", "\x7f",
        "\x85", "\u2028", "\t", "\\", "<", ">", "\"", "'"]
_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßéñøж"

words = st.one_of(st.sampled_from(_SCRIPTS), st.sampled_from(_ODD),
                  st.text(alphabet=_LETTERS, min_size=30, max_size=200))  # a long token
sentence = st.lists(words, min_size=1, max_size=12).map(" ".join)

#: (kind, argument): what one block of the article is
blocks = st.one_of(
    st.tuples(st.just("paragraph"), sentence),
    st.tuples(st.just("tiny"), st.integers(1, 3000)),  # that many one-letter paragraphs
    st.tuples(st.just("nest"), st.integers(1, 3000)),  # that deep
)
articles = st.tuples(st.sampled_from([".txt", ".md", ".html"]), sentence, st.lists(blocks, min_size=1, max_size=5))


def _render(suffix: str, title: str, parts: list) -> str:
    """The article's text in its format."""
    out = []
    for kind, arg in parts:
        if kind == "paragraph":
            out.append(f"<p>{arg}</p>" if suffix == ".html" else arg)
        elif kind == "tiny":
            out += ["<p>a</p>" if suffix == ".html" else "a"] * arg
        elif suffix == ".html":
            out.append("<div><section>" * arg + "<p>Deep inside.</p>" + "</section></div>" * arg)
        elif suffix == ".md" and arg % 2:
            depth = min(arg, 400)  # a list's indentation grows as depth squared
            out.append("\n".join("  " * i + "- item" for i in range(depth)))
        else:
            out.append(">" * arg + " Deep inside.")
    if suffix == ".html":
        return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{''.join(out)}</body></html>"
    return ("# " if suffix == ".md" else "") + title + "\n\n" + "\n\n".join(out) + "\n"


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """One episodes folder and cache for every example: episodes accumulate, as they would."""
    root = tmp_path_factory.mktemp("fuzz-make")
    (root / "audiobrief.toml").write_text(f'[podcast]\nbase_url = "{BASE_URL}"\n[episode]\nmax_minutes = 3\n')
    return root


def _make(place, article):
    return subprocess.run([sys.executable, "-m", "audiobrief", "make", str(article), "--out", str(place / "out"),
                           "--cache-dir", str(place / "cache"), "--config", str(place / "audiobrief.toml"),
                           "-j", "1"], capture_output=True, text=True, timeout=600, cwd=place,
                          env={**os.environ, "COLUMNS": "200"})


def _assert_made_or_refused(place, article) -> None:
    out = place / "out"
    before = folder_hash(out)
    result = _make(place, article)
    assert result.returncode >= 0, f"make was killed by signal {-result.returncode}"
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-3000:]
        assert folder_hash(out) == before, "a refused article changed the episodes folder"
        return
    assert published_state(out) == []
    _assert_clients_read_the_feed(out)


def _assert_clients_read_the_feed(out) -> None:
    import feedparser
    import podcastparser

    catalog = json.loads((out / "episodes.json").read_text())["episodes"]
    feed = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.bozo_exception
    assert len(parsed.entries) == len(catalog)
    pod = podcastparser.parse(f"{BASE_URL}feed.xml", io.BytesIO(feed))
    assert len(pod["episodes"]) == len(catalog)
    assert all(e["enclosures"] and e["enclosures"][0]["file_size"] > 0 for e in pod["episodes"])


@FUZZ_MAKE
@given(article=articles)
def test_make_survives_any_article(place, article):
    suffix, title, parts = article
    path = place / f"fuzz{suffix}"
    path.write_text(_render(suffix, title, parts), encoding="utf-8")
    _assert_made_or_refused(place, path)


def test_a_million_letter_word(tmp_path):
    """One "word" of a million letters (1 MB, under max_article_mb): espeak crashed on it (SIGSEGV)."""
    rng = random.Random(21)
    article = tmp_path / "word.txt"
    article.write_text("One Long Word\n\n" + "".join(rng.choice("abcdefghij") for _ in range(1_000_000)) + "\n")
    (tmp_path / "audiobrief.toml").write_text(f'[podcast]\nbase_url = "{BASE_URL}"\n')
    _assert_made_or_refused(tmp_path, article)
