"""What a neural engine needs to know about its installed files, without importing it.

The parent of a build only needs an engine's cache id (its package version
and a hash of its model file) and its voices' languages; importing the
engine's package for that (hibari pulls in numpy, scipy and onnxruntime) cost
the build's critical path a third of a second.  These helpers find a
package's folder and version from its installed metadata instead, and hash a
model file once per process for each (path, size, mtime).
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Optional

_HASHES: dict[tuple[str, int, int], str] = {}


def package_folder(name: str) -> Optional[Path]:
    """The folder of the installed package ``name`` (found, not imported), or None."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def distribution_version(distribution: str) -> str:
    """The installed version of ``distribution`` (its PyPI name), or "unknown"."""
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - Python < 3.8
        return "unknown"
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def file_sha256(*paths: Path) -> str:
    """The SHA-256 of one file; of several, the SHA-256 of their SHA-256s.  Each
    file is read once per process for each (path, size, mtime): a changed file
    is read again."""
    hexdigests = [_one_sha256(Path(path)) for path in paths]
    if len(hexdigests) == 1:
        return hexdigests[0]
    return hashlib.sha256("".join(hexdigests).encode()).hexdigest()


def _one_sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _HASHES:
        one = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                one.update(block)
        _HASHES[key] = one.hexdigest()
    return _HASHES[key]
