"""Split spoken text into sentences: one engine call, and one transcript cue, each.

A sentence ends at ``.``, ``!`` or ``?`` (optionally followed by a closing
quote or bracket) when whitespace and then a capital, digit or quote follow,
unless the word before the stop is a known abbreviation or a single letter
(initials: "J. R. Smith", "U.S.").
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co",
    "corp", "no", "fig", "approx", "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt", "mt", "ft",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
}
_END = re.compile(r"""[.!?]+["')\]]*(?=\s+["'(\[]?[A-Z0-9\u00c0-\u024f])""")


def split_sentences(text: str) -> list[str]:
    """``text`` as a list of sentences, whitespace kept inside, none empty."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if text[match.start()] == ".":
            word = re.search(r"([\w.]+)$", text[start: match.start()])
            token = word.group(1).lower() if word else ""
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(\w\.)+\w", token):
                continue
        piece = text[start: match.end()].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
