"""What a build tells its caller: progress as it goes, and a report at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional


class Progress:
    """What the build tells its caller as it goes (the CLI draws bars).

    ``key`` names a bar: ``"all"`` for the whole run, ``"speech"`` for the
    speech workers, else one article."""

    def begin(self, key: str, label: str, total: int) -> None: ...

    def step(self, key: str, n: int = 1) -> None: ...

    def end(self, key: str, status: str = "") -> None: ...


@dataclass(frozen=True)
class EpisodeResult:
    slug: str
    title: str
    mp3: Path
    duration: float
    chapters: int
    status: str  # "new", "updated" or "unchanged"
    profile: str = "podcast"
    loudness_lufs: Optional[float] = None
    true_peak_dbtp: Optional[float] = None
    source: str = ""  # the catalog's name for the article (sources.Source.id)


def unchanged_result(entry, out_dir: Path) -> EpisodeResult:
    """The report line of an episode that was not made again (``entry``: its catalog entry)."""
    return EpisodeResult(entry.slug, entry.title, out_dir / entry.file, entry.duration, len(entry.chapters),
                         "unchanged", entry.profile, entry.loudness_lufs, entry.true_peak_dbtp, entry.source)


@dataclass(frozen=True)
class Failure:
    source: str
    error: str
    exit_code: int = 1


@dataclass
class BuildReport:
    out_dir: Path
    feed: Path
    local_only: bool
    episodes: list[EpisodeResult] = field(default_factory=list)
    clips_made: int = 0
    clips_cached: int = 0
    #: sections (and intro/closing) that needed at least one clip spoken
    sections_spoken: int = 0
    segments_encoded: int = 0
    segments_cached: int = 0
    #: whether this run wrote the feed (a run that made and changed nothing does not)
    feed_written: bool = False
    warnings: list[str] = field(default_factory=list)
    #: one-line notices that are not problems (what a migration moved)
    notes: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return max((f.exit_code for f in self.failures), default=0)
