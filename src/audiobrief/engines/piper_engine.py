"""The Piper engine: natural-sounding neural voices, fully offline (optional extra).

``pip install 'audiobrief[piper]'`` installs ``piper-tts`` (which brings
onnxruntime and its own espeak-ng for phonemes).  Voices are ``.onnx`` files
with their ``.onnx.json``: by path, or shipped by an installed package (see
``piper_voices``).  Nothing here downloads anything: the voice is loaded from
disk, and voices whose phonemiser would fetch models (Chinese) are refused.

* rate: words per minute, as for pyttsx3.  175 wpm is the voice's own pace;
  other rates scale Piper's ``length_scale`` (duration per phoneme) by 175/rate.
* the model is loaded on the first clip, not when the engine is made, so the
  parent process of a ``--jobs`` pool (which only needs ``cache_id``) never
  pays for it: exactly one load per worker.  In a pool worker onnxruntime runs
  one thread, so N workers use N cores without fighting; its threads never
  spin while idle.
* cache id: engine and library versions, the voice's id, a SHA-256 of its
  ``.onnx`` and ``.onnx.json``, length/noise scales and the sample format.
* ``[[...]]`` pronunciations are espeak phoneme mnemonics: they are translated
  to IPA (``espeak_ipa``) and checked against the voice's phoneme table.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any, Optional

from ..errors import ConfigError, EngineUnavailable, SynthesisError
from . import piper_voices
from .child import in_speech_child
from .espeak_ipa import translate_blocks
from .model_files import distribution_version, file_sha256
from .pool import in_pool_worker
from .protocol import DEFAULT_RATE, checked_rate
from .piper_voices import PiperVoiceFile
from .wavfile import text_to_speak, write_clip

try:  # the optional extra; another PyPI package is also called "piper"
    import piper as _piper_pkg  # noqa: F401
    from piper import PiperVoice, SynthesisConfig  # noqa: F401
except ImportError as exc:
    raise EngineUnavailable(
        f"the piper engine is not installed ({exc}); install it with `pip install 'audiobrief[piper]'`"
    ) from exc

log = logging.getLogger(__name__)

NAME = "piper"
#: piper scales each sentence to full scale; this keeps clips 1 dB below it
VOLUME = 0.89
SUPPORTED_PHONEMES = ("espeak", "text")

def list_voices() -> list[dict]:
    """Installed packaged voices: ``[{"id", "name", "languages", "sample_rate", "path"}]``."""
    return [v.as_dict() for v in piper_voices.packaged_voices()]


class PiperEngine:
    """Speaks with a Piper voice through onnxruntime, on the CPU."""

    name = NAME

    def __init__(self, spec: Any) -> None:
        rate = checked_rate(spec.rate, ", the voice's own pace")
        self.rate = rate
        self.language = spec.language or "en"
        voice, warning = piper_voices.resolve_voice(spec.voice, self.language)
        if warning and not (in_pool_worker() or in_speech_child()):  # said once, by the parent
            log.warning("%s", warning)
        if voice.phoneme_type not in SUPPORTED_PHONEMES:
            raise ConfigError(
                f"piper voice {voice.id} uses {voice.phoneme_type!r} phonemes, which need extra models "
                "this engine does not load offline; choose a voice with espeak phonemes"
            )
        self.voice: PiperVoiceFile = voice
        import json

        settings = json.loads(voice.config.read_text(encoding="utf-8"))
        inference = settings.get("inference") or {}
        self.base_length_scale = float(inference.get("length_scale", 1.0))
        self.length_scale = round(self.base_length_scale * DEFAULT_RATE / rate, 4)
        self.noise_scale = float(inference.get("noise_scale", 0.667))
        self.noise_w = float(inference.get("noise_w", 0.8))
        self.espeak_voice = str((settings.get("espeak") or {}).get("voice") or "en-us")
        self.phonemes = set(settings.get("phoneme_id_map") or {})
        self.sample_rate = voice.sample_rate
        self._cache_id: Optional[str] = None  # made on first use: pool workers never need it
        self._model: Any = None
        self._lock = threading.Lock()
        #: how many times this engine loaded its model (one per process)
        self.loads = 0

    def __repr__(self) -> str:
        return f"<PiperEngine {self.voice.id} length_scale={self.length_scale}>"

    def cache_id(self) -> str:
        if self._cache_id is None:
            voice = self.voice
            self._cache_id = (
                f"{NAME}-{distribution_version('piper-tts')}/voice={voice.id}"
                f"/sha256={file_sha256(voice.model, voice.config)[:32]}"
                f"/length_scale={self.length_scale}/noise={self.noise_scale},{self.noise_w}/volume={VOLUME}"
                f"/wav-{self.sample_rate}-mono-s16"
            )
        return self._cache_id

    def _load(self) -> Any:
        if self._model is None:
            import json

            import onnxruntime
            from piper.config import PiperConfig

            options = onnxruntime.SessionOptions()
            # Idle onnxruntime threads spin by default: on a busy or shared machine that
            # burnt ~40% more CPU per second of audio (measured), for no speed.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            if in_pool_worker():
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
            try:
                session = onnxruntime.InferenceSession(
                    str(self.voice.model), sess_options=options, providers=["CPUExecutionProvider"]
                )
                config = PiperConfig.from_dict(json.loads(self.voice.config.read_text(encoding="utf-8")))
            except Exception as exc:  # onnxruntime raises its own exception types
                raise ConfigError(
                    f"piper voice {self.voice.model} cannot be loaded ({exc}); "
                    "reinstall the voice or give another .onnx file"
                ) from None
            self._model = PiperVoice(session=session, config=config)
            self._model.use_tashkeel = False  # its model is not shipped; never fetch anything
            self.loads += 1
            trace = os.environ.get("AUDIOBRIEF_PIPER_LOAD_LOG")
            if trace:  # lets tests count model loads across worker processes
                with open(trace, "a", encoding="utf-8") as f:
                    f.write(f"{os.getpid()} {self.voice.id}\n")
        return self._model

    def prepare_text(self, text: str) -> str:
        """The text Piper receives: espeak phoneme entries become IPA the voice knows."""
        if "[[" not in text:
            return text
        if self.voice.phoneme_type != "espeak":
            raise ConfigError(
                f"piper voice {self.voice.id} cannot take phoneme entries ([[...]]); write a respelling instead"
            )
        return translate_blocks(text, self.espeak_voice, self.phonemes, self.voice.id)

    def check_text(self, text: str) -> None:
        """Raise ``ConfigError`` now for a phoneme entry this voice cannot say
        (``synthesize_all`` calls it for every clip before making any)."""
        self.prepare_text(text)

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit WAV at the voice's rate (atomically, verified)."""
        from piper import SynthesisConfig

        prepared = self.prepare_text(text_to_speak(text))
        settings = SynthesisConfig(length_scale=self.length_scale, noise_scale=self.noise_scale,
                                   noise_w_scale=self.noise_w, volume=VOLUME)
        try:
            with self._lock:
                chunks = (chunk.audio_int16_array for chunk in self._load().synthesize(prepared, syn_config=settings))
                write_clip(wav_path, chunks, self.sample_rate, NAME, text)
        except (SynthesisError, ConfigError, OSError):
            raise
        except Exception as exc:  # onnxruntime / phonemiser failures
            raise SynthesisError(f"piper failed ({type(exc).__name__}: {exc})") from exc


def create(spec: Any) -> PiperEngine:
    return PiperEngine(spec)
