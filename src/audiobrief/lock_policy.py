"""How a run behaves when another run holds the output folder's lock: a setting, nothing more.

The CLI sets it once (``--wait/--no-wait`` and how a waiting run says so);
:mod:`audiobrief.lock` reads it when a run takes a folder's lock. It lives
apart from the lock so that setting it loads none of what taking a lock
needs (the memos, the lock files' place, filelock): most commands never
write a folder.
"""

from __future__ import annotations

from typing import Callable, Optional


class LockPolicy:
    """What a run does when another run holds the folder it writes."""

    def __init__(self) -> None:
        #: queue behind the run that holds the folder (True) or stop at once (False, ``--no-wait``)
        self.wait: bool = True
        #: called with one line when a run waits, breaks a stale lock or finds an interrupted run
        self.on_wait: Optional[Callable[[str], None]] = None

    def say(self, message: str) -> None:
        if self.on_wait is not None:
            self.on_wait(message)


#: the process's one policy; :func:`configure_lock` changes it
POLICY = LockPolicy()


def configure_lock(wait: Optional[bool] = None, on_wait: Optional[Callable[[str], None]] = None) -> None:
    """Set how :func:`audiobrief.lock.publish_lock` behaves when another run holds the folder.

    ``wait=False``: fail at once with a PublishError. ``on_wait(message)`` is
    called when a run starts waiting (the CLI prints it). None leaves a setting as it is.
    """
    if wait is not None:
        POLICY.wait = wait
    if on_wait is not None:
        POLICY.on_wait = on_wait
