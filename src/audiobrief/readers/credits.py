"""Pictures, bylines, datelines and credits: text about the article rather than of it.

* *photo credit* / *caption*: text that belonged to a picture;
* *byline* / *dateline*: who wrote it and when, already in the feed metadata;
* *credits*: the one line kept and read as the outro ("Sources BBC News",
  "Source: ...", a licence line, an author bio at the end).

The patterns are English, with the bylines of de/fr/es ("Von", "Par", "Por");
dates in every supported language are recognised by :mod:`audiobrief.readers.shapes`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from audiobrief.readers import shapes
from audiobrief.readers.lines import QUOTES, LineContext, collapse, ends_sentence, is_long, is_prose, match_key, says, word_count

# --------------------------------------------------------------------------- pictures

_AGENCIES = (
    r"ap|afp|reuters|getty images|getty|epa(?:-efe)?|efe|ansa|dpa|xinhua|anadolu|pa images|pa wire|"
    r"shutterstock|istock|istockphoto|thinkstock|alamy|unsplash|pexels|pixabay|flickr|wikimedia commons|"
    r"wikimedia|corbis|rex features|nurphoto|sopa images|zuma press|zuma|imago|picture alliance|"
    r"magnum photos|dreamstime|adobe stock|depositphotos|123rf"
)
_AGENCY_WORD_RE = re.compile(
    r"(?:^|[\s,/(;|])(?:getty images|shutterstock|istock(?:photo)?|thinkstock|alamy|unsplash|pexels|pixabay|"
    r"wikimedia commons|dreamstime|adobe stock|depositphotos|123rf|nurphoto|sopa images|zuma press|"
    r"picture alliance|rex features|rex/shutterstock)(?:$|[\s,/);|.])"
)
_PAREN_CREDIT_RE = re.compile(
    r"\((?:(?:" + _AGENCIES + r")(?:\s+(?:photo|photos|images?|pool|file))*(?:/[^)]*)?"
    r"|(?:photo|photograph|image|picture|illustration|credit|courtesy|file photo|pool photo)s?\b[^)]*)\)\s*$"
)
_CREDIT_PREFIX_RE = re.compile(
    r"^(?:(?:featured|header|hero|cover|lead|top|main|banner|stock|file)\s+)?"
    r"(?:photo|photos|photograph|photographs|photography|image|images|picture|pictures|pic|illustration|"
    r"illustrations|graphic|graphics|artwork|video|footage|map|chart|infographic|animation)"
    r"(?:\s+(?:credit|credits|source|courtesy))?\s*(?::|by\b|credit\b|credits\b|courtesy\b|source:|©|\|)"
)
_TRAILING_CREDIT_RE = re.compile(
    r"[.!?”\"]\s+(?:Photograph|Photo|Photos|Photography|Image|Illustration|Composite|Picture|Video|"
    r"Credit|Photo credit|Image credit)s?\s*:\s*[^.!?]{2,80}$"
)
_CREDIT_WORD_RE = re.compile(r"^(?:credit|courtesy of|courtesy|photographer|photographed by|shot by)\s*[:\s]\s*\S")
_VIA_AGENCY_RE = re.compile(
    r"(?:/|\bvia\s|\bfor\s)\s*(?:" + _AGENCIES + r")\b\s*$|^(?:" + _AGENCIES + r")\s*/\s*\S"
)


@lru_cache(maxsize=4096)
def is_photo_credit(line: str) -> bool:
    """A picture credit: "Photo: ...", "(AP Photo/...)", "Image credit ...",
    "Jane Doe/Getty Images", "name, iStock, Thinkstock", "Photo by X on Unsplash".

    A caption that ends with its credit in parentheses counts as a credit.
    """
    text = collapse(line)
    key = text.translate(QUOTES).casefold()
    words = word_count(key)
    if words == 0:
        return False
    if _PAREN_CREDIT_RE.search(key) and words <= 80:
        return True
    if (_TRAILING_CREDIT_RE.search(text) or shapes.ends_with_picture_credit(text)) and words <= 80:
        return True  # "... in 2019. Photograph: Jane Roe/The Guardian", "... del barrio. Foto: El Eco"
    if words > 20:
        return False
    if _CREDIT_PREFIX_RE.match(key):
        return True
    if re.match(r"^(?:image|photo|picture|video|media) (?:caption|source|description)\s*[,:]", key):
        return True
    if _CREDIT_WORD_RE.match(key) and words <= 12:
        return True
    if _AGENCY_WORD_RE.search(key) and (not ends_sentence(text) or words <= 6):
        return True
    if _VIA_AGENCY_RE.search(key.rstrip(". ")) and words <= 12:
        return True
    return False


_PLACE_PREP_RE = re.compile(r"\b(?:in|at|near|outside|inside|off|over)\s+(?:the\s+)?[A-Z][\w’'.-]+")
_PLACE_TAIL_RE = re.compile(r",\s+(?:[A-Z][\w’'.-]*)(?:\s+[A-Z][\w’'.-]*){0,3}$")
_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_FULL_DATE_RE = re.compile(
    r"\b(?:" + _MONTH_NAMES + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b|\b\d{1,2}\s+(?:" + _MONTH_NAMES + r")\.?\s+\d{4}\b",
    re.I,
)


def looks_like_caption(line: str, ctx: Optional[LineContext] = None) -> bool:
    """A picture caption rather than a heading.

    Signals: a picture credit in the line; the same line standing alone more
    than once; the shape "Thing in Place, Country" (a located noun phrase); a
    full date inside a short unpunctuated line ("... in Kyiv on May 3, 2023").
    """
    text = collapse(line)
    if not text or is_long(text) and not is_photo_credit(text):
        return False
    if is_photo_credit(text):
        return True
    if ctx is not None and ctx.occurrences > 1 and not is_prose(text):
        return True
    if ends_sentence(text) or text.endswith("?"):
        return False
    if word_count(text) >= 5 and _PLACE_PREP_RE.search(text) and _PLACE_TAIL_RE.search(text):
        return True
    if word_count(text) >= 5 and _FULL_DATE_RE.search(text):
        return True
    if word_count(text) <= 8 and re.search(r"\s(?:logo|wordmark|screenshot|screen shot|photograph|portrait)$", text, re.I):
        return True  # "Firefox logo", "Screenshot of the app"
    return False


# --------------------------------------------------------------------------- bylines and dates

_BYLINE_RE = re.compile(
    r"^(?:by|written by|words by|story by|text by|posted by|published by|reporting by|reported by|"
    r"interview by|author|authors|written and reported by|von|por|par|door)\s*:?\s+(?P<rest>.+)$",
    re.I,
)
_NAME_PARTICLES = frozenset("de da del della der di du la le van von bin al el y dos das ten ter st. st".split())
_NAME_TOKEN_RE = re.compile(r"^(?:[A-Z][\w’'.-]*|[A-Z]\.)$")


def looks_like_name(line: str) -> bool:
    """"Leonard Sipes", "Jane van der Berg", "J. R. Smith", "Ann Lee and Bo Chan"
    (2–5 capitalised words each, no digits)."""
    text = collapse(line).strip(" ,;")
    parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s+&\s+", text) if p.strip()]
    if len(parts) > 1:
        return len(parts) <= 4 and all(_one_name(p) for p in parts)
    return _one_name(text)


def _one_name(text: str) -> bool:
    text = text.strip(" ,;")
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or len(text) > 50 or any(ch.isdigit() for ch in text):
        return False
    caps = 0
    for token in tokens:
        if token.casefold() in _NAME_PARTICLES:
            continue
        if not _NAME_TOKEN_RE.match(token):  # every other word capitalised ("JANE DOE" too)
            return False
        caps += 1
    return caps >= 2 and match_key(text) not in shapes.word_set("chrome")


def _split_byline(rest: str) -> str:
    """"Jane Doe | Updated May 3" -> "Jane Doe"; "Jane Doe, Staff Writer" -> "Jane Doe"."""
    rest = re.split(r"\s*[|·•–—]\s*|\s+-\s+|\s+(?:on|updated|published|posted)\s+|\s+at\s+(?=\d)", rest,
                    maxsplit=1, flags=re.I)[0]
    return rest.strip(" ,;:")


def byline_name(line: str) -> Optional[str]:
    """The author named by a byline, or ``None``."""
    text = collapse(line)
    role = _ROLE_RE.match(text)
    if role and looks_like_name(role.group("name")) and not _BYLINE_RE.match(text):
        return role.group("name")
    m = _BYLINE_RE.match(text)
    if not m:
        return None
    rest = _split_byline(m.group("rest"))
    names = re.split(r",\s*|\s+and\s+|\s+&\s+", rest)
    first = names[0].strip()
    if not first or not first[0].isupper():
        return None
    return rest if rest else None


_ROLE_RE = re.compile(
    r"^(?P<name>[A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]*|de|da|van|von|der|la|le)){1,3}?)\s*(?:[,|·•–—-]\s*)?"
    r"(?P<role>(?:[\w’'&-]+\s+){0,5}(?i:correspondent|reporter|editor|writer|journalist|columnist|contributor|"
    r"staff|producer|analyst|critic|photographer|editor-at-large|bureau chief)s?(?:\s+(?:in|at|for)\s+.{1,30})?)$"
)


def is_byline(line: str) -> bool:
    """"By Jane Doe", "By JANE DOE and John Roe, Staff Writers", "Posted by X on May 3",
    "Jane Doe, Staff Writer", "Tom Briggs North of England correspondent", "Shaun Walker in Kyiv"."""
    text = collapse(line)
    if word_count(text) <= 12 and not ends_sentence(text):
        m = _ROLE_RE.match(text)
        if m and looks_like_name(m.group("name")) and not m.group("role").casefold().startswith("the "):
            return True
    m = _BYLINE_RE.match(text)
    if not m or word_count(text) > 20:
        return False
    rest = _split_byline(m.group("rest"))
    if not rest or not rest[0].isupper():
        return False
    if ends_sentence(text) and not re.search(r"\b[A-Z]\.$|\b(?:Jr|Sr|Inc|Ltd|Co)\.$", text):
        return False
    names = [n.strip() for n in re.split(r",\s*|\s+and\s+|\s+&\s+", rest) if n.strip()]
    head = names[0]
    if looks_like_name(head) or (len(head.split()) == 1 and head.isupper() and len(head) > 1):
        return True  # "By Jane Doe", "By REUTERS" (not "By Design")
    return head.isupper() and 1 <= len(head.split()) <= 5


_DATE_PREFIX_RE = re.compile(
    r"^(?:(?:last\s+)?(?:updated|modified|edited|reviewed)|(?:first\s+|originally\s+)?published|posted|"
    r"date|dated|released|issued|created|written)\s*(?:on|at|:)?\s*",
    re.I,
)
_DATE_TOKEN_RE = re.compile(
    r"^(?:"
    r"(?:" + _MONTH_NAMES + r")\.?|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?|"
    r"\d{1,2}(?:st|nd|rd|th)?|\d{4}|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:t[\d:.]+z?)?|"
    r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:am|pm|a\.m\.|p\.m\.)?|\d{1,2}(?:am|pm|a\.m\.|p\.m\.)|"
    r"a\.m\.?|p\.m\.?|am|pm|noon|midnight|"
    r"at|on|of|the|and|ago|just now|today|yesterday|"
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)|an|a|"
    r"utc|gmt|bst|cet|cest|eet|eest|est|edt|cst|cdt|mst|mdt|pst|pdt|akst|hst|ist|jst|aest|aedt|et|pt|ct|mt|"
    r"[+-]\d{2}:?\d{2}"
    r")$",
    re.I,
)


@lru_cache(maxsize=4096)
def is_dateline(line: str) -> bool:
    """A line that is only a date/time: "May 27, 2016", "Updated 10:30 a.m.",
    "Published: Mon 3 June 2024 10.30 BST", "3 hours ago", "2016-05-27"."""
    text = collapse(line)
    if not text or word_count(text) > 14:
        return False
    rest = _DATE_PREFIX_RE.sub("", text, count=1)
    had_prefix = rest != text
    tokens = [t for t in re.split(r"[\s,|·•()]+", rest) if t and t not in {"-", "–", "—", "/", "@"}]
    if not tokens:
        return had_prefix and text.rstrip(":").casefold() in {"updated", "published", "posted"}
    if len(tokens) == 1 and not had_prefix and not re.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|^(?:today|yesterday)$",
                                                             tokens[0], re.I):
        return False  # "May", "March": a word, not a date
    anchored = False
    for token in tokens:
        t = token.strip(".").casefold() if not re.search(r"[ap]\.m\.?$", token, re.I) else token.casefold()
        t = t or token
        if not _DATE_TOKEN_RE.match(t) and not _DATE_TOKEN_RE.match(token.casefold()):
            return False
        if re.match(r"^(?:" + _MONTH_NAMES + r")$", t) or re.match(r"^\d{4}$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", t) \
                or re.match(r"^\d{1,2}[:.h]\d{2}|^\d{1,2}(?:am|pm)$", t) or t in {"ago", "today", "yesterday"}:
            anchored = True
        if re.match(r"^[ap]\.m\.?$|^(?:am|pm)$", t):
            anchored = True
    return anchored


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def parse_date(line: str) -> Optional[str]:
    """The first calendar date in a line as ISO ``YYYY-MM-DD``, or ``None``."""
    text = collapse(line)
    m = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", text)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.search(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", text)
        if m and m.group(1).casefold() in _MONTHS:
            month, day, year = _MONTHS[m.group(1).casefold()], int(m.group(2)), int(m.group(3))
        else:
            m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", text)
            if not m or m.group(2).casefold() not in _MONTHS:
                return None
            day, month, year = int(m.group(1)), _MONTHS[m.group(2).casefold()], int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1000 <= year <= 2999):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_bare_author(line: str, ctx: Optional[LineContext]) -> bool:
    """A bare name printed right next to a date line ("Leonard Sipes" / "May 27, 2016")."""
    if ctx is None:
        return False
    beside_date = (ctx.next is not None and is_dateline(ctx.next)) or (ctx.prev is not None and is_dateline(ctx.prev))
    return beside_date and looks_like_name(line)


# --------------------------------------------------------------------------- credits (kept as the outro)

_SOURCES_RE = re.compile(
    r"^(?:sources?|credits?|references?|via|adapted from|based on reporting (?:by|from)|"
    r"additional reporting(?: by)?|with reporting (?:by|from)|information from|data(?: source)?s?)"
    r"(?:\s*[:–—-]\s*|\s+)(?P<rest>\S.*)$",
    re.I,
)
_ORIGIN_RE = re.compile(
    r"^(?:this (?:article|story|post|piece|essay|interview|report|column) (?:was |is |first )?"
    r"(?:originally |first )?(?:published|appeared|posted|republished|reprinted|syndicated|adapted)"
    r"|(?:originally|first) (?:published|appeared|posted)\b"
    r"|(?:re)?published (?:with|by|under)\b"
    r"|reprinted (?:with|from|by)\b"
    r"|republished (?:with|from|by|under)\b"
    r"|cross-?posted (?:from|on)\b)",
    re.I,
)


def is_sources_line(line: str) -> bool:
    """"Sources BBC News", "Source: Reuters", "Credits: ...", "Originally published on X"."""
    text = collapse(line)
    if not text or word_count(text) > 40:
        return False
    if _ORIGIN_RE.match(text):
        return True
    m = _SOURCES_RE.match(text)
    if not m:
        return False
    rest = m.group("rest")
    head = text[: m.start("rest")].strip(" :–—-").casefold()
    if head in {"sources", "source", "credits"} and ":" in text[: m.start("rest")]:
        return True  # "Sources: the authors' own notes": a label and a colon, whatever follows
    if not rest[:1].isupper() and not rest[:1].isdigit() and not rest.startswith(("http", "www.")):
        return False  # "Sources say the deal ...", "Source code is on GitHub"
    separator = text[len(head): m.start("rest")]
    if head in {"sources", "source", "credits", "credit", "references", "reference"}:
        if any(mark in separator for mark in ":–—-"):
            return True
        # no separator: a short label-like remainder ("Sources BBC News"), not a sentence
        return word_count(rest) <= 12 and not (ends_sentence(rest) and word_count(rest) > 3)
    return ":" in separator or word_count(text) <= 20


_LICENCE_RE = re.compile(
    r"\blicen[cs]ed under\b|\bunder (?:a|the) (?:creative commons|cc[ -]by|cc0|gnu|mit|apache)\b"
    r"|\bcreative commons\b|\bcc[ -]by(?:[ -](?:sa|nd|nc))*(?: \d\.\d)?\b|\bcc0\b"
    r"|\bin the public domain\b|\bpublic domain dedication\b|\bpublished under (?:a|the) .{0,40}licen[cs]e\b",
    re.I,
)


def is_licence_line(line: str) -> bool:
    """"This article is licensed under CC BY 4.0", "Text is available under the Creative Commons ..."."""
    return says(_LICENCE_RE, collapse(line), 45, least=3)


_BIO_KEYWORDS_RE = re.compile(
    r"\bcan be (?:contacted|reached|emailed|found)\b|\b(?:contact|email|follow|reach) (?:him|her|them)\b"
    r"|\bwrites about\b|\bis the author of\b|\bis (?:a|an|the) (?:[\w’'-]+ ){0,6}"
    r"(?:writer|editor|reporter|journalist|correspondent|columnist|specialist|author|contributor|analyst|"
    r"researcher|student|professor|lecturer|director|manager|officer|fellow|designer|developer|engineer|"
    r"consultant|producer|blogger|founder|co-founder|host|strategist|scientist|economist|historian|"
    r"photographer|critic|intern|teacher|advocate|attorney|lawyer|adviser|advisor|executive|president|"
    r"chief|head|lead|member|coordinator|evangelist|practitioner)\b",
    re.I,
)
_BIO_START_RE = re.compile(
    r"^(?P<name>(?:(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+)?[A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]*|de|da|van|von|der|la|le)){1,4})"
    r"(?:,\s*[^,]{1,60},)?\s+(?:is|was|has been|writes|works|covers|teaches|leads)\b"
)


def is_author_bio(line: str, author: Optional[str] = None) -> bool:
    """A closing author bio: "Jane Doe is a reporter ... She can be reached at ..."."""
    text = collapse(line)
    words = word_count(text)
    if words < 6 or words > 90:
        return False
    if re.match(r"^about the author\s*[:–—-]\s*\S", text, re.I):
        return True
    m = _BIO_START_RE.match(text)
    if not m:
        return False
    if author and match_key(m.group("name")) == match_key(author):
        return True
    return bool(_BIO_KEYWORDS_RE.search(text))


@lru_cache(maxsize=4096)
def is_credits_line(line: str, author: Optional[str] = None) -> bool:
    """Any line fit to be read as the outro credits (sources, origin, licence, bio)."""
    return is_sources_line(line) or is_licence_line(line) or is_author_bio(line, author)
