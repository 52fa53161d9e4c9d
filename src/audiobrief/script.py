"""Article -> the spoken script: intro, headings, body, credits, outro.

Every piece's ``text`` is exactly what the engine receives; ``plan`` shows it.
"""

from __future__ import annotations

from typing import Any

from functools import partial

from audiobrief.config import DEFAULT_INTRO, DEFAULT_OUTRO, Config
from audiobrief.models import Article, Piece
from audiobrief.speech import lexicon
from audiobrief.speech.language import phrase
from audiobrief.speech.normalize import as_sentence, clean_for_speech

HEADING_PAUSE_MS = 450


def _fill(template: str, config: Config, article: Article) -> str:
    return template.format(podcast=config.title.strip(), title=article.title.strip())


def _template(config: Config, article: Article, which: str) -> str:
    """The configured intro/outro, or the article language's own when the config keeps the default."""
    configured = getattr(config, which)
    default = DEFAULT_INTRO if which == "intro" else DEFAULT_OUTRO
    return phrase(article.language, which) if configured == default else configured


def build_script(article: Article, config: Config) -> tuple[Piece, ...]:
    words = lexicon.merge(config.pronunciations, article.meta.get("pronunciations"))
    as_sentence_ = partial(as_sentence, language=article.language, lexicon=words)
    clean_for_speech_ = partial(clean_for_speech, language=article.language, lexicon=words)
    pieces: list[Piece] = [
        Piece("intro", as_sentence_(_fill(_template(config, article, "intro"), config, article)), None,
              HEADING_PAUSE_MS)
    ]
    for index, section in enumerate(article.sections):
        if section.heading:
            pieces.append(Piece("heading", as_sentence_(section.heading), index, HEADING_PAUSE_MS))
        for paragraph in section.paragraphs:
            text = clean_for_speech_(paragraph)
            if text:
                pieces.append(Piece("body", text, index, config.paragraph_pause_ms))
    if article.credits:
        pieces.append(Piece("credits", as_sentence_(article.credits), None, config.paragraph_pause_ms))
    pieces.append(Piece("outro", as_sentence_(_fill(_template(config, article, "outro"), config, article)), None, 0))
    return tuple(pieces)


def plan_dict(article: Article, script: tuple[Piece, ...]) -> dict[str, Any]:
    """The stable JSON interface of ``audiobrief plan --json`` (see README)."""
    return {
        "title": article.title,
        "language": article.language,
        "sections": [
            {"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in article.sections
        ],
        "dropped": list(article.dropped),
        "credits": article.credits,
        "script": [{"kind": p.kind, "text": p.text} for p in script],
    }
