"""The plain-text reader: golden files, the real shared articles, edge cases.

Golden files (podcastparser style): every ``tests/fixtures/text/<name>.txt``
sits beside ``<name>.json`` holding the expected title, sections, dropped lines
and credits; one parametrised test finds all pairs.  To regenerate them after
a deliberate change, run ``AUDIOBRIEF_REGEN=1 pytest tests/test_text_reader.py``
and read the diff of the JSON files by hand before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from audiobrief.errors import InputError
from audiobrief.readers import noise
from audiobrief.readers.text import parse_text

FIXTURES = Path(__file__).parent / "fixtures" / "text"
SHARED = Path(__file__).parents[1].parent / "shared" / "articles"
REGEN = os.environ.get("AUDIOBRIEF_REGEN") == "1"

SEED_TITLE = "What Kim Jong Un Visiting Russia Could Mean for Ukraine"
SEED_SECTIONS = [
    None,
    "Let’s Talk Strategy",
    "Where’s the Party At?",
    "Arms Deals and Timing",
    "More Than Just Weapons",
    "Real People, Real Problems",
    "Final Thoughts",
]
SEED_CAPTIONS = [
    "Mansu Hill Grand Monument in Pyongyang, North Korea",
    "Flag of the North Korea",
    "Wrestling Hall at Pyongyang Sports Street in North Korea",
]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _as_dict(article) -> dict:
    return {
        "title": article.title,
        "sections": [{"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in article.sections],
        "dropped": list(article.dropped),
        "credits": article.credits,
    }


def _spoken(article) -> list[str]:
    """Every text that ends up read aloud from the body: title, headings, paragraphs."""
    units = [article.title]
    for section in article.sections:
        if section.heading:
            units.append(section.heading)
        units.extend(section.paragraphs)
    return [_collapse(u) for u in units]


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} not found: the shared real articles sit in ../shared/articles beside the checkout")
    return path


# --------------------------------------------------------------------------- golden files

def _golden_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.txt"))


def test_there_are_golden_fixtures():
    assert len(_golden_names()) >= 4


@pytest.mark.parametrize("name", _golden_names())
def test_golden(name: str):
    source = FIXTURES / f"{name}.txt"
    expected_path = FIXTURES / f"{name}.json"
    article = parse_text(source.read_text(encoding="utf-8"), source=str(source))
    got = _as_dict(article)
    if REGEN:
        expected_path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert expected_path.is_file(), f"{expected_path.name} missing: run with AUDIOBRIEF_REGEN=1 and check it by hand"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected
    assert article.source == str(source)
    assert article.language == "en"


@pytest.mark.parametrize("name", _golden_names())
def test_golden_accounts_for_every_line(name: str):
    """Each input line is the title, a heading, a paragraph, the credits or dropped: nothing vanishes."""
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    _assert_every_line_accounted_for(parse_text(text), text)


@pytest.mark.parametrize("path", sorted((FIXTURES.parent / "golden").glob("*.txt")), ids=lambda p: p.name)
def test_plan_goldens_account_for_every_line(path: Path):
    """The same for the plan goldens' pasted pages (en, de, fr, es chrome)."""
    text = path.read_text(encoding="utf-8")
    _assert_every_line_accounted_for(parse_text(text), text)


def _assert_every_line_accounted_for(article, text: str) -> None:
    spoken = set(_spoken(article))
    dropped = {_collapse(d) for d in article.dropped}
    credits = _collapse(article.credits or "")
    for line in text.splitlines():
        line = _collapse(line)
        if not line:
            continue
        bare = noise.strip_bullet(line)
        kept = line in spoken or bare in spoken or any(line in unit for unit in spoken)  # (hard-wrapped lines)
        assert kept or line in dropped or line in credits, line
        assert not (line in dropped and line in spoken and line != article.title), f"both dropped and spoken: {line}"


# --------------------------------------------------------------------------- the real articles

def test_seed_blog_post():
    text = _shared("seed-blog-post.txt").read_text(encoding="utf-8")
    article = parse_text(text, source="seed-blog-post.txt")
    assert article.title == SEED_TITLE
    assert [s.heading for s in article.sections] == SEED_SECTIONS
    assert all(s.paragraphs for s in article.sections)
    for caption in SEED_CAPTIONS:
        assert caption in article.dropped
        assert caption not in _spoken(article)
        assert not any(caption in p for s in article.sections for p in s.paragraphs)
    assert article.dropped.count(SEED_CAPTIONS[0]) == 2  # the repeated caption, both times
    assert article.credits == "Sources BBC News"
    assert "Sources BBC News" not in _spoken(article)
    assert article.source == "seed-blog-post.txt"
    assert article.language == "en"
    _assert_every_line_accounted_for(article, text)


def _digitalgov_expected() -> dict:
    key = "digitalgov-a-look-at-podcasting-at-csosa.txt"
    return json.loads(_shared("expected.json").read_text(encoding="utf-8"))[key]


def test_digitalgov_browser_copy():
    expected = _digitalgov_expected()
    text = _shared("digitalgov-a-look-at-podcasting-at-csosa.txt").read_text(encoding="utf-8")
    article = parse_text(text, source="digitalgov.txt")
    assert article.title == _collapse(expected["expected_title"])
    assert [s.heading for s in article.sections] == expected["expected_sections"]
    assert all(s.paragraphs for s in article.sections)
    spoken = _spoken(article)
    dropped = {_collapse(d) for d in article.dropped}
    for line in expected["noise_lines"]:
        line = _collapse(line)
        assert line not in spoken, f"noise spoken: {line}"
        assert line in dropped, f"noise not listed as dropped: {line}"
        if len(line.split()) >= 3:
            assert not any(line in unit for unit in spoken), f"noise inside spoken text: {line}"
    assert article.credits == _collapse(expected["expected_sources_line"])
    assert article.credits not in spoken
    # everything that is neither noise nor structure is spoken (the list in "Our Experience" included)
    noise_lines = {_collapse(x) for x in expected["noise_lines"]}
    structure = {article.title, *(s.heading for s in article.sections if s.heading), article.credits}
    paragraphs = {p for s in article.sections for p in s.paragraphs}
    for line in text.splitlines():
        line = _collapse(line)
        if line and line not in noise_lines and line not in structure:
            assert line in paragraphs, f"article text lost: {line}"
    assert article.author == "Leonard Sipes"
    assert article.date == "2016-05-27"


def test_digitalgov_list_items_are_paragraphs_of_their_section():
    expected = _digitalgov_expected()
    text = _shared("digitalgov-a-look-at-podcasting-at-csosa.txt").read_text(encoding="utf-8")
    article = parse_text(text)
    section = article.sections[expected["expected_sections"].index("Our Experience")]
    short = [p for p in section.paragraphs if len(p.split()) <= 8]
    assert len(short) >= 4  # the four list items, each its own paragraph


@pytest.mark.parametrize("name", ["seed-blog-post.txt", "digitalgov-a-look-at-podcasting-at-csosa.txt"])
def test_real_articles_with_windows_line_endings(name: str):
    text = _shared(name).read_text(encoding="utf-8")
    assert parse_text(text.replace("\n", "\r\n")) == parse_text(text)


def test_seed_without_blank_lines_keeps_its_structure():
    text = _shared("seed-blog-post.txt").read_text(encoding="utf-8")
    squeezed = "\n".join(line for line in text.splitlines() if line.strip())
    article = parse_text(squeezed)
    assert article.title == SEED_TITLE
    assert [s.heading for s in article.sections] == SEED_SECTIONS
    assert article.credits == "Sources BBC News"


# --------------------------------------------------------------------------- edge cases

@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \r\n", "\ufeff\u200b\n"])
def test_empty_text_is_an_input_error(text: str):
    with pytest.raises(InputError, match=r"^notes\.txt: no article text found"):
        parse_text(text, source="notes.txt")


def test_only_page_furniture_is_an_input_error():
    with pytest.raises(InputError, match="no article text found"):
        parse_text("Skip to main content\nMenu\nHome\nShare this\nPrint\nAdvertisement\n", source="menu.txt")


def test_input_error_message_names_a_fix_and_is_one_line():
    with pytest.raises(InputError) as info:
        parse_text("")
    message = str(info.value)
    assert "\n" not in message and "Give the article's own text" in message


def test_one_paragraph_without_title_line():
    text = (
        "The harbour master said on Friday that the old lighthouse will be repainted this summer, "
        "the first time in thirty years, and that the work should not disturb the nesting gulls."
    )
    article = parse_text(text, source="lighthouse.txt")
    assert article.sections == parse_text(text).sections
    assert len(article.sections) == 1 and article.sections[0].heading is None
    assert article.sections[0].paragraphs == (text,)
    assert article.title  # falls back to the first words
    assert text.startswith(article.title.rstrip("…"))
    assert article.dropped == () and article.credits is None


def test_one_short_sentence_is_still_spoken():
    article = parse_text("Back in five minutes.")
    assert article.sections[0].paragraphs == ("Back in five minutes.",)
    assert article.title == "Back in five minutes"


def test_windows_and_old_mac_line_endings():
    lf = "A Short Title For Testing\n\nThe first paragraph is a full sentence.\n\nA Heading Here\n\nMore text follows here.\n"
    assert parse_text(lf.replace("\n", "\r\n")) == parse_text(lf)
    assert parse_text(lf.replace("\n", "\r")) == parse_text(lf)
    article = parse_text(lf)
    assert article.title == "A Short Title For Testing"
    assert [s.heading for s in article.sections] == [None, "A Heading Here"]


def test_whitespace_is_collapsed_and_typography_kept():
    text = "Caf\u00e9 \u201cLe\u00a0Coin\u201d Reopens\n\n  It\u2019s   back \u2014 with\tthe same  menu.  \n"
    article = parse_text(text)
    assert article.title == "Caf\u00e9 \u201cLe Coin\u201d Reopens"
    assert article.sections[0].paragraphs == ("It\u2019s back \u2014 with the same menu.",)


def test_source_is_kept():
    assert parse_text("Hello there, this is a sentence.", source="in/x.txt").source == "in/x.txt"


def test_bullets_are_spoken_without_the_glyph():
    text = "Packing For A Day Hike\n\nBring these things:\n\n\u2022 Water\n\u2022 A map\n- Sun cream\n\nThat is all you need.\n"
    article = parse_text(text)
    assert article.sections[0].paragraphs == (
        "Bring these things:",
        "Water",
        "A map",
        "Sun cream",
        "That is all you need.",
    )


def test_repeated_long_caption_is_dropped_everywhere():
    caption = "Volunteers sort donated books into crates before the library reopens next month"
    text = (
        f"{caption}\n\nLibrary Reopens After the Flood\n\nThe library closed in January after the river rose.\n\n"
        f"{caption}\n\nStaff expect the shelves to be full again by the summer holidays.\n"
    )
    article = parse_text(text)
    assert article.title == "Library Reopens After the Flood"
    assert article.dropped.count(caption) == 2
    assert caption not in _spoken(article)


def test_a_related_box_in_the_middle_does_not_end_the_article():
    body = " ".join(["The council met again on Thursday to discuss the plan in more detail."] * 3)
    text = (
        f"Council Debates the Harbour Plan\n\n{body}\n\nRelated articles\nHarbour dredging delayed again\n\n"
        f"{body} Members will vote next month.\n\nReferences\n\n1. Council minutes, 3 March.\n"
    )
    article = parse_text(text)
    paragraphs = [p for s in article.sections for p in s.paragraphs]
    assert paragraphs[-1].endswith("Members will vote next month.")
    assert "Harbour dredging delayed again" in article.dropped
    assert "References" in article.dropped and "1. Council minutes, 3 March." in article.dropped


def test_wiki_edit_links_and_citation_marks_are_not_spoken():
    text = (
        "Mozzarella River\n\nThe Mozzarella is a short river in the north.[2]\n\n"
        "History[edit]\n\nThe river was named in 1820.[1] Its source is disputed.[citation needed]\n"
    )
    article = parse_text(text)
    assert article.sections[0].paragraphs == ("The Mozzarella is a short river in the north.",)
    assert article.sections[-1].heading == "History"
    assert article.sections[-1].paragraphs == ("The river was named in 1820. Its source is disputed.",)


def test_caption_between_heading_and_text_with_a_credit():
    text = (
        "How We Built The Bridge\n\nThe first paragraph explains the project in one sentence.\n\n"
        "Foundations\nWorkers pour concrete at the north pier\nPhoto: Jane Roe/Getty Images\n\n"
        "The piers went down forty metres into the clay, deeper than anyone had planned.\n"
    )
    article = parse_text(text)
    assert [s.heading for s in article.sections] == [None, "Foundations"]
    assert "Workers pour concrete at the north pier" in article.dropped
    assert "Photo: Jane Roe/Getty Images" in article.dropped


# --------------------------------------------------------------------------- noise.py, line by line

@pytest.mark.parametrize(
    "line, reason",
    [
        ("Skip to main content", "chrome"),
        ("Menu", "chrome"),
        ("Share this", "chrome"),
        ("Advertisement", "chrome"),
        ("Related: Council delays vote on parking", "chrome"),
        ("READ MORE: Council delays vote on parking", "chrome"),
        ("Return to top", "chrome"),
        ("Subscribe to our newsletter", "chrome"),
        ("Sign up for our daily briefing, delivered to your inbox", "chrome"),
        ("We use cookies to give you the best experience. By using this site you accept our cookie policy.", "chrome"),
        ("An official website of the United States government", "chrome"),
        ("Here’s how you know", "chrome"),
        ("You have reached a collection of archived material", "chrome"),
        ("This page is no longer being updated.", "chrome"),
        ("Home > World > Europe", "chrome"),
        ("Home / Blog / Gardening", "chrome"),
        ("Tags: audio, podcasts, accessibility", "chrome"),
        ("#audio #podcast", "chrome"),
        ("© 2025 Example Media. All rights reserved.", "chrome"),
        ("4 min read", "chrome"),
        ("12 Comments", "chrome"),
        ("* * *", "separator"),
        ("Photo: Jane Roe", "photo credit"),
        ("Photo by Jane Roe on Unsplash", "photo credit"),
        ("Image credit Jane Roe", "photo credit"),
        ("Jane Roe/Getty Images", "photo credit"),
        ("Getty Images", "photo credit"),
        ("kt1234, iStock, Thinkstock", "photo credit"),
        ("Firefighters work at the scene on Monday. (AP Photo/John Doe)", "photo credit"),
        ("By Jane Doe", "byline"),
        ("By JANE DOE and John Roe, Staff Writers", "byline"),
        ("Posted by Jane Doe on March 3, 2024", "byline"),
        ("Jane Doe, Staff Writer", "byline"),
        ("Tom Briggs North of England correspondent", "byline"),
        ("Image caption, Firefighters at the scene on Monday", "photo credit"),
        ("Firefighters at the scene on Monday. Photograph: Jane Roe/Example News", "photo credit"),
        ("From Wikipedia, the free encyclopedia", "chrome"),
        ("Main article: Firefox", "chrome"),
        ("Skip to main contentSkip to navigation", "chrome"),
        ("May 27, 2016", "dateline"),
        ("Updated 10:30 a.m.", "dateline"),
        ("Published: Mon 3 June 2024 10.30 BST", "dateline"),
        ("2024-06-03", "dateline"),
        ("3 hours ago", "dateline"),
    ],
)
def test_noise_reason(line: str, reason: str):
    assert noise.noise_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Let’s Talk Strategy",
        "Where’s the Party At?",
        "Real People, Real Problems",
        "Sources BBC News",
        "Source: Reuters",
        "Sources say the talks will resume next week.",
        "By the end of the year, the plant will be closed.",
        "May the best team win.",
        "The photo by Ansel Adams sold for a record price at auction last week, the house said.",
        "Home is where the heart is, they say, and in this town it is also where the work is.",
        "Job board",
        "Production",
        "Notes From the Editor",
        "Final Thoughts in Brief",
    ],
)
def test_not_noise(line: str):
    assert noise.noise_reason(line) is None


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Sources BBC News", True),
        ("Source: Riverton City Council minutes", True),
        ("Sources: Reuters, AP", True),
        ("Credits: Photos by the author", True),
        ("This article was originally published on Example Review.", True),
        ("This article is licensed under a Creative Commons Attribution 4.0 International License.", True),
        (
            "Jane Doe is a senior reporter for a regional paper in Ohio. She can be reached by email.",
            True,
        ),
        ("Source code is available on GitHub.", False),
        ("Sources say the talks will resume next week.", False),
        ("North Korea is a country in East Asia.", False),
    ],
)
def test_credits_lines(line: str, expected: bool):
    assert noise.is_credits_line(line) is expected


def test_author_bio_matches_known_author():
    assert noise.is_author_bio("Sam Lee is happiest on a mountain with a notebook.", author="Sam Lee")
    assert not noise.is_author_bio("Sam Lee is happiest on a mountain with a notebook.")


def test_caption_signals():
    ctx_repeated = noise.LineContext(occurrences=2)
    assert noise.looks_like_caption("Mansu Hill Grand Monument in Pyongyang, North Korea")
    assert noise.looks_like_caption("Flag of the North Korea", ctx_repeated)
    assert noise.looks_like_caption("Protesters gather outside parliament in Tbilisi on May 3, 2024")
    assert not noise.looks_like_caption("Where’s the Party At?")
    assert not noise.looks_like_caption("Real People, Real Problems")
    assert not noise.looks_like_caption("Life in North Korea")


def test_bare_author_needs_a_date_beside_it():
    ctx = noise.LineContext(prev="A Look at Things", next="May 27, 2016", blank_before=False, blank_after=False)
    assert noise.is_bare_author("Jane Doe", ctx)
    assert not noise.is_bare_author("Jane Doe", noise.LineContext(next="Some more text here."))
    assert noise.noise_reason("Jane Doe", ctx) == "byline"


def test_strip_reference_marks():
    assert noise.strip_reference_marks("Mozilla[2] was founded in 1998.[1][3]") == "Mozilla was founded in 1998."
    assert noise.strip_reference_marks("History[edit]") == "History"
    assert noise.strip_reference_marks("See the list [below] and array [2] here") == "See the list [below] and array [2] here"


def test_parse_date():
    assert noise.parse_date("May 27, 2016") == "2016-05-27"
    assert noise.parse_date("Updated 12 February 2024 at 10:30") == "2024-02-12"
    assert noise.parse_date("2016-05-27T10:00Z") == "2016-05-27"
    assert noise.parse_date("no date here") is None


def test_heading_shape_helpers():
    assert noise.is_headingish("Where’s the Party At?")
    assert noise.is_headingish("iPhone Tips")
    assert not noise.is_headingish("Transcripts of our electronic products.")
    assert not noise.is_headingish("- a bullet item")
    assert noise.is_title_case("Real People, Real Problems")
    assert not noise.is_title_case("Weekly radio shows")
    assert noise.is_prose("Stay tuned!")
    assert not noise.is_prose("So, What's Podcasting?")
