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
) -> None:
    """Turn articles into podcast episodes, offline."""


def _config(config_file: Optional[Path], **overrides):
    from audiobrief.config import load_config

    return load_config(config_file).with_overrides(**overrides)


def _stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


class _RichProgress:
    """Draws the build's progress with a rich bar on stderr."""

    def __init__(self, progress) -> None:
        self._progress = progress
        self._task = None

    def begin(self, label: str, total: int) -> None:
        short = label if len(label) <= 40 else label[:39] + "\u2026"
        self._task = self._progress.add_task(f"Speaking {short}", total=total)

    def step(self, n: int = 1) -> None:
        if self._task is not None and n:
            self._progress.advance(self._task, n)

    def end(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=self._progress.tasks[-1].total)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _loudness(lufs: Optional[float], peak: Optional[float]) -> str:
    if lufs is None:
        return "loudness not measured"
    return f"{lufs:.1f} LUFS, {peak:.1f} dBTP"


@app.command()
def make(
    articles: Optional[List[Path]] = typer.Argument(
        None, help="Article files (.txt). None: the bundled sample article.", show_default=False),
    out: Path = typer.Option(Path("episodes"), "--out", "-o", help="Folder for episodes, catalog and feed."),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Public URL of the output folder, for enclosure links."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Speech worker processes [default: auto]."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p",
                                          help="Output profile: podcast, alexa or hq [default: from config, else podcast]."),
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help="Speech engine: pyttsx3 or piper [default: from config]."),
    voice: Optional[str] = typer.Option(None, "--voice", help="Voice id, or a .onnx file for piper [default: from config]."),
) -> None:
    """Make one episode per article and publish it to the feed.

    Example: audiobrief make story.txt other.txt --out episodes --base-url https://example.org/pod/ --profile podcast

    Example: audiobrief make story.txt --engine piper --jobs 2
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from audiobrief.build import build, sample_article

    config = _config(config_file, base_url=base_url, profile=profile, engine=engine,
                     voice=str(Path(voice).resolve()) if voice and voice.endswith(".onnx") else voice)
    paths = list(articles) if articles else [sample_article()]
    err = _stderr()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as bar:
        report = build(paths, config, out, workers=jobs, progress=_RichProgress(bar))
    for ep in report.episodes:
        typer.echo(f"{ep.status:>9}  {ep.mp3}  {_duration(ep.duration)}  {ep.chapters} chapters  "
                   f"{_loudness(ep.loudness_lufs, ep.true_peak_dbtp)} ({ep.profile})  {ep.title}")
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"feed: {report.feed} ({len(report.episodes)} episode(s) made; "
               f"{report.clips_made} clips spoken, {report.clips_cached} from cache)")
    if report.local_only:
        typer.echo("note: no base URL set, so the feed links to http://localhost:8000/ and works on this machine only; "
                  "set base_url in audiobrief.toml or pass --base-url", err=True)


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
    from audiobrief.config import tomllib

    parse_config(tomllib.loads(text))  # never write a file we would refuse to read
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
    voice: Optional[str] = typer.Option(None, "--voice", help="Voice id (see `audiobrief voices`)."),
    rate: Optional[int] = typer.Option(None, "--rate", help="Words per minute, 80-450."),
    out: Path = typer.Option(Path("say.mp3"), "--out", "-o", help="MP3 file to write."),
    profile: Optional[str] = typer.Option(None, "--profile", "-p", help="Output profile: podcast, alexa or hq."),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
) -> None:
    """Speak a line with a voice and rate, to preview them, into an MP3.

    Example: audiobrief say "Good morning, here is the news." --voice en-us --rate 190 --out preview.mp3
    """
    from audiobrief.preview import say as speak_line

    config = _config(config_file, voice=voice, rate=rate, profile=profile)
    result = speak_line(text, config, out)
    typer.echo(f"wrote {result.path}  {result.seconds:.1f} s  {_loudness(result.loudness_lufs, result.true_peak_dbtp)}  "
               f"voice {result.voice}, {result.rate} wpm")


def main() -> None:
    try:
        app()
    except AudiobriefError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted; the previous feed and episodes are intact", err=True)
        sys.exit(130)
