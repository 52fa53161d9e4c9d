"""The small immutable records that flow between the build stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

#: kinds of spoken piece, in the order they can appear in a script
PIECE_KINDS = ("intro", "heading", "body", "credits", "outro")


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading (``None`` for the untitled lead)."""

    heading: Optional[str]
    paragraphs: tuple[str, ...]
    #: per-section settings a reader found (e.g. Markdown front matter): "voice", "rate"
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Article:
    """What a reader found in a source file, before anything is spoken."""

    title: str
    sections: tuple[Section, ...]
    dropped: tuple[str, ...] = ()
    credits: Optional[str] = None
    #: why each line of ``dropped`` is not spoken (same order; "" where a reader gave no reason)
    reasons: tuple[str, ...] = ()
    language: str = "en"
    source: str = ""
    summary: Optional[str] = None
    author: Optional[str] = None
    date: Optional[str] = None  # ISO 8601 date when the source gives one
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Piece:
    """One unit of the script: the exact text the engine receives, and what is displayed.

    ``section`` is the index into ``Article.sections`` for headings and body
    text, ``None`` for intro, credits and outro.  ``pause_after`` is the
    silence (ms) the mixer puts after the piece.  Each piece is one sentence;
    ``paragraph`` numbers the paragraph a body sentence came from (within its
    section).  ``voice``/``rate`` override the configured ones (``None``: the
    configured voice and rate).  ``display`` is the sentence as the article
    writes it, for transcripts, cues, chapters and pages ("" when it is the
    same as ``text``); ``text`` has the lexicon's respellings and phonemes.
    """

    kind: str
    text: str
    section: Optional[int] = None
    pause_after: int = 0
    paragraph: Optional[int] = None
    voice: Optional[str] = None
    rate: Optional[int] = None
    display: str = ""

    @property
    def shown(self) -> str:
        """What a reader of the transcript sees for this piece."""
        return self.display or self.text


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Cue:
    """One spoken sentence and where it is heard (ms from the episode's start)."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Episode:
    """A finished, encoded episode ready to be tagged and published."""

    slug: str
    title: str
    mp3_path: str
    duration_ms: int
    chapters: tuple[Chapter, ...]
    size_bytes: int = 0
