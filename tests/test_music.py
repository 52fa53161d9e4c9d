"""The music bed as the block renderer lays it (music.add_music_bed), on made-up clips.

Each block becomes its own MP3 stream, and every stream starts with the
encoder's priming silence: a join inside the music would be heard as a gap.
So the bed must lie inside whole blocks. The sound of a real episode with a
bed is checked end to end in test_production.py.
"""

from __future__ import annotations

from array import array

import numpy as np
import pytest

from audio_check import write_wav
from audiobrief.models import Article, Piece, Section
from audiobrief.music import LEAD_MS, TAIL_MS, add_music_bed
from audiobrief.segments import render
from audiobrief.timeline import lay_out

RATE = 22050


def _clip(folder, name: str, seconds: float):
    path = folder / f"{name}.wav"
    quiet, tone = int(0.04 * RATE), int(seconds * RATE)
    write_wav(path, array("h", [0] * quiet + [8000 if (i // 25) % 2 else -8000 for i in range(tone)] + [0] * quiet),
              RATE)
    return path


def _bed(folder):
    t = np.arange(int(RATE * 1.5)) / RATE  # short: it loops
    path = folder / "bed.wav"
    write_wav(path, array("h", np.round(6000 * np.sin(2 * np.pi * 220 * t)).astype(int).tolist()), RATE)
    return path


def _episode(tmp_path, intro_sentences: int = 6, outro_sentences: int = 5):
    """An intro long enough to be cut in two, one section, credits and a long outro."""
    pieces = [Piece("intro", f"Intro {i}.", pause_after=450) for i in range(intro_sentences)]
    pieces += [Piece("body", f"Body {i}.", section=0, paragraph=0, pause_after=400) for i in range(8)]
    pieces += [Piece("credits", "Credits.", pause_after=450)]
    pieces += [Piece("outro", f"Outro {i}.", pause_after=450) for i in range(outro_sentences)]
    clips = [_clip(tmp_path, f"c{i}", 2.5) for i in range(len(pieces))]
    article = Article("T", (Section(None, ("x",)),))
    blocks = lay_out(pieces, clips, article, transition="sting", min_block_s=4.0, max_block_s=6.0)
    return blocks, intro_sentences, outro_sentences


def _starts(blocks):
    return np.cumsum([0] + [b.frames for b in blocks])


@pytest.mark.parametrize("outro", [1, 5])
def test_the_bed_lies_inside_whole_blocks(tmp_path, outro):
    blocks, intro, outro = _episode(tmp_path, outro_sentences=outro)
    assert len([b for b in blocks if b.cues and b.cues[0][0].startswith("Intro")]) > 1  # cut without a bed
    bedded = add_music_bed(blocks, _bed(tmp_path), 18.0, intro, outro, intro_fade_ms=600)
    starts = _starts(bedded)
    regions = {r for b in bedded if b.bed for r in b.bed.regions}
    assert len(regions) == 2
    for start, end, _ in regions:  # each region within one block
        holding = [i for i, b in enumerate(bedded) if b.bed and (start, end, _) in b.bed.regions]
        assert len(holding) == 1
        assert starts[holding[0]] <= start and end <= starts[holding[0] + 1]
    # the lead-in and the longer tail; every sentence kept, in order
    assert sum(b.frames for b in bedded) == sum(b.frames for b in blocks) + RATE * (LEAD_MS + TAIL_MS) // 1000
    texts = [t for b in bedded for t, _, _ in b.cues]
    assert texts == [t for b in blocks for t, _, _ in b.cues]
    assert [b.chapter for b in bedded if b.chapter] == [b.chapter for b in blocks if b.chapter]


def test_the_bed_plays_alone_first_and_dips_under_speech(tmp_path):
    blocks, intro, outro = _episode(tmp_path)
    bedded = add_music_bed(blocks, _bed(tmp_path), 18.0, intro, outro, intro_fade_ms=600)
    first = bedded[0]
    audio = render(first)
    lead = RATE * LEAD_MS // 1000
    assert first.cues[0][1] >= lead  # the words move with the lead-in
    alone = np.sqrt(np.mean(audio[RATE // 2: lead - RATE // 2] ** 2))
    assert alone > 0.01
    # under a sentence: the bed is about 18 dB down (measured in a gap of the test tone's bursts is
    # impossible, so compare the whole with the clip alone)
    _, start, end = first.cues[1]
    middle = slice(start + RATE // 2, end - RATE // 2)
    plain = render(blocks[0])
    shift = first.cues[1][1] - blocks[0].cues[1][1]
    bed_there = audio[middle] - plain[start - shift + RATE // 2: end - shift - RATE // 2]
    assert 20 * np.log10(np.sqrt(np.mean(bed_there ** 2)) / alone) == pytest.approx(-18.0, abs=1.0)
    # the first section starts clean: the bed has faded out before its block
    assert all(b.bed is None for b in bedded[1:-1])


def test_the_beds_settings_are_in_the_block_keys(tmp_path):
    blocks, intro, outro = _episode(tmp_path)
    bed = _bed(tmp_path)
    one = add_music_bed(blocks, bed, 18.0, intro, outro)
    other = add_music_bed(blocks, bed, 12.0, intro, outro)
    assert one[0].key != other[0].key and one[-1].key != other[-1].key
    assert [b.key for b in one[1:-1]] == [b.key for b in other[1:-1]]
    assert [b.key for b in one] == [b.key for b in add_music_bed(blocks, bed, 18.0, intro, outro)]
