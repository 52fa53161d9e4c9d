"""Everything published from the catalog in one step: retention, feed.xml, web pages, flash-briefing.json.

``publish_folder`` is what ``make`` runs after each episode and what
``audiobrief feed``/``episodes remove|restore`` run; callers hold the publish lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from audiobrief.catalog import Catalog, Entry, collector_resting, load_catalog
from audiobrief.config import Config
from audiobrief.cover import publish_cover
from audiobrief.errors import PublishError
from audiobrief.lock import publish_lock
from audiobrief.memos import archive_dir
from audiobrief.old_folders import move_out_of_folder
from audiobrief.publish import is_local_only
from audiobrief.publish.archive import apply_retention, archive_entry, finish_moves, restore_entry
from audiobrief.publish.feed import channel_guid, write_feed
from audiobrief.publish.flash import write_flash
from audiobrief.publish.pages import update_pages


@dataclass
class PublishReport:
    out_dir: Path
    feed: Path
    episodes: int
    archived: list[str] = field(default_factory=list)  # slugs moved out by keep_last
    flash_note: str = ""
    changed: Optional[str] = None  # slug removed/restored, for the CLI


def publish_folder(config: Config, catalog: Catalog, out_dir: Path, cover_name: Optional[str] = None) -> PublishReport:
    """Apply keep_last, fix the podcast guid, write feed.xml and flash-briefing.json; save the catalog."""
    with collector_resting(len(catalog.episodes)):
        return _publish_folder(config, catalog, out_dir, cover_name)


def _publish_folder(config: Config, catalog: Catalog, out_dir: Path, cover_name: Optional[str]) -> PublishReport:
    if config.base_url:
        catalog.base_url = config.base_url
    elif catalog.base_url:  # made with --base-url before: keep publishing there
        config = config.with_overrides(base_url=catalog.base_url)
    if cover_name is None:
        cover_name = publish_cover(config, out_dir).name
    archived = apply_retention(catalog, out_dir, config.keep_last)
    if catalog.podcast_guid is None and not is_local_only(config):
        catalog.podcast_guid = channel_guid(config, catalog)  # stored once, never changed
    catalog.save()
    feed = write_feed(config, catalog, out_dir, cover_name)
    update_pages(config, catalog, out_dir, cover_name)  # index.html and <slug>.html, with the feed
    flash = write_flash(config, catalog.newest_first(), out_dir)
    finish_moves(catalog)  # archived/restored files leave their old place only now
    return PublishReport(out_dir, feed, len(catalog.newest_first()), [e.slug for e in archived], flash.note)


def _existing_catalog(out_dir: Path) -> Catalog:
    """The folder's catalog, for a command that changes it (under the lock): what an older
    version kept in the folder is moved out first, as ``make`` does."""
    move_out_of_folder(out_dir)
    catalog = load_catalog(out_dir)
    if not catalog.path.is_file():
        raise PublishError(f"{out_dir} has no {catalog.path.name}; make an episode first "
                           f"(audiobrief make ARTICLE --out {out_dir}) or pass the right folder with --out")
    return catalog


def regenerate(config: Config, out_dir: Path) -> PublishReport:
    with publish_lock(out_dir):
        return publish_folder(config, _existing_catalog(out_dir), out_dir)


def _find(catalog: Catalog, slug: str) -> Entry:
    entry = catalog.find_slug(slug)
    if entry is None:
        known = ", ".join(sorted(e.slug for e in catalog.episodes)) or "none"
        raise PublishError(f"no episode '{slug}' in {catalog.path}; known slugs: {known} (see `audiobrief episodes list`)")
    return entry


def remove_episode(config: Config, out_dir: Path, slug: str) -> PublishReport:
    with publish_lock(out_dir):
        catalog = _existing_catalog(out_dir)
        entry = _find(catalog, slug)
        if entry.archived:
            raise PublishError(f"episode '{slug}' is already out of the feed; bring it back with `audiobrief episodes restore {slug}`")
        archive_entry(catalog, entry, out_dir)
        report = publish_folder(config, catalog, out_dir)
    report.changed = slug
    return report


def restore_episode(config: Config, out_dir: Path, slug: str) -> PublishReport:
    with publish_lock(out_dir):
        catalog = _existing_catalog(out_dir)
        entry = _find(catalog, slug)
        if not entry.archived:
            raise PublishError(f"episode '{slug}' is already in the feed; nothing to restore")
        if config.keep_last:
            key = (entry.pub_date, entry.number)
            newer = sum(1 for e in catalog.newest_first() if (e.pub_date, e.number) > key)
            if newer >= config.keep_last:  # keep_last would archive it again at once
                raise PublishError(f"'{slug}' is older than the newest {config.keep_last} episodes kept by keep_last; "
                               f"raise podcast.keep_last in audiobrief.toml, then run `audiobrief episodes restore {slug}`")
        restore_entry(catalog, entry, out_dir)
        report = publish_folder(config, catalog, out_dir)
    report.changed = slug
    return report


@dataclass(frozen=True)
class EpisodeRow:
    slug: str
    title: str
    date: str
    duration: float
    loudness: Optional[float]
    file: str
    in_feed: bool


def list_episodes(out_dir: Path) -> list[EpisodeRow]:
    """Every episode in the catalog, newest first, archived ones included."""
    catalog = load_catalog(out_dir, write_migration=False)
    rows = []
    for e in sorted(catalog.episodes, key=lambda e: (e.pub_date, e.number), reverse=True):
        file = e.file if not e.archived else str(archive_dir(out_dir) / e.file)
        rows.append(EpisodeRow(e.slug, e.title, e.pub_date[:10], e.duration, e.loudness_lufs, file, not e.archived))
    return rows
