"""The bound on what reaches a speech engine: every engine call goes through it.

Two limits, chosen from measurement (docs/engines.md, "Limits"):

* **A token longer than any real word** is split at its hyphens, slashes,
  underscores or dots, and a piece still longer than ``MAX_WORD_CHARS`` is
  dropped.  espeak-ng crashed the whole process (SIGSEGV) on one word of
  20,000 letters and spoke 15,000; the longest words in real dictionaries
  (English 45 letters, German compounds about 80) fit in ``MAX_WORD_CHARS``.
* **A clause longer than ``MAX_CLAUSE_WORDS``** (words with no , ; : . ! ? between
  them) gets a comma every ``MAX_CLAUSE_WORDS`` words.  hibari feeds its
  model one clause-bounded chunk of at most 400 phonemes (about 70 words);
  a longer run without punctuation went to the model whole.

``bound_text`` is the rule; the script/plan layer may call it too, to record
what was dropped and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: characters in one spoken token (after splitting at - / _ .)
MAX_WORD_CHARS = 80
#: words in one clause before a comma is put in
MAX_CLAUSE_WORDS = 60

_SEPARATORS = re.compile(r"(?<=[-/_.])")
_CLAUSE_END = re.compile(r"[,;:.!?\u2014\u2026]$")


@dataclass(frozen=True)
class Dropped:
    """A token left out of the speech, with the reason."""

    token: str  #: its first 40 characters
    length: int  #: its length in characters
    reason: str


@dataclass(frozen=True)
class Bounded:
    text: str
    dropped: tuple[Dropped, ...] = ()


def _split_long(token: str, dropped: list[Dropped]) -> list[str]:
    kept = []
    for piece in _SEPARATORS.split(token):
        if len(piece) <= MAX_WORD_CHARS:
            if piece:
                kept.append(piece)
            continue
        dropped.append(Dropped(piece[:40], len(piece),
                               f"a {len(piece):,}-character word is longer than any real word "
                               f"(limit {MAX_WORD_CHARS}); it is not spoken"))
    return kept


def bound_text(text: str) -> Bounded:
    """``text`` with every token and clause within the limits, and what was dropped."""
    tokens = text.split()
    if all(len(t) <= MAX_WORD_CHARS for t in tokens) and len(tokens) <= MAX_CLAUSE_WORDS:
        return Bounded(text)
    dropped: list[Dropped] = []
    words: list[str] = []
    for token in tokens:
        words.extend([token] if len(token) <= MAX_WORD_CHARS else _split_long(token, dropped))
    run = 0
    for i, word in enumerate(words):
        run += 1
        if _CLAUSE_END.search(word):
            run = 0
        elif run >= MAX_CLAUSE_WORDS and i + 1 < len(words):
            words[i] = word + ","
            run = 0
    return Bounded(" ".join(words), tuple(dropped))
