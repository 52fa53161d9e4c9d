"""episodes.json: the catalog of published episodes, the source of truth.

The feed is regenerated from it on every run; it is written atomically.
The format is versioned: an older catalog is migrated on load and the old
file is kept beside it as ``episodes.v<N>.json`` (see ``MIGRATIONS``).
"""

from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from operator import attrgetter
from pathlib import Path
from typing import Callable, Optional

from audiobrief.cache import file_stamp
from audiobrief.errors import PublishError
from audiobrief.fsutil import atomic_write_text

CATALOG_NAME = "episodes.json"
VERSION = 2
ARCHIVE_DIR = "archive"


@dataclass(frozen=True)
class Entry:
    slug: str
    guid: str
    number: int
    title: str
    source: str
    file: str
    bytes: int
    duration: float  # seconds
    pub_date: str  # ISO 8601, UTC: first publication, kept on re-make
    updated: str  # ISO 8601, UTC: last time the audio changed
    summary: str = ""
    language: str = "en"
    credits: Optional[str] = None
    chapters: tuple = field(default_factory=tuple)  # ({"title", "start_ms", "end_ms"}, ...)
    #: Podcast Index chapters file beside the MP3 (``<slug>.chapters.json``), when made
    chapters_file: Optional[str] = None
    #: ({"file": "<slug>.vtt", "type": "text/vtt" | "application/x-subrip", "language": "en"}, ...)
    transcripts: tuple = field(default_factory=tuple)
    #: output profile the audio was made for ("podcast", "alexa", ...)
    profile: str = "podcast"
    #: measured integrated loudness (LUFS) and true peak (dBTP), when recorded
    loudness_lufs: Optional[float] = None
    true_peak_dbtp: Optional[float] = None
    #: the episode's own cover (file name in the folder), when the article has one
    image: Optional[str] = None
    #: taken out of the feed (``episodes remove`` or ``keep_last``); files are in archive/
    archived: bool = False
    #: hash of everything that decides this episode's files: unchanged -> nothing is made again
    build_key: str = ""

    def files(self) -> list[str]:
        """Every file of this episode, relative to the episodes folder."""
        names = [self.file]
        if self.chapters_file:
            names.append(self.chapters_file)
        names += [t["file"] for t in self.transcripts]
        if self.image:
            names.append(self.image)
        return names


_TUPLE_FIELDS = ("chapters", "transcripts")
_FIELD_NAMES = {f.name for f in fields(Entry)}
_ORDER = tuple(f.name for f in fields(Entry))
_REQUIRED = frozenset(f.name for f in fields(Entry) if f.default is MISSING and f.default_factory is MISSING)
_DEFAULTS = {f.name: f.default if f.default is not MISSING else f.default_factory()
             for f in fields(Entry) if f.name not in _REQUIRED}


def _entry(data: dict) -> Entry:
    """An Entry from its JSON object (which it may take over).

    Entries are frozen, so the values are set directly: the generated
    ``__init__`` costs ~20 us an entry, 0.2 s for a catalog of 10,000.
    """
    if data.keys() != _FIELD_NAMES:
        unknown = data.keys() - _FIELD_NAMES
        if unknown:
            raise ValueError(f"unknown episode field(s) {', '.join(sorted(unknown))}")
        missing = _REQUIRED - data.keys()
        if missing:
            raise ValueError(f"episode without {', '.join(sorted(missing))}")
        data = {**_DEFAULTS, **data}
    for name in _TUPLE_FIELDS:
        data[name] = tuple(data[name])
    entry = object.__new__(Entry)
    object.__setattr__(entry, "__dict__", data)
    return entry


_NEWEST = attrgetter("pub_date", "number")
_NUMBER = attrgetter("number")


def _row(entry: Entry) -> str:
    """One episode's line in episodes.json (json's C encoder, field order)."""
    return json.dumps({n: getattr(entry, n) for n in _ORDER}, ensure_ascii=False)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Catalog:
    path: Path
    episodes: list[Entry]
    #: podcast:guid of the feed, fixed the first time a feed is written
    podcast_guid: Optional[str] = None
    #: last time the set of published episodes changed without new audio (remove/restore/retention)
    changed: Optional[str] = None
    #: the public URL last published with; reused when neither config nor flag gives one
    base_url: Optional[str] = None

    def find_source(self, source: str) -> Optional[Entry]:
        return next((e for e in self.episodes if e.source == source), None)

    def find_slug(self, slug: str) -> Optional[Entry]:
        return next((e for e in self.episodes if e.slug == slug), None)

    def slugs(self, except_source: str = "") -> set[str]:
        return {e.slug for e in self.episodes if e.source != except_source}

    def next_number(self) -> int:
        return max((e.number for e in self.episodes), default=0) + 1

    @staticmethod
    def new_guid() -> str:
        return str(uuid.uuid4())

    def upsert(self, entry: Entry) -> None:
        self.episodes = [e for e in self.episodes if e.source != entry.source] + [entry]

    def replace_entry(self, entry: Entry, **changes) -> Entry:
        new = replace(entry, **changes)
        self.episodes = [new if e.slug == entry.slug else e for e in self.episodes]
        return new

    def newest_first(self) -> list[Entry]:
        """Published (not archived) episodes, newest first: the feed's order."""
        episodes = tuple(self.episodes)
        known = self.__dict__.get("_newest")
        if known is not None and len(known[0]) == len(episodes) and all(a is b for a, b in zip(known[0], episodes)):
            return list(known[1])  # entries are frozen: the same objects sort the same
        order = sorted((e for e in episodes if not e.archived), key=_NEWEST, reverse=True)
        self.__dict__["_newest"] = (episodes, order)
        return list(order)

    def row(self, entry: Entry) -> str:
        """The entry's line in episodes.json: the line it was read from, else encoded now (and kept).

        It determines the entry completely, so it is also the entry's cache key
        (:meth:`digest`): the feed items and pages of unchanged entries are
        found without encoding 10,000 entries again.
        """
        rows = self.__dict__.setdefault("_rows", {})
        known = rows.get(id(entry))
        if known is not None and known[0] is entry:
            return known[1]
        text = _row(entry)
        rows[id(entry)] = (entry, text)
        return text

    def digest(self, entry: Entry) -> str:
        """A short hash of everything in the entry (of :meth:`row`)."""
        return self.digests((entry,))[0]

    def digests(self, entries) -> list[str]:
        """:meth:`digest` of each entry, in one pass (computed once per entry, then kept)."""
        import hashlib

        blake2b = hashlib.blake2b
        known = self.__dict__.setdefault("_digests", {})
        out = []
        for entry in entries:
            pair = known.get(id(entry))
            if pair is None or pair[0] is not entry:
                pair = known[id(entry)] = (entry, blake2b(self.row(entry).encode("utf-8"), digest_size=16).hexdigest())
            out.append(pair[1])
        return out

    def _state(self) -> tuple:
        return (self.path, tuple(self.episodes), self.podcast_guid, self.changed, self.base_url)

    def _unchanged_since_read(self) -> bool:
        read = self.__dict__.get("_read_state")
        now = self._state()
        return (read is not None and len(read[1]) == len(now[1]) and read[0] == now[0] and read[2:] == now[2:]
                and all(a is b for a, b in zip(read[1], now[1])))

    def to_json(self) -> str:
        """One episode per line: readable, diff-friendly, and written by json's
        C encoder (``indent`` would switch to the pure-Python one: 10,000
        episodes took seconds instead of a tenth of one)."""
        return self._json(sorted(self.episodes, key=_NUMBER))

    def _json(self, ordered: list[Entry]) -> str:
        head = json.dumps({"version": VERSION, "podcast_guid": self.podcast_guid, "changed": self.changed,
                           "base_url": self.base_url}, ensure_ascii=False)
        rows = [self.row(e) for e in ordered]
        return head[:-1] + ', "episodes": [\n' + ",\n".join(rows) + "\n]}\n"

    def save(self) -> None:
        """Write episodes.json, unless it already holds exactly this catalog (as read, one episode a line)."""
        if self._unchanged_since_read():
            return
        ordered = sorted(self.episodes, key=_NUMBER)
        atomic_write_text(self.path, self._json(ordered))
        self.__dict__["_read_state"] = self._state()
        _record_digests(self, ordered)
        _remember(self)


def _v1_to_v2(data: dict) -> dict:
    """v1 had no podcast_guid/changed and fewer episode fields (all defaulted)."""
    return {"version": 2, "podcast_guid": None, "changed": None, "base_url": None, "episodes": data["episodes"]}


#: version N -> function turning a version-N document into version N+1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2}


def _damaged(path: Path, why: object) -> PublishError:
    return PublishError(f"{path} is damaged ({why}); restore it from a backup (episodes.v*.json) or move it away")


def load_catalog(folder: Path, *, write_migration: bool = True) -> Catalog:
    """Read the catalog, migrating an older version.

    With ``write_migration`` (callers that hold the publish lock) the migrated
    catalog is saved and the old file kept as ``episodes.v<N>.json``; read-only
    callers (list, check, serve) migrate in memory only.
    """
    path = folder / CATALOG_NAME
    if not path.exists():
        return Catalog(path, [])
    known = _LAST_READ.get(str(path))
    if known is not None and known[0] == file_stamp(path):
        return _from_memory(path, known)
    # tens of thousands of new dicts would set off collections that find nothing: the collector
    # is off while the catalog is built, and a big one is kept out of its sight afterwards
    with no_gc() as quiet:
        try:
            text = path.read_text(encoding="utf-8")
            lines = _by_line(text)
            data = lines[0] if lines else json.loads(text)
            version = data.get("version")
        except (OSError, ValueError, AttributeError) as exc:
            raise _damaged(path, exc) from None
        if not isinstance(version, int) or version > VERSION or version < 1:
            raise PublishError(f"{path} has catalog version {version!r}, this audiobrief reads up to {VERSION}; "
                               "upgrade audiobrief (pip install -U audiobrief) or move the file away")
        migrated = version != VERSION
        try:
            while data["version"] in MIGRATIONS:
                data = MIGRATIONS[data["version"]](data)
            episodes = [_entry(e) for e in data["episodes"]]
            catalog = Catalog(path, episodes, data.get("podcast_guid"), data.get("changed"), data.get("base_url"))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _damaged(path, exc) from None
        if lines and not migrated:
            # read as one episode a line: those lines are the rows to_json would write,
            # so an unchanged catalog is not written again and its rows are not encoded again
            catalog.__dict__["_rows"] = {id(e): (e, row) for e, row in zip(episodes, lines[1])}
            catalog.__dict__["_read_state"] = catalog._state()
            _recall_digests(catalog, episodes)
            _remember(catalog)
        quiet.freeze = len(episodes) >= FREEZE_FROM
    if migrated and write_migration:
        backup = folder / f"episodes.v{version}.json"
        if not backup.exists():
            atomic_write_text(backup, text)
        catalog.save()
    return catalog


#: from this many episodes on, a catalog just read is moved out of the cyclic garbage collector's
#: sight (gc.freeze): 10,000 entries are some 50,000 containers that collections would walk again
#: and again to find nothing (~0.1 s of a make). Frozen objects are still freed by reference
#: counting; only a reference cycle among them would outlive the (short) process.
FREEZE_FROM = 1000


@contextmanager
def no_gc():
    """The cyclic garbage collector off for the block; with ``.freeze`` set, what exists is frozen first.

    For steps that make tens of thousands of objects and no garbage cycles to speak of (reading
    the catalog, publishing from it): with 10,000 episodes, collections set off by their mere
    number walk everything the run holds, again and again, to find nothing.
    """
    import gc
    from types import SimpleNamespace

    enabled = gc.isenabled()
    gc.disable()
    state = SimpleNamespace(freeze=False)
    try:
        yield state
    finally:
        if state.freeze:
            gc.freeze()
        if enabled:
            gc.enable()


#: the catalog this process last read or wrote, per path: a run that loads it again
#: (make does, three times) gets it without parsing 10,000 entries again
_LAST_READ: dict[str, tuple] = {}


def _remember(catalog: Catalog) -> None:
    """Keep what the catalog file holds (call right after reading or writing it); a file
    changed a moment ago is not kept: an edit within its time stamp's step would go unseen."""
    _LAST_READ.pop(str(catalog.path), None)
    key = file_stamp(catalog.path, settled_only=True)
    if key is None:
        return
    rows = dict(catalog.__dict__.get("_rows", {}))
    digests = dict(catalog.__dict__.get("_digests", {}))
    _LAST_READ.clear()  # one is enough
    _LAST_READ[str(catalog.path)] = (key, tuple(catalog.episodes), catalog.podcast_guid, catalog.changed,
                                     catalog.base_url, rows, digests)


def _from_memory(path: Path, known: tuple) -> Catalog:
    """A new Catalog of the remembered entries (they are frozen, so they can be shared)."""
    _, episodes, podcast_guid, changed, base_url, rows, digests = known
    catalog = Catalog(path, list(episodes), podcast_guid, changed, base_url)
    catalog.__dict__["_rows"] = dict(rows)
    catalog.__dict__["_digests"] = dict(digests)
    catalog.__dict__["_read_state"] = catalog._state()
    return catalog


#: each episode's digest in the order of episodes.json's lines, with the stamp of the file they
#: belong to (in the cache folder): the next run takes them instead of hashing 10,000 lines again
DIGESTS_STAMP = "catalog-digests.json"


def _digests_file(catalog: Catalog) -> Path:
    from audiobrief.cache import default_root

    return default_root(catalog.path.parent) / DIGESTS_STAMP


def _record_digests(catalog: Catalog, ordered: list[Entry]) -> None:
    """After writing the catalog: its lines' digests (``ordered``: the entries in line order)."""
    from audiobrief.cache import write_stamp

    write_stamp(_digests_file(catalog), {"file": file_stamp(catalog.path), "digests": catalog.digests(ordered)})


def _recall_digests(catalog: Catalog, episodes: list[Entry]) -> None:
    """Take the digests recorded when this very file was written (a file edited since, or
    changed too recently for its stat to be trusted, has its lines hashed as they are needed)."""
    from audiobrief.cache import read_stamp

    saved = read_stamp(_digests_file(catalog))
    if not (isinstance(saved, dict) and saved.get("file") is not None
            and saved["file"] == file_stamp(catalog.path, settled_only=True)):
        return
    digests = saved.get("digests")
    if isinstance(digests, list) and len(digests) == len(episodes) and all(type(d) is str for d in digests):
        catalog.__dict__["_digests"] = {id(e): (e, d) for e, d in zip(episodes, digests)}


_TAIL = "]}"


_OPEN = ', "episodes": [\n'
_CLOSE = "\n]}\n"


def _by_line(text: str) -> Optional[tuple[dict, list[str]]]:
    """The catalog as :meth:`Catalog.to_json` writes it -- a head line, one episode a
    line, ``]}`` -- parsed episode by episode: (document, each episode's text);
    None for any other layout (the caller then parses the text as one document).

    JSON strings cannot hold a raw line break, so each episode is exactly one
    line; json's C scanner reads each from where its line starts, in place
    (orjson reads them faster where it reads exactly what json would: :func:`_rows_fast`).
    """
    first = text.find(_OPEN)
    if first < 0 or not text.endswith(_CLOSE) or "\n" in text[:first]:
        return None
    try:
        head = json.loads(text[:first] + "}")
        if not isinstance(head, dict) or "episodes" in head:
            return None
    except ValueError:
        return None
    fast = _rows_fast(text, first + len(_OPEN), len(text) - len(_CLOSE))
    if fast is not None:
        head["episodes"] = fast[0]
        return head, fast[1]
    scan = json.JSONDecoder().scan_once
    try:
        episodes, rows = [], []
        pos, stop = first + len(_OPEN), len(text) - len(_CLOSE)
        while pos < stop:
            value, end = scan(text, pos)
            if not isinstance(value, dict) or text[end:end + 2] != (",\n" if end < stop else "\n]"):
                return None
            episodes.append(value)
            rows.append(text[pos:end])
            pos = end + 2
    except (ValueError, StopIteration):
        return None
    if pos != (stop + 2 if episodes else stop):
        return None
    head["episodes"] = episodes
    return head, rows


#: every ASCII digit as "0", every other byte as " ": 19 zeros in a row are a number json keeps
#: exact but orjson might not (it turns integers past 64 bits into floats); found in C, unlike a regex
_DIGITS = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
_LONG_NUMBER = b"0" * 19


def _rows_fast(text: str, start: int, stop: int) -> Optional[tuple[list[dict], list[str]]]:
    """The episode lines between ``start`` and ``stop`` read by orjson, or None where it might
    not read them exactly as json's scanner does (then the scanner reads them).

    Each line must be one object, ``{`` to ``}`` with nothing around it, and all but the last
    end in a comma; orjson refuses what json alone accepts (NaN, lone surrogates, deep nesting,
    numbers too big for a double) and reads the rest to the same values, except integers of
    19 digits or more, which send the whole catalog to the scanner.
    """
    import orjson

    if start == stop:
        return [], []
    body = text[start:stop]
    if _LONG_NUMBER in body.encode("utf-8").translate(_DIGITS):
        return None
    rows = body.split("\n")
    last = rows.pop()
    if not all(row[-2:] == "}," and row[:1] == "{" for row in rows) or last[:1] != "{" or last[-1:] != "}":
        return None
    rows = [row[:-1] for row in rows]
    rows.append(last)
    try:
        episodes = list(map(orjson.loads, rows))
    except orjson.JSONDecodeError:
        return None
    if not all(type(e) is dict for e in episodes):
        return None
    return episodes, rows


#: files made beside each MP3 and versioned with it (build.publish_episode)
SIDECAR_SUFFIXES = (".chapters.json", ".vtt", ".srt")


def remove_unpublished_versions(folder: Path) -> None:
    """Remove MP3 and sidecar versions the catalog no longer names (a run killed after its
    catalog write but before removing the file it replaced). Call under the lock."""
    from audiobrief.fsutil import remove_quietly

    try:
        catalog = load_catalog(folder)
    except PublishError:
        return  # a damaged catalog is reported by the build itself
    for path in unpublished_versions(folder, catalog):
        remove_quietly(path)


def unpublished_versions(folder: Path, catalog: Catalog) -> list[Path]:
    """The files :func:`remove_unpublished_versions` would delete (no lock needed to look).

    The folder is listed once; only episode files the catalog does not name are
    looked at further (in a folder of 10,000 episodes there are usually none).
    """
    from audiobrief.fsutil import orphan_versions

    episodes = catalog.episodes
    named = {e.file for e in episodes}
    named.update(e.chapters_file for e in episodes if e.chapters_file)
    named.update(t["file"] for e in episodes for t in e.transcripts)
    suffixes = (".mp3", *SIDECAR_SUFFIXES)
    try:
        strays = [d.name for d in os.scandir(folder) if d.name.endswith(suffixes) and d.name not in named]
    except OSError:
        return []
    if not strays:
        return []
    keep: dict[str, dict[str, str]] = {suffix: {} for suffix in SIDECAR_SUFFIXES}
    keep[".mp3"] = {entry.slug: entry.file for entry in episodes}
    for entry in episodes:
        for name in [entry.chapters_file or ""] + [t["file"] for t in entry.transcripts]:
            suffix = next((s for s in SIDECAR_SUFFIXES if name.endswith(s)), None)
            if suffix:
                keep[suffix][entry.slug] = name
    return orphan_versions(folder, keep, strays)
