"""What every speech engine offers: the ``Engine`` protocol, the spec that
chooses one, a clip to make, and the speaking-rate range all engines honour.

An engine module (registered in ``audiobrief.engines``) provides::

    create(spec: EngineSpec) -> Engine
    list_voices() -> list[dict]   # [{"id", "name", "languages", "sample_rate"}]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Protocol, runtime_checkable

from ..errors import ConfigError

#: the speaking rates, in words per minute, that every engine honours (espeak-ng's range)
MIN_RATE, MAX_RATE = 80, 450
DEFAULT_RATE = 175


@runtime_checkable
class Engine(Protocol):
    """What the build needs from a speech engine."""

    #: the registered name, e.g. "pyttsx3"
    name: str
    #: the voice actually used (canonical id)
    voice: str
    #: words per minute
    rate: int
    #: Hz of the clips it writes; None when a native driver decides
    sample_rate: Optional[int]

    def cache_id(self) -> str:
        """Stable text covering engine name, engine and library versions, voice,
        rate and sample format: a clip cached under another id is not reused."""
        ...

    def check_text(self, text: str) -> None:
        """Raise ``ConfigError`` now for text this engine cannot say (a phoneme
        entry it cannot translate); called for every clip before any is made."""
        ...

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit WAV at ``wav_path``, verified non-empty.

        Raises ``SynthesisError`` when no usable clip could be made and
        ``ValueError`` for empty text."""
        ...


@dataclass(frozen=True)
class EngineSpec:
    """Which engine and voice to use.  Picklable: it is sent to spawned workers."""

    name: str = "pyttsx3"
    #: engine voice id, e.g. "gmw/en" or "en" (espeak also takes "en+f3");
    #: None = the engine's voice for ``language``
    voice: Optional[str] = None
    #: words per minute; None = the engine's default (175 for pyttsx3)
    rate: Optional[int] = None
    #: used to pick a voice when ``voice`` is None
    language: str = "en"


@dataclass(frozen=True)
class SynthJob:
    """One clip to make."""

    text: str
    wav_path: str
    #: human name used in errors, e.g. 'section 3 "Arms Deals and Timing"'
    label: str


def checked_rate(rate: Any, note: str = "") -> int:
    """``rate`` (None = the default) as words per minute, or a ConfigError with the fix."""
    rate = DEFAULT_RATE if rate is None else rate
    if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
        raise ConfigError(f"rate {rate!r} is not usable: give words per minute, "
                          f"a whole number from {MIN_RATE} to {MAX_RATE} (default {DEFAULT_RATE}{note})")
    return rate
