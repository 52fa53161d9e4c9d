"""The plain-text reader's end of the article: end matter, footer, credits.

A closing "References"/"Comments"/"Sources" block in the second half ends the
article; walking back from the last line, menus, tag lists and footer lines
are dropped, and a sources, credits or licence line or a closing author bio
becomes ``credits``.
"""

from __future__ import annotations

import itertools
from typing import Optional

from audiobrief.readers import noise, shapes, zones
from audiobrief.readers.lines import ends_sentence, is_long, is_prose, word_count

#: headings after which the rest of the page is end matter, not article (in its second half)
END_MATTER = noise.END_MATTER_HEADINGS
#: link boxes that also appear in the middle of an article: end matter only if no paragraph follows
END_BOXES = shapes.word_set("end_boxes")
#: a label whose few short lines below it are the credits ("Sources", "Quellen")
CREDIT_HEADERS = shapes.word_set("credit_headers")


class EndPass:
    """The end-of-article pass of :class:`audiobrief.readers.text._Reader`."""

    def _body_start(self) -> int:
        return 0 if self.title_index is None else self.title_index + 1

    def _end_matter(self) -> None:
        """From a closing "References"/"Comments"/"Sources" header on, nothing is article."""
        start = self._body_start()
        seen_prose = False
        for i in range(start, self.n):
            line = self.lines[i]
            if self.live(i) and is_prose(line.text):
                seen_prose = True
                continue
            if not seen_prose or line.role == "drop":
                continue
            key = noise.match_key(line.text)
            if key not in END_MATTER and key not in END_BOXES or not (line.gap_before or line.role == "noise"):
                continue
            if not self._in_second_half(i):
                continue
            if key in END_BOXES and any(self.live(j) and is_long(self.lines[j].text)
                                         and ends_sentence(self.lines[j].text) for j in range(i + 1, self.n)):
                continue
            if key in CREDIT_HEADERS:
                if self._credit_block(i, [j for j in range(i + 1, self.n) if self.live(j)]):
                    self.end = i
                    for j in range(i + 1, self.n):  # what follows the credits is no longer the article
                        if self.live(j):
                            self.drop(j, "end matter")
                    return
                continue
            for j in range(i, self.n):
                if self.live(j) and noise.is_credits_line(self.lines[j].text, self._author_hint()):
                    self._add_credits(j)
                elif self.live(j) or self.lines[j].role == "noise":
                    self.drop(j, "end matter")
            self.end = i
            return

    def _credit_block(self, i: int, followers: list[int]) -> bool:
        """A "Sources"/"Credits" label and its few short items become the credits line."""
        stops = zones.stopwords(self.language)
        followers = list(itertools.takewhile(lambda j: not zones.is_dense(self.lines[j].text, stops), followers))
        items = [self.lines[j].text for j in followers]
        if not items or len(items) > 6 or any(is_long(x) and not noise.is_credits_line(x) for x in items):
            return False
        label = self.lines[i].text.rstrip(": ")
        self.credits = f"{label}: " + "; ".join(x.rstrip(",;") for x in items)
        for j in (i, *followers):
            self.lines[j].role, self.lines[j].why = "credits", ""
        return True

    def _in_second_half(self, i: int) -> bool:
        sizes = [len(line.text) for line in self.lines]
        start = self._body_start()
        return sum(sizes[start:i]) >= sum(sizes[i:])

    def _add_credits(self, j: int) -> None:
        self.lines[j].role, self.lines[j].why = "credits", ""

    def _tail(self) -> None:
        """Walk back from the end: footer furniture is dropped, credits are kept aside."""
        start = self._body_start()
        credits: list[int] = []
        j = self.end - 1
        while j >= start:
            line = self.lines[j]
            if line.role in ("noise", "drop"):
                j -= 1
                continue
            if noise.is_credits_line(line.text, self._author_hint()) and not self._is_list_item_after_colon(j):
                credits.append(j)
                j -= 1
                continue
            if content(line.text) and not self._inside_furniture(j):
                break
            j -= 1
        last_content = j
        # a closing list introduced by a colon is article text, up to the first furniture line
        if last_content >= start and self.lines[last_content].text.rstrip().endswith(":"):
            k = last_content + 1
            while k < self.end and self.lines[k].role not in ("noise", "drop") and k not in credits:
                k += 1
            last_content = k - 1
        for k in range(last_content + 1, self.end):
            if k in credits:
                continue
            if self.live(k):
                self.drop(k, "after the article (footer)")
        self.end = last_content + 1
        for k in credits:
            self._add_credits(k)
        if self.credits is None:
            kept = [line.text for line in self.lines if line.role == "credits"]
            self.credits = " ".join(kept) if kept else None

    def _inside_furniture(self, j: int) -> bool:
        """A very short sentence printed right under a footer line ("Follow" / "Writer of small things.")."""
        text = self.lines[j].text
        if word_count(text) > 6 or self.lines[j].gap_before or j == 0:
            return False
        return self.lines[j - 1].role == "noise" and self.lines[j - 1].why in ("chrome", "link list")

    def _is_list_item_after_colon(self, j: int) -> bool:
        for k in range(j - 1, -1, -1):
            if self.live(k):
                return self.lines[k].text.endswith(":")
        return False

    def _author_hint(self) -> Optional[str]:
        if not hasattr(self, "_author_cache"):
            self._author_cache: Optional[str] = None
            for line in self.lines:
                if line.role == "noise" and line.why.startswith("byline"):
                    self._author_cache = noise.byline_name(line.text) or line.text
                    break
        return self._author_cache


def content(text: str) -> bool:
    """Text that belongs to the article when met at its end (not a menu or tag line)."""
    return is_prose(text) or text.endswith("?") and word_count(text) >= 3
