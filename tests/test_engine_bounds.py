"""The bound on what reaches an engine (issue 21): long tokens and clauses."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from audiobrief.engines import EngineSpec, SynthJob, bound_text
from audiobrief.engines.clips import run_job
from audiobrief.engines.bounds import MAX_CLAUSE_WORDS, MAX_WORD_CHARS


def test_ordinary_text_passes_unchanged():
    text = "Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz, said the clerk, was repealed."
    assert bound_text(text).text == text and not bound_text(text).dropped


def test_a_token_longer_than_any_word_is_split_at_separators_or_dropped():
    chain = "-".join(["alpha"] * 30)  # 179 characters of real words
    assert bound_text(f"A {chain} day.").text == "A " + " ".join(["alpha-"] * 29 + ["alpha"]) + " day."
    bounded = bound_text("One " + "x" * 1_000_000 + " two.")
    assert bounded.text == "One two."
    (dropped,) = bounded.dropped
    assert dropped.length == 1_000_000 and dropped.token == "x" * 40
    assert "1,000,000-character word" in dropped.reason and f"limit {MAX_WORD_CHARS}" in dropped.reason


def test_a_clause_without_punctuation_gets_a_comma_every_so_many_words():
    words = [f"w{i}" for i in range(2 * MAX_CLAUSE_WORDS + 5)]
    bounded = bound_text(" ".join(words) + ".").text.split()
    assert bounded[MAX_CLAUSE_WORDS - 1].endswith(",") and bounded[2 * MAX_CLAUSE_WORDS - 1].endswith(",")
    assert sum(w.endswith(",") for w in bounded) == 2
    # punctuation already there resets the count
    short = " ".join(["word"] * (MAX_CLAUSE_WORDS - 1)) + ", " + " ".join(["word"] * (MAX_CLAUSE_WORDS - 1))
    assert bound_text(short).text == short


def test_a_piece_left_with_nothing_to_say_becomes_a_short_pause(tmp_path):
    from audiobrief.engines import get_engine

    job = SynthJob("y" * 50_000, str(tmp_path / "pause.wav"), "a test piece")
    run_job(get_engine(EngineSpec()), job)
    import wave

    with wave.open(job.wav_path, "rb") as w:
        assert 0.1 < w.getnframes() / w.getframerate() < 0.5


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pyttsx3", "hibari"])
def test_a_million_letter_word_does_not_crash_make(tmp_path, engine):
    """espeak-ng dies with SIGSEGV (exit 139) on one word of 20,000 letters."""
    if engine == "hibari":
        pytest.importorskip("hibari")
    article = tmp_path / "long.md"
    article.write_text("---\nlanguage: en\n---\n# A Very Long Word\n\nThe council met on Tuesday to discuss the library budget. "
                       "Then someone typed this word: " + "a" * 1_000_000 + ". After that the meeting went on "
                       "as usual, and the members voted on the plan.\n", encoding="utf-8")
    made = run_cli("make", article, "--out", tmp_path / "out", "--engine", engine,
                   "--cache-dir", tmp_path / "cache", timeout=600)
    assert made.returncode == 0, made.stderr[-2000:]
    (episode,) = json.loads((tmp_path / "out" / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    assert 5 < episode["duration"] < 60, episode["duration"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_engine_crash_is_one_error_line_and_the_feed_stays(tmp_path, monkeypatch, jobs):
    """A crash in an engine's C code (SIGSEGV) while speaking: one error naming the
    article and section, exit 3 (not 139), the previous feed byte for byte."""
    from conftest import SAMPLE, folder_hash

    out, cache = tmp_path / "out", tmp_path / "cache"
    first = run_cli("make", SAMPLE, "--out", out, "--cache-dir", cache)
    assert first.returncode == 0, first.stderr
    before = folder_hash(out)
    article = tmp_path / "second.md"
    article.write_text("---\nlanguage: en\n---\n# Second Story\n\nThe council met on Tuesday.\n", encoding="utf-8")
    monkeypatch.setenv("AUDIOBRIEF_FAULT", f"segv:{tmp_path / 'fault'}:{9 if jobs == '2' else 1}")
    crashed = run_cli("make", article, "--out", out, "--cache-dir", cache, "--jobs", jobs)
    assert crashed.returncode == 3, (crashed.returncode, crashed.stderr)
    errors = [line for line in crashed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(article) in errors[0] and "crashed" in errors[0], crashed.stderr
    assert "Traceback" not in crashed.stderr
    assert folder_hash(out) == before
