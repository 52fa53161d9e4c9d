"""Turn espeak phoneme mnemonics (``[[h@'loU]]``) into IPA (``həlˈoʊ``).

Pronunciation entries written for espeak use espeak's own phoneme letters.
Piper voices are trained on espeak-ng's *IPA* output, and Piper reads raw
phonemes in ``[[...]]`` as IPA.  espeak-ng itself does the translation: with
phoneme input switched on (espeak-ng keeps that switch from the last
``espeak_Synth`` call), ``espeak_TextToPhonemes`` reads ``[[...]]`` as
mnemonics and writes IPA.  The library is the one ``espeakng-loader`` ships
(see ``espeak_lib``); nothing else is needed.
"""

from __future__ import annotations

import ctypes
import re
import threading
from typing import Any, Optional

from ..errors import ConfigError
from . import espeak_lib

PHONEME_BLOCK = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_PHONEMES_INPUT = 0x100  # espeakPHONEMES: honour [[...]] in the text
_PHONEMES_IPA = 0x02

_LOCK = threading.Lock()
_lib: Any = None
_callback: Any = None  # kept alive: espeak holds the pointer
_voice: Optional[str] = None


def _library(voice: str) -> Any:
    global _lib, _callback, _voice
    if _lib is None:
        espeak_lib.preload()
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        if lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0) <= 0:
            raise ConfigError("espeak-ng could not start to translate phoneme entries; "
                              "reinstall it with `pip install --force-reinstall espeakng-loader`")
        callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
        _callback = callback_type(lambda wav, samples, events: 0)
        lib.espeak_SetSynthCallback(_callback)
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        _lib = lib
    if voice != _voice:
        if _lib.espeak_SetVoiceByName(voice.encode()) != 0:
            _lib.espeak_SetVoiceByName(b"en")
        # An empty synthesis with phoneme input on: espeak keeps the switch on for TextToPhonemes.
        _lib.espeak_Synth(b"[[ ]]", 6, 0, 0, 0, _PHONEMES_INPUT | _CHARS_UTF8, None, None)
        _voice = voice
    return _lib


def mnemonics_to_ipa(mnemonics: str, voice: str = "en-us") -> str:
    """IPA for espeak phoneme mnemonics, e.g. ``h@'loU`` -> ``həlˈoʊ``."""
    with _LOCK:
        lib = _library(voice)
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
    if "[[" not in text:
        return text

    def one(match: re.Match) -> str:
        source = match.group(1).strip()
        ipa = mnemonics_to_ipa(source, voice) if source else ""
        unknown = sorted({ch for ch in ipa if ch not in known and not ch.isspace()})
        if not ipa or unknown or any(c.isascii() and c.isupper() for c in ipa):
            raise ConfigError(
                f"the pronunciation [[{source}]] is in espeak phonemes that piper voice {voice_name} cannot say"
                + (f" (no phoneme for {' '.join(unknown)})" if unknown else "")
                + "; check the entry's espeak phonemes, or write it as a respelling in plain letters instead"
            )
        return f"[[{ipa}]]"

    return PHONEME_BLOCK.sub(one, text)
