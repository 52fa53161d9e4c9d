"""Stitch spoken clips into one episode: pauses, transitions, chapter and cue marks.

Works at the engine's sample rate (mono, 16-bit); the loudness stage
resamples to the profile's rate. pydub is imported here only, so commands
that never mix never pay for it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from audiobrief.errors import ConfigError
from audiobrief.models import Article, Chapter, Cue, Piece

with warnings.catch_warnings():  # pydub warns when no ffmpeg is on PATH; we never need it
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.generators import Sine
    from pydub.silence import detect_leading_silence

SILENCE_THRESHOLD_DBFS = -50.0
EDGE_KEEP_MS = 15
CROSSFADE_MS = 250
TAIL_MS = 300


@dataclass(frozen=True)
class Mix:
    audio: "AudioSegment"
    chapters: tuple[Chapter, ...]
    #: one per script piece (sentence), where its speech is in ``audio``
    cues: tuple[Cue, ...] = ()


def load_clip(path: Path) -> "AudioSegment":
    """A synthesised clip with its silent edges trimmed to a small, even margin."""
    clip = AudioSegment.from_wav(str(path))
    start = max(0, detect_leading_silence(clip, SILENCE_THRESHOLD_DBFS, 5) - EDGE_KEEP_MS)
    end = max(0, detect_leading_silence(clip.reverse(), SILENCE_THRESHOLD_DBFS, 5) - EDGE_KEEP_MS)
    return clip[start: len(clip) - end]


def make_sting(frame_rate: int) -> "AudioSegment":
    """A soft two-note chime (a rising fifth), about a third of a second."""
    def note(freq: float, ms: int) -> "AudioSegment":
        tone = Sine(freq, sample_rate=frame_rate).to_audio_segment(duration=ms, volume=-22.0)
        overtone = Sine(freq * 2, sample_rate=frame_rate).to_audio_segment(duration=ms, volume=-34.0)
        return tone.overlay(overtone).fade_in(8).fade_out(int(ms * 0.7))

    sting = note(659.25, 160) + note(987.77, 220)
    return sting.set_channels(1).set_sample_width(2)


def load_sound(path: Path, frame_rate: int, what: str) -> "AudioSegment":
    """A user's WAV file (transition or music bed) as mono 16-bit at ``frame_rate``."""
    try:
        sound = AudioSegment.from_file(str(path), format="wav")
    except Exception:  # pydub raises many kinds for unreadable audio
        raise ConfigError(f"{what} {path} cannot be read; give a WAV file (convert it with e.g. sox or ffmpeg)") from None
    if len(sound) == 0:
        raise ConfigError(f"{what} {path} holds no audio; give a WAV file with sound in it")
    return sound.set_channels(1).set_sample_width(2).set_frame_rate(frame_rate)


def _transition(kind: str, frame_rate: int, root_resolve) -> "AudioSegment | None":
    if kind in ("none", "crossfade"):
        return None
    if kind == "sting":
        return make_sting(frame_rate)
    return load_sound(root_resolve(kind), frame_rate, "transition sound")


def chapter_titles(article: Article) -> list[str]:
    return [s.heading or article.title for s in article.sections]


def mix_episode(
    pieces: Sequence[Piece],
    clip_paths: Sequence[Path],
    article: Article,
    *,
    transition: str = "sting",
    section_pause_ms: int = 600,
    section_pause_after_ms: int = 450,
    resolve=lambda p: Path(p),
) -> Mix:
    """Lay the clips end to end and note where each chapter and sentence starts.

    Chapters: "Intro", one per section (the lead section takes the article
    title), and "Credits" for the closing pieces. A chapter starts exactly
    where its first clip's speech starts. Between chapters: a pause of
    ``section_pause_ms``, the transition, and ``section_pause_after_ms``.
    """
    clips = [load_clip(p) for p in clip_paths]
    frame_rate = clips[0].frame_rate
    sting = _transition(transition, frame_rate, resolve)
    before = AudioSegment.silent(section_pause_ms, frame_rate=frame_rate)
    after = AudioSegment.silent(section_pause_after_ms, frame_rate=frame_rate)

    audio = AudioSegment.silent(0, frame_rate=frame_rate)
    starts: list[tuple[str, int]] = [("Intro", 0)]
    cues: list[Cue] = []
    titles = chapter_titles(article)
    current = "intro"  # which block we are in: "intro", a section index, or "end"
    for piece, clip in zip(pieces, clips):
        block = piece.section if piece.section is not None else ("intro" if piece.kind == "intro" else "end")
        crossfade = 0
        if block != current:
            if sting is not None:
                audio += before + sting + after
            elif transition == "crossfade":
                audio += before
                crossfade = min(CROSSFADE_MS, len(audio), len(clip))
            else:
                audio += before + after
            title = titles[block] if isinstance(block, int) else "Credits"
            starts.append((title, len(audio) - crossfade))
            current = block
        start = len(audio) - crossfade
        audio = audio.append(clip, crossfade=crossfade) if crossfade else audio + clip
        if cues and cues[-1].end_ms > start:  # a crossfade overlaps the previous sentence's tail
            cues[-1] = Cue(cues[-1].text, cues[-1].start_ms, start)
        cues.append(Cue(piece.text, start, len(audio)))
        if piece.pause_after:
            audio += AudioSegment.silent(piece.pause_after, frame_rate=frame_rate)
    audio += AudioSegment.silent(TAIL_MS, frame_rate=frame_rate)

    total = len(audio)
    chapters = tuple(
        Chapter(title, start, starts[i + 1][1] if i + 1 < len(starts) else total)
        for i, (title, start) in enumerate(starts)
    )
    return Mix(audio=audio, chapters=chapters, cues=tuple(cues))
