"""Turn espeak phoneme mnemonics (``[[h@'loU]]``) into IPA (``həlˈoʊ``).

Pronunciation entries written for espeak use espeak's own phoneme letters.
Piper voices are trained on espeak-ng's *IPA* output, and Piper reads raw
phonemes in ``[[...]]`` as IPA.  espeak-ng itself does the translation: with
phoneme input switched on (espeak-ng keeps that switch from the last
``espeak_Synth`` call), ``espeak_TextToPhonemes`` reads ``[[...]]`` as
mnemonics and writes IPA.

The espeak-ng used is the copy built into piper-tts (``piper.espeakbridge``
exports the espeak API), with the data piper phonemises with: the same
phonemes the voice was trained on, and never the ``libespeak-ng`` that the
pyttsx3 engine drives (a second user of that one would break pyttsx3's state).
Piper splits ``[[...]]`` out of the text before calling espeak, so leaving
phoneme input on changes nothing for ordinary text.
"""

from __future__ import annotations

import ctypes
from typing import Any

from .phoneme_entries import Unsayable, rewrite_entries

_CHARS_UTF8 = 1
_PHONEMES_INPUT = 0x100  # espeakPHONEMES: honour [[...]] in the text
_PHONEMES_IPA = 0x02

_lib: Any = None
_callback: Any = None  # kept alive: espeak holds the pointer


def _piper_espeak() -> tuple[Any, Any]:
    """(piper's espeak API via ctypes, the lock piper holds around espeak), initialised."""
    global _lib, _callback
    import piper.voice as piper_voice
    from piper import espeakbridge
    from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer

    lock = getattr(piper_voice, "_ESPEAK_PHONEMIZER_LOCK", None)
    if _lib is None:
        if lock is not None and getattr(piper_voice, "_ESPEAK_PHONEMIZER", False) is None:
            with lock:  # the phonemiser piper would make anyway; it initialises espeak
                piper_voice._ESPEAK_PHONEMIZER = EspeakPhonemizer(ESPEAK_DATA_DIR)
        elif lock is None:
            EspeakPhonemizer(ESPEAK_DATA_DIR)
        lib = ctypes.CDLL(espeakbridge.__file__)
        callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
        _callback = callback_type(lambda wav, samples, events: 0)
        lib.espeak_SetSynthCallback(_callback)
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        _lib = lib
    return _lib, lock


def mnemonics_to_ipa(mnemonics: str, voice: str = "en-us") -> str:
    """IPA for espeak phoneme mnemonics, e.g. ``h@'loU`` -> ``həlˈoʊ``."""
    import contextlib

    lib, lock = _piper_espeak()
    with lock if lock is not None else contextlib.nullcontext():
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            lib.espeak_SetVoiceByName(b"en")
        # An empty synthesis with phoneme input on: espeak keeps the switch on for TextToPhonemes.
        lib.espeak_Synth(b"[[ ]]", 6, 0, 0, 0, _PHONEMES_INPUT | _CHARS_UTF8, None, None)
        buffer = ctypes.c_char_p(f"[[{mnemonics}]]".encode("utf-8"))
        parts = []
        while buffer.value:
            out = lib.espeak_TextToPhonemes(ctypes.byref(buffer), _CHARS_UTF8, _PHONEMES_IPA)
            if out:
                parts.append(out.decode("utf-8", "replace"))
    return " ".join(p.strip() for p in parts if p.strip())


def translate_blocks(text: str, voice: str, known: set[str], voice_name: str) -> str:
    """Rewrite every ``[[espeak mnemonics]]`` in ``text`` as ``[[IPA]]`` Piper can read.

    ``known`` is the voice's phoneme alphabet.  An entry that does not
    translate into phonemes the voice has raises ``ConfigError`` naming it.
    """

    def to_ipa(source: str) -> str:
        ipa = mnemonics_to_ipa(source, voice)
        unknown = sorted({ch for ch in ipa if ch not in known and not ch.isspace()})
        if not ipa or unknown or any(c.isascii() and c.isupper() for c in ipa):
            raise Unsayable(f"no phoneme for {' '.join(unknown)}" if unknown else "")
        return f"[[{ipa}]]"

    return rewrite_entries(text, to_ipa, f"piper voice {voice_name}")
