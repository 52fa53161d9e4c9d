"""How long an episode may be, and how long it will be, known from its script before anything is spoken.

The limit: ``[episode] max_minutes`` in audiobrief.toml, or
``config.DEFAULT_MAX_MINUTES`` (three hours) when it is 0; a profile with a limit of its own
(``alexa``: ten minutes, Amazon's) never allows more than that.

The estimate: each sentence's letters at its speaking rate, plus every pause
the mix puts in (after sentences and paragraphs, and between sections with
their transition). ``make`` refuses an article whose estimate is over the
limit before a clip is spoken; the exact length is checked again once the
audio is laid out (``planning.check_length``). docs/limits.md gives the
measurements behind :data:`SECONDS_PER_LETTER_AT_175` and :data:`CLIP_SECONDS`.
"""

from __future__ import annotations

from typing import Sequence

from audiobrief.config import DEFAULT_MAX_MINUTES, MOST_MINUTES, Config
from audiobrief.errors import InputError
from audiobrief.models import Article, Piece
from audiobrief.profiles import Profile, get_profile

#: espeak's seconds per letter or digit at 175 words per minute (letters follow the
#: syllables more closely than words do: German's long words, numbers said in full)
SECONDS_PER_LETTER_AT_175 = 0.064
#: what every clip (one sentence) adds besides its letters: its start and its fall
CLIP_SECONDS = 0.107
#: the built-in transition ("sting"): two notes, 160 + 220 ms
STING_SECONDS = 0.38


def limit_minutes(profile: Profile, config: Config) -> tuple[float, str]:
    """The longest episode allowed, in minutes, and what sets it (for the message)."""
    configured = config.max_minutes or DEFAULT_MAX_MINUTES
    if profile.max_minutes is not None and profile.max_minutes <= configured:
        return profile.max_minutes, f"the {profile.name} profile's"
    if config.max_minutes:
        return configured, "max_minutes in audiobrief.toml"
    return configured, "the default"


def how_to_change(profile: Profile, config: Config) -> str:
    """The fix a refusal names: shorten, or raise the limit where it can be raised."""
    minutes, _ = limit_minutes(profile, config)
    if profile.max_minutes is not None and minutes == profile.max_minutes:
        return "shorten or split the article, or choose another profile (--profile podcast)"
    return (f"shorten or split the article, or raise max_minutes (up to {MOST_MINUTES}) "
            "under [episode] in audiobrief.toml")


def estimate_seconds(script: Sequence[Piece], config: Config) -> float:
    """The episode's length in seconds from its script: letters at their rate, and every pause."""
    seconds = 0.0
    sections = set()
    for piece in script:
        rate = piece.rate or config.rate
        letters = sum(1 for ch in piece.text if ch.isalnum())
        seconds += letters * SECONDS_PER_LETTER_AT_175 * 175 / rate + CLIP_SECONDS
        seconds += piece.pause_after / 1000
        if piece.section is not None:
            sections.add(piece.section)
    transition = 0.0 if config.transition in ("none", "crossfade") else STING_SECONDS
    gap = (config.section_pause_ms + config.section_pause_after_ms) / 1000
    return seconds + len(sections) * (gap + transition)


def describe(script: Sequence[Piece], config: Config) -> str:
    """The estimate and the limit in words, for ``plan``."""
    seconds = estimate_seconds(script, config)
    minutes, why = limit_minutes(get_profile(config.profile), config)
    verdict = "" if seconds <= minutes * 60 else "; over it, so `make` would refuse it"
    return f"about {_minutes(seconds)} (the limit: {minutes:g} minutes, {why}{verdict})"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:,.1f} minutes" if seconds < 5400 else f"{seconds / 3600:,.1f} hours"


def refuse_if_too_long(seconds: float, article: Article, profile: Profile, config: Config, *,
                       estimated: bool) -> None:
    """Raise an InputError naming the length, the limit and the fix when ``seconds`` is over the limit."""
    minutes, why = limit_minutes(profile, config)
    if seconds <= minutes * 60:
        return
    said = f"would be about {_minutes(seconds)} long (estimated from its script, before speaking)" if estimated \
        else f"would be {_minutes(seconds)} long"
    raise InputError(f"{article.source or article.title}: the episode {said}, over the {minutes:g}-minute limit "
                     f"({why}); {how_to_change(profile, config)}")
