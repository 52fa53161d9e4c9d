"""Article -> the spoken script: intro, headings, body, credits, outro.

Every piece's ``text`` is exactly what the engine receives; ``plan`` shows it.
Its ``display`` is the same sentence in the article's own words (no lexicon
respellings, no espeak phonemes, numbers as written): transcripts, cues,
chapters and pages show that.
Each piece is one sentence: one engine call each, so the transcript's cue
timings come from where each sentence really starts in the audio.
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any, Optional

from audiobrief.config import DEFAULT_INTRO, DEFAULT_OUTRO, Config
from audiobrief.engines import MAX_RATE, MIN_RATE, bound_text, known_engines, list_voices  # light: no engine module is imported
from audiobrief.errors import InputError
from audiobrief.models import Article, Piece
from audiobrief.speech import lexicon
from audiobrief.speech.language import language_name, phrase
from audiobrief.speech.normalize import as_sentence, clean_for_speech, for_display
from audiobrief.speech.sentences import split_sentences

HEADING_PAUSE_MS = 450


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


def _share(shown: str, spoken: list[str]) -> list[str]:
    """Cut a displayed sentence into as many parts as the engine's text was cut into
    (a long sentence is split at a clause), in proportion to the spoken parts' lengths."""
    if len(spoken) == 1:
        return [shown]
    words = shown.split()
    total = sum(len(part) for part in spoken)
    parts, start, done = [], 0, 0
    for i, part in enumerate(spoken):
        done += len(part)
        end = len(words) if i == len(spoken) - 1 else max(start + 1, round(len(words) * done / total))
        parts.append(" ".join(words[start:end]))
        start = min(end, len(words))
    return parts


def _sentences(kind: str, text: str, pause_after: int, sentence_pause: int, speak, **fields) -> list[Piece]:
    """One piece per sentence of ``text`` (the article's words); ``speak`` makes the engine's text."""
    pairs: list[tuple[str, str]] = []
    language = speak.keywords["language"]
    for sentence in split_sentences(for_display(text), language) or [for_display(text)]:
        # bounded here as the engines will bound it, so the length estimate and the clip keys see
        # what is really spoken; plan_dict lists what the bound dropped
        spoken = bound_text(speak(sentence)).text
        if not spoken:
            continue
        parts = split_sentences(spoken, language) or [spoken]
        pairs += zip(_share(sentence, parts), parts)
    last = len(pairs) - 1
    return [Piece(kind, said, pause_after=pause_after if i == last else sentence_pause,
                  display="" if shown == said else shown, **fields)
            for i, (shown, said) in enumerate(pairs)]


def check_engine(article: Article) -> None:
    """An engine named by the article (front matter) must be one the registry knows."""
    engine = article.meta.get("engine")
    if engine is not None and engine not in known_engines():
        where = article.source or article.title
        raise InputError(f"{where}: front matter 'engine' must be one of {', '.join(known_engines())}")


def build_script(article: Article, config: Config) -> tuple[Piece, ...]:
    check_engine(article)
    words = lexicon.merge(config.pronunciations, article.meta.get("pronunciations"))
    say_line = partial(as_sentence, language=article.language, lexicon=words)
    gap = config.sentence_pause_ms
    where = article.source or article.title
    top = _voice_and_rate(article.meta, where, (None, None))
    voice, rate = top
    pieces: list[Piece] = _sentences("intro", _spoken(config, article, "intro"),
                                     HEADING_PAUSE_MS, gap, say_line, voice=voice, rate=rate)
    for index, section in enumerate(article.sections):
        label = f'{where}, section {index + 1} "{section.heading or article.title}"'
        voice, rate = _voice_and_rate(section.meta, label, top)
        language = section.meta.get("language") or article.language  # a briefing's story keeps its own
        heading_line = partial(as_sentence, language=language, lexicon=words)
        body = partial(clean_for_speech, language=language, lexicon=words)
        if section.heading:
            pieces += _sentences("heading", section.heading, HEADING_PAUSE_MS, gap, heading_line,
                                 section=index, voice=voice, rate=rate)
        for number, paragraph in enumerate(section.paragraphs):
            pieces += _sentences("body", paragraph, config.paragraph_pause_ms, gap, body, section=index,
                                 paragraph=number, voice=voice, rate=rate)
    voice, rate = top
    if article.credits:
        pieces += _sentences("credits", article.credits, config.paragraph_pause_ms, gap, say_line,
                             voice=voice, rate=rate)
    pieces += _sentences("outro", _spoken(config, article, "outro"), 0, gap, say_line,
                         voice=voice, rate=rate)
    return tuple(pieces)


def language_warnings(article: Article, config: Config) -> list[str]:
    """A warning when no voice of the chosen engine speaks the article's language."""
    engine = article.meta.get("engine") or config.engine
    try:
        voices = list_voices(engine)
    except Exception:  # noqa: BLE001 - an engine that cannot list its voices is reported when it speaks
        return []
    code = article.language.lower()
    spoken = {lang.lower().split("-")[0] for voice in voices for lang in voice.get("languages", ())}
    if not spoken or code.split("-")[0] in spoken:
        return []
    return [f"{article.source or article.title}: the article is in {language_name(code)} ({code}), which no "
            f"{engine} voice speaks; it will be read by the default voice and sound wrong. If that is not "
            f"the article's language, say which it is ('language' in front matter, <html lang>)"]


def plan_dict(article: Article, script: tuple[Piece, ...], warnings: list[str] = ()) -> dict[str, Any]:
    """The stable JSON interface of ``audiobrief plan --json`` (see README)."""
    return {
        "warnings": list(warnings),
        "title": article.title,
        "language": article.language,
        "sections": [
            {"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in article.sections
        ],
        "dropped": [{"text": text, "reason": reason or "not article text"}
                    for text, reason in itertools.zip_longest(article.dropped, article.reasons[:len(article.dropped)])]
                   + _unspeakable(script),
        "credits": article.credits,
        "script": [_piece_dict(p) for p in script],
    }


def _unspeakable(script: tuple[Piece, ...]) -> list[dict[str, str]]:
    """Tokens of the article that no engine is given (see ``engines.bound_text``), with the reason."""
    return [{"text": f"{d.token}..." if d.length > len(d.token) else d.token, "reason": d.reason}
            for piece in script if piece.display for d in bound_text(piece.display).dropped]


def _piece_dict(piece: Piece) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": piece.kind, "text": piece.text}
    if piece.display:
        data["display"] = piece.display
    if piece.voice is not None:
        data["voice"] = piece.voice
    if piece.rate is not None:
        data["rate"] = piece.rate
    return data
