"""`make --scheduler` on a real Dask cluster: one scheduler and two workers on 127.0.0.1.

Each worker runs in its own working directory, with its own HOME, TMPDIR and
user folders, none of them inside the client's folder, and an audit hook
(a sitecustomize on its PYTHONPATH) logs every file it opens: the test shows
that the workers open their own temporary files and nothing of the client's
cache. The processes are stopped by PID.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli

pytest.importorskip("distributed")

ARTICLES = sorted((Path(__file__).parent / "cluster_articles").iterdir())
BASE_URL = "https://example.org/p/"

#: logs each path a worker opens that lies under AUDIT_WATCH (its own TMPDIR, or the client's folder)
AUDIT_HOOK = '''
import os, sys
_watch = tuple(p for p in os.environ.get("AUDIT_WATCH", "").split(os.pathsep) if p)
_log = os.open(os.environ["AUDIT_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)

def _hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if path.startswith(_watch):
            os.write(_log, (path + "\\n").encode("utf-8", "replace"))

if _watch:
    sys.addaudithook(_hook)
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dask(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "dask"), *args]


class LocalCluster:
    """A scheduler and two workers as plain processes, each worker in a world of its own."""

    def __init__(self, root: Path, client_root: Path) -> None:
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        hook = root / "audit"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(AUDIT_HOOK)
        src = os.environ.get("PYTHONPATH", "")
        self.logs, self.audits, self.workers = [], [], []
        self.scheduler = self._start(root / "scheduler", {"PYTHONPATH": src},
                                     "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard")
        for n in (1, 2):
            home = root / f"worker{n}"
            tmp = home / "tmp"
            tmp.mkdir(parents=True)
            audit = home / "opened.txt"
            self.audits.append((audit, tmp))
            env = {"HOME": str(home), "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(home / "cache"),
                   "XDG_DATA_HOME": str(home / "data"), "PYTHONPATH": os.pathsep.join(p for p in (str(hook), src) if p),
                   "AUDIT_LOG": str(audit), "AUDIT_WATCH": os.pathsep.join((str(tmp), str(client_root)))}
            self.workers.append(self._start(home, env, "worker", self.address, "--nthreads", "1", "--no-nanny",
                                            "--no-dashboard", "--local-directory", str(home / "dask"),
                                            "--name", f"worker{n}"))
        self._wait_for_workers(2)

    def _start(self, cwd: Path, env: dict, *args: str) -> subprocess.Popen:
        cwd.mkdir(parents=True, exist_ok=True)
        log = open(cwd / "process.log", "wb")
        self.logs.append(log)
        return subprocess.Popen(_dask(*args), cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)

    def _wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=60)

    def opened(self) -> list[tuple[list[str], Path]]:
        """Each worker's logged paths, and its own TMPDIR."""
        return [(audit.read_text().splitlines() if audit.exists() else [], tmp) for audit, tmp in self.audits]

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        for log in self.logs:
            log.close()


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """The client's folder (cache, output) and the cluster, which sees none of it."""
    client = tmp_path_factory.mktemp("client")
    cluster = LocalCluster(tmp_path_factory.mktemp("cluster"), client)
    yield client, cluster
    cluster.stop()


@pytest.fixture(scope="module")
def local_run(places):
    """Three articles made here with --jobs 2: the reference, and the clips both runs use."""
    client, _ = places
    result = run_cli("make", *ARTICLES, "--out", client / "local", "--jobs", "2", "--cache-dir",
                     client / "local-cache", "--base-url", BASE_URL)
    assert result.returncode == 0, result.stderr
    return client / "local", result


def _with_local_clips(client: Path, name: str) -> Path:
    """A new client cache holding only the local run's spoken clips (espeak's output depends
    on what its process spoke before, so both runs start from the same clips)."""
    cache = client / name
    shutil.copytree(client / "local-cache" / "clips", cache / "clips")
    return cache


def _segments_encoded(stdout: str) -> int:
    return int(re.search(r"(\d+) segments encoded", stdout).group(1))


_STAMPS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
                     r"\d{4}-\d\d-\d\dT[\d:]+\+00:00|\w{3}, \d\d \w{3} \d{4} [\d:]+ \+0000")


def assert_same_episodes(one: Path, two: Path, episodes: int = len(ARTICLES)) -> None:
    names = sorted(p.name for p in one.iterdir() if p.suffix in (".mp3", ".vtt", ".srt", ".json"))
    assert len([n for n in names if n.endswith(".mp3")]) == episodes
    for name in names:
        if name != "episodes.json":  # guids and dates differ per folder; compared below without them
            assert (one / name).read_bytes() == (two / name).read_bytes(), name
    # the catalog's "changed" is a time, set only when a feed rewrite lands in the same second as
    # its lastBuildDate (publish/feed.py): whether that happens depends on timing, as in test_cache_and_batch
    when = lambda text: _STAMPS.sub("X", text).replace('"changed": null', '"changed": "X"')  # noqa: E731
    for name in ("feed.xml", "episodes.json"):
        assert when((one / name).read_text()) == when((two / name).read_text()), name


def test_the_cluster_makes_the_same_bytes_and_never_opens_the_client_cache(places, local_run):
    client, cluster = places
    reference, local = local_run
    cache = _with_local_clips(client, "cluster-cache")
    result = run_cli("make", *ARTICLES, "--out", client / "cluster", "--scheduler", cluster.address,
                     "--cache-dir", cache, "--base-url", BASE_URL)
    assert result.returncode == 0, result.stderr
    assert _segments_encoded(result.stdout) == _segments_encoded(local.stdout) > 0
    assert_same_episodes(reference, client / "cluster")
    for opened, tmp in cluster.opened():
        assert not [p for p in opened if p.startswith(str(client))], "a worker opened the client's files"
    # the hook saw the workers' own files: the steps ran there, from bytes they were sent
    remote = [p for opened, _ in cluster.opened() for p in opened if "audiobrief-remote-" in p]
    assert any(p.endswith(".wav") for p in remote) and any(p.endswith(".mp3") for p in remote)


def test_the_cluster_speaks_and_the_client_keeps_the_clips(places):
    client, cluster = places
    article = ARTICLES[0]
    result = run_cli("make", article, "--out", client / "spoken", "--scheduler", cluster.address,
                     "--cache-dir", client / "spoken-cache", "--base-url", BASE_URL)
    assert result.returncode == 0, result.stderr
    assert re.search(r"[1-9]\d* clips spoken, 0 from cache", result.stdout), result.stdout
    again = run_cli("make", article, "--out", client / "spoken-again", "--jobs", "1",
                    "--cache-dir", client / "spoken-cache", "--base-url", BASE_URL)
    assert " 0 clips spoken" in again.stdout, again.stdout  # every clip came back into our cache
    assert (client / "spoken" / "feed.xml").is_file()
    spoke = [p for opened, _ in cluster.opened() for p in opened if "audiobrief-speak-" in p]
    assert spoke


def test_an_unreachable_scheduler_is_one_error_line_and_the_folder_stays_as_it_was(tmp_path):
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli("make", ARTICLES[0], "--out", out, "--scheduler", f"tcp://127.0.0.1:{_free_port()}",
                     "--cache-dir", tmp_path / "cache")
    assert time.monotonic() - started < 10
    assert result.returncode != 0
    assert result.stderr.count("error:") == 1 and "cannot reach the Dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_briefing_on_the_cluster_is_the_briefing_made_here(places):
    client, cluster = places
    briefing = ["brief", *ARTICLES, "--title", "Cluster briefing", "--date", "2026-12-05", "--base-url", BASE_URL]
    here = run_cli(*briefing, "--out", client / "brief-here", "--jobs", "2", "--cache-dir", client / "brief-cache")
    assert here.returncode == 0, here.stderr
    cache = client / "brief-cluster-cache"  # the same clips, as for make above
    shutil.copytree(client / "brief-cache" / "clips", cache / "clips")
    there = run_cli(*briefing, "--out", client / "brief-there", "--scheduler", cluster.address, "--cache-dir", cache)
    assert there.returncode == 0, there.stderr
    assert f"briefing: {len(ARTICLES)} stories, 0 skipped" in there.stdout
    assert _segments_encoded(there.stdout) == _segments_encoded(here.stdout) > 0
    assert_same_episodes(client / "brief-here", client / "brief-there", episodes=1)


@pytest.mark.parametrize("command", ["make", "brief"])
def test_an_ipv6_scheduler_is_taken_and_a_bad_address_is_one_error_line(tmp_path, command):
    out = tmp_path / "out"
    closed = run_cli(command, ARTICLES[0], "--out", out, "--scheduler", f"tcp://[::1]:{_free_port()}",
                     "--cache-dir", tmp_path / "cache")
    assert closed.returncode != 0 and "Traceback" not in closed.stderr
    assert closed.stderr.count("error:") == 1 and "cannot reach the Dask scheduler at tcp://[::1]:" in closed.stderr
    bad = run_cli(command, ARTICLES[0], "--out", out, "--scheduler", "::1:8786", "--cache-dir", tmp_path / "cache")
    assert bad.returncode == 2 and bad.stderr.count("error:") == 1 and "Traceback" not in bad.stderr
    assert "--scheduler: '::1:8786' is not a Dask scheduler address (put an IPv6 address in brackets" in bad.stderr
    assert not out.exists()


def test_a_worker_killed_mid_run_changes_nothing(places, local_run):
    """Runs after the others but one: it leaves one worker."""
    client, cluster = places
    reference, _ = local_run
    cache = _with_local_clips(client, "kill-cache")
    run = subprocess.Popen([sys.executable, "-m", "audiobrief", "make", *map(str, ARTICLES), "--out",
                            str(client / "killed"), "--scheduler", cluster.address, "--cache-dir", str(cache),
                            "--base-url", BASE_URL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (cache / "facts").exists() and time.monotonic() < deadline:  # the first results are back
        time.sleep(0.02)
    victim = cluster.workers[1]
    assert run.poll() is None, "the run ended before a worker could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 0, stderr
    assert_same_episodes(reference, client / "killed")


def test_a_cluster_lost_mid_run_fails_cleanly_and_keeps_the_feed(places, local_run):
    """Runs last of all: it stops the scheduler."""
    import feedparser

    client, cluster = places
    reference, _ = local_run
    out = client / "lost"
    shutil.copytree(reference, out)
    feed = (out / "feed.xml").read_bytes()
    cache = _with_local_clips(client, "lost-cache")
    clips = len(list((cache / "clips").rglob("*.wav")))
    # two new articles long enough to be stopped in the middle (the fixtures' text, six times over):
    # both are unfinished when the cluster goes, and the run still says so once
    body = [line for path in ARTICLES for line in path.read_text().splitlines() if len(line) > 40]
    new = [client / f"longer-{k}.txt" for k in (1, 2)]
    for k, path in enumerate(new, 1):
        path.write_text(f"A Longer Week in Town, Part {k}\n\n"
                        + "\n\n".join(f"Part {k}.{n}\n\n" + " ".join(body) for n in range(6)))
    run = subprocess.Popen([sys.executable, "-m", "audiobrief", "make", *map(str, ARTICLES), *map(str, new), "--out",
                            str(out), "--scheduler", cluster.address, "--cache-dir", str(cache)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list((cache / "clips").rglob("*.wav"))) == clips and time.monotonic() < deadline:
        time.sleep(0.05)  # a new article's first clip is back: the cluster is at work
    assert run.poll() is None, "the run ended before the cluster could be lost"
    cluster.scheduler.kill()
    cluster.scheduler.wait()
    stdout, stderr = run.communicate(timeout=60)
    assert run.returncode != 0
    assert "error: the cluster at" in stderr and "Traceback" not in stderr, stderr
    assert stderr.count("error:") == 1, stderr  # one line for the run, not one per unfinished episode
    assert (out / "feed.xml").read_bytes() == feed
    parsed = feedparser.parse(str(out / "feed.xml"))
    assert not parsed.bozo and len(parsed.entries) == len(ARTICLES)
