"""What the show's web pages show: ``index.html`` (the show) and ``<slug>.html`` (one per episode).

Static HTML from the catalog, regenerated with the feed: a listener without a
podcast app gets a player, clickable chapters and a transcript that follows
the audio. Jinja2 renders them with autoescaping always on, because episode
titles come from untrusted articles. Nothing is loaded from elsewhere; the
small inline script and style are pinned by hash in a Content-Security-Policy,
so even markup that slipped through could not run. Without JavaScript the
audio, the chapter links (media fragments, ``#t=``) and the transcript still work.

``publish.pages`` decides which pages to render again and writes them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import quote

from audiobrief import __version__
from audiobrief.memos import TEMPLATES, folder_memos
from audiobrief.publish import FEED_NAME, is_local_only
from audiobrief.publish.feed import file_url
from audiobrief.publish.shownotes import timestamp

INDEX_NAME = "index.html"
GENERATOR = "audiobrief"


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


def page_name(slug: str) -> str:
    """``<slug>.html``; a slug of "index" would overwrite the show page, so it gets a prefix."""
    return f"{slug}.html" if slug != "index" else "episode-index.html"


def _duration_words(seconds: float) -> str:
    """1 h 02 min, 2 min 08 s or 45 s (whole seconds, as the player shows them)."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _date(iso: str) -> tuple[str, str]:
    """(machine date, human date) for a <time> element."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:10], iso[:10]
    return when.date().isoformat(), f"{when.day} {when:%B %Y}"


def app_links(feed_url: str) -> dict[str, str]:
    """podcast:// and pcast:// open the feed in a podcast app (the scheme replaces http/https)."""
    rest = feed_url.split("://", 1)[1] if "://" in feed_url else feed_url
    return {"podcast": f"podcast://{rest}", "pcast": f"pcast://{rest}"}


def read_cues(path: Path) -> tuple[Cue, ...]:
    """The sentences of a WebVTT transcript; () when it is missing or unreadable (the page still renders)."""
    import webvtt

    try:
        captions = webvtt.read(str(path))
    except Exception:  # webvtt-py raises its own errors and OSError/UnicodeError; a page must not fail on it
        return ()
    return tuple(Cue(round(c.start_in_seconds + c.start_time.milliseconds / 1000, 3),
                     round(c.end_in_seconds + c.end_time.milliseconds / 1000, 3),
                     " ".join(html.unescape(c.text).split()))  # webvtt-py strips tags, keeps &lt; etc.
                 for c in captions if c.text.strip())


def _vtt(entry) -> Optional[dict]:
    return next((t for t in getattr(entry, "transcripts", ()) or () if t.get("type") == "text/vtt"), None)


def _sections(entry, cues: Sequence[Cue]) -> list[dict]:
    """The transcript grouped under the chapter each sentence starts in."""
    chapters = list(entry.chapters) or [{"title": "", "start_ms": 0}]
    groups = [{"title": ch["title"], "start": ch["start_ms"] / 1000, "cues": []} for ch in chapters]
    for index, cue in enumerate(cues):
        place = 0
        for i, group in enumerate(groups):
            if cue.start + 0.05 >= group["start"]:
                place = i
        groups[place]["cues"].append({"id": f"cue-{index + 1}", **cue.__dict__})
    return [g for g in groups if g["cues"]]


def _transcript_files(entry, out_dir: Path) -> list[dict]:
    return [t for t in getattr(entry, "transcripts", ()) or () if (out_dir / t["file"]).is_file()]


def _episode_view(entry, out_dir: Path, *, full: bool = True) -> dict:
    """What the templates show of one episode; ``full=False`` skips the transcript (the show page needs none)."""

    machine, human = _date(entry.pub_date)
    vtt = _vtt(entry)
    cues = read_cues(out_dir / vtt["file"]) if full and vtt and (out_dir / vtt["file"]).is_file() else ()
    return {
        "slug": entry.slug,
        "page": page_name(entry.slug),
        "title": entry.title,
        "number": entry.number,
        "summary": entry.summary,
        "credits": entry.credits,
        "language": entry.language or "en",
        "date": machine,
        "date_text": human,
        "duration": entry.duration,
        "duration_text": _duration_words(entry.duration),
        "audio": quote(entry.file),
        "audio_bytes": entry.bytes,
        "chapters": [{"title": ch["title"], "start": ch["start_ms"] / 1000, "clock": timestamp(ch["start_ms"])}
                     for ch in entry.chapters],
        "vtt": quote(vtt["file"]) if vtt and cues else None,
        "transcript_files": [{"href": quote(t["file"]), "type": t["type"],
                              "label": "WebVTT" if t["type"] == "text/vtt" else "SubRip" if "subrip" in t["type"] else t["type"]}
                             for t in (_transcript_files(entry, out_dir) if full else ())],
        "chapters_file": quote(entry.chapters_file) if getattr(entry, "chapters_file", None)
                         and (out_dir / entry.chapters_file).is_file() else None,
        "sections": _sections(entry, cues),
    }


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


class Renderer:
    """The templates and the show-wide values, loaded once per regeneration."""

    def __init__(self, config, cover_name: str, out_dir: Path):
        from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

        self.out_dir = Path(out_dir)
        # compiled templates are kept with the folder's memos (see memos.TEMPLATES; Jinja keys
        # them by the template's source checksum and rejects a damaged file)
        compiled = folder_memos(self.out_dir) / TEMPLATES
        try:
            compiled.mkdir(parents=True, exist_ok=True)
            bytecode = FileSystemBytecodeCache(str(compiled))
        except OSError:
            bytecode = None
        self.env = Environment(loader=PackageLoader("audiobrief", "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True, bytecode_cache=bytecode)
        self.env.filters["seconds"] = lambda s: f"{float(s):.3f}"
        source = lambda name: self.env.loader.get_source(self.env, name)[0]  # noqa: E731
        style, script = source("pages.css"), source("pages.js")
        feed_url = file_url(config, FEED_NAME)
        show = {
            "title": config.title,
            "description": config.description,
            "author": config.author,
            "language": config.language or "en",
            "cover": quote(cover_name),
            "feed": FEED_NAME,
            "feed_url": feed_url,
            "local_only": is_local_only(config),
            "apps": app_links(feed_url),
        }
        self.common = {"show": show, "style": style, "script": script, "generator": GENERATOR,
                       "csp": f"default-src 'self'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
                              "object-src 'none'; base-uri 'none'; form-action 'none'"}
        self._base = hashlib.sha256(json.dumps(
            [__version__, show, [source(n) for n in ("base.html", "episode.html", "pages.css", "pages.js")]],
            sort_keys=True).encode())

    def fingerprint(self, entry) -> str:
        """A hash of everything an episode page is made from: cheap to compute, so unchanged pages are skipped."""
        h = self._base.copy()
        h.update(json.dumps(dict(vars(entry)), sort_keys=True, default=list).encode())
        for t in getattr(entry, "transcripts", ()) or ():
            path = self.out_dir / t["file"]
            h.update(path.read_bytes() if t.get("type") == "text/vtt" and path.is_file() else b"-" if path.is_file() else b"")
        chapters_file = getattr(entry, "chapters_file", None)
        h.update(b"c" if chapters_file and (self.out_dir / chapters_file).is_file() else b"")
        return h.hexdigest()[:32]

    def index(self, episodes: Sequence) -> bytes:
        views = [_episode_view(e, self.out_dir, full=False) for e in episodes]
        html_text = self.env.get_template("index.html").render(
            episodes=views, lang=self.common["show"]["language"], inputs="", **self.common)
        return html_text.encode("utf-8")

    def episode(self, entry, fingerprint: str) -> bytes:
        view = _episode_view(entry, self.out_dir)
        html_text = self.env.get_template("episode.html").render(
            episode=view, lang=view["language"], inputs=fingerprint, **self.common)
        return html_text.encode("utf-8")


def render_pages(config, episodes: Sequence, cover_name: str, out_dir: Path) -> dict[str, bytes]:
    """Every page's file name and bytes; the same catalog, files and config give the same bytes."""
    renderer = Renderer(config, cover_name, out_dir)
    pages = {INDEX_NAME: renderer.index(episodes)}
    for entry in episodes:
        pages[page_name(entry.slug)] = renderer.episode(entry, renderer.fingerprint(entry))
    return pages
