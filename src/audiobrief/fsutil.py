"""Crash-safe file output: temp file in the same folder, fsync, rename; one writer."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from audiobrief.errors import PublishError

TEMP_MARK = ".tmp-"
LOCK_NAME = ".audiobrief.lock"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new, never half."""
    tmp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise PublishError(f"cannot write {path} ({exc.strerror}); check free space and permissions of {path.parent}") from None
    _fsync_dir(path.parent)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless ``path`` already holds exactly it; True if written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    atomic_write_bytes(path, data)
    return True


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


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


def remove_leftover_temps(folder: Path) -> int:
    """Delete temp files a killed run left behind (call while holding the lock)."""
    removed = 0
    for path in folder.glob(f".*{TEMP_MARK}*"):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create output folder {folder} ({exc.strerror}); choose another with --out") from None
    if not os.access(folder, os.W_OK):
        raise PublishError(f"output folder {folder} is not writable; fix its permissions or choose another with --out")


@contextmanager
def publish_lock(folder: Path, timeout: float = -1) -> Iterator[None]:
    """Hold the folder's lock: one build writes at a time, others queue.

    filelock uses OS locks (fcntl/msvcrt), so a killed holder never leaves a
    stale lock: the OS releases it with the process.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(folder / LOCK_NAME))
    try:
        with lock.acquire(timeout=timeout):
            yield
    except Timeout:
        raise PublishError(f"{folder} is being written by another audiobrief run; wait for it or use --wait") from None
