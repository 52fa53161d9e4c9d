"""The `brief` command: one episode from several articles, pages and feeds.

cli.py registers :func:`brief` on the Typer app. The command parses options,
composes the briefing (:func:`audiobrief.briefing.prepare_briefing`), hands its
source to ``build`` like `make` hands it files, and prints the report as `make` does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

from audiobrief.cli_shared import cluster_from, settings, with_progress
from audiobrief.errors import ConfigError
from audiobrief.since import parse_since


def brief(
    sources: List[str] = typer.Argument(
        ..., help="Article files, folders, globs, http(s) page URLs, or RSS/Atom feeds (files or URLs).",
        show_default=False),
    title: str = typer.Option("Briefing", "--title", "-t", help="The briefing's name; with the day it names the episode."),
    out: Path = typer.Option(Path("episodes"), "--out", "-o", help="Folder for episodes, catalog and feed."),
    since: Optional[str] = typer.Option(None, "--since", help="Only feed items newer than this: 90m, 24h, 3d, 2w."),
    max_items: Optional[int] = typer.Option(None, "--max-items", min=1, help="At most this many items from each feed."),
    item_length: str = typer.Option("lead", "--item-length",
                                    help="How much of each story: lead (about 45 s), full, or N sentences."),
    day: Optional[str] = typer.Option(None, "--date", help="The briefing's day, YYYY-MM-DD (default: today)."),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file (default: ./audiobrief.toml if present)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Public URL of the output folder, for enclosure links."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p", help="Output profile: podcast, alexa or hq."),
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help="Speech engine: pyttsx3 or piper."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Parallel jobs (default: the number of CPUs)."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder (default: the user's cache folder, e.g. ~/.cache/audiobrief)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler whose workers speak, measure and encode, e.g. tcp://10.0.0.5:8786; needs pip install 'audiobrief\\[cluster]' (default: \\[cluster] scheduler in the config, else this machine)."),
) -> None:
    """Make ONE episode from several stories: an intro, a chapter per story, a close naming the sources.

    A source that cannot be fetched or read is skipped with a warning; the
    others are made. Exit codes: 0 all made (or unchanged), 5 made with some
    stories skipped, 2 nothing made (no story left or bad input), 6 no network,
    3 speech engine, 4 publishing.

    Example: audiobrief brief https://example.org/news/feed.xml --title "Morning briefing" --since 24h --max-items 8

    Example: audiobrief brief saved-pages/ --title "Reading list" --item-length full

    Example: audiobrief brief saved-pages/ --title "Evening news" --scheduler tcp://10.0.0.5:8786
    """
    # the library modules are loaded when the command runs, as for every command (see cli.py)
    from audiobrief.briefing import PARTIAL_EXIT, exit_code, parse_item_length, prepare_briefing
    from audiobrief.build import build
    from audiobrief.cli import _print_made

    config = settings(config_file, base_url=base_url, profile=profile, engine=engine)
    try:
        options = {"since": parse_since(since), "item_length": parse_item_length(item_length),
                   "day": date.fromisoformat(day) if day else None}
    except ValueError:
        raise ConfigError(f"--date {day!r}: give the day as YYYY-MM-DD, e.g. 2026-12-05") from None
    warn = lambda message: typer.echo(f"warning: {message}", err=True)  # noqa: E731
    try:
        with cluster_from(scheduler, config) as cluster:  # an unusable cluster stops the run before any fetch
            briefing = prepare_briefing(sources, config, title=title, max_items=max_items, cache_dir=cache_dir,
                                        warn=warn, **options)
            report = with_progress(lambda progress: build([briefing.source], config, out, workers=jobs,
                                                          progress=progress, cache_dir=cache_dir, cluster=cluster))
    except KeyboardInterrupt:  # Typer would turn it into a silent exit 130
        typer.echo("interrupted; the feed and the episodes published before it are intact; "
                   "run the same command again to make the briefing", err=True)
        raise typer.Exit(130)
    _print_made(report)
    typer.echo(f"briefing: {briefing.stories} stories, {len(briefing.skipped)} skipped")
    if briefing.skipped:
        typer.echo(f"note: {len(briefing.skipped)} source(s) skipped (warnings above); exit code {PARTIAL_EXIT}",
                   err=True)
    if exit_code(report, briefing):
        raise typer.Exit(exit_code(report, briefing))
