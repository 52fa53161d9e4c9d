"""Errors a user can act on.

Library code raises these with a message that names the problem *and* the fix.
The CLI prints ``str(error)`` as one line on stderr and exits with ``exit_code``.
"""

from __future__ import annotations

import errno
from pathlib import Path


class AudiobriefError(Exception):
    """Base class: the message is shown to the user as-is, on one line."""

    exit_code = 1

    def __str__(self) -> str:  # keep it on one line whatever was passed in
        return " ".join(super().__str__().split())


class InputError(AudiobriefError):
    """The article given cannot be read or has nothing to speak."""

    exit_code = 2


class ConfigError(AudiobriefError):
    """audiobrief.toml or a command-line option is wrong."""

    exit_code = 2


class SynthesisError(AudiobriefError):
    """The speech engine could not produce a clip."""

    exit_code = 3


class EngineUnavailable(AudiobriefError):
    """An engine was asked for that is not installed or cannot start."""

    exit_code = 3


class PublishError(AudiobriefError):
    """Writing episodes, the catalog or the feed failed."""

    exit_code = 4


# ------------------------------------------------------------------ writing files

def why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full; free some space"
    if exc.errno == errno.EROFS:
        return "the folder is on a read-only file system; choose another with --out"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; fix the folder's permissions or choose another with --out"
    return f"{exc.strerror or exc}; check free space and permissions"


def write_error(path: Path, exc: OSError) -> PublishError:
    """The one-line error for a failed write: what happened and that nothing published changed."""
    return PublishError(f"cannot write {path}: {why(exc)}; the previous files are intact")


class ClusterError(AudiobriefError):
    """The Dask cluster given with --scheduler cannot be used, or was lost."""

    exit_code = 7  # 5 and 6 are a briefing's partial success and no network
