"""One line of a copied page, judged on its own: its words, its shape, its ending.

Small pure functions over a single line (whitespace already collapsed) that
every reader builds on: is it running text or a heading, does it end like a
sentence, is it a list item, what is its comparison key.  Where a line alone
cannot tell, a :class:`LineContext` describes its neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional


@dataclass(frozen=True)
class LineContext:
    """What a line's neighbours look like (all strings whitespace-collapsed).

    ``prev``/``next`` are the nearest non-empty lines; ``blank_before`` /
    ``blank_after`` say whether a blank line separates them; ``occurrences``
    counts how often this exact line stands alone in the whole text.
    """

    prev: Optional[str] = None
    next: Optional[str] = None
    blank_before: bool = True
    blank_after: bool = True
    occurrences: int = 1


# --------------------------------------------------------------------------- basics

_INVISIBLE_RE = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")
_WORD_RE = re.compile(r"\S*\w\S*")
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})
_EDGE_JUNK = " \t\"'`:;,.!?|•·*#>»«›‹→←↑↓▶►▸◂◀+-–—_=~()[]{}…"

_CLOSERS = "\"'”’»)]}*_"
_SENTENCE_END = ".!…;:"


@lru_cache(maxsize=65536)
def collapse(line: str) -> str:
    """The line with invisible characters removed and whitespace collapsed."""
    return " ".join(_INVISIBLE_RE.sub("", line).split())


@lru_cache(maxsize=4096)
def match_key(line: str) -> str:
    """A comparison key: case-folded, straight quotes, edge punctuation trimmed."""
    return collapse(line).translate(QUOTES).casefold().strip(_EDGE_JUNK)


def words(text: str) -> list[str]:
    """The case-folded words of ``text`` (letters and digits), for comparing texts word by word."""
    return re.findall(r"\w+", text.casefold())


@lru_cache(maxsize=65536)
def word_count(line: str) -> int:
    """Words that contain a letter or digit ("—" and "|" do not count)."""
    return len(_WORD_RE.findall(line))


def says(regex: re.Pattern, text: str, most: int, least: int = 0) -> bool:
    """A short line that says one thing: ``text`` (the caller's key of the line) has from
    ``least`` to ``most`` words and ``regex`` finds its phrase in it. Every "a line of at most
    N words saying X" shape (licence, cookie, newsletter ...) is this one test."""
    return least <= word_count(text) <= most and bool(regex.search(text))


def is_long(line: str) -> bool:
    """Longer than any heading could be: more than 12 words or 100 characters."""
    return word_count(line) > 12 or len(line) > 100


def _last_char(line: str) -> str:
    stripped = line.rstrip().rstrip(_CLOSERS)
    return stripped[-1:] if stripped else ""


def ends_sentence(line: str) -> bool:
    """Ends like a sentence (. ! … ; :), closing quotes/brackets ignored.

    A question mark is *not* counted: "Where's the Party At?" is a heading.
    """
    return _last_char(line) in _SENTENCE_END and _last_char(line) != ""


def is_prose(line: str) -> bool:
    """Reads as running text: long, or a finished sentence (not a question)."""
    return is_long(line) or (ends_sentence(line) and word_count(line) >= 2)


_BULLET_RE = re.compile(r"^(?:[•◦▪▫‣∙·●○■□➢➤►▶✓✔\-–—*+]|\(?[a-z]\)|\d{1,2}[.)])\s+", re.I)
_GLYPH_BULLET_RE = re.compile(r"^[•◦▪▫‣∙·●○■□➢➤►▶✓✔\-–—*+]\s+")


_EDIT_LINK_RE = re.compile(r"\s*\[\s*(?:edit|edit source|change|modifier|bearbeiten)\s*\]", re.I)
_CITATION_RE = re.compile(
    r"(?<=[\w.,;:!?)’'\"”\]])\[(?:\d{1,3}|[a-z]|note \d{1,3}|nb \d{1,3}|citation needed|clarification needed|"
    r"update|dubious[^\]]{0,30}|when\?|who\?|which\?|according to whom\?|by whom\?|verification needed|"
    r"page needed|full citation needed|better source needed|failed verification|original research\??)\]",
    re.I,
)


def strip_reference_marks(line: str) -> str:
    """Remove wiki "[edit]" links and citation marks ("[12]", "[citation needed]") from a line."""
    return collapse(_CITATION_RE.sub("", _EDIT_LINK_RE.sub("", line)))


def is_bullet(line: str, numbers: bool = True) -> bool:
    """Starts with a list marker: "• ", "- ", "* " (and, unless ``numbers`` is false, "1. ", "a) ")."""
    return bool((_BULLET_RE if numbers else _GLYPH_BULLET_RE).match(line))


def strip_bullet(line: str) -> str:
    """Remove a bullet glyph (never a number: "1." is spoken)."""
    return _GLYPH_BULLET_RE.sub("", line, count=1)


def _starts_like_heading(line: str) -> bool:
    text = line.lstrip("\"'“‘«(¿¡[")
    if not text:
        return False
    first = text[0]
    if first.isdigit() or first.isupper():
        return True
    word = text.split()[0]
    return any(ch.isupper() for ch in word[1:])  # iPhone, eBay


def is_headingish(line: str) -> bool:
    """Short, capitalised, and not a finished sentence (a '?' is allowed)."""
    if not line or is_long(line) or ends_sentence(line) or is_bullet(line, numbers=False):
        return False
    if _last_char(line) in ",-–—/&" or word_count(line) == 0:
        return False
    return _starts_like_heading(line)


_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of off on onto or over per so the to up via vs vs. with "
    "is are be de da del der di du la le van von".split()
)


def is_title_case(line: str) -> bool:
    """Most significant words capitalised ("Real People, Real Problems")."""
    words = [w.strip("\"'“”‘’()[],:;!?.") for w in line.split()]
    significant = [w for w in words if w and w.casefold() not in _SMALL_WORDS and w[0].isalpha()]
    if not significant:
        return False
    capped = sum(1 for w in significant if w[0].isupper())
    return capped / len(significant) >= 0.8
