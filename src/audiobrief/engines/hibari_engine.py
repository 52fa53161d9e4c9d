"""The hibari engine: a small neural English voice, offline (extra ``audiobrief[natural]``).

``pip install 'audiobrief[natural]'`` installs ``hibari-tts`` (Apache-2.0 code
and weights; a distillation of Kokoro-82M), which needs numpy and
onnxruntime.  Its voice "heart" (US English, 7.9 MB int8 ONNX) is in the
package; its other voices download on first use, so only voices already on
disk are offered and any other is refused when the engine is made, before any
work: nothing here reaches the network.

* rate: words per minute, as for the other engines.  175 wpm is the voice's
  own pace (``speed`` 1.0); other rates set ``speed`` to rate/175.
* reproducible: hibari adds a little noise to its voice; a fixed ``seed`` per
  call makes the same text give the same clip, so the cache and byte-identical
  re-makes hold.
* the model loads on the first clip, not when the engine is made, so the
  parent of a worker pool (which only needs ``cache_id``) never pays for it:
  one load per worker.  onnxruntime runs one thread (intra- and inter-op),
  so N workers use N cores, and with no thread pool nothing spins while idle.
* cache id: package version, voice, the model file's SHA-256, speed and seed.
* ``[[...]]`` pronunciations are espeak mnemonics: translated to hibari's
  phonemes (``misaki``) or refused naming the entry.
* text: it gets our normalised text (numbers, dates, money already words).
  Its own front end splits a piece at a sentence end it finds inside it
  ("etc. The"), which only means two model calls for that piece.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import wave
from pathlib import Path
from typing import Any, Optional

from ..errors import ConfigError, EngineUnavailable, SynthesisError
from . import misaki
from .protocol import DEFAULT_RATE, checked_rate

try:
    import hibari
    from hibari.voices import VOICES, voice_path
except ImportError as exc:
    raise EngineUnavailable(
        f"the hibari engine is not installed ({exc}); install it with `pip install 'audiobrief[natural]'`"
    ) from exc

log = logging.getLogger(__name__)

NAME = "hibari"
DEFAULT_VOICE = "heart"
#: the noise seed of every clip: same text, same audio
SEED = 1
SAMPLE_RATE = int(hibari.SAMPLE_RATE)


def _installed_path(name: str) -> Optional[str]:
    """The voice's model file when it is on disk, else None (it would be downloaded)."""
    try:
        return voice_path(name, download_missing=False)
    except (FileNotFoundError, ValueError):
        return None


def list_voices() -> list[dict]:
    """The voices on disk: ``[{"id", "name", "languages", "sample_rate"}]``."""
    found = []
    for name, info in VOICES.items():
        if _installed_path(name) is None:
            continue
        where = "in the package" if info.get("bundled") else "downloaded earlier"
        found.append({"id": name, "name": f"{name} ({info['accent']} English, {info['gender']}; {where})",
                      "languages": [info["language"]], "sample_rate": SAMPLE_RATE})
    return found


def _resolve_voice(requested: Optional[str], language: str) -> tuple[str, str]:
    """(voice name, model path) for what the user asked, or a ConfigError with the fix."""
    family = (language or "en").replace("_", "-").split("-")[0].lower()
    if family != "en":
        raise ConfigError(f"the hibari engine speaks English only, and the article is in {language!r}; "
                          "choose engine pyttsx3 for it (front matter `engine: pyttsx3`)")
    installed = [v["id"] for v in list_voices()]
    if not requested:
        wanted = "en-GB" if language.lower().replace("_", "-") == "en-gb" else "en-US"
        name = next((v for v in installed if VOICES[v]["language"] == wanted), DEFAULT_VOICE)
    else:
        name = requested.strip().lower()
    if name not in VOICES:
        raise ConfigError(f"unknown hibari voice {requested!r}; installed: {', '.join(installed)}; "
                          "run `audiobrief voices --engine hibari` to list them")
    path = _installed_path(name)
    if path is None:
        raise ConfigError(f"hibari voice {name!r} is not installed (hibari would download it, and audiobrief "
                          f"never reaches the network); installed: {', '.join(installed)}")
    return name, path


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class HibariEngine:
    """Speaks with a hibari voice through onnxruntime, on one CPU thread."""

    name = NAME
    sample_rate = SAMPLE_RATE

    def __init__(self, spec: Any) -> None:
        self.rate = checked_rate(spec.rate, ", the voice's own pace")
        self.speed = round(self.rate / DEFAULT_RATE, 4)
        self.voice, self.model_path = _resolve_voice(spec.voice, spec.language or "en")
        self._cache_id: Optional[str] = None  # made on first use: pool workers never need it
        self._model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<HibariEngine {self.voice} speed={self.speed}>"

    def cache_id(self) -> str:
        if self._cache_id is None:
            self._cache_id = (f"{NAME}-{hibari.__version__}/voice={self.voice}"
                              f"/sha256={_sha256(self.model_path)[:32]}/speed={self.speed}/seed={SEED}"
                              f"/wav-{SAMPLE_RATE}-mono-s16")
        return self._cache_id

    def _load(self) -> Any:
        if self._model is None:
            try:
                self._model = hibari.Hibari(voice=self.voice, model=self.model_path, threads=1)
            except Exception as exc:  # onnxruntime raises its own exception types
                raise ConfigError(f"hibari voice {self.voice} cannot be loaded ({exc}); "
                                  "reinstall it with `pip install --force-reinstall hibari-tts`") from None
            trace = os.environ.get("AUDIOBRIEF_HIBARI_LOAD_LOG")
            if trace:  # lets tests count model loads across worker processes
                with open(trace, "a", encoding="utf-8") as f:
                    f.write(f"{os.getpid()} {self.voice}\n")
        return self._model

    def prepare_text(self, text: str) -> str:
        """The text hibari receives: espeak phoneme entries become its own phonemes."""
        return misaki.translate_blocks(text, self.voice)

    def check_text(self, text: str) -> None:
        self.prepare_text(text)

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit 24 kHz WAV (atomically, verified)."""
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text to synthesise is empty")
        import numpy as np

        prepared = self.prepare_text(text)
        wav_path = Path(wav_path)
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._lock:
                audio = self._load()(prepared, speed=self.speed, seed=SEED)
        except ConfigError:
            raise
        except Exception as exc:  # onnxruntime / front-end failures
            raise SynthesisError(f"hibari failed ({type(exc).__name__}: {exc})") from exc
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
        if not pcm.any():
            raise SynthesisError(f"hibari made no audio for {text[:48]!r}; check that the text has words it can say")
        tmp = wav_path.with_name(f".{wav_path.name}.{os.getpid()}.part.wav")
        try:
            with wave.open(str(tmp), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(SAMPLE_RATE)
                out.writeframes(pcm.tobytes())
            os.replace(tmp, wav_path)
        finally:
            tmp.unlink(missing_ok=True)


def create(spec: Any) -> HibariEngine:
    return HibariEngine(spec)
