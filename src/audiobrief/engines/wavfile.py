"""Writing and checking a clip, and turning a native driver's AIFF into WAV."""

from __future__ import annotations

import os
import sys
import wave
from array import array
from pathlib import Path
from typing import Iterable, Optional

from ..errors import SynthesisError
from .protocol import DEFAULT_RATE

#: a clip shorter than this per word (at DEFAULT_RATE, scaled by the rate) is broken.
#: Measured at 175 wpm: ~0.3 s per word in prose, 0.05 s for "a a a ..." (the fastest).
MIN_SECONDS_PER_WORD = 0.025


class BadClip(Exception):
    """One synthesis attempt produced no usable audio (retried)."""


def check_wav(path: Path, words: int, rate: int, expect_rate: Optional[int] = None) -> float:
    """Open a clip and check it is usable; returns its duration in seconds.

    Raises ``BadClip`` naming the problem: missing, unreadable, not mono
    16-bit, empty, implausibly short for its number of words, or silent.
    """
    if not path.exists():
        raise BadClip("no file was written")
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, framerate, nframes = (
                w.getnchannels(),
                w.getsampwidth(),
                w.getframerate(),
                w.getnframes(),
            )
            frames = w.readframes(nframes)
    except (wave.Error, EOFError, OSError) as exc:
        raise BadClip(f"not a readable WAV ({exc})") from None
    if channels != 1 or width != 2:
        raise BadClip(f"expected mono 16-bit audio, got {channels} channel(s) at {8 * width} bits")
    if expect_rate and framerate != expect_rate:
        raise BadClip(f"expected {expect_rate} Hz audio, got {framerate} Hz")
    if nframes <= 0 or not frames:
        raise BadClip("empty clip (0 frames)")
    if len(frames) < nframes * width:
        raise BadClip(f"truncated clip ({len(frames) // width} of {nframes} frames)")
    seconds = nframes / framerate
    minimum = words * MIN_SECONDS_PER_WORD * DEFAULT_RATE / rate
    if seconds < minimum:
        raise BadClip(f"clip too short ({seconds:.2f} s for {words} words)")
    if words and not frames.strip(b"\x00"):
        # text with no word in it ("...", "—") is legitimately spoken as a pause
        raise BadClip("clip is silent")
    return seconds


def _ieee_extended(raw: bytes) -> float:
    """The 80-bit float AIFF uses for its sample rate."""
    exponent = int.from_bytes(raw[0:2], "big")
    mantissa = int.from_bytes(raw[2:10], "big")
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)


def aiff_to_wav(src: Path, dst: Path) -> None:
    """Rewrite a 16-bit AIFF/AIFF-C (what macOS's nsss driver writes, whatever the
    file name says) as a mono 16-bit WAV.  Raises ``BadClip`` for anything else."""
    data = src.read_bytes()
    if data[:4] != b"FORM" or data[8:12] not in (b"AIFF", b"AIFC"):
        raise BadClip("not an AIFF file")
    comm = ssnd = None
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "big")
        if chunk == b"COMM":
            comm = data[pos + 8 : pos + 8 + size]
        elif chunk == b"SSND":
            ssnd = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
    if comm is None or ssnd is None or len(comm) < 18 or len(ssnd) < 8:
        raise BadClip("AIFF file without sound data")
    channels = int.from_bytes(comm[0:2], "big")
    nframes = int.from_bytes(comm[2:6], "big")
    bits = int.from_bytes(comm[6:8], "big")
    framerate = int(round(_ieee_extended(comm[8:18])))
    compression = comm[18:22] if data[8:12] == b"AIFC" else b"NONE"
    if bits != 16 or channels < 1 or compression not in (b"NONE", b"twos", b"sowt"):
        raise BadClip(f"unsupported AIFF audio ({bits}-bit, {channels} channels, {compression!r})")
    offset = int.from_bytes(ssnd[0:4], "big")
    pcm = ssnd[8 + offset : 8 + offset + nframes * channels * 2]
    samples = array("h", pcm[: len(pcm) - len(pcm) % 2])
    if (compression != b"sowt") != (sys.byteorder == "big"):
        samples.byteswap()  # AIFF is big-endian, "sowt" little-endian
    if channels > 1:
        samples = array(
            "h",
            (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels)),
        )
    with wave.open(str(dst), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(framerate)
        w.writeframes(samples.tobytes())  # wave swaps to little-endian itself if needed



def write_clip(wav_path: Path, chunks: Iterable, rate: int, engine: str, text: str) -> None:
    """Write ``chunks`` (numpy int16 sample arrays, in order) as one mono 16-bit WAV at
    ``rate``: into a temp file renamed into place, so a clip is whole or absent.  No
    samples, or only zeros, is a ``SynthesisError`` naming the text."""
    wav_path = Path(wav_path)
    wav_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = wav_path.with_name(f".{wav_path.name}.{os.getpid()}.part.wav")
    try:
        frames, loud = 0, False
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            for samples in chunks:
                frames += len(samples)
                loud = loud or bool(samples.any())
                out.writeframes(samples.astype("<i2", copy=False).tobytes())
        if frames == 0 or not loud:
            raise SynthesisError(f"{engine} made no audio for {text[:48]!r}; "
                                 "check that the text has words the voice can say")
        os.replace(tmp, wav_path)
    finally:
        tmp.unlink(missing_ok=True)


def text_to_speak(text: str) -> str:
    """``text``, refused when there is nothing in it to synthesise."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text to synthesise is empty")
    return text
