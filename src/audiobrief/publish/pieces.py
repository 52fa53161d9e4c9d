"""Last run's per-episode pieces of a file, reused: feed.xml's items and index.html's rows.

An ``<item>`` of the feed and a row of the show page each show one episode
and the show's settings, and each is rendered the same wherever it sits. So
when such a file is written, where each episode's piece sits in it is
recorded (a pieces memo, see ``memos``): the settings' hash, the file's stamp
and, per episode, ``[id, key, start, end]`` -- ``id`` names the episode inside
its piece (a guid, a slug), ``key`` is a digest of its entry. The next run takes
the pieces of unchanged entries out of the old file's bytes, renders only the
others with the page around them, and joins the lot.

A piece is reused only while the file is the one recorded (its stamp), the
settings are the same, and the bytes at its offsets are one whole piece that
names its own episode: a damaged memo costs renders, never a wrong file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Callable, Optional, Sequence

from audiobrief.memos import file_stamp, read_stamp, write_stamp


@dataclass(frozen=True)
class Piece:
    """How one kind of piece looks: ``pattern`` matches one whole piece (anchored at a line
    start), ``names(id)`` is text every piece of that episode holds."""

    pattern: re.Pattern
    names: Callable[[str], bytes]


@dataclass
class Reused:
    """What the last run left: the old file's bytes (None when it was not read), the pieces
    that still hold, by ``(id, key)``, and every ``(id, key)`` recorded for the file as it is
    (None without a record for it; recorded under other settings too)."""

    old: Optional[bytes] = None
    pieces: dict = field(default_factory=dict)
    recorded: Optional[list] = None


def reuse(memo: Path, target: Path, base: str, piece: Piece) -> Reused:
    """The pieces recorded in ``memo`` for ``target`` that still hold (see the module's docstring)."""
    saved = read_stamp(memo)
    if not (isinstance(saved, dict) and saved.get("file") is not None and saved["file"] == file_stamp(target)):
        return Reused()
    try:
        recorded = [(id_, key) for id_, key, _, _ in saved["pieces"]]
    except (KeyError, TypeError, ValueError):
        return Reused()
    if saved.get("base") != base:
        return Reused(recorded=recorded)
    try:
        old = target.read_bytes()
    except OSError:
        return Reused()
    view, pieces = memoryview(old), {}
    try:
        for id_, key, start, end in saved["pieces"]:
            found = piece.pattern.match(old, start)
            if found is not None and found.end() == end and old.find(piece.names(id_), start, end) > 0:
                pieces[id_, key] = view[start:end]
    except (TypeError, ValueError):
        pieces = {}
    return Reused(old, pieces, recorded)


def join(data: bytes, piece: Piece, fresh: Sequence[tuple[str, str]], every: Sequence[tuple[str, str]],
         reused: Reused) -> Optional[tuple[bytes, list]]:
    """The whole file: ``data`` (rendered with only the ``fresh`` episodes' pieces, in that order)
    with every episode's piece in place, and the layout to record. ``fresh`` and ``every`` are
    ``(id, key)`` pairs. None when ``data`` has not one piece per fresh episode (render it all)."""
    found = list(piece.pattern.finditer(data))
    if not found or len(found) != len(fresh):
        return None
    pieces = dict(reused.pieces)
    pieces.update(zip(fresh, (match.group(0) for match in found)))
    head, tail = data[: found[0].start()], data[found[-1].end():]
    items = [pieces[pair] for pair in every]
    ends = list(accumulate(map(len, items), initial=len(head)))
    layout = [[id_, key, start, end] for (id_, key), start, end in zip(every, ends, ends[1:])]
    return b"".join([head, *items, tail]), layout


def render_reusing(render: Callable[[list], bytes], entries: Sequence, ids: Sequence[tuple[str, str]],
                   piece: Piece, reused: Reused, always: Callable[[object], bool] = lambda entry: False
                   ) -> tuple[bytes, Optional[list]]:
    """``render(entries)``'s exact bytes, rendering only the entries whose piece was not reused
    (and those ``always`` picks); the layout to record (None: the file had no pieces to find)."""
    fresh = [(e, pair) for e, pair in zip(entries, ids) if pair not in reused.pieces or always(e)]
    if not fresh and entries:
        fresh = [(entries[0], ids[0])]  # one piece rendered shows where the pieces go
    joined = join(render([e for e, _ in fresh]), piece, [pair for _, pair in fresh], ids, reused)
    if joined is None:  # not the shape expected: never guess, render everything
        data = render(list(entries))
        joined = join(data, piece, ids, ids, Reused()) or (data, None)
    return joined


def record(memo: Path, target: Path, base: str, layout: Optional[list]) -> None:
    """Remember where each piece sits in ``target`` as just written (nothing when there is no layout)."""
    if layout is not None:
        write_stamp(memo, {"base": base, "file": file_stamp(target), "pieces": layout})
