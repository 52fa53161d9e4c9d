"""Mastering: the mix, at the profile's rate and loudness, as a checked MP3.

1. resample the mix to the profile's sample rate (polyphase, scipy);
2. normalise to the target loudness with the true-peak limiter
   (``loudness.normalize``), aiming a little high for what the encoder
   takes away and a little low on the peak for what it adds;
3. encode, decode the MP3 (libsndfile via soundfile) and measure what a
   listener gets; if it is more than ``TOLERANCE_LU`` off target or over
   the ceiling, correct and encode again (at most ``ATTEMPTS`` times); if the
   peak is still over after that, trim it statically: the ceiling is a hard
   limit, the loudness has a tolerance.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from audiobrief.loudness import Measurement

TOLERANCE_LU = 0.3
ATTEMPTS = 3


@dataclass(frozen=True)
class Mastered:
    mp3: bytes
    seconds: float
    measured: Measurement  # of the decoded MP3


def decode_mp3(mp3: bytes):
    """(mono float samples, rate) of an MP3, decoded by libsndfile."""
    import soundfile

    data, rate = soundfile.read(io.BytesIO(mp3), dtype="float64")
    return (data.mean(axis=1) if data.ndim > 1 else data), rate


def master(pcm: bytes, rate: int, channels: int, profile) -> Mastered:
    from audiobrief.encode import encode_mp3
    from audiobrief.loudness import Target, measure, normalize, resample, to_float, to_pcm16

    x = resample(to_float(pcm, channels), rate, profile.sample_rate)
    aim, margin = profile.lufs + profile.encode_loss_lu, profile.encode_peak_margin_db
    result = None
    for _ in range(ATTEMPTS):
        out, _ = normalize(x, profile.sample_rate, Target(aim, profile.ceiling_dbtp, margin))
        mp3 = encode_mp3(to_pcm16(out), profile.sample_rate, 1, out_rate=profile.sample_rate,
                         bitrate=profile.bitrate)
        decoded, decoded_rate = decode_mp3(mp3)
        result = measure(decoded, decoded_rate)
        miss = profile.lufs - result.integrated_lufs
        over = result.true_peak_dbtp - (profile.ceiling_dbtp - 0.1)
        if abs(miss) <= TOLERANCE_LU and over <= 0:
            break
        aim += miss
        if over > 0:
            margin += over + 0.1
    if result.true_peak_dbtp > profile.ceiling_dbtp - 0.1:
        # still over after correcting: the ceiling is a hard limit, loudness has a tolerance
        trim = profile.ceiling_dbtp - 0.2 - result.true_peak_dbtp
        mp3 = encode_mp3(to_pcm16(out * 10 ** (trim / 20)), profile.sample_rate, 1, out_rate=profile.sample_rate,
                         bitrate=profile.bitrate)
        decoded, decoded_rate = decode_mp3(mp3)
        result = measure(decoded, decoded_rate)
    return Mastered(mp3, len(x) / profile.sample_rate, result)
