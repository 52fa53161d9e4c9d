"""ID3v2.4 tags with mutagen: text frames, cover art and CHAP/CTOC chapters."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from audiobrief.models import Chapter


def id3_tag(
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
):
    """The ID3v2.4 tag (a mutagen ``ID3``) with text frames, cover and chapters."""

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
    return tags


def tagged_mp3(mp3: bytes, **fields) -> bytes:
    """The MP3 with ID3v2.4 tags prepended, built in memory."""
    import io

    buffer = io.BytesIO(mp3)
    id3_tag(**fields).save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()


def write_tagged_mp3(folder: Path, stem: str, current: Optional[str], segments: Sequence,
                     **fields) -> tuple[str, int, bool]:
    """Stream the tag and each MP3 segment file into the episode's MP3 (never in memory).

    The live file the catalog names (``current``) is never overwritten: the
    same bytes keep ``current``; a new episode gets ``<stem>.mp3``; changed
    audio gets ``<stem>.<8 hex of its hash>.mp3`` (see fsutil.publish_versioned),
    so the old file stays valid until the catalog naming the new one is
    written. Returns (name, size, whether a file was written).
    """
    import filecmp
    import hashlib
    import io
    import os

    from audiobrief.fsutil import _trace, atomic_replace, temp_path

    head = io.BytesIO()
    id3_tag(**fields).save(head, v2_version=4, padding=lambda info: 0)
    digest = hashlib.sha256(head.getvalue())
    tmp = temp_path(folder / f"{stem}.mp3")
    try:
        _trace("begin", folder / f"{stem}.mp3")
        with open(tmp, "wb") as out:
            out.write(head.getvalue())
            for segment in segments:
                with open(segment, "rb") as part:
                    while chunk := part.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        _trace("synced", folder / f"{stem}.mp3")
        size = tmp.stat().st_size
        live = folder / current if current else None
        if live is not None and live.is_file() and live.stat().st_size == size and filecmp.cmp(tmp, live, shallow=False):
            return current, size, False
        name = f"{stem}.mp3" if current is None else f"{stem}.{digest.hexdigest()[:8]}.mp3"
        if name == current:  # never overwrite the live file
            name = f"{stem}.{hashlib.sha256(digest.digest()).hexdigest()[:8]}.mp3"
        atomic_replace(tmp, folder / name)
        _trace("renamed", folder / name)
        return name, size, True
    finally:
        if tmp.exists():
            tmp.unlink()


def id3_language(code: str) -> str:
    """ISO 639-2 code that COMM frames want, from a two-letter code."""
    return {"en": "eng", "de": "deu", "es": "spa", "fr": "fra", "it": "ita", "nl": "nld",
            "pt": "por"}.get(code.split("-")[0].lower(), "eng")
