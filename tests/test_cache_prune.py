"""`cache prune` trims every part of the cache, fetched pages (``http/``) included, by the same rules."""

from __future__ import annotations

import os
import time
from pathlib import Path

from audiobrief.fetch import Fetcher
from briefing_site import Site
from conftest import run_cli

MB = 1_000_000
DAY = 86400


def _age(paths, days: float) -> None:
    when = time.time() - days * DAY
    for path in paths:
        os.utime(path, (when, when))


def _clip(cache: Path, key: str, size: int) -> Path:
    path = cache / "clips" / key[:2] / f"{key}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF" + bytes(size))
    return path


def _fetch_pages(cache: Path, site: Site, names) -> dict[str, list[Path]]:
    """Fetch each page once; returns its files in http/ (body and headers)."""
    files = {}
    for name in names:
        before = set((cache / "http").glob("*")) if (cache / "http").is_dir() else set()
        assert not Fetcher(cache, 5 * MB).get(f"{site.base}/pages/{name}").from_cache
        files[name] = sorted(set((cache / "http").glob("*")) - before)
        assert [p.suffix for p in files[name]] == [".body", ".json"]
    return files


def test_older_than_removes_old_pages_with_their_headers_and_keeps_fresh_entries(tmp_path):
    cache = tmp_path / "cache"
    with Site() as site:
        pages = _fetch_pages(cache, site, ["market.html", "radweg.html"])
        _age(pages["market.html"], 30)
        _age([_clip(cache, "ab" * 32, 100)], 30)
        fresh_clip = _clip(cache, "cd" * 32, 100)
        info = run_cli("cache", "info", "--cache-dir", cache)
        assert "2 clips, 0 encoded segments and 2 fetched pages" in info.stdout

        result = run_cli("cache", "prune", "--cache-dir", cache, "--older-than", "7")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("removed 3 file(s)"), result.stdout
        assert not any(p.exists() for p in pages["market.html"])
        assert all(p.exists() for p in pages["radweg.html"]) and fresh_clip.exists()
        assert "1 clips, 0 encoded segments and 1 fetched pages" in run_cli("cache", "info", "--cache-dir", cache).stdout

        # the pruned page is fetched in full again; the kept one still gets a 304
        assert not Fetcher(cache, 5 * MB).get(f"{site.base}/pages/market.html").from_cache
        assert Fetcher(cache, 5 * MB).get(f"{site.base}/pages/radweg.html").from_cache


def test_max_size_removes_least_recently_used_first_across_parts(tmp_path):
    cache = tmp_path / "cache"
    with Site() as site:
        pages = _fetch_pages(cache, site, ["market.html", "radweg.html", "library-hours.html"])
    _age(pages["market.html"], 3)
    _age(pages["radweg.html"], 1)
    clip = _clip(cache, "ef" * 32, 50)
    _age([clip], 2)
    keep = sum(p.stat().st_size for p in pages["library-hours.html"])
    result = run_cli("cache", "prune", "--cache-dir", cache, "--max-size", f"{keep}B")
    assert result.returncode == 0, result.stderr
    left = sorted(p.name for p in cache.rglob("*") if p.is_file())
    assert left == sorted(p.name for p in pages["library-hours.html"])
    assert result.stdout.startswith("removed 5 file(s)")


def test_a_torn_write_in_http_always_goes(tmp_path):
    cache = tmp_path / "cache"
    (cache / "http").mkdir(parents=True)
    torn = cache / "http" / ".0123abcd.body.4242-abcdef.part"
    torn.write_bytes(b"half a page")
    result = run_cli("cache", "prune", "--cache-dir", cache, "--older-than", "30")
    assert result.returncode == 0 and result.stdout.startswith("removed 1 file(s)") and not torn.exists()
