"""Speech in a child process: an engine that crashes there is an error here.

Run in the build's own process, an engine whose C code crashes (espeak-ng
died with SIGSEGV on one 20,000-letter word) took ``make`` down with exit 139
and no message.  A ``ChildSpeaker`` runs the engine in a child process of
its own instead: the engines package and the engine only (not the CLI), so
it starts in a fraction of a second.  It speaks one clip per request, with
``clips.run_job``; when it dies, the clip it was making is named in one
``SynthesisError`` and the build stops there, the previous feed untouched.

One child serves every spec of its engine (voices and rates), so it can be
started before the build knows them: ``warm_speaker`` starts it and has it
load its engine (a neural model, its text front end) while the build still
reads and plans, so the first clip finds it ready.

Requests and replies are JSON lines on the child's stdin and on a copy of its
stdout: ``{"spec", "job"}`` is answered with one reply; ``{"spec", "warm"}``
with none (a failure there is met again, and reported, at the first clip).
The child's own stdout is pointed at stderr, so nothing a library prints can
break a reply.  It ends when its stdin closes (this process exited or closed it).
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import asdict
from typing import Any, Callable, Optional

from .. import errors
from ..errors import SynthesisError
from .protocol import EngineSpec, SynthJob

#: set in the child: engines warn the user once, from the parent, not again from here
CHILD_ENV = "AUDIOBRIEF_SPEECH_CHILD"

_BOOT = ("import json, sys; sys.path[:0] = json.loads(sys.argv[1]); "
         "from audiobrief.engines.child import serve; serve()")


def in_speech_child() -> bool:
    """True in a child speaker process."""
    return os.environ.get(CHILD_ENV) == "1"


class ChildSpeaker:
    """The engine ``name`` in a child process; ``speak`` makes one clip there."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._process: Optional[subprocess.Popen] = None

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            paths = [p for p in sys.path if p]
            self._process = subprocess.Popen([sys.executable, "-c", _BOOT, json.dumps(paths)],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                             encoding="utf-8")
        return self._process

    def warm(self, spec: EngineSpec) -> None:
        """Start the child and have it load ``spec``'s engine now; returns at once."""
        with self._lock:
            process = self._start()
            try:
                process.stdin.write(json.dumps({"spec": asdict(spec), "warm": True}) + "\n")
                process.stdin.flush()
            except (BrokenPipeError, OSError):
                pass  # it died: the first clip starts another and reports what goes wrong

    def speak(self, spec: EngineSpec, job: SynthJob) -> None:
        """Make ``job``'s clip in the child; its errors are raised here, a crash as a SynthesisError."""
        with self._lock:
            process = self._start()
            try:
                process.stdin.write(json.dumps({"spec": asdict(spec), "job": asdict(job)}) + "\n")
                process.stdin.flush()
                reply = process.stdout.readline()
            except (BrokenPipeError, OSError):
                reply = ""
            if not reply:
                code = process.wait()
                raise SynthesisError(f"the speech engine crashed while speaking {job.label} ({_death(code)}); "
                                     "simplify that text (very long words, unusual characters) or try another "
                                     "engine; nothing was published")
        answer = json.loads(reply)
        if "error" in answer:
            kind = getattr(errors, answer["error"], SynthesisError)
            raise kind(answer["message"])

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait()


def _death(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


_SPEAKERS: dict[str, ChildSpeaker] = {}
_SPEAKERS_LOCK = threading.Lock()


def speaker_for(spec: EngineSpec) -> ChildSpeaker:
    """The child speaker for ``spec``'s engine (one per engine per process, closed at exit)."""
    with _SPEAKERS_LOCK:
        if not _SPEAKERS:
            atexit.register(close_all)
        if spec.name not in _SPEAKERS:
            _SPEAKERS[spec.name] = ChildSpeaker(spec.name)
        return _SPEAKERS[spec.name]


def warm_speaker(spec: EngineSpec) -> None:
    """Start ``spec``'s child speaker now and have it load its engine, in the background."""
    speaker_for(spec).warm(spec)


def close_all() -> None:
    with _SPEAKERS_LOCK:
        for speaker in _SPEAKERS.values():
            speaker.close()
        _SPEAKERS.clear()


def speak_here(spec: EngineSpec, jobs: list[SynthJob], on_made: Optional[Callable[[Any], None]] = None) -> int:
    """Make ``jobs`` one after another in ``spec``'s child speaker; ``on_made(path)`` after each."""
    from pathlib import Path

    speaker = speaker_for(spec)
    for job in jobs:
        speaker.speak(spec, job)
        if on_made is not None:
            on_made(Path(job.wav_path))
    return len(jobs)


def serve() -> None:
    """The child's loop: one JSON request per line in, one reply per clip out."""
    from .clips import run_job
    from .registry import get_engine

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ[CHILD_ENV] = "1"
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into a reply
    for line in sys.stdin:
        request = json.loads(line)
        spec = EngineSpec(**request["spec"])
        if request.get("warm"):
            _warm(spec)
            continue
        job = SynthJob(**request["job"])
        try:
            run_job(get_engine(spec), job, spec.rate)
            answer: dict = {"ok": True}
        except errors.AudiobriefError as exc:
            answer = {"error": type(exc).__name__, "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - reported in the parent, named
            answer = {"error": "SynthesisError", "message": f"could not synthesise {job.label}: {exc}"}
        replies.write(json.dumps(answer) + "\n")
        replies.flush()


def _warm(spec: EngineSpec) -> None:
    """Make ``spec``'s engine and let it load what its first clip would (``warm``, if it has one)."""
    from .registry import get_engine

    try:
        engine = get_engine(spec)
        warm = getattr(engine, "warm", None)
        if warm is not None:
            warm()
    except Exception:  # noqa: BLE001 - the first clip meets the same problem and reports it
        pass
