"""Crash-safe file output: temp file in the same folder, fsync, rename; one writer.

Everything audiobrief publishes goes through :func:`atomic_write_bytes`, so a
reader (a podcast app, the local server, the next run) sees either the old
file or the new one, never half of one. The folder's lock
(:func:`publish_lock`) makes sure only one run writes at a time; the others
wait for it (and say so) or, with ``--no-wait``, stop at once.

Two environment variables exist for the fault-injection tests only:
``AUDIOBRIEF_TRACE=<file>`` appends one line per write step to that file, and
``AUDIOBRIEF_SLOW_WRITES=<seconds>`` pauses inside each write step, so a test
can SIGKILL a run in the middle of writing the catalog or the feed.
"""

from __future__ import annotations

import errno
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from audiobrief.errors import PublishError


def _hostname() -> str:
    """This machine's name, as the lock holder records it (os.uname: no socket import at start-up)."""
    try:
        return os.uname().nodename
    except AttributeError:  # pragma: no cover - Windows
        import socket

        return socket.gethostname()

TEMP_MARK = ".tmp-"
LOCK_NAME = ".audiobrief.lock"
#: the lock file where the file system has no OS locks (its existence is the lock)
SOFT_LOCK_NAME = ".audiobrief.softlock"
#: a soft lock with no recorded holder older than this was left by a run killed
#: between taking the lock and recording itself
SOFT_LOCK_ORPHAN_SECONDS = 30
#: who holds the lock: "pid host", written while the lock is held
OWNER_NAME = ".audiobrief.lock.owner"

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


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full; free some space"
    if exc.errno == errno.EROFS:
        return "the folder is on a read-only file system; choose another with --out"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; fix the folder's permissions or choose another with --out"
    return f"{exc.strerror or exc}; check free space and permissions"


def describe_write_error(path: Path, exc: OSError) -> PublishError:
    """The one-line error for a failed write: what happened and that nothing published changed."""
    return PublishError(f"cannot write {path}: {_why(exc)}; the previous files are intact")


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
        raise PublishError(f"cannot write {path}: {_why(exc)}; the previous files are intact") from None
    _fsync_dir(path.parent)


def temp_path(path: Path) -> Path:
    """A temp name beside ``path`` that ``remove_leftover_temps`` recognises."""
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}")


def atomic_replace(tmp: Path, path: Path) -> None:
    """Rename a finished (fsynced) temp file over ``path``."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise describe_write_error(path, exc) from None
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
        if owner is None or owner == os.getpid() or not _pid_alive(owner):
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
        raise PublishError(f"cannot create output folder {folder}: {_why(exc)}") from None
    if not folder.is_dir():
        raise PublishError(f"output folder {folder} is not a folder; choose another with --out")
    if not os.access(folder, os.W_OK):
        raise PublishError(f"output folder {folder} is not writable; fix its permissions or choose another with --out")


def ensure_free_space(folder: Path, needed: int, what: str) -> None:
    """Stop before starting work that cannot fit on the disk (a clear error
    beats a half-made episode). ``needed`` is an estimate in bytes."""
    import shutil

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed:
        raise PublishError(
            f"not enough free space for {what} in {folder}: about {needed / 1e6:.1f} MB needed, "
            f"{free / 1e6:.1f} MB free; the disk is full, free some space or choose another --out")


def disk_is_full(folder: Path, margin: int = 1_000_000) -> bool:
    import shutil

    try:
        return shutil.disk_usage(folder).free < margin
    except OSError:
        return False


# ------------------------------------------------------------------ the lock

#: process-wide lock policy, set once by the CLI (``--wait/--no-wait``)
_WAIT = True
_ON_WAIT: Optional[Callable[[str], None]] = None


def configure_lock(wait: Optional[bool] = None, on_wait: Optional[Callable[[str], None]] = None) -> None:
    """Set how :func:`publish_lock` behaves when another run holds the folder.

    ``wait=False``: fail at once with a PublishError. ``on_wait(message)`` is
    called once when a run starts waiting (the CLI prints it).
    """
    global _WAIT, _ON_WAIT
    if wait is not None:
        _WAIT = wait
    if on_wait is not None:
        _ON_WAIT = on_wait


def _pid_alive(pid: int) -> bool:
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


def read_owner(folder: Path) -> tuple[int, str]:
    """(pid, host) recorded by the lock's holder, or (0, "") when unknown."""
    try:
        pid, _, host = (folder / OWNER_NAME).read_text(encoding="utf-8").strip().partition(" ")
        return int(pid), host
    except (OSError, ValueError):
        return 0, ""


def owner_is_stale(folder: Path) -> bool:
    """True when the recorded holder ran on this machine and is gone."""
    pid, host = read_owner(folder)
    return bool(pid) and host == _hostname() and not _pid_alive(pid)


def _soft_lock_is_stale(folder: Path) -> bool:
    if owner_is_stale(folder):
        return True
    pid, _ = read_owner(folder)
    try:
        age = time.time() - (folder / SOFT_LOCK_NAME).stat().st_mtime
    except OSError:
        return False
    return not pid and age > SOFT_LOCK_ORPHAN_SECONDS


def _make_lock(folder: Path):
    """An OS lock (fcntl/msvcrt) where the file system supports one, else a soft lock."""
    if os.environ.get("AUDIOBRIEF_SOFT_LOCK"):
        return _soft_lock(folder)
    from filelock import FileLock

    return FileLock(str(folder / LOCK_NAME))


def _soft_lock(folder: Path):
    """filelock's lock-file lock: imported only when needed (it costs ~12 ms of start-up)."""
    from filelock import SoftFileLock

    return SoftFileLock(str(folder / SOFT_LOCK_NAME))


def _is_soft(lock) -> bool:
    return type(lock).__name__ == "SoftFileLock"


def _acquire(lock, folder: Path, timeout: float) -> None:
    """Acquire ``lock``; OS errors that will not go away become a PublishError."""
    try:
        lock.acquire(timeout=timeout)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC):
            raise PublishError(f"cannot lock {folder}: {_why(exc)}") from None
        raise


@contextmanager
def publish_lock(folder: Path, timeout: Optional[float] = None) -> Iterator[None]:
    """Hold the folder's lock: one run writes at a time, others queue.

    On local disks filelock uses OS locks (fcntl/msvcrt), which the OS drops
    when a process dies, so a killed run never blocks the next one. Where the
    file system has no such locks, a soft lock file is used instead, and one
    whose recorded holder (pid on this host) is gone is broken. Leftover temp
    files of a killed run are removed once the lock is held.

    ``timeout``: seconds to wait (None: the configured policy; ``--no-wait``
    means 0).
    """
    from filelock import Timeout

    if timeout is None:
        timeout = -1 if _WAIT else 0
    lock = _make_lock(folder)
    waited = False

    def attempt(seconds: float) -> bool:
        nonlocal lock
        try:
            _acquire(lock, folder, seconds)
            return True
        except NotImplementedError:
            lock = _soft_lock(folder)
            return attempt(seconds)
        except Timeout:
            return False

    if not attempt(0):
        if _is_soft(lock) and _soft_lock_is_stale(folder):
            pid, _ = read_owner(folder)
            remove_quietly(folder / SOFT_LOCK_NAME)
            if _ON_WAIT:
                _ON_WAIT(f"broke a stale lock on {folder} left by process {pid}, which is gone")
            acquired = attempt(0)
        else:
            acquired = False
        if not acquired:
            pid, host = read_owner(folder)
            holder = f"process {pid}" + (f" on {host}" if host and host != _hostname() else "") if pid else "another run"
            if timeout == 0:
                raise PublishError(
                    f"{folder} is being written by another audiobrief run ({holder}); "
                    "wait for it, or run again without --no-wait to queue") from None
            if _ON_WAIT:
                _ON_WAIT(f"waiting for {holder} to finish writing {folder} ...")
            waited = True
            deadline = None if timeout < 0 else time.monotonic() + timeout
            while not attempt(0.5):
                if _is_soft(lock) and _soft_lock_is_stale(folder):
                    remove_quietly(folder / SOFT_LOCK_NAME)
                    continue
                if deadline is not None and time.monotonic() > deadline:
                    raise PublishError(
                        f"{folder} is still being written by another audiobrief run ({holder}) after "
                        f"{timeout:.0f} s; try again later") from None
    try:
        if not waited and owner_is_stale(folder) and _ON_WAIT:
            _ON_WAIT(f"the previous run on {folder} (process {read_owner(folder)[0]}) was interrupted; "
                     "its lock is released and its leftovers are cleaned up")
        try:
            (folder / OWNER_NAME).write_text(f"{os.getpid()} {_hostname()}\n", encoding="utf-8")
        except OSError:
            pass  # informational only
        if waited and _ON_WAIT:
            _ON_WAIT(f"got the lock on {folder}; continuing")
        yield
    finally:
        remove_quietly(folder / OWNER_NAME)
        lock.release()


# ------------------------------------------------------------------ versioned files

def version_tag(data: bytes) -> str:
    import hashlib

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
