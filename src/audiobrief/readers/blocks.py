"""Marked-up text (an HTML tree) -> blocks -> :class:`~audiobrief.models.Article`.

The Markdown reader renders to HTML and the HTML reader extracts the article's
main content; both end here, so a heading, a list, a quote, a figure or a
table is handled the same way whatever the source format:

* ``<h1>``..``<h{max_level}>`` start sections; deeper headings are folded
  into their parent section and spoken as a sentence;
* a heading inside a ``<blockquote>`` is quoted text, not a section;
* lists: each item is its own paragraph, so the mixer pauses after it;
* blockquotes: spoken, the first paragraph opened with "Quote:" and the last
  closed with "End of quote." (in the article's language);
* images, figures and their captions: not spoken, listed in ``dropped``;
* code blocks (``<pre>``) and tables: not spoken, listed in ``dropped`` as
  "code block: ..." / "table: ..." (one policy, see README);
* nav, header, footer, aside, forms, scripts, styles and elements marked
  hidden or classed as navigation/sharing/references: skipped;
* every paragraph is also judged by :func:`audiobrief.readers.noise.noise_reason`
  (bylines, photo credits, chrome), and a "References"/"See also"-style
  heading ends the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from audiobrief.errors import InputError
from audiobrief.models import Article, Section
from audiobrief.readers import noise, shapes
from audiobrief.readers.language import SAMPLE_CHARS, detect_language
from audiobrief.speech.language import phrase

HEADINGS = {f"h{n}": n for n in range(1, 7)}
#: never article text
SKIP_TAGS = frozenset(
    "script style noscript template nav header footer aside form button select option textarea input "
    "iframe svg canvas object embed video audio map area label dialog menu head title meta link".split()
)
#: class or id tokens of page furniture (whole tokens, compared case-insensitively)
JUNK_TOKENS = frozenset(
    "navbox vertical-navbox infobox hatnote dablink reference references reflist mw-editsection toc "
    "noprint metadata sistersitebox catlinks printfooter mw-jump-link sr-only visually-hidden "
    "screen-reader-text share sharing social-share share-buttons breadcrumb breadcrumbs advertisement "
    "ad ads advert cookie cookie-banner newsletter related related-posts comments sidebar skip-link "
    "thumbcaption wp-caption-text mw-cite-backlink navigation site-nav site-header site-footer".split()
)
BLOCK_TAGS = frozenset(
    "p div section article main body html li ul ol dl dt dd blockquote pre table figure hr center "
    "address details summary fieldset h1 h2 h3 h4 h5 h6 figcaption".split()
)
_CODE_FIRST_LINE = 60
#: an end-matter heading whose few lines are read as the credits
_CREDIT_HEADINGS = frozenset({"sources", "source", "credits", "quellen", "quelle", "fuentes", "sources :"})
#: link-box headings ("Related stories", "À lire aussi"): they end the article when no section follows them
_END_BOX_HEADINGS = shapes.word_set("end_boxes")


@dataclass
class Block:
    kind: str  # "heading", "para", "item", "dropped"
    text: str
    level: int = 0
    quote: int = 0  # 0 outside quotes; the same number for every block of one quote
    why: str = ""


def _classes(el) -> set[str]:
    """Class and id tokens, each also as its BEM block ("related__articles" -> "related")."""
    tokens = {t.lower() for t in (el.get("class") or "").split() + (el.get("id") or "").split()}
    return tokens | {re.split(r"__|--", t, maxsplit=1)[0] for t in tokens if "__" in t or "--" in t}


def _hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (el.get("hidden") is not None or el.get("aria-hidden") == "true"
            or "display:none" in style or "visibility:hidden" in style)


def _all_text(el) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def _tag(el) -> Optional[str]:
    return el.tag.lower() if isinstance(el.tag, str) else None


class Walker:
    """Walks an lxml tree in document order and emits :class:`Block` records."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._quote = 0
        self._quote_count = 0

    # ------------------------------------------------------------ inline text
    def inline(self, el, top: bool = True) -> str:
        parts: list[str] = []
        self._inline(el, parts, top=True)
        return noise.strip_reference_marks(" ".join("".join(parts).split()))

    def _inline(self, el, parts: list[str], top: bool) -> None:
        tag = _tag(el)
        if not top:
            if tag is None or tag in SKIP_TAGS or _hidden(el) or _classes(el) & JUNK_TOKENS:
                parts.append(el.tail or "")
                return
            if tag == "br":
                parts.append(" " + (el.tail or ""))
                return
            if tag == "img":
                self._image(el)
                parts.append(el.tail or "")
                return
            if tag in ("sup", "a") and re.fullmatch(r"\s*\[\d{1,3}\]\s*|\s*\d{1,3}\s*", _all_text(el) or "") \
                    and (tag == "sup" or (el.get("href") or "").startswith(("#", "http"))):
                parts.append(el.tail or "")  # a footnote marker
                return
        parts.append(el.text or "")
        for child in el:
            self._inline(child, parts, top=False)
        if not top:
            parts.append(el.tail or "")

    # ------------------------------------------------------------ records
    def _emit(self, kind: str, text: str, level: int = 0) -> None:
        text = " ".join(text.split())
        if text:
            self.blocks.append(Block(kind, text, level, self._quote))

    def _drop(self, text: str, why: str) -> None:
        text = " ".join(text.split())
        if text:
            self.blocks.append(Block("dropped", text, why=why))

    def _image(self, el) -> None:
        alt = (el.get("alt") or "").strip()
        self._drop(f"image: {alt}" if alt else "image (no description)", "image")

    # ------------------------------------------------------------ blocks
    def walk(self, el) -> None:
        tag = _tag(el)
        if tag is None or tag in SKIP_TAGS or _hidden(el):
            return
        if _classes(el) & JUNK_TOKENS:
            return
        if tag in HEADINGS:
            text = self.inline(el)
            if self._quote:
                self._emit("para", text if noise.ends_sentence(text) or text.endswith(("?", "!")) else text + ".")
            else:
                self._emit("heading", text, HEADINGS[tag])
            return
        if tag == "img":
            self._image(el)
            return
        if tag == "figure":
            for img in el.iter("img"):
                self._image(img)
            for cap in el.iter("figcaption"):
                self._drop(_all_text(cap), "caption")
            return
        if tag == "figcaption":
            self._drop(_all_text(el), "caption")
            return
        if tag == "pre":
            lines = [line for line in _all_text(el).splitlines() if line.strip()]
            first = lines[0].strip()[:_CODE_FIRST_LINE] if lines else ""
            self._drop(f"code block ({len(lines)} lines): {first}", "code")
            return
        if tag == "table":
            rows = el.findall(".//tr")
            caption = el.find(".//caption")
            label = _all_text(caption) if caption is not None else (
                " | ".join(_all_text(c).strip() for c in rows[0]) if rows else "")
            self._drop(f"table ({len(rows)} rows): {' '.join(label.split())[:80]}", "table")
            return
        if tag == "hr":
            return
        if tag == "blockquote":
            outer = self._quote
            self._quote_count += 1
            self._quote = self._quote_count
            self._container(el, "para")
            self._quote = outer
            return
        if tag in ("ul", "ol", "dl"):
            for child in el:
                child_tag = _tag(child)
                if child_tag in ("li", "dt", "dd"):
                    self._container(child, "item")
                else:
                    self.walk(child)
            return
        self._container(el, "item" if tag in ("li", "dt", "dd") else "para")

    def _container(self, el, kind: str) -> None:
        """Mixed content: runs of inline text become paragraphs, block children recurse."""
        run: list[str] = [el.text or ""]

        def flush() -> None:
            text = noise.strip_reference_marks(" ".join("".join(run).split()))
            run.clear()
            if text:
                self._emit(kind, text)

        for child in el:
            tag = _tag(child)
            if tag in BLOCK_TAGS or tag == "img" or tag == "br" and _next_is_br(child):
                flush()
                self.walk(child)
                run.append(child.tail or "")
            else:
                self._inline(child, run, top=False)
        flush()


def _next_is_br(el) -> bool:
    nxt = el.getnext()
    return nxt is not None and _tag(nxt) == "br" and not (el.tail or "").strip()


# --------------------------------------------------------------------------- assembly

def assemble(
    blocks: list[Block],
    *,
    source: str,
    title: Optional[str],
    language: Optional[str],
    max_level: int,
    extra_dropped: tuple[str, ...] = (),
    notes: frozenset[str] = frozenset(),
    **fields,
) -> Article:
    """Group blocks into sections; the title, end matter and noise are decided here.

    ``notes``: match keys of paragraphs set wholly in italics; the article's last
    paragraph, when it is one of them, is an editor's note and read as the credits.
    """
    title = title if title is not None else _heading_title(blocks)
    if language is None:
        language = detect_language(" ".join(b.text for b in blocks if b.kind in ("para", "item"))[:SAMPLE_CHARS])
    sorter = _Sorter(blocks, title, language, max_level, extra_dropped)
    for i, b in enumerate(blocks):
        sorter.take(i, b)
    sorter.close()
    credits = sorter.credits(notes)
    result = tuple(Section(h, tuple(p)) for h, p in sorter.sections if h is not None or p)
    if not any(noise.is_prose(p) for s in result for p in s.paragraphs):
        raise InputError(
            f"{source or 'article'}: no article text found; the page holds only headings, "
            "menus, links, images or code. Give the article itself"
        )
    if not title:
        first_para = next(p for s in result for p in s.paragraphs)
        title = " ".join(first_para.split()[:8]).rstrip(".,;:")
    return Article(
        title=title,
        sections=result,
        dropped=tuple(text for text, _ in sorter.why),
        reasons=tuple(reason or "not article text" for _, reason in sorter.why),
        credits=credits,
        language=language,
        source=source,
        meta=dict(fields.pop("meta", {}) or {}),
        **fields,
    )


def _heading_title(blocks: list[Block]) -> Optional[str]:
    """The first block when it is a heading, else the first ``<h1>``."""
    first = next((b for b in blocks if b.kind != "dropped"), None)
    if first is not None and first.kind == "heading":
        return first.text
    return next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)


class _Sorter:
    """Puts each block where it belongs: a section's heading or paragraph, ``dropped``
    (with its reason), or the end matter after the article."""

    def __init__(self, blocks: list[Block], title: Optional[str], lang: str, max_level: int,
                 extra_dropped: tuple[str, ...]) -> None:
        self.lang, self.max_level = lang, max_level
        #: (text, reason) of every block not spoken, in page order
        self.why: list[tuple[str, str]] = [
            (d, "front matter" if d.startswith("front matter") else "caption") for d in extra_dropped]
        self.sections: list[tuple[Optional[str], list[str]]] = [(None, [])]
        self.title_key = noise.match_key(title) if title else None
        self.title_at = next((i for i, b in enumerate(blocks)
                              if b.kind == "heading" and noise.match_key(b.text) == self.title_key), -1)
        self.under_title = self.title_at >= 0  # between the title and the first paragraph of prose
        self.last_heading = max((i for i, b in enumerate(blocks) if b.kind == "heading" and b.level <= max_level
                                 and noise.match_key(b.text) not in _END_BOX_HEADINGS), default=-1)
        self.seen: set[str] = set()
        self.quote_open = {b.quote for b in blocks if b.quote}
        self.last_of_quote = {b.quote: i for i, b in enumerate(blocks) if b.quote and b.kind != "dropped"}
        self.ended = False
        self.end_heads: list[str] = []
        self.end_lines = 0
        self.credit_lines: list[str] = []

    def take(self, i: int, b: Block) -> None:
        if self.ended:
            self._end_matter(b)
        elif b.kind == "dropped":
            self.why.append((b.text, b.why))
        elif b.kind == "heading":
            self._heading(i, b)
        else:
            self._paragraph(i, b)

    def _end_matter(self, b: Block) -> None:
        if b.kind == "heading" and b.level <= self.max_level:
            self.end_heads.append(b.text)
        elif b.kind != "dropped":
            self.end_lines += 1
            if len(self.end_heads) == 1 and noise.match_key(self.end_heads[0]) in _CREDIT_HEADINGS:
                self.credit_lines.append(b.text)

    def _heading(self, i: int, b: Block) -> None:
        key = noise.match_key(b.text)
        if self.title_key and key == self.title_key and b.level <= 2:
            self.why.append((b.text, "title"))
            return
        started = len(self.sections) > 1 or bool(self.sections[0][1])
        if key in noise.END_MATTER_HEADINGS and started or key in ("references", "see also", "external links",
                                                                   "footnotes") \
                or key in _END_BOX_HEADINGS and started and i > self.last_heading:  # a link box no section follows
            self.ended = True
            self.end_heads.append(b.text)
        elif b.level > self.max_level:
            self.sections[-1][1].append(b.text if noise.ends_sentence(b.text) else b.text + ".")
        else:
            self.sections.append((b.text, []))

    def _reason(self, i: int, b: Block) -> Optional[str]:
        reason = noise.noise_reason(b.text) if not b.quote else None
        if reason is None and i < self.title_at and not noise.is_prose(b.text):
            reason = "above the title (kicker or section name)"
        if i > self.title_at and self.under_title and b.kind == "para" and not b.quote:
            self.under_title = not noise.is_prose(b.text)
            if self.under_title and reason is None:  # "By Jane Roe — 3 May 2026", "Share on Facebook · Share on X"
                reason = "under the title (byline, dateline or share links)"
        if reason is None and noise.match_key(b.text) in self.seen and noise.word_count(b.text) >= 4:
            reason = "repeated"
        return reason

    def _paragraph(self, i: int, b: Block) -> None:
        reason = self._reason(i, b)
        if reason:
            self.why.append((b.text, reason))
            return
        self.seen.add(noise.match_key(b.text))
        text = b.text
        if b.quote in self.quote_open:
            text = f"{phrase(self.lang, 'quote')} {text}"
            self.quote_open.discard(b.quote)
        if b.quote and self.last_of_quote.get(b.quote) == i:
            stop = "" if noise.ends_sentence(text) or text.endswith(("?", "!")) else "."
            text = f"{text}{stop} {phrase(self.lang, 'end_quote')}"
        if b.kind == "item" and not noise.ends_sentence(text) and not text.endswith(("?", "!")):
            text += "."  # a full stop, so each item ends with the pitch drop and its pause
        self.sections[-1][1].append(text)

    def close(self) -> None:
        if self.end_heads:
            note = f"end matter: {', '.join(self.end_heads)} ({self.end_lines} lines)"
            self.why.append((note, "end matter"))
        _drop_calls_to_action(self.sections, self.why)

    def credits(self, notes: frozenset[str]) -> Optional[str]:
        """A "Sources" end box of a few lines, or a closing credits line or editor's note."""
        if self.credit_lines and sum(noise.word_count(c) for c in self.credit_lines) <= 60:
            return f"{self.end_heads[0].rstrip(':')}: " + "; ".join(c.rstrip(".;") for c in self.credit_lines)
        last = next((s for s in reversed(self.sections) if s[1]), None)
        if last is not None and sum(len(s[1]) for s in self.sections) > 1 and (
                noise.is_credits_line(last[1][-1]) or noise.match_key(last[1][-1]) in notes):
            return last[1].pop()
        return None


def _drop_calls_to_action(sections: list, why: list) -> None:
    """The article's closing lines that ask the reader to comment, follow, subscribe or donate."""
    last = next((s for s in reversed(sections) if s[1]), None)
    while last is not None and len(last[1]) > 1 and shapes.is_call_to_action(last[1][-1]):
        text = last[1].pop()
        why.append((text, "call to action"))
