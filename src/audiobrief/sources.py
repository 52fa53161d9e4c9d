"""Gather: what the user named (files, folders, globs) -> the articles to make.

A :class:`Source` is all the build needs to know about one article before
reading it: the name the catalog keeps it under, its bytes (for the stamp
that recognises an unchanged article without reading it), and how to read
it. Files and ``http(s)://`` pages give sources here (a page is fetched by
:mod:`audiobrief.fetch` and read like a saved one); anything else that can give
an id, bytes and a ``read()`` (a composed briefing, say) can be handed to
``build`` the same way.
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Optional, Sequence, Union

from audiobrief import memos
from audiobrief.config import Config
from audiobrief.errors import AudiobriefError
from audiobrief.fetch import Fetcher, is_url, redact
from audiobrief.models import Article
from audiobrief.readers import ARTICLE_SUFFIXES, read_article
from audiobrief.report import Failure
from audiobrief.stories import page_story


@dataclass(frozen=True)
class Source:
    """One article to make."""

    #: the catalog's name for it: the same article keeps its episode (slug, guid) across runs
    id: str
    #: its bytes, for the unchanged-stamp; None when they cannot be taken cheaply (read() says why)
    data: Optional[bytes]
    #: reads and parses it (raises an AudiobriefError that says what is wrong)
    read: Callable[[], Article]
    #: where it is, for messages and for the memos kept per article
    where: str


def sample_article() -> Path:
    """The article that ships inside the package, for `make` with no argument."""
    return Path(__file__).parent / "samples" / "sample-article.txt"


def gather(inputs: Sequence[Union[str, Path, Source]], config: Config,
           cache_root: Optional[Path] = None) -> tuple[list[Source], list[Failure]]:
    """Files, folders (their article files, sorted), globs, page URLs and ready sources -> sources,
    once each. A page is fetched now (its validators kept under ``cache_root``), so its bytes
    stamp it like a file's."""
    limit = config.max_article_mb * 1_000_000
    sources: dict[str, Source] = {}
    failures: list[Failure] = []
    for item in inputs:
        if isinstance(item, Source):
            sources.setdefault(item.id, item)
            continue
        if isinstance(item, str) and is_url(item):
            source, failure = page_source(item, limit, cache_root)
            if source:
                sources.setdefault(source.id, source)
            failures += [failure] if failure else []
            continue
        paths, failure = expand(item)
        failures += [failure] if failure else []
        for path in paths:
            source = file_source(path, config.root, limit)
            sources.setdefault(source.id, source)
    return list(sources.values()), failures


def page_source(url: str, limit: int, cache_root: Optional[Path]) -> tuple[Optional[Source], Optional[Failure]]:
    """A web page -> its source, named by its redacted URL; or why it could not be fetched."""
    name = redact(url)
    try:
        fetched = Fetcher(memos.cache_root(cache_root), limit).get(url, kind="page")
    except AudiobriefError as exc:
        return None, Failure(name, str(exc), exc.exit_code)
    return Source(id=name, data=fetched.body, read=lambda: page_story(fetched.body, fetched.url).article,
                  where=name), None


def expand(arg: Union[str, Path]) -> tuple[list[Path], Optional[Failure]]:
    """One argument -> the article paths it names (a folder's article files, a glob's matches)."""
    path = Path(arg)
    if path.is_dir():
        inside = sorted(p for p in path.iterdir()
                        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES)
        if not inside:
            return [], Failure(str(path), f"{path}: is a folder with no article files (.txt, .md, .html) in it; "
                                          "give article files or a folder holding some", 2)
        return inside, None
    if not path.exists() and glob.has_magic(str(arg)):
        matches = sorted(Path(m) for m in glob.glob(str(arg)) if Path(m).is_file())
        if not matches:
            return [], Failure(str(arg), f"{arg}: matches no file; check the pattern", 2)
        return matches, None
    return [path], None


def file_source(path: Path, root: str, limit: int) -> Source:
    return Source(id=catalog_id(path, root), data=_plain_file_bytes(path, limit),
                  read=partial(read_article, path, max_bytes=limit), where=os.path.abspath(path))


def catalog_id(path: Path, root: str) -> str:
    """How the catalog names an article file: its path relative to the settings file's folder
    (the current folder when there is none), in ``/`` form. A file outside that folder is
    ``elsewhere/<12 hex of its full path>/<name>``: the published catalog names no private folder."""
    where = Path(os.path.abspath(path))
    base = Path(os.path.abspath(root))
    try:
        return where.resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        digest = hashlib.sha256(str(where.resolve()).encode("utf-8")).hexdigest()[:12]
        return f"elsewhere/{digest}/{where.name}"


def _plain_file_bytes(path: Path, limit: int) -> Optional[bytes]:
    """The bytes of a regular file no bigger than ``limit`` (never a FIFO or device), else None."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return path.read_bytes()
    except OSError:
        return None
