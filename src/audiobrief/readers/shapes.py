"""Shapes of lines that are never article text, in every supported language.

Dates and datelines are recognised with the month and weekday names of the
CLDR data that Babel ships, kept in ``data/cldr.json`` by
``scripts/make_reader_data.py`` (so "20 janvier 2020", "3. März 2024", "12 de
septiembre de 2023" and "May 27, 2016" all count), and with numeric dates
("02.01.2016", "2016-05-27").  E-mail addresses, @handles and postal
addresses are recognised by their form.  The few words that no shape can
replace (a picture credit's opening word, a "published"/"updated" stamp, menu
and link-list words) are read from ``data/furniture.toml``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from audiobrief.config import toml

#: languages whose dates, stamps and credits are recognised
LANGUAGES = ("en", "de", "fr", "es")
#: the readers' data files, installed beside this module
DATA = Path(__file__).parent / "data"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE_RE = re.compile(r"(?:^|\s)@\w{2,}")
#: a postcode and its town ("75005 Paris", "24103 Kiel"), a UK postcode, a US state and ZIP code
_POSTCODE_RE = re.compile(r"\b\d{4,5}\s+[^\W\d_][\w-]+|\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b|\b[A-Z]{2} \d{5}(?:-\d{4})?\b")
#: a house number beside its street ("12 rue des Écoles", "Calle Mayor 12,", "Hauptstraße 5 ·")
_STREET_RE = re.compile(r"(?:^|[,·|]\s*)\d+[a-z]?\s+[^\W\d_]|[^\W\d_]\s\d+[a-z]?\s*(?:[,·|]|$)")
_NUMERIC_DATE_RE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")
_TIME_RE = re.compile(r"\b\d{1,2}[:.h]\d{2}\b")


@lru_cache(maxsize=1)
def furniture() -> dict:
    return toml().loads((DATA / "furniture.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def cldr() -> dict:
    """CLDR's facts the readers use: jusText's list name per language code, month and weekday names."""
    return json.loads((DATA / "cldr.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def words_for(kind: str) -> tuple[str, ...]:
    """One kind of furniture word ("picture", "stamp") in every supported language, longest first."""
    table = furniture()[kind]
    return tuple(sorted({w for lang in LANGUAGES for w in table.get(lang, [])}, key=len, reverse=True))


@lru_cache(maxsize=8)
def word_set(kind: str) -> frozenset[str]:
    """One kind of furniture words ("chrome", "link_block", ...) of every supported language, as a set."""
    return frozenset(w.casefold() for w in words_for(kind))


@lru_cache(maxsize=1)
def _calendar_words() -> tuple[str, str]:
    """Month and weekday names (wide and abbreviated) of the supported languages, as regex alternations."""
    alt = lambda names: "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if len(n) >= 3)  # noqa: E731
    return alt(cldr()["months"]), alt(cldr()["days"])


@lru_cache(maxsize=1)
def _date_re() -> re.Pattern:
    months, _ = _calendar_words()
    day = r"\d{1,2}(?:st|nd|rd|th|er|º|\.)?"
    return re.compile(
        rf"(?:\b{day}\s*(?:de\s+)?(?:{months})\.?,?\s*(?:de\s+|del\s+)?\d{{4}}"   # 20 janvier 2020, 12 de mayo de 2023
        rf"|\b(?:{months})\.?\s+{day},?\s+\d{{4}})",                               # May 27, 2016
        re.I)


def has_date(line: str) -> bool:
    """A full calendar date anywhere in the line, in any supported language or as numbers."""
    return bool(_NUMERIC_DATE_RE.search(line) or _date_re().search(line))


def is_meta_line(line: str) -> bool:
    """A short line that is not a sentence and carries a date: a dateline, or a byline with
    the date and tags glued on ("Jane Roe Politics 20 janvier 2020 0 Comment")."""
    words = line.split()
    if not words or len(words) > 20 or line.rstrip().endswith((".", "!", "?", ";")):
        return False
    return has_date(line)


@lru_cache(maxsize=8)
def _opening(kind: str) -> re.Pattern:
    """A line that opens with one of the ``kind`` words (longest first)."""
    return re.compile(r"^(?:" + "|".join(re.escape(w) for w in words_for(kind)) + r")(?!\w)")


def is_stamp(line: str) -> bool:
    """"Veröffentlicht: 06:17", "Mis à jour le 3 mai", "Published 2 hours ago": a stamp word, then a date or time."""
    key = line.casefold().strip()
    m = _opening("stamp").match(key)
    if not m or len(key.split()) > 14:
        return False
    rest = key[m.end():].lstrip(" :,-–—")
    return bool(rest) and (has_date(rest) or bool(_TIME_RE.search(rest)) or rest[:1].isdigit())


def is_contact(line: str) -> bool:
    """An e-mail address, a handle or a postal address line (footer contact details)."""
    words = line.split()
    if not words or len(words) > 12 or line.rstrip().endswith((".", "!", "?")) and len(words) > 4:
        return False
    if _EMAIL_RE.search(line) or _HANDLE_RE.search(line) and len(words) <= 4:
        return True
    return bool(_POSTCODE_RE.search(line) and _STREET_RE.search(line))


def is_picture_credit(line: str) -> bool:
    """A credit line that opens with a picture word in any supported language ("Bild: ...", "Image illustrative : ...")."""
    key = line.casefold().lstrip()
    m = _opening("picture").match(key)
    return bool(m and re.match(r"^(?:\s+\S+)?\s*[:©|]", key[m.end():]))


@lru_cache(maxsize=1)
def _trailing_picture_credit() -> re.Pattern:
    return re.compile(r"[.!?”\"»]\s+(?P<word>(?i:" + "|".join(re.escape(w) for w in words_for("picture"))
                      + r"))\s*:\s*[^.!?]{2,80}$")


def ends_with_picture_credit(line: str) -> bool:
    """A caption that ends with its credit in any supported language: "... del barrio. Foto: El Eco",
    "... im Dorf. Bild: Kreisbote" (the picture word capitalised, after a sentence)."""
    m = _trailing_picture_credit().search(line)
    return bool(m and m.group("word")[:1].isupper())


@lru_cache(maxsize=1)
def _call_to_action() -> re.Pattern:
    return re.compile("|".join(r"(?<!\w)" + re.escape(w) for w in words_for("call_to_action")))


def is_call_to_action(line: str) -> bool:
    """"Tell us in the comments", "Folgen Sie uns", "Suivez-nous", "Suscríbete": the site asking
    its reader to act (only meaningful at the end of an article, where such lines stand)."""
    return len(line.split()) <= 40 and bool(_call_to_action().search(line.casefold()))
