"""Speech engines: one module per engine, registered here with one line each.

An engine turns one piece of text into one mono 16-bit WAV (see
``protocol.Engine``).  Engines are looked up by name and imported only when
chosen, so importing this package stays cheap (no pyttsx3, no onnxruntime).

    protocol.py        Engine, EngineSpec, SynthJob, the rate range
    registry.py        register_engine, get_engine, voices, engine_distributions
    bounds.py          the limit on tokens and clauses every engine call goes through
    clips.py           run_job: one clip made, bounded and checked
    child.py           speak_here: clips made in a child process, a crash there an error here
    pool.py            synthesize_all: many clips, in one child or in a pool of spawned workers
    pyttsx3_engine.py  espeak-ng through pyttsx3 (the default)
    hibari_engine.py   hibari, a small neural English voice (audiobrief[natural])
    piper_engine.py    Piper neural voices (audiobrief[piper], GPL-3.0)

A new engine is one module providing ``create(spec)`` and ``list_voices()``,
plus one ``register_engine`` line below.

This package re-exports only the light names (protocol, registry, bounds):
the settings, the memos and the CLI import it at start-up.  Making clips pulls
in processes and pools, so it is imported from its own module where it is
done: ``engines.pool.synthesize_all``, ``engines.clips.run_job``,
``engines.child.speak_here``.
"""

from __future__ import annotations

from .bounds import Bounded, Dropped, bound_text
from .protocol import DEFAULT_RATE, MAX_RATE, MIN_RATE, Engine, EngineSpec, SynthJob, checked_rate
from .registry import (all_voices, engine_cache_id, engine_distributions, get_engine, install_hint,
                       known_engines, list_voices, register_engine)

__all__ = [
    "Bounded", "Dropped", "DEFAULT_RATE", "Engine", "EngineSpec", "MAX_RATE", "MIN_RATE", "SynthJob",
    "all_voices", "bound_text", "checked_rate", "engine_cache_id", "engine_distributions", "get_engine",
    "install_hint", "known_engines", "list_voices", "register_engine",
]

register_engine("pyttsx3", "audiobrief.engines.pyttsx3_engine", "pip install pyttsx3 espeakng-loader",
                ("pyttsx3", "espeakng_loader"))
register_engine("hibari", "audiobrief.engines.hibari_engine", "pip install 'audiobrief[natural]'", ("hibari",))
register_engine("piper", "audiobrief.engines.piper_engine", "pip install 'audiobrief[piper]'", ("piper",))
