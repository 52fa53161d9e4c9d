"""What the CLI's commands share: settings loading, number formats, and drawing progress.

Part of the command line (with cli.py, cli_brief.py and cli_folder.py): only these modules
import Typer and rich.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer


def settings(config_file: Optional[Path], **overrides):
    """The settings a command runs with: the file's, then the command line's ``overrides``.

    Loaded here, when a command runs, like the library modules each command calls
    (see cli.py): `--help` never needs the config module or the engines' bounds it checks."""
    from audiobrief.config import load_config

    return load_config(config_file).with_overrides(**overrides)


def read_named(arg: str, config):
    """The one article `plan` and `lexicon check` read, through the checks `make` applies.

    A file is read from this machine (``reading``); only a page URL loads
    ``sources``, which fetches it, with the cache and the memos that keeps."""
    from audiobrief.reading import is_url, read_one

    if not is_url(arg):
        return read_one(arg, config)
    from audiobrief.sources import page_source

    return page_source(arg, config).read()


@contextmanager
def cluster_from(flag: Optional[str], config):
    """The Dask cluster of ``--scheduler`` (else ``[cluster] scheduler``; None: this machine),
    reached, and its workers' versions checked, before anything is read or written; closed after."""
    given = flag or config.scheduler
    if not given:
        yield None
        return
    from audiobrief.cluster import Cluster
    from audiobrief.cluster_address import scheduler_address

    with Cluster(scheduler_address(given, "--scheduler" if flag else "[cluster] scheduler")) as cluster:
        yield cluster


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def stderr_is_terminal() -> bool:
    """What rich's Console.is_terminal would say, without importing rich (FORCE_TERMINAL/TTY_COMPATIBLE too)."""

    forced = os.environ.get("FORCE_TERMINAL", os.environ.get("TTY_COMPATIBLE"))
    if forced is not None and forced != "":
        return forced not in ("0", "false", "False")
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class RichProgress:
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


class LineProgress:
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


def with_progress(work):
    """``work(progress)``: under rich bars on a terminal, else with a line per finished article.

    rich, heavy to import, is loaded only where a bar is drawn."""
    if not stderr_is_terminal():
        return work(LineProgress())
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=stderr_console(), transient=False) as bar:
        return work(RichProgress(bar))


def duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def loudness(lufs: Optional[float], peak: Optional[float]) -> str:
    if lufs is None:
        return "loudness not measured"
    return f"{lufs:.1f} LUFS, {peak:.1f} dBTP"
