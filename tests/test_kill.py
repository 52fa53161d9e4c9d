"""Kill test: SIGKILL `make` at 34 moments spread over the build, including
inside the MP3, catalog and feed writes, and check the published state after
every kill: feed.xml parses, the catalog loads, every listed episode has its
MP3 with the right size and length, and a re-run completes.

Precise kills use the fault-injection hooks in audiobrief.fsutil:
AUDIOBRIEF_TRACE records each write step (begin / synced / renamed) and
AUDIOBRIEF_SLOW_WRITES pauses after it, so the kill lands right at that step.
The other kills are at times spread evenly over a measured build.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from statecheck import leftover_temps, published_state

PAUSE = 0.05  # seconds each write step pauses in the traced runs


def article(title: str, version: int) -> str:
    return (
        f"{title}\n\n"
        f"This is version {version} of a short article about river gauges and flood warnings.\n\n"
        f"Upstream Readings\n\n"
        f"Gauge number {version + 3} reported a rise of {version} centimetres overnight, the engineers said.\n\n"
        f"The council will publish update {version} of its plan on the next working day.\n"
    )


def start_make(src: Path, out: Path, trace: Path | None) -> subprocess.Popen:
    env = {**os.environ, "COLUMNS": "200"}
    if trace is not None:
        env["AUDIOBRIEF_TRACE"] = str(trace)
        env["AUDIOBRIEF_SLOW_WRITES"] = str(PAUSE)
    return subprocess.Popen([sys.executable, "-m", "audiobrief", "make", str(src), "--out", str(out), "-j", "1",
                             "--base-url", "https://example.org/pod/"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rerun(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audiobrief", "make", str(src), "--out", str(out), "-j", "1",
                           "--base-url", "https://example.org/pod/"], capture_output=True, text=True, timeout=180)


def kill_at_event(proc: subprocess.Popen, trace: Path, event: str, deadline: float = 120) -> bool:
    """SIGKILL ``proc`` as soon as ``event`` (e.g. 'synced episodes.json') is traced."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if trace.exists() and event in trace.read_text().splitlines():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    raise AssertionError(f"{event} never happened")


def kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    try:
        proc.wait(timeout=seconds)
        return False  # finished before the kill
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


EVENTS = [f"{step} {name}" for name in ("MP3", "episodes.json", "feed.xml") for step in ("begin", "synced", "renamed")]


def test_sigkill_at_34_moments_never_leaves_a_broken_state(tmp_path):
    out = tmp_path / "episodes"
    main = tmp_path / "river.txt"
    main.write_text(article("River Gauges Rise", 0))
    first = rerun(main, out)
    assert first.returncode == 0, first.stderr
    # how long a traced build takes (update path, new clips), to spread the timed kills over it
    main.write_text(article("River Gauges Rise", 1))
    began = time.monotonic()
    reference = start_make(main, out, tmp_path / "reference.trace")
    assert reference.wait(timeout=180) == 0
    build_seconds = time.monotonic() - began
    steps = (tmp_path / "reference.trace").read_text().split()
    assert "episodes.json" in steps and "feed.xml" in steps

    plan: list[tuple[str, object]] = []
    for event in EVENTS:  # each write step, on the update path and on the new-episode path
        plan += [("update", event), ("new", event)]
    timed = 16  # spread over the first 90% of a build: start-up, reading, speaking, mixing, publishing
    plan += [("update" if i % 2 else "new", 0.9 * build_seconds * (i + 0.5) / timed) for i in range(timed)]

    kills, broken, finished_early = 0, [], 0
    for k, (path_kind, target) in enumerate(plan, start=2):
        src = main if path_kind == "update" else tmp_path / f"new-{k}.txt"
        src.write_text(article("River Gauges Rise" if path_kind == "update" else f"Harbour Notice {k}", k))
        trace = tmp_path / f"kill-{k}.trace"
        proc = start_make(src, out, trace)
        if isinstance(target, str):
            mp3_event = target.replace("MP3", "")  # the MP3's name is not known in advance
            if target.startswith(("begin MP3", "synced MP3", "renamed MP3")):
                killed = _kill_at_mp3(proc, trace, mp3_event.strip())
            else:
                killed = kill_at_event(proc, trace, target)
        else:
            killed = kill_after(proc, target)
        kills += killed
        finished_early += not killed
        problems = published_state(out)
        if problems:
            broken.append((k, path_kind, target, problems))
        again = rerun(src, out)
        if again.returncode != 0:
            broken.append((k, path_kind, target, [f"re-run failed: {again.stderr.strip()}"]))
            continue
        problems = published_state(out) + [f"leftover temp {p}" for p in leftover_temps(out)]
        titles = [e["title"] for e in json.loads((out / "episodes.json").read_text())["episodes"]]
        if (("River Gauges Rise" if path_kind == "update" else f"Harbour Notice {k}") not in titles):
            problems.append("episode missing after the re-run")
        if problems:
            broken.append((k, path_kind, target, ["after re-run"] + problems))
    summary = {"kills": kills, "finished_before_kill": finished_early, "broken_states": len(broken)}
    print("kill test:", json.dumps(summary))
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    assert not broken, broken
    assert kills >= 30, summary


def _kill_at_mp3(proc: subprocess.Popen, trace: Path, step: str) -> bool:
    end = time.monotonic() + 120
    while time.monotonic() < end:
        if trace.exists() and any(line.startswith(step + " ") and line.endswith(".mp3")
                                  for line in trace.read_text().splitlines()):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    raise AssertionError(f"{step} of the MP3 never happened")


# -- worker processes do not outlive a killed run ------------------------------------------------

def _children(pid: int) -> list[int]:
    """Children of every thread of ``pid`` (speech workers are started by a thread of their own)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass  # the thread ended
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's reaping is left


def _workers_of(proc: subprocess.Popen, count: int, deadline: float = 120) -> list[int]:
    end = time.monotonic() + deadline
    while time.monotonic() < end and proc.poll() is None:
        spawned = [pid for pid in _children(proc.pid)
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        if len(spawned) >= count:
            return spawned
        time.sleep(0.02)
    return []


def _assert_all_end(pids: list[int], within: float = 20) -> None:
    end = time.monotonic() + within
    while time.monotonic() < end and any(map(_alive, pids)):
        time.sleep(0.1)
    assert not [pid for pid in pids if _alive(pid)], "worker processes outlived the killed run"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_speech_workers_end_when_make_is_killed(tmp_path):
    src = tmp_path / "workers.txt"
    src.write_text("\n\n".join([article("Worker Check", 1)] + [
        f"Part {n}\n\nThe gauge at bridge {n} rose again overnight, and the crews checked it twice before dawn."
        for n in range(12)]) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "audiobrief", "make", str(src), "--out", str(tmp_path / "out"),
                             "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = _workers_of(proc, 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert workers, "make finished before its speech workers were seen"
    _assert_all_end(workers)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_render_workers_end_when_their_parent_is_killed(tmp_path):
    """The process pool long episodes render in (pipeline.make_executor)."""
    code = ("import time\n"
            "from audiobrief.pipeline import make_executor\n"
            "if __name__ == '__main__':\n"
            "    pool = make_executor(2, processes=True)\n"
            "    [f.result() for f in [pool.submit(time.sleep, 0.01) for _ in range(4)]]\n"
            "    print('ready', flush=True)\n"
            "    time.sleep(120)\n")
    script = tmp_path / "pool.py"
    script.write_text(code)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    workers = _workers_of(proc, 2, deadline=10)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(workers) == 2
    _assert_all_end(workers)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_ctrl_c_during_a_batch_says_so_in_one_line_and_leaves_the_feed_sound(tmp_path):
    out = tmp_path / "out"
    first = tmp_path / "first.txt"
    first.write_text(article("Gauge Report", 1))
    assert rerun(first, out).returncode == 0
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(article(f"Bridge Report {n}", n + 2))
    # each worker's first clip hangs (engines._fault): the interrupt surely lands while they work
    env = {**os.environ, "AUDIOBRIEF_FAULT": f"hang:{tmp_path / 'hang'}:2"}
    proc = subprocess.Popen([sys.executable, "-m", "audiobrief", "make", str(folder), "--out", str(out), "-j", "2",
                             "--base-url", "https://example.org/pod/"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)
    workers = _workers_of(proc, 2)
    assert workers, "make finished before its speech workers were seen"
    assert _wait_until_started(workers), "the speech workers ended before they could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the whole group
    _, err = proc.communicate(timeout=30)  # hung clips are not waited for
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("interrupted;") and "Traceback" not in err
    assert published_state(out) == []
    _assert_all_end(workers)


def _wait_until_started(pids: list[int], within: float = 10) -> bool:
    """Until each worker's initializer has run (it ignores SIGINT from then on);
    False if one ended first. Past ``within``, True: the interrupt is sent anyway."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        masks = []
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                return False
            masks.append(int(status.split("SigIgn:")[1].split()[0], 16))
        if all(mask & (1 << (signal.SIGINT - 1)) for mask in masks):
            return True
        time.sleep(0.01)
    return True


def test_idle_workers_leave_ctrl_c_to_their_parent(tmp_path):
    """A terminal's Ctrl-C reaches every process of the group; a spawned worker waiting
    for its next job used to die of it, printing a KeyboardInterrupt traceback."""
    script = tmp_path / "pool.py"
    script.write_text(
        "import os, signal, time\n"
        "from audiobrief.pipeline import make_executor\n"
        "if __name__ == '__main__':\n"
        "    pool = make_executor(2, processes=True)\n"
        "    [f.result() for f in [pool.submit(time.sleep, 0.05) for _ in range(4)]]\n"
        "    for pid in list(pool._processes):\n"
        "        os.kill(pid, signal.SIGINT)\n"
        "    time.sleep(0.5)\n"
        "    print(pool.submit(pow, 2, 10).result(timeout=30), flush=True)\n"
        "    pool.shutdown()\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "1024", result.stderr
    assert "Traceback" not in result.stderr
