"""Content-addressed clip cache: the key is everything that changes the sound."""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

CACHE_DIR = ".cache"


def clip_key(engine_id: str, text: str) -> str:
    return hashlib.sha256(f"{engine_id}\n{text}".encode("utf-8")).hexdigest()


class ClipCache:
    def __init__(self, root: Path) -> None:
        self.folder = root / "clips"

    def path_for(self, engine_id: str, text: str) -> Path:
        key = clip_key(engine_id, text)
        return self.folder / key[:2] / f"{key}.wav"

    @staticmethod
    def is_valid(path: Path) -> bool:
        """A cached clip is served only if it is a readable, non-empty WAV."""
        try:
            with wave.open(str(path), "rb") as wav:
                frames = wav.getnframes()
                expected = frames * wav.getsampwidth() * wav.getnchannels()
            return frames > 0 and path.stat().st_size >= expected + 44
        except (OSError, EOFError, wave.Error):
            return False

    def prepare(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
