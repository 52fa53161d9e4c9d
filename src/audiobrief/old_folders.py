"""Folders made by older versions: what they kept inside, moved to where it lives now.

Older versions kept their cache (``.cache/``), the show's archive and the
lock inside the publish folder; the next run moves them out (``memos`` says
where each now lives) and says so in one line.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

from audiobrief.memos import (CATALOG_DIGESTS, COVER, FEED_ITEMS, FEED_STAMP, INDEX_ROWS, PAGES, TEMPLATES,
                              archive_dir, cache_root, folder_memos)

#: what older versions kept inside the publish folder
OLD_CACHE, OLD_ARCHIVE = ".cache", "archive"
OLD_LOCK_FILES = (".audiobrief.lock", ".audiobrief.softlock", ".audiobrief.lock.owner")


def has_old_layout(out_dir: Path) -> bool:
    """Something an older version kept in the folder is still there."""
    return any((out_dir / name).exists() for name in (OLD_CACHE, OLD_ARCHIVE, *OLD_LOCK_FILES))


def move_out_of_folder(out_dir: Path, cache_dir: Optional[Path] = None) -> Optional[str]:
    """Move what older versions kept in the publish folder to where it lives now.

    ``.cache/``'s clips and memos go to the cache, ``archive/`` and the lock
    files to the folder's state. Returns the one line that says what moved
    (None when there was nothing). Call while holding the folder's lock.
    """
    moved = []
    old_cache = out_dir / OLD_CACHE
    if old_cache.is_dir():
        _merge(old_cache, cache_root(cache_dir), keep=lambda name: name not in _PER_FOLDER + _RETIRED)
        for name in _PER_FOLDER:
            if (old_cache / name).exists():
                _merge_one(old_cache / name, folder_memos(out_dir) / name)
        shutil.rmtree(old_cache, ignore_errors=True)
        moved.append(f"{OLD_CACHE}/ to {cache_root(cache_dir)}")
    old_archive = out_dir / OLD_ARCHIVE
    if old_archive.is_dir():
        _merge(old_archive, archive_dir(out_dir))
        shutil.rmtree(old_archive, ignore_errors=True)
        moved.append(f"{OLD_ARCHIVE}/ to {archive_dir(out_dir)}")
    for name in OLD_LOCK_FILES:
        try:
            (out_dir / name).unlink()
        except OSError:
            pass
    return " and ".join(moved) or None


def migration_note(moved: Optional[str], renamed: int, root: str) -> str:
    """The one line that tells the user what a migration did."""
    parts = [f"moved {moved}"] if moved else []
    if renamed:
        parts.append(f"episodes.json now names its {renamed} article(s) relative to {root}")
    return "; ".join(parts) + ": the folder now holds only what listeners may fetch"


#: the files of old ``.cache/`` folders that belong to that one folder
_PER_FOLDER = (FEED_STAMP, FEED_ITEMS, PAGES, INDEX_ROWS, COVER, CATALOG_DIGESTS, TEMPLATES)
#: what older versions kept there and nothing reads any more (the two feed stamps before feed.json)
_RETIRED = ("feed.stamp", "feed-written.json")


def _merge(src: Path, dst: Path, keep=lambda name: True) -> None:
    for child in src.iterdir():
        if keep(child.name):
            _merge_one(child, dst / child.name)


def _merge_one(src: Path, dst: Path) -> None:
    """Move ``src`` to ``dst``, folders merged; what is already at ``dst`` wins."""
    if src.is_dir() and dst.is_dir():
        _merge(src, dst)
        return
    if dst.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.move(str(src), str(dst))
    except OSError:
        pass
