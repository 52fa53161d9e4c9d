"""Readers: one function, ``read_article(path)``, whatever the format.

Each reader turns decoded text into an :class:`~audiobrief.models.Article`.
Format-specific readers are imported only when a file of their kind is read.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from audiobrief.errors import InputError
from audiobrief.models import Article

#: refuse larger inputs; an article is never this big, a log file or a video is
MAX_BYTES = 5 * 1024 * 1024

TEXT_SUFFIXES = {"", ".txt", ".text"}


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a source file, turning every OS problem into a one-line InputError."""
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path or run `audiobrief make` with no argument for the sample")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an article; give the article file inside it")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file; give a text, Markdown or HTML article")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: {size / 1e6:.1f} MB is larger than the {max_bytes / 1e6:.0f} MB limit for one article; split it"
            )
        return path.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied; make the file readable") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check the file") from None


def decode(data: bytes, source: str) -> str:
    """Decode article bytes: UTF-8 (with or without BOM) or BOM-marked UTF-16.

    Anything else is refused with the fix, rather than guessed at.
    """
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give an article with some text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        encoding = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    if encoding == "utf-8" and b"\x00" in data:
        raise InputError(f"{source}: looks like a binary file, not text; give a .txt, .md or .html article")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid {encoding.upper()} text (byte {exc.start}); re-save the file as UTF-8"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if not text.strip():
        raise InputError(f"{source}: the file has no text; give an article with some text")
    return text


def read_article(path: Path | str) -> Article:
    """Read one article file into an Article, choosing the reader by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise InputError(
            f"{path}: '{suffix}' files are not supported yet; save the article as plain text (.txt)"
        )
    text = decode(read_bytes(path), str(path))
    from audiobrief.readers.text import parse_text

    return parse_text(text, source=str(path))
