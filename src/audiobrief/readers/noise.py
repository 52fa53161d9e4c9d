"""Line heuristics shared by the readers: what in a copied page is not the article.

Every function here is small and pure: it looks at one line (whitespace already
collapsed) and, where the line alone cannot tell, at a :class:`LineContext`
describing its neighbours.  The plain-text reader uses all of them; the
Markdown and HTML readers can reuse the same judgements on their own blocks.

Vocabulary:

* *chrome*: site furniture copied along with the article (menus, share
  buttons, "Advertisement", cookie and newsletter prompts, banners, crumbs);
* *photo credit* / *caption*: text that belonged to a picture;
* *byline* / *dateline*: who wrote it and when, already in the feed metadata;
* *credits*: the one line kept and read as the outro ("Sources BBC News",
  "Source: ...", a licence line, an author bio at the end).

Nothing here special-cases a particular site or article; the word lists are
the common English furniture of news sites, blogs and government pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from audiobrief.readers import shapes

__all__ = [
    "LineContext",
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


@dataclass(frozen=True)
class LineContext:
    """What a line's neighbours look like (all strings whitespace-collapsed).

    ``prev``/``next`` are the nearest non-empty lines; ``blank_before`` /
    ``blank_after`` say whether a blank line separates them; ``occurrences``
    counts how often this exact line stands alone in the whole text.
    """

    prev: Optional[str] = None
    next: Optional[str] = None
    blank_before: bool = True
    blank_after: bool = True
    occurrences: int = 1


# --------------------------------------------------------------------------- basics

_INVISIBLE_RE = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")
_WORD_RE = re.compile(r"\S*\w\S*")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})
_EDGE_JUNK = " \t\"'`:;,.!?|•·*#>»«›‹→←↑↓▶►▸◂◀+-–—_=~()[]{}…"

_CLOSERS = "\"'”’»)]}*_"
_SENTENCE_END = ".!…;:"


@lru_cache(maxsize=65536)
def collapse(line: str) -> str:
    """The line with invisible characters removed and whitespace collapsed."""
    return " ".join(_INVISIBLE_RE.sub("", line).split())


@lru_cache(maxsize=4096)
def match_key(line: str) -> str:
    """A comparison key: case-folded, straight quotes, edge punctuation trimmed."""
    return collapse(line).translate(_QUOTES).casefold().strip(_EDGE_JUNK)


def words(text: str) -> list[str]:
    """The case-folded words of ``text`` (letters and digits), for comparing texts word by word."""
    return re.findall(r"\w+", text.casefold())


@lru_cache(maxsize=65536)
def word_count(line: str) -> int:
    """Words that contain a letter or digit ("—" and "|" do not count)."""
    return len(_WORD_RE.findall(line))


def is_long(line: str) -> bool:
    """Longer than any heading could be: more than 12 words or 100 characters."""
    return word_count(line) > 12 or len(line) > 100


def _last_char(line: str) -> str:
    stripped = line.rstrip().rstrip(_CLOSERS)
    return stripped[-1:] if stripped else ""


def ends_sentence(line: str) -> bool:
    """Ends like a sentence (. ! … ; :), closing quotes/brackets ignored.

    A question mark is *not* counted: "Where's the Party At?" is a heading.
    """
    return _last_char(line) in _SENTENCE_END and _last_char(line) != ""


def is_prose(line: str) -> bool:
    """Reads as running text: long, or a finished sentence (not a question)."""
    return is_long(line) or (ends_sentence(line) and word_count(line) >= 2)


_BULLET_RE = re.compile(r"^(?:[•◦▪▫‣∙·●○■□➢➤►▶✓✔\-–—*+]|\(?[a-z]\)|\d{1,2}[.)])\s+", re.I)
_GLYPH_BULLET_RE = re.compile(r"^[•◦▪▫‣∙·●○■□➢➤►▶✓✔\-–—*+]\s+")


_EDIT_LINK_RE = re.compile(r"\s*\[\s*(?:edit|edit source|change|modifier|bearbeiten)\s*\]", re.I)
_CITATION_RE = re.compile(
    r"(?<=[\w.,;:!?)’'\"”\]])\[(?:\d{1,3}|[a-z]|note \d{1,3}|nb \d{1,3}|citation needed|clarification needed|"
    r"update|dubious[^\]]{0,30}|when\?|who\?|which\?|according to whom\?|by whom\?|verification needed|"
    r"page needed|full citation needed|better source needed|failed verification|original research\??)\]",
    re.I,
)


def strip_reference_marks(line: str) -> str:
    """Remove wiki "[edit]" links and citation marks ("[12]", "[citation needed]") from a line."""
    return collapse(_CITATION_RE.sub("", _EDIT_LINK_RE.sub("", line)))


def is_bullet(line: str, numbers: bool = True) -> bool:
    """Starts with a list marker: "• ", "- ", "* " (and, unless ``numbers`` is false, "1. ", "a) ")."""
    return bool((_BULLET_RE if numbers else _GLYPH_BULLET_RE).match(line))


def strip_bullet(line: str) -> str:
    """Remove a bullet glyph (never a number: "1." is spoken)."""
    return _GLYPH_BULLET_RE.sub("", line, count=1)


def _starts_like_heading(line: str) -> bool:
    text = line.lstrip("\"'“‘«(¿¡[")
    if not text:
        return False
    first = text[0]
    if first.isdigit() or first.isupper():
        return True
    word = text.split()[0]
    return any(ch.isupper() for ch in word[1:])  # iPhone, eBay


def is_headingish(line: str) -> bool:
    """Short, capitalised, and not a finished sentence (a '?' is allowed)."""
    if not line or is_long(line) or ends_sentence(line) or is_bullet(line, numbers=False):
        return False
    if _last_char(line) in ",-–—/&" or word_count(line) == 0:
        return False
    return _starts_like_heading(line)


_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of off on onto or over per so the to up via vs vs. with "
    "is are be de da del der di du la le van von".split()
)


def is_title_case(line: str) -> bool:
    """Most significant words capitalised ("Real People, Real Problems")."""
    words = [w.strip("\"'“”‘’()[],:;!?.") for w in line.split()]
    significant = [w for w in words if w and w.casefold() not in _SMALL_WORDS and w[0].isalpha()]
    if not significant:
        return False
    capped = sum(1 for w in significant if w[0].isupper())
    return capped / len(significant) >= 0.8


# --------------------------------------------------------------------------- site chrome

def _word_set(table: str) -> frozenset[str]:
    """A "|"-separated table (newlines ignored) as a set of match keys."""
    return frozenset(item.strip() for item in table.replace("\n", " ").split("|")) - {""}


_CHROME = _word_set(
    """
    skip to main content|skip to content|skip to main|skip navigation|skip to navigation|skip to footer|
    jump to navigation|jump to content|jump to main content|jump to: navigation, search|
    menu|main menu|open menu|close menu|toggle menu|toggle navigation|navigation|main navigation|site navigation|
    close|search|search this site|open search|search the site|home|homepage|home page|
    share|share this|share this article|share this story|share this page|share this post|share article|share story|
    share on facebook|share on twitter|share on x|share on linkedin|share on whatsapp|share via email|share by email|
    share this:|like this:|tweet|pin it|facebook|twitter|x (formerly twitter)|linkedin|reddit|whatsapp|pinterest|
    instagram|youtube|tiktok|telegram|mastodon|threads|bluesky|flipboard|
    email|e-mail|email this|email this article|mail|print|print this page|print this article|print article|
    comments|comment|leave a comment|leave a reply|post a comment|view comments|show comments|hide comments|
    join the conversation|add a comment|
    advertisement|advertisements|ad|ads|sponsored|sponsored content|promoted|paid content|partner content|
    story continues below advertisement|article continues below advertisement|continue reading below|
    read more|continue reading|read next|read full article|read the full article|read full story|see more|
    show more|load more|view more|more|
    related|related topics|related articles|related stories|related posts|related content|related links|
    related reading|related coverage|related news|recommended|recommended for you|recommended stories|
    you may also like|you might also like|more stories|more like this|most read|most popular|most viewed|
    trending|trending now|popular|popular posts|latest|latest news|latest stories|top stories|editor's picks|
    return to top|back to top|to top|top|scroll to top|go to top|top of page|
    subscribe|subscribe now|subscribe today|sign in|sign up|sign out|log in|login|logout|log out|register|
    create account|create an account|my account|account|newsletter|newsletters|get the newsletter|
    follow us|follow|copy link|copy the link|link copied|copied|save|save article|saved|bookmark|
    listen|listen to this article|listen to article|listen to this story|audio|play|pause|
    next|previous|prev|next article|previous article|next post|previous post|next story|older posts|newer posts|
    tags|tag|topics|categories|category|filed under|
    about us|contact us|privacy|privacy policy|privacy notice|terms|terms of use|terms of service|
    terms and conditions|cookie policy|cookie settings|cookie preferences|cookies|manage cookies|
    accept|accept all|accept all cookies|accept cookies|reject all|decline|got it|i agree|agree|
    manage preferences|manage consent|sitemap|site map|accessibility|accessibility statement|rss|rss feed|
    donate|support us|translate|select language|print/export|download pdf|download|
    contents|table of contents|in this article|on this page|in this story|jump to|
    loading|loading...|image|photo|video|gallery|view gallery|enlarge|enlarge image|expand|zoom|
    view image|open image|fullscreen|watch|watch video|watch now|play video|
    about the author|author|written by|posted by|published|updated|last updated|
    share full article|gift this article|give this article|
    an official website of the united states government|official website|
    more on this story|more on this topic|related internet links|explore more on these topics|explore more|
    reuse this content|get started|follow|following|clap|applause|
    """
)

#: chrome words that are also ordinary section headings ("Accessibility", "Privacy", "Audio")
_WEAK_CHROME = _word_set(
    """
    accessibility|privacy|audio|video|image|photo|gallery|download|translate|popular|trending|latest|terms|
    register|account|author|contents|watch|listen|more|next|previous|top|play|pause|save|follow|close|agree|
    accept|decline|related|recommended|topics|categories|tags|newsletter|newsletters|cookies|donate|
    updated|published|search|navigation|comments|sponsored|loading
    """
)


def is_weak_chrome(line: str) -> bool:
    """A chrome word that an article could also use as a heading (judge it by its place)."""
    return match_key(line) in _WEAK_CHROME


#: chrome headers whose following short lines are links/tags, not article text
_LINK_BLOCK_HEADERS = _word_set(
    """
    related|related topics|related articles|related stories|related posts|related content|related links|
    related reading|related coverage|related news|recommended|recommended for you|recommended stories|
    you may also like|you might also like|more stories|more like this|most read|most popular|most viewed|
    trending|trending now|popular|popular posts|latest|latest news|latest stories|top stories|editor's picks|
    tags|tag|topics|categories|category|filed under|contents|table of contents|in this article|on this page|
    in this story|more from|read more|read next|more on this story|see also|further reading|
    explore more on these topics|explore more|related internet links|more on this topic|
    """
)


@lru_cache(maxsize=4096)
def is_site_chrome(line: str) -> bool:
    """A menu word, share button, ad marker, pager... (exact, whole-line match)."""
    key = match_key(line)
    if not key:
        return bool(line.strip())  # only punctuation or symbols
    if key in _CHROME:
        return True
    if re.fullmatch(r"\d+", key):  # comment counters, page numbers
        return True
    if re.fullmatch(r"\d+\s+(comments?|replies|responses|shares?)|(comments?|replies|responses)\s*\(?\d+\)?", key):
        return True
    if re.fullmatch(r"\d+\s*(-\s*)?(min|mins|minute|minutes)(\s+read|\s+listen)?", key):
        return True
    if re.fullmatch(r"(reading|read|listening) time:?\s*.*\d+\s*(min|mins|minutes?)", key):
        return True
    if re.match(r"(skip|jump) to (the )?(main )?(content|navigation|search|footer|menu)", key) and word_count(key) <= 8:
        return True
    if re.fullmatch(r"more (from|by|in|on) [\w .'&-]{1,40}", key) and word_count(key) <= 6:
        return True
    if re.search(r"\bnot responsible for the content of external\b", key):
        return True
    if re.fullmatch(r"(share|post|send) (on|to|via|by) \w[\w ]{0,20}", key):
        return True
    if re.fullmatch(r"(follow|like|find) us on \w[\w ,]{0,40}", key):
        return True
    if re.fullmatch(r"(click|tap) here.{0,60}", key) and word_count(key) <= 10:
        return True
    if re.fullmatch(r"(download|get) (the|our) (\w+ )?app.{0,40}", key) and word_count(key) <= 10:
        return True
    if re.fullmatch(r"(advertisement|sponsored|ad)\s*[-–—:|]\s*.{0,60}", key) and word_count(key) <= 10:
        return True
    if re.fullmatch(r"(scroll|continue) (down )?(to|for) (continue|read|more).{0,30}", key):
        return True
    if re.match(r"(from wikipedia, the free encyclopedia|jump to(: | )navigation|this article is about\b|"
                r"for other uses, see\b|\"?[\w ]{1,40}\"? redirects here\b)", key) and word_count(key) <= 40:
        return True
    if re.match(r"(main articles?|further information|see also|further|for more information|main page)"
                r"\s*:\s*\S", key) and word_count(key) <= 20:
        return True
    if key.startswith("story continues") or key.startswith("article continues"):
        return True
    if key == "this article is more than" or re.fullmatch(r"this (article|story|post) is (more than|over) .{1,20} old", key):
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
    key = match_key(line)
    return word_count(key) <= 80 and bool(_ARCHIVE_RE.search(key))


_COOKIE_RE = re.compile(
    r"\bcookies?\b.{0,200}\b(use|uses|using|accept|consent|policy|settings|preferences|continu|experience|"
    r"store|stored|track|analytics|agree|enable|personali[sz]e)"
    r"|\b(we|this (web)?site|our (web)?site|our partners)( and our partners)? (uses?|store|collect)s? cookies\b"
    r"|^we (value|care about) your privacy"
    r"|^by (continuing|using|clicking).{0,60}(agree|accept|consent)"
)


def is_cookie_notice(line: str) -> bool:
    """Cookie and consent banners."""
    key = match_key(line)
    return word_count(key) <= 80 and bool(_COOKIE_RE.search(key))


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
    key = match_key(line)
    return word_count(key) <= 35 and bool(_NEWSLETTER_RE.search(key))


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
    if sep in ":/|" and match_key(parts[0]) not in {"home", "homepage", "you are here", "start", "main"}:
        return False  # "Title: subtitle", "A/B", "Title | Site" are not crumbs on their own
    return len(parts) >= 3 or match_key(parts[0]) in {"home", "homepage", "you are here", "start"}


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
    key = collapse(line).translate(_QUOTES).casefold()
    return word_count(key) <= 30 and bool(_COPYRIGHT_RE.search(key)) and not is_licence_line(line)


def opens_link_block(line: str) -> bool:
    """A chrome header ("Related Topics", "Tags", "Contents") whose next short lines are links."""
    key = match_key(line)
    return key in _LINK_BLOCK_HEADERS or bool(re.fullmatch(r"more (from|in|on) [\w .'&-]{1,40}", key))


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
    key = text.translate(_QUOTES).casefold()
    words = word_count(key)
    if words == 0:
        return False
    if _PAREN_CREDIT_RE.search(key) and words <= 80:
        return True
    if _TRAILING_CREDIT_RE.search(text) and words <= 80:
        return True  # "... in 2019. Photograph: Jane Roe/The Guardian"
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
    return caps >= 2 and match_key(text) not in _CHROME


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
    text = collapse(line)
    return 3 <= word_count(text) <= 45 and bool(_LICENCE_RE.search(text))


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


#: headings after which the rest of a page is end matter (references, comments), not article
END_MATTER_HEADINGS = frozenset(
    "references|footnotes|notes|endnotes|see also|external links|further reading|bibliography|"
    "works cited|citations|sources|source|credits|comments|leave a comment|leave a reply|"
    "about the author|about the authors".split("|")
)


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
