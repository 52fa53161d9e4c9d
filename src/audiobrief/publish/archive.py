"""Taking episodes out of the feed and back: files move to DIR/archive/, never deleted."""

from __future__ import annotations

import os
from pathlib import Path

from audiobrief.catalog import ARCHIVE_DIR, Catalog, Entry, now_iso
from audiobrief.errors import PublishError


def _move(src: Path, dst: Path) -> None:
    if not src.is_file():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists() and dst.read_bytes() != src.read_bytes():
        # an older copy is already there (the article was made again): keep it under a numbered name
        n = 1
        while (older := dst.with_name(f"{dst.stem}.{n}{dst.suffix}")).exists():
            n += 1
        os.replace(dst, older)
    try:
        os.replace(src, dst)
    except OSError as exc:
        raise PublishError(f"cannot move {src} to {dst} ({exc.strerror}); check permissions of {dst.parent}") from None


def archive_entry(catalog: Catalog, entry: Entry, out_dir: Path) -> Entry:
    """Out of the feed; its files go to archive/. The guid and number stay reserved."""
    for name in entry.files():
        _move(out_dir / name, out_dir / ARCHIVE_DIR / name)
    catalog.changed = now_iso()
    return catalog.replace_entry(entry, archived=True)


def restore_entry(catalog: Catalog, entry: Entry, out_dir: Path) -> Entry:
    """Back in the feed with its files, the same guid and number."""
    missing = [n for n in entry.files() if not (out_dir / ARCHIVE_DIR / n).is_file() and not (out_dir / n).is_file()]
    if missing:
        raise PublishError(f"cannot restore {entry.slug}: {', '.join(missing)} is in neither {out_dir} nor "
                           f"{out_dir / ARCHIVE_DIR}; put the file back or make the article again")
    for name in entry.files():
        _move(out_dir / ARCHIVE_DIR / name, out_dir / name)
    catalog.changed = now_iso()
    return catalog.replace_entry(entry, archived=False)


def apply_retention(catalog: Catalog, out_dir: Path, keep_last: int) -> list[Entry]:
    """Archive all but the newest ``keep_last`` published episodes (0 keeps all)."""
    if keep_last <= 0:
        return []
    dropped = catalog.newest_first()[keep_last:]
    return [archive_entry(catalog, e, out_dir) for e in dropped]
