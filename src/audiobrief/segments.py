"""Blocks to sound: render, measure, and encode one block at a time.

Loudness must be measured over the whole episode while no process holds the
whole episode.  BS.1770's integrated loudness only needs the K-weighted
power of every 100 ms sub-block, so each block reports its sub-block powers
and the episode's loudness is the gated combination of all of them
(``loudness.gated_loudness``).  The gain that follows is quantised to
``GAIN_STEP_DB``, so editing one sentence rarely moves it: the other blocks'
encoded segments are then reused from the cache.

Each block is encoded by its own encoder into a stand-alone MP3 stream;
the episode is those streams back to back (blocks start and end in silence,
so the joins are silent).  Each stream is decoded once, right after
encoding, to measure what a listener hears: loudness sub-blocks and true peak.

Every function here is a plain top-level function of picklable arguments:
they run in spawned worker processes, or inline with ``--jobs 1``.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Optional

from audiobrief.cache import load_segment, store_segment, write_atomic
from audiobrief.encode import count_frames, decode_mp3, encode_mp3
from audiobrief.loudness import block_powers, limit, to_pcm16, true_peak
from audiobrief.mix import read_wav, resample
from audiobrief.music import bed_under
from audiobrief.timeline import Block, load_sound

GAIN_STEP_DB = 0.1
ENCODER = "lameenc-q5-v3"  # bump when the encoding recipe changes


def render(block: Block):
    """The block's audio at the engine's rate: float64 in [-1, 1].

    The parts (clips, pauses, transition sounds) are stitched with pydub, as
    16-bit mono at the block's rate; a music bed is then laid under the whole."""
    import numpy as np

    stitched = _stitch(block)
    out = np.zeros(block.frames)
    spoken = np.frombuffer(stitched.raw_data, dtype="<i2")[: block.frames] / 32768.0
    out[: len(spoken)] = spoken
    if block.bed is not None:
        out = out + bed_under(block.bed, block.frames, block.rate)
    return out


def _stitch(block: Block):
    """The block's parts joined end to end with pydub, each exactly ``part.frames`` long."""
    import numpy as np

    with warnings.catch_warnings():  # at import pydub warns that no ffmpeg is on PATH (it needs none here)
        warnings.simplefilter("ignore", RuntimeWarning)  # and Python 3.11-3.12 that audioop is deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment

    def segment(samples) -> "AudioSegment":
        pcm = np.clip(np.round(np.asarray(samples) * 32768.0), -32768, 32767).astype("<i2")
        return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=block.rate, channels=1)

    joined = AudioSegment.empty().set_frame_rate(block.rate)
    sounds: dict = {}
    for part in block.parts:
        if part.kind == "clip":
            samples, _ = read_wav(part.path)
            piece = samples[part.start: part.start + part.frames]
            if part.fade_in:
                piece[: part.fade_in] *= np.linspace(0.0, 1.0, part.fade_in)
        elif part.kind == "sound":
            if part.path not in sounds:
                sounds[part.path] = load_sound(part.path, block.rate)
            piece = sounds[part.path][: part.frames]
        else:
            piece = np.zeros(0)
        # a part shorter than its place (a pause; a sound cut short) is padded with silence
        padded = np.zeros(part.frames)
        padded[: len(piece)] = piece
        joined += segment(padded)
    return joined


# ------------------------------------------------------------------ facts cache


def _facts_path(cache_root: str, key: str) -> Path:
    return Path(cache_root) / "facts" / key[:2] / f"{key}.json"


def _load_facts(cache_root: str, key: str) -> Optional[dict]:
    try:
        data = json.loads(_facts_path(cache_root, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("key") == key else None


def _store_facts(cache_root: str, key: str, facts: dict) -> dict:
    facts = {**facts, "key": key}
    write_atomic(_facts_path(cache_root, key), json.dumps(facts).encode("utf-8"))
    return facts


def _key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ the tasks


def measure(block: Block, out_rate: int, cache_root: str) -> list:
    """100 ms sub-block powers of the block as it is (at the engine's rate:
    speech has nothing above it to lose by resampling)."""
    key = measure_key(block)
    facts = _load_facts(cache_root, key)
    if facts is None:
        facts = _store_facts(cache_root, key, {"powers": block_powers(render(block), block.rate).tolist()})
    return facts["powers"]


def measure_limited(block: Block, out_rate: int, cache_root: str, gains: tuple, ceiling_dbtp: float) -> list:
    """Sub-block powers of the block after each gain in ``gains`` and the
    true-peak limiter: one render, several limiter runs, so the
    episode's gain can be found by interpolation instead of pass after pass."""
    key = limited_key(block, gains, ceiling_dbtp)
    facts = _load_facts(cache_root, key)
    if facts is None:  # at the engine's rate: half the work, and the encode step checks the result
        x = render(block)
        powers = [block_powers(limit(x * 10 ** (g / 20), block.rate, ceiling_dbtp), block.rate).tolist()
                  for g in gains]
        facts = _store_facts(cache_root, key, {"powers": powers})
    return facts["powers"]


def measure_key(block: Block) -> str:
    return _key("measure", block.key)


def limited_key(block: Block, gains: tuple, ceiling_dbtp: float) -> str:
    return _key("limited", block.key, list(gains), ceiling_dbtp)


def segment_key(block: Block, out_rate: int, bitrate: int, gain_db: float, ceiling_dbtp: float) -> str:
    return _key("segment", ENCODER, block.key, out_rate, bitrate, gain_db, ceiling_dbtp)


def encode(block: Block, out_rate: int, bitrate: int, gain_db: float, ceiling_dbtp: float,
           cache_root: str) -> dict:
    """Encode the block (gain, limiter, 16-bit, lameenc) into a cached MP3 segment.

    Returns ``{"key", "samples", "frames", "powers", "peak"}``; ``powers`` and
    ``peak`` are measured on the decoded segment, i.e. what a listener hears.
    """
    key = segment_key(block, out_rate, bitrate, gain_db, ceiling_dbtp)
    found = load_segment(cache_root, key)
    made = found is None
    if made:
        # gain and limiter at the engine's rate (half the samples; its 4x true-peak
        # estimate already covers what lies between samples), then up to the output rate
        x = limit(render(block) * 10 ** (gain_db / 20), block.rate, ceiling_dbtp)
        x = resample(x, block.rate, out_rate)
        mp3 = encode_mp3(to_pcm16(x), out_rate, 1, out_rate=out_rate, bitrate=bitrate)
        samples = len(x)
        del x
        decoded, rate = decode_mp3(mp3)
        facts = {"powers": block_powers(decoded, rate).tolist(), "peak": true_peak(decoded)}
        del decoded
        found = store_segment(cache_root, key, mp3, samples, count_frames(mp3), facts)
    return {"key": key, "samples": found.samples, "frames": found.frames,
            "powers": found.facts["powers"], "peak": found.facts["peak"], "path": str(found.path), "made": made}


# ------------------------------------------------------------------ made elsewhere


def _task_key(fn, args: tuple) -> str:
    if fn is measure:
        return measure_key(args[0])
    if fn is measure_limited:
        block, _, _, gains, ceiling_dbtp = args
        return limited_key(block, gains, ceiling_dbtp)
    block, out_rate, bitrate, gain_db, ceiling_dbtp, _ = args
    return segment_key(block, out_rate, bitrate, gain_db, ceiling_dbtp)


def _root_of(fn, args: tuple) -> str:
    return args[5] if fn is encode else args[2]


def cached(fn, args: tuple) -> bool:
    """Whether the task ``fn(*args)`` (measure, measure_limited or encode) would find its
    result in the cache instead of rendering the block."""
    key, root = _task_key(fn, args), _root_of(fn, args)
    if fn is encode:
        return load_segment(root, key) is not None
    return _load_facts(root, key) is not None


def keep(fn, args: tuple, result, mp3: Optional[bytes] = None):
    """Store in this cache the ``result`` of ``fn(*args)`` that was computed elsewhere
    (``encode``: with its segment's ``mp3`` bytes); returns what ``fn`` would have."""
    key, root = _task_key(fn, args), _root_of(fn, args)
    if fn is not encode:
        _store_facts(root, key, {"powers": result})
        return result
    found = store_segment(root, key, mp3, result["samples"], result["frames"],
                          {"powers": result["powers"], "peak": result["peak"]})
    return {**result, "key": key, "path": str(found.path), "made": True}


def quantise(gain_db: float) -> float:
    return round(round(gain_db / GAIN_STEP_DB) * GAIN_STEP_DB, 2)
