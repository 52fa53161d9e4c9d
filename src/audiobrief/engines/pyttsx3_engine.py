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
import difflib
import importlib
import logging
import os
import re
import sys
import threading
import time
import wave
from array import array
from pathlib import Path
from typing import Any, Optional, Sequence

from . import DEFAULT_RATE, MAX_RATE, MIN_RATE, checked_rate  # noqa: F401
from ..errors import ConfigError, EngineUnavailable, SynthesisError
from . import espeak_lib

log = logging.getLogger(__name__)

NAME = "pyttsx3"
ATTEMPTS = 3
ESPEAK_SAMPLE_RATE = 22050
#: a clip shorter than this per word (at DEFAULT_RATE, scaled by the rate) is broken.
#: Measured at 175 wpm: ~0.3 s per word in prose, 0.05 s for "a a a ..." (the fastest).
MIN_SECONDS_PER_WORD = 0.025
_POLL = 0.002  # seconds between checks while waiting for espeak

_WORD = re.compile(r"\w+")

# espeak is one synthesiser per process: every engine object shares it.
_LOCK = threading.RLock()
_TTS: Any = None  # the process's pyttsx3 engine, held so it is never collected


class _BadClip(Exception):
    """One synthesis attempt produced no usable audio (retried)."""


def _quiet_print(*args: Any, **kwargs: Any) -> None:
    """Replaces ``print`` inside pyttsx3's driver module: route it to the log."""
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))


#: exceptions raised inside espeak's callback (e.g. the disk filled up while the
#: driver wrote the WAV); ctypes cannot propagate them, so they are kept here
_CALLBACK_ERRORS: list[BaseException] = []


def _install_unraisable_hook() -> None:
    """Catch exceptions ctypes would print as 'Exception ignored on calling ctypes
    callback function' with a traceback: record them for the waiting synthesis."""
    previous = sys.unraisablehook
    if getattr(previous, "_audiobrief", False):
        return

    def hook(unraisable: Any) -> None:
        if "ctypes callback" in str(getattr(unraisable, "err_msg", "")) or "pyttsx3" in repr(unraisable.object):
            _CALLBACK_ERRORS.append(unraisable.exc_value)
            log.debug("error inside the espeak callback: %r", unraisable.exc_value)
            return
        previous(unraisable)

    hook._audiobrief = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def _load_pyttsx3() -> Any:
    espeak_lib.preload()
    try:
        import pyttsx3
        import pyttsx3.driver
    except ImportError as exc:
        raise EngineUnavailable(
            "the pyttsx3 engine is not installed; install it with `pip install pyttsx3`"
        ) from exc
    _quiet_proxy_exit(pyttsx3.driver.DriverProxy)
    return pyttsx3


def _quiet_proxy_exit(proxy_class: Any) -> None:
    """pyttsx3's ``DriverProxy.__del__`` names its module's ``contextlib``; a proxy
    still referenced at interpreter exit (an engine object kept by a caller, as a
    test session does) is collected after that module's globals are gone, and
    Python prints "Exception ignored in DriverProxy.__del__" with a traceback."""
    original = proxy_class.__del__
    if getattr(original, "_audiobrief", False):
        return

    def __del__(self: Any) -> None:
        try:
            original(self)
        except (AttributeError, TypeError):
            pass  # at exit: the driver goes with the process anyway

    __del__._audiobrief = True  # type: ignore[attr-defined]
    proxy_class.__del__ = __del__


def _release_tts() -> None:
    """Let pyttsx3's driver proxy go while the interpreter is whole (at exit it
    would otherwise print an ignored AttributeError from its ``__del__``)."""
    global _TTS
    import gc

    with _LOCK:
        _TTS = None
    gc.collect()


def _tts_engine() -> Any:
    """The process-wide pyttsx3 engine (created on first use)."""
    global _TTS
    with _LOCK:
        if _TTS is not None:
            return _TTS
        pyttsx3 = _load_pyttsx3()
        driver = "espeak" if espeak_lib.needed() else None
        try:
            tts = pyttsx3.init(driver)
        except (RuntimeError, OSError, ImportError) as exc:
            hint = (
                "reinstall it with `pip install --force-reinstall espeakng-loader`"
                if espeak_lib.needed()
                else "check that the system speech service works"
            )
            raise EngineUnavailable(f"the pyttsx3 speech engine cannot start ({exc}); {hint}") from exc
        module = getattr(tts.proxy, "_module", None)
        if module is not None:
            module.print = _quiet_print  # silences "Audio saved to ..." for this module only
        if _is_espeak(tts):
            _linear_buffer(tts.proxy._driver)
            module.time = _LoopClock(tts.proxy._driver)
        _install_unraisable_hook()
        import atexit

        atexit.register(_release_tts)
        _TTS = tts
        return tts


def _linear_buffer(driver: Any) -> None:
    """Make the espeak driver's audio buffer grow in place.

    The driver does ``self._data_buffer += chunk`` on ``bytes``: quadratic, so
    4,000 words took 14 s.  A subclass whose ``_data_buffer`` property keeps a
    ``bytearray`` turns each ``+=`` into an in-place append; the driver code
    itself is unchanged.
    """
    base = type(driver)
    if getattr(base, "_audiobrief_linear", False) or "_data_buffer" not in vars(driver):
        return

    def get(self: Any) -> bytearray:
        return self.__dict__["_audiobrief_buffer"]

    def put(self: Any, value: Any) -> None:
        self.__dict__["_audiobrief_buffer"] = value if isinstance(value, bytearray) else bytearray(value)

    linear = type(base.__name__, (base,), {"_data_buffer": property(get, put), "_audiobrief_linear": True})
    current = vars(driver).pop("_data_buffer")
    driver.__class__ = linear
    driver._data_buffer = current


class _LoopClock:
    """Stands in for the ``time`` module inside pyttsx3's espeak driver, whose
    only use of it is the ``time.sleep(0.01)`` ending each turn of its loop.

    Here ``runAndWait`` always ends that loop on its first turn (the queued
    ``endLoop`` runs as the turn starts the synthesis; ``_synth_once`` then
    waits for espeak itself), so the sleep after it was 10 ms of idle per
    clip: a worker sat idle for about a third of its time (measured: 132
    clips, 1.65 s wall for 1.17 s of CPU).  A turn that leaves the loop
    running still sleeps."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    def sleep(self, seconds: float) -> None:
        if getattr(self._driver, "_looping", True):
            time.sleep(seconds)


def _is_espeak(tts: Any) -> bool:
    module = getattr(tts.proxy, "_module", None)
    return bool(module is not None and module.__name__.endswith(".espeak"))


def _espeak_module() -> Any:
    return importlib.import_module("pyttsx3.drivers._espeak")


# --------------------------------------------------------------------- voices


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


def _espeak_voices() -> list[dict]:
    es = _espeak_module()
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


def _espeak_variants() -> list[str]:
    """Names usable after ``+`` in a voice id (``en+f3``); case matters to espeak."""
    es = _espeak_module()
    spec = es.VOICE()
    spec.languages = b"variant"
    names = []
    for v in es.ListVoices(ctypes.pointer(spec)):
        ident = v.identifier.decode("utf-8", "replace")
        if ident.startswith("!v/"):
            names.append(ident[3:])
    return sorted(names, key=str.lower)


def _espeak_voice_for_language(language: str) -> Optional[str]:
    """espeak's own preferred voice for a language code (``en``, ``pt-BR``)."""
    es = _espeak_module()
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


def _native_voices(tts: Any) -> list[dict]:
    voices = []
    for v in tts.getProperty("voices") or []:
        languages = [
            lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
            for lang in (getattr(v, "languages", None) or [])
        ]
        voices.append({"id": str(v.id), "name": str(v.name or v.id), "languages": languages})
    return voices


def _find_base_voice(key: str, voices: list[dict]) -> Optional[dict]:
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
    if variant and _find_base_voice(base, voices):
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
        found = _find_base_voice(language, voices) if language else None
        if found:
            return found["id"]
        if default:
            log.warning("no voice for language %r; using the default voice %r", language, default)
            return default
        if voices:
            return voices[0]["id"]
        raise EngineUnavailable("the pyttsx3 engine reports no voices; check the speech engine install")
    requested = str(requested).strip()
    base, plus, variant = requested.partition("+") if variants else (requested, "", "")
    found = _find_base_voice(base, voices)
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
    tts = _tts_engine()
    with _LOCK:
        return _espeak_voices() if _is_espeak(tts) else _native_voices(tts)


# --------------------------------------------------------------------- engine


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


def check_wav(path: Path, words: int, rate: int, expect_rate: Optional[int] = None) -> float:
    """Open a clip and check it is usable; returns its duration in seconds.

    Raises ``_BadClip`` naming the problem: missing, unreadable, not mono
    16-bit, empty, implausibly short for its number of words, or silent.
    """
    if not path.exists():
        raise _BadClip("no file was written")
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, framerate, nframes = (
                w.getnchannels(),
                w.getsampwidth(),
                w.getframerate(),
                w.getnframes(),
            )
            frames = w.readframes(nframes)
    except (wave.Error, EOFError, OSError) as exc:
        raise _BadClip(f"not a readable WAV ({exc})") from None
    if channels != 1 or width != 2:
        raise _BadClip(f"expected mono 16-bit audio, got {channels} channel(s) at {8 * width} bits")
    if expect_rate and framerate != expect_rate:
        raise _BadClip(f"expected {expect_rate} Hz audio, got {framerate} Hz")
    if nframes <= 0 or not frames:
        raise _BadClip("empty clip (0 frames)")
    if len(frames) < nframes * width:
        raise _BadClip(f"truncated clip ({len(frames) // width} of {nframes} frames)")
    seconds = nframes / framerate
    minimum = words * MIN_SECONDS_PER_WORD * DEFAULT_RATE / rate
    if seconds < minimum:
        raise _BadClip(f"clip too short ({seconds:.2f} s for {words} words)")
    if words and not frames.strip(b"\x00"):
        # text with no word in it ("...", "—") is legitimately spoken as a pause
        raise _BadClip("clip is silent")
    return seconds


def _ieee_extended(raw: bytes) -> float:
    """The 80-bit float AIFF uses for its sample rate."""
    exponent = int.from_bytes(raw[0:2], "big")
    mantissa = int.from_bytes(raw[2:10], "big")
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)


def aiff_to_wav(src: Path, dst: Path) -> None:
    """Rewrite a 16-bit AIFF/AIFF-C (what macOS's nsss driver writes, whatever the
    file name says) as a mono 16-bit WAV.  Raises ``_BadClip`` for anything else."""
    data = src.read_bytes()
    if data[:4] != b"FORM" or data[8:12] not in (b"AIFF", b"AIFC"):
        raise _BadClip("not an AIFF file")
    comm = ssnd = None
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "big")
        if chunk == b"COMM":
            comm = data[pos + 8 : pos + 8 + size]
        elif chunk == b"SSND":
            ssnd = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
    if comm is None or ssnd is None or len(comm) < 18 or len(ssnd) < 8:
        raise _BadClip("AIFF file without sound data")
    channels = int.from_bytes(comm[0:2], "big")
    nframes = int.from_bytes(comm[2:6], "big")
    bits = int.from_bytes(comm[6:8], "big")
    framerate = int(round(_ieee_extended(comm[8:18])))
    compression = comm[18:22] if data[8:12] == b"AIFC" else b"NONE"
    if bits != 16 or channels < 1 or compression not in (b"NONE", b"twos", b"sowt"):
        raise _BadClip(f"unsupported AIFF audio ({bits}-bit, {channels} channels, {compression!r})")
    offset = int.from_bytes(ssnd[0:4], "big")
    pcm = ssnd[8 + offset : 8 + offset + nframes * channels * 2]
    samples = array("h", pcm[: len(pcm) - len(pcm) % 2])
    if (compression != b"sowt") != (sys.byteorder == "big"):
        samples.byteswap()  # AIFF is big-endian, "sowt" little-endian
    if channels > 1:
        samples = array(
            "h",
            (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels)),
        )
    with wave.open(str(dst), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(framerate)
        w.writeframes(samples.tobytes())  # wave swaps to little-endian itself if needed


class Pyttsx3Engine:
    """The default engine: pyttsx3 (espeak-ng on Linux, native voices elsewhere)."""

    name = NAME

    def __init__(self, spec: Any) -> None:
        rate = checked_rate(spec.rate)
        self.rate: int = rate
        self.language: str = spec.language or "en"
        self._tts = _tts_engine()
        self._espeak = _is_espeak(self._tts)
        with _LOCK:
            if self._espeak:
                es = _espeak_module()
                self._es = es
                voices = _espeak_voices()
                # espeak's current voice is whatever was set last: use a fixed default.
                fallback = _find_base_voice("gmw/en", voices) or _find_base_voice(
                    str(getattr(type(self._tts.proxy._driver), "_defaultVoice", "") or "en"), voices
                )
                default = fallback["id"] if fallback else None
                self.voice: str = resolve_voice(
                    spec.voice,
                    self.language,
                    voices,
                    _espeak_variants(),
                    default=default,
                    for_language=None if spec.voice else _espeak_voice_for_language(self.language),
                )
                self._driver_id = f"espeak-ng-{es.Info(None).decode('ascii', 'replace').split()[0]}"
                self._format = f"wav-{ESPEAK_SAMPLE_RATE}-mono-s16"
                self._apply_now()
            else:
                self._es = None
                voices = _native_voices(self._tts)
                self.voice = resolve_voice(
                    spec.voice, self.language, voices, default=self._tts.getProperty("voice")
                )
                module = getattr(self._tts.proxy, "_module", None)
                self._driver_id = getattr(module, "__name__", "native").rsplit(".", 1)[-1]
                self._format = "wav-native"
        self._cache_id = (
            f"{NAME}-{_package_version('pyttsx3')}/{self._driver_id}"
            f"/voice={self.voice}/rate={self.rate}/{self._format}"
        )

    def __repr__(self) -> str:
        return f"<Pyttsx3Engine {self._cache_id}>"

    def cache_id(self) -> str:
        return self._cache_id

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

        Raises ``_BadClip`` when the engine reports an error or overruns.
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
                if state["errors"] or _CALLBACK_ERRORS:
                    error = state["errors"][0] if state["errors"] else _CALLBACK_ERRORS.pop(0)
                    _CALLBACK_ERRORS.clear()
                    self._cancel()
                    raise _BadClip(f"engine error: {error}")
                if finished.is_set() and path.exists() and not self._playing():
                    break
                if not self._espeak and path.exists() and not tts.isBusy():
                    break  # native drivers block in runAndWait and may not send the event
                if time.monotonic() > deadline:
                    self._cancel()
                    raise _BadClip(f"no audio after {timeout:.0f} s")
                if finished.is_set():  # espeak's thread is winding down
                    time.sleep(_POLL)
                else:
                    finished.wait(_POLL)
            if not state["completed"]:
                raise _BadClip("synthesis was interrupted")
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
                with _LOCK:
                    self._synth_once(text, tmp, timeout)
                if not self._espeak:
                    self._to_wav(tmp)
                check_wav(tmp, words, self.rate, expect_rate)
                os.replace(tmp, wav_path)
                return
            except _BadClip as exc:
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
