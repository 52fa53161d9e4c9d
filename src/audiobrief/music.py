"""An optional music bed under the intro and the outro, ducked under speech.

The bed (a user's WAV file, looped if short) plays alone for ``LEAD_MS``
before the first word, dips by ``duck_db`` under every sentence of the
intro, and fades out after it; it fades in again under the outro and plays
on for ``TAIL_MS`` after the last word before fading out. Chapter and cue
marks move with the lead-in, so they still point at the words.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from audiobrief.mix import Mix, load_sound

LEAD_MS = 2500
OUTRO_LEAD_MS = 1000  # the bed fades in this long before the outro's first word
TAIL_MS = 3000
FADE_IN_MS = 400
FADE_OUT_MS = 1500
RAMP_MS = 200  # the duck starts this long before a sentence and lifts this long after
BED_LEVEL_DB = -8.0  # unducked bed, relative to the speech's RMS level


def add_music_bed(mix: Mix, bed_path: Path, duck_db: float, intro_cues: int, outro_cues: int,
                  intro_fade_ms: int = FADE_OUT_MS) -> Mix:
    """``mix`` with the bed under its first ``intro_cues`` and last ``outro_cues`` sentences.

    After the intro the bed fades out over ``intro_fade_ms`` (the pause before
    the first transition), so the transition and the first section are clean.
    """
    import numpy as np
    from pydub import AudioSegment
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    audio = mix.audio
    rate = audio.frame_rate
    bed = load_sound(bed_path, rate, "music bed")
    speech = np.frombuffer(audio.raw_data, dtype="<i2").astype(np.float64)
    lead = int(rate * LEAD_MS / 1000)
    tail = int(rate * TAIL_MS / 1000)
    out = np.concatenate([np.zeros(lead), speech, np.zeros(tail)])
    cues = [replace(c, start_ms=c.start_ms + LEAD_MS, end_ms=c.end_ms + LEAD_MS) for c in mix.cues]
    at = lambda ms: int(rate * ms / 1000)  # noqa: E731

    talking = np.zeros(len(out))
    for cue in cues:
        talking[at(cue.start_ms): at(cue.end_ms)] = 1.0
    ramp = max(1, at(RAMP_MS))
    talking = uniform_filter1d(maximum_filter1d(talking, size=2 * ramp + 1), size=ramp)
    voiced = speech[np.abs(speech) > 300]
    speech_rms = float(np.sqrt(np.mean(voiced ** 2))) if len(voiced) else 3000.0
    bed_samples = np.frombuffer(bed.raw_data, dtype="<i2").astype(np.float64)
    bed_rms = float(np.sqrt(np.mean(bed_samples ** 2))) or 1.0
    base = speech_rms / bed_rms * 10 ** (BED_LEVEL_DB / 20)

    regions = []
    if intro_cues and cues:
        regions.append((0, at(cues[min(intro_cues, len(cues)) - 1].end_ms + intro_fade_ms), intro_fade_ms))
    if outro_cues and cues:
        regions.append((at(cues[-outro_cues].start_ms - OUTRO_LEAD_MS), len(out), FADE_OUT_MS))
    for start, end, fade_ms in regions:
        start, end = max(0, start), min(len(out), end)
        length = end - start
        if length <= 0:
            continue
        loop = np.resize(bed_samples, length)  # repeats the bed as often as needed
        envelope = np.ones(length)
        fade_in, fade_out = min(length, at(FADE_IN_MS)), max(1, min(length, at(fade_ms)))
        envelope[:fade_in] *= np.linspace(0, 1, fade_in)
        envelope[length - fade_out:] *= np.linspace(1, 0, fade_out)
        duck = 10 ** (-duck_db * talking[start:end] / 20)
        out[start:end] += loop * envelope * duck * base
    peak = np.max(np.abs(out))
    if peak > 32767:  # headroom only; the loudness stage sets the final level
        out *= 32767 / peak
    mixed = AudioSegment(np.round(out).astype("<i2").tobytes(), frame_rate=rate, sample_width=2, channels=1)
    chapters = tuple(replace(c, start_ms=c.start_ms + (LEAD_MS if i else 0), end_ms=c.end_ms + LEAD_MS)
                     for i, c in enumerate(mix.chapters))
    chapters = chapters[:-1] + (replace(chapters[-1], end_ms=len(mixed)),)
    return Mix(audio=mixed, chapters=chapters, cues=tuple(cues))
