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
* this module never imports hibari itself: its folder, voices and version
  come from the installed files (``model_files``), so the build's own process,
  which only needs the cache id and the voices' languages, never loads numpy,
  scipy and onnxruntime for them.  The model loads in the process that
  speaks, once per process (``warm`` loads it early, with the front end, while
  the build still reads and plans): one load per worker.  onnxruntime runs
  one thread (intra- and inter-op), so N workers use N cores, and with no
  thread pool nothing spins while idle (measured: 0.00 CPU s in 3 s idle).
  The speech child of a one-article build makes two clips at once
  (``clips_at_once``): the build's own process waits meanwhile.
* cache id: package version, voice, the model file's SHA-256, speed and seed.
* ``[[...]]`` pronunciations are espeak mnemonics: translated to hibari's
  phonemes (``misaki``) or refused naming the entry.
* text: it gets our normalised text (numbers, dates, money already words).
  Its own front end splits a piece at a sentence end it finds inside it
  ("etc. The"), which only means two model calls for that piece.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any, Optional

from ..errors import ConfigError, EngineUnavailable, SynthesisError
from . import misaki
from .model_files import distribution_version, file_sha256, package_folder
from .protocol import DEFAULT_RATE, checked_rate
from .wavfile import text_to_speak, write_clip

log = logging.getLogger(__name__)

NAME = "hibari"
DISTRIBUTION = "hibari-tts"
DEFAULT_VOICE = "heart"
#: the noise seed of every clip: same text, same audio
SEED = 1
#: hibari's output rate (checked against the package when the model loads)
SAMPLE_RATE = 24000
#: said once the model and its front end are loaded: an unknown word warms the OOV net too
WARM_UP_TEXT = "Audiobrief warms up."

_FOLDER = package_folder("hibari")
if _FOLDER is None or not (_FOLDER / "assets" / "voices.json").is_file():
    raise EngineUnavailable("the hibari engine is not installed (no hibari package found); "
                            "install it with `pip install 'audiobrief[natural]'`")
VOICES: dict = json.loads((_FOLDER / "assets" / "voices.json").read_text(encoding="utf-8"))

#: loaded models by (voice, model file): engines of one voice at other rates share one
_MODELS: dict[tuple[str, str], Any] = {}
_MODELS_LOCK = threading.Lock()
#: hibari's text front end keeps state while it reads: one text at a time per process
_FRONT_END = threading.Lock()


def download_folder() -> Path:
    """Where hibari keeps the voices it downloaded: $HIBARI_HOME, else the user's cache folder."""
    if os.environ.get("HIBARI_HOME"):
        return Path(os.environ["HIBARI_HOME"])
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hibari"


def _installed_path(name: str) -> Optional[str]:
    """The voice's model file when it is on disk, else None (hibari would download it)."""
    info = VOICES.get(name)
    if info is None:
        return None
    path = _FOLDER / "assets" / info["file"] if info.get("bundled") else download_folder() / info["file"]
    return str(path) if path.is_file() else None


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


class HibariEngine:
    """Speaks with a hibari voice through onnxruntime, on one CPU thread."""

    name = NAME
    sample_rate = SAMPLE_RATE
    #: clips the speech child may make at once: onnxruntime and the signal processing
    #: after it run outside the GIL, and the build's own process rests while it waits
    #: for speech, so a second clip uses the second core (the front end is locked)
    clips_at_once = 2

    def __init__(self, spec: Any) -> None:
        self.rate = checked_rate(spec.rate, ", the voice's own pace")
        self.speed = round(self.rate / DEFAULT_RATE, 4)
        self.voice, self.model_path = _resolve_voice(spec.voice, spec.language or "en")
        self._cache_id: Optional[str] = None  # made on first use: pool workers never need it
        self._model: Any = None

    def __repr__(self) -> str:
        return f"<HibariEngine {self.voice} speed={self.speed}>"

    def cache_id(self) -> str:
        if self._cache_id is None:
            self._cache_id = (f"{NAME}-{distribution_version(DISTRIBUTION)}/voice={self.voice}"
                              f"/sha256={file_sha256(Path(self.model_path))[:32]}/speed={self.speed}/seed={SEED}"
                              f"/wav-{SAMPLE_RATE}-mono-s16")
        return self._cache_id

    def _load(self) -> Any:
        """The voice's model, loaded once per process (and shared by every rate)."""
        if self._model is None:
            with _MODELS_LOCK:
                key = (self.voice, self.model_path)
                if key not in _MODELS:
                    _MODELS[key] = _load_model(self.voice, self.model_path)
                self._model = _MODELS[key]
        return self._model

    def warm(self) -> None:
        """Load the model and the text front end now, before the first clip is asked for."""
        self._speak(WARM_UP_TEXT)

    def _speak(self, text: str) -> Any:
        """hibari's audio for ``text``, as ``Hibari(text, speed, seed)`` makes it: its
        front end (not made for threads) under the lock, the model outside it."""
        import numpy as np

        model = self._load()
        with _FRONT_END:
            phonemes = model.phonemize(text)
        noise = np.random.default_rng(SEED)
        parts = [model.from_ids(model.ids(chunk), self.speed, noise) for chunk in phonemes]
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    def prepare_text(self, text: str) -> str:
        """The text hibari receives: espeak phoneme entries become its own phonemes."""
        return misaki.translate_blocks(text, self.voice)

    def check_text(self, text: str) -> None:
        self.prepare_text(text)

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit 24 kHz WAV (atomically, verified)."""
        import numpy as np

        prepared = self.prepare_text(text_to_speak(text))
        try:
            audio = self._speak(prepared)
        except ConfigError:
            raise
        except Exception as exc:  # onnxruntime / front-end failures
            raise SynthesisError(f"hibari failed ({type(exc).__name__}: {exc})") from exc
        write_clip(wav_path, [(np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")], SAMPLE_RATE, NAME, text)


def _load_model(voice: str, model_path: str) -> Any:
    """A ``hibari.Hibari`` for the voice, on one onnxruntime thread (no thread pool: nothing spins idle)."""
    try:
        import hibari

        if int(hibari.SAMPLE_RATE) != SAMPLE_RATE:
            raise ValueError(f"it speaks at {hibari.SAMPLE_RATE} Hz, not {SAMPLE_RATE}")
        model = hibari.Hibari(voice=voice, model=model_path, threads=1)
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ConfigError(f"hibari voice {voice} cannot be loaded ({exc}); "
                          "reinstall it with `pip install --force-reinstall hibari-tts`") from None
    trace = os.environ.get("AUDIOBRIEF_HIBARI_LOAD_LOG")
    if trace:  # lets tests count model loads across worker processes
        with open(trace, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {voice}\n")
    return model


def create(spec: Any) -> HibariEngine:
    return HibariEngine(spec)
