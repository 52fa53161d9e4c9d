"""episodes.json: the catalog of published episodes, the source of truth.

The feed is regenerated from it on every run; it is written atomically.
The format is versioned: an older catalog is migrated on load and the old
file is kept beside it as ``episodes.v<N>.json`` (see ``MIGRATIONS``).
"""

from __future__ import annotations

import gc
import json
import os
import uuid
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import datetime, timezone
from operator import attrgetter
from pathlib import Path
from typing import Callable, Optional

from audiobrief.catalog_lines import by_line as _by_line
from audiobrief.errors import PublishError
from audiobrief.fsutil import atomic_write_text
from audiobrief.memos import CATALOG_DIGESTS, file_stamp, folder_memos, read_stamp, write_stamp
import hashlib

CATALOG_NAME = "episodes.json"
VERSION = 2


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

    Entries are frozen, so the values are set directly rather than through the
    generated ``__init__`` (which checks each again: a tenth of a 10,000-episode load).
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


class Lines:
    """Each entry's line in episodes.json, and a digest of it, known without encoding it again.

    A line determines its entry completely, so its digest is also the entry's
    cache key (the feed items and pages of unchanged entries are found without
    encoding 10,000 entries again). Entries are frozen, so one entry object
    always gives the same line: they are remembered per object (by ``id``,
    with the object itself kept, so an id is never reused while remembered).
    """

    def __init__(self) -> None:
        self._rows: dict[int, tuple[Entry, str]] = {}
        self._digests: dict[int, tuple[Entry, str]] = {}

    def copy(self) -> "Lines":
        other = Lines()
        other._rows, other._digests = dict(self._rows), dict(self._digests)
        return other

    def learn(self, entries, rows=(), digests=()) -> None:
        """Remember the lines (and digests) the entries were read from."""
        self._rows.update((id(e), (e, row)) for e, row in zip(entries, rows))
        self._digests.update((id(e), (e, d)) for e, d in zip(entries, digests))

    def row(self, entry: Entry) -> str:
        known = self._rows.get(id(entry))
        if known is not None and known[0] is entry:
            return known[1]
        text = _row(entry)
        self._rows[id(entry)] = (entry, text)
        return text

    def digests(self, entries) -> list[str]:
        out = []
        for entry in entries:
            pair = self._digests.get(id(entry))
            if pair is None or pair[0] is not entry:
                digest = hashlib.blake2b(self.row(entry).encode("utf-8"), digest_size=16).hexdigest()
                pair = self._digests[id(entry)] = (entry, digest)
            out.append(pair[1])
        return out


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
    #: each entry's line in the file and its digest (see Lines)
    lines: Lines = field(default_factory=Lines, repr=False, compare=False)
    #: what the file on disk holds (see ``_state``), when this catalog was read from it or saved to it
    on_disk: Optional[tuple] = field(default=None, repr=False, compare=False)
    #: (the episodes, the published ones newest first) as last sorted by newest_first
    newest: Optional[tuple] = field(default=None, repr=False, compare=False)
    #: files to remove once a catalog that no longer names them is saved (publish.archive's moves)
    remove_after_save: list = field(default_factory=list, repr=False, compare=False)

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

    def rename_sources(self, rename: Callable[[str], str]) -> int:
        """Give absolute source paths (older catalogs kept them) the name ``rename`` gives; returns how many."""
        old = self.episodes
        self.episodes = [replace(e, source=rename(e.source)) if os.path.isabs(e.source) else e for e in old]
        return sum(1 for a, b in zip(old, self.episodes) if a is not b)

    def newest_first(self) -> list[Entry]:
        """Published (not archived) episodes, newest first: the feed's order (sorted again only
        when the episodes changed: publishing asks several times)."""
        episodes = tuple(self.episodes)
        if self.newest is None or len(self.newest[0]) != len(episodes) or any(
                a is not b for a, b in zip(self.newest[0], episodes)):
            self.newest = (episodes, sorted((e for e in episodes if not e.archived), key=_NEWEST, reverse=True))
        return list(self.newest[1])

    def row(self, entry: Entry) -> str:
        """The entry's line in episodes.json."""
        return self.lines.row(entry)

    def digest(self, entry: Entry) -> str:
        """A short hash of everything in the entry (of its line)."""
        return self.lines.digests((entry,))[0]

    def digests(self, entries) -> list[str]:
        return self.lines.digests(entries)

    def _state(self) -> tuple:
        return (self.path, tuple(self.episodes), self.podcast_guid, self.changed, self.base_url)

    def _unchanged_on_disk(self) -> bool:
        now, disk = self._state(), self.on_disk
        return (disk is not None and len(disk[1]) == len(now[1]) and disk[0] == now[0] and disk[2:] == now[2:]
                and all(a is b for a, b in zip(disk[1], now[1])))

    def to_json(self) -> str:
        """One episode per line: readable, diff-friendly, and written by json's C encoder
        (``indent`` would switch to the pure-Python one, many times slower)."""
        return self._json(sorted(self.episodes, key=_NUMBER))

    def _json(self, ordered: list[Entry]) -> str:
        head = json.dumps({"version": VERSION, "podcast_guid": self.podcast_guid, "changed": self.changed,
                           "base_url": self.base_url}, ensure_ascii=False)
        rows = [self.row(e) for e in ordered]
        return head[:-1] + ', "episodes": [\n' + ",\n".join(rows) + "\n]}\n"

    def save(self) -> None:
        """Write episodes.json, unless it already holds exactly this catalog (as read, one episode a line)."""
        if self._unchanged_on_disk():
            return
        ordered = sorted(self.episodes, key=_NUMBER)
        atomic_write_text(self.path, self._json(ordered))
        self.on_disk = self._state()
        _record_digests(self, ordered)
        _remember(self)


#: from this many episodes on, reading a catalog and publishing from it run with the cyclic garbage
#: collector resting: a big catalog is tens of thousands of containers (entries, rows, feed items,
#: page keys) that each collection would walk again to find nothing. This is the one place
#: audiobrief touches the collector; scripts/bench's "add one episode" and "feed with 10,000
#: episodes" cases measure it (a 10,000-episode make: about 0.5 s less).
RESTING_FROM = 1000


@contextmanager
def collector_resting(episodes: int):
    """Pause the collector for a big catalog (see RESTING_FROM; ``episodes``: how many it has),
    then freeze what exists, so the entries the block read or made are not walked by the
    collections that follow either. Reference counting still frees everything that is not in
    a cycle, frozen or not."""
    if episodes < RESTING_FROM or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


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
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _damaged(path, exc) from None
    with collector_resting(text.count("\n")):  # one line per episode, as written
        return _parse_catalog(folder, path, text, write_migration)


def _parse_catalog(folder: Path, path: Path, text: str, write_migration: bool) -> Catalog:
    try:
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
        catalog.lines.learn(episodes, lines[1], _recorded_digests(catalog, len(episodes)))
        catalog.on_disk = catalog._state()
        _remember(catalog)
    if migrated and write_migration:
        backup = folder / f"episodes.v{version}.json"
        if not backup.exists():
            atomic_write_text(backup, text)
        catalog.save()
    return catalog


#: the catalog this process last read or wrote, per path: a run that loads it again
#: (make does, three times) gets it without parsing 10,000 entries again
_LAST_READ: dict[str, tuple] = {}


def _remember(catalog: Catalog) -> None:
    """Keep what the catalog file holds (call right after reading or writing it); a file
    changed a moment ago is not kept: an edit within its time stamp's step would go unseen."""
    _LAST_READ.clear()  # one is enough
    key = file_stamp(catalog.path, settled_only=True)
    if key is not None:
        _LAST_READ[str(catalog.path)] = (key, tuple(catalog.episodes), catalog.podcast_guid, catalog.changed,
                                         catalog.base_url, catalog.lines.copy())


def _from_memory(path: Path, known: tuple) -> Catalog:
    """A new Catalog of the remembered entries (they are frozen, so they can be shared)."""
    _, episodes, podcast_guid, changed, base_url, lines = known
    catalog = Catalog(path, list(episodes), podcast_guid, changed, base_url, lines=lines.copy())
    catalog.on_disk = catalog._state()
    return catalog


def _digests_file(catalog: Catalog) -> Path:
    return folder_memos(catalog.path.parent) / CATALOG_DIGESTS


def _record_digests(catalog: Catalog, ordered: list[Entry]) -> None:
    """After writing the catalog: its lines' digests (``ordered``: the entries in line order)."""
    write_stamp(_digests_file(catalog), {"file": file_stamp(catalog.path), "digests": catalog.digests(ordered)})


def _recorded_digests(catalog: Catalog, count: int) -> list[str]:
    """The digests recorded when this very file was written (none when it was edited since, or
    changed too recently for its stat to be trusted: its lines are then hashed as needed)."""
    saved = read_stamp(_digests_file(catalog))
    if not (isinstance(saved, dict) and saved.get("file") is not None
            and saved["file"] == file_stamp(catalog.path, settled_only=True)):
        return []
    digests = saved.get("digests")
    if isinstance(digests, list) and len(digests) == count and all(type(d) is str for d in digests):
        return digests
    return []
