"""The plain-text reader's headline: which line above the article is its title.

Among the lines just above the article's core (:mod:`audiobrief.readers.zones`),
the one that reads most like a headline: followed by prose and/or by a byline
or date, the first line of three words or more, capitalised like a title, a
phrase of the language (stop words), not repeated, not shaped like a caption,
not a one-word kicker.  Everything above it is page furniture.
"""

from __future__ import annotations

import re
from typing import Optional

from audiobrief.readers import noise, zones
from audiobrief.readers.lines import (
    _starts_like_heading, collapse, ends_sentence, is_bullet, is_long, is_title_case, word_count,
)

#: how many lines above the article's first paragraph its headline may be
TITLE_REACH = 10
#: noise reasons that still allow a line to be chosen as the title
SOFT_REASONS = {"byline (name)"}
#: reasons that mark a line as "meta" right under a headline
META_REASONS = {"byline", "byline (name)", "dateline"}


class HeadlinePass:
    """The title pass of :class:`audiobrief.readers.text._Reader`."""

    def _title_zone(self) -> tuple[int, int]:
        """The lines a headline may be among: just above the article's core (or the first sentence)."""
        if self.core is not None:  # a cookie notice or a tagline above it is skipped, not a boundary
            return max(0, self.core.start - TITLE_REACH), self.core.start
        for i in range(self.n):
            line = self.lines[i]
            if line.role != "noise" and (ends_sentence(line.text) or is_long(line.text) and not titleish(line.text)):
                return 0, i
        return 0, self.n

    def _find_title(self) -> None:
        lines = self.lines
        lo, candidates_zone_end = self._title_zone()
        best: Optional[tuple[int, int]] = None  # (score, index)
        first = True
        for i in range(lo, candidates_zone_end):
            line = lines[i]
            if line.role == "noise" and line.why not in SOFT_REASONS:
                continue
            if not titleish(line.text):
                continue
            # menus are one or two words: the first longer line is where a page's own text starts
            is_first = first and word_count(line.text) >= 3 and not line.text.isupper()
            score = self._title_score(i, is_first)
            first = first and not is_first
            if best is None or score > best[0]:
                best = (score, i)
        if best is None or best[0] < 3:
            return
        t = best[1]
        self.title_index = t
        lines[t].role, lines[t].why = "title", ""
        for i in range(t):
            if lines[i].role != "noise":
                self.drop(i, "above the title")
        key = line_key(lines[t].text)
        for i in range(t + 1, self.n):
            if lines[i].role != "noise" and line_key(lines[i].text) == key:
                self.drop(i, "title repeated")

    def _title_score(self, i: int, first: bool) -> int:
        lines = self.lines
        text = lines[i].text
        score = 0
        meta = False
        nxt = None
        chrome_after = i + 1 < self.n and lines[i + 1].why == "chrome"
        for j in range(i + 1, self.n):
            if lines[j].role == "noise":
                if lines[j].why in META_REASONS:
                    meta = True
                continue
            nxt = j
            break
        # a byline or date a line or two further down, after a standfirst
        meta_near = not meta and any(lines[j].why in META_REASONS for j in range(i + 2, min(self.n, i + 4)))
        if nxt is not None and body_prose(lines[nxt].text):
            score += 3
        if meta:
            score += 3
        elif meta_near:
            score += 2
        elif chrome_after:
            score += 1  # share buttons, "From Wikipedia, ..." under a headline
        if is_title_case(text):
            score += 1
        stops = zones.stopwords(self.language)
        if zones.density(text, stops) >= 0.15:
            score += 1  # a headline is a phrase of the language; a menu label ("Toggle search") is not
        if self.core is not None and self._announces_the_lead(text, stops):
            score += 3  # the lead paragraph repeats the headline's words; a caption's rarely
        if first:
            score += 2
        words = word_count(text)
        if 3 <= words <= 20:
            score += 1
        if words <= 2:
            score -= 1
        if words > 12:
            score -= 2  # a long line without a full stop is more often a standfirst
        if text.isupper() and words <= 4:
            score -= 1
        if self.counts.get(line_key(text), 1) > 1:
            score -= 2
        if noise.looks_like_caption(text):
            score -= 2
        if self._credit_follows(i) and not is_title_case(text):
            score -= 2
        if lines[i].why in SOFT_REASONS:
            score -= 1
        return score

    def _announces_the_lead(self, text: str, stops: frozenset[str]) -> bool:
        words = zones.content_words(text, stops)
        lead = " ".join(self.lines[i].text for i in range(self.core.start, min(self.n, self.core.start + 2)))
        return len(words) >= 2 and len(words & zones.content_words(lead, stops)) >= len(words) / 3

    def title_text(self) -> Optional[str]:
        return None if self.title_index is None else self.lines[self.title_index].text

    def _credit_follows(self, i: int) -> bool:
        j = i + 1
        return j < self.n and not self.lines[j].gap_before and self.lines[j].why == "photo credit"


def line_key(text: str) -> str:
    """A comparison key: collapsed and case-folded."""
    return collapse(text).casefold()


def titleish(text: str) -> bool:
    """Could be a headline: at most 25 words, no closing full stop, starts capitalised."""
    if not text or word_count(text) > 25 or len(text) > 200 or is_bullet(text):
        return False
    if ends_sentence(text) and not re.search(r"\b(?:[A-Z]\.){2,}$", text) \
            and not (text.endswith("!") and word_count(text) <= 12):  # "Python 3.6 is out!"
        return False
    return _starts_like_heading(text)


def body_prose(text: str) -> bool:
    """Running text a headline or heading introduces (a long title-like line is not)."""
    if ends_sentence(text) and word_count(text) >= 2:
        return True
    if not is_long(text):
        return False
    # a long line without a full stop: a paragraph, unless it is capitalised like a title
    return not (titleish(text) and is_title_case(text))
