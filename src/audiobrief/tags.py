"""ID3v2.4 tags with mutagen: text frames, cover art and CHAP/CTOC chapters."""

from __future__ import annotations

import filecmp
import hashlib
import os
from pathlib import Path
from typing import Optional, Sequence

from audiobrief.fsutil import _trace, atomic_replace, temp_path
from audiobrief.models import Chapter

TAG_HEADER = 10  # "ID3", version, flags, syncsafe size
FRAME_HEADER = 10  # frame id, syncsafe size, flags


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


def tag_bytes(**fields) -> bytes:
    """The ID3v2.4 tag of :func:`id3_tag` as bytes, chapters in playing order.

    mutagen orders frames by size, which shuffles the chapters; players that
    list CHAP frames in file order (ffprobe, VLC, mpv) would show them so.
    Here the CTOC comes first and the CHAP frames follow in time order."""
    import io

    buffer = io.BytesIO()
    id3_tag(**fields).save(buffer, v2_version=4, padding=lambda info: 0)
    return chapters_in_order(buffer.getvalue())


def _frames(body: bytes) -> list[tuple[str, bytes]]:
    """(frame id, whole frame) of each frame in an ID3v2.4 tag body (sizes are syncsafe)."""
    frames, pos = [], 0
    while pos + FRAME_HEADER <= len(body) and body[pos] != 0:
        size = 0
        for byte in body[pos + 4: pos + 8]:
            size = size << 7 | byte
        end = pos + FRAME_HEADER + size
        frames.append((body[pos: pos + 4].decode("latin-1"), body[pos: end]))
        pos = end
    return frames


def chapters_in_order(tag: bytes) -> bytes:
    """The same tag with its CTOC and CHAP frames moved to the end, CTOC first and
    each CHAP in the order of its element id's number (``chp0``, ``chp1``, ...).

    The tag's size is unchanged, so its header stays as mutagen wrote it."""
    frames = _frames(tag[TAG_HEADER:])

    def place(item: tuple[str, bytes]) -> tuple[int, int]:
        frame_id, frame = item
        if frame_id == "CTOC":
            return 1, 0
        if frame_id == "CHAP":
            element_id = frame[FRAME_HEADER: frame.index(b"\0", FRAME_HEADER)]
            return 2, int(element_id.removeprefix(b"chp"))
        return 0, 0

    ordered = b"".join(frame for _, frame in sorted(frames, key=place))  # a stable sort: the rest keep their order
    return tag[:TAG_HEADER] + ordered + tag[TAG_HEADER + len(ordered):]


def tagged_mp3(mp3: bytes, **fields) -> bytes:
    """The MP3 with ID3v2.4 tags prepended, built in memory."""
    return tag_bytes(**fields) + mp3


def write_tagged_mp3(folder: Path, stem: str, current: Optional[str], segments: Sequence,
                     **fields) -> tuple[str, int, bool]:
    """Stream the tag and each MP3 segment file into the episode's MP3 (never in memory).

    The live file the catalog names (``current``) is never overwritten: the
    same bytes keep ``current``; a new episode gets ``<stem>.mp3``; changed
    audio gets ``<stem>.<8 hex of its hash>.mp3`` (see fsutil.publish_versioned),
    so the old file stays valid until the catalog naming the new one is
    written. Returns (name, size, whether a file was written).
    """
    head = tag_bytes(**fields)
    digest = hashlib.sha256(head)
    tmp = temp_path(folder / f"{stem}.mp3")
    try:
        _trace("begin", folder / f"{stem}.mp3")
        with open(tmp, "wb") as out:
            out.write(head)
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
