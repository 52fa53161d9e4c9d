"""Article -> the spoken script: intro, headings, body, credits, outro.

Every piece's ``text`` is exactly what the engine receives; ``plan`` shows it.
"""

from __future__ import annotations

from typing import Any

from audiobrief.config import Config
from audiobrief.models import Article, Piece
from audiobrief.speech.normalize import as_sentence, clean_for_speech

HEADING_PAUSE_MS = 450


def _fill(template: str, config: Config, article: Article) -> str:
    return template.format(podcast=config.title.strip(), title=article.title.strip())


def build_script(article: Article, config: Config) -> tuple[Piece, ...]:
    pieces: list[Piece] = [
        Piece("intro", as_sentence(_fill(config.intro, config, article)), None, HEADING_PAUSE_MS)
    ]
    for index, section in enumerate(article.sections):
        if section.heading:
            pieces.append(Piece("heading", as_sentence(section.heading), index, HEADING_PAUSE_MS))
        for paragraph in section.paragraphs:
            text = clean_for_speech(paragraph)
            if text:
                pieces.append(Piece("body", text, index, config.paragraph_pause_ms))
    if article.credits:
        pieces.append(Piece("credits", as_sentence(article.credits), None, config.paragraph_pause_ms))
    pieces.append(Piece("outro", as_sentence(_fill(config.outro, config, article)), None, 0))
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
