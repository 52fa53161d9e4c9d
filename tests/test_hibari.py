"""The hibari engine with its real model: voices, refusals, rate, reproducibility, phonemes."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

pytest.importorskip("hibari", reason="the natural extra is not installed: pip install 'audiobrief[natural]'")

from audiobrief.engines import EngineSpec, SynthJob, get_engine, list_voices  # noqa: E402
from audiobrief.engines.pool import synthesize_all  # noqa: E402
from audiobrief.engines.misaki import to_misaki, translate_blocks  # noqa: E402
from audiobrief.errors import ConfigError  # noqa: E402


def clip_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 24000)
        return w.getnframes() / w.getframerate()


def test_voices_lists_only_the_installed_voice_with_language_and_rate():
    voices = list_voices("hibari")
    assert [v["id"] for v in voices] == ["heart"]
    assert voices[0]["languages"] == ["en-US"] and voices[0]["sample_rate"] == 24000


@pytest.mark.parametrize("voice, message", [
    ("emma", "hibari voice 'emma' is not installed .*never reaches the network"),
    ("nobody", "unknown hibari voice 'nobody'; installed: heart"),
])
def test_a_voice_that_would_download_is_refused_when_the_engine_is_made(voice, message, monkeypatch, tmp_path):
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))  # an empty hibari cache: nothing downloaded earlier
    with pytest.raises(ConfigError, match=message):
        get_engine(EngineSpec("hibari", voice=voice))
    assert not list(tmp_path.iterdir())


def test_other_languages_are_refused_with_the_fix():
    with pytest.raises(ConfigError, match="English only.*engine: pyttsx3"):
        get_engine(EngineSpec("hibari", language="de"))


def test_rate_maps_to_speed_over_the_common_range(tmp_path):
    text = "The committee met on Tuesday to discuss the budget for next year."
    seconds = {}
    for rate in (80, 175, 450):
        engine = get_engine(EngineSpec("hibari", rate=rate))
        engine.synthesize(text, tmp_path / f"{rate}.wav")
        seconds[rate] = clip_seconds(tmp_path / f"{rate}.wav")
    assert get_engine(EngineSpec("hibari", rate=350)).speed == 2.0
    assert seconds[80] > 1.6 * seconds[175] > 1.6 * 1.6 * seconds[450], seconds
    with pytest.raises(ConfigError, match="from 80 to 450"):
        get_engine(EngineSpec("hibari", rate=500))


def test_same_text_same_clip_and_cache_id_names_model_and_settings(tmp_path):
    engine = get_engine(EngineSpec("hibari"))
    for name in ("a.wav", "b.wav"):
        engine.synthesize("Reproducible speech, twice over.", tmp_path / name)
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    cache_id = engine.cache_id()
    assert cache_id.startswith("hibari-0.") and "/voice=heart/sha256=" in cache_id and "/speed=1.0/seed=" in cache_id
    assert get_engine(EngineSpec("hibari", rate=200)).cache_id() != cache_id


@pytest.mark.parametrize("mnemonics, phonemes", [
    ("'aIk", "ˈIk"), ("h@'loU", "həlˈO"), ("n'i:S", "nˈiʃ"), ("k,0mju:n'IkeIS@n", "kˌɑmjunˈɪkAʃən"),
    ("dZ'3:nl", "ʤˈɜɹnl"), ("'aI 'tS3:tS", "ˈI ʧˈɜɹʧ"),
])
def test_espeak_mnemonics_become_hibari_phonemes(mnemonics, phonemes):
    assert to_misaki(mnemonics) == phonemes


def test_phoneme_entries_are_spoken_or_refused_naming_the_entry(tmp_path):
    assert translate_blocks("Say [['aIk]] now.", "heart") == "Say [word](/ˈIk/) now."
    engine = get_engine(EngineSpec("hibari"))
    engine.synthesize("Professor [['aIk]] spoke.", tmp_path / "ok.wav")
    assert clip_seconds(tmp_path / "ok.wav") > 0.5
    with pytest.raises(ConfigError, match=r"\[\[n'i:Q\]\].*hibari voice heart.*'Q'.*respelling"):
        engine.check_text("Read [[n'i:Q]] aloud.")


def test_check_text_refuses_before_any_clip_is_made(tmp_path):
    jobs = [SynthJob("Fine words.", str(tmp_path / "1.wav"), "one"),
            SynthJob("Bad [[x@Q]] entry.", str(tmp_path / "2.wav"), "two")]
    with pytest.raises(ConfigError, match=r"\[\[x@Q\]\]"):
        synthesize_all(jobs, EngineSpec("hibari"))
    assert not list(tmp_path.iterdir())


def test_pool_workers_load_the_model_once_each(tmp_path, monkeypatch):
    loads = tmp_path / "loads.log"
    monkeypatch.setenv("AUDIOBRIEF_HIBARI_LOAD_LOG", str(loads))
    jobs = [SynthJob(f"Sentence number {i} is spoken here.", str(tmp_path / f"{i}.wav"), f"c{i}") for i in range(6)]
    done: list[SynthJob] = []
    synthesize_all(jobs, EngineSpec("hibari"), workers=2, on_done=done.append)
    assert len(done) == 6 and all(clip_seconds(Path(j.wav_path)) > 1 for j in jobs)
    pids = loads.read_text(encoding="utf-8").split()[::2]
    assert 1 <= len(pids) <= 2 and len(set(pids)) == len(pids), pids


@pytest.mark.parametrize("written", [
    "On Jan. 5, 2024 the U.S. Army paid $3,499 for 12 km of cable at 7:30 p.m.",
    "Mr. and Mrs. Jones arrived at 10 a.m. with Prof. Lee, approx. 4 km away.",
    "Version 3.6.0, e.g. the 2nd release, costs 5% less.",
])
def test_our_normalised_text_reaches_hibari_as_one_sentence(written):
    """hibari splits at a full stop after anything but a title or an initial ("Jan. 5" is two
    sentences to it); our normaliser leaves no abbreviation full stop, so a clip stays one sentence."""
    from hibari import Hibari

    from audiobrief.speech.normalize import clean_for_speech

    spoken = clean_for_speech(written)
    assert len(Hibari.split_sentences(written)) > 1 or "Jan." not in written
    assert Hibari.split_sentences(spoken) == [spoken]


def test_voices_and_cache_id_are_known_without_importing_hibari():
    """The build's own process needs only these; numpy, scipy and onnxruntime stay out of it."""
    import subprocess
    import sys

    probe = ("import json, sys\n"
             "from audiobrief.engines import EngineSpec, engine_cache_id, list_voices\n"
             "voices = list_voices('hibari')\n"
             "print(json.dumps([engine_cache_id(EngineSpec('hibari')), [v['id'] for v in voices],\n"
             "                  sorted(m for m in ('hibari', 'onnxruntime', 'scipy') if m in sys.modules)]))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    cache_id, voices, imported = json.loads(done.stdout)
    from hibari.voices import VOICES

    assert voices == ["heart"] and imported == []
    # the hash is the model file's own, the one hibari's registry lists for it
    assert f"/sha256={VOICES['heart']['sha256'][:32]}/" in cache_id


@pytest.mark.parametrize("env", [{}, {"HIBARI_HOME": "home"}, {"XDG_CACHE_HOME": "xdg"}])
def test_downloaded_voices_are_looked_for_where_hibari_puts_them(env, monkeypatch, tmp_path):
    from hibari.voices import cache_dir

    from audiobrief.engines.hibari_engine import download_folder

    for name in ("HIBARI_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, str(tmp_path / value))
    assert download_folder() == Path(cache_dir())
