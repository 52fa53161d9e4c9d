"""Plain text copied from a browser -> :class:`~audiobrief.models.Article`.

A browser copy keeps the words of a page but loses its markup: the headline,
headings, captions, menus and credits all arrive as bare lines.  This reader
puts the structure back with signals that hold across sites and languages,
never with strings from a particular page (see docs/readers.md).  Passes:

1. **Line noise** (:mod:`audiobrief.readers.noise`): furniture, photo
   credits, bylines and datelines recognised on the line itself.
2. **Zones** (:mod:`audiobrief.readers.zones`): the article's core is the
   densest block of prose by stop-word density; after it is the footer
   (dropped, except a credits line or byline right under it; closing calls to
   action are dropped); above it, datelines and contact lines by their shape.
3. **Title** (:mod:`audiobrief.readers.text_title`): the line just above the
   core that reads most like a headline; everything above it is furniture.
4. **Repetition**: a short line that stands alone more than once is a caption
   or a menu entry; a repeated sentence is spoken once.
5. **End of the article** (:mod:`audiobrief.readers.text_end`): end matter,
   the footer walked back from the last line, and the credits.
6. **Body** (:mod:`audiobrief.readers.text_body`): headings, list items,
   captions and the lines under the headline.
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
from audiobrief.readers.lines import (
    LineContext, collapse, ends_sentence, is_bullet, is_headingish, is_long, is_prose, word_count,
)
from audiobrief.readers.text_body import BodyPass
from audiobrief.readers.text_end import CREDIT_HEADERS, EndPass
from audiobrief.readers.text_title import META_REASONS, SOFT_REASONS, HeadlinePass, body_prose, line_key

#: how many lines under the article's last paragraph its credits or byline may be
SIGNATURE_REACH = 4


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



class _Reader(HeadlinePass, EndPass, BodyPass):
    """The passes over a page's lines, each setting lines' ``role`` and ``why``."""

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

    def ctx(self, i: int) -> LineContext:
        lines = self.lines
        return LineContext(
            prev=lines[i - 1].text if i > 0 else None,
            next=lines[i + 1].text if i + 1 < self.n else None,
            blank_before=lines[i].gap_before,
            blank_after=lines[i + 1].gap_before if i + 1 < self.n else True,
            occurrences=self.counts.get(line_key(lines[i].text), 1),
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
        furniture = [line.role == "drop" or line.role == "noise" and line.why not in SOFT_REASONS
                     for line in self.lines]
        meta = [line.role == "drop" or line.why in META_REASONS or line.why == "photo credit" for line in self.lines]
        self.language = detect_language(" ".join(t for t in texts if len(t) >= zones.MIN_CHARS)[:SAMPLE_CHARS])
        core = zones.find_core(texts, self.language, furniture=furniture, meta=meta)
        if core is None:
            return
        self.core = core
        for i in range(core.start):  # the header zone: datelines and contact lines by their shape
            line = self.lines[i]
            if self.live(i) and (shapes.is_meta_line(line.text) or shapes.is_contact(line.text)):
                line.role, line.why = "noise", "dateline" if shapes.has_date(line.text) else "contact details"
        end = zones.tail_end(texts, core, self.language, stop_at=furniture)
        while end > core.start and (furniture[end] or shapes.is_call_to_action(texts[end])):
            if not furniture[end]:
                self.drop(end, "call to action")
            end -= 1
        for j in range(end + 1, self.n):
            line = self.lines[j]
            if line.role == "credits":
                continue
            if j <= end + SIGNATURE_REACH and noise.match_key(line.text) in CREDIT_HEADERS:
                block = [k for k in range(j + 1, self.n) if self.lines[k].role not in ("noise", "drop")]
                if self._credit_block(j, list(itertools.takewhile(lambda k: k - j <= 6, block))):
                    continue
            credit = line.why == "byline" or line.role != "noise" and noise.is_credits_line(line.text, self._author_hint())
            if credit and j <= end + SIGNATURE_REACH:  # right under the article: its credits or byline
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
            if line.role != "noise" or line.why in SOFT_REASONS:
                counts[line_key(line.text)] = counts.get(line_key(line.text), 0) + 1
        self.counts = counts

    def _repeats(self) -> None:
        """A short line standing alone twice is a caption or menu entry; a paragraph is spoken once.

        One exception: a heading also listed in a table of contents or a menu
        (where it sits among other short lines) keeps its place as a heading.
        """
        t = -1 if self.title_index is None else self.title_index
        groups: dict[str, list[int]] = {}
        for i, line in enumerate(self.lines):
            if self.live(i) or line.role == "title":
                groups.setdefault(line_key(line.text), []).append(i)
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
                        and (n := self.next_live(i)) is not None and body_prose(self.lines[n].text)}
            for i in body:
                if i not in keep:
                    self.drop(i, "repeated line (caption or menu)")

    def _standalone(self, i: int) -> bool:
        """Printed on its own, not among other short lines (a menu, a list, a table of contents)."""
        if self.uses_blanks:
            return self.lines[i].gap_before and (i + 1 >= self.n or self.lines[i + 1].gap_before)
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < self.n]
        return all(is_prose(self.lines[j].text) or self.lines[j].role == "title" for j in neighbours)

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
        return self.core is not None or any(is_prose(p) or re.search(r"\w[.!?…]\s+\S", p)
                                            for s in sections for p in s.paragraphs)

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
