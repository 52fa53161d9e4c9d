"""The speech child starts, and loads its engine, while the build still reads and plans."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from audiobrief import speaking
from audiobrief.config import Config
from audiobrief.engines import EngineSpec, SynthJob, speak_here
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
