"""The show's web pages: ``index.html`` (the show) and ``<slug>.html`` (one per episode).

Static HTML from the catalog, regenerated with the feed: a listener without a
podcast app gets a player, clickable chapters and a transcript that follows
the audio. Jinja2 renders them with autoescaping always on, because episode
titles come from untrusted articles. Nothing is loaded from elsewhere; the
small inline script and style are pinned by hash in a Content-Security-Policy,
so even markup that slipped through could not run. Without JavaScript the
audio, the chapter links (media fragments, ``#t=``) and the transcript still work.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import quote

from audiobrief import __version__
from audiobrief.fsutil import atomic_write_bytes
from audiobrief.memos import INDEX_ROWS, PAGES, TEMPLATES, folder_memos, read_stamp, settled, stat_stamp, write_stamp
from audiobrief.publish import FEED_NAME, is_local_only
from audiobrief.publish.feed import file_url
from audiobrief.publish.shownotes import timestamp

INDEX_NAME = "index.html"
GENERATOR = "audiobrief"
_MARK = f'<meta name="generator" content="{GENERATOR}">'.encode()


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


class _Renderer:
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
    renderer = _Renderer(config, cover_name, out_dir)
    pages = {INDEX_NAME: renderer.index(episodes)}
    for entry in episodes:
        pages[page_name(entry.slug)] = renderer.episode(entry, renderer.fingerprint(entry))
    return pages


_STAMPS_LAYOUT = 2


def write_pages(config, catalog, out_dir: Path, cover_name: str) -> list[Path]:
    """:func:`update_pages`, giving the paths of the show's pages."""
    return [Path(out_dir) / name for name in update_pages(config, catalog, out_dir, cover_name)]


def update_pages(config, catalog, out_dir: Path, cover_name: str) -> list[str]:
    """Regenerate the pages from the catalog (atomic, untouched when unchanged); drop pages of gone episodes.

    A page whose inputs -- the episode's entry, the size, time and inode of
    its transcript, which sidecar files exist, the templates and show settings
    -- match the stamp recorded when it was written, and whose own file is the
    one written then, is neither rendered nor read: a feed of 10,000 unchanged
    episodes costs a stat per page. Without a matching stamp, the page's
    content fingerprint (in its head) decides, as before; only changed pages
    are rendered. The show page is skipped the same way when its rows and
    settings are unchanged. Returns the pages' file names.
    """
    out_dir = Path(out_dir)
    renderer = _Renderer(config, cover_name, out_dir)
    episodes = catalog.newest_first()
    stamps_file = folder_memos(out_dir) / PAGES
    base = f"{_STAMPS_LAYOUT} {renderer._base.hexdigest()}"
    saved = read_stamp(stamps_file)
    old = saved["pages"] if isinstance(saved, dict) and saved.get("base") == base else {}
    try:
        files = {d.name for d in os.scandir(out_dir) if d.is_file()}
    except OSError:
        files = set()
    now = time.time_ns()
    folder = os.fspath(out_dir) + os.sep
    stamps: dict[str, str] = {}  # page name -> "<inputs> <the file's stat>"
    written = []

    def put(target: Path, data: bytes) -> None:
        if not (target.is_file() and target.read_bytes() == data):
            atomic_write_bytes(target, data)

    def unchanged(name: str, key: Optional[str]) -> bool:
        stamp = old.get(name)
        if key is not None and stamp is not None and stamp == f"{key} {_file_key(folder + name)}":
            stamps[name] = stamp
            return True
        return False

    digests = getattr(catalog, "digests", None)  # a Catalog's keys; other entries are hashed here
    keys = digests(episodes) if digests is not None else [_entry_key(e) for e in episodes]  # once for all uses
    index_key = hashlib.blake2b("\n".join(keys).encode("utf-8"), digest_size=16).hexdigest()
    if not unchanged(INDEX_NAME, index_key):
        rows_file = folder_memos(out_dir) / INDEX_ROWS
        data, rows = _index_reusing(renderer, episodes, keys, out_dir / INDEX_NAME, read_stamp(rows_file), base)
        put(out_dir / INDEX_NAME, data)
        stamps[INDEX_NAME] = f"{index_key} {_file_key(folder + INDEX_NAME)}"
        write_stamp(rows_file, {"base": base, "file": _file_key(folder + INDEX_NAME), "rows": rows})
    written.append(INDEX_NAME)
    page_key = _PageKeys(folder, files, now)
    for entry, key in zip(episodes, keys):
        name = page_name(entry.slug)
        written.append(name)
        key = page_key(entry, key)
        if unchanged(name, key):
            continue
        fingerprint = renderer.fingerprint(entry)
        if not _head_has(out_dir / name, _inputs_mark(fingerprint)):
            put(out_dir / name, renderer.episode(entry, fingerprint))
        if key is not None:
            stamps[name] = f"{key} {_file_key(folder + name)}"
    _drop_gone_pages(out_dir, files, set(written))
    if stamps != old:
        write_stamp(stamps_file, {"base": base, "pages": stamps})
    return written


def _drop_gone_pages(out_dir: Path, files, keep: set) -> None:
    """Remove the pages this module wrote for episodes no longer in the feed."""
    for name in sorted(files):
        if name.endswith(".html") and name not in keep and _head_has(out_dir / name, _MARK):
            try:
                (out_dir / name).unlink()
            except OSError:
                pass


_ROW = re.compile(rb'^<li>\n<article aria-labelledby="ep-.*?</article>\n</li>\n', re.S | re.M)


def _index_reusing(renderer, episodes: Sequence, keys: Sequence[str], target: Path, saved, base: str) -> tuple[bytes, list]:
    """The show page's exact bytes, rendering only the rows of new or changed episodes.

    A row shows its episode's own fields only, so the rows of the index.html
    written last time (found by the offsets recorded with it, while the file is
    the one recorded) are reused; the template renders the others with the
    page around them. ``keys``: each episode's key. Returns the bytes and each row's [key, start, end].
    """
    known: dict[str, bytes] = {}
    if isinstance(saved, dict) and saved.get("base") == base and saved.get("file") == _file_key(os.fspath(target)):
        try:
            old = target.read_bytes()
            known = {key: old[start:end] for key, start, end in saved["rows"]}
        except (OSError, ValueError, TypeError):
            known = {}
    sample = [e for e, key in zip(episodes, keys) if key not in known] or list(episodes[:1])
    data = renderer.index(sample)
    found = list(_ROW.finditer(data))
    if len(found) != len(sample) or not all(known.get(k, b"<li>\n").startswith(b"<li>\n") for k in keys):
        data = renderer.index(episodes)  # not the shape expected: never guess, render everything
        found = list(_ROW.finditer(data))
        if len(found) != len(episodes):
            return data, []
        sample, known = list(episodes), {}
    key_of = dict(zip(map(id, episodes), keys))
    for entry, match in zip(sample, found):
        known[key_of[id(entry)]] = match.group(0)
    if not found:
        return data, []
    head, tail = data[: found[0].start()], data[found[-1].end():]
    rows, pos = [], len(head)
    for key in keys:
        rows.append([key, pos, pos + len(known[key])])
        pos += len(known[key])
    return head + b"".join(known[k] for k in keys) + tail, rows


def _file_key(path: str) -> str:
    """cache.file_stamp as text ("-" when the file is missing)."""
    try:
        return _stat_key(os.stat(path))
    except OSError:
        return "-"


def _stat_key(st: os.stat_result) -> str:
    return ".".join(map(str, stat_stamp(st)))


def _entry_key(entry) -> str:
    """A hash of an episode's fields (for entries that do not come from a Catalog, which has its own)."""
    text = json.dumps(dict(vars(entry)), sort_keys=True, default=list)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _PageKeys:
    """An episode page's inputs, from the entry and file stats alone (no file is read): the entry's
    key, then per transcript its stat (WebVTT, which the page shows) or whether it exists, then
    whether the chapters file exists. None when a transcript changed too recently for its time
    stamp to be trusted. ``files``: the names in the folder (one listing for every page)."""

    def __init__(self, folder: str, files: set, now: int):
        self.folder, self.files, self.now, self.settled = folder, files, now, settled

    def _present(self, name: str) -> bool:
        return name in self.files or (("/" in name or "\\" in name) and os.path.isfile(self.folder + name))

    def __call__(self, entry, entry_key: str) -> Optional[str]:
        parts = [entry_key]
        folder, files, settled, now = self.folder, self.files, self.settled, self.now
        for t in getattr(entry, "transcripts", ()) or ():
            name = t["file"]
            present = name in files or self._present(name)
            if present and t.get("type") == "text/vtt":
                try:
                    st = os.stat(folder + name)
                except OSError:
                    return None
                if not settled(st, now):  # just written: checked by content (see cache.SETTLE_NS)
                    return None
                parts.append(_stat_key(st))
            else:
                parts.append("1" if present else "0")
        chapters_file = getattr(entry, "chapters_file", None)
        if chapters_file:
            parts.append("1" if chapters_file in files or self._present(chapters_file) else "0")
        return " ".join(parts)


def _inputs_mark(fingerprint: str) -> bytes:
    return f'<meta name="{GENERATOR}-inputs" content="{fingerprint}">'.encode()


def _head_has(path: Path, mark: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return mark in handle.read(2048)
    except OSError:
        return False
