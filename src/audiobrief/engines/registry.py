"""The engines by name: registration, lazy import, one engine per spec per process.

An engine is registered with the module that implements it, the command that
installs what it needs, and the import names of the packages it runs on (the
build stamps their installed files, so installing or upgrading one re-speaks).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import ConfigError, EngineUnavailable
from .protocol import Engine, EngineSpec


@dataclass(frozen=True)
class Registration:
    name: str
    #: the module providing ``create(spec)`` and ``list_voices()``
    module: str
    #: the command that installs the engine's dependencies
    install: str
    #: top-level import names of the packages the engine runs on
    packages: tuple[str, ...]


_REGISTRY: dict[str, Registration] = {}

#: one engine per spec per process (espeak is a per-process singleton anyway)
_ENGINES: dict[EngineSpec, Engine] = {}


def register_engine(name: str, module: str, install: str, packages: tuple[str, ...] = ()) -> None:
    """Make an engine available by name; ``install`` is the command that fixes
    a missing dependency, e.g. ``pip install 'audiobrief[piper]'``."""
    _REGISTRY[name] = Registration(name, module, install, tuple(packages))


def known_engines() -> list[str]:
    return sorted(_REGISTRY)


def engine_distributions() -> tuple[str, ...]:
    """The packages every registered engine runs on (top-level import names,
    as ``cache.installed_files`` takes them), installed or not: the build's
    stamps cover their installed files."""
    names: dict[str, None] = {}
    for name in known_engines():
        names.update(dict.fromkeys(_REGISTRY[name].packages))
    return tuple(names)


def install_hint(name: str) -> str:
    """The command that installs engine ``name``."""
    return _REGISTRY[name].install


def engine_module(name: str) -> Any:
    """The module implementing engine ``name``, imported now."""
    try:
        entry = _REGISTRY[name]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown engine {name!r}; known engines: {', '.join(known_engines())}"
        ) from None
    try:
        return importlib.import_module(entry.module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and (entry.module == missing or entry.module.startswith(missing + ".")):
            raise  # our own module is missing: a packaging bug, not a user error
        raise EngineUnavailable(
            f"engine {name!r} needs the {missing or 'missing'} package; install it with `{entry.install}`"
        ) from exc


def get_engine(spec: EngineSpec) -> Engine:
    """The engine for ``spec``, created on first use and reused in this process.

    Raises ``ConfigError`` for an unknown engine name, voice or rate, and
    ``EngineUnavailable`` (naming the ``pip install`` that fixes it) when the
    engine's dependencies are missing.
    """
    engine = _ENGINES.get(spec)
    if engine is None:
        engine = engine_module(spec.name).create(spec)
        _ENGINES[spec] = engine
    return engine


def engine_cache_id(spec: EngineSpec) -> str:
    """The cache id of ``spec``'s engine (creates the engine if needed)."""
    return get_engine(spec).cache_id()


def list_voices(spec_name: str = "pyttsx3") -> list[dict]:
    """``[{"id", "name", "languages", "sample_rate"}]`` for the named engine."""
    return engine_module(spec_name).list_voices()


def all_voices() -> list[tuple[str, Optional[list[dict]], Optional[str]]]:
    """``(engine, voices, problem)`` for every known engine: ``voices`` is None
    and ``problem`` says why (with the install command) when it is not available."""
    result: list[tuple[str, Optional[list[dict]], Optional[str]]] = []
    for name in known_engines():
        try:
            result.append((name, list_voices(name), None))
        except EngineUnavailable as exc:
            result.append((name, None, str(exc)))
    return result
