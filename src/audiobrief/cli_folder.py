"""The commands about a published folder: cache, episodes, feed, check, serve.

Registered on the app by cli.py; part of the command line (only cli*.py
modules import Typer and rich).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from audiobrief.cli_shared import duration, settings


cache_app = typer.Typer(help="The clip cache: its size, and trimming it.\n\nExample: audiobrief cache info --out episodes",
                        no_args_is_help=True)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


@cache_app.command("info")
def cache_info(
    out: Path = typer.Option(Path("episodes"), "--out", "-o", help="Episodes folder whose cache to show."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder [default: the user's cache folder, e.g. ~/.cache/audiobrief]."),
) -> None:
    """Show where the cache is and how big it is.

    Example: audiobrief cache info --out episodes
    """
    from audiobrief.cache import cache_info as measure_cache
    from audiobrief.memos import cache_root

    found = measure_cache(cache_root(cache_dir))
    typer.echo(f"{found.root}: {_size(found.bytes)} in {found.clips} clips, {found.segments} encoded segments "
               f"and {found.pages} fetched pages")


@cache_app.command("prune")
def cache_prune(
    out: Path = typer.Option(Path("episodes"), "--out", "-o", help="Episodes folder whose cache to trim."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder [default: the user's cache folder, e.g. ~/.cache/audiobrief]."),
    max_size: str = typer.Option("0", "--max-size", help="Keep at most this much, least recently used go first: "
                                                         "e.g. 500MB, 2GB; 0 empties it."),
    older_than: Optional[float] = typer.Option(None, "--older-than", help="Only remove entries unused for this many days."),
) -> None:
    """Trim the cache (clips, encoded segments, fetched pages): least recently used entries first.

    Example: audiobrief cache prune --max-size 500MB
    """
    from audiobrief.cache import prune
    from audiobrief.config import ConfigError
    from audiobrief.memos import cache_root

    text = max_size.strip().upper().replace(" ", "")
    units = {"GB": 1 << 30, "MB": 1 << 20, "KB": 1 << 10, "B": 1}
    unit = next((u for u in units if text.endswith(u)), "")
    try:
        limit = int(float(text[: len(text) - len(unit)] if unit else text) * units.get(unit, 1))
    except ValueError:
        raise ConfigError(f"--max-size {max_size!r} is not a size; give e.g. 500MB or 2GB") from None
    if older_than is not None and limit == 0:
        limit = 1 << 62  # only age decides
    removed, freed = prune(cache_root(cache_dir), limit, older_than)
    typer.echo(f"removed {removed} file(s), {_size(freed)} freed")


episodes_app = typer.Typer(help="List the catalog's episodes, take one out of the feed or put it back.\n\nExample: audiobrief episodes list --out episodes",
                            no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})

_OUT = typer.Option(Path("episodes"), "--out", "-o", help="The episodes folder.")
_CONFIG = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present].")
_BASE = typer.Option(None, "--base-url", help="Public URL of the folder [default: the config's, else the last one used].")


def _print_publish(report, archive: Path) -> None:
    """The feed line, then where the episodes ``keep_last`` archived went (``archive``)."""
    typer.echo(f"feed: {report.feed} ({report.episodes} episode(s) in the feed)")
    for slug in report.archived:
        typer.echo(f"archived {slug} (keep_last); its files are in {archive}")
    typer.echo(report.flash_note)


@episodes_app.command("list")
def episodes_list(out: Path = _OUT) -> None:
    """Show every episode: title, date, duration, loudness and file.

    Example: audiobrief episodes list --out episodes
    """
    from audiobrief.publish.site import list_episodes

    rows = list_episodes(out)
    if not rows:
        typer.echo(f"no episodes in {out}; make one with `audiobrief make ARTICLE --out {out}`")
        return
    table = [("slug", "title", "date", "duration", "loudness", "file")]
    for r in rows:
        loud = f"{r.loudness:.1f} LUFS" if r.loudness is not None else "-"
        table.append((r.slug, r.title, r.date, duration(r.duration), loud,
                      r.file + ("" if r.in_feed else "  (not in feed)")))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:  # plain aligned columns: nothing is cut, long lines wrap in the terminal
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])


@episodes_app.command("remove")
def episodes_remove(slug: str = typer.Argument(..., help="The episode's slug (see `episodes list`)."),
                    out: Path = _OUT, config_file: Optional[Path] = _CONFIG, base_url: Optional[str] = _BASE) -> None:
    """Take an episode out of the feed; its files move to the folder's archive (nothing is deleted).

    Example: audiobrief episodes remove harbour-ferries-return --out episodes
    """
    from audiobrief.memos import archive_dir
    from audiobrief.publish.site import remove_episode

    report = remove_episode(settings(config_file, base_url=base_url), out, slug)
    typer.echo(f"removed {slug} from the feed; its files are in {archive_dir(out)} "
               f"(undo with `audiobrief episodes restore {slug}`)")
    _print_publish(report, archive_dir(report.out_dir))


@episodes_app.command("restore")
def episodes_restore(slug: str = typer.Argument(..., help="The episode's slug (see `episodes list`)."),
                     out: Path = _OUT, config_file: Optional[Path] = _CONFIG, base_url: Optional[str] = _BASE) -> None:
    """Put a removed episode back in the feed, with its guid and number.

    Example: audiobrief episodes restore harbour-ferries-return --out episodes
    """
    from audiobrief.memos import archive_dir
    from audiobrief.publish.site import restore_episode

    report = restore_episode(settings(config_file, base_url=base_url), out, slug)
    typer.echo(f"restored {slug} to the feed")
    _print_publish(report, archive_dir(report.out_dir))


def feed(out: Path = _OUT, config_file: Optional[Path] = _CONFIG, base_url: Optional[str] = _BASE) -> None:
    """Regenerate feed.xml and flash-briefing.json from the catalog (after a config change).

    Example: audiobrief feed --out episodes --base-url https://example.org/pod/
    """
    from audiobrief.memos import archive_dir
    from audiobrief.publish.site import regenerate

    report = regenerate(settings(config_file, base_url=base_url), out)
    _print_publish(report, archive_dir(report.out_dir))


def check(folder: Path = typer.Argument(Path("episodes"), help="The episodes folder to check.")) -> None:
    """Lint what is published: feed tags, guids, lengths, durations, cover, chapters, transcripts, flash briefing.

    Example: audiobrief check episodes
    """
    from audiobrief.check import check_folder

    report = check_folder(folder)
    for problem in report.problems:
        typer.echo(str(problem), err=problem.severity == "error")
    errors, warnings = len(report.errors), len(report.problems) - len(report.errors)
    typer.echo(f"{folder}: {errors} error(s), {warnings} warning(s); checked {len(report.checked)} file(s)")
    if errors:
        raise typer.Exit(1)


def serve(
    folder: Path = typer.Argument(Path("episodes"), help="The episodes folder to serve."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; 0.0.0.0 lets phones on your network in."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port (0 picks a free one)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="URL clients reach this server at (e.g. behind a proxy)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not log requests."),
) -> None:
    """Serve the folder read-only, with byte ranges, so a podcast app can subscribe.

    Example: audiobrief serve episodes --host 0.0.0.0 --port 8000
    """
    from audiobrief.serve import feed_address, make_server, qr_text

    server = make_server(folder, host, port, base_url, quiet=quiet)
    url = feed_address(server, base_url)
    listen_host, listen_port = server.server_address[:2]
    typer.echo(f"serving {folder} read-only on {listen_host} port {listen_port}; subscribe to: {url}")
    qr = qr_text(url)
    if qr and sys.stdout.isatty():
        typer.echo(qr)
    if host not in ("127.0.0.1", "::1", "localhost"):
        typer.echo(f"note: listening on {host}: other machines on the network can read this folder", err=True)
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        server.server_close()
