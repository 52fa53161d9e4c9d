"""Briefing composition: each fixtures/briefing/golden/NAME.stories.json beside NAME.plan.json.

The stories file gives the briefing's title, day, language, item length and
its stories (already read); the plan file is the composed Article's plan, as
`audiobrief plan --json` shows one, plus each section's language and voice and
the stories' show-notes metadata.  Regenerate with AUDIOBRIEF_REGEN=1 and
review the diff before committing.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from audiobrief.briefing import compose, parse_item_length
from audiobrief.config import parse_config
from audiobrief.errors import InputError
from audiobrief.models import Article, Section
from audiobrief.script import build_script, plan_dict
from audiobrief.stories import Story

GOLDEN = Path(__file__).parent / "fixtures" / "briefing" / "golden"
CASES = sorted(p.name[: -len(".stories.json")] for p in GOLDEN.glob("*.stories.json"))


def _story(data: dict) -> Story:
    sections = tuple(Section(s["heading"], tuple(s["paragraphs"])) for s in data["sections"])
    article = Article(title=data["title"], sections=sections, language=data["language"], source=data["source"])
    return Story(article, source=data["source"], link=data["link"], image=data["image"], published=data["published"])


def _plan(case: dict) -> dict:
    article = compose([_story(s) for s in case["stories"]], case["title"], date.fromisoformat(case["date"]),
                      language=case["language"], item_length=parse_item_length(case["item_length"]),
                      words_per_minute=case["words_per_minute"])
    config = parse_config({"podcast": {"language": case["language"]}})
    plan = plan_dict(article, build_script(article, config))
    plan["section_meta"] = [s.meta for s in article.sections]
    plan["stories"] = article.meta["stories"]
    return plan


def test_every_case_has_a_plan():
    assert CASES and all((GOLDEN / f"{name}.plan.json").is_file() or os.environ.get("AUDIOBRIEF_REGEN")
                         for name in CASES)


@pytest.mark.parametrize("name", CASES)
def test_briefing_plan_matches_golden(name):
    actual = _plan(json.loads((GOLDEN / f"{name}.stories.json").read_text(encoding="utf-8")))
    golden = GOLDEN / f"{name}.plan.json"
    if os.environ.get("AUDIOBRIEF_REGEN"):
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def test_lead_fits_about_45_seconds_and_keeps_whole_sentences():
    case = json.loads((GOLDEN / "lead-en.stories.json").read_text(encoding="utf-8"))
    article = compose([_story(s) for s in case["stories"]], "B", date(2026, 12, 5))
    first = article.sections[0].paragraphs
    assert len(first) == 1 and first[0].endswith(".")
    assert 60 <= len(first[0].split()) <= 45 * 175 // 60  # cut at a sentence, within the budget


@pytest.mark.parametrize("text", ["0", "short", "-2", ""])
def test_item_length_refuses(text):
    with pytest.raises(InputError, match="give full, lead or a number of sentences"):
        parse_item_length(text)


def test_no_story_is_an_error():
    with pytest.raises(InputError, match="no story to put in the briefing"):
        compose([], "Morning briefing", date(2026, 12, 5))


def test_a_briefing_too_long_for_its_profile_is_refused_before_speaking():
    from audiobrief.briefing import check_fits, estimated_seconds

    case = json.loads((GOLDEN / "lead-en.stories.json").read_text(encoding="utf-8"))
    stories = [_story(s) for s in case["stories"]] * 12
    alexa = parse_config({"episode": {"profile": "alexa"}})
    lead = compose(stories[:3], "Morning briefing", date(2026, 12, 5))
    assert 60 < estimated_seconds(lead, alexa) < 180
    check_fits(lead, alexa)
    full = compose(stories, "Morning briefing", date(2026, 12, 5), item_length="full")
    with pytest.raises(InputError, match=r"^Morning briefing, 2026-12-05: the briefing would be about \d+\.\d minutes, "
                                         r"longer than the 10 minutes the alexa profile allows; use --item-length lead "
                                         r"or fewer stories \(--max-items\)$"):
        check_fits(full, alexa)
    check_fits(full, parse_config({}))  # the podcast profile has no limit
