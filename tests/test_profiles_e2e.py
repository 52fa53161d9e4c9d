"""Every output profile end to end with the real engine, measured independently."""

from __future__ import annotations

import json
import re

import pytest
from mutagen.mp3 import MP3

from audio_check import decode, longest_full_scale_run, loudness_and_peak
from audiobrief.profiles import PROFILES
from conftest import SAMPLE, run_cli

ARTICLE = """Tide Tables for Beginners

Tides rise and fall twice a day along most coasts. The moon does most of the pulling.

Reading the Table

Each row gives a time and a height. Heights are measured from a fixed chart datum! Low water can fall below it.

Sources: a harbour master's notes
"""


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_end_to_end(name, tmp_path):
    profile = PROFILES[name]
    article = tmp_path / "tides.txt"
    article.write_text(ARTICLE)
    out = tmp_path / "out"
    result = run_cli("make", article, "--out", out, "--profile", name)
    assert result.returncode == 0, result.stderr
    [mp3] = out.glob("*.mp3")
    info = MP3(str(mp3)).info
    assert info.sample_rate == profile.sample_rate and info.bitrate == profile.bitrate * 1000
    lufs, peak = loudness_and_peak(mp3)
    assert abs(lufs - profile.lufs) <= profile.tolerance_lu, lufs
    assert peak <= profile.ceiling_dbtp, peak
    data, _ = decode(mp3)
    assert longest_full_scale_run(data) == 0
    # make prints what it measured, and the catalog keeps it
    printed = re.search(r"(-?\d+\.\d) LUFS, (-?\d+\.\d) dBTP \((\w+)\)", result.stdout)
    assert printed and printed.group(3) == name, result.stdout
    assert abs(float(printed.group(1)) - lufs) <= 0.3
    entry = json.loads((out / "episodes.json").read_text())["episodes"][0]
    assert entry["profile"] == name and abs(entry["loudness_lufs"] - lufs) <= 0.3


def test_too_long_for_max_minutes_fails_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "audiobrief.toml").write_text("[episode]\nmax_minutes = 1\n")
    result = run_cli("make", SAMPLE, "--out", out, "--config", tmp_path / "audiobrief.toml")
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "over the 1-minute limit (max_minutes in audiobrief.toml)" in last
    assert "Traceback" not in result.stderr
    assert not list(out.glob("*.mp3")) and not (out / "episodes.json").exists()


def test_alexa_refuses_more_than_ten_minutes():
    from audiobrief.planning import check_length
    from audiobrief.errors import InputError
    from audiobrief.models import Article, Section

    article = Article("Long", (Section(None, ("x",)),), source="long.txt")
    from audiobrief.config import Config

    check_length(599, article, PROFILES["alexa"], Config())
    with pytest.raises(InputError, match=r"over the 10-minute limit \(the alexa profile's\)"):
        check_length(601, article, PROFILES["alexa"], Config())
    check_length(3 * 3600, article, PROFILES["podcast"], Config())  # three hours by default
    with pytest.raises(InputError, match=r"over the 180-minute limit \(the default\); .* raise max_minutes"):
        check_length(3 * 3600 + 1, article, PROFILES["podcast"], Config())
    check_length(5 * 3600, article, PROFILES["hq"], Config(max_minutes=300))
