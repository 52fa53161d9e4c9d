"""Transition options between sections, with the real engine."""

from __future__ import annotations

import json
import wave

import numpy as np
import pytest
import soundfile

from conftest import run_cli

ARTICLE = """Three Small Parts

A first paragraph opens the piece with a few plain words.

Middle Part

The middle part says a little more about nothing in particular.

Last Part

The last part closes the piece.
"""


def _make(tmp_path, transition: str):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "audiobrief.toml").write_text(f'[episode]\ntransition = "{transition}"\n')
    result = run_cli("make", "a.txt", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [entry] = json.loads((tmp_path / "out" / "episodes.json").read_text())["episodes"]
    data, rate = soundfile.read(str(tmp_path / "out" / entry["file"]), dtype="float32")
    return entry, data, rate


def _tone_energy(data, rate, start_ms, end_ms, freq):
    """Energy at ``freq`` relative to the whole band, in a window."""
    seg = data[int(start_ms / 1000 * rate): int(end_ms / 1000 * rate)]
    spectrum = np.abs(np.fft.rfft(seg * np.hanning(len(seg))))
    freqs = np.fft.rfftfreq(len(seg), 1 / rate)
    band = spectrum[(freqs > freq - 20) & (freqs < freq + 20)].sum()
    return band / (spectrum.sum() + 1e-12)


@pytest.mark.parametrize("transition", ["sting", "none", "crossfade", "sound-file"])
def test_transition_kinds(tmp_path, transition):
    if transition == "sound-file":
        rate = 22050
        t = np.arange(int(rate * 0.4)) / rate
        tone = (np.sin(2 * np.pi * 440 * t) * 0.3 * 32767).astype("<i2")
        with wave.open(str(tmp_path / "ding.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(tone.tobytes())
        transition = "ding.wav"
    entry, data, rate = _make(tmp_path, transition)
    starts = [c["start_ms"] for c in entry["chapters"]]
    assert len(starts) == 5 and starts == sorted(starts)
    gap = (starts[2] - 700, starts[2] - 50)  # the stretch just before "Middle Part"
    if transition == "sting":
        assert _tone_energy(data, rate, *gap, 659.25) + _tone_energy(data, rate, *gap, 987.77) > 0.05
    elif transition == "ding.wav":
        assert _tone_energy(data, rate, *gap, 440) > 0.05
    else:
        assert np.sqrt(np.mean(data[int(gap[0] / 1000 * rate): int(gap[1] / 1000 * rate)] ** 2)) < 0.01


def test_unreadable_transition_file_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "bad.wav").write_text("not audio")
    (tmp_path / "audiobrief.toml").write_text('[episode]\ntransition = "bad.wav"\n')
    result = run_cli("make", "a.txt", "--out", "out", cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "transition sound" in result.stderr and len(result.stderr.strip().splitlines()) == 1
