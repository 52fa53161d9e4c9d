"""Gather: what the user named (files, folders, globs, page URLs) -> the articles to make.

A :class:`Source` is all the build needs to know about one article before
reading it: the name the catalog keeps it under, its bytes (for the stamp
that recognises an unchanged article without reading it), and how to read
it. Files (named through :mod:`audiobrief.reading`) and ``http(s)://`` pages
give sources here (a page is fetched by :mod:`audiobrief.fetch` and read like
a saved one); anything else that can give an id, bytes and a ``read()`` (a
composed briefing, say) can be handed to ``build`` the same way.
"""

from __future__ import annotations

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
from audiobrief.fetch import Fetcher, redact
from audiobrief.models import Article
from audiobrief.readers import decode, parse, read_article
from audiobrief.reading import article_limit, checked_path, expand, is_url, shown
from audiobrief.report import Failure


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


def gather(inputs: Sequence[Union[str, Path, Source]], config: Config,
           cache_root: Optional[Path] = None) -> tuple[list[Source], list[Failure]]:
    """Files, folders (their article files, sorted), globs, page URLs and ready sources -> sources,
    once each. A page is fetched now (its validators kept under ``cache_root``), so its bytes
    stamp it like a file's.

    A problem with one argument (or one file a folder holds) is a failure with
    the same message ``plan`` and ``lexicon check`` give for it."""
    sources: dict[str, Source] = {}
    failures: list[Failure] = []
    for item in inputs:
        if isinstance(item, Source):
            sources.setdefault(item.id, item)
            continue
        if isinstance(item, str) and is_url(item):
            try:
                source = page_source(item, config, cache_root)
            except AudiobriefError as exc:
                failures.append(Failure(redact(item), str(exc), exc.exit_code))
                continue
            sources.setdefault(source.id, source)
            continue
        try:
            paths = expand(item)
        except AudiobriefError as exc:
            failures.append(Failure(shown(item), str(exc), exc.exit_code))
            continue
        for path in paths:
            try:
                source = file_source(path, config)
            except AudiobriefError as exc:
                failures.append(Failure(shown(path), str(exc), exc.exit_code))
                continue
            sources.setdefault(source.id, source)
    return list(sources.values()), failures


def page_source(url: str, config: Config, cache_root: Optional[Path] = None) -> Source:
    """A web page -> its source, named by its redacted URL (raises a FetchError saying why not)."""
    fetched = Fetcher(memos.cache_root(cache_root), article_limit(config)).get(url, kind="page")
    name = redact(url)
    return Source(id=name, data=fetched.body, read=partial(read_page, fetched.body, fetched.url), where=name)


def read_page(body: bytes, url: str) -> Article:
    """A fetched HTML page's bytes -> its article (the saved-page reader, by the page's URL)."""
    return parse(decode(body, url), ".html", url)


def file_source(path: Path, config: Config) -> Source:
    """The source for an article file: ``read()`` applies every input check (readers.read_bytes)."""
    checked_path(path)
    limit = article_limit(config)
    return Source(id=catalog_id(path, config.root), data=_plain_file_bytes(path, limit),
                  read=partial(read_article, path, max_bytes=limit), where=os.path.abspath(path))


def catalog_id(path: Path, root: str) -> str:
    """How the catalog names an article file: its path relative to the settings file's folder
    (the current folder when there is none), in ``/`` form. A file outside that folder is
    ``elsewhere/<12 hex of its full path>/<name>``: the published catalog names no private folder."""
    where = Path(os.path.abspath(path))
    real = Path(os.path.realpath(where))  # unlike Path.resolve, never raises (a symlink loop stays as it is)
    try:
        return real.relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        digest = hashlib.sha256(str(real).encode("utf-8", "surrogateescape")).hexdigest()[:12]
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
