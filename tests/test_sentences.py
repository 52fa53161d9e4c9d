"""Sentence splitting (golden files): every fixtures/sentences/<name>.txt beside <name>.json.

Regenerate after a deliberate change with AUDIOBRIEF_REGEN=1 and read the JSON diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from audiobrief.speech.sentences import split_sentences

FIXTURES = Path(__file__).parent / "fixtures" / "sentences"


@pytest.mark.parametrize("source", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.stem)
def test_sentences_golden(source):
    got = split_sentences(source.read_text(encoding="utf-8").strip())
    expected_path = source.with_suffix(".json")
    if os.environ.get("AUDIOBRIEF_REGEN") == "1":
        expected_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))
    assert " ".join(got) == " ".join(source.read_text(encoding="utf-8").split())  # nothing lost
