"""``--since``: a feed item's greatest age, written as ``90m``, ``24h``, ``3d`` or ``2w``.

Its own small module so that the command line can check the option without
loading the fetching and feed-reading modules of :mod:`audiobrief.stories`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Optional

from audiobrief.errors import InputError

_SINCE_RE = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.I)
_SINCE_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: Optional[str]) -> Optional[timedelta]:
    """``24h``, ``3d``, ``90m``, ``2w`` -> a timedelta (None for no limit)."""
    if text is None or not str(text).strip():
        return None
    match = _SINCE_RE.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise InputError(f"--since {text!r}: give a positive age like 90m, 24h, 3d or 2w")
    return timedelta(**{_SINCE_UNITS[match.group(2).lower()]: int(match.group(1))})
