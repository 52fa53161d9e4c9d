"""One episode's steps, from script to encoded segments, for ``pipeline.run``.

speak (missing clips, one call per section and voice) -> lay out blocks (the
music bed over them, if there is one) -> master them (``master.master_steps``:
loudness, gain, limiter, encode, check) -> chapter and cue times on the
MP3's own timeline.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from audiobrief import timeline
from audiobrief.cache import seal_wav
from audiobrief.encode import ENCODER_DELAY_SAMPLES, samples_per_frame
from audiobrief.engines.child import speak_here
from audiobrief.master import master_steps
from audiobrief.models import Chapter, Cue
from audiobrief.music import add_music_bed
from audiobrief.pipeline import Call


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

    One batch at a time per process: engines keep process-wide state (espeak
    has one synthesiser per process), and render threads may call this at once."""
    with _SPEAKING:
        return speak_here(spec, list(jobs), on_made=seal_wav)


def episode_steps(script, clip_paths: Sequence[Path], article, synth_batches, config, profile, cache_root: Path,
                  check_length: Callable[[float], None], previous: Optional[dict] = None):
    """Generator of batches of calls; returns a ``Rendered``.

    ``previous`` is the last build's ``Rendered.levels`` for this episode, if any."""
    yield [Call(synthesize_batch, (spec, jobs), len(jobs)) for spec, jobs in synth_batches]
    blocks = timeline.lay_out(script, clip_paths, article, transition=config.transition,
                              section_pause_ms=config.section_pause_ms,
                              section_pause_after_ms=config.section_pause_after_ms, resolve=config.resolve)
    if config.music:
        blocks = add_music_bed(blocks, config.resolve(config.music), config.music_duck_db,
                               intro_cues=sum(1 for p in script if p.kind == "intro"),
                               outro_cues=sum(1 for p in script if p.kind == "outro"),
                               intro_fade_ms=max(100, config.section_pause_ms))
    check_length(sum(b.frames for b in blocks) / blocks[0].rate)
    done = yield from master_steps(blocks, profile, str(cache_root), article.source or article.title, previous)
    chapters, cues, samples = on_mp3_timeline(blocks, done.segments, profile.sample_rate)
    return Rendered(tuple(s["path"] for s in done.segments), chapters, cues, samples / profile.sample_rate,
                    done.loudness_lufs, done.true_peak_dbtp, sum(1 for s in done.segments if s["made"]),
                    done.levels)


def on_mp3_timeline(blocks, segments, rate: int) -> tuple[tuple[Chapter, ...], tuple[Cue, ...], int]:
    """Chapters, cues and the length in samples, where a player hears them: each
    block's segment is a whole number of MP3 frames, after the encoder's delay."""
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
    return marks, tuple(cues), offset
