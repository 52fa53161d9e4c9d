"""Issue 21: an episode's length is estimated from its script and refused before anything is spoken."""

from __future__ import annotations

import json
import time

import pytest

from conftest import SAMPLE, folder_hash, run_cli
from audiobrief.config import DEFAULT_MAX_MINUTES, Config
from audiobrief.errors import InputError
from audiobrief.length import describe, estimate_seconds, limit_minutes, refuse_if_too_long
from audiobrief.models import Article, Piece, Section
from audiobrief.profiles import PROFILES
from audiobrief.readers import read_article
from audiobrief.script import build_script


@pytest.mark.parametrize("profile, max_minutes, expected", [
    ("podcast", 0, (DEFAULT_MAX_MINUTES, "the default")),
    ("hq", 0, (DEFAULT_MAX_MINUTES, "the default")),
    ("podcast", 300, (300, "max_minutes in audiobrief.toml")),
    ("hq", 20, (20, "max_minutes in audiobrief.toml")),
    ("alexa", 0, (10, "the alexa profile's")),
    ("alexa", 300, (10, "the alexa profile's")),  # Amazon's limit is not raised by the settings
    ("alexa", 5, (5, "max_minutes in audiobrief.toml")),
])
def test_the_limit_and_what_sets_it(profile, max_minutes, expected):
    assert limit_minutes(PROFILES[profile], Config(max_minutes=max_minutes)) == expected


def test_the_estimate_counts_letters_rate_and_pauses():
    config = Config()
    one = (Piece("body", "Harbour ferry.", section=0, pause_after=700),)
    base = estimate_seconds(one, config)
    longer = estimate_seconds((Piece("body", "Harbour ferry harbour ferry.", section=0, pause_after=700),), config)
    slower = estimate_seconds((Piece("body", "Harbour ferry.", section=0, pause_after=700, rate=90),), config)
    assert base < longer < 2 * base and slower > base
    # a second section adds its pauses and its transition; with none, only the pauses
    same = one + (Piece("body", "Harbour ferry.", section=0, pause_after=700),)
    two = one + (Piece("body", "Harbour ferry.", section=1, pause_after=700),)
    gap = (config.section_pause_ms + config.section_pause_after_ms) / 1000
    assert estimate_seconds(two, config) - estimate_seconds(same, config) == pytest.approx(0.38 + gap)
    quiet = Config(transition="none")
    assert estimate_seconds(two, quiet) - estimate_seconds(same, quiet) == pytest.approx(gap)


def test_refusal_names_estimate_limit_and_fix():
    article = Article("Long", (Section(None, ("x",)),), source="long.html")
    with pytest.raises(InputError) as caught:
        refuse_if_too_long(4 * 3600, article, PROFILES["podcast"], Config(), estimated=True)
    message = str(caught.value)
    assert message.startswith("long.html: the episode would be about 4.0 hours long (estimated")
    assert "over the 180-minute limit (the default)" in message and "raise max_minutes (up to 600)" in message
    with pytest.raises(InputError, match="choose another profile"):
        refuse_if_too_long(11 * 60, article, PROFILES["alexa"], Config(), estimated=True)
    refuse_if_too_long(4 * 3600, article, PROFILES["podcast"], Config(max_minutes=300), estimated=True)


def test_plan_says_the_estimate_and_whether_make_would_refuse():
    script = (Piece("body", "Harbour ferry.", section=0, pause_after=700),)
    assert describe(script, Config()) == "about 0.1 minutes (the limit: 180 minutes, the default)"
    long = script * 1000
    said = describe(long, Config(profile="alexa"))
    assert said.startswith("about 26.") and "the limit: 10 minutes, the alexa profile's" in said
    assert said.endswith("over it, so `make` would refuse it)")


def test_estimate_is_near_a_real_episode(tmp_path):
    """The sample article made with the real engine: the estimate is within 10 % of its length
    (docs/limits.md has the figures for eleven articles)."""
    out = tmp_path / "out"
    result = run_cli("make", SAMPLE, "--out", out, "--cache-dir", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    real = json.loads((out / "episodes.json").read_text())["episodes"][0]["duration"]
    config = Config()
    estimate = estimate_seconds(build_script(read_article(SAMPLE), config), config)
    assert abs(estimate - real) / real < 0.10, (estimate, real)


def _many_paragraphs(path, paragraph: str, count: int):
    """``count`` paragraphs of ``paragraph``, each made distinct by ``{n}`` (its number) where it has one."""
    path.write_text("<html><head><title>Many</title></head><body><h1>Many</h1>"
                    + "".join(f"<p>{paragraph.format(n=n)}</p>" for n in range(count)) + "</body></html>")


def _refused_untouched(tmp_path, page):
    """make PAGE: exit 2 with one error line, nothing spoken, the folder byte-identical."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("the folder's own file")
    before = folder_hash(out)
    result = run_cli("make", page, "--out", out, "--cache-dir", tmp_path / "cache", timeout=300)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert "0 clips spoken" in result.stdout
    assert folder_hash(out) == before
    assert not (tmp_path / "cache" / "clips").exists() or not any((tmp_path / "cache" / "clips").rglob("*.wav"))
    return errors[0]


def test_a_day_of_tiny_paragraphs_is_refused_before_speaking(tmp_path):
    """1.6 MB of HTML, 200,000 one-word paragraphs: no article to speak, refused up front."""
    page = tmp_path / "many.html"
    _many_paragraphs(page, "a", 200_000)
    assert 1_500_000 < page.stat().st_size < 1_700_000
    error = _refused_untouched(tmp_path, page)
    assert "no article text found" in error or "estimated from its script" in error


def test_a_day_of_short_sentences_is_refused_by_its_estimate(tmp_path):
    """1.6 MB of real sentences, about a day of speech: refused from the script's estimate."""
    page = tmp_path / "long.html"
    _many_paragraphs(page, "Ferry {n} leaves the harbour on the hour until late at night.", 24_000)
    assert 1_500_000 < page.stat().st_size < 1_700_000
    error = _refused_untouched(tmp_path, page)
    assert "hours long (estimated from its script, before speaking)" in error
    assert "over the 180-minute limit" in error and "max_minutes" in error
