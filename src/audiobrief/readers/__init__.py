"""Readers: one function, ``read_article(path)``, whatever the format.

Each reader turns decoded text into an :class:`~audiobrief.models.Article`.
Format-specific readers are imported only when a file of their kind is read.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from audiobrief.errors import InputError
from audiobrief.models import Article

#: refuse larger inputs; an article is never this big, a log file or a video is.
#: Configurable with ``[input] max_article_mb`` in audiobrief.toml (README, "Guarantees").
MAX_BYTES = 5_000_000

TEXT_SUFFIXES = {"", ".txt", ".text"}


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a source file, turning every OS problem into a one-line InputError.

    Only regular files are read (a folder, FIFO, socket or device is refused
    before it is opened, so nothing blocks), and never more than ``max_bytes``
    + 1 bytes, even if the file grows while it is read.
    """
    import os
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path or run `audiobrief make` with no argument for the sample") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a folder, not an article; give the article file inside it")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        raise InputError(f"{path}: is {kind}, not a regular file; save the article to a text, Markdown or HTML file")
    limit = f"the {max_bytes / 1e6:g} MB limit for one article; split it, or raise [input] max_article_mb in audiobrief.toml"
    if info.st_size > max_bytes:
        raise InputError(f"{path}: {info.st_size / 1e6:.1f} MB is larger than {limit}")
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped after the check
                raise InputError(f"{path}: not a regular file; give a text, Markdown or HTML article")
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"{path}: permission denied; make the file readable") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}); check the file") from None
    if len(data) > max_bytes:
        raise InputError(f"{path}: grew while being read and is now larger than {limit}")
    return data


def decode(data: bytes, source: str) -> str:
    """Decode article bytes: UTF-8 (with or without BOM) or BOM-marked UTF-16.

    Anything else is refused with the fix, rather than guessed at.
    """
    if not data:
        raise InputError(f"{source}: the file is empty (0 bytes); give an article with some text")
    if not data.strip():
        raise InputError(f"{source}: the file holds only blank space; give an article with some text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        encoding = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    if encoding == "utf-8" and (b"\x00" in data or _mostly_control(data)):
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


def _mostly_control(data: bytes) -> bool:
    """Binary data that happens to have no NUL byte: many C0 control bytes."""
    head = data[:65536]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(head) // 100)


def read_article(path: Path | str, max_bytes: int | None = None) -> Article:
    """Read one article file into an Article, choosing the reader by suffix.

    ``max_bytes``: refuse bigger files (default :data:`MAX_BYTES`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise InputError(
            f"{path}: '{suffix}' files are not supported yet; save the article as plain text (.txt)"
        )
    text = decode(read_bytes(path, MAX_BYTES if max_bytes is None else max_bytes), str(path))
    from audiobrief.readers.text import parse_text

    return parse_text(text, source=str(path))
