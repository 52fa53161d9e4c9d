"""Start-up stays light: `--help`, `plan` and an unchanged re-run load none of the heavy libraries.

The package imports its own modules at the top of each file; only the heavy
third-party libraries are imported where they are used. This test is what
keeps it so (instead of hand-placed imports): each run happens in a fresh
process, which then reports what it loaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_site import Site
from conftest import SAMPLE

HEAVY = ("numpy", "lxml", "trafilatura", "jinja2", "onnxruntime", "scipy")
#: what only making clips needs: worker processes and the engines themselves
SPEAKING = ("multiprocessing", "concurrent.futures.process", "audiobrief.engines.pool", "audiobrief.engines.child",
            "pyttsx3")
#: what only a build needs: the catalog, the feed and the folder's lock
PUBLISHING = ("audiobrief.build", "audiobrief.catalog", "audiobrief.publish.feed")
#: the library modules a command loads when it runs: printing help needs none of them
#: (the config and its engine bounds, the memos and cache, the lock, fetching and feeds)
WORK = ("audiobrief.config", "audiobrief.memos", "audiobrief.cache", "audiobrief.lock", "audiobrief.fetch",
        "audiobrief.stories", "audiobrief.sources", "audiobrief.models", "audiobrief.engines", "platformdirs",
        "socket")
#: what gathering and building need beyond reading one file: `plan` and `lexicon check` of a file
#: read and script it only (no memos, cache, fetching or lock; the lock policy is a plain setting)
BUILDING = ("audiobrief.memos", "audiobrief.cache", "audiobrief.fetch", "audiobrief.lock", "audiobrief.sources",
            "audiobrief.planning", "audiobrief.report", "platformdirs", "socket")

#: runs the CLI, then prints the heavy modules it loaded
PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['audiobrief', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('audiobrief', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    f"print('heavy:', sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    f"print('speaking:', sorted(m for m in {SPEAKING!r} if m in sys.modules))\n"
    f"print('publishing:', sorted(m for m in {PUBLISHING!r} if m in sys.modules))\n"
    f"print('work:', sorted(m for m in {WORK!r} if m in sys.modules))\n"
    f"print('building:', sorted(m for m in {BUILDING!r} if m in sys.modules))\n"
)


def _probe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


@pytest.mark.parametrize("args", [("--help",), ("make", "--help"), ("--version",)])
def test_help_loads_no_heavy_library(args):
    result = _probe(*args)
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout, result.stdout
    assert "speaking: []" in result.stdout and "publishing: []" in result.stdout, result.stdout
    assert "work: []" in result.stdout, result.stdout  # `make --help` sets the lock policy: a plain setting


@pytest.mark.parametrize("command", [("plan",), ("plan", "--json"), ("lexicon", "check")])
def test_plan_loads_no_heavy_library_and_builds_nothing(command):
    """`plan` reads and scripts one article: no catalog, feed, cache, memos, fetching or lock,
    and no worker processes."""
    result = _probe(*command, SAMPLE)
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout and "publishing: []" in result.stdout, result.stdout
    assert "building: []" in result.stdout, result.stdout
    assert "multiprocessing" not in result.stdout.split("speaking:")[1], result.stdout


def test_plan_of_a_page_url_fetches_it_and_only_it_loads_fetching():
    """A page URL is read as `make` reads it: fetched through sources (which `plan FILE` never loads)."""
    with Site() as site:
        result = _probe("plan", f"{site.base}/pages/library-hours.html", "--json")
    assert result.returncode == 0, result.stderr
    assert '"title": "Riverside library opens on Sundays"' in result.stdout, result.stdout
    assert "audiobrief.fetch" in result.stdout.split("building:")[1], result.stdout


def test_the_probe_sees_what_a_build_loads(tmp_path: Path):
    """The guard above can fail: `make` (here refused before it speaks) loads what `plan` must not."""
    result = _probe("make", SAMPLE, "--out", tmp_path / "out", "--engine", "nope")
    loaded = result.stdout.split("building:")[1]
    for module in ("audiobrief.memos", "audiobrief.cache", "audiobrief.lock", "audiobrief.sources", "platformdirs"):
        assert module in loaded, result.stdout


def test_an_unchanged_re_run_loads_no_heavy_library(tmp_path: Path):
    out = tmp_path / "out"
    first = _probe("make", SAMPLE, "--out", out, "--jobs", "1")
    assert first.returncode == 0 and "new " in first.stdout, first.stderr
    assert "heavy: []" not in first.stdout  # the probe sees them when they are used
    again = _probe("make", SAMPLE, "--out", out)
    assert again.returncode == 0, again.stderr
    assert again.stdout.lstrip().startswith("unchanged"), again.stdout
    assert "heavy: []" in again.stdout, again.stdout
