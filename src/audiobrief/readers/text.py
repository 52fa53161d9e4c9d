"""Plain text copied from a browser -> :class:`~audiobrief.models.Article`.

A browser copy keeps the words of a page but loses its markup: the headline,
headings, captions, menus and credits all arrive as bare lines.  This reader
puts the structure back with layout signals that hold across sites, never
with strings from a particular page.  Passes, in order:

1. **Line noise** (:mod:`audiobrief.readers.noise`): site chrome, banners,
   cookie/newsletter prompts, photo credits, bylines and datelines are
   recognised on the line itself (and its neighbours).  Lines printed right
   under "Related Topics", "Tags", "More from ..." are links.
2. **Title**: among the lines above the first finished sentence, the one that
   reads most like a headline: followed by prose and/or by a byline or date,
   the first line of three words or more, capitalised like a title, not
   repeated, not shaped like a caption ("Monument in Pyongyang, North Korea"),
   not a one-word kicker.  Everything above it is page furniture.
3. **Repetition**: a short line that stands alone more than once is a caption
   or a menu entry; a repeated sentence is spoken once.
4. **End of the article**: a closing "References"/"Comments"/"Sources" block
   in the second half ends the article; walking back from the last line,
   menus, tag lists and footer lines are dropped, and a sources, credits or
   licence line or a closing author bio becomes ``credits``.
5. **Body**: a short capitalised line without closing punctuation that is
   followed by prose is a heading.  Two such lines in a row: the weaker one
   (longer, sentence case, caption-shaped) is a picture's caption.  Short
   lines printed together, or after a line ending in a colon, are list items
   (spoken as paragraphs).  Short lines between the headline and the first
   paragraph are a byline, standfirst or lead caption.  A sentence-case line
   among Title Case headings, or one that repeats the words of the paragraph
   above it, is a caption.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from audiobrief.errors import InputError
from audiobrief.models import Article, Section
from audiobrief.readers import noise, shapes, zones
from audiobrief.readers.language import SAMPLE_CHARS, detect_language
from audiobrief.readers.noise import (
    LineContext,
    collapse,
    ends_sentence,
    is_bullet,
    is_headingish,
    is_long,
    is_prose,
    is_title_case,
    word_count,
)

#: how many lines under the article's last paragraph its credits or byline may be
_SIGNATURE_REACH = 4
#: how many lines above the article's first paragraph its headline may be
_TITLE_REACH = 10
#: noise reasons that still allow a line to be chosen as the title
_SOFT_REASONS = {"byline (name)"}
#: reasons that mark a line as "meta" right under a headline
_META_REASONS = {"byline", "byline (name)", "dateline"}
#: headings after which the rest of the page is end matter, not article (in its second half)
_END_MATTER = noise.END_MATTER_HEADINGS
#: link boxes that also appear in the middle of an article: end matter only if no paragraph follows
_END_BOXES = frozenset(
    "share this article|related articles|related posts|related stories|more stories|you may also like|"
    "you might also like|recommended|recommended for you|read next".split("|")
)
_CREDIT_HEADERS = frozenset({"sources", "source", "credits"})
#: headings an article may open with before any paragraph
_OPENING_HEADINGS = frozenset(
    "introduction|intro|overview|background|summary|abstract|context|preface|foreword|prologue|"
    "tl;dr|tldr|in brief|at a glance|key points|key takeaways|highlights|the short version|the problem|"
    "the story|the basics|what happened|what we know|the big picture|executive summary".split("|")
)


@dataclass
class _Line:
    text: str  # whitespace collapsed, reference marks removed: what would be spoken
    gap_before: bool  # a blank line (or the start of the text) comes before it
    raw: str = ""  # whitespace collapsed, as in the source: what is listed when dropped
    role: str = ""  # "", "noise", "drop", "title", "heading", "para", "credits"
    why: str = ""


# --------------------------------------------------------------------------- public

def parse_text(text: str, source: str = "") -> Article:
    """Turn plain text copied from a web page into an :class:`Article`.

    Raises :class:`InputError` when nothing speakable is left.
    """
    lines = _split(text)
    if not lines:
        raise _nothing(source, "the text is empty")
    reader = _Reader(lines)
    reader.run()
    sections = reader.sections()
    if not sections or not reader.has_prose(sections):
        raise _nothing(source, "every line looks like page furniture (menus, links, notices, captions)")
    title = reader.title_text() or _fallback_title(sections, source)
    return Article(
        title=title,
        sections=sections,
        dropped=tuple(line.raw for line in lines if line.role in ("noise", "drop")),
        credits=reader.credits,
        language=detect_language(" ".join(p for s in sections for p in s.paragraphs)[:SAMPLE_CHARS]),
        source=source,
        author=reader.author,
        date=reader.date,
        reasons=tuple(line.why or line.role for line in lines if line.role in ("noise", "drop")),
        meta={"reader": "text"},
    )


def _nothing(source: str, detail: str) -> InputError:
    where = source or "text"
    return InputError(
        f"{where}: no article text found; {detail}. Give the article's own text, "
        "its title on the first line and its paragraphs separated by blank lines"
    )


# --------------------------------------------------------------------------- lines

def _split(text: str) -> list[_Line]:
    """Non-empty lines, whitespace collapsed, with the blank-line layout kept."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").splitlines()
    raw = _unwrap([collapse(line) for line in raw])
    lines: list[_Line] = []
    gap = True
    for line in raw:
        if not line:
            gap = True
            continue
        cleaned = noise.strip_reference_marks(line)
        if cleaned:
            lines.append(_Line(cleaned, gap, line))
            gap = False
    return lines


def _unwrap(raw: list[str]) -> list[str]:
    """Join hard-wrapped paragraphs (e-mail style, every line ~70 columns)."""
    lengths = [len(line) for line in raw if line]
    if not lengths or max(lengths) > 100:
        return raw
    width = sorted(lengths)[int(len(lengths) * 0.9) - 1 if len(lengths) > 1 else 0]
    if width < 40:
        return raw
    full = 0.6 * width
    pairs = sum(
        1 for a, b in zip(raw, raw[1:]) if a and b and len(a) >= full and len(b) >= full and not ends_sentence(a)
    )
    if pairs < 3:
        return raw
    out: list[str] = []
    continues = False  # the previous physical line ran to (nearly) the full width
    for line in raw:
        if continues and line and not is_bullet(line):
            prev = out[-1]
            glue = "" if re.search(r"[A-Za-z]-$", prev) and line[:1].islower() else " "
            out[-1] = prev + glue + line
        else:
            out.append(line)
        continues = bool(line) and len(line) >= full and word_count(line) > 6
    return out


# --------------------------------------------------------------------------- the reader

class _Reader:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.n = len(lines)
        self.title_index: Optional[int] = None
        self.credits: Optional[str] = None
        self.author: Optional[str] = None
        self.date: Optional[str] = None
        self.end = self.n  # body is (title_index, end)
        self.core: Optional[zones.Core] = None
        self.language = "en"
        blanks = sum(1 for line in lines[1:] if line.gap_before)
        self.uses_blanks = self.n > 1 and blanks / (self.n - 1) >= 0.2
        self.counts: dict[str, int] = {}

    # ---- helpers
    def ctx(self, i: int) -> LineContext:
        lines = self.lines
        return LineContext(
            prev=lines[i - 1].text if i > 0 else None,
            next=lines[i + 1].text if i + 1 < self.n else None,
            blank_before=lines[i].gap_before,
            blank_after=lines[i + 1].gap_before if i + 1 < self.n else True,
            occurrences=self.counts.get(_key(lines[i].text), 1),
        )

    def live(self, i: int) -> bool:
        return self.lines[i].role not in ("noise", "drop", "credits")

    def next_live(self, i: int, stop: Optional[int] = None) -> Optional[int]:
        stop = self.n if stop is None else stop
        for j in range(i + 1, stop):
            if self.live(j):
                return j
        return None

    def gap_between(self, a: int, b: int) -> bool:
        return any(self.lines[j].gap_before for j in range(a + 1, b + 1))

    def drop(self, i: int, why: str) -> None:
        self.lines[i].role = "drop"
        self.lines[i].why = why

    # ---- passes
    def run(self) -> None:
        self._line_noise()
        self._captions_over_credits()
        self._zones()
        self._link_blocks()
        self._count()
        self._find_title()
        self._repeats()
        self._end_matter()
        self._tail()
        self._body()
        self._meta()

    def _captions_over_credits(self) -> None:
        """A line printed right above a photo credit, with no blank line between, is the photo's caption."""
        for i, line in enumerate(self.lines):
            if (self.live(i) and self._credit_follows(i) and word_count(line.text) <= 40
                    and (ends_sentence(line.text) or is_long(line.text))):  # a bare heading above a credit stays
                self.drop(i, "caption (above a photo credit)")

    def _line_noise(self) -> None:
        for i, line in enumerate(self.lines):
            reason = noise.noise_reason(line.text, self.ctx(i))
            if reason == "byline" and not noise.is_byline(line.text):
                reason = "byline (name)"  # a bare name beside a date: could still be a short title
            if reason == "chrome" and noise.is_weak_chrome(line.text) and self._between_paragraphs(i):
                reason = None  # "Accessibility" between two paragraphs is a heading, not a menu
            if reason:
                line.role, line.why = "noise", reason
        # several author names stacked above (or below) a date line are all bylines
        for i, line in enumerate(self.lines):
            if line.why != "dateline":
                continue
            for step in (-1, 1):
                j = i + step
                while 0 <= j < self.n and abs(j - i) <= 3 and self.lines[j].why in ("", "byline (name)") \
                        and noise.looks_like_name(self.lines[j].text):
                    self.lines[j].role, self.lines[j].why = "noise", "byline (name)"
                    j += step

    def _zones(self) -> None:
        """Find the article's core by stop-word density; what follows it is footer.

        A credits or byline line printed right under the last paragraph stays
        (as the credits); everything else after the article is dropped here.
        """
        texts = [line.text for line in self.lines]
        furniture = [line.role == "drop" or line.role == "noise" and line.why not in _SOFT_REASONS
                     for line in self.lines]
        self.language = detect_language(" ".join(t for t in texts if len(t) >= zones.MIN_CHARS)[:SAMPLE_CHARS])
        core = zones.find_core(texts, self.language, skip=furniture)
        if core is None:
            return
        self.core = core
        for i in range(core.start):  # the header zone: datelines and contact lines by their shape
            line = self.lines[i]
            if self.live(i) and (shapes.is_meta_line(line.text) or shapes.is_contact(line.text)):
                line.role, line.why = "noise", "dateline" if shapes.has_date(line.text) else "contact details"
        end = zones.tail_end(texts, core, self.language, stop_at=furniture)
        for j in range(end + 1, self.n):
            line = self.lines[j]
            if line.role == "credits":
                continue
            if j <= end + _SIGNATURE_REACH and noise.match_key(line.text) in _CREDIT_HEADERS:
                block = [k for k in range(j + 1, self.n) if self.lines[k].role not in ("noise", "drop")]
                if self._credit_block(j, list(itertools.takewhile(lambda k: k - j <= 6, block))):
                    continue
            credit = line.why == "byline" or line.role != "noise" and noise.is_credits_line(line.text, self._author_hint())
            if credit and j <= end + _SIGNATURE_REACH:  # right under the article: its credits or byline
                line.role, line.why = "credits", ""
                continue
            if self.live(j):
                self.drop(j, "after the article (footer)")
            elif line.role == "noise":
                line.why = f"after the article (footer): {line.why}"

    def _between_paragraphs(self, i: int) -> bool:
        lines = self.lines
        return 0 < i < self.n - 1 and is_long(lines[i - 1].text) and ends_sentence(lines[i - 1].text) \
            and is_long(lines[i + 1].text)

    def _link_blocks(self) -> None:
        """Lines printed right under "Related Topics", "Tags", "More from ..." are links.

        Not above the first paragraph: there a short line may be the headline.
        """
        i = next((k for k, line in enumerate(self.lines) if line.role != "noise" and is_prose(line.text)), self.n)
        while i < self.n:
            line = self.lines[i]
            if line.role == "noise" and line.why == "chrome" and noise.opens_link_block(line.text):
                j = i + 1
                while j < self.n and not self.lines[j].gap_before and not is_prose(self.lines[j].text) \
                        and not noise.is_credits_line(self.lines[j].text):
                    nxt = self.next_live(j)
                    if self.live(j) and is_headingish(self.lines[j].text) and nxt is not None and \
                            is_prose(self.lines[nxt].text) and nxt == j + 1 and not self.uses_blanks:
                        break
                    if self.live(j):
                        self.lines[j].role, self.lines[j].why = "noise", "link list"
                    j += 1
                i = j
            else:
                i += 1

    def _count(self) -> None:
        counts: dict[str, int] = {}
        for line in self.lines:
            if line.role != "noise" or line.why in _SOFT_REASONS:
                counts[_key(line.text)] = counts.get(_key(line.text), 0) + 1
        self.counts = counts

    # ---- title
    def _title_zone(self) -> tuple[int, int]:
        """The lines a headline may be among: just above the article's core (or the first sentence)."""
        if self.core is not None:  # a cookie notice or a tagline above it is skipped, not a boundary
            return max(0, self.core.start - _TITLE_REACH), self.core.start
        for i in range(self.n):
            line = self.lines[i]
            if line.role != "noise" and (ends_sentence(line.text) or is_long(line.text) and not _titleish(line.text)):
                return 0, i
        return 0, self.n

    def _find_title(self) -> None:
        lines = self.lines
        lo, candidates_zone_end = self._title_zone()
        best: Optional[tuple[int, int]] = None  # (score, index)
        first = True
        for i in range(lo, candidates_zone_end):
            line = lines[i]
            if line.role == "noise" and line.why not in _SOFT_REASONS:
                continue
            if not _titleish(line.text):
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
        key = _key(lines[t].text)
        for i in range(t + 1, self.n):
            if lines[i].role != "noise" and _key(lines[i].text) == key:
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
                if lines[j].why in _META_REASONS:
                    meta = True
                continue
            nxt = j
            break
        # a byline or date a line or two further down, after a standfirst
        meta_near = not meta and any(lines[j].why in _META_REASONS for j in range(i + 2, min(self.n, i + 4)))
        if nxt is not None and _body_prose(lines[nxt].text):
            score += 3
        if meta:
            score += 3
        elif meta_near:
            score += 2
        elif chrome_after:
            score += 1  # share buttons, "From Wikipedia, ..." under a headline
        if is_title_case(text):
            score += 1
        if zones.density(text, zones.stopwords(self.language)) >= 0.15:
            score += 1  # a headline is a phrase of the language; a menu label ("Toggle search") is not
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
        if self.counts.get(_key(text), 1) > 1:
            score -= 2
        if noise.looks_like_caption(text):
            score -= 2
        if self._credit_follows(i) and not is_title_case(text):
            score -= 2
        if lines[i].why in _SOFT_REASONS:
            score -= 1
        return score

    def title_text(self) -> Optional[str]:
        return None if self.title_index is None else self.lines[self.title_index].text

    def _credit_follows(self, i: int) -> bool:
        j = i + 1
        return j < self.n and not self.lines[j].gap_before and self.lines[j].why == "photo credit"

    # ---- repeats
    def _repeats(self) -> None:
        """A short line standing alone twice is a caption or menu entry; a paragraph is spoken once.

        One exception: a heading also listed in a table of contents or a menu
        (where it sits among other short lines) keeps its place as a heading.
        """
        t = -1 if self.title_index is None else self.title_index
        groups: dict[str, list[int]] = {}
        for i, line in enumerate(self.lines):
            if self.live(i) or line.role == "title":
                groups.setdefault(_key(line.text), []).append(i)
        for key, where in groups.items():
            if len(where) < 2:
                continue
            body = [i for i in where if i > t and self.lines[i].role != "title"]
            text = self.lines[where[0]].text
            if is_prose(text) and not (is_long(text) and not ends_sentence(text)
                                       and sum(self._standalone(i) for i in where) >= 2):
                # a sentence said twice (a pull quote, a caption copied into the text): say it once
                for i in body[1:] if body and body[0] == where[0] else body:
                    self.drop(i, "repeated paragraph")
                continue
            standalone = [i for i in where if self._standalone(i)]
            keep = set()
            if len(standalone) < 2:
                keep = {i for i in standalone if i > t and is_headingish(self.lines[i].text)
                        and (n := self.next_live(i)) is not None and _body_prose(self.lines[n].text)}
            for i in body:
                if i not in keep:
                    self.drop(i, "repeated line (caption or menu)")

    def _standalone(self, i: int) -> bool:
        """Printed on its own, not among other short lines (a menu, a list, a table of contents)."""
        if self.uses_blanks:
            return self.lines[i].gap_before and (i + 1 >= self.n or self.lines[i + 1].gap_before)
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < self.n]
        return all(is_prose(self.lines[j].text) or self.lines[j].role == "title" for j in neighbours)

    # ---- end of the article
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
            if key not in _END_MATTER and key not in _END_BOXES or not (line.gap_before or line.role == "noise"):
                continue
            if not self._in_second_half(i):
                continue
            if key in _END_BOXES and any(self.live(j) and is_long(self.lines[j].text)
                                         and ends_sentence(self.lines[j].text) for j in range(i + 1, self.n)):
                continue
            if key in _CREDIT_HEADERS:
                if self._credit_block(i, [j for j in range(i + 1, self.n) if self.live(j)]):
                    self.end = i
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
            if _content(line.text) and not self._inside_furniture(j):
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

    # ---- body
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
                                           or noise.match_key(text) in _OPENING_HEADINGS):
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
        words = _content_words(text)
        if len(words) < 3:
            return False
        above = len(words & _content_words(self.lines[before].text)) / len(words)
        below = len(words & _content_words(self.lines[after].text)) / len(words)
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
        after_prose = after is not None and _body_prose(lines[after].text)
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
                # two short lines, then prose: one is the heading, the other a picture's caption
                assert after is not None
                x_strength, y_strength = self._heading_strength(i), self._heading_strength(after)
                key_x, key_y = _key(text), _key(lines[after].text)
                if key_y in key_x:  # a caption repeating words of the heading above it
                    y_strength -= 2
                elif key_x in key_y:
                    x_strength -= 2
                if x_strength > y_strength:
                    self._set(i, "heading")
                    self._set(after, "drop", "caption (under a heading)")
                else:
                    self._set(i, "drop", "caption (before a heading)")
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

    # ---- metadata
    def _meta(self) -> None:
        for line in self.lines:
            if line.role not in ("noise", "drop"):
                continue
            if self.author is None and line.why.startswith("byline"):
                self.author = noise.byline_name(line.text) or (line.text if noise.looks_like_name(line.text) else None)
            if self.date is None and line.why in ("dateline", "byline"):
                self.date = noise.parse_date(line.text)

    def has_prose(self, sections: tuple[Section, ...]) -> bool:
        """An article has running text: a paragraph dense in stop words, or at least one sentence."""
        return self.core is not None or any(is_prose(p) for s in sections for p in s.paragraphs)

    def sections(self) -> tuple[Section, ...]:
        sections: list[tuple[Optional[str], list[str]]] = [(None, [])]
        for line in self.lines:
            if line.role == "heading":
                sections.append((line.text, []))
            elif line.role == "para":
                sections[-1][1].append(line.text)
        if not any(paragraphs for _, paragraphs in sections):
            # nothing looked like an article body: keep every line that is not furniture
            rescued = [line for line in self.lines if line.role in ("para", "heading", "title", "drop")
                       and line.why in ("", "above the title", "after the article (footer)", "caption")]
            rescued = [line for line in rescued if line.role != "title"]
            if not rescued:
                return ()
            for line in rescued:
                line.role, line.why = "para", ""
            sections = [(None, [line.text for line in rescued])]
        out = [Section(heading, tuple(paragraphs)) for heading, paragraphs in sections]
        if not out[0].paragraphs:
            out = out[1:]
        return tuple(out)


# --------------------------------------------------------------------------- small judgements

def _key(text: str) -> str:
    return collapse(text).casefold()


_STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her his how i if in "
    "into is it its it's more most my no not of on one or our out over she so some such than that the their "
    "them then there these they this those through to too up us was we were what when where which who why "
    "will with would you your all also about after before just like only other very".split()
)


def _content_words(text: str) -> set[str]:
    """Lower-case content words, crudely singularised, for comparing a line with a paragraph."""
    words = set()
    for raw in re.findall(r"[\w’']+", text.casefold()):
        word = raw.replace("’", "'")
        if word in _STOPWORDS or len(word) < 3 or word.isdigit():
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


def _titleish(text: str) -> bool:
    """Could be a headline: at most 25 words, no closing full stop, starts capitalised."""
    if not text or word_count(text) > 25 or len(text) > 200 or is_bullet(text):
        return False
    if ends_sentence(text) and not re.search(r"\b(?:[A-Z]\.){2,}$", text) \
            and not (text.endswith("!") and word_count(text) <= 12):  # "Python 3.6 is out!"
        return False
    return noise._starts_like_heading(text)


def _body_prose(text: str) -> bool:
    """Running text a headline or heading introduces (a long title-like line is not)."""
    if ends_sentence(text) and word_count(text) >= 2:
        return True
    if not is_long(text):
        return False
    # a long line without a full stop: a paragraph, unless it is capitalised like a title
    return not (_titleish(text) and is_title_case(text))


def _content(text: str) -> bool:
    """Text that belongs to the article when met at its end (not a menu or tag line)."""
    return is_prose(text) or text.endswith("?") and word_count(text) >= 3


def _fallback_title(sections: tuple[Section, ...], source: str) -> str:
    """No headline line: the first sentence (or first words) of the text, else the file name."""
    for section in sections:
        for paragraph in section.paragraphs:
            words = paragraph.split()
            sentence = re.split(r"(?<=[.!?…])\s+", paragraph, maxsplit=1)[0]
            if 0 < word_count(sentence) <= 12:
                return sentence.rstrip(" .;:")
            if words:
                return " ".join(words[:8]).rstrip(" ,;:.") + "…"
    stem = Path(source).stem if source else ""
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or "Untitled"
