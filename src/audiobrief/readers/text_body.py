"""The plain-text reader's body: headings, paragraphs, lists and captions.

A short capitalised line without closing punctuation that is followed by
prose is a heading ("Finanzdienstleistungen:" too, a label heading).  Two
such lines in a row: the weaker one (longer, sentence case, caption-shaped)
is a picture's caption.  Short lines printed together, or after a line
ending in a colon, are list items (spoken as paragraphs).  Short lines
between the headline and the first paragraph are a byline, standfirst or
lead caption.  A sentence-case line among Title Case headings, or one that
repeats the words of the paragraph above it, is a caption.
"""

from __future__ import annotations

import re
from typing import Optional

from audiobrief.readers import noise, shapes, zones
from audiobrief.readers.lines import (
    is_bullet, is_headingish, is_long, is_prose, is_title_case, word_count,
)
from audiobrief.readers.text_title import body_prose, line_key

#: headings an article may open with before any paragraph
OPENING_HEADINGS = shapes.word_set("opening_headings")


class BodyPass:
    """The body pass of :class:`audiobrief.readers.text._Reader`."""

    def _body(self) -> None:
        start = self._body_start()
        live = [i for i in range(start, self.end) if self.live(i)]
        # mid-body "Source: ..." notes (under a chart or a quote) are not read
        for i in list(live):
            if noise.is_sources_line(self.lines[i].text) and not is_long(self.lines[i].text):
                self.drop(i, "source note")
        live = [i for i in live if self.live(i)]
        # short lines after a line ending with a colon are the items of a list
        for pos, i in enumerate(live):
            if not self.lines[i].text.endswith(":"):
                continue
            for j in live[pos + 1:]:
                text = self.lines[j].text
                if is_long(text) or (is_prose(text) and not is_bullet(text) and word_count(text) > 8):
                    break
                self._set(j, "para", "list item")
        runs = self._runs([i for i in live if self.lines[i].why != "list item"])
        # decide runs from last to first so a line can see whether the next one is a heading
        for run_index in range(len(runs) - 1, -1, -1):
            run = runs[run_index]
            after = runs[run_index + 1][0] if run_index + 1 < len(runs) else None
            before = runs[run_index - 1][-1] if run_index > 0 else None
            before2 = runs[run_index - 2][-1] if run_index > 1 else None
            self._decide_run(run, before, after, before2)
        self._heading_style()
        self._under_the_title(live)
        for i in live:
            line = self.lines[i]
            if line.role == "para" and is_bullet(line.text):
                line.text = noise.strip_bullet(line.text)

    def _under_the_title(self, live: list[int]) -> None:
        """Short lines between the headline and the first paragraph are a byline, a
        kicker, a short standfirst or the lead picture's caption, not article text.

        Articles open with a paragraph; only the usual opening headings
        ("Introduction", a question, a numbered heading) are kept.
        """
        if self.title_index is None:
            return
        for i in live:
            line = self.lines[i]
            if line.role not in ("heading", "para") or is_prose(line.text) or is_bullet(line.text):
                return
            text = line.text
            if line.role == "heading" and (text.endswith("?") or re.match(r"^(?:\d+|[IVX]+)[.):]?\s", text)
                                           or noise.match_key(text) in OPENING_HEADINGS):
                return
            self._set(i, "drop", "under the title (byline, standfirst or caption)")

    def _runs(self, live: list[int]) -> list[list[int]]:
        runs: list[list[int]] = []
        for i in live:
            if runs:
                prev = runs[-1][-1]
                if self.uses_blanks:  # lines printed together, without a blank line between them
                    linked = not is_long(self.lines[prev].text) and not is_long(self.lines[i].text) \
                        and not self.gap_between(prev, i)
                else:  # no layout to go by: consecutive short lines that are not sentences
                    linked = all(not is_long(self.lines[k].text) and not is_prose(self.lines[k].text)
                                 for k in (prev, i))
                if linked:
                    runs[-1].append(i)
                    continue
            runs.append([i])
        return runs

    def _illustrates_previous(self, i: int, before: int, after: int) -> bool:
        """A sentence-case line that repeats the words of the paragraph above it more than
        those of the paragraph below is a picture's caption: headings introduce what follows."""
        text = self.lines[i].text
        if is_title_case(text) or text.endswith("?") or ":" in text or word_count(text) < 5:
            return False
        if not is_prose(self.lines[before].text):
            return False
        stops = zones.stopwords(self.language)
        words = zones.content_words(text, stops)
        if len(words) < 3:
            return False
        above = len(words & zones.content_words(self.lines[before].text, stops)) / len(words)
        below = len(words & zones.content_words(self.lines[after].text, stops)) / len(words)
        return above >= 0.5 and above > below

    def _heading_strength(self, i: int) -> int:
        """How much a short line looks like a heading rather than a caption."""
        text = self.lines[i].text
        strength = 0
        if is_title_case(text):
            strength += 1
        if text.endswith("?"):
            strength += 1
        if ":" in text.rstrip(":"):
            strength += 1  # "Lessons learned: drafting your own standards"
        words = word_count(text)
        if words <= 6:
            strength += 1
        if words >= 10:
            strength -= 1
        if noise.looks_like_caption(text, self.ctx(i)):
            strength -= 3
        if self._credit_follows(i):
            strength -= 2
        return strength

    def _set(self, i: int, role: str, why: str = "") -> None:
        self.lines[i].role, self.lines[i].why = role, why

    def _decide_run(self, run: list[int], before: Optional[int], after: Optional[int],
                    before2: Optional[int] = None) -> None:
        lines = self.lines
        after_prose = after is not None and body_prose(lines[after].text)
        after_heading = after is not None and lines[after].role == "heading"
        intro_colon = before is not None and lines[before].text.endswith(":")
        before_prose = before is None or is_prose(lines[before].text) or lines[before].role in ("heading",)
        if len(run) == 1:
            i = run[0]
            text = lines[i].text
            if after is not None and self._label_heading(i, after):
                self._set(i, "heading")
            elif is_bullet(text, numbers=False) or not is_headingish(text) or intro_colon:
                self._set(i, "para")
            elif noise.looks_like_caption(text, self.ctx(i)):
                self._set(i, "drop", "caption")
            elif self._credit_follows(i) and (not is_title_case(text) or word_count(text) >= 7):
                self._set(i, "drop", "caption")
            elif after_prose and before is not None and self._illustrates_previous(i, before, after):
                self._set(i, "drop", "caption (describes the paragraph above)")
            elif after_prose and not self._continues_list(before, before2, after):
                self._set(i, "heading")
            elif after_heading and before_prose and lines[after].text.endswith(":"):
                self._set(i, "heading")  # a section heading, then a labelled sub-heading
            elif after_heading and before_prose:
                assert after is not None
                self._heading_or_caption(i, after)
            else:
                self._set(i, "para")
            return
        if len(run) == 2 and not intro_colon and not any(is_bullet(lines[i].text, numbers=False) for i in run):
            x, y = run
            tx, ty = lines[x].text, lines[y].text
            if is_headingish(tx) and after_prose:
                if is_prose(ty):  # "Costs" / "It was cheap."
                    if is_title_case(tx) or tx.endswith("?"):
                        self._set(x, "heading")
                        self._set(y, "para")
                        return
                elif is_headingish(ty) and any(is_title_case(t) or t.endswith("?") for t in (tx, ty)) or (
                        noise.looks_like_caption(tx, self.ctx(x)) or noise.looks_like_caption(ty, self.ctx(y))):
                    # a heading and a picture's caption printed together: the stronger is the heading
                    if self._heading_strength(x) > self._heading_strength(y):
                        self._set(x, "heading")
                        self._set(y, "drop", "caption (under a heading)")
                    else:
                        self._set(x, "drop", "caption (before a heading)")
                        self._set(y, "heading")
                    return
        for i in run:
            self._set(i, "para")

    def _heading_or_caption(self, i: int, after: int) -> None:
        """Two short lines, then prose: one is the heading, the other a picture's caption."""
        x_strength, y_strength = self._heading_strength(i), self._heading_strength(after)
        key_x, key_y = line_key(self.lines[i].text), line_key(self.lines[after].text)
        if key_y in key_x:  # a caption repeating words of the heading above it
            y_strength -= 2
        elif key_x in key_y:
            x_strength -= 2
        if x_strength > y_strength:
            self._set(i, "heading")
            self._set(after, "drop", "caption (under a heading)")
        else:
            self._set(i, "drop", "caption (before a heading)")

    def _label_heading(self, i: int, after: int) -> bool:
        """"Finanzdienstleistungen:" alone above a paragraph: a heading written as a label.
        Its words other than stop words are all capitalised ("Here is what happened:" is a sentence)."""
        text = self.lines[i].text
        if not text.endswith(":") or word_count(text) > 5 or not self.lines[i].gap_before:
            return False
        if not (is_long(self.lines[after].text) and self.lines[after].gap_before):
            return False
        stops = zones.stopwords(self.language)
        content = [w for w in text.rstrip(":").split() if w.casefold() not in stops]
        return bool(content) and all(w[:1].isupper() for w in content)

    def _continues_list(self, before: Optional[int], before2: Optional[int], after: Optional[int]) -> bool:
        """The line comes after a short line that is itself not in a caption's place
        (after prose): it is the last item of a list, not a heading."""
        if before is None or not is_headingish(self.lines[before].text) or self.lines[before].role == "heading":
            return False
        if after is not None and not is_long(self.lines[after].text):
            return True  # short line, short line, short sentence: a list
        return before2 is not None and not is_prose(self.lines[before2].text) \
            and self.lines[before2].role != "heading"

    def _heading_style(self) -> None:
        """When the headings are consistently in Title Case, a longer sentence-case
        "heading" among them is a picture's caption."""
        headings = [i for i, line in enumerate(self.lines) if line.role == "heading"]
        titled = [i for i in headings if is_title_case(self.lines[i].text)]
        if len(titled) < 3 or len(titled) < 0.75 * len(headings):
            return
        for i in headings:
            text = self.lines[i].text
            if i not in titled and not text.endswith("?") and ":" not in text and word_count(text) >= 4:
                self._set(i, "drop", "caption (not styled like the headings)")

