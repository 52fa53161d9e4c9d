"""Taking episodes out of the feed and back: files move to the folder's archive, never deleted.

The archive lives outside the publish folder (``memos.archive_dir``), so an
upload of the folder carries no removed episode.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from audiobrief.catalog import Catalog, Entry, now_iso
from audiobrief.errors import PublishError
from audiobrief.fsutil import remove_quietly
from audiobrief.memos import archive_dir


def finish_moves(catalog: Catalog) -> None:
    """Second half of a move: drop the old copies (call after the catalog and feed are written)."""
    for path in catalog.remove_after_save:
        remove_quietly(path)
    catalog.remove_after_save.clear()


def _move(src: Path, dst: Path, catalog: Catalog) -> None:
    """Put ``src`` at ``dst`` too; ``src`` goes only after the catalog commit
    (:func:`finish_moves`), so a crash in between leaves the old state whole."""
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
        if dst.exists():
            dst.unlink()
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        catalog.remove_after_save.append(src)
    except OSError as exc:
        raise PublishError(f"cannot move {src} to {dst} ({exc.strerror}); check permissions of {dst.parent}") from None


def archive_entry(catalog: Catalog, entry: Entry, out_dir: Path) -> Entry:
    """Out of the feed; its files go to the archive. The guid and number stay reserved."""
    for name in entry.files():
        _move(out_dir / name, archive_dir(out_dir) / name, catalog)
    catalog.changed = now_iso()
    return catalog.replace_entry(entry, archived=True)


def restore_entry(catalog: Catalog, entry: Entry, out_dir: Path) -> Entry:
    """Back in the feed with its files, the same guid and number."""
    archive = archive_dir(out_dir)
    missing = [n for n in entry.files() if not (archive / n).is_file() and not (out_dir / n).is_file()]
    if missing:
        raise PublishError(f"cannot restore {entry.slug}: {', '.join(missing)} is in neither {out_dir} nor "
                           f"{archive}; put the file back or make the article again")
    for name in entry.files():
        _move(archive / name, out_dir / name, catalog)
    catalog.changed = now_iso()
    return catalog.replace_entry(entry, archived=False)


def apply_retention(catalog: Catalog, out_dir: Path, keep_last: int) -> list[Entry]:
    """Archive all but the newest ``keep_last`` published episodes (0 keeps all)."""
    if keep_last <= 0:
        return []
    dropped = catalog.newest_first()[keep_last:]
    return [archive_entry(catalog, e, out_dir) for e in dropped]
