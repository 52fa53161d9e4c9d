"""The speech engine layer, with the real pyttsx3/espeak-ng engine."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

import audiobrief.engines as engines
from audiobrief.engines import pool
from audiobrief.engines import EngineSpec, SynthJob, engine_cache_id, get_engine, list_voices
from audiobrief.engines.clips import run_job
from audiobrief.engines.pool import synthesize_all
from audiobrief.errors import ConfigError, SynthesisError

SENTENCES = [
    "The committee met on Tuesday to discuss the budget.",
    "Prices rose 3.5% in March, the fastest pace since 2019.",
    "Ünïcödé names like Zoë, Renée and José are read aloud too.",
    "Why now? Because the deadline is Friday!",
    "Visit example.org for details.",
    "One.",
    "She said: \u201cwe will not give up\u201d \u2014 and left the room.",
    "Heading: Arms Deals and Timing",
    "In 1848, revolutions swept across Europe; few of them lasted.",
    "Rain is expected tonight, clearing by the weekend, with highs of 21 degrees.",
    "The quick brown fox jumps over the lazy dog, again and again, while the reporter "
    "counts the jumps and the editor wonders whether any of this is news at all.",
    "Credits: written by A. Smith, edited by B. Jones, read by a machine.",
]


def read_wav(path: Path) -> tuple[wave._wave_params, float, float]:
    """(params, seconds, RMS of the 16-bit samples)"""
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        samples = array("h", w.readframes(params.nframes))
    if sys.byteorder == "big":
        samples.byteswap()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return params, params.nframes / params.framerate, rms


def assert_good_clip(path: Path, text: str) -> None:
    params, seconds, rms = read_wav(path)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    words = len(text.split())
    # 175 wpm is ~0.34 s per word; allow for pauses, numbers read out, short words
    assert 0.12 * words <= seconds <= 1.2 * words + 1.5, (text, seconds)
    assert rms > 300, (text, rms)


def test_single_clip_is_clean_mono_16bit_and_prints_nothing(tmp_path, capfd):
    engine = get_engine(EngineSpec())
    text = SENTENCES[0] + " " + SENTENCES[10]
    wav = tmp_path / "clip.wav"
    engine.synthesize(text, wav)
    assert_good_clip(wav, text)
    assert capfd.readouterr().out == ""  # no "Audio saved to ..."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.wav"]  # no temp files left
    assert engine.true_rate() == 175


def test_two_worker_spawn_pool_makes_every_clip(tmp_path, capfd):
    texts = [f"{SENTENCES[i % len(SENTENCES)]} Item {i}." for i in range(44)]
    jobs = [SynthJob(text, str(tmp_path / f"{i:02d}.wav"), f"clip {i}") for i, text in enumerate(texts)]
    done: list[SynthJob] = []
    synthesize_all(jobs, EngineSpec(), workers=2, on_done=done.append)
    assert sorted(done, key=lambda j: j.wav_path) == jobs
    for job in jobs:
        assert_good_clip(Path(job.wav_path), job.text)
    assert capfd.readouterr().out == ""
    assert len(list(tmp_path.iterdir())) == len(jobs)


def test_pool_workers_seal_their_own_clips_before_the_parent_hears(tmp_path):
    from audiobrief.cache import ClipCache, seal_wav

    jobs = [SynthJob(f"{SENTENCES[i]} Number {i}.", str(tmp_path / f"{i}.wav"), f"clip {i}") for i in range(6)]
    sealed_when_done: list[bool] = []
    synthesize_all(jobs, EngineSpec(), workers=2, on_made=seal_wav,
                   on_done=lambda job: sealed_when_done.append(ClipCache.is_valid(Path(job.wav_path))))
    assert sealed_when_done == [True] * len(jobs)
    synthesize_all(jobs[:1], EngineSpec(), workers=1, on_made=seal_wav)  # the in-process path seals too
    assert ClipCache.is_valid(Path(jobs[0].wav_path))


def test_the_espeak_driver_loop_does_not_idle_once_it_has_ended(tmp_path, monkeypatch):
    """pyttsx3's espeak loop sleeps 10 ms after its last turn; every clip ends the loop
    on its first turn here, so that sleep was pure idle (a third of a worker's time)."""
    import time

    engine = get_engine(EngineSpec())
    real_sleep, slept = time.sleep, []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    for i in range(3):
        engine.synthesize(SENTENCES[i], tmp_path / f"{i}.wav")
        assert_good_clip(tmp_path / f"{i}.wav", SENTENCES[i])
    assert 0.01 not in slept


def test_unknown_voice_is_a_one_line_config_error():
    with pytest.raises(ConfigError) as info:
        get_engine(EngineSpec(voice="xx"))
    message = str(info.value)
    assert "unknown voice 'xx'" in message and "audiobrief voices" in message
    assert "\n" not in message
    with pytest.raises(ConfigError, match="gmw/en-US"):  # close matches are offered
        get_engine(EngineSpec(voice="en-uss"))
    with pytest.raises(ConfigError, match=r"en\+f3"):  # a bad variant would fail silently in espeak
        get_engine(EngineSpec(voice="en+f33"))


def test_unknown_engine_lists_known_engines():
    with pytest.raises(ConfigError, match="unknown engine 'festival'.*pyttsx3"):
        get_engine(EngineSpec(name="festival"))


def test_bad_rate_is_a_config_error():
    with pytest.raises(ConfigError, match="80 to 450"):
        get_engine(EngineSpec(rate=5))


def test_voices_resolve_by_id_name_language_and_variant():
    assert get_engine(EngineSpec()).voice == "gmw/en"
    assert get_engine(EngineSpec(voice="en-us")).voice == "gmw/en-US"
    assert get_engine(EngineSpec(voice="English (America)")).voice == "gmw/en-US"
    assert get_engine(EngineSpec(voice="en+f3")).voice == "gmw/en+f3"
    assert get_engine(EngineSpec(language="de")).voice == "gmw/de"
    assert get_engine(EngineSpec(language="pt-BR")).voice == "roa/pt-BR"
    voices = {v["id"]: v for v in list_voices()}
    assert "en" in voices["gmw/en"]["languages"]
    assert all(set(v) >= {"id", "name", "languages"} for v in voices.values())


def test_cache_id_covers_versions_voice_rate_and_format():
    cache_id = engine_cache_id(EngineSpec())
    assert cache_id.startswith("pyttsx3-")
    for part in ("espeak-ng-1.", "voice=gmw/en/", "rate=175", "22050-mono-s16"):
        assert part in cache_id
    assert engine_cache_id(EngineSpec(rate=200)) != cache_id
    assert engine_cache_id(EngineSpec(voice="gmw/en")) == cache_id


def test_persistent_empty_output_names_the_label(tmp_path, monkeypatch):
    engine = get_engine(EngineSpec())
    calls = []

    def empty_synth(text, path, timeout):
        calls.append(path)
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)

    monkeypatch.setattr(engine, "_synth_once", empty_synth)
    wav = tmp_path / "s3.wav"
    job = SynthJob("A perfectly ordinary sentence.", str(wav), 'section 3 "Arms Deals and Timing"')
    with pytest.raises(SynthesisError) as info:
        run_job(engine, job)  # what each worker and the child speaker run for a clip
    message = str(info.value)
    assert 'section 3 "Arms Deals and Timing"' in message
    assert "0 frames" in message and "workers to 1" in message
    assert len(calls) == 3  # retried
    assert not wav.exists() and list(tmp_path.iterdir()) == []  # nothing half-written


def test_empty_text_is_refused(tmp_path):
    with pytest.raises(ValueError):
        get_engine(EngineSpec()).synthesize("  \n ", tmp_path / "x.wav")


def test_punctuation_only_text_is_a_pause_not_an_error(tmp_path):
    get_engine(EngineSpec()).synthesize("\u2014", tmp_path / "dash.wav")
    params, seconds, _ = read_wav(tmp_path / "dash.wav")
    assert params.nframes > 0 and seconds < 1


@pytest.mark.parametrize("channels", [1, 2])
def test_aiff_from_native_drivers_becomes_mono_16bit_wav(tmp_path, channels):
    aifc = pytest.importorskip("aifc")  # stdlib until Python 3.13; only used to write the fixture
    from audiobrief.engines.wavfile import aiff_to_wav

    frames = array("h", [0, 1000, -1000, 32767, -32768, 7] * channels)
    big_endian = array("h", frames)
    if sys.byteorder == "little":
        big_endian.byteswap()
    src, dst = tmp_path / "clip.wav", tmp_path / "out.wav"  # macOS ignores the .wav name
    with aifc.open(str(src), "wb") as a:
        a.aiff()
        a.setnchannels(channels)
        a.setsampwidth(2)
        a.setframerate(22050)
        a.writeframes(big_endian.tobytes())
    aiff_to_wav(src, dst)
    with wave.open(str(dst), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
        got = array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        got.byteswap()
    expected = [sum(frames[i : i + channels]) // channels for i in range(0, len(frames), channels)]
    assert list(got) == expected


def crash_once_work(job: SynthJob, *rest) -> str:
    """Stands in for the pool's job function in a worker (picklable by reference)."""
    marker = Path(job.wav_path).with_name("crashed")
    if job.label == "crash" and not marker.exists():
        marker.touch()
        os._exit(1)
    return pool._work(job, *rest)


def crash_always_work(job: SynthJob, *rest) -> str:
    if job.label == "crash":
        os._exit(1)
    return pool._work(job, *rest)


def test_pool_replaces_a_worker_that_dies(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "_work", crash_once_work)
    jobs = [SynthJob(f"Clip number {i}.", str(tmp_path / f"{i}.wav"), "crash" if i == 2 else f"c{i}") for i in range(6)]
    done: list[SynthJob] = []
    synthesize_all(jobs, EngineSpec(), workers=2, on_done=done.append)
    assert len(done) == len(jobs) and set(done) == set(jobs)
    for job in jobs:
        assert_good_clip(Path(job.wav_path), job.text)


def test_pool_gives_up_clearly_when_workers_keep_dying(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "_work", crash_always_work)
    jobs = [SynthJob("Hello there.", str(tmp_path / f"{i}.wav"), "crash" if i == 0 else f"c{i}") for i in range(3)]
    with pytest.raises(SynthesisError, match="died 4 times.*workers to 1"):
        synthesize_all(jobs, EngineSpec(), workers=2)


def test_worker_config_error_reaches_the_parent(tmp_path):
    jobs = [SynthJob("Hello.", str(tmp_path / f"{i}.wav"), f"c{i}") for i in range(2)]
    with pytest.raises(ConfigError, match="unknown voice 'nope'"):
        synthesize_all(jobs, EngineSpec(voice="nope"), workers=2)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


PROBE = (
    "from audiobrief.engines import get_engine, EngineSpec\n"
    "from audiobrief.errors import EngineUnavailable\n"
    "try:\n"
    "    get_engine(EngineSpec())\n"
    "except EngineUnavailable as e:\n"
    "    print('UNAVAILABLE', e)\n"
    "else:\n"
    "    print('OK')\n"
)


@pytest.mark.skipif(sys.platform != "linux", reason="espeak-ng preloading is Linux only")
def test_bad_espeak_data_path_is_an_error_not_a_silent_exit(tmp_path):
    result = run_python(PROBE, ESPEAK_DATA_PATH=str(tmp_path))  # unchecked, espeak would exit(1)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("UNAVAILABLE") and "unset ESPEAK_DATA_PATH" in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="espeak-ng preloading is Linux only")
def test_missing_espeakng_loader_names_the_pip_install():
    result = run_python("import sys; sys.modules['espeakng_loader'] = None\n" + PROBE)
    assert result.returncode == 0, result.stderr
    assert "pip install espeakng-loader" in result.stdout


def test_engines_package_imports_no_speech_library():
    result = run_python("import sys, audiobrief.engines; print('pyttsx3' in sys.modules)")
    assert result.stdout.strip() == "False"



def test_a_make_with_a_wrapped_engine_call_exits_quietly(tmp_path):
    """Wrapping the synthesis call (as tests and tracing tools do) kept pyttsx3's
    driver proxy alive until Python's last clean-up, where its ``__del__`` failed
    and Python printed "Exception ignored in DriverProxy.__del__" with a traceback."""
    src = tmp_path / "wrapped.txt"
    src.write_text("Wrapped Call\n\nOne short paragraph is enough to start the engine.\n")
    code = ("import functools, sys\n"
            "import audiobrief.engines.clips as clips\n"
            "from audiobrief.cli import main\n"
            "original = clips.run_job\n"
            "clips.run_job = functools.wraps(original)(lambda *a, **k: original(*a, **k))\n"
            f"sys.argv = ['audiobrief', 'make', {str(src)!r}, '--out', {str(tmp_path / 'out')!r}, '--jobs', '1']\n"
            "try:\n"
            "    main()\n"
            "except SystemExit as done:\n"
            "    assert not done.code, done.code\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "out").glob("wrapped-call*.mp3"))
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_every_registered_engine_offers_the_whole_protocol_and_names_its_packages():
    from audiobrief.engines import Engine, engine_distributions, known_engines
    from audiobrief.errors import EngineUnavailable

    assert set(engine_distributions()) == {"pyttsx3", "espeakng_loader", "hibari", "piper"}
    checked = 0
    for name in known_engines():
        try:
            voices = list_voices(name)
            engine = get_engine(EngineSpec(name, voice=voices[0]["id"] if name == "piper" else None))
        except EngineUnavailable:
            continue
        assert isinstance(engine, Engine), name  # name, voice, rate, sample_rate, cache_id, check_text, synthesize
        assert engine.name == name and all({"id", "languages", "sample_rate"} <= set(v) for v in voices)
        engine.check_text("Plain words are always sayable.")
        checked += 1
    assert checked >= 1


def test_voices_shows_the_install_command_of_an_engine_that_is_missing():
    result = run_python("import sys; sys.modules['hibari'] = None\n"
                        "sys.argv = ['audiobrief', 'voices', '--engine', 'hibari']\n"
                        "from audiobrief.cli import main\nmain()")
    assert result.stdout.startswith("[hibari] not available") and "pip install 'audiobrief[natural]'" in result.stdout
