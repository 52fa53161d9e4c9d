"""Three real episodes served by `audiobrief serve`, subscribed to by real podcast clients."""

from __future__ import annotations

import os
import subprocess
import urllib.request
import feedparser
import podcastparser
from conftest import run_cli, served


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.read()


def test_check_passes_on_three_real_episodes(three_episodes):
    result = run_cli("check", three_episodes)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout


def test_feedparser_and_podcastparser_subscribe_and_download(three_episodes):
    with served(three_episodes) as (url, _local):
        base = url.rsplit("/", 1)[0] + "/"
        data = _get(url)
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == 3
        assert parsed.feed.link == base  # rewritten from https://example.org/pod/ to the served address
        assert parsed.feed.image.href == base + "cover.png"
        for entry in parsed.entries:
            [enc] = entry.enclosures
            assert enc.href.startswith(base) and enc.type == "audio/mpeg"
            body = _get(enc.href)
            local = three_episodes / enc.href.rsplit("/", 1)[1]
            assert body == local.read_bytes()
            assert int(enc.length) == len(body)
        with urllib.request.urlopen(url, timeout=30) as stream:
            pod = podcastparser.parse(url, stream)
        assert pod["title"] and pod["cover_url"] == base + "cover.png"
        assert len(pod["episodes"]) == 3
        assert len({e["guid"] for e in pod["episodes"]}) == 3
        for episode in pod["episodes"]:
            [enc] = episode["enclosures"]
            assert enc["mime_type"] == "audio/mpeg"
            assert enc["file_size"] == (three_episodes / enc["url"].rsplit("/", 1)[1]).stat().st_size
            assert episode["total_time"] > 5
            assert [c["title"] for c in episode.get("chapters", [])] or episode["description"]


def test_gpodder_subscribes_and_downloads_every_episode(three_episodes, gpo_bin, tmp_path):
    env = {**os.environ, "GPODDER_HOME": str(tmp_path / "gpodder-home"),
           "GPODDER_DOWNLOAD_DIR": str(tmp_path / "gpodder-downloads")}

    def gpo(*args: str) -> str:
        result = subprocess.run([gpo_bin, *args], env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    with served(three_episodes) as (url, _local):
        assert "Successfully added" in gpo("subscribe", url)
        gpo("update")
        listing = gpo("episodes", "--guid", url)
        assert listing.count("Harbour Ferry Runs Again") == 1
        assert "3 episodes downloaded" in gpo("download")
    downloaded = sorted((tmp_path / "gpodder-downloads").rglob("*.mp3"))
    assert len(downloaded) == 3
    for path in downloaded:
        assert path.read_bytes() == (three_episodes / path.name).read_bytes()
