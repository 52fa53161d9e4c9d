"""Site furniture: what in a copied page is not the article, one line at a time.

*Chrome* is site furniture copied along with the article: menus, share
buttons, "Advertisement", cookie and newsletter prompts, banners, crumbs,
tag and link lists.  :func:`noise_reason` gives one verdict per line,
built on the line judgements of :mod:`audiobrief.readers.lines` and the
picture/byline/credits judgements of :mod:`audiobrief.readers.credits`
(both re-exported here, as every reader asks this module).

Most furniture is found by its place (:mod:`audiobrief.readers.zones`:
above the headline, after the article); the words that mark a line as
furniture wherever it stands are data, per language, in
``data/furniture.toml``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from audiobrief.readers import shapes
from audiobrief.readers.credits import (
    byline_name, is_author_bio, is_bare_author, is_byline, is_credits_line, is_dateline, is_licence_line,
    is_photo_credit, is_sources_line, looks_like_caption, looks_like_name, parse_date,
)
from audiobrief.readers.lines import (
    QUOTES, LineContext, collapse, ends_sentence, is_bullet, is_headingish, is_long, is_prose,
    is_title_case, match_key, says, strip_bullet, strip_reference_marks, word_count, words,
)

__all__ = [
    "LineContext",
    "words",
    "collapse",
    "match_key",
    "word_count",
    "is_long",
    "ends_sentence",
    "is_prose",
    "is_headingish",
    "is_title_case",
    "is_bullet",
    "strip_bullet",
    "strip_reference_marks",
    "is_site_chrome",
    "is_weak_chrome",
    "is_gov_banner",
    "is_archive_notice",
    "is_cookie_notice",
    "is_newsletter_prompt",
    "is_breadcrumb",
    "is_related_link",
    "is_tag_list",
    "is_separator",
    "is_copyright",
    "opens_link_block",
    "is_photo_credit",
    "looks_like_caption",
    "is_byline",
    "byline_name",
    "is_dateline",
    "parse_date",
    "looks_like_name",
    "is_bare_author",
    "is_sources_line",
    "is_licence_line",
    "is_author_bio",
    "is_credits_line",
    "noise_reason",
    "END_MATTER_HEADINGS",
]

#: headings after which the rest of a page is end matter (references, comments), not article
END_MATTER_HEADINGS = shapes.word_set("end_matter")


# --------------------------------------------------------------------------- site chrome




def is_weak_chrome(line: str) -> bool:
    """A chrome word that an article could also use as a heading (judge it by its place)."""
    return match_key(line) in shapes.word_set("weak")




#: whole-line shapes of site chrome, each with the most words a line of it has
_UNBOUNDED = 10 ** 6
_CHROME_SHAPES = tuple((re.compile(pattern), most) for pattern, most in (
    (r"^\d+$", _UNBOUNDED),  # comment counters, page numbers
    (r"^(?:\d+\s+(comments?|replies|responses|shares?)|(comments?|replies|responses)\s*\(?\d+\)?)$", _UNBOUNDED),
    (r"^\d+\s*(-\s*)?(min|mins|minute|minutes)(\s+read|\s+listen)?$", _UNBOUNDED),
    (r"^(reading|read|listening) time:?\s*.*\d+\s*(min|mins|minutes?)$", _UNBOUNDED),
    (r"^(skip|jump) to (the )?(main )?(content|navigation|search|footer|menu)", 8),
    (r"^more (from|by|in|on) [\w .'&-]{1,40}$", 6),
    (r"\bnot responsible for the content of external\b", _UNBOUNDED),
    (r"^(share|post|send) (on|to|via|by) \w[\w ]{0,20}$", _UNBOUNDED),
    (r"^(follow|like|find) us on \w[\w ,]{0,40}$", _UNBOUNDED),
    (r"^(click|tap) here.{0,60}$", 10),
    (r"^(download|get) (the|our) (\w+ )?app.{0,40}$", 10),
    (r"^(advertisement|sponsored|ad)\s*[-–—:|]\s*.{0,60}$", 10),
    (r"^(scroll|continue) (down )?(to|for) (continue|read|more).{0,30}$", _UNBOUNDED),
    (r"^(from wikipedia, the free encyclopedia|jump to(: | )navigation|this article is about\b|"
     r"for other uses, see\b|\"?[\w ]{1,40}\"? redirects here\b)", 40),
    (r"^(main articles?|further information|see also|further|for more information|main page)\s*:\s*\S", 20),
    (r"^(story|article) continues", _UNBOUNDED),
    (r"^(this article is more than|this (article|story|post) is (more than|over) .{1,20} old)$", _UNBOUNDED),
))


@lru_cache(maxsize=4096)
def is_site_chrome(line: str) -> bool:
    """A menu word, share button, ad marker, pager... (exact, whole-line match)."""
    key = match_key(line)
    if not key:
        return bool(line.strip())  # only punctuation or symbols
    if key in shapes.word_set("chrome"):
        return True
    if any(says(shape, key, most) for shape, most in _CHROME_SHAPES):
        return True
    return (
        is_gov_banner(line)
        or is_archive_notice(line)
        or is_cookie_notice(line)
        or is_newsletter_prompt(line)
        or is_breadcrumb(line)
        or is_related_link(line)
        or is_tag_list(line)
        or is_copyright(line)
    )


_GOV_BANNER_RE = re.compile(
    r"^an official (web)?site of (the )?.{2,60}(government|state|commonwealth|city|county|union)"
    r"|^here'?s how you know"
    r"|^official websites use \.\w+"
    r"|^secure \.\w+ websites use https"
    r"|\.gov website belongs to an official"
    r"|means you'?ve safely connected to the \.\w+ website"
    r"|^share sensitive information only on official",
)


def is_gov_banner(line: str) -> bool:
    """The government-site banner ("An official website of ...", "Here's how you know")."""
    return bool(_GOV_BANNER_RE.search(match_key(line)))


_ARCHIVE_RE = re.compile(
    r"\bcollection of archived\b"
    r"|\barchived (material|content|page|information|website|site|post|article|document|news release|blog)"
    r"|\b(page|content|article|post|site|document|material|release|story) (has been|is|was|have been) archived\b"
    r"|\bno longer (being )?(updated|maintained|current|reviewed)\b"
    r"|^this is an archived\b|^archived (content|page|article|post|information)\b|^archive notice\b"
    r"|\bprovided for (historical|reference|archival) (purposes|reference)\b"
)


def is_archive_notice(line: str) -> bool:
    """"You have reached a collection of archived material", "no longer being updated"."""
    return says(_ARCHIVE_RE, match_key(line), 80)


_COOKIE_RE = re.compile(
    r"\bcookies?\b.{0,200}\b(use|uses|using|accept|consent|policy|settings|preferences|continu|experience|"
    r"store|stored|track|analytics|agree|enable|personali[sz]e)"
    r"|\b(we|this (web)?site|our (web)?site|our partners)( and our partners)? (uses?|store|collect)s? cookies\b"
    r"|^we (value|care about) your privacy"
    r"|^by (continuing|using|clicking).{0,60}(agree|accept|consent)"
)


#: a consent banner pasted with its buttons: "... you agree to our use of cookies. Accept Manage settings",
#: "... acepta su uso. Aceptar Configurar": a sentence, then a few capitalised words that end nothing
_BUTTON_TAIL_RE = re.compile(r"[.!?…]\s+(?P<tail>[^\W\d_][\w'’-]*(?:\s+[\w'’-]+){0,3})\s*$")
_COOKIE_WORD_RE = re.compile(r"\bcookies?\b", re.I)


def is_cookie_notice(line: str) -> bool:
    """Cookie and consent banners: the English wording, or in any language the word "cookie"
    in a line that ends with the banner's buttons (the word alone is shared by every language
    the reader speaks; the buttons tell the banner from an article about cookies)."""
    if says(_COOKIE_RE, match_key(line), 80):
        return True
    if word_count(line) > 80 or not _COOKIE_WORD_RE.search(line):
        return False
    tail = _BUTTON_TAIL_RE.search(collapse(line))
    return tail is not None and tail.group("tail")[:1].isupper()


_NEWSLETTER_RE = re.compile(
    r"^(subscribe|sign up|signup|join|register|get|receive|enter your email|sign me up)\b.{0,120}"
    r"\b(newsletter|inbox|email|e-mail|updates|alerts|digest|briefing|subscribers?)\b"
    r"|\bnewsletter\b.{0,80}\b(subscribe|sign up|inbox|delivered|sent|weekly|daily|free)\b"
    r"|\b(subscribe|sign up)\b.{0,60}\bnewsletter\b"
    r"|^(already a (subscriber|member)|become a (member|subscriber|patron)|support (our|independent) journalism"
    r"|thank you for reading|thanks for reading|you've read \d+|subscribe (now|today) for|unlock (this|all|unlimited)"
    r"|create a free account|to continue reading)"
    r"|^(enter|your) email( address)?$"
    r"|^(subscribe|sign up|register) (to|for) (our|the|my) \w+"
)


def is_newsletter_prompt(line: str) -> bool:
    """"Subscribe to our newsletter", "Sign up for updates", paywall prompts."""
    return says(_NEWSLETTER_RE, match_key(line), 35)


_CRUMB_SEP_RE = re.compile(r"\s+[›»>/|→>:]\s+|\s*[›»→]\s*")


def is_breadcrumb(line: str) -> bool:
    """"Home > News > World", "Home / Blog / Post"."""
    parts = [p for p in _CRUMB_SEP_RE.split(line.strip()) if p.strip()]
    if len(parts) < 2 or word_count(line) > 20:
        return False
    if not all(word_count(p) <= 6 and not ends_sentence(p) for p in parts):
        return False
    seps = _CRUMB_SEP_RE.findall(line)
    if len(set(s.strip() for s in seps)) != 1:
        return False
    sep = seps[0].strip()
    if sep == "/" and len(parts) == 2 and _section_names(parts):
        return True  # "Actualidad / Medio ambiente", "News / Local": a section and its subsection
    if sep in ":/|" and match_key(parts[0]) not in {"home", "homepage", "you are here", "start", "main"}:
        return False  # "Title: subtitle", "A/B", "Title | Site" are not crumbs on their own
    return len(parts) >= 3 or match_key(parts[0]) in {"home", "homepage", "you are here", "start"}


def _section_names(parts: list[str]) -> bool:
    """Short capitalised names with no digit (a section of a site), not a phrase or a ratio."""
    return all(word_count(p) <= 3 and p.strip()[:1].isupper() and not any(ch.isdigit() for ch in p)
               for p in parts)


_RELATED_RE = re.compile(
    r"^(related|related articles?|related stories|related posts?|related content|related topics|see also|"
    r"also read|read also|read more|more|more on this|more from [\w .'-]{1,40}|recommended|watch|listen|"
    r"don'?t miss|further reading|next up|up next|must read|top story|most read|trending|explore more|"
    r"related coverage|also see|see more)\s*[:|–—-]\s*\S"
)


def is_related_link(line: str) -> bool:
    """"Related: Another story", "READ MORE: ...", "Watch: ..." (a link to elsewhere)."""
    key = match_key(line)
    if word_count(key) > 30:
        return False
    m = _RELATED_RE.match(key)
    if not m:
        return False
    if m.group(1) in {"watch", "listen"}:
        return word_count(key) <= 20
    return True


_TAG_RE = re.compile(
    r"^(?P<head>tags?|tagged|tagged with|topics?|keywords|categories|category|filed under|posted in|labels?)"
    r"(?P<sep>\s*[:|]\s*|\s+)(?P<rest>\S.*)$"
)


def is_tag_list(line: str) -> bool:
    """"Tags: a, b, c", "Filed under Politics, World", "#audio #podcast"."""
    text = collapse(line)
    tokens = text.split()
    if tokens and all(t.startswith("#") and len(t) > 1 for t in tokens):
        return True
    key = match_key(line)
    m = _TAG_RE.match(key)
    if not m or word_count(key) > 30 or ends_sentence(text):
        return False
    if m.group("sep").strip():
        return True
    # without a colon only the unambiguous labels, followed by a list or a word or two
    return m.group("head") in {"tags", "tag", "tagged", "tagged with", "filed under", "posted in"} and (
        "," in m.group("rest") or word_count(m.group("rest")) <= 4
    )


def is_separator(line: str) -> bool:
    """"* * *", "---", "###", "~~~": a visual break, nothing to say."""
    stripped = line.replace(" ", "")
    return bool(stripped) and not any(ch.isalnum() for ch in stripped)


_COPYRIGHT_RE = re.compile(r"^(©|\(c\)|copyright\b)|\ball rights reserved\b|^powered by\b")


def is_copyright(line: str) -> bool:
    return says(_COPYRIGHT_RE, collapse(line).translate(QUOTES).casefold(), 30) and not is_licence_line(line)


def opens_link_block(line: str) -> bool:
    """A chrome header ("Related Topics", "Tags", "Contents") whose next short lines are links."""
    key = match_key(line)
    return key in shapes.word_set("link_block") or bool(re.fullmatch(r"more (from|in|on) [\w .'&-]{1,40}", key))


# --------------------------------------------------------------------------- one verdict per line

def noise_reason(line: str, ctx: Optional[LineContext] = None) -> Optional[str]:
    """Why a line is not article text, judged on the line (and its neighbours), or ``None``.

    Reasons: ``separator``, ``chrome``, ``photo credit``, ``byline``,
    ``dateline``.  Credits lines are *not* noise: the reader decides where
    they belong.  Captions without a credit need the layout around them and
    are left to the reader (see :func:`looks_like_caption`).
    """
    text = collapse(line)
    if not text:
        return None
    if len(text) > 1000 or word_count(text) > 80:
        return None  # a real paragraph: no banner, caption or menu is this long
    if is_separator(text):
        return "separator"
    if shapes.is_picture_credit(text):
        return "photo credit"
    if is_licence_line(text) or is_sources_line(text) and not is_photo_credit(text):
        return None
    if is_site_chrome(text):
        return "chrome"
    if is_photo_credit(text):
        return "photo credit"
    if is_byline(text):
        return "byline"
    if shapes.is_stamp(text):
        return "dateline"
    if is_dateline(text):
        return "dateline"
    if is_bare_author(text, ctx):
        return "byline"
    return None
