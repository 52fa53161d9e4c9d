"""Written text -> spoken text, table-driven (tests/fixtures/normalize/cases.json).

Each case is one written phrase and what a listener expects to hear, in
English, German, French or Spanish.  Add a row to the table to pin a new reading down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiobrief.speech.normalize import MAX_SENTENCE, clean_for_speech, split_long_sentences

CASES = json.loads((Path(__file__).parent / "fixtures" / "normalize" / "cases.json").read_text(encoding="utf-8"))


def test_table_covers_every_intro_language():
    assert len(CASES) >= 100
    assert {c["language"] for c in CASES} == {"en", "de", "fr", "es"}
    for language in ("de", "fr", "es"):
        assert sum(c["language"] == language for c in CASES) >= 20, language


@pytest.mark.parametrize("case", CASES, ids=[f"{c['language']}:{c['written']}" for c in CASES])
def test_written_becomes_spoken(case):
    assert clean_for_speech(case["written"], case["language"]) == case["spoken"]


def test_no_digits_survive_in_a_dense_paragraph():
    text = ("Bids close at 12 p.m. EST on Oct. 29, 2015; the bid is $3,499 (90% coverage), "
            "FY 2013 saw 1,924,300 downloads in the 1990s style, 21st place, 10:30 a.m. on 3 Sept. 2023.")
    spoken = clean_for_speech(text)
    assert not any(ch.isdigit() for ch in spoken), spoken
    assert "$" not in spoken and "%" not in spoken


def test_long_sentences_are_split_at_clause_boundaries():
    clause = "the committee reviewed every proposal that arrived before the deadline in great detail"
    sentence = ", and ".join([clause] * 6).capitalize() + "."
    assert len(sentence) > MAX_SENTENCE
    spoken = split_long_sentences(sentence)
    parts = [p for p in spoken.split(". ") if p]
    assert len(parts) >= 2
    assert all(len(p) <= MAX_SENTENCE for p in parts)
    assert spoken.replace(". And", ", and").rstrip(".") == sentence.rstrip(".")


def test_short_text_is_left_alone():
    assert split_long_sentences("A short one. Another.") == "A short one. Another."


def test_lexicon_wins_and_phonemes_pass_untouched():
    table = {"CALC": "calk", "re:DUNS?": "dunns", "Eich": "[['aIk]]", "gif": "jif"}
    spoken = clean_for_speech("CALC and DUNS by Eich, a GIF of 3 cats.", "en", table)
    assert spoken == "calk and dunns by [['aIk]], a jif of three cats."


def test_lexicon_is_whole_word_and_case_aware():
    table = {"Sam": "Samuel"}
    assert clean_for_speech("Sam met Samantha and sam.", "en", table) == "Samuel met Samantha and sam."


def test_a_long_sentence_is_never_split_inside_a_spoken_date():
    sentence = ("The ferry committee met in the long hall above the harbour office for most of the winter "
                "to weigh every letter from the islands and approved the new timetable on December twenty-sixth, "
                "twenty nineteen after a debate that ran for many hours in the cold room above the quay, "
                "long after the last boat of the day had come in from the outer islands.")
    assert len(sentence) > MAX_SENTENCE
    spoken = split_long_sentences(sentence)
    assert spoken != sentence  # it was split, at another comma
    assert "December twenty-sixth, twenty nineteen" in spoken
