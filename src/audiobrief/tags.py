"""ID3v2.4 tags with mutagen: text frames, cover art and CHAP/CTOC chapters."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from audiobrief.models import Chapter


def tagged_mp3(
    mp3: bytes,
    *,
    title: str,
    artist: str,
    album: str,
    date: str,
    summary: str,
    chapters: Sequence[Chapter],
    cover: Optional[Path] = None,
    language: str = "eng",
    transcript: str = "",
) -> bytes:
    """The MP3 with ID3v2.4 tags prepended, built in memory."""
    import io

    from mutagen.id3 import APIC, CHAP, COMM, CTOC, CTOCFlags, ID3, TALB, TCON, TDRC, TIT2, TPE1, USLT

    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TALB(encoding=3, text=album))
    tags.add(TDRC(encoding=3, text=date))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(COMM(encoding=3, lang=language, desc="", text=summary))
    if cover is not None:
        mime = "image/png" if cover.suffix.lower() == ".png" else "image/jpeg"
        tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=cover.read_bytes()))
    if transcript:
        tags.add(USLT(encoding=3, lang=language, desc="Transcript", text=transcript))
    ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=3, text="Chapters")]))
    for element_id, chapter in zip(ids, chapters):
        tags.add(CHAP(element_id=element_id, start_time=chapter.start_ms, end_time=chapter.end_ms,
                      sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    buffer = io.BytesIO(mp3)
    tags.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()


def id3_language(code: str) -> str:
    """ISO 639-2 code that COMM frames want, from a two-letter code."""
    return {"en": "eng", "de": "deu", "es": "spa", "fr": "fra", "it": "ita", "nl": "nld",
            "pt": "por"}.get(code.split("-")[0].lower(), "eng")
