"""Several stories -> ONE briefing Article: intro, a section per story, a close.

A briefing is identified by its title and its day: the Article's title is
``"Morning briefing, 2026-12-05"``.  What is spoken:

- intro: the title and the day's date written out in the briefing's language
  (Babel's full date format: "Saturday, December 5, 2026", "Samstag,
  5. Dezember 2026"), and how many stories follow;
- one section per story, headed by the story's title (so one chapter each,
  with the mixer's transition between them).  ``item_length`` says how much
  of each story: ``"lead"`` its first paragraph(s) up to about
  :data:`LEAD_SECONDS` of speech (words at the speaking rate) before its first
  sub-heading, a number N its first N sentences, ``"full"``
  everything with its sub-headings spoken as lines of their own;
- the close (the Article's credits): every story's title and where it came
  from.

A story in another language than the briefing keeps it: its section's meta
carries ``language`` (the script normalises numbers and dates in it) and
``voice`` (the engine's voice for that language).  ``meta["stories"]`` lists
each story's title, source, link, image and language for the show notes.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Optional, Sequence, Union
from urllib.parse import urlsplit

from audiobrief.config import Config
from audiobrief.errors import InputError
from audiobrief.fetch import Fetcher, HostNotFound, NetworkUnavailable
from audiobrief.memos import cache_root
from audiobrief.models import Article, Section
from audiobrief.profiles import get_profile
from audiobrief.script import build_script
from audiobrief.sources import Source
from audiobrief.speech.sentences import split_sentences
from audiobrief.stories import Story, gather

#: the exit code of a briefing that was published with some sources or stories skipped
PARTIAL_EXIT = 5
#: a lead is the first paragraph(s) of a story up to about this much speech
LEAD_SECONDS = 45
ItemLength = Union[str, int]

#: the words a briefing adds, per language (English when the briefing's is not here)
PHRASES: dict[str, dict[str, str]] = {
    "en": {"intro": "This is {title} for {date}, with {count}.", "one": "one story", "many": "{n} stories",
           "outro": "That was {title} for {date}. Thanks for listening.", "sources": "Sources", "from": "from"},
    "de": {"intro": "Hier ist {title} für {date}, mit {count}.", "one": "einer Meldung", "many": "{n} Meldungen",
           "outro": "Das war {title} für {date}. Danke fürs Zuhören.", "sources": "Quellen", "from": "von"},
    "es": {"intro": "Esto es {title} del {date}, con {count}.", "one": "una noticia", "many": "{n} noticias",
           "outro": "Eso fue {title} del {date}. Gracias por escuchar.", "sources": "Fuentes", "from": "de"},
    "fr": {"intro": "Voici {title} du {date}, avec {count}.", "one": "une information", "many": "{n} informations",
           "outro": "C'était {title} du {date}. Merci de votre écoute.", "sources": "Sources", "from": "de"},
}
_END_PUNCTUATION = re.compile(r"[.!?…:;]['\"”’»)]*$")


def parse_item_length(text: Union[str, int]) -> ItemLength:
    """``full``, ``lead`` or a positive number of sentences."""
    value = str(text).strip().lower()
    if value in ("full", "lead"):
        return value
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise InputError(f"--item-length {text!r}: give full, lead or a number of sentences such as 3")


def identity(title: str, day: date) -> str:
    """What names a briefing: ``"Morning briefing, 2026-12-05"``."""
    return f"{' '.join(title.split())}, {day.isoformat()}"


def spoken_date(day: date, language: str) -> str:
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return format_date(day, "full", locale=language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return format_date(day, "full", locale="en")


def compose(stories: Sequence[Story], title: str, day: date, *, language: str = "en",
            item_length: ItemLength = "lead", words_per_minute: int = 175) -> Article:
    """The briefing of ``stories``, in the order given."""
    if not stories:
        raise InputError("no story to put in the briefing; give article files, pages or feeds with items")
    words = PHRASES.get(language.split("-")[0], PHRASES["en"])
    name, when = " ".join(title.split()), spoken_date(day, language)
    count = words["one"] if len(stories) == 1 else words["many"].format(n=len(stories))
    sections = tuple(_story_section(story, language, item_length, words_per_minute) for story in stories)
    close = "; ".join(f"{story.article.title}, {words['from']} {_where(story)}" for story in stories)
    return Article(
        title=identity(title, day),
        sections=sections,
        dropped=tuple(line for story in stories for line in story.article.dropped),
        credits=f"{words['sources']}: {close}.",
        language=language,
        source=f"briefing of {len(stories)} stories",
        summary="; ".join(story.article.title for story in stories),
        date=day.isoformat(),
        meta={"reader": "briefing",
              "intro": words["intro"].format(title=name, date=when, count=count),
              "outro": words["outro"].format(title=name, date=when),
              "stories": [_story_meta(story) for story in stories]},
    )


def _story_section(story: Story, language: str, item_length: ItemLength, words_per_minute: int) -> Section:
    article = story.article
    if item_length == "full":
        paragraphs = _full(article)
    elif item_length == "lead":
        paragraphs = _lead(article, LEAD_SECONDS * words_per_minute // 60)
    else:
        paragraphs = _first_sentences(article, int(item_length))
    meta = {"language": article.language}
    if story.link and urlsplit(story.link).scheme in ("http", "https"):
        meta["link"] = story.link  # the show notes link the story's chapter to it
    if article.language and article.language.split("-")[0] != language.split("-")[0]:
        meta["voice"] = article.language  # the engine's voice for the story's language
    return Section(heading=article.title, paragraphs=tuple(paragraphs), meta=meta)


def _full(article: Article) -> list[str]:
    """Every paragraph; each sub-heading becomes a line of its own, ended like a sentence."""
    out: list[str] = []
    for section in article.sections:
        if section.heading and section.heading != article.title:
            heading = section.heading.strip()
            out.append(heading if _END_PUNCTUATION.search(heading) else heading + ".")
        out += section.paragraphs
    return out


def _lead(article: Article, budget: int) -> list[str]:
    """The opening paragraphs (before the first sub-heading) that fit in ``budget`` words; at least one sentence."""
    paragraphs = next((list(s.paragraphs) for s in article.sections if s.paragraphs), [])
    out: list[str] = []
    used = 0
    for paragraph in paragraphs:
        size = len(paragraph.split())
        if used + size > budget:
            break
        out.append(paragraph)
        used += size
    if out or not paragraphs:
        return out
    sentences = split_sentences(paragraphs[0]) or [paragraphs[0]]
    kept = [sentences[0]]
    for sentence in sentences[1:]:
        if len(" ".join([*kept, sentence]).split()) > budget:
            break
        kept.append(sentence)
    return [" ".join(kept)]


def _first_sentences(article: Article, count: int) -> list[str]:
    """The first ``count`` sentences, paragraph breaks kept."""
    out: list[str] = []
    for paragraph in (p for s in article.sections for p in s.paragraphs):
        if count <= 0:
            break
        sentences = split_sentences(paragraph) or [paragraph]
        out.append(" ".join(sentences[:count]))
        count -= len(sentences[:count])
    return out


def _where(story: Story) -> str:
    """A source as the close speaks it: a URL's host, a file's name."""
    if story.link:
        host = urlsplit(story.link).hostname or story.link
        return host[4:] if host.startswith("www.") else host
    return story.source.replace("\\", "/").rsplit("/", 1)[-1]


def _story_meta(story: Story) -> dict:
    return {"title": story.article.title, "source": story.source, "link": story.link, "image": story.image,
            "language": story.article.language, "published": story.published}


# ------------------------------------------------------------------ the episode's source
#
# build() takes the composed briefing as a ready Source: its id names the
# briefing (title and day), so the same day's run replaces its episode and the
# next day's is new; its data is the composed article, serialised, so the
# same stories say unchanged without speaking anything.


@dataclass
class Briefing:
    source: Source  # what build() makes the episode from
    stories: int
    skipped: list[str] = field(default_factory=list)


def briefing_source(article: Article) -> Source:
    """The composed briefing as the build's input: id ``briefing:<title, day>``, its bytes a stable
    serialisation of everything in it (meta too: a story's link or voice changes the episode)."""
    data = json.dumps(asdict(article), sort_keys=True, ensure_ascii=False,
                      default=str).encode("utf-8")
    name = f"briefing:{article.title}"
    return Source(id=name, data=data, read=lambda: article, where=name)


def prepare_briefing(sources: Sequence[str], config: Config, *, title: str, day: Optional[date] = None,
                     since: Optional[timedelta] = None, max_items: Optional[int] = None,
                     item_length: ItemLength = "lead", cache_dir: Optional[Path] = None,
                     warn: Callable[[str], None] = lambda message: None,
                     fetcher: Optional[Fetcher] = None) -> Briefing:
    """Gather the stories and compose the briefing, ready for ``build([briefing.source], ...)``.

    Each skipped source or story is passed to ``warn``.  With no story left,
    or a briefing too long for its profile, this raises: nothing is built.
    """
    max_bytes = config.max_article_mb * 1_000_000
    fetcher = fetcher or Fetcher(cache_root(cache_dir), max_bytes)
    gathered = gather(sources, fetcher, max_bytes=max_bytes, since=since, max_items=max_items)
    if not gathered.stories:
        raise _nothing_left(gathered.problems, warn)
    for problem in gathered.problems:
        warn(str(problem))
    article = compose(gathered.stories, title, day or date.today(), language=config.language,
                      item_length=item_length, words_per_minute=config.rate)
    check_fits(article, config)
    return Briefing(briefing_source(article), len(gathered.stories), gathered.warnings)


def exit_code(report, briefing: Briefing) -> int:
    """The build's own code when it failed; else :data:`PARTIAL_EXIT` when stories were skipped."""
    if report.failures:
        return report.exit_code
    return PARTIAL_EXIT if briefing.skipped else 0


def _nothing_left(problems: list, warn: Callable[[str], None]) -> InputError:
    """The error when no story is left: the one failure's own, or a summary (the failures warned first)."""
    if len(problems) == 1:
        return problems[0]
    for problem in problems:
        warn(str(problem))
    if problems and all(isinstance(p, (NetworkUnavailable, HostNotFound)) for p in problems):
        return NetworkUnavailable(f"no source could be reached ({len(problems)} tried): the network or its name "
                                  "service is down; save the pages in a browser and pass the files instead; "
                                  "nothing was published")
    return InputError(f"no story left for the briefing: all {len(problems)} sources or items failed "
                      "(see the warnings above); nothing was published")


def estimated_seconds(article: Article, config: Config) -> float:
    """How long the briefing will play: its words at the speaking rate, plus the pauses between them.

    Within a few seconds of the real length on the test briefing (2 minutes),
    which is what refusing a too-long briefing before speaking it needs."""
    script = build_script(article, config)
    words = sum(len(piece.text.split()) for piece in script)
    pauses_ms = sum(piece.pause_after for piece in script)
    pauses_ms += len(article.sections) * (config.section_pause_ms + config.section_pause_after_ms)
    return words * 60 / config.rate + pauses_ms / 1000


def check_fits(article: Article, config: Config) -> None:
    """Refuse, before anything is spoken, a briefing longer than its profile or max_minutes allows."""
    profile = get_profile(config.profile)
    limits = [(m, why) for m, why in ((config.max_minutes or None, "max_minutes in audiobrief.toml allows"),
                                      (profile.max_minutes, f"the {profile.name} profile allows")) if m]
    if not limits:
        return
    minutes, why = min(limits)
    seconds = estimated_seconds(article, config)
    if seconds > minutes * 60:
        raise InputError(f"{article.title}: the briefing would be about {seconds / 60:.1f} minutes, longer than "
                         f"the {minutes:g} minutes {why}; use --item-length lead or fewer stories (--max-items)")
