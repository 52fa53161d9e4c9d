"""Independent measurements of produced audio, for the tests.

Loudness and true peak come from ffmpeg's ebur128 filter when ffmpeg is on
PATH, else from pyloudnorm on the file decoded by libsndfile (true peak then
from scipy's 4x polyphase resampler). Neither shares code with
audiobrief.loudness, which made the audio.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile


def decode(path: Path):
    data, rate = soundfile.read(str(path), dtype="float64")
    return (data.mean(axis=1) if data.ndim > 1 else data), rate


def loudness_and_peak(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of an audio file."""
    if shutil.which("ffmpeg"):
        err = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
                              "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
        summary = err[err.rindex("Summary:"):]
        lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
        peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
        return lufs, peak
    import pyloudnorm
    from scipy.signal import resample_poly

    data, rate = decode(path)
    lufs = pyloudnorm.Meter(rate).integrated_loudness(data)
    peak = 20 * np.log10(np.max(np.abs(resample_poly(data, 4, 1))))
    return float(lufs), float(peak)


def longest_full_scale_run(samples, level: float = 0.999) -> int:
    """Length of the longest run of consecutive samples at or beyond full scale."""
    hot = np.abs(samples) >= level
    if not hot.any():
        return 0
    edges = np.diff(np.concatenate([[0], hot.astype(int), [0]]))
    return int(np.max(np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)))


def rms_frames(samples, rate: int, ms: int = 5):
    hop = rate * ms // 1000
    frames = len(samples) // hop
    return np.sqrt(np.mean(samples[: frames * hop].reshape(frames, hop) ** 2, axis=1)), hop


def write_wav(path: Path, samples, rate: int) -> Path:
    """Write mono 16-bit samples (anything ``array("h", ...)`` or numpy int16 gives bytes of) as a WAV."""
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(memoryview(samples).cast("B")))
    return path


def speech_onsets_ms(path: Path, starts_ms, speech_dbfs: float = -50.0, reach_ms: int = 300) -> list:
    """For each time in ``starts_ms``: where speech (a 5 ms window at ``speech_dbfs`` or
    louder) first begins in the decoded file, in ms relative to that time, searching from
    ``reach_ms`` before it to ``reach_ms`` after (None: no speech there)."""
    samples, rate = decode(path)
    rms, hop = rms_frames(samples, rate)
    level = 10 ** (speech_dbfs / 20)
    found = []
    for start in starts_ms:
        at = int(start / 1000 * rate) // hop
        reach = reach_ms // 5
        window = rms[max(0, at - reach): at + reach + 1]
        loud = np.flatnonzero(window >= level)
        found.append(None if not len(loud) else (int(loud[0]) + max(0, at - reach) - at) * hop * 1000 // rate)
    return found
