"""The pyttsx3 engine's voices: espeak-ng's list (all languages, variants) or a
native driver's, and what a user may write to choose one."""

from __future__ import annotations

import ctypes
import difflib
import logging
from typing import Any, Optional, Sequence

from ..errors import ConfigError, EngineUnavailable
from .child import in_speech_child
from .pyttsx3_driver import LOCK, espeak_module, is_espeak, tts_engine

log = logging.getLogger(__name__)

#: espeak-ng writes 22050 Hz, mono, 16-bit PCM
ESPEAK_SAMPLE_RATE = 22050

def _voice_languages(es: Any, voice: Any) -> list[str]:
    """All languages of an espeak voice (pyttsx3 only reports the first one).

    espeak stores them as ``<priority byte><name>\\0`` pairs ended by a zero byte.
    """
    address = ctypes.c_void_p.from_buffer(voice, es.VOICE.languages.offset).value
    languages: list[str] = []
    while address and len(languages) < 32:
        if ctypes.string_at(address, 1)[0] == 0:
            break
        name = ctypes.string_at(address + 1)
        languages.append(name.decode("utf-8", "replace"))
        address += len(name) + 2
    return languages


def espeak_voices() -> list[dict]:
    es = espeak_module()
    voices = []
    for v in es.ListVoices(None):
        ident = v.identifier.decode("utf-8", "replace")
        if ident.startswith("!v/"):
            continue
        voices.append(
            {
                "id": ident,
                "name": v.name.decode("utf-8", "replace"),
                "languages": _voice_languages(es, v),
                "sample_rate": ESPEAK_SAMPLE_RATE,
            }
        )
    voices.sort(key=lambda d: d["id"].lower())
    return voices


def espeak_variants() -> list[str]:
    """Names usable after ``+`` in a voice id (``en+f3``); case matters to espeak."""
    es = espeak_module()
    spec = es.VOICE()
    spec.languages = b"variant"
    names = []
    for v in es.ListVoices(ctypes.pointer(spec)):
        ident = v.identifier.decode("utf-8", "replace")
        if ident.startswith("!v/"):
            names.append(ident[3:])
    return sorted(names, key=str.lower)


def espeak_voice_for_language(language: str) -> Optional[str]:
    """espeak's own preferred voice for a language code (``en``, ``pt-BR``)."""
    es = espeak_module()
    for code in dict.fromkeys([language.strip().lower(), language.strip().lower().split("-")[0]]):
        if not code:
            continue
        spec = es.VOICE()
        spec.languages = code.encode("utf-8")
        for v in es.ListVoices(ctypes.pointer(spec)):
            ident = v.identifier.decode("utf-8", "replace")
            if not ident.startswith("!v/"):
                return ident
    return None


def native_voices(tts: Any) -> list[dict]:
    voices = []
    for v in tts.getProperty("voices") or []:
        languages = [
            lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
            for lang in (getattr(v, "languages", None) or [])
        ]
        voices.append({"id": str(v.id), "name": str(v.name or v.id), "languages": languages, "sample_rate": None})
    return voices


def find_base_voice(key: str, voices: list[dict]) -> Optional[dict]:
    key = key.strip().lower()
    tests = (
        lambda v: v["id"].lower() == key,
        lambda v: v["id"].lower().rsplit("/", 1)[-1] == key,
        lambda v: v["name"].lower() == key,
        lambda v: key in (lang.lower() for lang in v["languages"]),
    )
    for test in tests:
        for v in voices:
            if test(v):
                return v
    return None


def _unknown_voice(requested: str, voices: list[dict], variants: list[str]) -> ConfigError:
    candidates: dict[str, str] = {}
    for v in voices:
        for alias in (v["id"], v["id"].rsplit("/", 1)[-1], v["name"], v["name"].split(" (")[0]):
            candidates.setdefault(alias.lower(), v["id"])
    base, _, variant = requested.partition("+")
    close = difflib.get_close_matches(base.strip().lower(), list(candidates), n=4, cutoff=0.6)
    suggestions = list(dict.fromkeys(candidates[c] for c in close))
    if variant and find_base_voice(base, voices):
        close_v = difflib.get_close_matches(variant.lower(), [n.lower() for n in variants], n=4, cutoff=0.5)
        by_lower = {n.lower(): n for n in variants}
        suggestions = [f"{base}+{by_lower[c]}" for c in close_v]
    hint = f" (close matches: {', '.join(suggestions)})" if suggestions else ""
    return ConfigError(
        f"unknown voice {requested!r} for the pyttsx3 engine{hint}; "
        "run `audiobrief voices` to list them"
    )


def resolve_voice(
    requested: Optional[str],
    language: str,
    voices: list[dict],
    variants: Sequence[str] = (),
    default: Optional[str] = None,
    for_language: Optional[str] = None,
) -> str:
    """Turn what the user wrote into the engine's canonical voice id.

    Accepts an id (``gmw/en-US``, any case), its last part (``en-us``), the
    voice's name (``English (America)``) or a language it speaks, optionally
    with an espeak variant (``en+f3``).  ``None`` picks ``for_language`` (the
    engine's choice for ``language``), then ``default``.
    """
    if requested is None or not str(requested).strip():
        if for_language:
            return for_language
        found = find_base_voice(language, voices) if language else None
        if found:
            return found["id"]
        if default:
            if not in_speech_child():  # said once, by the parent
                log.warning("no voice for language %r; using the default voice %r", language, default)
            return default
        if voices:
            return voices[0]["id"]
        raise EngineUnavailable("the pyttsx3 engine reports no voices; check the speech engine install")
    requested = str(requested).strip()
    base, plus, variant = requested.partition("+") if variants else (requested, "", "")
    found = find_base_voice(base, voices)
    if found is None:
        raise _unknown_voice(requested, voices, list(variants))
    if not plus:
        return found["id"]
    by_lower = {n.lower(): n for n in variants}
    if variant.strip().lower() not in by_lower:
        raise _unknown_voice(requested, voices, list(variants))
    return f"{found['id']}+{by_lower[variant.strip().lower()]}"


def list_voices() -> list[dict]:
    """``[{"id", "name", "languages"}]`` for every voice (espeak variants not included)."""
    tts = tts_engine()
    with LOCK:
        return espeak_voices() if is_espeak(tts) else native_voices(tts)

