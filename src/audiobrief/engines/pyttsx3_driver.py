"""pyttsx3's driver, made safe to drive: one engine per process, its quirks patched.

* the driver prints ``Audio saved to ...`` on stdout -> ``print`` is shadowed in
  the driver module only;
* exceptions raised inside espeak's callback cannot cross ctypes -> kept in
  ``CALLBACK_ERRORS`` for the waiting synthesis;
* a pyttsx3 engine collected while espeak still calls back crashes the
  callback (upstream #219) -> one engine per process, held for its lifetime;
* the driver grows its audio buffer with ``bytes +=`` (quadratic) -> a
  ``bytearray``; and it sleeps 10 ms after every clip -> not when its loop ended.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import time
from typing import Any

from ..errors import EngineUnavailable
from . import espeak_lib

log = logging.getLogger(__name__)

# espeak is one synthesiser per process: every engine object shares it.
LOCK = threading.RLock()
TTS: Any = None  # the process's pyttsx3 engine, held so it is never collected


class BadClip(Exception):
    """One synthesis attempt produced no usable audio (retried)."""


def _quiet_print(*args: Any, **kwargs: Any) -> None:
    """Replaces ``print`` inside pyttsx3's driver module: route it to the log."""
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))


#: exceptions raised inside espeak's callback (e.g. the disk filled up while the
#: driver wrote the WAV); ctypes cannot propagate them, so they are kept here
CALLBACK_ERRORS: list[BaseException] = []


def _install_unraisable_hook() -> None:
    """Catch exceptions ctypes would print as 'Exception ignored on calling ctypes
    callback function' with a traceback: record them for the waiting synthesis."""
    previous = sys.unraisablehook
    if getattr(previous, "_audiobrief", False):
        return

    def hook(unraisable: Any) -> None:
        if "ctypes callback" in str(getattr(unraisable, "err_msg", "")) or "pyttsx3" in repr(unraisable.object):
            CALLBACK_ERRORS.append(unraisable.exc_value)
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
    global TTS
    import gc

    with LOCK:
        TTS = None
    gc.collect()


def tts_engine() -> Any:
    """The process-wide pyttsx3 engine (created on first use)."""
    global TTS
    with LOCK:
        if TTS is not None:
            return TTS
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
        if is_espeak(tts):
            _linear_buffer(tts.proxy._driver)
            module.time = _LoopClock(tts.proxy._driver)
        _install_unraisable_hook()
        import atexit

        atexit.register(_release_tts)
        TTS = tts
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


def is_espeak(tts: Any) -> bool:
    module = getattr(tts.proxy, "_module", None)
    return bool(module is not None and module.__name__.endswith(".espeak"))


def espeak_module() -> Any:
    return importlib.import_module("pyttsx3.drivers._espeak")

