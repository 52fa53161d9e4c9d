"""How an episode is cut into blocks (timeline.lay_out), on made-up clips.

Blocks are what is encoded and cached on its own, so where the cuts fall
decides what an edit costs: a reworded sentence should re-encode the block
it is in, not the rest of its section. Real audio paths are covered end to
end in test_make_e2e.py and test_cache_and_batch.py.
"""

from __future__ import annotations

import hashlib
from array import array
from pathlib import Path

from audio_check import write_wav
from audiobrief.models import Article, Piece, Section
from audiobrief.timeline import MAX_BLOCK_S, MIN_BLOCK_S, MIN_CUT_PAUSE_MS, lay_out

RATE = 22050
SENTENCE_PAUSE, PARAGRAPH_PAUSE = 350, 700


def _clip(folder: Path, text: str) -> Path:
    """A content-named WAV: 40 ms of silence, a tone as long as the text (60 ms a character), 40 ms."""
    path = folder / (hashlib.sha256(text.encode()).hexdigest()[:16] + ".wav")
    if not path.exists():
        quiet, tone = int(0.04 * RATE), int(0.06 * RATE * len(text))
        write_wav(path, array("h", [0] * quiet + [8000 if (i // 25) % 2 else -8000 for i in range(tone)] + [0] * quiet),
                  RATE)
    return path


def _script(paragraphs: list[list[str]]) -> list[Piece]:
    pieces = [Piece("intro", "This is the show.", pause_after=450)]
    pieces.append(Piece("heading", "The long section.", section=0, pause_after=450))
    for number, sentences in enumerate(paragraphs):
        for i, text in enumerate(sentences):
            last = i == len(sentences) - 1
            pieces.append(Piece("body", text, section=0, paragraph=number,
                                pause_after=PARAGRAPH_PAUSE if last else SENTENCE_PAUSE))
    pieces.append(Piece("outro", "That was the show.", pause_after=0))
    return pieces


PARAGRAPHS = [[f"Paragraph {p} sentence {s} tells a short story about the river." for s in range(7)]
              for p in range(3)]
ARTICLE = Article("A Long Section", (Section("The long section", ("one", "two", "three")),))


def _blocks(tmp_path, paragraphs):
    pieces = _script(paragraphs)
    return lay_out(pieces, [_clip(tmp_path, p.text) for p in pieces], ARTICLE, transition="none")


def test_a_long_section_is_cut_at_pauses_with_silence_on_both_sides(tmp_path):
    blocks = _blocks(tmp_path, PARAGRAPHS)
    section = [b for b in blocks[1:-1]]
    assert len(section) >= 4  # ~3.5 s a sentence, 21 sentences: cut every 10-30 s
    for before, after in zip(blocks, blocks[1:]):
        assert before.parts[-1].kind == "silence" and after.parts[0].kind == "silence"
        if after.chapter is None:  # a cut inside the section: the pause is shared by the two blocks
            assert before.parts[-1].frames + after.parts[0].frames >= RATE * MIN_CUT_PAUSE_MS // 1000
    for block in section[:-1]:
        assert MIN_BLOCK_S * RATE <= block.frames <= (MAX_BLOCK_S + 5) * RATE


def test_cues_stay_on_their_sentences_across_cuts(tmp_path):
    blocks = _blocks(tmp_path, PARAGRAPHS)
    texts = [text for block in blocks for text, _, _ in block.cues]
    assert texts == [p.text for p in _script(PARAGRAPHS)]
    for block in blocks:
        for _, start, end in block.cues:
            assert 0 <= start < end <= block.frames
        if block.chapter is None:  # a cut block starts with its half of the pause
            assert block.cues[0][1] == block.parts[0].frames > 0


def test_rewording_a_sentence_changes_only_its_own_block(tmp_path):
    before = [b.key for b in _blocks(tmp_path, PARAGRAPHS)]
    changed_counts = []
    for p, sentences in enumerate(PARAGRAPHS):
        for s in range(len(sentences)):
            edited = [list(x) for x in PARAGRAPHS]
            edited[p][s] = edited[p][s].replace("a short story", "a much longer and rather different story")
            after = [b.key for b in _blocks(tmp_path, edited)]
            changed_counts.append(len(set(after) - set(before)))
    assert min(changed_counts) == 1
    # the cuts are placed by where sentences stand, not what they say: an edit moves a
    # cut only when it pushes a block across MIN_BLOCK_S, and then only its neighbour
    assert max(changed_counts) <= 2
    assert sum(1 for n in changed_counts if n == 1) >= 0.8 * len(changed_counts), changed_counts
