"""Turn espeak phoneme mnemonics (``[[h@'loU]]``) into hibari's phonemes (``həlˈO``).

Pronunciation entries are written in espeak-ng's English phoneme letters.
hibari reads the misaki alphabet (Kokoro's): IPA with one letter per
diphthong (``A`` eɪ, ``I`` aɪ, ``W`` aʊ, ``Y`` ɔɪ, ``O`` oʊ) and its stress
mark right before the stressed vowel, where espeak puts it before the
syllable.  The table below covers espeak's English phonemes; an entry using
anything else is refused, naming it, rather than guessed.  hibari takes
phonemes inline as ``[word](/phonemes/)``.
"""

from __future__ import annotations

from .phoneme_entries import Unsayable, rewrite_entries

#: espeak-ng English mnemonic -> misaki (US) phonemes
VOWELS = {
    "aI@": "Iə", "aU@": "Wə", "aI": "I", "aU": "W", "eI": "A", "OI": "Y", "oU": "O", "o@": "ɔɹ", "O@": "ɔɹ",
    "O:": "ɔ", "A@": "ɑɹ", "A:": "ɑ", "e@": "ɛɹ", "i@3": "ɪɹ", "i@": "ɪɹ", "U@": "ʊɹ", "3:": "ɜɹ", "@L": "ᵊl",
    "@2": "ə", "@5": "ə", "@r": "ɚ", "@": "ə", "3": "ɚ", "a#": "ə", "aa": "æ", "a2": "ə", "a": "æ", "A": "ɑ",
    "E2": "ɛ", "E": "ɛ", "e": "ɛ", "i:": "i", "i": "i", "I2": "ɪ", "I#": "ɪ", "I": "ɪ", "0": "ɑ", "O": "ɔ",
    "u:": "u", "u": "u", "U": "ʊ", "V": "ʌ",
}
CONSONANTS = {
    "tS": "ʧ", "dZ": "ʤ", "n-": "ᵊn", "l-": "ᵊl", "r-": "ɹ", "t#": "T", "p": "p", "b": "b", "t": "t", "d": "d",
    "k": "k", "g": "ɡ", "f": "f", "v": "v", "T": "θ", "D": "ð", "s": "s", "z": "z", "S": "ʃ", "Z": "ʒ",
    "h": "h", "m": "m", "n": "n", "N": "ŋ", "l": "l", "r": "ɹ", "w": "w", "j": "j", "x": "k", "?": "ʔ",
}
#: marks: primary and secondary stress (moved to the next vowel), unstressed, pause, word break
MARKS = {"'": "ˈ", ",": "ˌ", "%": "", "=": "", "_": "", "|": "", "-": ""}
_TOKENS = sorted({**VOWELS, **CONSONANTS, **MARKS}, key=len, reverse=True)


def to_misaki(mnemonics: str) -> str:
    """misaki phonemes for espeak mnemonics; ``ValueError`` naming what has no equivalent."""
    words = []
    for word in mnemonics.split():
        out, stress, pos = [], "", 0
        while pos < len(word):
            token = next((t for t in _TOKENS if word.startswith(t, pos)), None)
            if token is None:
                raise ValueError(word[pos])
            pos += len(token)
            if token in MARKS:
                if token in ("'", ","):
                    stress = MARKS[token]
                continue
            if token in VOWELS:
                out.append(stress + VOWELS[token])
                stress = ""
            else:
                out.append(CONSONANTS[token])
        if out:
            words.append("".join(out))
    if not words:
        raise ValueError("nothing")
    return " ".join(words)


def translate_blocks(text: str, voice_name: str) -> str:
    """Rewrite every ``[[espeak mnemonics]]`` in ``text`` as hibari's inline
    phonemes; an entry that does not translate raises ``ConfigError`` naming it."""

    def inline(source: str) -> str:
        try:
            return f"[word](/{to_misaki(source)}/)"
        except ValueError as exc:
            raise Unsayable(f"no equivalent for {str(exc)!r}") from None

    return rewrite_entries(text, inline, f"hibari voice {voice_name}")
