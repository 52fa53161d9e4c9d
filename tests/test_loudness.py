"""The BS.1770 meter, the true-peak limiter and mastering, against independent meters."""

from __future__ import annotations

import shutil

import numpy as np
import pyloudnorm
import pytest
import soundfile

from audio_check import decode, longest_full_scale_run, loudness_and_peak
from audiobrief import loudness
from audiobrief.master import master_clip
from audiobrief.profiles import PROFILES, get_profile


def _speechlike(rate: int, seconds: float = 8.0, seed: int = 3):
    """Noise shaped like speech: bursts of band-limited noise with pauses between."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(seed)
    x = sosfilt(butter(4, [120, 5000], btype="band", fs=rate, output="sos"), rng.standard_normal(int(rate * seconds)))
    envelope = np.repeat(rng.random(int(seconds * 5)) > 0.3, rate // 5)[: len(x)]
    x[: len(envelope)] *= envelope
    return 0.1 * x / np.max(np.abs(x))


def test_k_weighting_at_48k_is_the_published_filter():
    (b1, a1), (b2, a2) = loudness.k_weighting(48000)
    assert np.allclose(b1, [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=1e-9)
    assert np.allclose(a1, [1.0, -1.69065929318241, 0.73248077421585], atol=1e-9)
    assert np.allclose(b2, [1.0, -2.0, 1.0]) and np.allclose(a2, [1.0, -1.99004745483398, 0.99007225036621], atol=1e-9)


@pytest.mark.parametrize("rate", [22050, 44100, 48000])
def test_integrated_loudness_agrees_with_pyloudnorm(rate):
    x = _speechlike(rate)
    ours = loudness.integrated_loudness(x, rate)
    theirs = pyloudnorm.Meter(rate).integrated_loudness(x)
    assert abs(ours - theirs) < 0.15, (ours, theirs)


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed")
def test_loudness_and_true_peak_agree_with_ffmpeg(tmp_path):
    rate = 44100
    x = _speechlike(rate) * 5
    path = tmp_path / "x.wav"
    soundfile.write(str(path), x, rate, subtype="FLOAT")
    lufs, peak = loudness_and_peak(path)
    assert abs(loudness.integrated_loudness(x, rate) - lufs) < 0.1
    assert abs(loudness.true_peak(x) - peak) < 0.15


def test_silence_measures_as_silent():
    assert loudness.integrated_loudness(np.zeros(48000), 48000) == loudness.SILENT
    assert loudness.true_peak(np.zeros(100)) == loudness.SILENT


def test_limiter_holds_the_ceiling_without_clipping():
    rate = 44100
    x = _speechlike(rate) * 30  # peaks near +9.5 dBFS: far over
    limited = loudness.limit(x, rate, -1.0)
    assert loudness.true_peak(limited) <= -1.0 + 0.05
    assert np.max(np.abs(limited)) < 1.0
    # quiet parts are untouched: the limiter only works near peaks
    quiet = np.abs(x) < 0.05
    assert np.mean(np.isclose(limited[quiet], x[quiet])) > 0.5


@pytest.mark.parametrize("name", sorted(PROFILES))
@pytest.mark.parametrize("gain_db", [-30.0, 0.0, 18.0], ids=["quiet", "normal", "loud"])
def test_master_reaches_target_from_quiet_and_loud_speech(name, gain_db, real_speech, tmp_path):
    """Real engine speech scaled by a gain (the loud one is clipped in 16 bits, as a
    hot recording would be) lands on the profile's target, measured independently."""
    samples, rate = real_speech
    wav = tmp_path / "speech.wav"
    soundfile.write(str(wav), np.clip(samples * 10 ** (gain_db / 20), -1.0, 32767 / 32768), rate, subtype="PCM_16")
    profile = get_profile(name)
    done = master_clip(wav, profile)
    path = tmp_path / "out.mp3"
    path.write_bytes(done.mp3)
    lufs, peak = loudness_and_peak(path)
    assert abs(lufs - profile.lufs) <= profile.tolerance_lu, (name, gain_db, lufs)
    assert peak <= profile.ceiling_dbtp, (name, gain_db, peak)
    data, decoded_rate = decode(path)
    assert decoded_rate == profile.sample_rate
    assert longest_full_scale_run(data) == 0
    assert abs(done.mastered.loudness_lufs - lufs) < 0.3  # what make reports is what ffmpeg hears


def test_a_one_word_line_is_mastered_too(real_speech, tmp_path):
    """Shorter than one 400 ms loudness block: measured as one block, not called silent."""
    samples, rate = real_speech
    wav = tmp_path / "word.wav"
    soundfile.write(str(wav), samples[: int(rate * 0.3)], rate, subtype="PCM_16")
    done = master_clip(wav, get_profile("podcast"))
    assert done.seconds < 0.4 and done.mastered.loudness_lufs > -30


@pytest.fixture(scope="module")
def real_speech(tmp_path_factory):
    """About 15 s of the real engine's speech, mono float at its own rate."""
    from audiobrief.engines import EngineSpec, get_engine
    from audiobrief.mix import read_wav

    folder = tmp_path_factory.mktemp("speech")
    engine = get_engine(EngineSpec())
    clips = []
    for i, text in enumerate([
        "The harbour opens at dawn, and the first boats leave before the mist has lifted.",
        "By noon the market is loud with gulls, traders and the clatter of crates.",
        "Sharp consonants, hissing sibilants and popping plosives test the limiter: tick, tock, spit, pass.",
    ]):
        wav = folder / f"{i}.wav"
        engine.synthesize(text, wav)
        clips.append(read_wav(wav))
    return np.concatenate([samples for samples, _ in clips]), clips[0][1]
