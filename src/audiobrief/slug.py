"""Safe, bounded, unique file names from untrusted titles."""

from __future__ import annotations

import re
import unicodedata
from typing import Collection

MAX_LEN = 60
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(title: str, taken: Collection[str] = ()) -> str:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_LEN].rstrip("-") or "episode"
    if slug in _RESERVED or slug in ("feed", "episodes", "cover", "index", "archive"):
        slug += "-episode"
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    return candidate
