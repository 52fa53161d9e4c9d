"""The command line: with cli_brief.py, cli_folder.py and cli_shared.py, the only modules
that import Typer and rich.

Each command loads the config, calls one library function and renders its
report. Library errors (AudiobriefError) become one line on stderr.

Each command imports the library module it calls when it runs (the first lines
of its body, or of the helper it calls: ``settings`` for the config,
``read_named`` for the article of `plan` and `lexicon check`), so one command
never loads the modules of the others and `--help` loads none of them: `make` on
an unchanged folder stays a fraction of a second (see scripts/bench, and
tests/test_startup.py, which names the modules `--help`, `plan` and a re-run
must not load). This is the CLI's one exception to "the package's modules at
the top". The lock policy (``--wait/--no-wait``) is a setting of its own
module, imported at the top: setting it loads nothing of the lock.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from audiobrief import __version__
from audiobrief.cli_folder import cache_app, check, episodes_app, feed, serve
from audiobrief.cli_brief import brief
from audiobrief.cli_shared import cluster_from, duration, loudness, read_named, settings, with_progress
from audiobrief.errors import AudiobriefError
from audiobrief.lock_policy import configure_lock
from audiobrief.logs import route_warnings

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
    route_warnings()
    configure_lock(wait=wait, on_wait=lambda message: typer.echo(message, err=True))


@app.command()
def make(
    articles: Optional[List[str]] = typer.Argument(
        None, help="Article files, folders of articles, globs like 'news/*.txt', or http(s) page URLs. None: the bundled sample.",
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
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Clip cache folder [default: the user's cache folder, e.g. ~/.cache/audiobrief]."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler whose workers speak, measure and encode, e.g. tcp://10.0.0.5:8786 or tcp://[fd00::5]:8786; needs pip install 'audiobrief\\[cluster]' [default: \\[cluster] scheduler in the config, else this machine]."),
) -> None:
    """Make one episode per article and publish it to the feed.

    A failing article is reported and skipped; the others are published and
    the exit code says something failed. Unchanged episodes are not made again.

    Example: audiobrief make articles/ --out episodes --base-url https://example.org/pod/ --jobs 2

    Example: audiobrief make story.txt --engine piper --jobs 2

    Example: audiobrief make articles/ --scheduler tcp://10.0.0.5:8786

    Example: audiobrief make https://example.org/news/river-park.html
    """
    from audiobrief.build import build
    from audiobrief.reading import sample_article

    configure_lock(wait=wait)

    config = settings(config_file, base_url=base_url, profile=profile, engine=engine,
                     voice=str(Path(voice).resolve()) if voice and voice.endswith(".onnx") else voice)
    paths = list(articles) if articles else [sample_article()]
    try:
        with cluster_from(scheduler, config) as cluster:
            report = with_progress(lambda progress: build(paths, config, out, workers=jobs, progress=progress,
                                                          cache_dir=cache_dir, cluster=cluster))
    except KeyboardInterrupt:  # Typer would turn it into a silent exit 130
        typer.echo("interrupted; the feed and the episodes published before it are intact; "
                   "run the same command again to make the rest", err=True)
        raise typer.Exit(130)
    _print_made(report)


def _print_made(report) -> None:
    """A line per episode, the problems, and the summary line; the exit code says what failed."""
    for ep in report.episodes:
        typer.echo(f"{ep.status:>9}  {ep.mp3}  {duration(ep.duration)}  {ep.chapters} chapters  "
                   f"{loudness(ep.loudness_lufs, ep.true_peak_dbtp)} ({ep.profile})  {ep.title}")
    for failure in report.failures:
        typer.echo(f"error: {failure.error}", err=True)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    made = sum(1 for ep in report.episodes if ep.status != "unchanged")
    counts = (f"{made} episode(s) made, {len(report.episodes) - made} unchanged, {len(report.failures)} failed; "
              f"{report.clips_made} clips spoken, {report.clips_cached} from cache; "
              f"{report.segments_encoded} segments encoded, {report.segments_cached} from cache")
    if report.feed_written or (report.episodes and report.feed.is_file()):
        typer.echo(f"feed: {report.feed} ({counts})")
    else:  # nothing was published: there is no feed to point at
        typer.echo(f"nothing published ({counts})")
    if report.local_only and report.episodes:
        typer.echo("note: no base URL set, so the feed links to http://localhost:8000/ and works on this machine only; "
                  "set base_url in audiobrief.toml or pass --base-url", err=True)
    if report.failures:
        raise typer.Exit(report.exit_code)


@app.command()
def plan(
    article: str = typer.Argument(..., help="Article file to read.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON (a stable interface, see README)."),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
) -> None:
    """Show what would be spoken, without synthesising anything.

    Example: audiobrief plan story.txt --json
    """
    from audiobrief.length import describe
    from audiobrief.planned import plan_article
    from audiobrief.script import language_warnings, plan_dict

    config = settings(config_file)
    planned = plan_article(read_named(article, config), config)
    data = plan_dict(planned.article, planned.script, language_warnings(planned.article, config))
    for warning in data["warnings"]:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(f"Title: {data['title']}  (language: {data['language']})")
    for i, section in enumerate(data["sections"], 1):
        heading = section["heading"] or "(lead, no heading)"
        typer.echo(f"  {i}. {heading}  [{len(section['paragraphs'])} paragraph(s)]")
    typer.echo(f"Credits: {data['credits'] or '(none)'}")
    typer.echo(f"Length: {describe(planned.script, config)}")
    if data["dropped"]:
        typer.echo("Not spoken:")
        for line in data["dropped"]:
            typer.echo(f"  - {line['text']}  ({line['reason']})")
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
    from audiobrief.config import ConfigError, parse_config, render_default_config, toml
    from audiobrief.fsutil import atomic_write_text

    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; edit it, or pass --force to overwrite it")
    values = {k: v for k, v in {"title": title, "author": author, "base_url": base_url}.items() if v is not None}
    text = render_default_config(**values)

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


app.add_typer(cache_app, name="cache")


lexicon_app = typer.Typer(help="Check the pronunciation lexicon (the pronunciations table in audiobrief.toml).\n\n"
                                "Example: audiobrief lexicon check story.md", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")


@lexicon_app.command("check")
def lexicon_check(
    article: str = typer.Argument(..., help="Article file to scan.", show_default=False),
    config_file: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings file [default: ./audiobrief.toml if present]."),
) -> None:
    """List the capitalised names and acronyms in an article that have no pronunciation entry.

    Example: audiobrief lexicon check story.md
    """
    from audiobrief.speech import lexicon
    from audiobrief.speech.normalize import clean_for_speech

    config = settings(config_file)
    read = read_named(article, config)
    table = lexicon.merge(config.pronunciations, read.meta.get("pronunciations"))
    missing = lexicon.unlisted_names(read, table)
    for word, count in missing:
        typer.echo(f"{word:<28} {count:>3}x  said as: {clean_for_speech(word, read.language)}")
    typer.echo(f"{len(missing)} name(s) without an entry; add the ones said wrongly to [pronunciations] "
               f"in audiobrief.toml, e.g. \"{missing[0][0] if missing else 'Name'}\" = \"respelling\"", err=True)


app.add_typer(episodes_app, name="episodes")
app.command()(brief)
app.command()(feed)
app.command()(check)
app.command()(serve)


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

    config = settings(config_file, engine=engine, voice=voice, rate=rate, profile=profile)
    result = speak_line(text, config, out)
    typer.echo(f"wrote {result.path}  {result.seconds:.1f} s  {loudness(result.loudness_lufs, result.true_peak_dbtp)}  "
               f"voice {result.voice}, {result.rate} wpm")


#: math libraries' own thread pools: audiobrief parallelises by --jobs itself, and an
#: idle OpenBLAS pool spinning beside each job only burns CPU
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main() -> None:
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
