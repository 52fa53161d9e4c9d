"""Content-addressed cache: spoken clips and encoded episode segments.

A clip's key is the SHA-256 of everything that changes its sound: the
engine's cache id (engine name and version, driver, canonical voice, rate,
sample format) and the exact normalised text the engine receives (lexicon
substitutions happen before that, so the entries that apply are part of the
text).  ``FORMAT`` is bumped whenever what is stored changes meaning.

Every entry is sealed: a clip carries a trailing RIFF chunk ``abck`` holding a
BLAKE2b digest of everything before it; a segment's digest sits in its JSON
sidecar.  A truncated or corrupt entry fails its check and is made again,
never served.  Entries are written to a temp name and renamed, so a killed
run leaves no half-written entry under a real name.

Where the cache lives, and every other memo beside it: see ``memos``.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from audiobrief.errors import write_error
from importlib.util import find_spec

FORMAT = "v2"
_SEAL_ID = b"abck"
_DIGEST = 16
_SEAL_LEN = 8 + _DIGEST


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


def clip_key(engine_id: str, text: str) -> str:
    return hashlib.sha256(f"clip-{FORMAT}\n{engine_id}\n{text}".encode("utf-8")).hexdigest()


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(3).hex()}.part")


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file via a temp name (no fsync: a lost cache entry is only remade).

    A full or read-only disk is a PublishError that says so, like fsutil's writers.
    """
    tmp = _tmp(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise write_error(path, exc) from None


def installed_files(names) -> list:
    """Where each package is installed, and its entry file's size and time: a new
    version means new files (cheaper to ask than importlib.metadata)."""

    found = []
    for name in names:
        try:
            spec = find_spec(name)
            info = os.stat(spec.origin) if spec and spec.origin else None
        except (ImportError, ValueError, OSError):
            info, spec = None, None
        found.append((name, spec.origin if spec else None, (info.st_size, info.st_mtime_ns) if info else None))
    return found


def seal_wav(path: Path) -> None:
    """Append the checksum chunk to a freshly made WAV (atomically)."""
    data = bytearray(path.read_bytes())
    if data[:4] != b"RIFF":
        return
    data[4:8] = struct.pack("<I", len(data) + _SEAL_LEN - 8)
    data += _SEAL_ID + struct.pack("<I", _DIGEST)
    data += digest(bytes(data[:-8]) + bytes(data[-8:]))  # covers the header and the chunk id too
    write_atomic(path, bytes(data))


def unsealed_wav(data: bytes) -> Optional[bytes]:
    """The WAV bytes of a sealed clip, or None if it is truncated or corrupt."""
    if len(data) < 44 + _SEAL_LEN or data[:4] != b"RIFF" or data[-_SEAL_LEN:-_DIGEST] != _SEAL_ID + struct.pack("<I", _DIGEST):
        return None
    if struct.unpack("<I", data[4:8])[0] != len(data) - 8:
        return None
    if digest(data[:-_DIGEST]) != data[-_DIGEST:]:
        return None
    return data


class ClipCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / "clips"

    def path_for(self, engine_id: str, text: str) -> Path:
        key = clip_key(engine_id, text)
        return self.folder / key[:2] / f"{key}.wav"

    @staticmethod
    def is_valid(path: Path) -> bool:
        """Served only if it exists and its seal matches its bytes."""
        try:
            return unsealed_wav(path.read_bytes()) is not None
        except OSError:
            return False

    def prepare(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------- segments


@dataclass(frozen=True)
class Segment:
    """One encoded block: its MP3 bytes live in ``path``."""

    path: Path
    samples: int  # PCM samples fed to the encoder (output rate)
    frames: int  # MP3 frames written
    facts: dict  # measurements of the decoded segment (loudness sub-blocks, peak)


def segment_paths(root: Path, key: str) -> tuple[Path, Path]:
    folder = Path(root) / "segments" / key[:2]
    return folder / f"{key}.mp3", folder / f"{key}.json"


def load_segment(root: Path, key: str) -> Optional[Segment]:
    mp3, meta = segment_paths(root, key)
    try:
        facts = json.loads(meta.read_text(encoding="utf-8"))
        data = mp3.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(facts, dict) or facts.get("digest") != digest(data).hex() or facts.get("bytes") != len(data):
        return None
    return Segment(mp3, facts["samples"], facts["frames"], facts)


def store_segment(root: Path, key: str, mp3: bytes, samples: int, frames: int, facts: dict) -> Segment:
    path, meta = segment_paths(root, key)
    write_atomic(path, mp3)
    info = {**facts, "samples": samples, "frames": frames, "bytes": len(mp3), "digest": digest(mp3).hex()}
    write_atomic(meta, json.dumps(info).encode("utf-8"))
    return Segment(path, samples, frames, info)


# --------------------------------------------------------------------- info and prune


@dataclass(frozen=True)
class CacheInfo:
    root: Path
    clips: int
    segments: int
    bytes: int
    #: fetched pages and feeds kept for conditional requests (``http/``, see fetch.Validators)
    pages: int = 0


#: the cache's parts: clips and segments sit in folders named by their key's first two hex digits,
#: the fetched pages (``<key>.json`` beside ``<key>.body``) in the part itself
_PARTS = (("clips", True), ("segments", True), ("http", False))


@dataclass
class _Entry:
    """One cache entry: the files that share a key (a segment's MP3 and JSON, a page's body and
    meta), which go together; a temp file left by a killed run is an entry of its own."""

    part: str
    paths: list
    size: int = 0
    used: float = 0.0

    @property
    def leftover(self) -> bool:
        return self.paths[0].name.endswith(".part")


def _files(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    for part, sharded in _PARTS:
        base = Path(root) / part
        if not base.is_dir():
            continue
        folders = [shard.path for shard in os.scandir(base) if shard.is_dir()] if sharded else [base]
        for folder in folders:
            yield from ((part, e) for e in os.scandir(folder) if e.is_file())


def _entries(root: Path) -> list[_Entry]:
    entries: dict[str, _Entry] = {}
    for part, found in _files(root):
        path = Path(found.path)
        key = found.path if found.name.endswith(".part") else str(path.parent / found.name.split(".", 1)[0])
        entry = entries.setdefault(key, _Entry(part, []))
        st = found.stat()
        entry.paths.append(path)
        entry.size += st.st_size
        entry.used = max(entry.used, st.st_atime, st.st_mtime)
    return list(entries.values())


def cache_info(root: Path) -> CacheInfo:
    entries = [e for e in _entries(root) if not e.leftover]
    count = {part: sum(1 for e in entries if e.part == part) for part, _ in _PARTS}
    return CacheInfo(Path(root), count["clips"], count["segments"], sum(e.size for e in entries), count["http"])


def prune(root: Path, max_bytes: int = 0, older_than_days: Optional[float] = None) -> tuple[int, int]:
    """Delete least recently used entries (clips, segments and fetched pages alike) until the
    cache holds at most ``max_bytes`` (and everything not used for ``older_than_days``).
    Returns (files removed, bytes freed).  Left-over temp files always go."""
    entries = sorted(_entries(root), key=lambda e: e.used)
    total = sum(e.size for e in entries)
    cutoff = time.time() - older_than_days * 86400 if older_than_days is not None else None
    removed = freed = 0
    for entry in entries:
        stale = entry.leftover or (cutoff is not None and entry.used < cutoff)
        if not stale and total - freed <= max_bytes:
            continue
        for path in entry.paths:
            try:
                size = path.stat().st_size
                path.unlink()
            except OSError:
                continue
            removed += 1
            freed += size
    return removed, freed
