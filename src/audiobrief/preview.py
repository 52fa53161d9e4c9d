"""``audiobrief say``: one line spoken with a chosen voice and rate, mastered as an episode is, as an MP3."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from audiobrief.config import Config
from audiobrief.engines import EngineSpec, bound_text, get_engine
from audiobrief.errors import InputError
from audiobrief.fsutil import atomic_write_bytes
from audiobrief.master import master_clip
from audiobrief.profiles import get_profile
from audiobrief.speech.normalize import clean_for_speech


@dataclass(frozen=True)
class Said:
    path: Path
    seconds: float
    voice: str
    rate: int
    loudness_lufs: float
    true_peak_dbtp: float


def say(text: str, config: Config, out: Path) -> Said:
    spoken = bound_text(clean_for_speech(text)).text
    if not spoken:
        raise InputError('nothing to say: give some text, e.g. audiobrief say "Hello there"')
    profile = get_profile(config.profile)
    engine = get_engine(EngineSpec(name=config.engine, voice=config.voice or None, rate=config.rate,
                                   language=config.language))
    with tempfile.TemporaryDirectory(prefix="audiobrief-say-") as tmp:
        wav = Path(tmp) / "say.wav"
        engine.synthesize(spoken, wav)
        done = master_clip(wav, profile)
    atomic_write_bytes(out, done.mp3)
    return Said(out, done.seconds, getattr(engine, "voice", config.voice), getattr(engine, "rate", config.rate),
                done.mastered.loudness_lufs, done.mastered.true_peak_dbtp)
