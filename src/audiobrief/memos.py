"""Every stamp and memo audiobrief keeps, and where each one lives.

A memo remembers an answer that is slow to find again; a stamp records what a
file was made from, so the file is not made again while that holds. None of
them is needed for a correct result: delete any of them (or the whole cache)
and the next run only does the work again. They never live in the publish
folder, which holds only what listeners may fetch.

The cache (``--cache-dir``, else the user's cache folder from platformdirs:
``~/.cache/audiobrief`` on Linux, ``~/Library/Caches/audiobrief`` on macOS,
``%LOCALAPPDATA%\\audiobrief\\Cache`` on Windows) -- keyed by content, shared
by every output folder::
    clips/ab/<key>.wav            a spoken sentence, sealed (cache.py)
    segments/cd/<key>.mp3 .json   an encoded block of an episode and its facts (cache.py)
    facts/ef/<key>.json           measurements of a block before encoding (segments.py)
    engines.json                  engine-id memo: engine spec + engine packages -> cache id,
                                  so an unchanged re-run never starts an engine
    keys/ab/<hash>.json           build-key memo: one per article file: the stamp of its
                                  bytes and settings -> the build key they gave
    gains.json                    gains memo: "<article> <profile>" -> the levels of its
                                  last render, so a small edit keeps the gain and
                                  re-encodes only the changed block
    language/ab/<key>             language memo (LanguageMemo): a text sample -> its
                                  detected language

Per output folder (always in the user's cache folder, ``folders/<name>-<12 hex>/``,
the hex being a hash of the folder's full path; ``--cache-dir`` does not move it)::
    feed.json                     feed stamp: feed.xml's stat, a hash of what it was
                                  rendered from (publish.feed), and of the catalog's bytes
                                  and settings a build published (a re-run with nothing
                                  new compares it and is done)
    feed-items.json               pieces memo: where each <item> sits in feed.xml, to
                                  reuse unchanged items (publish.pieces)
    index-rows.json               pieces memo: the same for index.html's episode rows
    pages.json                    page stamps: what each episode page was made from, and
                                  the file it became
    cover.json                    what the generated cover.png was drawn from
    catalog-digests.json          each catalog line's digest, for the file they came from
    templates/                    Jinja's compiled page templates

State that is not a cache (never pruned; the user's data folder,
``~/.local/share/audiobrief`` on Linux, ``folders/<name>-<12 hex>/``)::
    archive/                      removed episodes' files (``episodes restore`` brings them back)
    .audiobrief.lock              the folder's lock (``.audiobrief.softlock`` where the file
                                  system has no OS locks) and ``.audiobrief.lock.owner``,
                                  who holds it (lock.py)

An older folder kept ``.cache/``, ``archive/`` and the lock inside itself:
``old_folders.move_out_of_folder`` moves them here on the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Optional

from audiobrief import __version__
from audiobrief.cache import installed_files, write_atomic
from audiobrief.config import BUILT_IN_TRANSITIONS, Config
from audiobrief.engines import engine_distributions
from audiobrief.errors import PublishError
from audiobrief.readers.language import normalise_code
from platformdirs import user_cache_dir
from platformdirs import user_data_dir
import orjson

APP = "audiobrief"
#: bump when the same inputs would now give different episode files
BUILD_FORMAT = "build-v1"

ENGINE_IDS = "engines.json"
GAINS = "gains.json"
BUILD_KEYS = "keys"
LANGUAGE = "language"
FEED_STAMP = "feed.json"
FEED_ITEMS = "feed-items.json"
PAGES = "pages.json"
INDEX_ROWS = "index-rows.json"
COVER = "cover.json"
CATALOG_DIGESTS = "catalog-digests.json"
TEMPLATES = "templates"
ARCHIVE = "archive"


# ------------------------------------------------------------------ where things live

def user_cache() -> Path:
    return Path(user_cache_dir(APP, appauthor=False))


def user_data() -> Path:
    return Path(user_data_dir(APP, appauthor=False))


def cache_root(cache_dir: Optional[Path] = None) -> Path:
    """The content-keyed cache: ``--cache-dir`` when given, else the user's cache folder."""
    return Path(cache_dir) if cache_dir else user_cache()


def folder_key(out_dir: Path) -> str:
    """``<name>-<12 hex>``: a folder's own place in the cache and data folders."""
    path = Path(os.path.abspath(out_dir))
    try:
        path = path.resolve()
    except OSError:
        pass
    return f"{path.name or 'root'}-{hashlib.sha256(str(path).encode('utf-8')).hexdigest()[:12]}"


def folder_memos(out_dir: Path) -> Path:
    """Where the stamps of one output folder live (feed, pages, cover, catalog digests)."""
    return user_cache() / "folders" / folder_key(out_dir)


def folder_state(out_dir: Path) -> Path:
    """Where one output folder's archive and lock live (not a cache)."""
    return user_data() / "folders" / folder_key(out_dir)


def archive_dir(out_dir: Path) -> Path:
    return folder_state(out_dir) / ARCHIVE


# ------------------------------------------------------------------ reading and writing stamps

def read_stamp(path: Path):
    """A JSON stamp; None when missing or unreadable. orjson reads the big ones (10,000 rows)
    fast; json reads what orjson refuses (numbers past 64 bits)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None

    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(data)
    except ValueError:
        return None


def write_stamp(path: Path, value) -> None:
    """Record a stamp; a failure is ignored (without it, the next run does the work again)."""


    try:
        data = orjson.dumps(value)
    except TypeError:  # what orjson cannot write (an integer past 64 bits), json can
        data = json.dumps(value).encode("utf-8")
    try:
        write_atomic(path, data)
    except (OSError, PublishError):
        pass


def file_stamp(path, *, settled_only: bool = False) -> Optional[list]:
    """[size, modification and change times in ns, inode] of a file, None when it is missing
    (or, with ``settled_only``, changed too recently for its stat to be trusted: see ``settled``).

    Published files are always written to a new inode (temp file + rename), and
    any edit in place moves the change time (which no tool can set back), so an
    equal stamp means the file is the one recorded.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    if settled_only and not settled(st):
        return None
    return stat_stamp(st)


def stat_stamp(st: os.stat_result) -> list:
    """:func:`file_stamp` of a stat already taken."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


#: a file changed less than this long ago may change again within its time stamp's resolution
#: without its stat moving, so its stat is not trusted yet (Linux file systems move nanosecond
#: times on each clock tick; where times are whole seconds -- FAT keeps 2 s steps -- the wait is longer)
SETTLE_NS = 50_000_000
SETTLE_COARSE_NS = 2_000_000_000


def settled(st: os.stat_result, now_ns: Optional[int] = None) -> bool:
    """Whether a file's stat can stand for its content (see SETTLE_NS)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    wait = SETTLE_COARSE_NS if st.st_mtime_ns % 1_000_000_000 == 0 else SETTLE_NS
    return max(st.st_mtime_ns, st.st_ctime_ns) <= now_ns - wait


# ------------------------------------------------------------------ the build key and its memo

def engine_files() -> list:
    """The engines' installed files: a new engine version means new clips."""
    return installed_files(engine_distributions())


def build_key(data: dict) -> str:
    """The build key: a hash of everything that decides an episode's files (``data`` is
    assembled by ``planning.build_key_data``)."""
    return hashlib.sha256(json.dumps({"format": BUILD_FORMAT, **data}, sort_keys=True,
                                     default=str).encode("utf-8")).hexdigest()


def source_stamp(data: bytes, config: Config, profile) -> str:
    """What an article's build key is computed from, short of reading it: its bytes, the
    settings and the files they name, the profile, audiobrief's version and the engines."""
    parts = [BUILD_FORMAT, __version__, engine_files(), repr(config), repr(asdict(profile)),
             settings_files(config), hashlib.sha256(data).hexdigest()]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def settings_files(config: Config) -> tuple[str, str, str]:
    """Content ids of the files the settings name: (cover, transition, music bed)."""

    def content_id(name: str, otherwise: str) -> str:
        try:
            return hashlib.sha256(config.resolve(name).read_bytes()).hexdigest()
        except OSError:
            return otherwise

    cover = content_id(config.cover, config.cover) if config.cover else f"generated:{config.title}"
    transition = config.transition
    if transition not in BUILT_IN_TRANSITIONS:
        transition = content_id(transition, transition)
    music = content_id(config.music, config.music) if config.music else ""
    return cover, transition, music


def _key_memo(root: Path, source: str) -> Path:
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return root / BUILD_KEYS / key[:2] / f"{key}.json"


def remembered_key(root: Path, source: str, stamp: str) -> tuple[Optional[str], int]:
    """(build key, number of clips) remembered for ``source`` when it was made from ``stamp``."""
    data = read_stamp(_key_memo(root, source))
    if not isinstance(data, dict) or data.get("stamp") != stamp or not isinstance(data.get("clips"), int):
        return None, 0
    return data.get("build_key"), data["clips"]


def remember_key(root: Path, source: str, stamp: str, key: str, clips: int) -> None:
    write_stamp(_key_memo(root, source), {"stamp": stamp, "build_key": key, "clips": clips})


# ------------------------------------------------------------------ engine ids

def remembered_engine_id(root: Path, spec_key: str) -> Optional[str]:
    known = read_stamp(Path(root) / ENGINE_IDS)
    return known.get(spec_key) if isinstance(known, dict) else None


def remember_engine_id(root: Path, spec_key: str, engine_id: str) -> None:
    path = Path(root) / ENGINE_IDS
    known = read_stamp(path)
    if not isinstance(known, dict):
        known = {}
    if known.get(spec_key) != engine_id:
        known[spec_key] = engine_id
        write_atomic(path, json.dumps(known, indent=1, sort_keys=True).encode("utf-8"))


# ------------------------------------------------------------------ gains

class Gains:
    """The gains memo: each article's levels from its last render (``gains.json``)."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / GAINS
        known = read_stamp(self.path)
        self.known: dict = known if isinstance(known, dict) else {}

    def last(self, source: str, profile: str) -> Optional[dict]:
        return levels(self.known.get(f"{source} {profile}"))

    def record(self, source: str, profile: str, value: dict) -> None:
        self.known[f"{source} {profile}"] = value

    def save(self) -> None:
        write_stamp(self.path, self.known)


def levels(remembered) -> Optional[dict]:
    """Levels from the gains memo, checked; older files kept ``[gain, ceiling]``."""
    if isinstance(remembered, list) and len(remembered) == 2:
        remembered = {"gain": remembered[0], "ceiling": remembered[1]}
    if not isinstance(remembered, dict):
        return None
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    found = {k: remembered[k] for k in ("gain", "ceiling") if number(remembered.get(k))}
    curve = remembered.get("curve")
    if (number(remembered.get("curve_lufs")) and isinstance(curve, list) and len(curve) >= 2
            and all(isinstance(p, list) and len(p) == 2 and all(map(number, p)) for p in curve)):
        found.update(curve_lufs=remembered["curve_lufs"], curve=curve)
    return found if len(found) >= 2 else None


# ------------------------------------------------------------------ the feed stamp

def feed_stamp(config, catalog_file: Path) -> str:
    """What the feed is made from, as a build sees it: the catalog's bytes and the settings."""
    data = catalog_file.read_bytes() if catalog_file.is_file() else b""
    return hashlib.sha256(repr((__version__, config)).encode("utf-8") + data).hexdigest()


def _feed_memo(feed: Path) -> dict:
    memo = read_stamp(folder_memos(feed.parent) / FEED_STAMP)
    return memo if isinstance(memo, dict) else {}


def _is_this_file(memo: dict, feed: Path) -> bool:
    return memo.get("file") is not None and memo["file"] == file_stamp(feed)


def feed_is_current(feed: Path, stamp: str) -> bool:
    """The feed was written from the catalog and settings ``stamp`` describes, and is that file."""
    memo = _feed_memo(feed)
    return memo.get("catalog") == stamp and _is_this_file(memo, feed)


def record_feed(feed: Path, stamp: str) -> None:
    """After a build published: the catalog and settings (``feed_stamp``) the feed now shows."""
    memo = _feed_memo(feed)
    if _is_this_file(memo, feed):
        write_stamp(folder_memos(feed.parent) / FEED_STAMP, {**memo, "catalog": stamp})


def feed_rendered(feed: Path, inputs: str) -> bool:
    """feed.xml is the file rendered from ``inputs`` (publish.feed's hash of what it reads)."""
    memo = _feed_memo(feed)
    return memo.get("inputs") == inputs and _is_this_file(memo, feed)


def record_feed_rendered(feed: Path, inputs: str) -> None:
    """After feed.xml was written (or found the same) from ``inputs``: a new stamp, which a
    build completes with ``record_feed``."""
    write_stamp(folder_memos(feed.parent) / FEED_STAMP, {"inputs": inputs, "file": file_stamp(feed)})


# ------------------------------------------------------------------ languages

class LanguageMemo:
    """Detected languages by the article's sample (``language/ab/<key>``), for
    ``readers.language.memo_in``. New answers are kept in memory until ``flush``: a build
    writes them only once it holds the output folder, so a run refused at the lock leaves
    no trace."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.pending: dict[Path, str] = {}
        self._detector = ""  # langdetect's installed files, looked up on first use

    def _path(self, sample: str, default: str) -> Path:
        if not self._detector:
            self._detector = repr(installed_files(("langdetect",)))
        key = hashlib.sha256(f"{self._detector}\0{default}\0{sample}".encode("utf-8")).hexdigest()
        return self.folder / key[:2] / key

    def get(self, sample: str, default: str) -> Optional[str]:
        path = self._path(sample, default)
        if path in self.pending:
            return self.pending[path]
        try:
            known = path.read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return None
        return known if normalise_code(known) == known else None

    def put(self, sample: str, default: str, code: str) -> None:
        self.pending[self._path(sample, default)] = code

    def flush(self) -> None:
        for path, code in self.pending.items():
            try:
                write_atomic(path, code.encode("ascii"))
            except Exception:  # noqa: BLE001 - a memo that cannot be written is only a lost speed-up
                pass
        self.pending.clear()
