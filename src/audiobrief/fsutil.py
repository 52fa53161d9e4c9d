"""Crash-safe file output: temp file in the same folder, fsync, rename; one writer.

Everything audiobrief publishes goes through :func:`atomic_write_bytes`, so a
reader (a podcast app, the local server, the next run) sees either the old
file or the new one, never half of one. The folder's lock
(``lock.publish_lock``) makes sure only one run writes at a time.

Two environment variables exist for the fault-injection tests only:
``AUDIOBRIEF_TRACE=<file>`` appends one line per write step to that file, and
``AUDIOBRIEF_SLOW_WRITES=<seconds>`` pauses inside each write step, so a test
can SIGKILL a run in the middle of writing the catalog or the feed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path
from typing import Iterator, Optional

from audiobrief.errors import PublishError, why, write_error


TEMP_MARK = ".tmp-"

_CHUNK = 1 << 20


def _trace(event: str, path: Path) -> None:
    """Fault-injection hook: record a write step, then pause if asked to."""
    trace = os.environ.get("AUDIOBRIEF_TRACE")
    if trace:
        with open(trace, "a", encoding="utf-8") as handle:
            handle.write(f"{event} {path.name}\n")
            handle.flush()
    slow = os.environ.get("AUDIOBRIEF_SLOW_WRITES")
    if slow:
        time.sleep(float(slow))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new, never half.

    The bytes go to a temp file in the same folder, are flushed and fsynced,
    then renamed over ``path``; the folder is fsynced so the rename survives a
    power cut. On any OS error the temp file is removed, ``path`` is untouched
    and a one-line PublishError says what to do.
    """
    path = Path(path)
    tmp = temp_path(path)
    try:
        _trace("begin", path)
        with open(tmp, "wb") as handle:
            view = memoryview(data)
            for start in range(0, len(view), _CHUNK):
                handle.write(view[start:start + _CHUNK])
                if start == 0 and len(view) > _CHUNK:
                    _trace("partial", path)
            handle.flush()
            os.fsync(handle.fileno())
        _trace("synced", path)
        os.replace(tmp, path)
        _trace("renamed", path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise write_error(path, exc) from None
    _fsync_dir(path.parent)


def temp_path(path: Path) -> Path:
    """A temp name beside ``path`` that ``remove_leftover_temps`` recognises."""
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}")


def atomic_replace(tmp: Path, path: Path) -> None:
    """Rename a finished (fsynced) temp file over ``path``."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise write_error(path, exc) from None
    _fsync_dir(path.parent)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless ``path`` already holds exactly it; True if written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    atomic_write_bytes(path, data)
    return True


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_TEMP_PID = (re.compile(re.escape(TEMP_MARK) + r"(\d+)-[0-9a-f]+$"), re.compile(r"\.(\d+)-\d+\.part\.wav$"))


def _temp_owner(name: str) -> Optional[int]:
    for pattern in _TEMP_PID:
        found = pattern.search(name)
        if found:
            return int(found.group(1))
    return None


def remove_leftover_temps(folder: Path) -> int:
    """Delete temp files killed runs left behind (call while holding the lock).

    Looks in the folder and its subfolders (the clip cache writes its own
    ``*.part.wav`` temps there). A temp file whose writer (the pid in its
    name) is still running belongs to a live run and is left alone.
    """
    removed = 0
    for path in stale_temps(folder):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def stale_temps(folder: Path) -> Iterator[Path]:
    """The temp files :func:`remove_leftover_temps` would delete (no lock needed to look)."""
    for path in _leftover_temps(folder):
        owner = _temp_owner(path.name)
        if owner is None or owner == os.getpid() or not pid_alive(owner):
            yield path


def _leftover_temps(folder: Path) -> Iterator[Path]:
    """Files named like our temps (``.<name>.tmp-<pid>-<hex>``, ``.<name>.<pid>-<n>.part.wav``), in one
    walk of the folder tree (a folder of 10,000 episodes is listed once, not once per pattern)."""
    for root, _dirs, names in os.walk(folder):
        for name in names:
            if name.startswith(".") and (name.find(TEMP_MARK, 1) > 0 or
                                         (len(name) > 9 and name.endswith(".part.wav"))):
                path = Path(root, name)
                if path.is_file():
                    yield path


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create output folder {folder}: {why(exc)}") from None
    if not folder.is_dir():
        raise PublishError(f"output folder {folder} is not a folder; choose another with --out")
    if not os.access(folder, os.W_OK):
        raise PublishError(f"output folder {folder} is not writable; fix its permissions or choose another with --out")


def ensure_free_space(folder: Path, needed: int, what: str) -> None:
    """Stop before starting work that cannot fit on the disk (a clear error
    beats a half-made episode). ``needed`` is an estimate in bytes."""

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed:
        raise PublishError(
            f"not enough free space for {what} in {folder}: about {needed / 1e6:.1f} MB needed, "
            f"{free / 1e6:.1f} MB free; the disk is full, free some space or choose another --out")


def disk_is_full(folder: Path, margin: int = 1_000_000) -> bool:
    try:
        return shutil.disk_usage(folder).free < margin
    except OSError:
        return False


# ------------------------------------------------------------------ versioned files

def version_tag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def publish_versioned(folder: Path, stem: str, suffix: str, data: bytes, current: Optional[str]) -> tuple[str, bool]:
    """Write a file the catalog will point at, without touching the one it points at now.

    Returns ``(name, changed)``. ``current`` is the name the catalog holds
    today (None for a new episode). Same bytes: ``current`` is kept. A new
    episode gets ``<stem><suffix>``. Changed bytes get a new name,
    ``<stem>.<8 hex of their hash><suffix>``, so the old file stays valid until
    the catalog and feed that name the new one are written; the caller then
    removes the old file (:func:`retire`). A crash in between leaves the old
    state, fully usable, and at most an unreferenced file.
    """
    if current and (folder / current).is_file():
        try:
            if (folder / current).read_bytes() == data:
                return current, False
        except OSError:
            pass
    plain = f"{stem}{suffix}"
    name = plain if current is None else f"{stem}.{version_tag(data)}{suffix}"
    if name == current:  # cannot happen with different bytes, but never overwrite the live file
        name = f"{stem}.{version_tag(data + b'.')}{suffix}"
    atomic_write_bytes(folder / name, data)
    return name, True


def retire(folder: Path, old: Optional[str], new: str, still_used: set[str] = frozenset()) -> None:
    """Remove a replaced file once nothing published refers to it any more."""
    if old and old != new and old not in still_used:
        remove_quietly(folder / old)


def orphan_versions(folder: Path, keep: dict[str, dict[str, str]], names) -> list[Path]:
    """Which of ``names`` (files in ``folder``) are other versions of episode files than the ones
    the catalog names.

    ``keep`` maps a suffix (".mp3", ".vtt", ...) to {stem: the one name the
    catalog points at}; a file named ``<stem><suffix>`` or
    ``<stem>.<8 hex><suffix>`` that is not that name is an orphan.
    """
    version = re.compile(r"(.*)\.[0-9a-f]{8}")
    orphans = []
    for name in names:
        suffix = next((s for s in keep if name.endswith(s)), None)
        if suffix is None:
            continue
        base = name[: len(name) - len(suffix)]
        tagged = version.fullmatch(base)
        stem = base if base in keep[suffix] else tagged.group(1) if tagged else None
        if stem in keep[suffix] and keep[suffix][stem] != name:
            orphans.append(folder / name)
    return orphans


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
