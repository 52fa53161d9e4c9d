"""A saved web page (``.html``/``.htm``) -> :class:`~audiobrief.models.Article`.

The page is parsed once with lxml's HTML parser with network access off
(``no_network=True``); HTML parsing never loads DTDs or external entities,
and comments and processing instructions are removed.  Nothing is fetched.

The article body is found by trafilatura (``extract`` on the parsed tree,
XML output, tables/images/comments off).  Compared with readability-lxml on
the saved Wikipedia page it kept all 33 of the article's h2-h4 headings where
readability kept 25 (it threw away whole sections such as "Values" and
"Community"), and it dropped the hatnotes, captions and infobox on its own;
see README.  When trafilatura finds nothing, the page's ``<main>``/``<article>``
or ``<body>`` is read instead.  Its output is mapped back onto HTML tags and
read by the shared block walker (:mod:`audiobrief.readers.blocks`):
``<h1>``-``<h4>`` are sections.

Title: the ``<h1>``, else ``og:title``, else ``<title>``, minus the site name
(``og:site_name``, or the shorter part around " | ", " - ", " – ", " — ").
Language: ``<html lang>``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Optional

from audiobrief.errors import InputError
from audiobrief.models import Article
from audiobrief.readers import noise
from audiobrief.readers.blocks import JUNK_TOKENS, Walker, _classes, _hidden, assemble
from audiobrief.readers.language import normalise_code

MAX_LEVEL = 4
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TITLE_SEP_RE = re.compile(r"\s+[|\-–—:·•»]\s+")
#: trafilatura's XML vocabulary -> HTML tags the walker knows
_TRAFILATURA_TAGS = {"list": "ul", "item": "li", "quote": "blockquote", "lb": "br", "hi": "span",
                     "ref": "a", "graphic": "img", "code": "pre", "main": "div", "doc": "div",
                     "row": "tr", "cell": "td", "del": "span"}


def _parser():
    from lxml import html as lxml_html

    return lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                                huge_tree=False, default_doctype=False)


def parse_fragment(markup: str):
    """An HTML fragment (e.g. rendered Markdown) as one lxml element."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        return lxml_html.fragment_fromstring(markup or "<p></p>", create_parent="div", parser=_parser())
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"markup cannot be parsed ({exc}); save the article as plain text") from None


def _document(text: str, source: str):
    from lxml import etree
    from lxml import html as lxml_html

    text = _XML_DECL_RE.sub("", text, count=1)
    try:
        return lxml_html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{source}: not a readable HTML page ({exc}); save the page again or as text") from None


def _meta(doc, name: str) -> Optional[str]:
    for el in doc.iter("meta"):
        if (el.get("property") or el.get("name") or "").lower() == name:
            content = " ".join((el.get("content") or "").split())
            if content:
                return content
    return None


def strip_site_name(title: str, site: Optional[str] = None) -> str:
    """'Mozilla - Wikipedia' -> 'Mozilla'; the site name is og:site_name or the shorter edge part."""
    parts = _TITLE_SEP_RE.split(title)
    if len(parts) < 2:
        return title
    if site:
        kept = [p for p in parts if noise.match_key(p) != noise.match_key(site)]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    first, last = parts[0], parts[-1]
    if len(last.split()) <= 4 and len(last) < len(" ".join(parts[:-1])):
        return _TITLE_SEP_RE.split(title, maxsplit=len(parts) - 2)[0] if len(parts) > 2 else first
    if len(first.split()) <= 4 and len(first) < len(last):
        return title[len(first):].lstrip(" |-–—:·•»")
    return title


def page_title(doc) -> Optional[str]:
    site = _meta(doc, "og:site_name")
    h1s = [" ".join(h.text_content().split()) for h in doc.iter("h1")]
    h1s = [h for h in h1s if h]
    og = _meta(doc, "og:title")
    title_el = doc.find(".//title")
    raw_title = " ".join(title_el.text_content().split()) if title_el is not None else ""
    candidates = [strip_site_name(t, site) for t in (og, raw_title) if t]
    if h1s:
        for h in h1s:  # an h1 that agrees with og:title/<title> is the headline, not the logo
            if any(noise.match_key(h) == noise.match_key(c) for c in candidates):
                return h
        if len(h1s) == 1 or not candidates:
            return h1s[0]
    return candidates[0] if candidates else None


#: pages larger than this skip trafilatura's comparison with its fallback extractors (speed)
FAST_ABOVE = 300_000


def _main_content(doc, size: int = 0):
    """trafilatura's reading of the page, as an HTML-tag tree (None when it finds nothing)."""
    import copy

    try:
        import trafilatura

        result = trafilatura.bare_extraction(
            copy.deepcopy(doc), include_comments=False, include_tables=True, include_images=False,
            include_formatting=False, include_links=False, deduplicate=False, with_metadata=False,
            fast=size > FAST_ABOVE)
    except Exception:  # noqa: BLE001 - a third-party extractor failing is a fallback, not a crash
        result = None
    root = getattr(result, "body", None)
    if root is None or not "".join(root.itertext()).strip():
        return None
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "head":
            rend = el.get("rend") or "h2"
            el.tag = rend if re.fullmatch(r"h[1-6]", rend) else "h2"
        elif el.tag == "list" and el.get("rend") == "ol":
            el.tag = "ol"
        elif el.tag in _TRAFILATURA_TAGS:
            el.tag = _TRAFILATURA_TAGS[el.tag]
    return root


def _fallback_content(doc):
    for path in (".//main", ".//article", ".//*[@role='main']", ".//body"):
        found = doc.find(path)
        if found is not None:
            return found
    return doc


def _strip_furniture(doc) -> None:
    """Remove what is never article text before the extractor sees the page.

    Tables of contents, hatnotes, edit links and reference markers carry class
    names shared across sites (see blocks.JUNK_TOKENS); hidden elements too.
    """
    doomed = [el for el in doc.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body")
              and (_classes(el) & JUNK_TOKENS or _hidden(el))]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _italic_paragraphs(doc) -> frozenset[str]:
    """Paragraphs set wholly in italics (an editor's note, a research credit), as match keys."""
    found = set()
    for p in doc.iter("p"):
        children = [c for c in p if isinstance(c.tag, str)]
        if len(children) == 1 and children[0].tag in ("em", "i") and not (p.text or "").strip() \
                and not (children[0].tail or "").strip():
            found.add(noise.match_key(" ".join(p.text_content().split())))
    return frozenset(found)


_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})


def _page_lines(doc) -> list[str]:
    """Every piece of visible text on the page (text nodes, whitespace collapsed), in order."""
    body = doc.find("body")
    lines: list[str] = []
    for el in (body if body is not None else doc).iter():
        if not isinstance(el.tag, str):
            continue
        inside = el.tag.lower() not in _INVISIBLE_TAGS
        for text in ((el.text if inside else None), el.tail):
            text = " ".join((text or "").split())
            if text and any(ch.isalnum() for ch in text):
                lines.append(text)
    return lines


def _left_out(article: Article, page: list[str]) -> Article:
    """Add to ``dropped`` the page's text that the article does not hold (menus, footers, teasers
    the extractor skipped), so every line not spoken is listed with its reason."""
    kept = [article.title, *(article.credits or "",), *article.dropped]
    for section in article.sections:
        kept += [section.heading or "", *section.paragraphs]
    known = set(noise.words(" ".join(kept)))
    extra = [line for line in dict.fromkeys(page)
             if not set(noise.words(noise.strip_reference_marks(line))) <= known]
    if not extra:
        return article
    return dataclasses.replace(article, dropped=article.dropped + tuple(extra),
                               reasons=article.reasons + ("outside the article (site furniture)",) * len(extra))


def parse_html(text: str, source: str = "") -> Article:
    doc = _document(text, source)
    title = page_title(doc)
    language = normalise_code(doc.get("lang") or doc.get("xml:lang") or "")
    # what the extractor leaves out silently, listed so a producer sees it: captions, image descriptions
    extra: list[str] = []
    for cap in doc.xpath("//figcaption | //*[contains(concat(' ', @class, ' '), ' thumbcaption ')]"):
        text_ = " ".join(cap.text_content().split())
        if text_:
            extra.append(text_)
    notes = _italic_paragraphs(doc)
    page = _page_lines(doc)
    _strip_furniture(doc)
    content = _main_content(doc, len(text))
    walker = Walker()
    walker.walk(content if content is not None else _fallback_content(doc))
    summary = _meta(doc, "og:description") or _meta(doc, "description")
    walked = {b.text for b in walker.blocks if b.kind == "dropped"}  # a caption the extractor kept is listed there
    article = assemble(
        walker.blocks, source=source, title=title, language=language, max_level=MAX_LEVEL,
        extra_dropped=tuple(dict.fromkeys(t for t in extra if t not in walked)), summary=summary, notes=notes,
        meta={"reader": "html", "extractor": "trafilatura" if content is not None else "fallback"},
    )
    return _left_out(article, page)
