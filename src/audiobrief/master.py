"""Mastering: blocks to MP3 segments at the profile's sample rate and loudness.

The one gain-and-limiter loop, used by every episode (with or without a
music bed) and by ``audiobrief say``:

1. measure each block as it is (100 ms sub-block powers) -> the episode's loudness;
2. measure what the true-peak limiter takes away at a few gains, on a sample
   of the blocks, and interpolate the gain that reaches the target (aiming a
   little high for what the encoder takes away);
3. encode every block (gain, limiter, soxr to the profile's rate, lameenc),
   decode it and measure what a listener hears; correct the gain once if the
   whole is off by more than ``TOLERANCE_LU``;
4. the true peak is a hard limit: a block whose decoded MP3 pokes over it is
   encoded again alone, with a lower limiter ceiling and, if that does not
   help, less gain.

``master_steps`` is a generator of batches of calls (see ``pipeline``);
``master_clip`` drives it in this process for one spoken clip.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from audiobrief.errors import InputError
from audiobrief.loudness import SILENT, gated_loudness
from audiobrief.pipeline import Call
from audiobrief import segments
from audiobrief.segments import quantise
from audiobrief.timeline import single_clip

ENCODE_ATTEMPTS = 2
#: gains tried after the limiter, relative to the one that would be right without it
GAIN_STEPS_DB = (0.5, 4.0)
#: a new gain this close to the previous build's is not worth re-encoding every block for
GAIN_HOLD_DB = 0.2
TOLERANCE_LU = 0.3
#: the limiter's measured loss is taken from the last build while the episode's raw
#: loudness is within this of the loudness it was measured at (an edited sentence or
#: two moves it by hundredths): measuring it again is a render and three limiter
#: runs of every sampled block an edit touched, and the check on the decoded MP3
#: corrects the gain whatever the curve said
REUSE_CURVE_LU = 0.2
#: the limiter's loss is measured on blocks adding up to at least this much audio
LIMITER_SAMPLE_S = 60.0
TRIM_ATTEMPTS = 4  # re-encodes of a block whose true peak is over the ceiling (the later half also trim statically)
#: an overshoot this small is trimmed statically at once: a few tenths of a dB less on one
#: block moves the episode's loudness by hundredths of a LU, and a retry costs a whole encode
SMALL_OVERSHOOT_DB = 0.3


@dataclass(frozen=True)
class Mastered:
    segments: tuple[dict, ...]  # what ``segments.encode`` returned for each block, in playing order
    loudness_lufs: float  # of the decoded MP3
    true_peak_dbtp: float
    levels: dict  # gain, ceiling and limiter curve used: remembered for the next build


def limiter_sample(seconds: Sequence[float]) -> list[int]:
    """Indices of the blocks the limiter's loss is measured on: all of a short
    episode; of a longer one, every k-th block (starting mid-stride, so not
    always the intro), adding up to about ``LIMITER_SAMPLE_S`` whatever its length.

    Measured on three articles (34 blocks of one voice): the loss at a given
    gain varied by +-0.3 LU from block to block, so a 60 s sample lands within
    about 0.1 LU of the whole episode's; the encode step's check on the decoded
    MP3 corrects what is left."""
    total = sum(seconds)
    if total <= 1.5 * LIMITER_SAMPLE_S or len(seconds) < 4:
        return list(range(len(seconds)))
    mean = total / len(seconds)
    count = max(2, min(len(seconds), round(LIMITER_SAMPLE_S / mean + 0.5)))
    stride = len(seconds) / count
    return sorted({int(stride / 2 + k * stride) for k in range(count)})


def _combined(results) -> list:
    return [p for powers in results for p in powers]


def _limiter_losses(blocks, raw, rate: int, root: str, gain: float, ceiling: float):
    """Steps measuring what the limiter does to the episode at a few gains around
    ``gain``; returns [(gain, loudness gained)] relative to the raw loudness.

    The limiter takes loudness away, more the harder it works: it is measured
    on a sample of the blocks (one voice limits alike all through an episode)
    and interpolated between the gains tried."""
    gains = tuple(quantise(gain + step) for step in GAIN_STEPS_DB)
    sample = limiter_sample([b.frames / b.rate for b in blocks])
    limited = yield [Call(segments.measure_limited, (blocks[i], rate, root, gains, ceiling)) for i in sample]
    sampled = gated_loudness(_combined(raw[i] for i in sample))
    if sampled <= SILENT:
        sampled, limited = gated_loudness(_combined(raw)), (
            yield [Call(segments.measure_limited, (b, rate, root, gains, ceiling)) for b in blocks])
    return [(g, gated_loudness(_combined(per_block[i] for per_block in limited)) - sampled)
            for i, g in enumerate(gains)]


def _slope(curve, gain: float) -> float:
    """d(loudness)/d(gain) of the limited episode near ``gain`` (at least 0.1)."""
    pairs = list(zip(curve, curve[1:]))
    (g0, l0), (g1, l1) = next(((a, b) for a, b in pairs if a[0] <= gain <= b[0]), pairs[-1] if gain > curve[-1][0]
                              else pairs[0])
    return max(0.1, (l1 - l0) / (g1 - g0)) if g1 != g0 else 1.0


def _solve(curve, aim: float) -> float:
    """The gain at which the limited loudness reaches ``aim``, interpolating the
    measured (gain, loudness) points (extrapolating from the nearest two)."""
    for (g0, l0), (g1, l1) in zip(curve, curve[1:]):
        if l0 <= aim <= l1:
            return g0 + (aim - l0) / (l1 - l0) * (g1 - g0) if l1 != l0 else g0
    (g0, l0) = curve[0] if aim < curve[0][1] else curve[-1]
    return g0 + (aim - l0) / _slope(curve, g0)


def master_steps(blocks, profile, root: str, name: str, previous: Optional[dict] = None):
    """Generator of batches of calls; returns a ``Mastered``.

    ``name`` says whose speech it is in the error for silent speech;
    ``previous`` is the last build's ``Mastered.levels`` for the same episode, if any."""
    rate = profile.sample_rate
    raw = yield [Call(segments.measure, (b, rate, root)) for b in blocks]
    loudness = gated_loudness(_combined(raw))
    if loudness <= SILENT:
        raise InputError(f"{name}: the speech came out silent; check the voice with `audiobrief say`")
    aim = profile.lufs + profile.encode_loss_lu
    ceiling = profile.ceiling_dbtp - profile.encode_peak_margin_db
    gain = quantise(aim - loudness)
    previous = previous or {}
    same_ceiling = previous.get("ceiling") == ceiling
    if same_ceiling and previous.get("curve") and abs(previous.get("curve_lufs", SILENT) - loudness) <= REUSE_CURVE_LU:
        curve_lufs, losses = previous["curve_lufs"], previous["curve"]
    else:
        curve_lufs, losses = loudness, (yield from _limiter_losses(blocks, raw, rate, root, gain, ceiling))
    # the whole episode at gain g: its raw loudness plus what the limited sample gained at g
    curve = [(g, loudness + delta) for g, delta in losses]
    gain = quantise(_solve(curve, aim))
    if same_ceiling and "gain" in previous and abs(previous["gain"] - gain) <= GAIN_HOLD_DB:
        gain = previous["gain"]  # keep the last build's gain: the unchanged blocks' segments stay valid
    for attempt in range(ENCODE_ATTEMPTS):  # check what a listener hears; correct the gain once if needed
        encoded = yield [Call(segments.encode, (b, rate, profile.bitrate, gain, ceiling, root), 2) for b in blocks]
        miss = profile.lufs - gated_loudness(_combined(s["powers"] for s in encoded))
        if abs(miss) <= TOLERANCE_LU or attempt == ENCODE_ATTEMPTS - 1:
            break
        gain = quantise(gain + miss / _slope(curve, gain))
    encoded = yield from _under_the_ceiling(blocks, encoded, profile, gain, ceiling, root)
    levels = {"gain": gain, "ceiling": ceiling, "curve_lufs": round(curve_lufs, 3),
              "curve": [[g, round(delta, 3)] for g, delta in losses]}
    return Mastered(tuple(encoded), round(gated_loudness(_combined(s["powers"] for s in encoded)), 2),
                    round(max(s["peak"] for s in encoded), 2), levels)


def _under_the_ceiling(blocks, encoded: list, profile, gain: float, ceiling: float, root: str):
    """Steps encoding again, alone, each block whose decoded MP3 pokes over the true-peak ceiling.

    The encoder's overshoot varies (up to ~1.1 dB above the limiter here), so such a
    block gets its own lower limiter ceiling -- the rest stay as they are. Less gain
    as well (a static trim) when the overshoot is tiny, or when the last lower ceiling
    did not move the peak (an encoder artefact, not a limited peak): each re-encode
    of a block is serial work, so a wasted one costs the edit's wall time."""
    limit_db = profile.ceiling_dbtp - 0.1
    settings = [(gain, ceiling)] * len(blocks)
    asked: dict[int, tuple[float, float]] = {}  # block -> (its peak, the ceiling drop asked of it) last time
    for attempt in range(TRIM_ATTEMPTS):
        over = [i for i, seg in enumerate(encoded) if seg["peak"] > limit_db]
        if not over:
            break
        for i in over:
            peak = encoded[i]["peak"]
            excess = peak - limit_db + 0.1
            block_gain, block_ceiling = settings[i]
            stuck = i in asked and asked[i][0] - peak < asked[i][1] / 2
            if excess <= SMALL_OVERSHOOT_DB or stuck or attempt >= TRIM_ATTEMPTS // 2:
                block_gain = quantise(block_gain - excess - 0.05)
            settings[i] = (block_gain, round(block_ceiling - excess, 2))
            asked[i] = (peak, excess)
        redone = yield [Call(segments.encode, (blocks[i], profile.sample_rate, profile.bitrate, *settings[i], root), 2)
                        for i in over]
        for i, seg in zip(over, redone):
            encoded[i] = seg
    return encoded


def run_here(steps):
    """Drive a generator of steps to its end in this process, one call after another."""
    value = None
    try:
        while True:
            batch = steps.send(value)
            value = [call.fn(*call.args) for call in batch]
    except StopIteration as stop:
        return stop.value


@dataclass(frozen=True)
class MasteredClip:
    mp3: bytes
    seconds: float
    mastered: Mastered


def master_clip(wav: Path, profile, name: str = "the line") -> MasteredClip:
    """One spoken clip (silent edges trimmed) mastered to ``profile``, as MP3 bytes."""
    with tempfile.TemporaryDirectory(prefix="audiobrief-master-") as root:
        done = run_here(master_steps([single_clip(wav)], profile, root, name))
        mp3 = b"".join(Path(s["path"]).read_bytes() for s in done.segments)
    return MasteredClip(mp3, sum(s["samples"] for s in done.segments) / profile.sample_rate, done)
