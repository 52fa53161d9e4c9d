"""`plan --json` checked against golden files kept in tests/golden/.

The bundled sample's golden holds the full plan. The seed article is not ours
to copy, so its golden keeps the structure verbatim (title, headings, dropped
lines, credits, the kind of every script piece) and each paragraph and spoken
text as a SHA-256 digest with its word count. Regenerate with
AUDIOBRIEF_REGEN=1 and review the diff before committing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from conftest import SAMPLE, run_cli, shared_article

GOLDEN = Path(__file__).parent / "golden"


def _digest(text: str) -> str:
    return f"sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]} words:{len(text.split())}"


def _digested(plan: dict) -> dict:
    return {
        **plan,
        "sections": [{"heading": s["heading"], "paragraphs": [_digest(p) for p in s["paragraphs"]]}
                     for s in plan["sections"]],
        "script": [{"kind": p["kind"], "text": p["text"] if p["kind"] == "heading" else _digest(p["text"])}
                   for p in plan["script"]],
    }


CASES = {
    "sample-article": (lambda: SAMPLE, lambda plan: plan),
    "seed-blog-post": (lambda: shared_article("seed-blog-post.txt"), _digested),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_plan_json_matches_golden(name, tmp_path):
    source, shape = CASES[name]
    result = run_cli("plan", source(), "--json", cwd=tmp_path)  # tmp cwd: no stray audiobrief.toml
    assert result.returncode == 0, result.stderr
    actual = shape(json.loads(result.stdout))
    golden = GOLDEN / f"{name}.plan.json"
    if os.environ.get("AUDIOBRIEF_REGEN"):
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert actual == expected


def test_seed_plan_structure():
    """The facts the seed article was designed around, stated directly."""
    result = run_cli("plan", shared_article("seed-blog-post.txt"), "--json")
    plan = json.loads(result.stdout)
    assert plan["title"] == "What Kim Jong Un Visiting Russia Could Mean for Ukraine"
    assert [s["heading"] for s in plan["sections"]] == [
        None, "Let\u2019s Talk Strategy", "Where\u2019s the Party At?", "Arms Deals and Timing",
        "More Than Just Weapons", "Real People, Real Problems", "Final Thoughts"]
    captions = ["Mansu Hill Grand Monument in Pyongyang, North Korea", "Flag of the North Korea",
                "Wrestling Hall at Pyongyang Sports Street in North Korea"]
    dropped = [d["text"] for d in plan["dropped"]]
    assert dropped.count(captions[0]) == 2
    for caption in captions:
        assert caption in dropped
        assert not any(caption in piece["text"] for piece in plan["script"])
    assert plan["credits"] == "Sources BBC News"
    kinds = [p["kind"] for p in plan["script"]]
    assert kinds[0] == "intro" and kinds[-1] == "outro"
    credits = [p["text"] for p in plan["script"] if p["kind"] == "credits"]
    assert credits == ["Sources B B C News."]  # a letter acronym is spelled out
    assert kinds.index("outro") > max(i for i, k in enumerate(kinds) if k == "credits")
    assert kinds.count("heading") == 6
