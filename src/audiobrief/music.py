"""An optional music bed under the intro and the outro, ducked under speech.

The bed (a user's WAV file, looped if short) plays alone for ``LEAD_MS``
before the first word, dips by ``duck_db`` under every sentence of the
intro, and fades out after it; it fades in again under the outro and plays
on for ``TAIL_MS`` after the last word before fading out. Chapter and cue
marks move with the lead-in, so they still point at the words.

The bed goes through the block renderer like everything else:
``add_music_bed`` describes it in each block it lies under (``Bed``: its
regions and the sentences it dips under, on the episode's timeline) and
``segments.render`` adds the part under that block (``bed_under``).  Each
block is its own MP3 stream, and a join inside the music would be heard
(every stream starts with the encoder's priming silence), so the blocks the
bed spans are joined into one, and the intro's fade-out is moved into the
intro's block from the silence at the start of the next.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from audiobrief.loudness import minimum_filter, moving_average
from audiobrief.mix import load_sound, read_wav
from audiobrief.timeline import Block, Part

LEAD_MS = 2500
OUTRO_LEAD_MS = 1000  # the bed fades in this long before the outro's first word
TAIL_MS = 3000
FADE_IN_MS = 400
FADE_OUT_MS = 1500
RAMP_MS = 200  # the duck starts this long before a sentence and lifts this long after
BED_LEVEL_DB = -8.0  # unducked bed, relative to the speech's RMS level
VOICED = 300 / 32768  # samples above this count towards the speech's level
BED_VERSION = "bed-2"  # bump when the way the bed is rendered changes


@dataclass(frozen=True)
class Bed:
    """The music under one block; positions are frames on the episode's timeline."""
    path: str
    sound_id: str
    level: float  # the bed's samples are multiplied by this before ducking
    duck_db: float
    regions: tuple[tuple[int, int, int], ...]  # (start, end, fade-out frames)
    talking: tuple[tuple[int, int], ...]  # the sentences near this block: the bed dips under them
    offset: int = 0  # where the block starts

    def described(self) -> list:
        """What decides the sound, for the block's cache key (the file by its content)."""
        return [BED_VERSION, *[value for name, value in asdict(self).items() if name != "path"]]


def _frames_of(ms: float, rate: int) -> int:
    return int(rate * ms / 1000)


def _talking(bed: Bed, lo: int, hi: int, rate: int):
    """How much the bed is ducked over frames [lo, hi): 1 under a sentence, ramping
    to 0 over ``RAMP_MS`` around it."""
    import numpy as np

    ramp = max(1, _frames_of(RAMP_MS, rate))
    margin = 2 * ramp
    talking = np.zeros(hi - lo + 2 * margin)
    for start, end in bed.talking:
        talking[max(0, start - lo + margin): max(0, end - lo + margin)] = 1.0
    held = -minimum_filter(-talking, 2 * ramp + 1)  # a running maximum
    return moving_average(held, ramp | 1)[margin: margin + hi - lo]


def bed_under(bed: Bed, frames: int, rate: int):
    """The bed's samples under a block of ``frames`` starting at ``bed.offset``."""
    import numpy as np

    out = np.zeros(frames)
    samples = load_sound(Path(bed.path), rate, "music bed", _longest(bed.regions) / rate)
    lo, hi = bed.offset, bed.offset + frames
    for start, end, fade_out in bed.regions:
        first, last = max(lo, start), min(hi, end)
        if first >= last:
            continue
        length = end - start
        at = np.arange(first - start, last - start)  # positions in the region
        fade_in, fade_out = min(length, _frames_of(FADE_IN_MS, rate)), max(1, min(length, fade_out))
        envelope = np.clip(at / max(1, fade_in - 1), 0.0, 1.0) * np.clip((length - 1 - at) / max(1, fade_out - 1),
                                                                        0.0, 1.0)
        duck = 10 ** (-bed.duck_db * _talking(bed, first, last, rate) / 20)
        out[first - lo: last - lo] += samples[at % len(samples)] * envelope * duck * bed.level
    return out


def _longest(regions) -> int:
    """Frames of the longest region: the most of the bed any region plays before it loops."""
    return max((end - start for start, end, _ in regions), default=1)


def _speech_level(blocks) -> float:
    """RMS of the voiced samples of every clip in ``blocks``."""
    import numpy as np

    total, count = 0.0, 0
    for block in blocks:
        for part in block.parts:
            if part.kind == "clip":
                samples, _ = read_wav(part.path)
                voiced = samples[part.start: part.start + part.frames]
                voiced = voiced[np.abs(voiced) > VOICED]
                total, count = total + float(np.sum(voiced ** 2)), count + len(voiced)
    return float(np.sqrt(total / count)) if count else 3000 / 32768


def _joined(blocks: list[Block]) -> Block:
    """Consecutive blocks of one chapter as one block."""
    parts, cues, at = [], [], 0
    for block in blocks:
        parts += block.parts
        cues += [(text, start + at, end + at) for text, start, end in block.cues]
        at += block.frames
    return replace(blocks[0], parts=tuple(parts), cues=tuple(cues))


def _join_from(blocks: list[Block], first: int, last: int) -> list[Block]:
    """``blocks`` with blocks[first..last] joined into one; a block starting a chapter
    in that range starts the joined block instead (a block holds one chapter start)."""
    for i in range(first + 1, last + 1):
        if blocks[i].chapter is not None:
            first = i
    return blocks[:first] + [_joined(blocks[first: last + 1])] + blocks[last + 1:]


def _with_edges(blocks: list[Block], lead: int, tail: int) -> list[Block]:
    """The lead-in before the first block's audio and the longer tail after the last."""
    head = blocks[0]
    blocks[0] = replace(head, parts=(Part("silence", lead),) + head.parts,
                        cues=tuple((t, s + lead, e + lead) for t, s, e in head.cues))
    end = blocks[-1]
    blocks[-1] = replace(end, parts=end.parts + (Part("silence", tail),))
    return blocks


def _fade_room(blocks: list[Block], intro: int, frames: int) -> list[Block]:
    """Move up to ``frames`` of silence from the start of the block after the intro's
    last block to that block's end, so the intro's fade-out is in one block."""
    if intro + 1 >= len(blocks):
        return blocks
    after = blocks[intro + 1]
    if not after.parts or after.parts[0].kind != "silence":
        return blocks
    moved = min(frames, after.parts[0].frames)
    rest = (Part("silence", after.parts[0].frames - moved),) + after.parts[1:]
    blocks[intro] = replace(blocks[intro], parts=blocks[intro].parts + (Part("silence", moved),))
    blocks[intro + 1] = replace(after, parts=tuple(p for p in rest if p.frames > 0),
                                chapter_at=max(0, after.chapter_at - moved),
                                cues=tuple((t, s - moved, e - moved) for t, s, e in after.cues))
    return blocks


def _holding(blocks: list[Block], frame: int) -> int:
    """Index of the block that plays ``frame`` of the episode."""
    at = 0
    for i, block in enumerate(blocks):
        at += block.frames
        if frame < at:
            return i
    return len(blocks) - 1


def _cues(blocks: list[Block]) -> list[tuple[int, int]]:
    """(start, end) of every sentence on the episode's timeline."""
    found, at = [], 0
    for block in blocks:
        found += [(at + start, at + end) for _, start, end in block.cues]
        at += block.frames
    return found


def add_music_bed(blocks: list[Block], bed_path: Path, duck_db: float, intro_cues: int, outro_cues: int,
                  intro_fade_ms: int = FADE_OUT_MS) -> list[Block]:
    """``blocks`` with the bed under their first ``intro_cues`` and last ``outro_cues`` sentences.

    After the intro the bed fades out over ``intro_fade_ms`` (the pause before
    the first transition), so the transition and the first section are clean.
    """
    import hashlib

    import numpy as np

    rate = blocks[0].rate
    blocks = _with_edges(list(blocks), _frames_of(LEAD_MS, rate), _frames_of(TAIL_MS, rate))
    cues = _cues(blocks)
    regions = []
    if intro_cues and cues:
        fade = _frames_of(intro_fade_ms, rate)
        last = _holding(blocks, cues[min(intro_cues, len(cues)) - 1][0])
        blocks = _fade_room(_join_from(blocks, 0, last), 0, fade)
        cues = _cues(blocks)
        regions.append((0, min(blocks[0].frames, cues[min(intro_cues, len(cues)) - 1][1] + fade), fade))
    if outro_cues and cues:
        blocks = _join_from(blocks, _holding(blocks, max(0, cues[-outro_cues][0] - _frames_of(OUTRO_LEAD_MS, rate))),
                            len(blocks) - 1)
        total = sum(b.frames for b in blocks)
        start = max(total - blocks[-1].frames, cues[-outro_cues][0] - _frames_of(OUTRO_LEAD_MS, rate))
        regions.append((start, total, _frames_of(FADE_OUT_MS, rate)))
    bed = load_sound(bed_path, rate, "music bed", _longest(regions) / rate)  # a long song: only what plays
    level = _speech_level(blocks) / (float(np.sqrt(np.mean(bed ** 2))) or 1.0) * 10 ** (BED_LEVEL_DB / 20)
    sound_id = f"{BED_VERSION}:{hashlib.sha256(Path(bed_path).read_bytes()).hexdigest()}"
    whole = Bed(str(bed_path), sound_id, round(level, 6), duck_db, tuple(regions), tuple(_cues(blocks)))
    return _under(blocks, whole, rate)


def _under(blocks: list[Block], whole: Bed, rate: int) -> list[Block]:
    """Each block a region overlaps, given the part of ``whole`` that concerns it."""
    margin = 3 * max(1, _frames_of(RAMP_MS, rate))
    out, at = [], 0
    for block in blocks:
        end = at + block.frames
        regions = tuple(r for r in whole.regions if r[0] < end and r[1] > at)
        if regions:
            talking = tuple(t for t in whole.talking if t[0] < end + margin and t[1] > at - margin)
            block = replace(block, bed=replace(whole, regions=regions, talking=talking, offset=at))
        out.append(block)
        at = end
    return out
