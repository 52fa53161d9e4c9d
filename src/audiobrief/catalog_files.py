"""The episode files in a folder against its catalog: intact, or left over by a killed run."""

from __future__ import annotations

import os
from pathlib import Path

from audiobrief.catalog import Catalog, Entry, load_catalog
from audiobrief.errors import PublishError
from audiobrief.fsutil import orphan_versions, remove_quietly


def files_intact(out_dir: Path, entry: Entry) -> bool:
    """The published files of an entry are still there, the MP3 at its recorded size."""
    try:
        if (out_dir / entry.file).stat().st_size != entry.bytes:
            return False
    except OSError:
        return False
    sidecars = [entry.chapters_file] + [t["file"] for t in entry.transcripts]
    return all((out_dir / name).is_file() for name in sidecars if name)


#: files made beside each MP3 and versioned with it (publish.episode)
SIDECAR_SUFFIXES = (".chapters.json", ".vtt", ".srt")


def remove_unpublished_versions(folder: Path) -> None:
    """Remove MP3 and sidecar versions the catalog no longer names (a run killed after its
    catalog write but before removing the file it replaced). Call under the lock."""
    try:
        catalog = load_catalog(folder)
    except PublishError:
        return  # a damaged catalog is reported by the build itself
    for path in unpublished_versions(folder, catalog):
        remove_quietly(path)


def unpublished_versions(folder: Path, catalog: Catalog) -> list[Path]:
    """The files :func:`remove_unpublished_versions` would delete (no lock needed to look).

    The folder is listed once; only episode files the catalog does not name are
    looked at further (in a folder of 10,000 episodes there are usually none).
    """
    episodes = catalog.episodes
    named = {e.file for e in episodes}
    named.update(e.chapters_file for e in episodes if e.chapters_file)
    named.update(t["file"] for e in episodes for t in e.transcripts)
    suffixes = (".mp3", *SIDECAR_SUFFIXES)
    try:
        strays = [d.name for d in os.scandir(folder) if d.name.endswith(suffixes) and d.name not in named]
    except OSError:
        return []
    if not strays:
        return []
    keep: dict[str, dict[str, str]] = {suffix: {} for suffix in SIDECAR_SUFFIXES}
    keep[".mp3"] = {entry.slug: entry.file for entry in episodes}
    for entry in episodes:
        for name in [entry.chapters_file or ""] + [t["file"] for t in entry.transcripts]:
            suffix = next((s for s in SIDECAR_SUFFIXES if name.endswith(s)), None)
            if suffix:
                keep[suffix][entry.slug] = name
    return orphan_versions(folder, keep, strays)
