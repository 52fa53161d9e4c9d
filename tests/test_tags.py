"""ID3 chapters: the CTOC first, then the CHAP frames in playing order.

Players that list chapters by frame order (ffprobe, and the ffmpeg-based VLC
and mpv) showed them shuffled when the frames came in mutagen's size order.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from mutagen.id3 import ID3

from audiobrief.encode import encode_mp3
from audiobrief.models import Chapter
from audiobrief.tags import tagged_mp3, write_tagged_mp3

# titles of every length, longest in the middle: a size order is not the time order
TITLES = ["Intro", "A much longer heading than the others, about harbours", "Nets", "The market at noon",
          "Gulls", "What the council decided about the bridge", "Weather", "Credits"]


def _fields(titles=TITLES):
    step = 1000
    chapters = [Chapter(t, i * step, (i + 1) * step) for i, t in enumerate(titles)]
    return dict(title="T", artist="A", album="S", date="2026-01-01", summary="s", chapters=chapters,
                transcript="words")


def _mp3(seconds: float = 8.0) -> bytes:
    rate = 44100
    t = np.arange(int(rate * seconds)) / rate
    pcm = np.round(3000 * np.sin(2 * np.pi * 220 * t)).astype("<i2").tobytes()
    return encode_mp3(pcm, rate, 1, out_rate=rate)


def _frame_order(path) -> list[str]:
    """Frame keys in file order: mutagen keeps the order it read them in."""
    return [key for key in ID3(str(path)).keys() if key.startswith(("CHAP", "CTOC"))]


def test_ctoc_comes_first_and_chap_frames_follow_in_time_order(tmp_path):
    path = tmp_path / "e.mp3"
    path.write_bytes(tagged_mp3(_mp3(), **_fields()))
    assert _frame_order(path) == ["CTOC:toc"] + [f"CHAP:chp{i}" for i in range(len(TITLES))]
    tags = ID3(str(path))
    assert [tags[f"CHAP:chp{i}"].sub_frames["TIT2"].text[0] for i in range(len(TITLES))] == TITLES
    assert tags["CTOC:toc"].child_element_ids == [f"chp{i}" for i in range(len(TITLES))]
    assert tags["TIT2"].text == ["T"] and tags.getall("USLT")[0].text == "words"


def test_the_streamed_episode_has_the_same_tag(tmp_path):
    segment = tmp_path / "s.mp3"
    segment.write_bytes(_mp3())
    name, size, written = write_tagged_mp3(tmp_path, "ep", None, [segment], **_fields())
    assert written and name == "ep.mp3"
    assert (tmp_path / name).read_bytes() == tagged_mp3(segment.read_bytes(), **_fields())
    assert _frame_order(tmp_path / name)[0] == "CTOC:toc"


@pytest.mark.skipif(not shutil.which("ffprobe"), reason="ffprobe is not installed (apt-get install ffmpeg)")
def test_ffprobe_lists_the_chapters_in_time_order(tmp_path):
    path = tmp_path / "e.mp3"
    path.write_bytes(tagged_mp3(_mp3(), **_fields()))
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)],
                           capture_output=True, text=True, check=True)
    chapters = json.loads(probe.stdout)["chapters"]
    starts = [float(c["start_time"]) for c in chapters]
    assert starts == sorted(starts) and len(starts) == len(TITLES)
    assert [c["tags"]["title"] for c in chapters] == TITLES
