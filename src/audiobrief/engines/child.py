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
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from .. import errors
from ..errors import SynthesisError
from .clips import run_job
from .protocol import EngineSpec, SynthJob
from .registry import get_engine

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
        self._spoke = False  # whether it was asked for a clip (else it was only warmed)

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

    def speak(self, spec: EngineSpec, jobs: Sequence[SynthJob],
              on_made: Optional[Callable[[Path], None]] = None) -> None:
        """Make ``jobs``' clips in the child (some engines make several at once there);
        ``on_made(path)`` is called here for each good clip as the child reports it.
        The first error is raised once the child has answered for every clip (after an
        error it starts no more); a crash is a SynthesisError naming a clip not made."""
        with self._lock:
            process = self._start()
            self._spoke = True
            answered: set[int] = set()
            failure: Optional[dict] = None
            try:
                process.stdin.write(json.dumps({"spec": asdict(spec), "jobs": [asdict(j) for j in jobs]}) + "\n")
                process.stdin.flush()
                while len(answered) < len(jobs):
                    reply = process.stdout.readline()
                    if not reply:
                        break
                    answer = json.loads(reply)
                    answered.add(answer["index"])
                    if "error" in answer:
                        failure = failure or answer
                    elif answer.get("ok") and on_made is not None:
                        on_made(Path(jobs[answer["index"]].wav_path))
            except (BrokenPipeError, OSError):
                pass
            if failure is None and len(answered) < len(jobs):
                label = next(job.label for index, job in enumerate(jobs) if index not in answered)
                raise SynthesisError(f"the speech engine crashed while speaking {label} ({_death(process.wait())}); "
                                     "simplify that text (very long words, unusual characters) or try another "
                                     "engine; nothing was published")
        if failure is not None:
            raise getattr(errors, failure["error"], SynthesisError)(failure["message"])

    def close(self) -> None:
        """End the child.  One that was only warmed (the build failed or had nothing to
        say) is stopped at once rather than waited for: it may still be loading."""
        if self._process is not None and self._process.poll() is None:
            self._process.stdin.close()
            if not self._spoke:
                self._process.terminate()
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
    """Make ``jobs`` in ``spec``'s child speaker; ``on_made(path)`` after each good clip."""
    if jobs:
        speaker_for(spec).speak(spec, jobs, on_made)
    return len(jobs)


def serve() -> None:
    """The child's loop: one JSON request per line in, one reply per clip out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ[CHILD_ENV] = "1"
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into a reply
    for line in sys.stdin:
        request = json.loads(line)
        spec = EngineSpec(**request["spec"])
        if request.get("warm"):
            _warm(spec)
        else:
            _speak_all(spec, [SynthJob(**job) for job in request["jobs"]], replies)
    # stdin closed: every clip is written and answered, so nothing is left to save. Leave at once
    # instead of tearing the engine down (onnxruntime, numpy), which the parent would wait for.
    replies.flush()
    sys.stderr.flush()
    os._exit(0)


def clips_at_once(engine: Any, jobs: int) -> int:
    """How many clips the child makes at once: one, unless the engine says it may make
    more (``clips_at_once``), and never more than the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(int(getattr(engine, "clips_at_once", 1)), cores, jobs))


def _speak_all(spec: EngineSpec, jobs: list[SynthJob], replies: Any) -> None:
    """Make the clips, replying for each one as it is done; after an error no more are started."""
    from concurrent.futures import ThreadPoolExecutor

    failed = threading.Event()
    writing = threading.Lock()
    try:
        engine, problem = get_engine(spec), None
    except Exception as exc:  # noqa: BLE001 - answered for the first clip
        engine, problem = None, exc

    def one(index: int) -> None:
        answer: dict = {"index": index, "skipped": True}
        if not failed.is_set():
            try:
                if problem is not None:
                    raise problem
                run_job(engine, jobs[index], spec.rate)
                answer = {"index": index, "ok": True}
            except errors.AudiobriefError as exc:
                answer = {"index": index, "error": type(exc).__name__, "message": str(exc)}
            except Exception as exc:  # noqa: BLE001 - reported in the parent, named
                answer = {"index": index, "error": "SynthesisError",
                          "message": f"could not synthesise {jobs[index].label}: {exc}"}
            if "error" in answer:
                failed.set()
        with writing:
            replies.write(json.dumps(answer) + "\n")
            replies.flush()

    threads = clips_at_once(engine, len(jobs))
    if threads == 1:
        for index in range(len(jobs)):
            one(index)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="audiobrief-clip") as pool:
        list(pool.map(one, range(len(jobs))))


def _warm(spec: EngineSpec) -> None:
    """Make ``spec``'s engine and let it load what its first clip would (``warm``, if it has one)."""
    try:
        engine = get_engine(spec)
        warm = getattr(engine, "warm", None)
        if warm is not None:
            warm()
    except Exception:  # noqa: BLE001 - the first clip meets the same problem and reports it
        pass
