"""The recipe: gather -> decide what changed -> plan -> speak -> render -> publish.

Only the CLI imports this module. ``build`` reads top to bottom; each stage
is a function named for what it does, in the module that owns it:

    sources.gather          files, folders, globs and page URLs -> Sources (id, bytes, read())
    memos                   every stamp and memo, and where each one lives
    planning                article -> script, clips, build key, what is left to speak
    production.produce      speak (speaking), render (render.episode_steps) and publish
                            (publish.episode) each changed episode, overlapping
    publish.site            the feed, pages and flash briefing, from the catalog

An episode is unchanged when the catalog's entry for its article has the
build key it would be made with now and its files are intact. ``Run.unchanged``
decides that, in one place, for both ways of knowing the key: remembered for
the article's bytes and settings (step 2, nothing read), or computed after
reading it (step 6).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, Union

from audiobrief import memos
from audiobrief.catalog import CATALOG_NAME, Catalog, load_catalog
from audiobrief.catalog_files import files_intact, remove_unpublished_versions, unpublished_versions
from audiobrief.config import Config
from audiobrief.cover import publish_cover
from audiobrief.fsutil import ensure_folder, remove_leftover_temps, stale_temps
from audiobrief.lock import publish_lock
from audiobrief.old_folders import has_old_layout, migration_note, move_out_of_folder
from audiobrief.profiles import get_profile
from audiobrief.publish import FEED_NAME, is_local_only
from audiobrief.publish.feed import write_feed
from audiobrief.readers.language import memo_in
from audiobrief.report import BuildReport, Progress, unchanged_result
from audiobrief.sources import Source, catalog_id, gather

if TYPE_CHECKING:  # the making stages' modules are loaded only when something is made
    from audiobrief.cluster import Cluster


def build(inputs: Sequence[Union[str, Path, Source]], config: Config, out_dir: Path, *,
          workers: Optional[int] = None, progress: Optional[Progress] = None,
          cache_dir: Optional[Path] = None, cluster: Optional[Cluster] = None) -> BuildReport:
    """Make and publish one episode per article; a failing article is reported and skipped.

    ``cluster``: speak, measure and encode on its workers (``audiobrief.cluster``).

    Raises only for problems that stop everything (settings, output folder,
    the catalog); per-article problems land in ``report.failures``.
    """
    run = Run(config, Path(out_dir), cache_dir)
    sources, run.report.failures = gather(inputs, config, run.cache_root)  # 1. gather the articles
    todo = [s for s in sources if not run.known_unchanged(s)]      # 2. unchanged: known from the bytes alone
    if todo:
        # the making stages are loaded only now: a re-run with nothing to make never needs them
        from audiobrief import planning, production, speaking

        speaking.start_early(config, len(todo), workers, cluster)  # the engine loads while we plan
        production.check_settings_files(config)                    # 3. a bad cover or sound fails first
        with memo_in(memos.LanguageMemo(run.cache_root / memos.LANGUAGE)) as languages:
            planned = planning.plan_all(todo, config, run.report)  # 4. plan: read and script each article
        if planned:
            run.take_folder()                                      # 5. the folder is ours: clean, migrate
            languages.flush()
            works = planning.decide(planned, run)                  # 6. decide what changed: the build keys
            if works:                                              # 7. speak, render and publish each
                production.produce(works, config, run.profile, run.out_dir, run.cache_root, workers,
                                   progress or Progress(), run.report, cluster)
    run.refresh_feed()                                             # 8. the feed, if the settings changed it
    order = {source.id: i for i, source in enumerate(sources)}
    run.report.episodes.sort(key=lambda e: order.get(e.source, 0))  # in the order they were given
    return run.report


class Run:
    """One build's settings, places and report, and the steps that share them."""

    def __init__(self, config: Config, out_dir: Path, cache_dir: Optional[Path]) -> None:
        self.config, self.out_dir, self.cache_dir = config, out_dir, cache_dir
        self.profile = get_profile(config.profile)
        self.cache_root = memos.cache_root(cache_dir)
        self.report = BuildReport(out_dir=out_dir, feed=out_dir / FEED_NAME, local_only=is_local_only(config))
        self.catalog: Optional[Catalog] = _catalog_if_any(out_dir)  # read-only until take_folder
        self.stamps: dict[str, str] = {}  # source id -> stamp of its bytes and the settings
        self.folder_taken = False

    def unchanged(self, source: str, key: Optional[str], clips: int) -> bool:
        """Whether making ``source`` with build key ``key`` would change nothing; if so, it is
        reported unchanged (its ``clips`` counted as cached)."""
        old = self.catalog.find_source(source) if self.catalog is not None else None
        if old is None or not key or old.build_key != key or not files_intact(self.out_dir, old):
            return False
        self.report.clips_cached += clips
        self.report.episodes.append(unchanged_result(old, self.out_dir))
        return True

    def known_unchanged(self, source: Source) -> bool:
        """Step 2: the build key remembered for these very bytes and settings says unchanged."""
        if source.data is None:
            return False  # reading it will say what is wrong with it
        self.stamps[source.id] = memos.source_stamp(source.data, self.config, self.profile)
        key, clips = memos.remembered_key(self.cache_root, source.where, self.stamps[source.id])
        return self.unchanged(source.id, key, clips)

    def remember_key(self, source: Source, key: str, clips: int) -> None:
        """Step 6: the key computed for the source's bytes, for step 2 of the next run."""
        if source.id in self.stamps:
            memos.remember_key(self.cache_root, source.where, self.stamps[source.id], key, clips)

    def take_folder(self) -> None:
        """Create the folder; under its lock, remove a killed run's leftovers and move out what
        older versions kept in it (one note says what moved)."""
        ensure_folder(self.out_dir)
        with publish_lock(self.out_dir):
            remove_leftover_temps(self.out_dir)
            remove_unpublished_versions(self.out_dir)
            moved = move_out_of_folder(self.out_dir, self.cache_dir)
            self.catalog = load_catalog(self.out_dir)
            renamed = self.catalog.rename_sources(lambda source: catalog_id(Path(source), self.config.root))
            if renamed:
                self.catalog.save()
            if moved or renamed:
                self.report.notes.append(migration_note(moved, renamed, self.config.root))
        self.folder_taken = True

    def refresh_feed(self) -> None:
        """Step 8: when no episode was published, the feed is rewritten only if the catalog or
        the settings it shows changed since it was last written (the feed stamp says). A
        killed run's leftovers go first, as on every run that writes."""
        report = self.report
        if report.feed_written or not (report.episodes or self.folder_taken and self.catalog.path.is_file()):
            return
        if self._feed_is_current() and (self.folder_taken or not self._needs_cleaning()):
            return
        if not self.folder_taken:
            self.take_folder()
        with publish_lock(self.out_dir):
            if not self._feed_is_current():
                cover = publish_cover(self.config, self.out_dir, report.warnings)
                write_feed(self.config, load_catalog(self.out_dir), self.out_dir, cover.name)
                memos.record_feed(report.feed, memos.feed_stamp(self.config, self.out_dir / CATALOG_NAME))
                report.feed_written = True

    def _feed_is_current(self) -> bool:
        return memos.feed_is_current(self.report.feed, memos.feed_stamp(self.config, self.out_dir / CATALOG_NAME))

    def _needs_cleaning(self) -> bool:
        """Leftovers of a killed run, or an older version's layout (looked at without the lock:
        a run with nothing to make or clean takes no lock at all)."""
        out = self.out_dir
        return (next(stale_temps(out), None) is not None
                or (self.catalog is not None and bool(unpublished_versions(out, self.catalog)))
                or has_old_layout(out))


def _catalog_if_any(out_dir: Path) -> Optional[Catalog]:
    return load_catalog(out_dir, write_migration=False) if (out_dir / CATALOG_NAME).is_file() else None
