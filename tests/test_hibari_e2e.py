"""End to end with the real hibari voice, with no network: make -> MP3 -> check."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("hibari", reason="the natural extra is not installed: pip install 'audiobrief[natural]'")

from audio_check import loudness_and_peak  # noqa: E402
from conftest import SAMPLE, run_cli  # noqa: E402

pytestmark = pytest.mark.slow

#: runs the CLI with every socket connection refused (where `unshare -n` is not allowed)
NO_SOCKETS = ("import socket, sys\n"
              "def refuse(*args, **kwargs):\n"
              "    raise OSError('network access in an offline test')\n"
              "socket.socket.connect = refuse\n"
              "socket.create_connection = refuse\n"
              "from audiobrief.cli import main\n"
              "sys.argv = ['audiobrief', *sys.argv[1:]]\n"
              "main()\n")


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def offline(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``audiobrief ARGS`` with no network: in a network namespace of its own, or with sockets refused."""
    env = {**os.environ, "COLUMNS": "200"}
    if _unshare_works():
        command = ["unshare", "-n", sys.executable, "-m", "audiobrief", *map(str, args)]
    else:
        command = [sys.executable, "-c", NO_SOCKETS, *map(str, args)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def test_hibari_episode_offline_passes_check_at_the_loudness_target(tmp_path):
    out = tmp_path / "out"
    made = offline("make", SAMPLE, "--out", out, "--engine", "hibari", "--cache-dir", tmp_path / "cache")
    assert made.returncode == 0, made.stderr
    spoken = re.search(r"\b(\d+) clips spoken, 0 from cache", made.stdout)
    assert spoken and int(spoken.group(1)) >= 12, made.stdout
    (episode,) = json.loads((out / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    assert abs(episode["loudness_lufs"] - -16) <= 1 and episode["true_peak_dbtp"] <= -1, episode
    lufs, peak = loudness_and_peak(out / episode["file"])  # measured again, by another meter
    assert abs(lufs - -16) <= 1 and peak <= -0.5, (lufs, peak)
    starts = [c["start_ms"] for c in episode["chapters"]]
    assert starts == sorted(starts) and len(starts) >= 5

    checked = run_cli("check", out)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    mp3 = (out / episode["file"]).read_bytes()
    again = offline("make", SAMPLE, "--out", out, "--engine", "hibari", "--cache-dir", tmp_path / "cache")
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout
    assert (out / episode["file"]).read_bytes() == mp3


def test_say_previews_the_hibari_voice(tmp_path):
    said = offline("say", "Good morning, here is the news.", "--engine", "hibari", "--out", tmp_path / "p.mp3")
    assert said.returncode == 0, said.stderr
    assert "voice heart, 175 wpm" in said.stdout
    lufs, _ = loudness_and_peak(tmp_path / "p.mp3")
    assert abs(lufs - -16) <= 1.5, lufs


def test_a_voice_that_would_download_is_one_error_line(tmp_path, monkeypatch):
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))  # nothing downloaded earlier
    said = offline("say", "Hello.", "--engine", "hibari", "--voice", "fable", "--out", tmp_path / "p.mp3")
    assert said.returncode != 0 and not (tmp_path / "p.mp3").exists()
    assert said.stderr.strip().startswith("error: hibari voice 'fable' is not installed"), said.stderr
    assert "Traceback" not in said.stderr and len(said.stderr.strip().splitlines()) == 1, said.stderr


# -- every English shared article, made offline (issue 17's "must be true") ------------------------

from conftest import SHARED_ARTICLES  # noqa: E402
from audio_check import speech_onsets_ms  # noqa: E402


def _english_articles() -> list[str]:
    """The shared articles the answer keys mark as English, and the seed."""
    names = ["seed-blog-post.txt"]
    for key in ("expected.json", "expected-more.json"):
        path = SHARED_ARTICLES / key
        if path.is_file():
            entries = json.loads(path.read_text(encoding="utf-8"))
            names += sorted(n for n, v in entries.items() if isinstance(v, dict) and v.get("language") == "en")
    return names


ENGLISH = _english_articles()


@pytest.fixture(scope="module")
def english_episodes(tmp_path_factory):
    """Every English article made in one offline run (one folder, one cache), then checked."""
    missing = [n for n in ENGLISH if not (SHARED_ARTICLES / n).is_file()]
    if missing:
        pytest.skip(f"the shared articles are not beside the checkout ({missing[0]})")
    out = tmp_path_factory.mktemp("hibari-english")
    made = offline("make", *(SHARED_ARTICLES / n for n in ENGLISH), "--out", out / "site", "--engine", "hibari",
                   "--cache-dir", out / "cache", timeout=3600)
    assert made.returncode == 0, made.stderr
    checked = run_cli("check", out / "site")
    episodes = json.loads((out / "site" / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    return out / "site", {ep["source"].rsplit("/", 1)[-1]: ep for ep in episodes}, checked


@pytest.mark.parametrize("name", ENGLISH)
def test_english_article_offline_passes_check_at_the_target_with_chapters_on_the_speech(name, english_episodes):
    site, episodes, checked = english_episodes
    assert checked.returncode == 0, checked.stdout + checked.stderr
    episode = episodes[name]
    assert abs(episode["loudness_lufs"] - -16) <= 1 and episode["true_peak_dbtp"] <= -1, episode
    lufs, peak = loudness_and_peak(site / episode["file"])  # measured again, by another meter
    assert abs(lufs - -16) <= 1 and peak <= -1 + 0.05, (lufs, peak)
    # each chapter after the first starts where its heading is heard: within 50 ms of the speech
    chapters = episode["chapters"][1:]
    assert chapters, episode
    onsets = speech_onsets_ms(site / episode["file"], [c["start_ms"] for c in chapters])
    late = [(c["title"], onset) for c, onset in zip(chapters, onsets) if onset is None or abs(onset) > 50]
    assert not late, late
