#!/usr/bin/env python3
"""How long regenerating the web pages takes next to regenerating the feed.

Builds a catalog of N synthetic episodes (7 chapters each, a 40-sentence
transcript each) in a temp folder, then times write_feed and write_pages
(first write and an unchanged rewrite) in the same run; prints medians and
the pages/feed ratio.

    .venv/bin/python scripts/bench_pages.py [N ...]     # default: 10 100 1000
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from audiobrief.config import Config
from audiobrief.publish.feed import write_feed
from audiobrief.publish.pages import write_pages

REPEATS = 5


def _catalog(folder: Path, n: int):
    from audiobrief.catalog import Catalog, Entry

    entries = []
    for i in range(1, n + 1):
        slug = f"episode-{i:04d}"
        cues = "\n".join(f"{k}\n00:{k // 60:02d}:{k % 60:02d}.000 --> 00:{k // 60:02d}:{k % 60:02d}.900\n"
                         f"Sentence {k} of episode {i}, long enough to look like speech.\n" for k in range(40))
        (folder / f"{slug}.vtt").write_text("WEBVTT\n\n" + cues, encoding="utf-8")
        entry = Entry(slug=slug, guid=f"guid-{i}", number=i, title=f"Episode {i}: a title & more", source=f"/a/{i}.txt",
                      file=f"{slug}.mp3", bytes=1_000_000, duration=600.0, pub_date=f"2026-01-01T00:{i % 60:02d}:00+00:00",
                      updated="2026-01-01T00:00:00+00:00", summary="A summary. " * 10, credits="Sources: a, b",
                      chapters=tuple({"title": f"Chapter {c}", "start_ms": c * 60_000, "end_ms": (c + 1) * 60_000}
                                     for c in range(7)))
        fields = {**entry.__dict__, "transcripts": ({"file": f"{slug}.vtt", "type": "text/vtt"},), "chapters_file": None}
        entries.append(SimpleNamespace(**fields))
    feed_catalog = Catalog(folder / "episodes.json", [Entry(**{k: v for k, v in e.__dict__.items()
                                                                   if k not in ("transcripts", "chapters_file")})
                                                             for e in entries])
    pages_catalog = SimpleNamespace(newest_first=lambda: sorted(entries, key=lambda e: (e.pub_date, e.number), reverse=True))
    return feed_catalog, pages_catalog


def _median(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(sizes: list[int]) -> None:
    config = Config(base_url="https://example.org/pod/")
    print(f"{'episodes':>8} {'feed s':>8} {'pages first s':>14} {'pages unchanged s':>18} {'pages/feed':>10}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            feed_catalog, pages_catalog = _catalog(folder, n)
            feed = _median(lambda: write_feed(config, feed_catalog, folder, "cover.png"))
            first = []
            for _ in range(REPEATS):
                for page in folder.glob("*.html"):
                    page.unlink()
                start = time.perf_counter()
                write_pages(config, pages_catalog, folder, "cover.png")
                first.append(time.perf_counter() - start)
            again = _median(lambda: write_pages(config, pages_catalog, folder, "cover.png"))
            print(f"{n:>8} {feed:>8.3f} {statistics.median(first):>14.3f} {again:>18.3f} {again / feed:>10.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1000])
