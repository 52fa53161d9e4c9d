"""Stitch spoken clips into one episode: pauses, transitions, chapter marks.

Works at the engine's sample rate (mono, 16-bit); the encoder resamples.
pydub is imported here only, so commands that never mix never pay for it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from audiobrief.errors import ConfigError
from audiobrief.models import Article, Chapter, Piece

with warnings.catch_warnings():  # pydub warns when no ffmpeg is on PATH; we never need it
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.generators import Sine
    from pydub.silence import detect_leading_silence

SILENCE_THRESHOLD_DBFS = -50.0
EDGE_KEEP_MS = 15
CROSSFADE_MS = 250


@dataclass(frozen=True)
class Mix:
    audio: "AudioSegment"
    chapters: tuple[Chapter, ...]


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


def load_transition(kind: str, resolve=lambda p: Path(p)) -> "AudioSegment | None":
    """The sound played between sections: None for 'none'/'crossfade'.

    Called before anything is spoken, so a bad sound file fails fast.
    """
    if kind in ("none", "crossfade"):
        return None
    if kind == "sting":
        return make_sting(22050)
    path = resolve(kind)
    try:
        sound = AudioSegment.from_file(str(path))
    except Exception:  # pydub raises many kinds for unreadable audio
        raise ConfigError(
            f"transition sound {path} cannot be read; use a WAV file, or 'sting', 'crossfade' or 'none'"
        ) from None
    return sound.set_channels(1).set_sample_width(2)


def chapter_titles(article: Article) -> list[str]:
    return [s.heading or article.title for s in article.sections]


def mix_episode(
    pieces: Sequence[Piece],
    clip_paths: Sequence[Path],
    article: Article,
    *,
    transition: str = "sting",
    transition_sound: "AudioSegment | None" = None,
    section_pause_ms: int = 900,
) -> Mix:
    """Lay the clips end to end and note where each chapter starts.

    Chapters: "Intro", one per section (the lead section takes the article
    title), and "Credits" for the closing pieces. A chapter starts exactly
    where its first clip's speech starts.
    """
    clips = [load_clip(p) for p in clip_paths]
    frame_rate = clips[0].frame_rate
    sting = transition_sound.set_frame_rate(frame_rate) if transition_sound is not None else None
    half_pause = AudioSegment.silent(section_pause_ms // 2, frame_rate=frame_rate)

    audio = AudioSegment.silent(0, frame_rate=frame_rate)
    starts: list[tuple[str, int]] = [("Intro", 0)]
    titles = chapter_titles(article)
    current = "intro"  # which block we are in: "intro", a section index, or "end"
    for piece, clip in zip(pieces, clips):
        block = piece.section if piece.section is not None else ("intro" if piece.kind == "intro" else "end")
        crossfade = 0
        if block != current:
            if sting is not None:
                audio += half_pause + sting + half_pause
            elif transition == "crossfade":
                audio += half_pause
                crossfade = min(CROSSFADE_MS, len(audio), len(clip))
            else:
                audio += half_pause
            title = titles[block] if isinstance(block, int) else "Credits"
            starts.append((title, len(audio) - crossfade))
            current = block
        audio = audio.append(clip, crossfade=crossfade) if crossfade else audio + clip
        if piece.pause_after:
            audio += AudioSegment.silent(piece.pause_after, frame_rate=frame_rate)
    audio += AudioSegment.silent(300, frame_rate=frame_rate)

    total = len(audio)
    chapters = tuple(
        Chapter(title, start, starts[i + 1][1] if i + 1 < len(starts) else total)
        for i, (title, start) in enumerate(starts)
    )
    return Mix(audio=audio, chapters=chapters)


def peak_normalize(audio: "AudioSegment", headroom_db: float = 1.0) -> "AudioSegment":
    """Bring the loudest sample to -headroom dBFS (loudness targets come later)."""
    if audio.max == 0:
        return audio
    return audio.apply_gain(-headroom_db - audio.max_dBFS)
