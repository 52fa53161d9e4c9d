#!/usr/bin/env python3
"""Benchmark `audiobrief serve` against Python's own `http.server` (the baseline) in the same run.

Both serve the same folder on 127.0.0.1: a 30 MB MP3 is downloaded whole, and
200 small range requests are made over one connection each. Prints medians of
9 rounds and the ratio ours/baseline (1.0 = as fast; lower is faster).

    .venv/bin/python scripts/bench_serve.py
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 9
SMALL = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server on {port} did not start")


def _get(port: int, path: str, headers: dict | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    body = conn.getresponse().read()
    conn.close()
    return len(body)


def _round(port: int, name: str, size: int) -> tuple[float, float]:
    start = time.perf_counter()
    assert _get(port, f"/{name}") == size
    whole = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(SMALL):
        _get(port, f"/{name}", {"Range": f"bytes={i * 1000}-{i * 1000 + 4095}"})
    ranges = time.perf_counter() - start
    return whole, ranges


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        name = "big.mp3"
        data = os.urandom(30 * 1024 * 1024)
        (folder / name).write_bytes(data)
        (folder / "feed.xml").write_text("<rss version='2.0'><channel><link>http://x/</link></channel></rss>")
        ours_port, base_port = _free_port(), _free_port()
        procs = [
            subprocess.Popen([sys.executable, "-m", "audiobrief", "serve", str(folder), "--port", str(ours_port), "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen([sys.executable, "-m", "http.server", str(base_port), "--bind", "127.0.0.1",
                              "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        try:
            _wait(ours_port)
            _wait(base_port)
            results = {"audiobrief serve": [], "http.server (baseline)": []}
            for _ in range(ROUNDS):  # interleaved so machine noise hits both alike
                results["audiobrief serve"].append(_round(ours_port, name, len(data)))
                results["http.server (baseline)"].append(_round(base_port, name, len(data)))
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=10)
    med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v)) for k, v in results.items()}
    print(f"{'server':<24} {'30 MB GET (median s)':>22} {SMALL} ranged GETs (median s)")
    for k, (w, r) in med.items():
        print(f"{k:<24} {w:>22.3f} {r:>24.3f}")
    ours, base = med["audiobrief serve"], med["http.server (baseline)"]
    print(f"ratio ours/baseline: whole file {ours[0] / base[0]:.2f}, ranged requests {ours[1] / base[1]:.2f} "
          "(the baseline ignores Range and sends the whole file each time)")


if __name__ == "__main__":
    main()
