"""The episode as a list of blocks, laid out without holding its audio.

A block is what gets rendered, loudness-measured and encoded on its own:
the intro, each section (its transition first), and the closing credits and
outro.  A section is cut further at pauses between sentences: once a block
holds ``MIN_BLOCK_S``, after the sentences their place picks (three in
four, by a hash of section, paragraph and sentence number), and always past
``MAX_BLOCK_S``, so no process holds more than about that much audio.
Because places pick the cuts, editing a sentence changes the block it is
in and, nearly always, no other: an edit re-encodes ~10-15 s of audio, not
the whole section.
Every block starts and ends in silence, which is what lets blocks be
resampled, limited and MP3-encoded independently and joined afterwards.

A block is described, not rendered: parts are silences, the transition
sound, and spoken clips (trimmed to a small margin around the speech).  Its
``key`` hashes that description, so an unchanged block is found in the
cache and not rendered again.  Positions are in frames at the engine's rate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from audiobrief.mix import load_sound as load_wav
from audiobrief.mix import read_wav
from audiobrief.models import Article, Piece

SILENCE_THRESHOLD_DBFS = -50.0
EDGE_KEEP_MS = 15
CHUNK_MS = 5
CROSSFADE_MS = 250
TAIL_MS = 300
MAX_BLOCK_S = 30.0
MIN_BLOCK_S = 10.0
MIN_CUT_PAUSE_MS = 300
STING_VERSION = "sting-1"
#: how a user's WAV becomes a transition (read, resampled by soxr): bump when that changes
SOUND_VERSION = "wav-2"


@dataclass(frozen=True)
class Part:
    kind: str  # "silence", "clip" or "sound"
    frames: int  # length in frames
    path: str = ""  # clip WAV, or the sound ("sting" or a WAV path)
    start: int = 0  # clip: first frame kept
    fade_in: int = 0  # clip: frames of fade-in (the crossfade transition)


@dataclass(frozen=True)
class Block:
    parts: tuple[Part, ...]
    rate: int
    sound_id: str = ""  # what the transition sound is (for the key)
    #: chapter that starts at ``chapter_at`` frames into this block (None: continues one)
    chapter: Optional[str] = None
    chapter_at: int = 0
    #: (text, start, end) of each sentence, frames from the block's start
    cues: tuple[tuple[str, int, int], ...] = ()
    #: the part of the music bed under this block (``music.Bed``), if any
    bed: Optional[Any] = None

    @property
    def frames(self) -> int:
        return sum(p.frames for p in self.parts)

    @property
    def key(self) -> str:
        parts = [[p.kind, p.frames, Path(p.path).name if p.kind == "clip" else p.path, p.start, p.fade_in]
                 for p in self.parts]
        described = [self.rate, self.sound_id, parts]
        if self.bed is not None:
            described.append(self.bed.described())
        return hashlib.sha256(json.dumps(described).encode("utf-8")).hexdigest()


def speech_bounds(samples, rate: int) -> tuple[int, int]:
    """(start, end) frames of a clip kept after trimming silent edges to ``EDGE_KEEP_MS``.

    A 5 ms window counts as sound when its RMS reaches -50 dBFS."""
    import numpy as np

    chunk = max(1, rate * CHUNK_MS // 1000)
    n = len(samples) // chunk
    if n == 0:
        return 0, len(samples)
    x = np.asarray(samples[: n * chunk], dtype=np.float64).reshape(n, chunk)
    rms = np.sqrt(np.mean(x * x, axis=1))
    loud = np.flatnonzero(rms >= 10 ** (SILENCE_THRESHOLD_DBFS / 20))
    if not len(loud):
        return 0, len(samples)
    keep = rate * EDGE_KEEP_MS // 1000
    start = max(0, int(loud[0]) * chunk - keep)
    end = min(len(samples), (int(loud[-1]) + 1) * chunk + keep)
    return start, end


def single_clip(path: Path) -> Block:
    """One spoken clip, its silent edges trimmed, as a block of its own (``audiobrief say``)."""
    samples, rate = read_wav(path)
    start, end = speech_bounds(samples, rate)
    return Block((Part("clip", end - start, str(path), start),), rate)


def sting(rate: int):
    """A soft two-note chime (a rising fifth), about a third of a second, float in [-1, 1]."""
    import numpy as np

    def note(freq: float, ms: int):
        n = rate * ms // 1000
        t = np.arange(n) / rate
        tone = 10 ** (-22 / 20) * np.sin(2 * np.pi * freq * t) + 10 ** (-34 / 20) * np.sin(4 * np.pi * freq * t)
        env = np.ones(n)
        rise, fall = rate * 8 // 1000, int(n * 0.7)
        env[:rise] = np.linspace(0, 1, rise)
        env[n - fall:] *= np.linspace(1, 0, fall)
        return tone * env

    return np.concatenate([note(659.25, 160), note(987.77, 220)])


def load_sound(name: str, rate: int):
    """The transition sound at ``rate`` as float samples: the sting, or a user's WAV."""
    if name == "sting":
        return sting(rate)
    return load_wav(Path(name), rate, "transition sound")


def _sound_id(name: str) -> str:
    if name == "sting":
        return STING_VERSION
    try:
        return f"{SOUND_VERSION}:{hashlib.sha256(Path(name).read_bytes()).hexdigest()}"
    except OSError:
        return name


def chapter_titles(article: Article) -> list[str]:
    return [s.heading or article.title for s in article.sections]


def _cut_after(place: str) -> bool:
    """Whether a block may end after the sentence at ``place`` (three in four may).

    ``place`` is where the sentence stands (section, paragraph, its number in the
    paragraph), not what it says: rewording a sentence moves no cut."""
    return hashlib.blake2b(place.encode("utf-8"), digest_size=1).digest()[0] & 3 != 0


def _speech_in(clip_paths: Sequence[Path]) -> tuple[int, list[tuple[int, int]]]:
    """(the clips' rate, where each clip's speech is) of the spoken clips."""
    rate = None
    bounds = []
    for path in clip_paths:
        samples, clip_rate = read_wav(path)
        rate = rate or clip_rate
        bounds.append(speech_bounds(samples, clip_rate))
    return rate or 22050, bounds


def _transition_sound(transition: str, resolve, rate: int) -> tuple[Optional[str], int, str]:
    """(sound name, its length in frames, what it is for the blocks' keys) of a transition."""
    if transition in ("none", "crossfade"):
        return None, 0, transition
    name = "sting" if transition == "sting" else str(resolve(transition))
    return name, len(load_sound(name, rate)), _sound_id(name)


def _between_chapters(transition: str, sound: Optional[str], sound_frames: int, pause: int, after: int,
                      fade: int) -> list[Part]:
    """What opens a chapter before its first clip: the pause, the sound and the pause after it;
    with ``crossfade`` the pause less the ``fade`` its first clip fades in over; else both pauses."""
    if sound:
        return [Part("silence", pause), Part("sound", sound_frames, sound), Part("silence", after)]
    if transition == "crossfade":
        return [Part("silence", pause - fade)]
    return [Part("silence", pause + after)]


class _Layout:
    """The blocks laid out so far, and the block being filled (its parts, cues and chapter)."""

    def __init__(self, rate: int, sound_id: str) -> None:
        self.rate, self.sound_id = rate, sound_id
        self.blocks: list[Block] = []
        self.parts: list[Part] = []
        self.cues: list[tuple[str, int, int]] = []
        self.chapter: Optional[str] = "Intro"
        self.chapter_at = 0
        self.at = 0  # frames into the current block

    def add(self, part: Part) -> None:
        if part.frames > 0:
            self.parts.append(part)
            self.at += part.frames

    def close(self) -> None:
        if self.parts:
            self.blocks.append(Block(tuple(self.parts), self.rate, self.sound_id, self.chapter,
                                     self.chapter_at, tuple(self.cues)))
        self.parts, self.cues, self.chapter, self.chapter_at, self.at = [], [], None, 0, 0

    def cut_in_pause(self) -> None:
        """End the block in the middle of the pause that ends it: each block keeps silence at the
        join, so neither encoder starts or stops on speech (a block starting right at a clip's
        onset decoded with a broadband tick there)."""
        pause = self.parts.pop()
        self.at -= pause.frames
        self.add(Part("silence", pause.frames // 2))
        self.close()
        self.add(Part("silence", pause.frames - pause.frames // 2))


def lay_out(pieces: Sequence[Piece], clip_paths: Sequence[Path], article: Article, *,
            transition: str = "sting", section_pause_ms: int = 600, section_pause_after_ms: int = 450,
            resolve=lambda p: Path(p), max_block_s: float = MAX_BLOCK_S,
            min_block_s: float = MIN_BLOCK_S) -> list[Block]:
    """The blocks of an episode, in playing order.

    Chapters: "Intro", one per section (the lead section takes the article
    title) and "Credits"; a chapter starts where its first clip's speech
    starts.  Between chapters: ``section_pause_ms`` of silence, the transition
    and ``section_pause_after_ms``; with ``crossfade`` the first clip fades
    in over the end of the pause instead.
    """
    rate, bounds = _speech_in(clip_paths)
    ms = lambda value: rate * value // 1000  # noqa: E731
    sound_name, sound_frames, sound_id = _transition_sound(transition, resolve, rate)
    titles = chapter_titles(article)
    out = _Layout(rate, sound_id)
    current = "intro"
    place, previous, count = "", None, 0  # where the sentence before this one stands
    for piece, path, (start, end) in zip(pieces, clip_paths, bounds):
        block = piece.section if piece.section is not None else ("intro" if piece.kind == "intro" else "end")
        fade = 0
        if block != current:
            out.close()
            if transition == "crossfade":
                fade = min(ms(CROSSFADE_MS), ms(section_pause_ms), end - start)
            for part in _between_chapters(transition, sound_name, sound_frames, ms(section_pause_ms),
                                          ms(section_pause_after_ms), fade):
                out.add(part)
            out.chapter = titles[block] if isinstance(block, int) else "Credits"
            out.chapter_at = out.at
            current = block
        elif out.parts and out.parts[-1].kind == "silence" and out.parts[-1].frames >= ms(MIN_CUT_PAUSE_MS) and (
                out.at >= max_block_s * rate or (out.at >= min_block_s * rate and _cut_after(place))):
            out.cut_in_pause()
        paragraph = (piece.kind, piece.section, piece.paragraph)
        count = count + 1 if paragraph == previous else 0
        place, previous = f"{paragraph}/{count}", paragraph
        out.cues.append((piece.shown, out.at, out.at + end - start))
        out.add(Part("clip", end - start, str(path), start, fade))
        if piece.pause_after:
            out.add(Part("silence", ms(piece.pause_after)))
    out.add(Part("silence", ms(TAIL_MS)))
    out.close()
    return out.blocks
