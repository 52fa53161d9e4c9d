"""Where the article sits on a copied page: stop-word density and position.

Prose is dense in function words ("the", "und", "les", "que"); menus, link
lists, tag clouds, footers and share bars are not.  This is jusText's main
signal, and its stop-word lists (one file per language, ~100 languages) ship
inside the installed ``justext`` package: they are read here as data files,
without importing ``justext`` (which needs ``lxml_html_clean`` to import).

A line is *dense* when it is long enough to judge and at least a third of its
words are stop words.  Dense lines that follow each other closely (only a few
headings, captions or list items between them) form a *block*; the block with
the most dense text is the article's core.  Everything above the core belongs
to the header zone (the title is looked for just above the core), everything
after it to the footer zone, except a credits line printed right under it.
A run of short lines that are not dense breaks a block: that is a menu, a tag
list or a "related posts" box.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from audiobrief.readers import shapes

#: a line shorter than this (in characters) is too short to judge by its density
MIN_CHARS = 60
#: the share of stop words from which a long line reads as prose (jusText uses 0.30-0.32)
DENSE = 0.30
#: lines that are not dense allowed between two dense lines of one block (a heading, a caption)
MAX_GAP = 3

_CLOSERS = "\"'”’»)]}*_ "
_ENDS = ".!?…:;"
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def _stoplist_folder() -> Optional[Path]:
    spec = importlib.util.find_spec("justext")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "stoplists"
    return folder if folder.is_dir() else None


@lru_cache(maxsize=16)
def stopwords(language: str) -> frozenset[str]:
    """jusText's stop words for an ISO 639-1 code ("de" -> German.txt, named in data/cldr.json); empty if none."""
    folder = _stoplist_folder()
    if folder is None:
        return frozenset()
    name = shapes.cldr()["stoplists"].get(language)
    if name is None:
        return frozenset()
    path = folder / f"{name}.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(w.strip().casefold() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())


def words(line: str) -> list[str]:
    return [w.casefold().replace("’", "'") for w in _WORD_RE.findall(line)]


def _is_stop(word: str, stops: frozenset[str]) -> bool:
    if word in stops:
        return True
    if "'" in word:  # "l'école", "d'avenir", "don't": the elided article or the word itself
        head, _, tail = word.partition("'")
        return head + "'" in stops or head in stops or tail in stops
    return False


def density(line: str, stops: frozenset[str], found: list[str] | None = None) -> float:
    """The share of a line's words that are stop words (0 for a line without words)."""
    found = words(line) if found is None else found
    if not found:
        return 0.0
    return sum(1 for word in found if _is_stop(word, stops)) / len(found)


def is_dense(line: str, stops: frozenset[str]) -> bool:
    """Long enough to judge, and reads like running text: several different stop words
    ("Share to Twitter Share to Facebook" repeats one)."""
    if len(line) < MIN_CHARS:
        return False
    found = words(line)
    if len(found) < 8 or density(line, stops, found) < DENSE:
        return False
    if len({w for w in found if w in stops}) < 3:
        return False
    return len(found) >= 25 or line.rstrip(_CLOSERS)[-1:] in _ENDS  # a headline is dense but no sentence


@dataclass(frozen=True)
class Core:
    """The article's core on a page: first and last dense line (indexes into the lines)."""

    start: int
    end: int


def find_core(lines: Sequence[str], language: str, furniture: Sequence[bool] = (),
              meta: Sequence[bool] = ()) -> Optional[Core]:
    """The densest block of prose among ``lines``; ``None`` when no line reads as prose.

    ``furniture[i]`` marks lines already known not to be article text (a cookie
    notice is dense but makes no block); ``meta[i]`` marks bylines, datelines
    and picture credits, which neither make nor break a block.  A block is
    broken by more than :data:`MAX_GAP` other lines that are not dense, unless
    the line before them ends with a colon or mid-sentence (a list follows) or
    they are themselves short sentences.
    """
    stops = stopwords(language) or stopwords("en")
    skip = meta
    dense = [is_dense(line, stops) and not (furniture and furniture[i]) for i, line in enumerate(lines)]
    blocks: list[list[int]] = []
    for i, ok in enumerate(dense):
        if not ok:
            continue
        if blocks and _joins(lines, blocks[-1][-1], i, stops, skip):
            blocks[-1].append(i)
        else:
            blocks.append([i])
    if not blocks:
        return None
    best = max(blocks, key=lambda block: sum(len(lines[i]) for i in block))
    return Core(best[0], best[-1])


def _joins(lines: Sequence[str], prev: int, nxt: int, stops: frozenset[str], skip: Sequence[bool]) -> bool:
    between = [j for j in range(prev + 1, nxt) if not (skip and skip[j])]
    if len(between) <= MAX_GAP:
        return True
    last = lines[prev].rstrip().rstrip(_CLOSERS)[-1:]
    if last == ":" or last not in _ENDS:
        return True  # a list introduced by its sentence ("We offer:", or "We offer" and the items)
    sentences = sum(1 for j in between if density(lines[j], stops) >= DENSE and len(words(lines[j])) >= 4
                    and lines[j].rstrip().rstrip(_CLOSERS)[-1:] in _ENDS)
    return sentences >= len(between) / 2


def tail_end(lines: Sequence[str], core: Core, language: str, stop_at: Sequence[bool] = ()) -> int:
    """The last line of the article: the core's end, plus what still reads as its text after it.

    Short paragraphs too short to judge by density ("The last part closes the
    piece."), a closing slogan, and up to two short lines (a heading) before
    such a sentence continue the article; known furniture, or a third short
    line in a row, ends it."""
    stops = stopwords(language) or stopwords("en")
    end, pending = core.end, 0
    for j in range(core.end + 1, len(lines)):
        if stop_at and stop_at[j]:
            break
        line, found = lines[j], words(lines[j])
        share = density(line, stops, found)
        sentence = len(found) >= 3 and line.rstrip().rstrip(_CLOSERS)[-1:] in ".!?…" and share >= 0.2
        slogan = len(found) >= 6 and share >= DENSE and len({w for w in found if w in stops}) >= 3
        if sentence or slogan:
            end, pending = j, 0
        elif len(found) <= 8 and pending < 2:
            pending += 1
        else:
            break
    return end


def content_words(text: str, stops: frozenset[str]) -> set[str]:
    """Lower-case content words (not stop words), crudely singularised, for comparing a line with a paragraph."""
    found = set()
    for word in words(text):
        if word in stops or len(word) < 3:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return found
