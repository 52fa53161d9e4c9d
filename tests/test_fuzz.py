"""hypothesis fuzzing of the readers and the config loader: whatever the bytes,
the result is an Article / Config or a one-line AudiobriefError, never another
exception, and never slow. Bounded: few examples, a deadline per example."""

from __future__ import annotations

import string
from datetime import timedelta
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from audiobrief.config import OPTIONS, load_config, parse_config  # noqa: E402
from audiobrief.errors import AudiobriefError  # noqa: E402
from audiobrief.readers import read_article  # noqa: E402

FUZZ = settings(max_examples=120, deadline=timedelta(seconds=5), derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# text shaped like articles: words, headings, blank lines, odd characters, markup
_pieces = st.sampled_from(["\n", "\n\n", "# ", "## ", "<p>", "</p>", "<h1>", "</h1>", "&amp;", "&#0;", "&bogus;",
                           "<script>", "]]>", "<!--", "Sources: ", "Photo: ", "\u202e", "\u200f", "\ufeff",
                           "\x00", "\x0b", "\r\n", "> ", "- ", "* ", "1. ", "`", "***", "[a](b)", "|"])
_words = st.text(alphabet=string.ascii_letters + " .,;:!?'\"()-0123456789éüß—“”", min_size=0, max_size=40)
article_text = st.lists(st.one_of(_pieces, _words), max_size=60).map("".join)


def _assert_article_or_clear_error(path: Path) -> None:
    try:
        article = read_article(path)
    except AudiobriefError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    assert article.title.strip()
    assert "\x00" not in article.title
    for section in article.sections:
        for paragraph in section.paragraphs:
            assert isinstance(paragraph, str)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
@FUZZ
@given(text=article_text)
def test_readers_take_any_text(tmp_path, suffix, text):
    path = tmp_path / f"article{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _assert_article_or_clear_error(path)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_readers_take_any_bytes(tmp_path, data):
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    _assert_article_or_clear_error(path)


# config documents: known and unknown keys, right and wrong types
_values = st.one_of(st.text(max_size=30), st.integers(-10**6, 10**6), st.booleans(), st.floats(allow_nan=False),
                    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
_keys = st.one_of(st.sampled_from([o.key for o in OPTIONS]), st.text(min_size=1, max_size=12))
_sections = st.one_of(st.sampled_from(sorted({o.section for o in OPTIONS})), st.text(min_size=1, max_size=10))
config_docs = st.dictionaries(_sections, st.one_of(st.dictionaries(_keys, _values, max_size=6), _values), max_size=4)


@FUZZ
@given(doc=config_docs)
def test_config_validation_takes_any_document(doc):
    try:
        config = parse_config(doc)
    except AudiobriefError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 5000
        return
    assert 80 <= config.rate <= 450


_toml_lines = st.lists(st.one_of(
    st.sampled_from(["[podcast]", "[speech]", "[episode]", "[input]", "[[podcast]]", "[podcast.x]", "title = \"T\"",
                     "rate = 175", "rate = \"fast\"", "base_url = \"javascript:x\"", "cover = \"nope.png\"",
                     "language = \"en\"", "explicit = yes", "x = [1, [2, [3]]]", "= 1", "\"\\u0000\" = 1"]),
    st.text(max_size=30)), max_size=12).map("\n".join)


@FUZZ
@given(text=_toml_lines)
def test_config_loader_takes_any_file(tmp_path, text):
    path = tmp_path / "audiobrief.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_config(path)
    except AudiobriefError as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(title=st.text(max_size=600), taken=st.sets(st.text(alphabet="abc-123", max_size=8), max_size=20))
def test_slugs_are_safe_bounded_and_unique(title, taken):
    import re

    from audiobrief.slug import MAX_LEN, slugify

    slug = slugify(title, taken)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug)
    assert len(slug) <= MAX_LEN + 12
    assert slug not in taken
    assert slug.split("-")[0] not in {"con", "prn", "aux", "nul"} or "-" in slug


@FUZZ
@given(text=st.text(max_size=200))
def test_any_text_survives_the_feed(text):
    import xml.etree.ElementTree as ET

    from audiobrief.catalog import Entry
    from audiobrief.config import Config
    from audiobrief.publish.feed import render_feed, xml_safe

    entry = Entry(slug="s", guid="g-1", number=1, title=text or "t", source="/x", file="s.mp3", bytes=10,
                  duration=1.0, pub_date="2026-01-01T00:00:00+00:00", updated="2026-01-01T00:00:00+00:00",
                  summary=text, credits=text, chapters=({"title": text, "start_ms": 0, "end_ms": 1000},))
    config = Config(title="T " + xml_safe(text)[:50], author=text[:50] or "a")
    root = ET.fromstring(render_feed(config, [entry], "cover.png", guid="ead4c236-bf58-58c6-a2c6-a6b28d128cb6"))
    assert root.find("channel/item/guid").text == "g-1"
