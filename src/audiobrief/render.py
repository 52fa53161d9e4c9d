"""One episode's steps, from script to encoded segments, for ``pipeline.run``.

speak (missing clips, one call per section and voice) -> lay out blocks ->
measure each block -> choose the gain for the whole episode -> measure again
after the limiter -> encode each block -> check what the decoded MP3
measures -> chapter and cue times on the MP3's own timeline.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from audiobrief.models import Chapter, Cue
from audiobrief.pipeline import Call

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


@dataclass(frozen=True)
class Rendered:
    segments: tuple[str, ...]  # MP3 segment files, in playing order
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    seconds: float
    loudness_lufs: float  # of the decoded MP3
    true_peak_dbtp: float
    segments_made: int = 0  # encoded now (the rest came from the cache)
    levels: Optional[dict] = None  # gain, ceiling and limiter curve used: remembered for the next build


_SPEAKING = threading.Lock()


def synthesize_batch(spec, jobs) -> int:
    """Make and seal clips in the engine's child process for ``spec`` (an engine
    crash there is an error naming the clip, not the end of this process).

    One batch at a time per process: render threads may call this at once."""
    from audiobrief.cache import seal_wav
    from audiobrief.engines import speak_here

    with _SPEAKING:
        return speak_here(spec, list(jobs), on_made=seal_wav)


#: the limiter's loss is measured on blocks adding up to at least this much audio
LIMITER_SAMPLE_S = 60.0


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


def _limiter_losses(blocks, raw, rate: int, root: str, gain: float, ceiling: float):
    """Steps measuring what the limiter does to the episode at a few gains around
    ``gain``; returns [(gain, loudness gained)] relative to the raw loudness.

    The limiter takes loudness away, more the harder it works: it is measured
    on a sample of the blocks (one voice limits alike all through an episode)
    and interpolated between the gains tried."""
    from audiobrief.loudness import SILENT, gated_loudness
    from audiobrief.segments import measure_limited, quantise

    gains = tuple(quantise(gain + step) for step in GAIN_STEPS_DB)
    sample = limiter_sample([b.frames / b.rate for b in blocks])
    limited = yield [Call(measure_limited, (blocks[i], rate, root, gains, ceiling)) for i in sample]
    sampled = gated_loudness(_combined(raw[i] for i in sample))
    if sampled <= SILENT:
        sampled, limited = gated_loudness(_combined(raw)), (
            yield [Call(measure_limited, (b, rate, root, gains, ceiling)) for b in blocks])
    return [(g, gated_loudness(_combined(per_block[i] for per_block in limited)) - sampled)
            for i, g in enumerate(gains)]


TRIM_ATTEMPTS = 4  # re-encodes of a block whose true peak is over the ceiling (the later half also trim statically)
#: an overshoot this small is trimmed statically at once: a few tenths of a dB less on one
#: block moves the episode's loudness by hundredths of a LU, and a retry costs a whole encode
SMALL_OVERSHOOT_DB = 0.3


def _combined(results) -> list:
    return [p for powers in results for p in powers]


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


def episode_steps(script, clip_paths: Sequence[Path], article, synth_batches, config, profile, cache_root: Path,
                  check_length: Callable[[float], None], previous: Optional[dict] = None):
    """Generator of batches of calls; returns a ``Rendered``.

    ``previous`` is the last build's ``Rendered.levels`` for this episode, if any."""
    from audiobrief.encode import ENCODER_DELAY_SAMPLES, samples_per_frame
    from audiobrief.errors import InputError
    from audiobrief.loudness import SILENT, gated_loudness
    from audiobrief.segments import encode, measure, quantise
    from audiobrief.timeline import lay_out

    root = str(cache_root)
    yield [Call(synthesize_batch, (spec, jobs), len(jobs)) for spec, jobs in synth_batches]
    if config.music:  # the music bed spans the whole mix: made in memory, in one worker
        [done] = yield [Call(render_with_music, ([str(p) for p in clip_paths], script, article, config, profile,
                                                  root), 8)]
        check_length(done.seconds)
        return done
    blocks = lay_out(script, clip_paths, article, transition=config.transition,
                     section_pause_ms=config.section_pause_ms,
                     section_pause_after_ms=config.section_pause_after_ms, resolve=config.resolve)
    check_length(sum(b.frames for b in blocks) / blocks[0].rate)
    rate = profile.sample_rate
    raw = yield [Call(measure, (b, rate, root)) for b in blocks]
    loudness = gated_loudness(_combined(raw))
    if loudness <= SILENT:
        raise InputError(f"{article.source or article.title}: the speech came out silent; "
                         "check the voice with `audiobrief say`")
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
        segments = yield [Call(encode, (b, rate, profile.bitrate, gain, ceiling, root), 2) for b in blocks]
        heard = gated_loudness(_combined(s["powers"] for s in segments))
        miss = profile.lufs - heard
        if abs(miss) <= TOLERANCE_LU or attempt == ENCODE_ATTEMPTS - 1:
            break
        gain = quantise(gain + miss / _slope(curve, gain))

    # the true peak is a hard limit: a block whose decoded MP3 pokes over it (the
    # encoder's overshoot varies, up to ~1.1 dB above the limiter here) is encoded
    # again with its own lower ceiling -- only that block, the rest stay as they are.
    # Less gain as well (a static trim) when the overshoot is tiny, or when the last
    # lower ceiling did not move the peak (an encoder artefact, not a limited peak):
    # each re-encode of a block is serial work, so a wasted one costs the edit's wall time
    limit_db = profile.ceiling_dbtp - 0.1
    settings = [(gain, ceiling)] * len(blocks)
    asked: dict[int, tuple[float, float]] = {}  # block -> (its peak, the ceiling drop asked of it) last time
    for attempt in range(TRIM_ATTEMPTS):
        over = [i for i, seg in enumerate(segments) if seg["peak"] > limit_db]
        if not over:
            break
        for i in over:
            peak = segments[i]["peak"]
            excess = peak - limit_db + 0.1
            block_gain, block_ceiling = settings[i]
            stuck = i in asked and asked[i][0] - peak < asked[i][1] / 2
            if excess <= SMALL_OVERSHOOT_DB or stuck or attempt >= TRIM_ATTEMPTS // 2:
                block_gain = quantise(block_gain - excess - 0.05)
            settings[i] = (block_gain, round(block_ceiling - excess, 2))
            asked[i] = (peak, excess)
        redone = yield [Call(encode, (blocks[i], rate, profile.bitrate, *settings[i], root), 2) for i in over]
        for i, seg in zip(over, redone):
            segments[i] = seg
    heard = gated_loudness(_combined(s["powers"] for s in segments))
    peak = max(s["peak"] for s in segments)

    spf = samples_per_frame(rate)
    chapters: list[tuple[str, int]] = []
    cues: list[Cue] = []
    offset = 0
    to_ms = lambda samples: round(samples * 1000 / rate)  # noqa: E731
    for block, seg in zip(blocks, segments):
        at = lambda frames: offset + ENCODER_DELAY_SAMPLES + round(frames * rate / block.rate)  # noqa: E731
        if block.chapter is not None:
            chapters.append((block.chapter, 0 if not chapters else to_ms(at(block.chapter_at))))
        cues += [Cue(text, to_ms(at(start)), to_ms(at(end))) for text, start, end in block.cues]
        offset += seg["frames"] * spf
    total = to_ms(offset)
    marks = tuple(Chapter(title, start, chapters[i + 1][1] if i + 1 < len(chapters) else total)
                  for i, (title, start) in enumerate(chapters))
    return Rendered(tuple(s["path"] for s in segments), marks, tuple(cues), offset / rate,
                    round(heard, 2), round(peak, 2), sum(1 for s in segments if s["made"]),
                    {"gain": gain, "ceiling": ceiling, "curve_lufs": round(curve_lufs, 3),
                     "curve": [[g, round(delta, 3)] for g, delta in losses]})


def render_with_music(clip_paths, script, article, config, profile, cache_root: str) -> Rendered:
    """The whole episode in memory (mix, music bed, master): used only with a music bed."""
    import hashlib

    from audiobrief.cache import store_segment
    from audiobrief.encode import count_frames, encoder_delay_ms, on_mp3_timeline
    from audiobrief.master import master
    from audiobrief.mix import mix_episode
    from audiobrief.music import add_music_bed
    from audiobrief.transcript import shift_cues

    mix = mix_episode(script, [Path(p) for p in clip_paths], article, transition=config.transition,
                      section_pause_ms=config.section_pause_ms,
                      section_pause_after_ms=config.section_pause_after_ms, resolve=config.resolve)
    intro = sum(1 for p in script if p.kind == "intro")
    outro = sum(1 for p in script if p.kind == "outro")
    mix = add_music_bed(mix, config.resolve(config.music), config.music_duck_db, intro, outro,
                        intro_fade_ms=max(100, config.section_pause_ms))
    done = master(mix.audio.raw_data, mix.audio.frame_rate, mix.audio.channels, profile)
    key = hashlib.sha256(done.mp3).hexdigest()
    segment = store_segment(cache_root, key, done.mp3, round(done.seconds * profile.sample_rate),
                            count_frames(done.mp3), {})
    return Rendered((str(segment.path),), on_mp3_timeline(mix.chapters, profile.sample_rate),
                    shift_cues(mix.cues, encoder_delay_ms(profile.sample_rate)), done.seconds,
                    done.measured.integrated_lufs, done.measured.true_peak_dbtp, 1)
