"""Make text safe and natural for a speech engine.

This is the one place where written text becomes spoken text. It is small on
purpose for now: typography the engine mispronounces, and whitespace.
"""

from __future__ import annotations

import re
import unicodedata

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
        "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    }
)
# dashes used as punctuation become a comma pause; a dash between numbers is "to"
_NUMBER_RANGE = re.compile(r"(?<=\d)\s*[\u2013\u2014]\s*(?=\d)")
_DASH = re.compile(r"\s*[\u2013\u2014\u2015]\s*")
_SPACE = re.compile(r"\s+")


def clean_for_speech(text: str) -> str:
    """Return text the engine pronounces well: plain quotes, no odd dashes."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHY)
    text = _NUMBER_RANGE.sub(" to ", text)
    text = _DASH.sub(", ", text)
    # control characters (other than whitespace) are never spoken
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return _SPACE.sub(" ", text).strip()


def as_sentence(text: str) -> str:
    """End a heading or title with a full stop so the engine drops its pitch."""
    text = clean_for_speech(text)
    if text and text[-1] not in ".!?:;":
        text += "."
    return text
