"""A briefing's SOURCES -> its stories, in order.

A source is an article file, a folder of them, a glob, an ``http(s)://`` page,
or an RSS/Atom feed given as a file (``.xml``, ``.rss``, ``.atom``) or a URL.
A URL is fetched once (:mod:`audiobrief.fetch`) and read as a page or a feed
by the content type the server gives.

A feed gives its items newest first, those older than ``since`` left out, at
most ``max_items`` of them.  An item whose feed carries its full text
(``content:encoded`` or Atom ``content`` of at least :data:`FULL_CONTENT_WORDS`
words) is read from the feed; any other is fetched and read by the same HTML
reader as a saved page.  feedparser reads the feeds: it knows every RSS and
Atom dialect, their date formats, and cleans the HTML they carry.

Anything that cannot be fetched or read costs only its own story: it becomes
one warning line naming the (redacted) URL or path and why.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import urljoin, urlsplit

from audiobrief.errors import AudiobriefError, InputError
from audiobrief.fetch import ACCEPTED, Fetcher, redact
from audiobrief.models import Article
from audiobrief.readers import ARTICLE_SUFFIXES, decode, parse, read_article, read_bytes
from audiobrief.reading import expand, is_url

FEED_SUFFIXES = (".xml", ".rss", ".atom")
_KINDS = "article or feed files (.txt, .md, .html, .xml)"
#: a feed item's own content counts as the full story from this many words on
FULL_CONTENT_WORDS = 80


@dataclass(frozen=True)
class Story:
    """One story of a briefing: what is spoken, and where it came from."""

    article: Article
    #: what the close and the show notes name: a redacted URL or a file path
    source: str
    #: the story's web address (redacted), when it has one
    link: Optional[str] = None
    #: the page's og:image URL (redacted): the story's chapter image
    image: Optional[str] = None
    #: when the feed says it was published, ISO 8601 UTC
    published: Optional[str] = None


@dataclass
class Gathered:
    stories: list[Story] = field(default_factory=list)
    #: what could not be fetched or read, one error per skipped source or item
    problems: list[AudiobriefError] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [str(problem) for problem in self.problems]


def gather(sources: Sequence[str], fetcher: Fetcher, *, max_bytes: int, since: Optional[timedelta] = None,
           max_items: Optional[int] = None, now: Optional[datetime] = None) -> Gathered:
    """Every source's stories, in the order given; failures become warnings."""
    now = now or datetime.now(timezone.utc)
    result = Gathered()
    reader = _Reader(fetcher, max_bytes, result)
    for source in sources:
        try:
            if is_url(source):
                reader.url(source, since, max_items, now)
                continue
            paths = expand(source, (*ARTICLE_SUFFIXES, *FEED_SUFFIXES), _KINDS)
        except AudiobriefError as exc:
            result.problems.append(exc)
            continue
        for path in paths:  # one unreadable file in a folder costs only itself
            try:
                if path.suffix.lower() in FEED_SUFFIXES:
                    reader.feed(read_bytes(path, max_bytes), str(path), None, since, max_items, now)
                else:
                    reader.file(path)
            except AudiobriefError as exc:
                result.problems.append(exc)
    return result


class _Reader:
    """Turns each kind of source into stories, appending to one Gathered."""

    def __init__(self, fetcher: Fetcher, max_bytes: int, into: Gathered) -> None:
        self.fetcher, self.max_bytes, self.into = fetcher, max_bytes, into

    def file(self, path: Path) -> None:
        self.into.stories.append(Story(read_article(path, self.max_bytes), source=str(path)))

    def url(self, url: str, since, max_items, now) -> None:
        fetched = self.fetcher.get(url, kind="any")
        if fetched.content_type in ACCEPTED["feed"]:
            self.feed(fetched.body, fetched.url, fetched.url, since, max_items, now)
        else:
            self.into.stories.append(page_story(fetched.body, fetched.url))

    def feed(self, data: bytes, name: str, base: Optional[str], since, max_items, now) -> None:
        import feedparser

        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=bool(base))
        if not parsed.entries:
            why = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
            raise InputError(f"{name}: no feed items found{why}; give an RSS or Atom feed")
        language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
        entries = select_entries(parsed.entries, since, max_items, now, name)
        for entry in entries:
            try:
                self.into.stories.append(self._item(entry, base, language))
            except AudiobriefError as exc:
                self.into.problems.append(exc)

    def _item(self, entry, base: Optional[str], language: Optional[str]) -> Story:
        title = " ".join((entry.get("title") or "").split())
        link = (entry.get("link") or "").strip()
        if link and base:
            link = urljoin(base, link)
        published = _published(entry)
        when = published.isoformat().replace("+00:00", "Z") if published else None
        content = _full_content(entry)
        if content is not None:
            article = _content_article(content, title, language, link or title)
            return Story(article, source=redact(link) if link else title, link=redact(link) if link else None,
                         published=when)
        if not link:
            raise InputError(f"feed item {title!r}: has no link and no full text; it is skipped")
        if not urlsplit(link).scheme:
            raise InputError(f"feed item {title!r}: its link {link!r} is relative and the feed is a file; "
                             "give the feed's URL instead")
        fetched = self.fetcher.get(link, kind="page")
        story = page_story(fetched.body, fetched.url)
        article = replace(story.article, title=title) if title else story.article  # the feed names its stories
        return Story(article, source=story.source, link=story.link, image=story.image, published=when)


def select_entries(entries, since: Optional[timedelta], max_items: Optional[int], now: datetime, name: str) -> list:
    """Items newest first (undated ones last, in feed order), without those older than ``since``."""
    dated = [(_published(entry), entry) for entry in entries]
    newest_first = sorted((d for d in dated if d[0] is not None), key=lambda d: d[0], reverse=True)
    ordered = newest_first + [d for d in dated if d[0] is None]  # sorted() is stable: ties keep feed order
    chosen = [entry for when, entry in ordered if since is None or (when is not None and when >= now - since)]
    if not chosen:
        newest = newest_first[0][0] if newest_first else None
        seen = f"the newest is from {newest:%Y-%m-%d %H:%M} UTC" if newest else "its items carry no dates"
        raise InputError(f"{name}: no items in the last {_age(since)} ({seen}); widen --since or leave it out")
    return chosen[:max_items] if max_items else chosen


def _age(since: timedelta) -> str:
    hours = since.total_seconds() / 3600
    return f"{hours / 24:g} days" if hours >= 48 and hours % 24 == 0 else f"{hours:g} hours"


def _published(entry) -> Optional[datetime]:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc) if stamp else None


def _full_content(entry) -> Optional[str]:
    """The item's own HTML when it is the whole story, else None."""
    for part in entry.get("content") or []:
        value = part.get("value") or ""
        if len(re.sub(r"<[^>]+>", " ", value).split()) >= FULL_CONTENT_WORDS:
            return value
    return None


def _content_article(html: str, title: str, language: Optional[str], source: str) -> Article:
    from html import escape

    lang = f' lang="{escape(language)}"' if language else ""
    page = f"<!DOCTYPE html><html{lang}><head><title>{escape(title)}</title></head>" \
           f"<body><article><h1>{escape(title)}</h1>{html}</article></body></html>"
    return parse(page, ".html", redact(source))


def page_story(body: bytes, url: str) -> Story:
    """A fetched HTML page -> its story, with the page's og:image as the story's image."""
    text = decode(body, url)
    article = parse(text, ".html", url)
    return Story(article, source=url, link=url, image=og_image(text, url))


def og_image(html: str, url: str) -> Optional[str]:
    """The page's ``og:image`` as an absolute http(s) URL (redacted), or None."""
    from lxml import html as lxml_html

    try:
        doc = lxml_html.document_fromstring(html.encode("utf-8"))
    except Exception:  # noqa: BLE001 - the page was readable as an article; an image is optional
        return None
    for el in doc.iter("meta"):
        if (el.get("property") or el.get("name") or "").lower() in ("og:image", "og:image:url"):
            target = urljoin(url, (el.get("content") or "").strip())
            if urlsplit(target).scheme in ("http", "https"):
                return redact(target)
    return None
