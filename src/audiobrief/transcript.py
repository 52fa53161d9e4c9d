"""Transcripts and chapter files from the mix's real timings.

Cue times are where each sentence's clip sits in the mixed audio (each
sentence is its own engine call), moved onto the MP3's timeline; nothing is
estimated from word counts.

* WebVTT (``text/vtt``) and SubRip (``application/x-subrip``), a cue per sentence;
* plain text for the MP3's USLT frame;
* Podcast Index JSON chapters (``application/json+chapters``, version 1.2.0).
"""

from __future__ import annotations

import json
from typing import Sequence

from audiobrief.models import Chapter, Cue

VTT_TYPE = "text/vtt"
SRT_TYPE = "application/x-subrip"
CHAPTERS_TYPE = "application/json+chapters"


def _clock(ms: int, sep: str) -> str:
    hours, rest = divmod(max(0, int(ms)), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def _one_line(text: str) -> str:
    # a blank line ends a cue, and "-->" would start a new timing line
    return " ".join(text.split()).replace("-->", "->")


def render_vtt(cues: Sequence[Cue]) -> str:
    lines = ["WEBVTT", ""]
    for i, cue in enumerate(cues, 1):
        lines += [str(i), f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}", _one_line(cue.text), ""]
    return "\n".join(lines)


def render_srt(cues: Sequence[Cue]) -> str:
    lines = []
    for i, cue in enumerate(cues, 1):
        lines += [str(i), f"{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}", _one_line(cue.text), ""]
    return "\n".join(lines)


def plain_text(cues: Sequence[Cue]) -> str:
    """The transcript as running text, for the USLT frame."""
    return "\n".join(_one_line(c.text) for c in cues)


def render_chapters_json(chapters: Sequence[Chapter], title: str = "") -> str:
    data = {"version": "1.2.0"}
    if title:
        data["title"] = title
    data["chapters"] = [{"startTime": round(c.start_ms / 1000, 3), "title": c.title} for c in chapters]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
