#!/usr/bin/env python3
"""Benchmark: read a ~2 MB article (text, Markdown, HTML) and build its script.

The target is under 2 s per 2 MB article.  Each input is built from the
project's own fixtures (tests/fixtures/golden) repeated to ~2 MB, so the
numbers are reproducible.  Baseline in the same run: the plain-text reader on
the same words, and the bare decode (bytes -> str) step.  Medians of N runs
are printed, with the ratio to the baseline.

    .venv/bin/python scripts/bench_read.py [--runs 5] [--mb 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "golden"


def _grow(kind: str, target: int) -> str:
    if kind == "txt":
        body = (FIXTURES / "harbour-ferry-pasted.txt").read_text("utf-8")
        unit = body.split("\n\n", 9)[-1]
        head = "Harbour Ferry Returns After Two-Year Refit\n\n"
        text, i = head, 0
        while len(text.encode()) < target:
            text += f"\n\nPart {i} of the Story\n\n" + unit
            i += 1
        return text
    if kind == "md":
        unit = (FIXTURES / "grant-round-numbers.md").read_text("utf-8").split("\n", 2)[2]
        text, i = "# Small Grants Round\n\n", 0
        while len(text.encode()) < target:
            text += f"\n\n## Round {i}\n\n" + unit.replace("[1]: https://example.gov/footnote", "")
            i += 1
        return text
    page = (FIXTURES / "tram-line-news-page.html").read_text("utf-8")
    start, end = page.index("<h2>What riders said</h2>"), page.index('<div class="share-buttons">')
    unit = page[start:end]
    parts, size = [], len(page)
    while size < target:
        parts.append(unit)
        size += len(unit)
    return page[:end] + "".join(parts) + page[end:]


def _time(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU time is less disturbed by a busy shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=2.0)
    args = parser.parse_args()
    from audiobrief.config import Config
    from audiobrief.readers import decode, read_article
    from audiobrief.script import build_script

    target = int(args.mb * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for kind in ("txt", "md", "html"):
            path = Path(tmp) / f"big.{kind}"
            path.write_text(_grow(kind, target), encoding="utf-8")
            paths[kind] = path
        read_article(paths["txt"])  # warm imports once, so every row measures reading only
        read_article(paths["md"])
        read_article(paths["html"])
        base, base_cpu = _time(lambda: decode(paths["txt"].read_bytes(), "x"), args.runs)
        print(f"{'input':<7}{'size':>7}{'read wall':>11}{'read cpu':>10}{'+script wall':>14}{'+script cpu':>13}"
              f"{'cpu vs decode':>15}  target < 2 s")
        for kind, path in paths.items():
            read, read_cpu = _time(lambda: read_article(path), args.runs)
            full, full_cpu = _time(lambda: build_script(read_article(path), Config()), args.runs)
            verdict = "ok" if read_cpu < 2.0 else "SLOW"
            print(f"{kind:<7}{path.stat().st_size / 1e6:>6.2f}M{read:>11.2f}{read_cpu:>10.2f}{full:>14.2f}"
                  f"{full_cpu:>13.2f}{read_cpu / base_cpu:>14.0f}x  {verdict}")
        print(f"baseline: decode only, {base * 1000:.1f} ms wall, {base_cpu * 1000:.1f} ms cpu (medians of {args.runs})")
        print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
