"""The article's language: given by the source, or detected from its text.

Order of precedence (first wins): front matter ``language``/``lang``, the
HTML ``<html lang>`` attribute, then detection with langdetect (a port of
Google's language-detection library: small, pure Python, n-gram profiles for
55 languages).  Detection is seeded so the same text always gives the same
answer, and falls back to English for text too short to judge.
"""

from __future__ import annotations

import re
from typing import Optional

_CODE_RE = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")
#: below this many letters a guess is no better than the default
MIN_LETTERS = 40
DEFAULT = "en"


def normalise_code(code: object) -> Optional[str]:
    """'en-US', 'de_DE', 'EN' -> 'en', 'de', 'en'; anything else -> None."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if not _CODE_RE.match(code):
        return None
    return re.split(r"[-_]", code)[0].lower()


def detect_language(text: str, default: str = DEFAULT) -> str:
    """Best guess at the language of ``text`` (ISO 639-1), ``default`` when unsure."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return default
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text[:5000])[0]
    except (LangDetectException, IndexError):
        return default
    if best.prob < 0.7:
        return default
    return normalise_code(best.lang.split("-")[0]) or default
