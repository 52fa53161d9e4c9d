"""The one WAV loader and resampler (audiobrief.mix): any WAV in, mono float at the rate asked for."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import soundfile

from audiobrief.errors import ConfigError
from audiobrief.mix import load_sound, read_wav


def test_a_stereo_float_wav_at_another_rate_becomes_mono_at_the_engines_rate(tmp_path):
    rate = 48000
    t = np.arange(rate) / rate
    tone = 0.5 * np.sin(2 * np.pi * 440 * t)
    path = tmp_path / "s.wav"
    soundfile.write(str(path), np.stack([tone, tone], axis=1), rate, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing about ffmpeg or ffprobe, whatever is on PATH
        sound = load_sound(path, 22050, "music bed")
    assert len(sound) == 22050
    spectrum = np.abs(np.fft.rfft(sound))
    assert abs(int(np.argmax(spectrum)) - 440) <= 1  # 1 Hz bins: the tone kept its pitch
    assert np.max(np.abs(sound)) == pytest.approx(0.5, abs=0.02)


def test_16_bit_samples_read_exactly(tmp_path):
    samples = np.array([0, 1, -1, 32767, -32768, 1234], dtype="<i2")
    path = tmp_path / "c.wav"
    soundfile.write(str(path), samples, 22050, subtype="PCM_16")
    data, rate = read_wav(path)
    assert rate == 22050 and np.array_equal(data, samples / 32768.0)


@pytest.mark.parametrize("content", [b"RIFF but not really a sound", b""], ids=["text", "empty"])
def test_a_file_that_is_no_wav_says_how_to_fix_it(tmp_path, content):
    path = tmp_path / "ding.wav"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match="transition sound .* cannot be read; give a WAV file"):
        load_sound(path, 22050, "transition sound")


def test_another_format_named_wav_is_refused(tmp_path):
    path = tmp_path / "really.wav"
    soundfile.write(str(path), np.zeros(1000), 22050, format="FLAC")
    with pytest.raises(ConfigError, match="give a WAV file"):
        load_sound(path, 22050, "music bed")


def test_a_wav_without_samples_is_refused(tmp_path):
    path = tmp_path / "empty.wav"
    soundfile.write(str(path), np.zeros(0), 22050, subtype="PCM_16")
    with pytest.raises(ConfigError, match="holds no audio"):
        load_sound(path, 22050, "music bed")
