"""The sounds a mix is made of, read in one place: spoken clips and a user's WAV files.

* ``read_wav`` is the one WAV loader (libsndfile through soundfile: no
  ffmpeg or ffprobe, whatever is on PATH), giving mono float samples;
* ``resample`` is the one resampler (soxr, high quality);
* ``load_sound`` reads a user's transition sound or music bed at the
  engine's rate, and says in one line what to do when the file is no WAV.

numpy, soundfile and soxr are imported when a sound is read.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

from audiobrief.errors import ConfigError

RESAMPLE_QUALITY = "HQ"
#: libsndfile reads many formats; these are the WAV family the settings promise
WAV_FORMATS = ("WAV", "WAVEX", "RF64", "W64")


def read_wav(path, seconds: Optional[float] = None) -> tuple:
    """(mono float64 samples in [-1, 1), rate) of a WAV file, or of its first
    ``seconds``; channels are averaged.

    Raises ``ValueError`` when the file is not a WAV that libsndfile can read."""
    import soundfile

    try:
        with soundfile.SoundFile(str(path)) as wav:
            if wav.format not in WAV_FORMATS:
                raise ValueError(f"{path} is {wav.format}, not WAV")
            rate = wav.samplerate
            frames = -1 if seconds is None else math.ceil(seconds * rate) + 1
            # 16-bit (every engine's clips): read as stored and scaled by numpy, which is quicker
            # than libsndfile's own conversion to float
            data = (wav.read(frames, dtype="int16") / 32768.0 if wav.subtype == "PCM_16"
                    else wav.read(frames, dtype="float64"))
    except RuntimeError as exc:  # libsndfile's own errors are RuntimeErrors
        raise ValueError(str(exc)) from None
    return (data.mean(axis=1) if data.ndim > 1 else data), rate


def resample(samples, rate: int, new_rate: int):
    """``samples`` at ``new_rate`` (float64); soxr rounds the new length to the nearest sample."""
    import numpy as np

    if rate == new_rate:
        return np.asarray(samples, dtype=np.float64)
    import soxr

    return np.asarray(soxr.resample(samples, rate, new_rate, quality=RESAMPLE_QUALITY), dtype=np.float64)


def load_sound(path: Path, rate: int, what: str, seconds: Optional[float] = None):
    """A user's WAV file (transition sound or music bed), or its first ``seconds``,
    as mono float samples at ``rate``."""
    try:
        samples, sound_rate = read_wav(path, seconds)
    except (OSError, ValueError):
        raise ConfigError(f"{what} {path} cannot be read; give a WAV file "
                          "(convert it with e.g. sox or ffmpeg)") from None
    if not len(samples):
        raise ConfigError(f"{what} {path} holds no audio; give a WAV file with sound in it")
    return resample(samples, sound_rate, rate)
