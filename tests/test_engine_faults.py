"""Engine faults through the CLI, injected with AUDIOBRIEF_FAULT (see
audiobrief.engines._fault): a hung synthesis is killed after its timeout and
retried, a dead worker is replaced, a silent clip is detected and made again.
Every run must still give a complete, correct episode, or a clear error that
names the section."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import user_cache
from statecheck import published_state


def _article(folder: Path) -> Path:
    path = folder / "faults.txt"
    path.write_text("Fault Drill\n\nThe first paragraph is spoken by one worker or another.\n\n"
                    "Second Section\n\nThe second paragraph should arrive intact whatever happens.\n\n"
                    "Third Section\n\nA third paragraph closes the drill.\n")
    return path


def _make(src: Path, out: Path, fault: str, timeout: str = "3,0.05") -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "AUDIOBRIEF_FAULT": fault, "AUDIOBRIEF_SYNTH_TIMEOUT": timeout}
    return subprocess.run([sys.executable, "-m", "audiobrief", "make", str(src), "--out", str(out), "-j", "2"],
                          capture_output=True, text=True, env=env, timeout=300)


def _durations(out: Path) -> list[float]:
    return [e["duration"] for e in json.loads((out / "episodes.json").read_text())["episodes"]]


def test_a_hung_synthesis_is_killed_and_retried(tmp_path):
    reference = subprocess.run([sys.executable, "-m", "audiobrief", "make", str(_article(tmp_path)), "--out",
                                str(tmp_path / "ref"), "-j", "2", "--cache-dir", str(tmp_path / "ref-cache")],
                               capture_output=True, text=True, timeout=300)  # its clips must not serve the run below
    assert reference.returncode == 0, reference.stderr
    began = time.monotonic()
    result = _make(_article(tmp_path), tmp_path / "out", f"hang:{tmp_path / 'hang'}:1")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "hang.1").exists()  # the fault did fire
    assert time.monotonic() - began < 120
    assert published_state(tmp_path / "out") == []
    [made], [ref] = _durations(tmp_path / "out"), _durations(tmp_path / "ref")
    assert abs(made - ref) < 0.2  # nothing missing from the episode (espeak varies by a few ms)


def test_a_synthesis_that_always_hangs_names_the_section(tmp_path):
    result = _make(_article(tmp_path), tmp_path / "out", f"hang:{tmp_path / 'hang'}:99", timeout="2,0")
    assert result.returncode == 3
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "hung" in lines[0] and ("section" in lines[0] or "intro" in lines[0] or "outro" in lines[0])
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "episodes.json").exists()


def test_a_dead_worker_is_replaced(tmp_path):
    result = _make(_article(tmp_path), tmp_path / "out", f"die:{tmp_path / 'die'}:2")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "die.2").exists()
    assert published_state(tmp_path / "out") == []


def test_a_silent_clip_is_detected_and_made_again(tmp_path):
    result = _make(_article(tmp_path), tmp_path / "out", f"silent:{tmp_path / 'silent'}:2")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "silent.2").exists()
    out = tmp_path / "out"
    assert published_state(out) == []
    # every cached clip has sound in it
    import wave
    from array import array

    for clip in user_cache().rglob("*.wav"):
        with wave.open(str(clip)) as w:
            samples = array("h", w.readframes(w.getnframes()))
        assert max(abs(s) for s in samples) > 1000, clip


def test_in_process_silent_clips_are_made_again_too(tmp_path):
    env = {**os.environ, "AUDIOBRIEF_FAULT": f"silent:{tmp_path / 'silent'}:1"}
    result = subprocess.run([sys.executable, "-m", "audiobrief", "make", str(_article(tmp_path)), "--out",
                             str(tmp_path / "out"), "-j", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "silent.1").exists()
    assert published_state(tmp_path / "out") == []
