"""Written forms built around numbers and symbols, said the way a listener expects.

:mod:`audiobrief.speech.numbers` reads single numbers; this module reads the
forms a number rule would cut in pieces or a speech engine would spell out
symbol by symbol, before those rules run:

* dates written with slashes, in the language's own order (English is read
  month/day/year, the US order, unless the first part cannot be a month):
  "03/04/2021" -> "March fourth, twenty twenty-one"; "2021/03/04" too;
* two numbers around a slash: a small fraction ("3/4" -> "three quarters"),
  otherwise both numbers ("24/7" -> "twenty-four seven");
* software versions with a pre-release tag ("3.6.0b1" -> "three point six
  point zero beta one", "rc2" -> "release candidate two") and a "v" before a
  version ("v2.1" -> "version two point one");
* symbols inside words: "C++", "C#", "10+", "and/or", "GNU/Linux",
  "@handle", "#CamelCaseTag", stray asterisks.

English has every rule; German, Spanish and French get the versions and
symbols (their dates and fractions stay with their own number rules).
"""

from __future__ import annotations

import re

from audiobrief.speech.number_words import MONTH_RE, UNITS
from audiobrief.speech.numbers import _month_word, _ordinal, _year, say, version_words

_VERSION_WORDS = {
    "en": {"a": "alpha", "alpha": "alpha", "b": "beta", "beta": "beta", "rc": "release candidate",
           "dev": "development release", "post": "post release", "v": "version"},
    "de": {"a": "Alpha", "alpha": "Alpha", "b": "Beta", "beta": "Beta", "rc": "Release Candidate",
           "dev": "Entwicklungsversion", "post": "Post-Release", "v": "Version"},
    "es": {"a": "alfa", "alpha": "alfa", "b": "beta", "beta": "beta", "rc": "candidata", "dev": "desarrollo",
           "post": "posterior", "v": "versión"},
    "fr": {"a": "alpha", "alpha": "alpha", "b": "bêta", "beta": "bêta", "rc": "version candidate",
           "dev": "développement", "post": "post-version", "v": "version"},
}
_SYMBOL_WORDS = {
    "en": {"plus": "plus", "sharp": "sharp", "at": "at", "hashtag": "hashtag", "or": "or", "and or": "and or"},
    "de": {"plus": "plus", "sharp": "Sharp", "at": "at", "hashtag": "Hashtag", "or": "oder", "and or": "und oder"},
    "es": {"plus": "más", "sharp": "sharp", "at": "arroba", "hashtag": "hashtag", "or": "o", "and or": "y o"},
    "fr": {"plus": "plus", "sharp": "sharp", "at": "arobase", "hashtag": "hashtag", "or": "ou", "and or": "et ou"},
}
#: denominators read as fractions, with the word for one part and for several
_FRACTIONS = {2: ("half", "halves"), 4: ("quarter", "quarters")}


# --------------------------------------------------------------------------- dates and fractions
_SLASH_DATE = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/]|\.\d)")
_SLASH_YMD = re.compile(r"(?<![\w/.])(\d{4})/(\d{1,2})/(\d{1,2})(?![\w/]|\.\d)")
_SLASH_PAIR = re.compile(r"(?<![\w/.,])(\d{1,4})/(\d{1,4})(?![\w/]|[.,]\d)")


def _spoken_date(year: int, month: int, day: int, language: str) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{_month_word(month, language)} {_ordinal(day, language)}, {_year(year, language)}"


#: a day-first date after "a", "the", "its"...: read month first, as "the twenty-sixth of" cannot follow "a"
_DETERMINED_DMY = re.compile(rf"\b(a|an|the|this|that|its|his|her|their|our|last|next)\s(\d{{1,2}})(?:st|nd|rd|th)?"
                             rf"\s(?:of\s)?({MONTH_RE})(?=[\s,;:.!?)]|$)", re.I)


def _determined_dmy(m: re.Match) -> str:
    word, day, month = m.group(1), m.group(2), m.group(3)
    if word.lower() in ("a", "an"):
        word = word[0] + ("n" if month[0] in "AEIOUaeiou" else "")
    rest = m.string[m.end():]
    ends_sentence = month.endswith(".") and (not rest.strip() or re.match(r"\s+[A-Z\"']", rest))
    return f"{word} {month.rstrip('.')} {day}" + ("." if ends_sentence else "")


def _slash_date(m: re.Match, language: str) -> str:
    first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if len(m.group(3)) == 2:
        year += 2000 if year < 50 else 1900
    month, day = (second, first) if first > 12 else (first, second)  # US order unless impossible
    return _spoken_date(year, month, day, language) or m.group(0)


def _slash_ymd(m: re.Match, language: str) -> str:
    return _spoken_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), language) or m.group(0)


def _fraction(numerator: int, denominator: int, language: str) -> str:
    one, several = _FRACTIONS.get(denominator) or (_ordinal(denominator, language),) * 2
    if denominator not in _FRACTIONS and numerator != 1:
        several += "s"
    return f"{say(numerator, language)} {one if numerator == 1 else several}"


def _slash_pair(m: re.Match, language: str) -> str:
    top, bottom = int(m.group(1)), int(m.group(2))
    if 0 < top < bottom <= 10 and not m.group(2).startswith("0"):
        return _fraction(top, bottom, language)
    return f"{m.group(1)} {m.group(2)}"  # "24/7", "50/50", "9/11": both numbers, said one after the other


# --------------------------------------------------------------------------- versions
_PRE_RELEASE = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+)+)[.-]?(a|b|rc|alpha|beta|dev|post)\.?(\d+)(?![\w.]|\.\d)",
                          re.I)
_V_VERSION = re.compile(r"(?<![\w.])v(\d+(?:\.\d+)*)(?![\w]|\.\d)")


def _pre_release(m: re.Match, language: str) -> str:
    table = _VERSION_WORDS.get(language, _VERSION_WORDS["en"])
    prefix = f"{table['v']} " if m.group(0)[0] in "vV" else ""
    tag = table[m.group(2).lower()]
    return f"{prefix}{version_words(m.group(1), language)} {tag} {say(int(m.group(3)), language)}"


def _v_version(m: re.Match, language: str) -> str:
    table = _VERSION_WORDS.get(language, _VERSION_WORDS["en"])
    return f"{table['v']} {version_words(m.group(1), language)}"


# --------------------------------------------------------------------------- symbols
_PLUS_PLUS = re.compile(r"(?<![\w+])([A-Z])\+\+(?![\w+])")
_SHARP = re.compile(r"(?<![\w#])([A-Z])#(?![\w#])")
_NUMBER_PLUS = re.compile(r"(?<![\w.,])(\d[\d,.]*)\+(?![\w+])")
_AND_OR = re.compile(r"\b(?:and/or|und/oder|y/o|et/ou)\b", re.I)
_WORD_SLASH = re.compile(r"(?<![\w/:.])([^\W\d_]+)/([^\W\d_]+)(?![\w/])")
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z_]\w*)")
_HASHTAG = re.compile(r"(?<![\w#&])#([A-Za-z][A-Za-z0-9_]*)")
_ASTERISKS = re.compile(r"\*+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _word_slash(m: re.Match, language: str) -> str:
    left, right = m.group(1), m.group(2)
    if m.group(0) in UNITS or m.group(0) in ("m/s", "km/s"):
        return m.group(0)  # a unit ("km/h"): numbers.py reads it with its number
    if left.islower() and right.islower():
        return f"{left} {_SYMBOL_WORDS[language]['or']} {right}"  # "region/locale": one or the other
    return f"{left} {right}"  # a name written with a slash: "GNU/Linux", "S/MIME"


def speak_symbols(text: str, language: str = "en") -> str:
    """Symbols inside words said as words (or dropped when a listener needs nothing)."""
    w = _SYMBOL_WORDS.get(language, _SYMBOL_WORDS["en"])
    if not any(ch in text for ch in "+#/@*"):
        return text
    text = _PLUS_PLUS.sub(lambda m: f"{m.group(1)} {w['plus']} {w['plus']}", text)
    text = _SHARP.sub(lambda m: f"{m.group(1)} {w['sharp']}", text)
    text = _NUMBER_PLUS.sub(lambda m: f"{m.group(1)} {w['plus']}", text)
    text = _AND_OR.sub(w["and or"], text)
    text = _WORD_SLASH.sub(lambda m: _word_slash(m, language if language in _SYMBOL_WORDS else "en"), text)
    text = _HANDLE.sub(lambda m: f"{w['at']} {m.group(1)}", text)
    text = _HASHTAG.sub(lambda m: f"{w['hashtag']} {_CAMEL.sub(' ', m.group(1))}", text)
    return _ASTERISKS.sub("", text)


def speak_forms(text: str, language: str = "en") -> str:
    """Slash dates, fractions and versions in ``text`` as words, then symbols inside words."""
    if any(ch.isdigit() for ch in text):
        text = _PRE_RELEASE.sub(lambda m: _pre_release(m, language), text)
        text = _V_VERSION.sub(lambda m: _v_version(m, language), text)
        if language == "en":
            text = _DETERMINED_DMY.sub(_determined_dmy, text)
            text = _SLASH_YMD.sub(lambda m: _slash_ymd(m, language), text)
            text = _SLASH_DATE.sub(lambda m: _slash_date(m, language), text)
            text = _SLASH_PAIR.sub(lambda m: _slash_pair(m, language), text)
    return speak_symbols(text, language)
