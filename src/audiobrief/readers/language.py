"""The article's language: given by the source, or detected from its text.

Order of precedence (first wins): front matter ``language``/``lang``, the
HTML ``<html lang>`` attribute, then detection with langdetect (a port of
Google's language-detection library: small, pure Python, n-gram profiles for
55 languages).  Detection is seeded so the same text always gives the same
answer, and falls back to English for text too short to judge.

Detection reads the first ``SAMPLE_CHARS`` characters of the body (about 150
words: plenty for an n-gram detector) and is memoised by that sample in the
build's cache folder (``memo_in`` with ``memos.LanguageMemo``): loading
langdetect's 55 profiles costs 0.4-0.7 s per process, more than the rest of
reading an article, and an edit further down the article does not change what
its language is.
"""

from __future__ import annotations

import contextlib
import re
from typing import Optional

from audiobrief.engines.bounds import MAX_WORD_CHARS

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


SAMPLE_CHARS = 1000


_MEMO: list = []  # the memo a build reads its articles with (memos.LanguageMemo), if any


@contextlib.contextmanager
def memo_in(memo):
    """Inside the block, detections are looked up in ``memo`` first and added to it: anything
    with ``get(sample, default)`` and ``put(sample, default, code)``, such as ``memos.LanguageMemo``."""
    _MEMO.append(memo)
    try:
        yield memo
    finally:
        _MEMO.remove(memo)


def detect_language(text: str, default: str = DEFAULT) -> str:
    """Best guess at the language of ``text`` (ISO 639-1), ``default`` when unsure."""
    # a "word" longer than any real one says nothing of the language (and is never spoken)
    sample = " ".join(w for w in text[:SAMPLE_CHARS * 4].split() if len(w) <= MAX_WORD_CHARS)[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return default
    if not _MEMO:
        return _detect(sample, default)
    memo = _MEMO[-1]
    found = memo.get(sample, default)
    if found is None:
        found = _detect(sample, default)
        memo.put(sample, default, found)
    return found


def _detect(sample: str, default: str) -> str:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(sample)[0]
    except (LangDetectException, IndexError):
        return default
    if best.prob < 0.7:
        return default
    return normalise_code(best.lang.split("-")[0]) or default
