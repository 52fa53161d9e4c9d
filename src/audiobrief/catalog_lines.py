"""Reading episodes.json as it is written: a head line, then one episode a line.

Each line is parsed on its own (orjson where it reads exactly what json
would, json's scanner otherwise), and kept: an unchanged catalog is then
neither encoded nor written again, and each line's digest keys the feed
items and pages made from it.
"""

from __future__ import annotations

import json
from typing import Optional
import orjson

_OPEN = ', "episodes": [\n'
_CLOSE = "\n]}\n"


def by_line(text: str) -> Optional[tuple[dict, list[str]]]:
    """The catalog as ``Catalog.to_json`` writes it -- a head line, one episode a
    line, ``]}`` -- parsed episode by episode: (document, each episode's text);
    None for any other layout (the caller then parses the text as one document).

    JSON strings cannot hold a raw line break, so each episode is exactly one
    line; json's C scanner reads each from where its line starts, in place
    (orjson reads them faster where it reads exactly what json would: :func:`_rows_fast`).
    """
    first = text.find(_OPEN)
    if first < 0 or not text.endswith(_CLOSE) or "\n" in text[:first]:
        return None
    try:
        head = json.loads(text[:first] + "}")
        if not isinstance(head, dict) or "episodes" in head:
            return None
    except ValueError:
        return None
    fast = _rows_fast(text, first + len(_OPEN), len(text) - len(_CLOSE))
    if fast is not None:
        head["episodes"] = fast[0]
        return head, fast[1]
    scan = json.JSONDecoder().scan_once
    try:
        episodes, rows = [], []
        pos, stop = first + len(_OPEN), len(text) - len(_CLOSE)
        while pos < stop:
            value, end = scan(text, pos)
            if not isinstance(value, dict) or text[end:end + 2] != (",\n" if end < stop else "\n]"):
                return None
            episodes.append(value)
            rows.append(text[pos:end])
            pos = end + 2
    except (ValueError, StopIteration):
        return None
    if pos != (stop + 2 if episodes else stop):
        return None
    head["episodes"] = episodes
    return head, rows


#: every ASCII digit as "0", every other byte as " ": 19 zeros in a row are a number json keeps
#: exact but orjson might not (it turns integers past 64 bits into floats); found in C, unlike a regex
_DIGITS = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
_LONG_NUMBER = b"0" * 19


def _rows_fast(text: str, start: int, stop: int) -> Optional[tuple[list[dict], list[str]]]:
    """The episode lines between ``start`` and ``stop`` read by orjson, or None where it might
    not read them exactly as json's scanner does (then the scanner reads them).

    Each line must be one object, ``{`` to ``}`` with nothing around it, and all but the last
    end in a comma; orjson refuses what json alone accepts (NaN, lone surrogates, deep nesting,
    numbers too big for a double) and reads the rest to the same values, except integers of
    19 digits or more, which send the whole catalog to the scanner.
    """

    if start == stop:
        return [], []
    body = text[start:stop]
    if _LONG_NUMBER in body.encode("utf-8").translate(_DIGITS):
        return None
    rows = body.split("\n")
    last = rows.pop()
    if not all(row[-2:] == "}," and row[:1] == "{" for row in rows) or last[:1] != "{" or last[-1:] != "}":
        return None
    rows = [row[:-1] for row in rows]
    rows.append(last)
    try:
        episodes = list(map(orjson.loads, rows))
    except orjson.JSONDecodeError:
        return None
    if not all(type(e) is dict for e in episodes):
        return None
    return episodes, rows
