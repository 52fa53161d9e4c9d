"""Article -> the spoken script: intro, headings, body, credits, outro.

Every piece's ``text`` is exactly what the engine receives; ``plan`` shows it.
Each piece is one sentence: one engine call each, so the transcript's cue
timings come from where each sentence really starts in the audio.
"""

from __future__ import annotations

from typing import Any, Optional

from functools import partial

from audiobrief.config import DEFAULT_INTRO, DEFAULT_OUTRO, Config
from audiobrief.errors import InputError
from audiobrief.models import Article, Piece
from audiobrief.speech import lexicon
from audiobrief.speech.language import phrase
from audiobrief.speech.normalize import as_sentence, clean_for_speech
from audiobrief.speech.sentences import split_sentences

HEADING_PAUSE_MS = 450
from audiobrief.engines import MAX_RATE, MIN_RATE  # light: no engine module is imported


def _fill(template: str, config: Config, article: Article) -> str:
    return template.format(podcast=config.title.strip(), title=article.title.strip())


def _template(config: Config, article: Article, which: str) -> str:
    """The configured intro/outro, or the article language's own when the config keeps the default."""
    configured = getattr(config, which)
    default = DEFAULT_INTRO if which == "intro" else DEFAULT_OUTRO
    return phrase(article.language, which) if configured == default else configured


def _spoken(config: Config, article: Article, which: str) -> str:
    """The intro or outro text; a briefing (audiobrief.briefing) writes its own in ``article.meta``."""
    return article.meta.get(which) or _fill(_template(config, article, which), config, article)


def _voice_and_rate(meta: dict, where: str, inherited: tuple) -> tuple[Optional[str], Optional[int]]:
    """``voice``/``rate`` from an article's or section's metadata, checked."""
    voice, rate = inherited
    if meta.get("voice") not in (None, ""):
        voice = str(meta["voice"]).strip()
    if meta.get("rate") not in (None, ""):
        value = meta["rate"]
        try:
            rate = int(str(value).strip())
        except ValueError:
            raise InputError(f"{where}: rate {value!r} is not a number; give words per minute, "
                             f"{MIN_RATE}-{MAX_RATE}") from None
        if not MIN_RATE <= rate <= MAX_RATE:
            raise InputError(f"{where}: rate {rate} is outside what the engine honours; give words per minute, "
                             f"{MIN_RATE}-{MAX_RATE}")
    return voice, rate


def _sentences(kind: str, text: str, pause_after: int, sentence_pause: int, **fields) -> list[Piece]:
    parts = split_sentences(text) or [text]
    return [Piece(kind, part, pause_after=pause_after if i == len(parts) - 1 else sentence_pause, **fields)
            for i, part in enumerate(parts)]


def build_script(article: Article, config: Config) -> tuple[Piece, ...]:
    words = lexicon.merge(config.pronunciations, article.meta.get("pronunciations"))
    as_sentence_ = partial(as_sentence, language=article.language, lexicon=words)
    gap = config.sentence_pause_ms
    where = article.source or article.title
    top = _voice_and_rate(article.meta, where, (None, None))
    voice, rate = top
    pieces: list[Piece] = _sentences("intro", as_sentence_(_spoken(config, article, "intro")),
                                     HEADING_PAUSE_MS, gap, voice=voice, rate=rate)
    for index, section in enumerate(article.sections):
        label = f'{where}, section {index + 1} "{section.heading or article.title}"'
        voice, rate = _voice_and_rate(section.meta, label, top)
        language = section.meta.get("language") or article.language  # a briefing's story keeps its own
        if section.heading:
            pieces += _sentences("heading", as_sentence(section.heading, language=language, lexicon=words),
                                 HEADING_PAUSE_MS, gap, section=index, voice=voice, rate=rate)
        for number, paragraph in enumerate(section.paragraphs):
            text = clean_for_speech(paragraph, language=language, lexicon=words)
            if text:
                pieces += _sentences("body", text, config.paragraph_pause_ms, gap, section=index,
                                     paragraph=number, voice=voice, rate=rate)
    voice, rate = top
    if article.credits:
        pieces += _sentences("credits", as_sentence_(article.credits), config.paragraph_pause_ms, gap,
                             voice=voice, rate=rate)
    pieces += _sentences("outro", as_sentence_(_spoken(config, article, "outro")), 0, gap,
                         voice=voice, rate=rate)
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
        "script": [_piece_dict(p) for p in script],
    }


def _piece_dict(piece: Piece) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": piece.kind, "text": piece.text}
    if piece.voice is not None:
        data["voice"] = piece.voice
    if piece.rate is not None:
        data["rate"] = piece.rate
    return data
