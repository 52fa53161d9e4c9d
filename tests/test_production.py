"""Music bed, transitions, pacing, voices per section, `say`, cover checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from mutagen.id3 import ID3
from PIL import Image

from audio_check import decode, loudness_and_peak, rms_frames, write_wav
from audiobrief.config import Config
from audiobrief.cover import check_cover
from audiobrief.errors import ConfigError, InputError
from audiobrief.models import Article, Section
from audiobrief.script import build_script, plan_dict
from conftest import run_cli

ARTICLE = """Night Trains Return

Sleeper trains are back on several European routes. Travellers like waking up in a new city.

Why Now

Airport queues are long. Rail operators bought new carriages.

Sources: timetables
"""


def _tone_wav(path, seconds=1.5, rate=22050, freq=220.0):
    t = np.arange(int(seconds * rate)) / rate
    return write_wav(path, (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2"), rate)


def test_script_has_a_piece_per_sentence_with_pauses():
    article = Article("T", (Section(None, ("One here. Two there! Three?", "Four.")),))
    config = Config(sentence_pause_ms=111, paragraph_pause_ms=222)
    body = [p for p in build_script(article, config) if p.kind == "body"]
    assert [p.text for p in body] == ["One here.", "Two there!", "Three?", "Four."]
    assert [p.pause_after for p in body] == [111, 111, 222, 222]
    assert [p.paragraph for p in body] == [0, 0, 0, 1]


def test_front_matter_and_section_voice_and_rate_reach_the_script():
    article = Article("T", (Section("A", ("Text.",), meta={"rate": 220}), Section("B", ("More.",))),
                      meta={"voice": "en-gb", "rate": "150"})
    script = build_script(article, Config())
    by_text = {p.text: p for p in script}
    assert by_text["Text."].rate == 220 and by_text["Text."].voice == "en-gb"
    assert by_text["More."].rate == 150
    assert {"kind": "body", "text": "Text.", "voice": "en-gb", "rate": 220} in plan_dict(article, script)["script"]


@pytest.mark.parametrize("rate", [20, 900, "fast"])
def test_a_rate_the_engine_would_ignore_is_refused(rate):
    article = Article("T", (Section("A", ("Text.",), meta={"rate": rate}),), source="x.md")
    with pytest.raises(InputError, match="rate"):
        build_script(article, Config())


def test_music_bed_under_intro_and_outro(tmp_path):
    article = tmp_path / "trains.txt"
    article.write_text(ARTICLE)
    bed = _tone_wav(tmp_path / "bed.wav")
    (tmp_path / "audiobrief.toml").write_text(f'[episode]\nmusic = "{bed.name}"\nmusic_duck_db = 20\n')
    out = tmp_path / "out"
    result = run_cli("make", article, "--out", out, "--config", tmp_path / "audiobrief.toml")
    assert result.returncode == 0, result.stderr
    [mp3] = out.glob("*.mp3")
    data, rate = decode(mp3)
    rms, hop = rms_frames(data, rate)
    # music alone before the first word: steady, clearly audible tone
    assert rms[40:380].min() > 0.01
    chapters = json.loads((out / f"{mp3.stem}.chapters.json").read_text())["chapters"]
    first_section = chapters[1]["startTime"]
    # the bed has faded out by the first section: silence between its transition and its words
    before = rms[int((first_section - 0.35) * 200): int((first_section - 0.05) * 200)]
    assert before.max() < 0.002
    # ducked: the tone's band is much quieter under speech than before it
    spectrum = lambda a, b: np.abs(np.fft.rfft(data[int(a * rate): int(b * rate)]))  # noqa: E731
    tone_bin = int(220 * 0.5)  # 0.5 s windows: bins are 2 Hz apart
    alone = spectrum(0.5, 1.0)[tone_bin - 2: tone_bin + 3].max()
    vtt = (out / f"{mp3.stem}.vtt").read_text().split("\n")
    first_cue = float(vtt[3].split(" --> ")[0].split(":")[-1])
    under = spectrum(first_cue + 0.3, first_cue + 0.8)[tone_bin - 2: tone_bin + 3].max()
    assert 20 * np.log10(under / alone) < -12
    # the tail after the outro is music again
    assert rms[-500:-300].min() > 0.003
    lufs, peak = loudness_and_peak(mp3)
    assert abs(lufs + 16) <= 1 and peak <= -1


@pytest.mark.parametrize("transition", ["none", "crossfade", "file"])
def test_transitions_keep_chapters_on_speech(transition, tmp_path):
    article = tmp_path / "trains.txt"
    article.write_text(ARTICLE)
    value = "chime.wav" if transition == "file" else transition
    if transition == "file":
        _tone_wav(tmp_path / "chime.wav", seconds=0.4, freq=660.0)
    (tmp_path / "audiobrief.toml").write_text(f'[episode]\ntransition = "{value}"\n')
    out = tmp_path / "out"
    result = run_cli("make", article, "--out", out, "--config", tmp_path / "audiobrief.toml")
    assert result.returncode == 0, result.stderr
    [mp3] = out.glob("*.mp3")
    data, rate = decode(mp3)
    rms, hop = rms_frames(data, rate)
    for chapter in ID3(str(mp3)).getall("CHAP")[1:]:
        frame = int(chapter.start_time / 1000 * rate) // hop
        window = rms[frame - 10: frame + 11]
        onset = next(i for i, v in enumerate(window) if v >= 0.003) - 10
        if transition == "crossfade":
            assert -60 <= onset * 5 <= 50
        else:
            assert abs(onset * 5) <= 50, (chapter.element_id, onset * 5)
    cues = [l for l in (out / f"{mp3.stem}.vtt").read_text().split("\n") if " --> " in l]
    stamps = [c.split(" --> ") for c in cues]
    assert all(a < b for a, b in stamps) and all(b <= c for (_, b), (c, _) in zip(stamps, stamps[1:]))


def test_say_writes_a_preview_mp3(tmp_path):
    target = tmp_path / "hello.mp3"
    result = run_cli("say", "Good morning. This is a preview of the voice.", "--rate", "200", "--out", target)
    assert result.returncode == 0, result.stderr
    assert "200 wpm" in result.stdout
    data, rate = decode(target)
    assert rate == 44100 and 1.5 < len(data) / rate < 10
    lufs, peak = loudness_and_peak(target)
    assert abs(lufs + 16) <= 1.5 and peak <= -1


@pytest.mark.parametrize("args, message", [
    (["--rate", "1000"], "out of range"),
    (["--voice", "klingon-xx"], "unknown voice"),
])
def test_say_refuses_bad_voice_or_rate(args, message, tmp_path):
    result = run_cli("say", "Hello.", *args, "--out", tmp_path / "x.mp3")
    assert result.returncode == 2 and result.stderr.startswith("error: ") and message in result.stderr
    assert not (tmp_path / "x.mp3").exists()


def _image(path, size, mode="RGB", fmt="PNG"):
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else None).save(path, format=fmt)
    return path


@pytest.mark.parametrize("size, fmt, message", [
    ((1400, 1200), "PNG", "not square"),
    ((1000, 1000), "PNG", "at least 1400"),
    ((1400, 1400), "GIF", "save it as PNG or JPEG"),
])
def test_cover_errors(tmp_path, size, fmt, message):
    path = _image(tmp_path / f"c.{fmt.lower()}", size, "RGB" if fmt != "GIF" else "P", fmt)
    with pytest.raises(ConfigError, match=message):
        check_cover(path)


def test_cover_is_converted_with_a_warning(tmp_path):
    warnings: list[str] = []
    data, suffix = check_cover(_image(tmp_path / "c.png", (3200, 3200), "RGBA"), warnings)
    assert suffix == ".png" and len(warnings) == 1
    assert "RGBA to RGB" in warnings[0] and "3200 to 3000" in warnings[0]
    import io

    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB" and image.size == (3000, 3000)
    ok: list[str] = []
    plain = _image(tmp_path / "ok.jpg", (1400, 1400), "RGB", "JPEG")
    assert check_cover(plain, ok) == (plain.read_bytes(), ".jpg") and not ok


def test_section_voice_and_rate_are_spoken_with_the_real_engine(tmp_path):
    """Front-matter/section overrides reach the engine: other clips, other sound."""
    from audiobrief.planned import Planned
    from audiobrief.report import BuildReport, Progress
    from audiobrief.speaking import speak
    from audiobrief.mix import read_wav

    text = "The same words in two voices."
    article = Article("T", (Section(None, (text,)), Section("B", (text,), meta={"voice": "en-gb", "rate": 120})))
    planned = Planned(article, build_script(article, Config()))
    report = BuildReport(out_dir=tmp_path, feed=tmp_path / "feed.xml", local_only=True)
    paths = speak(planned, Config(), tmp_path / "cache", 1, Progress(), report)
    first, second = [p for piece, p in zip(planned.script, paths) if piece.text == text]
    assert first != second
    (slow, _), (normal, _) = read_wav(second), read_wav(first)
    assert len(slow) > len(normal) * 1.2  # 120 wpm against 175
    assert report.clips_made == len(set(paths))


def test_an_old_catalog_without_the_new_fields_still_loads(tmp_path):
    from audiobrief.catalog import load_catalog

    old = {"version": 1, "episodes": [{
        "slug": "a", "guid": "g", "number": 1, "title": "A", "source": "/a.txt", "file": "a.mp3", "bytes": 1,
        "duration": 1.0, "pub_date": "2026-01-01T00:00:00+00:00", "updated": "2026-01-01T00:00:00+00:00"}]}
    (tmp_path / "episodes.json").write_text(json.dumps(old))
    [entry] = load_catalog(tmp_path).episodes
    assert entry.loudness_lufs is None and entry.transcripts == () and entry.profile == "podcast"
