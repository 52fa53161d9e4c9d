"""One writer per folder: concurrent runs queue (and say so), --no-wait stops at
once, and a lock left by a killed process never blocks the next run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from audiobrief.lock import lock_place
from conftest import folder_hash, run_cli
from statecheck import feed_guids, leftover_temps, published_state

TOPICS = ["Tram Timetables", "Orchard Frost", "Library Hours", "Ferry Repairs"]


def _article(folder: Path, title: str) -> Path:
    path = folder / (title.lower().replace(" ", "-") + ".txt")
    path.write_text(f"{title}\n\nA short notice about {title.lower()} for the neighbourhood.\n\n"
                    f"Details\n\nMore about {title.lower()} will follow next week.\n")
    return path


def _popen(*args, env=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "audiobrief", *map(str, args)],
                            env={**os.environ, "COLUMNS": "200", **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_four_makes_at_once_all_land_in_the_feed_with_unique_guids(tmp_path):
    out = tmp_path / "episodes"
    sources = [_article(tmp_path, t) for t in TOPICS]
    procs = [_popen("make", src, "--out", out, "-j", "1", "--base-url", "https://example.org/pod/") for src in sources]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, _, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    catalog = json.loads((out / "episodes.json").read_text())["episodes"]
    assert sorted(e["title"] for e in catalog) == sorted(TOPICS)
    guids = feed_guids(out)
    assert len(guids) == 4 and len(set(guids)) == 4
    assert sorted(e["number"] for e in catalog) == [1, 2, 3, 4]
    assert published_state(out) == []
    assert leftover_temps(out) == []


HOLD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from audiobrief.lock import publish_lock\n"
    "with publish_lock(Path(sys.argv[1])):\n"
    "    print('locked', flush=True)\n"
    "    time.sleep(float(sys.argv[2]))\n"
)


def _holder(out: Path, seconds: float, env=None) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out), str(seconds)], stdout=subprocess.PIPE, text=True,  # noqa: E501
                            env={**os.environ, **(env or {})})
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_no_wait_stops_at_once_and_wait_queues_visibly(tmp_path, populated_out):
    src = _article(tmp_path, "Tram Timetables")
    holder = _holder(populated_out, 8)
    before = folder_hash(populated_out)
    try:
        started = time.monotonic()
        refused = run_cli("make", src, "--out", populated_out, "--no-wait")
        assert time.monotonic() - started < 30
        assert refused.returncode == 4
        lines = refused.stderr.strip().splitlines()
        assert lines[-1].startswith("error: ") and "another audiobrief run" in lines[-1] and f"process {holder.pid}" in lines[-1]
        assert folder_hash(populated_out) == before
        queued = run_cli("make", src, "--out", populated_out, "-j", "1")
    finally:
        holder.wait(timeout=30)
    assert queued.returncode == 0, queued.stderr
    assert f"waiting for process {holder.pid}" in queued.stderr
    assert published_state(populated_out) == []
    assert len(feed_guids(populated_out)) == 2


def test_a_lock_held_by_a_killed_process_does_not_block(tmp_path, populated_out):
    holder = _holder(populated_out, 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    src = _article(tmp_path, "Orchard Frost")
    result = run_cli("make", src, "--out", populated_out, "--no-wait", "-j", "1")
    assert result.returncode == 0, result.stderr
    assert "was interrupted" in result.stderr  # the dead holder is noticed and named
    assert published_state(populated_out) == []


def test_a_stale_soft_lock_is_broken_but_a_live_one_is_respected(tmp_path, populated_out):
    """Where the file system has no OS locks, a lock file is the lock: one left
    by a dead process on this host is removed; one held by a live process is not."""
    env = {"AUDIOBRIEF_SOFT_LOCK": "1"}
    holder = _holder(populated_out, 60, env)
    src = _article(tmp_path, "Ferry Repairs")
    try:
        blocked = subprocess.run([sys.executable, "-m", "audiobrief", "make", str(src), "--out", str(populated_out),
                                  "--no-wait"], capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
        assert blocked.returncode == 4 and "another audiobrief run" in blocked.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (lock_place(populated_out) / ".audiobrief.softlock").exists()  # a soft lock survives its killed holder...
    result = subprocess.run([sys.executable, "-m", "audiobrief", "make", str(src), "--out", str(populated_out),
                             "--no-wait", "-j", "1"], capture_output=True, text=True, env={**os.environ, **env}, timeout=180)
    assert result.returncode == 0, result.stderr  # ...and is broken because that process is gone
    assert "stale lock" in result.stderr or "was interrupted" in result.stderr  # filelock 4 breaks it itself
    assert published_state(populated_out) == []


#: runs the CLI, then says which of the publishing modules the run loaded
LOADED = (
    "import runpy, sys\n"
    "sys.argv = ['audiobrief', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('audiobrief', run_name='__main__')\n"
    "finally:\n"
    "    print('loaded:', [m for m in ('filelock',) if m in sys.modules], file=sys.stderr)\n"
)


def _seed_again(out: Path, *extra: str) -> subprocess.CompletedProcess:
    from conftest import shared_article

    return subprocess.run([sys.executable, "-c", LOADED, "make", str(shared_article("seed-blog-post.txt")),
                           "--out", str(out), "--base-url", "https://example.org/pod/", *extra],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, timeout=120)


def test_an_unchanged_re_run_takes_no_lock_and_changes_nothing(populated_out):
    """Nothing to make and nothing to clean: the run reads, reports and leaves
    (another run holding the folder does not stop it, and filelock is not even imported)."""
    assert _seed_again(populated_out).returncode == 0  # this machine's memos of the copied folder
    holder = _holder(populated_out, 30)
    before = folder_hash(populated_out)
    try:
        again = _seed_again(populated_out, "--no-wait")
    finally:
        holder.kill()
        holder.wait()
    assert again.returncode == 0, again.stderr
    assert again.stdout.lstrip().startswith("unchanged")
    assert "loaded: []" in again.stderr
    assert folder_hash(populated_out) == before


def test_an_unchanged_re_run_still_cleans_up_after_a_killed_run(populated_out):
    entry = json.loads((populated_out / "episodes.json").read_text())["episodes"][0]
    mp3 = populated_out / entry["file"]
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # its pid names a writer that is no longer running
    temp = populated_out / f".feed.xml.tmp-{gone.pid}-0badcafe"
    temp.write_text("<rss>half a feed")
    orphan = populated_out / (mp3.name[: -len(".mp3")].split(".")[0] + ".0badcafe.mp3")
    orphan.write_bytes(mp3.read_bytes()[:1000])  # an older version a killed run did not retire
    again = _seed_again(populated_out)
    assert again.returncode == 0, again.stderr
    assert again.stdout.lstrip().startswith("unchanged")
    assert not temp.exists() and not orphan.exists()
    assert mp3.is_file() and published_state(populated_out) == []
