"""Helpers for the in-process cases of scripts/bench.py (read, serve, pages).

bench.py owns the cases, the timing loops and the table; this module only
builds their inputs (a ~2 MB article, a synthetic catalog) and talks HTTP to
the two servers of the serve case. Nothing here imports audiobrief at module
level, so `bench.py --help` stays cheap.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "golden"


def timed(fn) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (CPU time is less disturbed by a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


# -- read: a big article from the project's own golden fixtures ------------------------------------
def grow_article(kind: str, size: int) -> str:
    """A ``kind`` (txt, md, html) article of at least ``size`` UTF-8 bytes, repeating one fixture's body."""
    if kind == "txt":
        unit = (FIXTURES / "harbour-ferry-pasted.txt").read_text("utf-8").split("\n\n", 9)[-1]
        text, i = "Harbour Ferry Returns After Two-Year Refit\n\n", 0
        while len(text.encode()) < size:
            text += f"\n\nPart {i} of the Story\n\n" + unit
            i += 1
        return text
    if kind == "md":
        unit = (FIXTURES / "grant-round-numbers.md").read_text("utf-8").split("\n", 2)[2]
        unit = unit.replace("[1]: https://example.gov/footnote", "")
        text, i = "# Small Grants Round\n\n", 0
        while len(text.encode()) < size:
            text += f"\n\n## Round {i}\n\n" + unit
            i += 1
        return text
    page = (FIXTURES / "tram-line-news-page.html").read_text("utf-8")
    start, end = page.index("<h2>What riders said</h2>"), page.index('<div class="share-buttons">')
    unit = page[start:end]
    copies = max(0, -(-(size - len(page)) // len(unit)))
    return page[:end] + unit * copies + page[end:]


# -- serve: `audiobrief serve` and http.server side by side ----------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, proc: subprocess.Popen) -> None:
    for _ in range(400):
        if proc.poll() is not None:
            raise SystemExit(f"server for port {port} exited with {proc.returncode}: {proc.args}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server on port {port} did not start: {proc.args}")


@contextlib.contextmanager
def serving(folder: Path, audiobrief: str):
    """Serve ``folder`` with `audiobrief serve` and with `python -m http.server`; yields (ours, baseline) ports."""
    ours, base = free_port(), free_port()
    commands = ([audiobrief, "serve", str(folder), "--port", str(ours), "-q"],
                [sys.executable, "-m", "http.server", str(base), "--bind", "127.0.0.1", "--directory", str(folder)])
    procs = []
    try:
        for cmd in commands:
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(ours, procs[0])
        _wait(base, procs[1])
        yield ours, base
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def get(port: int, path: str, headers: dict | None = None) -> int:
    """GET ``path`` on a new connection; the body's length."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        return len(conn.getresponse().read())
    finally:
        conn.close()


# -- pages: a synthetic catalog with transcripts and chapters ---------------------------------------
def synthetic_catalog(folder: Path, count: int):
    """A Catalog of ``count`` episodes (7 chapters, a 40-cue WebVTT transcript each), files written in ``folder``."""
    from audiobrief.catalog import Catalog, Entry

    entries = []
    for i in range(1, count + 1):
        slug = f"episode-{i:04d}"
        cues = "\n".join(f"{k}\n00:{k // 60:02d}:{k % 60:02d}.000 --> 00:{k // 60:02d}:{k % 60:02d}.900\n"
                         f"Sentence {k} of episode {i}, long enough to look like speech.\n" for k in range(40))
        (folder / f"{slug}.vtt").write_text("WEBVTT\n\n" + cues, encoding="utf-8")
        entries.append(Entry(
            slug=slug, guid=f"guid-{i}", number=i, title=f"Episode {i}: a title & more", source=f"/a/{i}.txt",
            file=f"{slug}.mp3", bytes=1_000_000, duration=600.0, pub_date=f"2026-01-01T00:{i % 60:02d}:00+00:00",
            updated="2026-01-01T00:00:00+00:00", summary="A summary. " * 10, credits="Sources: a, b",
            chapters=tuple({"title": f"Chapter {c}", "start_ms": c * 60_000, "end_ms": (c + 1) * 60_000}
                           for c in range(7)),
            transcripts=({"file": f"{slug}.vtt", "type": "text/vtt"},)))
    return Catalog(folder / "episodes.json", entries)


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2):
    """A Dask scheduler and ``workers`` one-thread workers on 127.0.0.1, started as docs/cluster.md
    says (with Dask's nanny), each in its own folder (cwd, HOME, TMPDIR); yields the scheduler's
    address, stops them all by PID (a nanny stops its worker)."""
    import os

    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for n in range(workers):
            home = folder / f"worker{n}"
            (home / "tmp").mkdir(parents=True, exist_ok=True)
            env = {**os.environ, "HOME": str(home), "TMPDIR": str(home / "tmp")}
            procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                           "--local-directory", str(home / "dask")], cwd=home, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:  # the workers first, while their scheduler can still hear them leave
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker stuck in closing must not lose the case's figures
                proc.kill()
                proc.wait()
