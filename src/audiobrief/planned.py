"""A plan: an article and the script it will be spoken from -- all `audiobrief plan` shows.

Making a plan scripts an article already read (``reading.read_one`` for a file)
and nothing else: no catalog, cache, feed or lock. What the build does with a plan (its clips, its build key, what is
left to speak) is :mod:`audiobrief.planning`.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiobrief.config import Config
from audiobrief.models import Article, Piece
from audiobrief.script import build_script


@dataclass(frozen=True)
class Planned:
    article: Article
    script: tuple[Piece, ...]


def plan_article(article: Article, config: Config) -> Planned:
    return Planned(article, build_script(article, config))
