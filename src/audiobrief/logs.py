"""Log records -> the command line's own message lines.

The library reports through :mod:`logging` (``log.warning(...)``); nothing in
the package configured it, so the first root-level call by a library
(pyttsx3's espeak driver calls ``logging.debug``) ran ``logging.basicConfig``
and every later record came out as ``WARNING:audiobrief.engines.clips:...``.
:func:`route_warnings` puts one handler on the root logger first, so
``basicConfig`` finds it and adds none, and every record of WARNING or worse,
ours or a library's, is one line in the CLI's convention: ``warning: ...``
(``error: ...`` for errors).
"""

from __future__ import annotations

import logging
import sys


class _MessageLines(logging.Handler):
    """Writes each record as ``warning: <message>`` on one line of stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            label = "error" if record.levelno >= logging.ERROR else "warning"
            message = " ".join(record.getMessage().split())
            # sys.stderr as it is now: a test runner or a progress display may have replaced it
            print(f"{label}: {message}", file=sys.stderr, flush=True)
        except Exception:  # noqa: BLE001 - logging's own rule: a failing handler reports, never raises
            self.handleError(record)


def route_warnings() -> None:
    """Send WARNING and worse from every logger to stderr as one ``warning: ...`` line.
    Idempotent: the CLI calls it for each command, each speech worker once."""
    root = logging.getLogger()
    if not any(isinstance(handler, _MessageLines) for handler in root.handlers):
        root.addHandler(_MessageLines(logging.WARNING))
