"""Golden articles: each input in tests/fixtures/golden/ beside its expected `plan --json`.

The inputs are written for this project (original text).  They cover pasted
text with captions and chrome, Markdown with and without front matter and
figures, saved HTML pages with full site chrome, a German article and an
article dense with numbers, dates, money and URLs, and French, Spanish and
German pages with their own chrome (skip links, cookie banners, datelines,
related-story lists, footers with addresses and e-mail).  Regenerate with
AUDIOBRIEF_REGEN=1 and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "golden"
INPUTS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md", ".html"))


def test_the_required_kinds_are_covered():
    suffixes = [p.suffix for p in INPUTS]
    assert suffixes.count(".txt") >= 2 and suffixes.count(".md") >= 2 and suffixes.count(".html") >= 2
    languages = {(p.suffix, json.loads(p.with_suffix(".plan.json").read_text("utf-8"))["language"]) for p in INPUTS}
    assert {lang for _, lang in languages} >= {"en", "de", "fr", "es"}
    for suffix in (".txt", ".md", ".html"):  # every reader meets a page not in English
        assert any(s == suffix and lang != "en" for s, lang in languages), suffix


@pytest.mark.parametrize("source", INPUTS, ids=[p.name for p in INPUTS])
def test_plan_matches_golden(source, tmp_path):
    result = run_cli("plan", source, "--json", cwd=tmp_path)  # tmp cwd: no stray audiobrief.toml
    assert result.returncode == 0, result.stderr
    actual = json.loads(result.stdout)
    golden = source.with_suffix(".plan.json")
    if os.environ.get("AUDIOBRIEF_REGEN"):
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))
    # what must hold whatever the golden says: no digits, URLs or markup reach the engine
    script = " ".join(piece["text"] for piece in actual["script"])
    assert not any(ch.isdigit() for ch in script), script
    for bad in ("http", "www.", "@", "<", "](", "[1]", "$", "%", "€", "£"):
        assert bad not in script, bad
