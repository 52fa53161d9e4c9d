"""Readers: one function, ``read_article(path)``, whatever the format.

Each reader turns decoded text into an :class:`~audiobrief.models.Article`
and is registered with the suffixes it accepts (:func:`register_reader`, as
Pelican's readers are); a new input format is one module and one
registration line.  Format-specific readers are imported only when a file of
their kind is read.
"""

from __future__ import annotations

import codecs
import importlib
from dataclasses import dataclass
from pathlib import Path

from audiobrief.errors import InputError
from audiobrief.models import Article

#: refuse larger inputs; an article is never this big, a log file or a video is.
#: Configurable with ``[input] max_article_mb`` in audiobrief.toml (README, "Guarantees").
MAX_BYTES = 5_000_000

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


#: the encodings a text article may come in, besides what a BOM announces
_LEGACY = ("cp1252", "latin_1", "utf_16", "utf_16_le", "utf_16_be")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"ID3", b"OggS", b"RIFF",
                 b"\x1f\x8b", b"\x7fELF", b"fLaC", b"BZh", b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0")
_TEXT_CONTROL = set(b"\t\n\r\x0c")


def _binary(data: bytes) -> bool:
    """A file format signature, or control bytes no text has."""
    if data.startswith(_BINARY_MAGIC):
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROL)
    return controls > max(2, len(sample) // 100)


def _decode_bytes(data: bytes, source: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        try:
            if b"\x00" not in data:
                return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        from charset_normalizer import from_bytes

        best = from_bytes(data[:262144], cp_isolation=["utf_8", *_LEGACY]).best()
        if best is None:
            raise InputError(f"{source}: looks like a binary file, not text; give a .txt, .md or .html article")
        encoding = best.encoding
        if encoding == "latin_1":
            encoding = "cp1252"  # a superset for the printable range: curly quotes and dashes decode right
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        try:
            return data.decode("latin_1" if encoding == "cp1252" else encoding, errors="strict")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: not valid {encoding.upper()} text (byte {exc.start}); re-save the file as UTF-8"
            ) from None


def decode(data: bytes, source: str) -> str:
    """Decode article bytes: UTF-8, a BOM (UTF-8/16/32), or Windows-1252/Latin-1 as charset-normalizer judges.

    Binary files are refused with the fix. Line endings become \\n and
    non-breaking spaces plain spaces.
    """
    if not data:
        raise InputError(f"{source}: the file is empty (0 bytes); give an article with some text")
    if not data.strip():
        raise InputError(f"{source}: the file holds only blank space; give an article with some text")
    bom = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8))
    if not bom and _binary(data):
        raise InputError(f"{source}: looks like a binary file, not text; give a .txt, .md or .html article")
    text = _decode_bytes(data, source)
    if "\x00" in text or sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\x0c") > 2:
        raise InputError(f"{source}: looks like a binary file, not text; give a .txt, .md or .html article")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u202f", " ")
    if not text.strip():
        raise InputError(f"{source}: the file has no text; give an article with some text")
    return text


@dataclass(frozen=True)
class Reader:
    """One input format: the suffixes it accepts and the function that reads its decoded text.

    ``target`` is "module:function"; the module is imported only when a file of
    its kind is read (the HTML reader pulls in lxml and trafilatura)."""

    name: str
    suffixes: tuple[str, ...]
    target: str

    def parse(self, text: str, source: str) -> Article:
        module, function = self.target.split(":")
        return getattr(importlib.import_module(module), function)(text, source=source)


_REGISTRY: dict[str, Reader] = {}


def register_reader(name: str, suffixes: tuple[str, ...], target: str) -> None:
    """Add an input format: e.g. ``register_reader("rst", (".rst",), "mypkg.rst:parse_rst")``."""
    _REGISTRY[name] = Reader(name, tuple(s.lower() for s in suffixes), target)


register_reader("text", ("", ".txt", ".text"), "audiobrief.readers.text:parse_text")
register_reader("markdown", (".md", ".markdown", ".mdown", ".mkd"), "audiobrief.readers.markdown:parse_markdown")
register_reader("html", (".html", ".htm", ".xhtml"), "audiobrief.readers.html:parse_html")


def reader_for(suffix: str) -> Reader | None:
    """The reader that accepts ``suffix`` (lower case, with its dot), or None."""
    return next((r for r in _REGISTRY.values() if suffix in r.suffixes), None)


def article_suffixes() -> frozenset[str]:
    """What a folder given to `make` is searched for (files without a suffix are not)."""
    return frozenset(s for r in _REGISTRY.values() for s in r.suffixes if s)


ARTICLE_SUFFIXES = article_suffixes()
TEXT_SUFFIXES = set(_REGISTRY["text"].suffixes)


def parse(text: str, suffix: str, source: str) -> Article:
    """Decoded text -> Article with the reader for ``suffix`` (plain text when none claims it)."""
    return (reader_for(suffix) or _REGISTRY["text"]).parse(text, source)


def read_article(path: Path | str, max_bytes: int | None = None) -> Article:
    """Read one article file into an Article, choosing the reader by suffix.

    ``max_bytes``: refuse bigger files (default :data:`MAX_BYTES`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if reader_for(suffix) is None:
        known = ", ".join(sorted(article_suffixes()))
        raise InputError(f"{path}: '{suffix}' files are not supported; give an article ending in one of {known}")
    text = decode(read_bytes(path, MAX_BYTES if max_bytes is None else max_bytes), str(path))
    return parse(text, suffix, str(path))
