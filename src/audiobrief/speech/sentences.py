"""Split spoken text into sentences: one engine call, and one transcript cue, each.

A sentence ends at ``.``, ``!`` or ``?`` (optionally followed by a closing
quote or bracket) when whitespace and then a capital, digit or quote follow,
unless the word before the stop is a known abbreviation or a single letter
(initials: "J. R. Smith", "U.S.").
"""

from __future__ import annotations

import re
from functools import lru_cache

from audiobrief.speech.normalize import ABBREVIATIONS

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co",
    "corp", "no", "fig", "approx", "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt", "mt", "ft",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
}
_END = re.compile(r"""[.!?]+["')\]]*(?=\s+["'(\[]?[A-Z0-9\u00c0-\u024f])""")


#: languages that write ordinals as a number and a full stop ("am 3. Oktober", "der 2. Platz")
_ORDINAL_DOT = frozenset({"de", "da", "no", "fi", "cs", "sk", "pl", "hu", "sl", "hr", "et", "lv", "lt", "is"})


@lru_cache(maxsize=16)
def _abbreviations(language: str) -> frozenset[str]:
    own = {k.lower().rstrip(".") for k in ABBREVIATIONS.get(language, {}) if k.endswith(".")}
    return frozenset(_ABBREVIATIONS | own)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """``text`` as a list of sentences, whitespace kept inside, none empty.

    ``language`` adds its abbreviations ("Mio.", "z.B.") and, where ordinals are
    written with a full stop, keeps "am 3. Oktober" in one sentence."""
    sentences: list[str] = []
    start = 0
    known = _abbreviations(language)
    for match in _END.finditer(text):
        if text[match.start()] == ".":
            word = re.search(r"([\w.]+)$", text[start: match.start()])
            token = word.group(1).lower() if word else ""
            if token in known or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(\w\.)+\w", token):
                continue
            if language in _ORDINAL_DOT and re.fullmatch(r"\d{1,2}", token):
                continue
        piece = text[start: match.end()].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
