"""The speech child starts, and loads its engine, while the build still reads and plans."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from audiobrief import speaking
from audiobrief.config import Config
from audiobrief.engines import EngineSpec, SynthJob
from audiobrief.engines.child import speak_here
from audiobrief.engines import child


@pytest.mark.parametrize("articles, workers, cluster, started", [
    (1, None, None, True), (1, 1, None, True), (2, None, None, False), (1, 2, None, False), (1, None, "c", False),
])
def test_only_a_build_that_speaks_in_this_process_starts_early(articles, workers, cluster, started, monkeypatch):
    seen: list[EngineSpec] = []
    monkeypatch.setattr(speaking, "warm_speaker", seen.append)
    speaking.start_early(Config(engine="hibari", rate=200), articles, workers, cluster)
    assert seen == ([EngineSpec("hibari", None, 200, "en")] if started else [])


def test_one_child_speaks_every_voice_and_rate_of_its_engine(tmp_path):
    jobs = {rate: SynthJob(f"Spoken at {rate} words a minute.", str(tmp_path / f"{rate}.wav"), f"r{rate}")
            for rate in (120, 240)}
    child.close_all()
    child.warm_speaker(EngineSpec("pyttsx3", rate=120))
    for rate, job in jobs.items():
        speak_here(EngineSpec("pyttsx3", rate=rate), [job])
    assert len(child._SPEAKERS) == 1
    sizes = {rate: Path(job.wav_path).stat().st_size for rate, job in jobs.items()}
    assert sizes[120] > 1.5 * sizes[240], sizes  # each clip at its own rate
    child.close_all()


def test_a_warm_up_that_fails_is_reported_by_the_first_clip(tmp_path):
    spec = EngineSpec("pyttsx3", voice="no-such-voice-anywhere")
    child.warm_speaker(spec)
    with pytest.raises(Exception, match="no-such-voice-anywhere"):
        speak_here(spec, [SynthJob("Hello.", str(tmp_path / "a.wav"), "a")])
    child.close_all()


def test_hibari_loads_its_model_before_the_first_clip_is_asked_for(tmp_path, monkeypatch):
    pytest.importorskip("hibari", reason="the natural extra is not installed")
    loads = tmp_path / "loads.log"
    monkeypatch.setenv("AUDIOBRIEF_HIBARI_LOAD_LOG", str(loads))
    child.close_all()  # a child of an earlier test would not see the variable
    child.warm_speaker(EngineSpec("hibari"))
    end = time.monotonic() + 60
    while not loads.exists() and time.monotonic() < end:
        time.sleep(0.05)
    assert loads.exists(), "the model was not loaded before any clip was asked for"
    job = SynthJob("The first clip finds the model loaded.", str(tmp_path / "1.wav"), "one")
    speak_here(EngineSpec("hibari", rate=200), [job])
    assert Path(job.wav_path).stat().st_size > 10_000
    assert len(loads.read_text(encoding="utf-8").splitlines()) == 1  # one load, shared by both rates
    child.close_all()


def test_hibari_makes_two_clips_at_once_and_each_is_the_same_as_alone(tmp_path):
    pytest.importorskip("hibari", reason="the natural extra is not installed")
    from hibari import Hibari

    from audiobrief.engines.child import clips_at_once
    from audiobrief.engines.registry import get_engine

    spec = EngineSpec("hibari", rate=190)
    texts = [f"Clip {n} of the batch says something a little different each time." for n in range(5)]
    jobs = [SynthJob(text, str(tmp_path / f"{n}.wav"), f"clip {n}") for n, text in enumerate(texts)]
    made: list[Path] = []
    speak_here(spec, jobs, on_made=made.append)
    assert sorted(made) == sorted(Path(j.wav_path) for j in jobs)
    engine = get_engine(spec)
    assert clips_at_once(engine, len(jobs)) == min(2, len(__import__("os").sched_getaffinity(0)))
    alone = tmp_path / "alone.wav"
    engine.synthesize(texts[3], alone)  # in this process, one clip, hibari's own call
    assert alone.read_bytes() == Path(jobs[3].wav_path).read_bytes()
    import numpy as np

    expected = Hibari(threads=1)(texts[3], speed=engine.speed, seed=1)
    assert np.array_equal(engine._speak(texts[3]), expected)


def test_an_error_in_a_batch_is_raised_and_the_child_keeps_answering(tmp_path):
    pytest.importorskip("hibari", reason="the natural extra is not installed")
    from audiobrief.errors import ConfigError

    spec = EngineSpec("hibari")
    jobs = [SynthJob("Fine words here.", str(tmp_path / "0.wav"), "zero"),
            SynthJob("Bad [[x@Q]] entry.", str(tmp_path / "1.wav"), "one")]
    jobs += [SynthJob(f"More fine words, {n}.", str(tmp_path / f"{n}.wav"), f"n{n}") for n in range(2, 8)]
    with pytest.raises(ConfigError, match=r"\[\[x@Q\]\]"):
        speak_here(spec, jobs)
    assert not (tmp_path / "1.wav").exists()
    after = SynthJob("The child still answers.", str(tmp_path / "after.wav"), "after")
    speak_here(spec, [after])
    assert Path(after.wav_path).stat().st_size > 10_000


def test_a_child_that_was_only_warmed_is_stopped_not_waited_for():
    """A build that fails before speaking (a bad article) exits at once, not once the model has loaded."""
    import signal

    child.close_all()
    child.warm_speaker(EngineSpec("hibari"))
    process = child._SPEAKERS["hibari"]._process
    child.close_all()  # at once: the child is still importing its engine
    assert process.returncode == -signal.SIGTERM
