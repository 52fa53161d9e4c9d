"""The pyttsx3 engine, hardened against the failure modes measured on Linux.

pyttsx3's espeak driver (Linux) is asynchronous underneath a blocking-looking
API: ``espeak_Synth`` returns at once and the WAV is written later, from
espeak's own thread, when the end-of-message event arrives.  What goes wrong,
and what this adapter does about it:

* ``runAndWait`` can return before the file exists (always on the first call of
  a process), and a second ``save_to_file`` issued meanwhile redirects the
  running synthesis: clips come out missing, empty or holding the previous
  text.  -> one ``save_to_file`` per ``runAndWait``; the commands are queued so
  ``runAndWait`` always returns right after starting synthesis; we then wait,
  with a deadline, for the ``finished-utterance`` event, the file, *and*
  ``espeak_IsPlaying() == 0`` before anything else touches the engine.
* a clip can still come out empty or truncated -> the WAV is opened and checked
  (format, frame count plausible for the number of words, not all zeros) and
  synthesis retried, up to ``ATTEMPTS`` times, into a temp file that is renamed
  over the target only once it passed: a half-written WAV never appears.
* queued ``setProperty`` swallows errors, so a bad voice fails silently ->
  voices are resolved against the engine's own list up front (``ConfigError``
  with close matches), errors raised while the queue runs are collected, and
  voice and rate are set again for every clip (espeak state is per process and
  shared by every engine object).
* ``getProperty('rate')`` reads a stale value (pyttsx3 calls
  ``espeak_GetParameter`` without its ``current`` argument) -> the rate is set
  explicitly, always; ``true_rate()`` reads the real one.
* the driver prints ``Audio saved to ...`` on stdout -> ``print`` is shadowed in
  the driver module only, so it never reaches the user and nothing else (a
  progress bar on another thread) loses its output.
* a pyttsx3 engine collected while espeak still calls back crashes the callback
  (upstream #219) -> one engine per process, held for the process lifetime.

espeak writes 22050 Hz, mono, 16-bit PCM.  One very long text is slow (the
driver grows its buffer with ``bytes +=``): synthesise per section or paragraph.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import Any, Optional

from ..errors import ConfigError, SynthesisError
from .protocol import checked_rate
from .pyttsx3_driver import CALLBACK_ERRORS, LOCK, espeak_module, is_espeak, tts_engine
from .pyttsx3_voices import (ESPEAK_SAMPLE_RATE, espeak_variants, espeak_voice_for_language, espeak_voices,
                             find_base_voice, list_voices, native_voices, resolve_voice)
from .wavfile import BadClip, aiff_to_wav, check_wav

__all__ = ["Pyttsx3Engine", "create", "list_voices"]

log = logging.getLogger(__name__)

NAME = "pyttsx3"
ATTEMPTS = 3
_POLL = 0.002  # seconds between checks while waiting for espeak

_WORD = re.compile(r"\w+")


def _count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _excerpt(text: str, width: int = 48) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


def _package_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return "unknown"



class Pyttsx3Engine:
    """The default engine: pyttsx3 (espeak-ng on Linux, native voices elsewhere)."""

    name = NAME

    def __init__(self, spec: Any) -> None:
        rate = checked_rate(spec.rate)
        self.rate: int = rate
        self.language: str = spec.language or "en"
        self._tts = tts_engine()
        self._espeak = is_espeak(self._tts)
        with LOCK:
            if self._espeak:
                es = espeak_module()
                self._es = es
                voices = espeak_voices()
                # espeak's current voice is whatever was set last: use a fixed default.
                fallback = find_base_voice("gmw/en", voices) or find_base_voice(
                    str(getattr(type(self._tts.proxy._driver), "_defaultVoice", "") or "en"), voices
                )
                default = fallback["id"] if fallback else None
                self.voice: str = resolve_voice(
                    spec.voice,
                    self.language,
                    voices,
                    espeak_variants(),
                    default=default,
                    for_language=None if spec.voice else espeak_voice_for_language(self.language),
                )
                self._driver_id = f"espeak-ng-{es.Info(None).decode('ascii', 'replace').split()[0]}"
                self._format = f"wav-{ESPEAK_SAMPLE_RATE}-mono-s16"
                self.sample_rate: Optional[int] = ESPEAK_SAMPLE_RATE
                self._apply_now()
            else:
                self._es = None
                voices = native_voices(self._tts)
                self.voice = resolve_voice(
                    spec.voice, self.language, voices, default=self._tts.getProperty("voice")
                )
                module = getattr(self._tts.proxy, "_module", None)
                self._driver_id = getattr(module, "__name__", "native").rsplit(".", 1)[-1]
                self._format = "wav-native"
                self.sample_rate = None
        self._cache_id = (
            f"{NAME}-{_package_version('pyttsx3')}/{self._driver_id}"
            f"/voice={self.voice}/rate={self.rate}/{self._format}"
        )

    def __repr__(self) -> str:
        return f"<Pyttsx3Engine {self._cache_id}>"

    def cache_id(self) -> str:
        return self._cache_id

    def check_text(self, text: str) -> None:
        """espeak reads ``[[...]]`` phoneme entries itself: any text is sayable."""

    # ---------------------------------------------------------- espeak state

    def _apply_now(self) -> None:
        """Set voice and rate directly (not queued) and check espeak took them."""
        es = self._es
        result = es.SetVoiceByName(self.voice.encode("utf-8"))
        current = es.GetCurrentVoice()
        got = current.contents.identifier.decode("utf-8", "replace") if current else ""
        if result != 0 or got.lower() != self.voice.lower():
            raise ConfigError(
                f"espeak refused voice {self.voice!r} (code {result}, now {got!r}); "
                "run `audiobrief voices` to list them"
            )
        es.SetParameter(es.RATE, self.rate, 0)
        es.SetParameter(es.VOLUME, 100, 0)

    def true_rate(self) -> Optional[int]:
        """The rate espeak will really use (``getProperty('rate')`` can be stale)."""
        if not self._espeak:
            return self._tts.getProperty("rate")
        get = self._es.dll.espeak_GetParameter
        get.argtypes, get.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        return int(get(self._es.RATE, 1))

    def _playing(self) -> bool:
        return bool(self._es.IsPlaying()) if self._espeak else False

    def _wait_idle(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while self._playing():
            if time.monotonic() > deadline:
                return False
            time.sleep(_POLL)
        return True

    def _cancel(self) -> None:
        """Abandon a synthesis that overran its deadline and leave the engine usable."""
        if self._espeak:
            driver = self._tts.proxy._driver
            driver._speaking = False  # first: the driver's callback then ignores the rest
            driver._looping = False
            self._es.Cancel()
            self._wait_idle(2.0)
        self._tts.proxy.setBusy(False)

    # ---------------------------------------------------------- synthesis

    def _synth_once(self, text: str, path: Path, timeout: float) -> None:
        """One attempt: exactly one save_to_file per runAndWait, then a bounded wait.

        Raises ``BadClip`` when the engine reports an error or overruns.
        """
        tts = self._tts
        finished = threading.Event()
        state: dict[str, Any] = {"completed": True, "errors": []}

        def on_finished(name: Any = None, completed: bool = True, **_: Any) -> None:
            state["completed"] = completed
            finished.set()

        def on_error(name: Any = None, exception: Any = None, **_: Any) -> None:
            state["errors"].append(exception)

        tokens = [tts.connect("finished-utterance", on_finished), tts.connect("error", on_error)]
        try:
            if not self._wait_idle(5.0):
                self._cancel()
            if self._espeak:
                # Set voice and rate directly as well as through the queue: measured,
                # the queued rate alone was sometimes not applied after an engine with
                # another voice/rate spoke (a 300 wpm clip came out at the previous 120).
                self._apply_now()
            # Queue everything: runAndWait then runs the queue, starts synthesis and
            # returns; the wait below (with its deadline) is what blocks.
            tts.proxy.setBusy(True)
            tts.setProperty("voice", self.voice)
            tts.setProperty("rate", self.rate)
            tts.setProperty("volume", 1.0)
            tts.save_to_file(text, str(path))
            tts.runAndWait()
            deadline = time.monotonic() + timeout
            while True:
                if state["errors"] or CALLBACK_ERRORS:
                    error = state["errors"][0] if state["errors"] else CALLBACK_ERRORS.pop(0)
                    CALLBACK_ERRORS.clear()
                    self._cancel()
                    raise BadClip(f"engine error: {error}")
                if finished.is_set() and path.exists() and not self._playing():
                    break
                if not self._espeak and path.exists() and not tts.isBusy():
                    break  # native drivers block in runAndWait and may not send the event
                if time.monotonic() > deadline:
                    self._cancel()
                    raise BadClip(f"no audio after {timeout:.0f} s")
                if finished.is_set():  # espeak's thread is winding down
                    time.sleep(_POLL)
                else:
                    finished.wait(_POLL)
            if not state["completed"]:
                raise BadClip("synthesis was interrupted")
        finally:
            for token in tokens:
                tts.disconnect(token)

    @staticmethod
    def _to_wav(path: Path) -> None:
        """Native drivers: macOS writes AIFF whatever the name; make it a WAV."""
        try:
            with open(path, "rb") as f:
                head = f.read(4)
        except FileNotFoundError:
            return  # check_wav reports it
        if head == b"FORM":
            converted = path.with_name(path.name + ".conv.wav")
            try:
                aiff_to_wav(path, converted)
                os.replace(converted, path)
            finally:
                if converted.exists():
                    converted.unlink()

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit WAV at ``wav_path`` (atomically, verified)."""
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text to synthesise is empty")
        wav_path = Path(wav_path)
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        words = _count_words(text)
        timeout = 10.0 + 0.05 * words + (words / 1000) ** 2
        expect_rate = ESPEAK_SAMPLE_RATE if self._espeak else None
        problems: list[str] = []
        for attempt in range(1, ATTEMPTS + 1):
            tmp = wav_path.with_name(f".{wav_path.name}.{os.getpid()}-{attempt}.part.wav")
            try:
                with LOCK:
                    self._synth_once(text, tmp, timeout)
                if not self._espeak:
                    self._to_wav(tmp)
                check_wav(tmp, words, self.rate, expect_rate)
                os.replace(tmp, wav_path)
                return
            except BadClip as exc:
                problems.append(f"attempt {attempt}: {exc}")
                log.warning("pyttsx3 attempt %d for %s failed: %s", attempt, _excerpt(text), exc)
            finally:
                try:
                    tmp.unlink()
                except FileNotFoundError:
                    pass
        raise SynthesisError(
            f"pyttsx3 made no usable audio for {_excerpt(text)} after {ATTEMPTS} attempts "
            f"({'; '.join(problems)})"
        )


def create(spec: Any) -> Pyttsx3Engine:
    return Pyttsx3Engine(spec)

