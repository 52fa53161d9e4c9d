"""``[[espeak phonemes]]`` pronunciation entries, rewritten for a neural engine or refused.

Lexicon entries may give a pronunciation in espeak-ng's phoneme mnemonics.
Engines that do not run espeak translate each entry into their own phoneme
alphabet (piper: IPA via ``espeak_ipa``; hibari: misaki via ``misaki``).  This
module owns what they share: finding the entries, and the one error that
names an entry the voice cannot say and how to fix it.
"""

from __future__ import annotations

import re
from typing import Callable

from ..errors import ConfigError

PHONEME_BLOCK = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)


class Unsayable(ValueError):
    """Raised by a translator: the entry has no equivalent; the message says what is missing."""


def rewrite_entries(text: str, translate: Callable[[str], str], voice: str) -> str:
    """``text`` with every ``[[mnemonics]]`` replaced by ``translate(mnemonics)``.

    ``translate`` returns the engine's own notation for an entry, or raises
    ``Unsayable`` (whose message names the missing sound); that becomes one
    ``ConfigError`` naming the entry and the ``voice`` (e.g. "hibari voice heart")."""
    if "[[" not in text:
        return text

    def one(match: re.Match) -> str:
        source = match.group(1).strip()
        try:
            if not source:
                raise Unsayable("")
            return translate(source)
        except Unsayable as exc:
            detail = f" ({exc})" if str(exc) else ""
            raise ConfigError(
                f"the pronunciation [[{source}]] is in espeak phonemes that {voice} cannot say{detail}; "
                "check the entry's espeak phonemes, or write it as a respelling in plain letters instead"
            ) from None

    return PHONEME_BLOCK.sub(one, text)
