"""The `brief` command: one episode from several articles, pages and feeds.

Registered on the Typer app by ``register(app)`` (cli.py calls it once); the
command itself only parses options, calls :func:`audiobrief.briefing.make_briefing`
and prints its report like `make` does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

from audiobrief.briefing import PARTIAL_EXIT, make_briefing, parse_item_length
from audiobrief.errors import ConfigError
from audiobrief.sources import parse_since


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
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder (default: OUT/.cache)."),
) -> None:
    """Make ONE episode from several stories: an intro, a chapter per story, a close naming the sources.

    A source that cannot be fetched or read is skipped with a warning; the
    others are made. Exit codes: 0 all made (or unchanged), 5 made with some
    stories skipped, 2 nothing made (no story left or bad input), 6 no network,
    3 speech engine, 4 publishing.

    Example: audiobrief brief https://example.org/news/feed.xml --title "Morning briefing" --since 24h --max-items 8

    Example: audiobrief brief saved-pages/ --title "Reading list" --item-length full
    """
    # cli imports this module to register the command, so its helpers are imported when the command runs
    from audiobrief import cli

    config = cli._config(config_file, base_url=base_url, profile=profile, engine=engine)
    try:
        options = {"since": parse_since(since), "item_length": parse_item_length(item_length),
                   "day": date.fromisoformat(day) if day else None}
    except ValueError:
        raise ConfigError(f"--date {day!r}: give the day as YYYY-MM-DD, e.g. 2026-12-05") from None
    warn = lambda message: typer.echo(f"warning: {message}", err=True)  # noqa: E731
    if cli._stderr_is_terminal():
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=cli._stderr(), transient=False) as bar:
            result = make_briefing(sources, config, out, title=title, max_items=max_items, workers=jobs,
                                   progress=cli._RichProgress(bar), cache_dir=cache_dir, warn=warn, **options)
    else:
        result = make_briefing(sources, config, out, title=title, max_items=max_items, workers=jobs,
                               progress=cli._LineProgress(), cache_dir=cache_dir, warn=warn, **options)
    report = result.build
    for ep in report.episodes:
        typer.echo(f"{ep.status:>9}  {ep.mp3}  {cli._duration(ep.duration)}  {ep.chapters} chapters  "
                   f"{result.stories} stories  {ep.title}")
    for failure in report.failures:
        typer.echo(f"error: {failure.error}", err=True)
    if result.skipped and not report.failures:
        typer.echo(f"note: {len(result.skipped)} source(s) skipped (warnings above); exit code {PARTIAL_EXIT}",
                   err=True)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add `brief` to the app (cli.py: ``register(app)``)."""
    app.command(name="brief")(brief)

