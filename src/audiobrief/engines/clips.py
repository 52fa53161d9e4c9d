"""One clip made and checked: the path every synthesis takes, in a worker or here.

``run_job`` bounds the text (``bounds.bound_text``), calls the engine, and
checks what it wrote: a clip that is missing, empty, silent or too short for
its words is made again, up to ``ATTEMPTS`` times.  Every failure names the
job's label (article and section).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import wave
from pathlib import Path
from typing import Optional

from ..errors import PublishError, SynthesisError
from ..fsutil import disk_is_full
from .bounds import bound_text
from .protocol import DEFAULT_RATE, Engine, SynthJob

log = logging.getLogger(__name__)

FIX = "try again, set workers to 1, or simplify that text (very long paragraphs, unusual characters)"

#: tries per clip: a clip that comes out silent or truncated, or whose worker
#: hangs, is made again up to this many times in all
ATTEMPTS = 3
#: a clip shorter than this per word (at 175 wpm, scaled by the rate) is truncated;
#: real speech is ~0.3 s per word, espeak's fastest ("a a a ...") 0.05 s
MIN_SECONDS_PER_WORD = 0.025
#: peak sample below which a clip with words in it counts as silent
SILENT_PEAK = 16
#: what a piece with nothing left to say becomes (every token dropped by the bound)
PAUSE_SECONDS = 0.2


def job_timeout(text: str) -> float:
    """Seconds a clip may take before its worker counts as hung: scales with the
    text. ``AUDIOBRIEF_SYNTH_TIMEOUT="base,per_word"`` overrides (tests)."""
    base, per_word = 40.0, 0.2
    override = os.environ.get("AUDIOBRIEF_SYNTH_TIMEOUT")
    if override:
        first, _, second = override.partition(",")
        base, per_word = float(first), float(second or 0)
    words = len(text.split())
    return base + per_word * words + (words / 1000) ** 2


def clip_problem(path: Path, text: str, rate: Optional[int]) -> Optional[str]:
    """What is wrong with a finished clip (None when it is usable): missing,
    unreadable, empty, silent, or too short for its number of words."""
    try:
        with wave.open(str(path), "rb") as w:
            width, nframes, framerate = w.getsampwidth(), w.getnframes(), w.getframerate()
            frames = w.readframes(nframes)
    except FileNotFoundError:
        return "no file was written"
    except (wave.Error, EOFError, OSError) as exc:
        return f"not a readable WAV ({exc})"
    if nframes <= 0 or not frames:
        return "empty clip (0 frames)"
    if len(frames) < nframes * width:
        return f"truncated clip ({len(frames) // width} of {nframes} frames)"
    words = len(re.findall(r"\w+", text))
    seconds = nframes / framerate
    if seconds < words * MIN_SECONDS_PER_WORD * DEFAULT_RATE / (rate or DEFAULT_RATE):
        return f"clip too short ({seconds:.2f} s for {words} words)"
    if words and width == 2:
        import numpy as np

        samples = np.frombuffer(frames, dtype="<i2", count=len(frames) // 2)
        if int(samples.max(initial=0)) < SILENT_PEAK and -int(samples.min(initial=0)) < SILENT_PEAK:
            return "clip is silent"
    return None


def fault(kind: str) -> bool:
    """Fault injection for the tests: ``AUDIOBRIEF_FAULT=kind:/path/counter:N``
    fires the first N times ``kind`` (hang, die, silent, segv) is reached, across
    processes. Unset in normal use."""
    spec = os.environ.get("AUDIOBRIEF_FAULT", "")
    if not spec.startswith(kind + ":"):
        return False
    _, counter, times = spec.rsplit(":", 2) if spec.count(":") >= 2 else (kind, spec[len(kind) + 1:], "1")
    for n in range(1, int(times) + 1):
        try:
            os.close(os.open(f"{counter}.{n}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            continue
    return False


def write_silence(path: Path, seconds: float, rate: Optional[int]) -> None:
    """A silent mono 16-bit WAV (a pause, or a fault injected by the tests)."""
    frames = int((rate or 22050) * seconds)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate or 22050)
        w.writeframes(b"\x00\x00" * frames)


def run_job(engine: Engine, job: SynthJob, rate: Optional[int] = None) -> None:
    """Make one clip and check it; a silent or truncated clip is made again.
    Every failure names the job's label."""
    path = Path(job.wav_path)
    bounded = bound_text(job.text)
    for dropped in bounded.dropped:
        log.warning("%s: %s", job.label, dropped.reason)
    text = bounded.text
    if bounded.dropped and not re.search(r"\w", text):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_silence(path, PAUSE_SECONDS, getattr(engine, "sample_rate", None))
        return
    if fault("segv"):
        os.kill(os.getpid(), signal.SIGSEGV)  # stands in for a crash in an engine's C code
    problems = []
    for attempt in range(1, ATTEMPTS + 1):
        try:
            engine.synthesize(text, path)
        except SynthesisError as exc:
            _raise_if_disk_full(job, path)
            raise SynthesisError(f"could not synthesise {job.label}: {exc}; {FIX}") from exc
        except OSError as exc:
            _raise_if_disk_full(job, path)
            raise SynthesisError(
                f"could not write the clip for {job.label} to {job.wav_path} "
                f"({exc.strerror or exc}); check the folder is writable and the disk has space"
            ) from exc
        if fault("silent"):
            write_silence(path, 0.2, 22050)
        problem = clip_problem(path, text, rate)
        if problem is None:
            return
        _raise_if_disk_full(job, path)
        problems.append(f"attempt {attempt}: {problem}")
        log.warning("clip for %s was bad (%s); making it again", job.label, problem)
        try:
            path.unlink()
        except OSError:
            pass
    raise SynthesisError(f"could not synthesise {job.label}: {'; '.join(problems)}; {FIX}")


def _raise_if_disk_full(job: SynthJob, path: Path) -> None:
    """A clip that failed because the disk filled up is a disk problem, not a speech one."""
    if disk_is_full(path.parent):
        raise PublishError(f"cannot write the clip for {job.label} in {path.parent}: the disk is full; "
                           "free some space; the previous files are intact")
