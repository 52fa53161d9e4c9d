"""The command line: the only module that imports Typer and rich.

Each command loads the config, calls one library function and renders its
report. Library errors (AudiobriefError) become one line on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from audiobrief import __version__
from audiobrief.errors import AudiobriefError

app = typer.Typer(
    name="audiobrief",
    help="Turn articles into podcast episodes, offline.\n\nExample: audiobrief make article.txt --base-url https://example.org/pod/",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"audiobrief {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="When another run is writing the same folder: queue behind it, or stop at once."),
) -> None:
    """Turn articles into podcast episodes, offline."""
    _lock_policy(wait)


def _lock_policy(wait: Optional[bool]) -> None:
    """How every command behaves when another run holds the output folder's lock."""
    from audiobrief.fsutil import configure_lock

    configure_lock(wait=wait, on_wait=lambda message: typer.echo(message, err=True))


def _config(config_file: Optional[Path], **overrides):
    from audiobrief.config import load_config

    return load_config(config_file).with_overrides(**overrides)


def _stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _stderr_is_terminal() -> bool:
    """What rich's Console.is_terminal would say, without importing rich (FORCE_TERMINAL/TTY_COMPATIBLE too)."""
    import os

    forced = os.environ.get("FORCE_TERMINAL", os.environ.get("TTY_COMPATIBLE"))
    if forced is not None and forced != "":
        return forced not in ("0", "false", "False")
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _RichProgress:
    """Draws the build's progress on stderr: one bar for the run, one per article in flight."""

    def __init__(self, progress) -> None:
        self._progress = progress
        self._tasks: dict = {}

    def begin(self, key: str, label: str, total: int) -> None:
        short = label if len(label) <= 40 else label[:39] + "\u2026"
        verb = {"all": "Making", "speech": "Speaking"}.get(key, "  ")
        self._tasks[key] = self._progress.add_task(f"{verb} {short}", total=max(1, total),
                                                   visible=key in ("all", "speech") or len(self._tasks) < 12)

    def step(self, key: str, n: int = 1) -> None:
        task = self._tasks.get(key)
        if task is not None and n:
            self._progress.advance(task, n)

    def end(self, key: str, status: str = "") -> None:
        task = self._tasks.get(key)
        if task is not None:
            total = self._progress.tasks[task].total if task < len(self._progress.tasks) else None
            self._progress.update(task, completed=total)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _loudness(lufs: Optional[float], peak: Optional[float]) -> str:
    if lufs is None:
        return "loudness not measured"
    return f"{lufs:.1f} LUFS, {peak:.1f} dBTP"


@app.command()
def make(
    articles: Optional[List[str]] = typer.Argument(
        None, help="Article files, folders of articles, or globs like 'news/*.txt'. None: the bundled sample.",
        show_default=False),
    out: Path = typer.Option(Path("episodes"), "--out", "-o", help="Folder for episodes, catalog and feed."),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Public URL of the output folder, for enclosure links."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Parallel jobs: encoding threads, and speech worker processes when there is more than one article or a long one (or N is given) [default: number of CPUs]."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p",
                                          help="Output profile: podcast, alexa or hq [default: from config, else podcast]."),
    wait: Optional[bool] = typer.Option(None, "--wait/--no-wait", help="If another run is writing --out: queue behind it (default) or stop at once.", show_default=False),
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help="Speech engine: pyttsx3, hibari or piper [default: from config]."),
    voice: Optional[str] = typer.Option(None, "--voice", help="Voice id, or a .onnx file for piper [default: from config]."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Clip cache folder [default: OUT/.cache]."),
) -> None:
    """Make one episode per article and publish it to the feed.

    A failing article is reported and skipped; the others are published and
    the exit code says something failed. Unchanged episodes are not made again.

    Example: audiobrief make articles/ --out episodes --base-url https://example.org/pod/ --jobs 2

    Example: audiobrief make story.txt --engine piper --jobs 2
    """
    if wait is not None:
        _lock_policy(wait)
    from audiobrief.build import build, sample_article

    config = _config(config_file, base_url=base_url, profile=profile, engine=engine,
                     voice=str(Path(voice).resolve()) if voice and voice.endswith(".onnx") else voice)
    paths = list(articles) if articles else [sample_article()]
    try:
        if _stderr_is_terminal():  # rich (0.1 s to import) only where a bar is drawn
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn)

            columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn())
            with Progress(*columns, console=_stderr(), transient=False) as bar:
                report = build(paths, config, out, workers=jobs, progress=_RichProgress(bar), cache_dir=cache_dir)
        else:
            report = build(paths, config, out, workers=jobs, progress=_LineProgress(), cache_dir=cache_dir)
    except KeyboardInterrupt:  # Typer would turn it into a silent exit 130
        typer.echo("interrupted; the feed and the episodes published before it are intact; "
                   "run the same command again to make the rest", err=True)
        raise typer.Exit(130)
    for ep in report.episodes:
        typer.echo(f"{ep.status:>9}  {ep.mp3}  {_duration(ep.duration)}  {ep.chapters} chapters  "
                   f"{_loudness(ep.loudness_lufs, ep.true_peak_dbtp)} ({ep.profile})  {ep.title}")
    for failure in report.failures:
        typer.echo(f"error: {failure.error}", err=True)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    made = sum(1 for ep in report.episodes if ep.status != "unchanged")
    typer.echo(f"feed: {report.feed} ({made} episode(s) made, {len(report.episodes) - made} unchanged, "
               f"{len(report.failures)} failed; {report.clips_made} clips spoken, {report.clips_cached} from cache; "
               f"{report.segments_encoded} segments encoded, {report.segments_cached} from cache)")
    if report.local_only and report.episodes:
        typer.echo("note: no base URL set, so the feed links to http://localhost:8000/ and works on this machine only; "
                  "set base_url in audiobrief.toml or pass --base-url", err=True)
    if report.failures:
        raise typer.Exit(report.exit_code)


class _LineProgress:
    """Progress without a terminal (logs, CI): one line per finished article."""

    def __init__(self) -> None:
        self._labels: dict = {}
        self._done = 0

    def begin(self, key: str, label: str, total: int) -> None:
        if key == "speech":
            typer.echo(f"speaking {total} clip(s)...", err=True)
            return
        self._labels[key] = label

    def step(self, key: str, n: int = 1) -> None:
        pass

    def end(self, key: str, status: str = "") -> None:
        if key not in ("all", "speech"):
            self._done += 1
            if status == "failed":
                return  # its `error:` line says it, once
            total = len(self._labels) - ("all" in self._labels)
            typer.echo(f"[{self._done}/{total}] {status or 'done'}: {self._labels.get(key, key)}", err=True)


cache_app = typer.Typer(help="The clip cache: its size, and trimming it.\n\nExample: audiobrief cache info --out episodes",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def _cache_root(out: Path, cache_dir: Optional[Path]) -> Path:
    from audiobrief.cache import default_root

    return cache_dir if cache_dir else default_root(out)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


@cache_app.command("info")
def cache_info(
    out: Path = typer.Option(Path("episodes"), "--out", "-o", help="Episodes folder whose cache to show."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder [default: OUT/.cache]."),
) -> None:
    """Show where the cache is and how big it is.

    Example: audiobrief cache info --out episodes
    """
    from audiobrief.cache import cache_info as info

    found = info(_cache_root(out, cache_dir))
    typer.echo(f"{found.root}: {_size(found.bytes)} in {found.clips} clips and {found.segments} encoded segments")


@cache_app.command("prune")
def cache_prune(
    out: Path = typer.Option(Path("episodes"), "--out", "-o", help="Episodes folder whose cache to trim."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder [default: OUT/.cache]."),
    max_size: str = typer.Option("0", "--max-size", help="Keep at most this much, least recently used go first: "
                                                         "e.g. 500MB, 2GB; 0 empties it."),
    older_than: Optional[float] = typer.Option(None, "--older-than", help="Only remove entries unused for this many days."),
) -> None:
    """Trim the cache: least recently used entries first.

    Example: audiobrief cache prune --max-size 500MB
    """
    from audiobrief.cache import prune
    from audiobrief.errors import ConfigError

    text = max_size.strip().upper().replace(" ", "")
    units = {"GB": 1 << 30, "MB": 1 << 20, "KB": 1 << 10, "B": 1}
    unit = next((u for u in units if text.endswith(u)), "")
    try:
        limit = int(float(text[: len(text) - len(unit)] if unit else text) * units.get(unit, 1))
    except ValueError:
        raise ConfigError(f"--max-size {max_size!r} is not a size; give e.g. 500MB or 2GB") from None
    if older_than is not None and limit == 0:
        limit = 1 << 62  # only age decides
    removed, freed = prune(_cache_root(out, cache_dir), limit, older_than)
    typer.echo(f"removed {removed} file(s), {_size(freed)} freed")


@app.command()
def plan(
    article: Path = typer.Argument(..., help="Article file to read.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON (a stable interface, see README)."),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
) -> None:
    """Show what would be spoken, without synthesising anything.

    Example: audiobrief plan story.txt --json
    """
    from audiobrief.build import plan as make_plan
    from audiobrief.script import plan_dict

    planned = make_plan(article, _config(config_file))
    data = plan_dict(planned.article, planned.script)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(f"Title: {data['title']}  (language: {data['language']})")
    for i, section in enumerate(data["sections"], 1):
        heading = section["heading"] or "(lead, no heading)"
        typer.echo(f"  {i}. {heading}  [{len(section['paragraphs'])} paragraph(s)]")
    typer.echo(f"Credits: {data['credits'] or '(none)'}")
    if data["dropped"]:
        typer.echo("Not spoken:")
        for line in data["dropped"]:
            typer.echo(f"  - {line}")
    typer.echo("Script:")
    for piece in data["script"]:
        typer.echo(f"  [{piece['kind']}] {piece['text']}")


@app.command()
def init(
    path: Path = typer.Option(Path("audiobrief.toml"), "--path", help="Where to write the settings file."),
    title: Optional[str] = typer.Option(None, "--title", help="Podcast title."),
    author: Optional[str] = typer.Option(None, "--author", help="Podcast author."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Public URL of the episodes folder."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented audiobrief.toml with the podcast's settings.

    Example: audiobrief init --title "Morning Brief" --author "Jo Doe"
    """
    from audiobrief.config import ConfigError, parse_config, render_default_config
    from audiobrief.fsutil import atomic_write_text

    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; edit it, or pass --force to overwrite it")
    values = {k: v for k, v in {"title": title, "author": author, "base_url": base_url}.items() if v is not None}
    text = render_default_config(**values)
    from audiobrief.config import toml

    parse_config(toml().loads(text))  # never write a file we would refuse to read
    atomic_write_text(path, text)
    typer.echo(f"wrote {path}; edit it, then run `audiobrief make`")


@app.command()
def voices(
    language: Optional[str] = typer.Option(None, "--language", "-l", help="Only voices for this language code, e.g. de."),
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help="Only this engine's voices, e.g. piper."),
) -> None:
    """List the voices of every speech engine, with language and sample rate.

    An engine that is not installed is listed with the command that installs it.

    Example: audiobrief voices --language en --engine piper
    """
    from audiobrief.engines import all_voices, known_engines

    if engine is not None and engine not in known_engines():
        raise AudiobriefError(f"unknown engine {engine!r}; choose one of {', '.join(known_engines())}")
    shown = 0
    for name, found, problem in all_voices():
        if engine is not None and name != engine:
            continue
        if found is None:
            typer.echo(f"[{name}] not available: {problem}")
            continue
        if language:
            found = [v for v in found if any(l.lower().replace("_", "-").startswith(language.lower().replace("_", "-"))
                                             for l in v.get("languages", []))]
        typer.echo(f"[{name}] {len(found)} voice(s)")
        for v in found:
            rate = f"{v['sample_rate']} Hz" if v.get("sample_rate") else "-"
            typer.echo(f"  {v['id']:<24} {', '.join(v.get('languages', [])):<16} {rate:<9} {v.get('name', '')}")
        shown += len(found)
    if not shown:
        raise typer.Exit(1)


lexicon_app = typer.Typer(help="Check the pronunciation lexicon (the pronunciations table in audiobrief.toml).\n\n"
                                "Example: audiobrief lexicon check story.md", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")


@lexicon_app.command("check")
def lexicon_check(
    article: Path = typer.Argument(..., help="Article file to scan.", show_default=False),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
) -> None:
    """List the capitalised names and acronyms in an article that have no pronunciation entry.

    Example: audiobrief lexicon check story.md
    """
    from audiobrief.readers import read_article
    from audiobrief.speech import lexicon
    from audiobrief.speech.normalize import clean_for_speech

    config = _config(config_file)
    read = read_article(article)
    table = lexicon.merge(config.pronunciations, read.meta.get("pronunciations"))
    missing = lexicon.unlisted_names(read, table)
    for word, count in missing:
        typer.echo(f"{word:<28} {count:>3}x  said as: {clean_for_speech(word, read.language)}")
    typer.echo(f"{len(missing)} name(s) without an entry; add the ones said wrongly to [pronunciations] "
               f"in audiobrief.toml, e.g. \"{missing[0][0] if missing else 'Name'}\" = \"respelling\"", err=True)


episodes_app = typer.Typer(help="List the catalog's episodes, take one out of the feed or put it back.\n\nExample: audiobrief episodes list --out episodes",
                            no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(episodes_app, name="episodes")

_OUT = typer.Option(Path("episodes"), "--out", "-o", help="The episodes folder.")
_CONFIG = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present].")
_BASE = typer.Option(None, "--base-url", help="Public URL of the folder [default: the config's, else the last one used].")


def _print_publish(report) -> None:
    typer.echo(f"feed: {report.feed} ({report.episodes} episode(s) in the feed)")
    for slug in report.archived:
        typer.echo(f"archived {slug} (keep_last); its files are in {report.out_dir / 'archive'}")
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
        table.append((r.slug, r.title, r.date, _duration(r.duration), loud,
                      r.file + ("" if r.in_feed else "  (not in feed)")))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:  # plain aligned columns: nothing is cut, long lines wrap in the terminal
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])


@episodes_app.command("remove")
def episodes_remove(slug: str = typer.Argument(..., help="The episode's slug (see `episodes list`)."),
                    out: Path = _OUT, config_file: Optional[Path] = _CONFIG, base_url: Optional[str] = _BASE) -> None:
    """Take an episode out of the feed; its files move to archive/ (nothing is deleted).

    Example: audiobrief episodes remove harbour-ferries-return --out episodes
    """
    from audiobrief.publish.site import remove_episode

    report = remove_episode(_config(config_file, base_url=base_url), out, slug)
    typer.echo(f"removed {slug} from the feed; its files are in {out / 'archive'} "
               f"(undo with `audiobrief episodes restore {slug}`)")
    _print_publish(report)


@episodes_app.command("restore")
def episodes_restore(slug: str = typer.Argument(..., help="The episode's slug (see `episodes list`)."),
                     out: Path = _OUT, config_file: Optional[Path] = _CONFIG, base_url: Optional[str] = _BASE) -> None:
    """Put a removed episode back in the feed, with its guid and number.

    Example: audiobrief episodes restore harbour-ferries-return --out episodes
    """
    from audiobrief.publish.site import restore_episode

    report = restore_episode(_config(config_file, base_url=base_url), out, slug)
    typer.echo(f"restored {slug} to the feed")
    _print_publish(report)


@app.command()
def feed(out: Path = _OUT, config_file: Optional[Path] = _CONFIG, base_url: Optional[str] = _BASE) -> None:
    """Regenerate feed.xml and flash-briefing.json from the catalog (after a config change).

    Example: audiobrief feed --out episodes --base-url https://example.org/pod/
    """
    from audiobrief.publish.site import regenerate

    _print_publish(regenerate(_config(config_file, base_url=base_url), out))


@app.command()
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


@app.command()
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


@app.command()
def say(
    text: str = typer.Argument(..., help="What to say.", show_default=False),
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help="Speech engine: pyttsx3, hibari or piper [default: from config]."),
    voice: Optional[str] = typer.Option(None, "--voice", help="Voice id (see `audiobrief voices`)."),
    rate: Optional[int] = typer.Option(None, "--rate", help="Words per minute, 80-450."),
    out: Path = typer.Option(Path("say.mp3"), "--out", "-o", help="MP3 file to write."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p", help="Output profile: podcast, alexa or hq."),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
) -> None:
    """Speak a line with a voice and rate, to preview them, into an MP3.

    Example: audiobrief say "Good morning, here is the news." --engine hibari --rate 190 --out preview.mp3
    """
    from audiobrief.preview import say as speak_line

    config = _config(config_file, engine=engine, voice=voice, rate=rate, profile=profile)
    result = speak_line(text, config, out)
    typer.echo(f"wrote {result.path}  {result.seconds:.1f} s  {_loudness(result.loudness_lufs, result.true_peak_dbtp)}  "
               f"voice {result.voice}, {result.rate} wpm")


#: math libraries' own thread pools: audiobrief parallelises by --jobs itself, and
#: an idle OpenBLAS pool spinning beside each job cost a 400-word make 2.6 s of
#: CPU for nothing (measured with /usr/bin/time; wall time fell 0.3 s without it)
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main() -> None:
    import os

    for name in _ONE_THREAD:  # before numpy is imported, here and in spawned workers
        os.environ.setdefault(name, "1")
    try:
        app()
    except AudiobriefError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted; the previous feed and episodes are intact", err=True)
        sys.exit(130)
