"""The pronunciation lexicon: words mapped to respellings or espeak phonemes.

Entries come from ``[pronunciations]`` in audiobrief.toml and, per article,
from ``pronunciations:`` in Markdown front matter (the article's entries win).

* ``"Nguyen" = "win"``: whole word, case-aware: a key with a capital letter
  matches only that spelling; an all-lowercase key matches any case.
* ``"re:Ya?ml" = "yammel"``: a key starting with ``re:`` is a Python regular
  expression, matched on word boundaries.
* ``"Eich" = "[['aIk]]"``: a value in ``[[...]]`` is espeak phoneme input,
  passed to the engine as is.

The lexicon is applied to the script text itself, so ``plan --json`` shows it
and the clip cache (keyed on the exact text the engine receives) changes with
it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Mapping

REGEX_PREFIX = "re:"


def validate_table(table: Any, where: str) -> list[str]:
    """Problems with a pronunciations table (empty list when it is fine)."""
    if not isinstance(table, Mapping):
        return [f"{where} must be a table of \"word\" = \"how to say it\" entries"]
    problems = []
    for key, value in table.items():
        if not isinstance(key, str) or not key.strip():
            problems.append(f"{where}: empty word; give the word to replace")
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: '{key}' must map to a respelling text, e.g. \"{key}\" = \"...\"")
            continue
        if key.startswith(REGEX_PREFIX):
            try:
                re.compile(key[len(REGEX_PREFIX):])
            except re.error as exc:
                problems.append(f"{where}: '{key}' is not a valid regular expression ({exc}); fix the pattern")
        if value.startswith("[[") != value.endswith("]]"):
            problems.append(f"{where}: '{key}': espeak phonemes must be written in [[...]]")
    return problems


def _pattern(key: str) -> re.Pattern:
    if key.startswith(REGEX_PREFIX):
        return re.compile(rf"(?<!\w)(?:{key[len(REGEX_PREFIX):]})(?!\w)")
    flags = 0 if any(ch.isupper() for ch in key) else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(key)}(?!\w)", flags)


@lru_cache(maxsize=64)
def _compiled(items: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern, str], ...]:
    # longer keys first, so "New York Times" wins over "New York"
    ordered = sorted(items, key=lambda kv: -len(kv[0]))
    return tuple((_pattern(k), v.strip()) for k, v in ordered)


def merge(*tables: Mapping[str, str] | None) -> dict[str, str]:
    merged: dict[str, str] = {}
    for table in tables:
        merged.update(table or {})
    return merged


def apply(text: str, table: Mapping[str, str] | None) -> str:
    """Replace every lexicon word in ``text`` with its pronunciation."""
    if not table:
        return text
    for pattern, replacement in _compiled(tuple(sorted(table.items()))):
        text = pattern.sub(lambda _m, r=replacement: r, text)
    return text


def matching_keys(text: str, table: Mapping[str, str] | None) -> set[str]:
    return {k for k in (table or {}) if _pattern(k).search(text)}


_NAME_RE = re.compile(r"(?<![\w.])(?:[A-Z][\w’'-]*[A-Z][\w’'-]*|[A-Z]{2,}s?|[A-Z][a-z’'-]+)(?![\w])")


def names_in(texts: Iterable[str], skip: Iterable[str] = ()) -> dict[str, int]:
    """Capitalised names and acronyms in ``texts``, with counts (sentence-initial common words skipped)."""
    skip = {s.casefold() for s in skip}
    counts: dict[str, int] = {}
    lower_words: set[str] = set()
    for text in texts:
        for word in re.findall(r"[a-z][\w’'-]*", text):
            lower_words.add(word.casefold())
        for m in _NAME_RE.finditer(text):
            word = m.group(0)[:-2] if m.group(0).endswith(("'s", "’s")) else m.group(0)
            before = text[:m.start()].rstrip()
            initial = not before or before[-1] in ".!?:;\"“(—–-"
            if initial and not word.isupper():
                continue  # capitalised because it opens a sentence
            counts[word] = counts.get(word, 0) + 1
    return {w: n for w, n in counts.items()
            if w.casefold() not in skip and not (w[1:].islower() and w.casefold() in lower_words) and len(w) > 1}


def unlisted_names(article, table: Mapping[str, str] | None) -> list[tuple[str, int]]:
    """Names and acronyms in ``article`` that no lexicon entry covers, most frequent first."""
    texts = [article.title, *(s.heading or "" for s in article.sections),
             *(p for s in article.sections for p in s.paragraphs), article.credits or ""]
    found = names_in(texts)
    table = dict(table or {})
    missing = [(w, n) for w, n in found.items() if not any(_pattern(k).search(w) for k in table)]
    return sorted(missing, key=lambda wn: (not wn[0].isupper(), -wn[1], wn[0].casefold()))  # acronyms first
