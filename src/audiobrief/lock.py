"""One writer per publish folder: the folder's lock.

The lock file lives outside the folder (``memos.folder_state``), so an
upload of the folder carries none of it. On local disks filelock uses OS
locks (fcntl/msvcrt), which the OS drops when a process dies, so a killed
run never blocks the next one. Where the file system has no such locks, a
soft lock file is used instead, and one whose recorded holder (pid on this
host) is gone is broken. Other runs wait for the lock (and say so) or, with
``--no-wait``, stop at once (the policy of :mod:`audiobrief.lock_policy`).
"""

from __future__ import annotations

import errno
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from audiobrief.errors import PublishError, why
from audiobrief.fsutil import pid_alive, remove_quietly
from audiobrief.lock_policy import POLICY
from audiobrief.memos import folder_state


def _hostname() -> str:
    """This machine's name, as the lock holder records it (os.uname: no socket import at start-up)."""
    try:
        return os.uname().nodename
    except AttributeError:  # pragma: no cover - Windows
        import socket

        return socket.gethostname()


LOCK_NAME = ".audiobrief.lock"
#: the lock file where the file system has no OS locks (its existence is the lock)
SOFT_LOCK_NAME = ".audiobrief.softlock"
#: a soft lock with no recorded holder older than this was left by a run killed
#: between taking the lock and recording itself
SOFT_LOCK_ORPHAN_SECONDS = 30
#: who holds the lock: "pid host", written while the lock is held
OWNER_NAME = ".audiobrief.lock.owner"

def read_owner(place: Path) -> tuple[int, str]:
    """(pid, host) recorded by the lock's holder, or (0, "") when unknown."""
    try:
        pid, _, host = (place / OWNER_NAME).read_text(encoding="utf-8").strip().partition(" ")
        return int(pid), host
    except (OSError, ValueError):
        return 0, ""


def owner_is_stale(place: Path) -> bool:
    """True when the recorded holder ran on this machine and is gone."""
    pid, host = read_owner(place)
    return bool(pid) and host == _hostname() and not pid_alive(pid)


def _soft_lock_is_stale(place: Path) -> bool:
    if owner_is_stale(place):
        return True
    pid, _ = read_owner(place)
    try:
        age = time.time() - (place / SOFT_LOCK_NAME).stat().st_mtime
    except OSError:
        return False
    return not pid and age > SOFT_LOCK_ORPHAN_SECONDS


def _make_lock(place: Path):
    """An OS lock (fcntl/msvcrt) where the file system supports one, else a soft lock."""
    if os.environ.get("AUDIOBRIEF_SOFT_LOCK"):
        return _soft_lock(place)
    from filelock import FileLock

    return FileLock(str(place / LOCK_NAME))


def _soft_lock(place: Path):
    """filelock's lock-file lock."""
    from filelock import SoftFileLock

    return SoftFileLock(str(place / SOFT_LOCK_NAME))


def _is_soft(lock) -> bool:
    return type(lock).__name__ == "SoftFileLock"


def _acquire(lock, folder: Path, timeout: float) -> None:
    """Acquire ``lock``; OS errors that will not go away become a PublishError."""
    try:
        lock.acquire(timeout=timeout)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC):
            raise PublishError(f"cannot lock {folder}: {why(exc)}") from None
        raise


def lock_place(folder: Path) -> Path:
    """Where the lock files of ``folder`` live (outside it)."""
    place = folder_state(folder)
    try:
        place.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot lock {folder}: cannot create {place}: {why(exc)}") from None
    return place


class _Attempts:
    """Tries to take one folder's lock: an OS lock, which becomes a soft lock where the file
    system has none."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.place = lock_place(folder)
        self.lock = _make_lock(self.place)

    def __call__(self, seconds: float) -> bool:
        """Whether the lock was taken within ``seconds``."""
        from filelock import Timeout

        try:
            _acquire(self.lock, self.folder, seconds)
            return True
        except NotImplementedError:
            self.lock = _soft_lock(self.place)
            return self(seconds)
        except Timeout:
            return False

    def stale_soft_lock(self) -> bool:
        return _is_soft(self.lock) and _soft_lock_is_stale(self.place)


def _take(attempt: _Attempts, timeout: float) -> bool:
    """Take the lock, breaking a soft lock whose holder is gone; returns whether this run
    waited for another (``timeout``: seconds, 0 to fail at once, negative to wait for ever)."""
    folder, place = attempt.folder, attempt.place
    if attempt(0):
        return False
    if attempt.stale_soft_lock():
        pid, _ = read_owner(place)
        remove_quietly(place / SOFT_LOCK_NAME)
        POLICY.say(f"broke a stale lock on {folder} left by process {pid}, which is gone")
        if attempt(0):
            return False
    pid, host = read_owner(place)
    holder = f"process {pid}" + (f" on {host}" if host and host != _hostname() else "") if pid else "another run"
    if timeout == 0:
        raise PublishError(f"{folder} is being written by another audiobrief run ({holder}); "
                           "wait for it, or run again without --no-wait to queue") from None
    POLICY.say(f"waiting for {holder} to finish writing {folder} ...")
    deadline = None if timeout < 0 else time.monotonic() + timeout
    while not attempt(0.5):
        if attempt.stale_soft_lock():
            remove_quietly(place / SOFT_LOCK_NAME)
            continue
        if deadline is not None and time.monotonic() > deadline:
            raise PublishError(f"{folder} is still being written by another audiobrief run ({holder}) after "
                               f"{timeout:.0f} s; try again later") from None
    return True


@contextmanager
def publish_lock(folder: Path, timeout: Optional[float] = None) -> Iterator[None]:
    """Hold the folder's lock: one run writes at a time, others queue.

    ``timeout``: seconds to wait (None: the policy of :mod:`audiobrief.lock_policy`;
    ``--no-wait`` means 0).
    """
    if timeout is None:
        timeout = -1 if POLICY.wait else 0
    attempt = _Attempts(folder)
    waited = _take(attempt, timeout)
    place = attempt.place
    try:
        if not waited and owner_is_stale(place):
            POLICY.say(f"the previous run on {folder} (process {read_owner(place)[0]}) was interrupted; "
                     "its lock is released and its leftovers are cleaned up")
        try:
            (place / OWNER_NAME).write_text(f"{os.getpid()} {_hostname()}\n", encoding="utf-8")
        except OSError:
            pass  # informational only
        if waited:
            POLICY.say(f"got the lock on {folder}; continuing")
        yield
    finally:
        remove_quietly(place / OWNER_NAME)
        attempt.lock.release()
