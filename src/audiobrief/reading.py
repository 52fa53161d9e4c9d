"""Reading: what a path on this machine gives -- the article files it names, and one article read.

What every command does with an article argument that is not a page URL:
``checked_path`` refuses what can never be a name (empty, not UTF-8),
``expand`` turns a folder or a glob into its files, and ``read_one`` reads
one file through the checks ``make`` applies. Nothing here touches the
network, the cache or an output folder, so ``plan`` and ``lexicon check``
load only this and the readers; pages are fetched by :mod:`audiobrief.sources`.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Union

from audiobrief.config import Config
from audiobrief.errors import InputError
from audiobrief.models import Article
from audiobrief.readers import ARTICLE_SUFFIXES, read_article


def sample_article() -> Path:
    """The article that ships inside the package, for `make` with no argument."""
    return Path(__file__).parent / "samples" / "sample-article.txt"


def is_url(text: str) -> bool:
    """Whether a command-line source looks like a URL rather than a path."""
    return "://" in text or text.lower().startswith("file:")


def expand(arg: Union[str, Path], suffixes=ARTICLE_SUFFIXES,
           kinds: str = "article files (.txt, .md, .html)") -> list[Path]:
    """One argument -> the paths it names (a folder's files with one of ``suffixes``, a glob's
    matches); raises an InputError when it names none. ``kinds`` names those files in that
    error. What is not a folder is kept, even a symlink loop or a FIFO: reading it says what
    is wrong with it, instead of it being skipped unsaid."""
    path = checked_path(arg)
    if path.is_dir():
        try:
            inside = sorted(p for p in path.iterdir()
                            if not p.is_dir() and not p.name.startswith(".") and p.suffix.lower() in suffixes)
        except OSError as exc:
            raise InputError(f"{shown(path)}: the folder cannot be listed ({exc.strerror or exc}); "
                             "check its permissions") from None
        if not inside:
            raise InputError(f"{shown(path)}: is a folder with no {kinds} in it; "
                             "give such files or a folder holding some")
        return inside
    if not path.exists() and glob.has_magic(str(arg)):
        matches = sorted(Path(m) for m in glob.glob(str(arg)) if not Path(m).is_dir())
        if not matches:
            raise InputError(f"{shown(arg)}: matches no file; check the pattern")
        return matches
    return [path]


def checked_path(arg: Union[str, Path]) -> Path:
    """What every command does first with an article path: an empty argument or a name that
    is not UTF-8 (it could not be kept in the catalog) is refused with the fix."""
    text = str(arg)
    if not text.strip():
        raise InputError("an empty article path was given; give an article file, a folder or a glob")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{shown(text)}: the file name is not valid UTF-8; rename the file") from None
    return Path(arg)


def read_one(arg: Union[str, Path], config: Config) -> Article:
    """One article file, read through every input check ``make`` applies (readers.read_bytes),
    within the size limit of ``[input] max_article_mb``."""
    return read_article(checked_path(arg), max_bytes=article_limit(config))


def article_limit(config: Config) -> int:
    """The most bytes an article may have (``[input] max_article_mb``)."""
    return config.max_article_mb * 1_000_000


def shown(arg: Union[str, Path]) -> str:
    """A path as text that can always be printed (bytes that are not UTF-8 as \\xNN)."""
    return os.fsencode(str(arg)).decode("utf-8", "backslashreplace")
