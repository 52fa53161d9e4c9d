"""Keeping the show's web pages up to date: only what changed is rendered again.

Each episode page is stamped with what it was made from (``memos.PAGES``);
the show page's rows are reused from the index.html written last time
(``publish.pieces``). What a page shows is ``publish.page_render``'s.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Optional, Sequence

from audiobrief.fsutil import atomic_write_bytes
from audiobrief.memos import INDEX_ROWS, PAGES, folder_memos, read_stamp, settled, stat_stamp, write_stamp
from audiobrief.publish import pieces
from audiobrief.publish.page_render import GENERATOR, INDEX_NAME, Renderer, page_name
from audiobrief.publish.pieces import Piece

_MARK = f'<meta name="generator" content="{GENERATOR}">'.encode()

_STAMPS_LAYOUT = 2


def write_pages(config, catalog, out_dir: Path, cover_name: str) -> list[Path]:
    """:func:`update_pages`, giving the paths of the show's pages."""
    return [Path(out_dir) / name for name in update_pages(config, catalog, out_dir, cover_name)]


def update_pages(config, catalog, out_dir: Path, cover_name: str) -> list[str]:
    """Regenerate the pages from the catalog (atomic, untouched when unchanged); drop pages of gone episodes.

    A page whose inputs -- the episode's entry, the size, time and inode of
    its transcript, which sidecar files exist, the templates and show settings
    -- match the stamp recorded when it was written, and whose own file is the
    one written then, is neither rendered nor read: a feed of 10,000 unchanged
    episodes costs a stat per page. Without a matching stamp, the page's
    content fingerprint (in its head) decides, as before; only changed pages
    are rendered. The show page is skipped the same way when its rows and
    settings are unchanged. Returns the pages' file names.
    """
    out_dir = Path(out_dir)
    renderer = Renderer(config, cover_name, out_dir)
    episodes = catalog.newest_first()
    stamps = _PageStamps(out_dir, f"{_STAMPS_LAYOUT} {renderer._base.hexdigest()}")
    try:
        files = {d.name for d in os.scandir(out_dir) if d.is_file()}
    except OSError:
        files = set()
    digests = getattr(catalog, "digests", None)  # a Catalog's keys; other entries are hashed here
    keys = digests(episodes) if digests is not None else [_entry_key(e) for e in episodes]  # once for all uses
    index_key = hashlib.blake2b("\n".join(keys).encode("utf-8"), digest_size=16).hexdigest()
    if not stamps.unchanged(INDEX_NAME, index_key):
        _write_index(renderer, episodes, keys, out_dir / INDEX_NAME, stamps.base)
        stamps.record(INDEX_NAME, index_key)
    written = [INDEX_NAME]
    page_key = _PageKeys(stamps.folder, files, time.time_ns())
    for entry, key in zip(episodes, keys):
        name = page_name(entry.slug)
        written.append(name)
        key = page_key(entry, key)
        if not stamps.unchanged(name, key):
            _write_episode_page(renderer, entry, out_dir / name)
            stamps.record(name, key)
    _drop_gone_pages(out_dir, files, set(written))
    stamps.save()
    return written


class _PageStamps:
    """Each page's stamp -- "<its inputs> <its file's stat>" -- as recorded last time and as now."""

    def __init__(self, out_dir: Path, base: str) -> None:
        self.file, self.base = folder_memos(out_dir) / PAGES, base
        self.folder = os.fspath(out_dir) + os.sep
        saved = read_stamp(self.file)
        self.old = saved["pages"] if isinstance(saved, dict) and saved.get("base") == base else {}
        self.new: dict[str, str] = {}

    def unchanged(self, name: str, key: Optional[str]) -> bool:
        """The page was written from ``key`` (None: inputs not known yet) and is that file."""
        stamp = self.old.get(name)
        if key is not None and stamp is not None and stamp == f"{key} {_file_key(self.folder + name)}":
            self.new[name] = stamp
            return True
        return False

    def record(self, name: str, key: Optional[str]) -> None:
        if key is not None:
            self.new[name] = f"{key} {_file_key(self.folder + name)}"

    def save(self) -> None:
        if self.new != self.old:
            write_stamp(self.file, {"base": self.base, "pages": self.new})


def _write_episode_page(renderer: Renderer, entry, target: Path) -> None:
    """The page, unless the one there has the same content fingerprint (or the same bytes)."""
    fingerprint = renderer.fingerprint(entry)
    if _head_has(target, _inputs_mark(fingerprint)):
        return
    data = renderer.episode(entry, fingerprint)
    if not (target.is_file() and target.read_bytes() == data):
        atomic_write_bytes(target, data)


def _drop_gone_pages(out_dir: Path, files, keep: set) -> None:
    """Remove the pages this module wrote for episodes no longer in the feed."""
    for name in sorted(files):
        if name.endswith(".html") and name not in keep and _head_has(out_dir / name, _MARK):
            try:
                (out_dir / name).unlink()
            except OSError:
                pass


#: one episode's row of index.html: the piece publish.pieces reuses
ROW = Piece(re.compile(rb'^<li>\n<article aria-labelledby="ep-.*?</article>\n</li>\n', re.S | re.M),
            lambda slug: f'aria-labelledby="ep-{slug}"'.encode("utf-8"))


def _write_index(renderer: Renderer, episodes: Sequence, keys: Sequence[str], target: Path, base: str) -> None:
    """The show page, rendering only the rows of new or changed episodes (a row shows its own
    episode's fields only; the others come from the index.html written last time)."""
    memo = folder_memos(target.parent) / INDEX_ROWS
    reused = pieces.reuse(memo, target, base, ROW)
    ids = [(e.slug, key) for e, key in zip(episodes, keys)]
    data, layout = pieces.render_reusing(renderer.index, episodes, ids, ROW, reused)
    if reused.old != data and not (reused.old is None and target.is_file() and target.read_bytes() == data):
        atomic_write_bytes(target, data)
    pieces.record(memo, target, base, layout)


def _file_key(path: str) -> str:
    """cache.file_stamp as text ("-" when the file is missing)."""
    try:
        return _stat_key(os.stat(path))
    except OSError:
        return "-"


def _stat_key(st: os.stat_result) -> str:
    return ".".join(map(str, stat_stamp(st)))


def _entry_key(entry) -> str:
    """A hash of an episode's fields (for entries that do not come from a Catalog, which has its own)."""
    text = json.dumps(dict(vars(entry)), sort_keys=True, default=list)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _PageKeys:
    """An episode page's inputs, from the entry and file stats alone (no file is read): the entry's
    key, then per transcript its stat (WebVTT, which the page shows) or whether it exists, then
    whether the chapters file exists. None when a transcript changed too recently for its time
    stamp to be trusted. ``files``: the names in the folder (one listing for every page)."""

    def __init__(self, folder: str, files: set, now: int):
        self.folder, self.files, self.now, self.settled = folder, files, now, settled

    def _present(self, name: str) -> bool:
        return name in self.files or (("/" in name or "\\" in name) and os.path.isfile(self.folder + name))

    def __call__(self, entry, entry_key: str) -> Optional[str]:
        parts = [entry_key]
        folder, files, settled, now = self.folder, self.files, self.settled, self.now
        for t in getattr(entry, "transcripts", ()) or ():
            name = t["file"]
            present = name in files or self._present(name)
            if present and t.get("type") == "text/vtt":
                try:
                    st = os.stat(folder + name)
                except OSError:
                    return None
                if not settled(st, now):  # just written: checked by content (see cache.SETTLE_NS)
                    return None
                parts.append(_stat_key(st))
            else:
                parts.append("1" if present else "0")
        chapters_file = getattr(entry, "chapters_file", None)
        if chapters_file:
            parts.append("1" if chapters_file in files or self._present(chapters_file) else "0")
        return " ".join(parts)


def _inputs_mark(fingerprint: str) -> bytes:
    return f'<meta name="{GENERATOR}-inputs" content="{fingerprint}">'.encode()


def _head_has(path: Path, mark: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return mark in handle.read(2048)
    except OSError:
        return False
