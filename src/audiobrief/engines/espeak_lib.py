"""Make pyttsx3's espeak driver use the libespeak-ng bundled by ``espeakng-loader``.

pyttsx3 loads ``libespeak-ng.so.1`` by its soname.  The ``espeakng-loader`` wheel
ships libespeak-ng 1.52 (soname ``libespeak-ng.so.1``) and its data, so loading
that copy *before* pyttsx3 is imported makes pyttsx3's own ``dlopen`` find it
(glibc matches an already loaded library by its soname): no system package is
needed.  It is loaded ``RTLD_LOCAL``: with ``RTLD_GLOBAL`` its ``espeak_*``
symbols would take the place of the espeak-ng built into piper-tts (the piper
engine) in the same process, which then crashed (segfault, measured).

The library reads its data folder from ``ESPEAK_DATA_PATH``.  If the folder is
missing or wrong, ``espeak_Initialize`` calls ``exit(1)``: the process dies
without an exception.  So the path is set (and checked) here, before anything
can call into the library.

Only Linux needs this; macOS and Windows use pyttsx3's native drivers.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
from pathlib import Path
from typing import Optional

from ..errors import EngineUnavailable

_INSTALL_HINT = "pip install espeakng-loader"

#: keeps the preloaded library alive for the life of the process
_handle: Optional[ctypes.CDLL] = None
_library_path: Optional[str] = None


def needed() -> bool:
    """True on platforms where pyttsx3 uses libespeak-ng (Linux)."""
    return platform.system() == "Linux"


def _has_data(folder: str) -> bool:
    """espeak-ng accepts either the data folder or a folder containing ``espeak-ng-data``."""
    path = Path(folder)
    return (path / "phontab").is_file() or (path / "espeak-ng-data" / "phontab").is_file()


def preload() -> Optional[str]:
    """Point espeak-ng at the bundled data and load the bundled library, once.

    Returns the path of the library loaded (``None`` where nothing is needed).
    Raises ``EngineUnavailable`` with the fix when it cannot be done.  Safe to
    call many times and from spawned worker processes.
    """
    global _handle, _library_path
    if _handle is not None or not needed():
        return _library_path

    try:
        import espeakng_loader
    except ImportError as exc:
        raise EngineUnavailable(
            "the pyttsx3 engine needs the espeak-ng library on Linux; "
            f"install it with `{_INSTALL_HINT}`"
        ) from exc

    env_path = os.environ.get("ESPEAK_DATA_PATH")
    if env_path:
        # A wrong value makes the library call exit(1): refuse it with a message instead.
        if not _has_data(env_path):
            raise EngineUnavailable(
                f"ESPEAK_DATA_PATH={env_path!r} holds no espeak-ng data (no phontab); "
                "unset ESPEAK_DATA_PATH to use the data bundled with espeakng-loader"
            )
    else:
        try:
            data_path = espeakng_loader.get_data_path()
        except Exception as exc:  # the wheel raises RuntimeError when its data is missing
            raise EngineUnavailable(
                f"espeakng-loader has no espeak-ng data ({exc}); "
                f"reinstall it with `pip install --force-reinstall espeakng-loader`"
            ) from exc
        os.environ["ESPEAK_DATA_PATH"] = data_path

    if "pyttsx3.drivers._espeak" in sys.modules:
        # pyttsx3 already found a library on its own; loading a second copy would not help.
        _library_path = getattr(sys.modules["pyttsx3.drivers._espeak"].dll, "_name", None)
        _handle = sys.modules["pyttsx3.drivers._espeak"].dll
        return _library_path

    library_path = espeakng_loader.get_library_path()
    try:
        _handle = ctypes.CDLL(library_path, mode=ctypes.RTLD_LOCAL)
    except OSError as exc:
        raise EngineUnavailable(
            f"cannot load the espeak-ng library bundled with espeakng-loader ({exc}); "
            "reinstall it with `pip install --force-reinstall espeakng-loader`"
        ) from exc
    _library_path = library_path
    return _library_path
