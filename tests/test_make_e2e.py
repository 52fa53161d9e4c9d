"""End to end with the real engine: make -> MP3 with tags and chapters -> feed."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import numpy as np
import podcastparser
import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from conftest import run_cli, shared_article

SEED_SECTIONS = ["Let\u2019s Talk Strategy", "Where\u2019s the Party At?", "Arms Deals and Timing",
                 "More Than Just Weapons", "Real People, Real Problems", "Final Thoughts"]
SEED_TITLE = "What Kim Jong Un Visiting Russia Could Mean for Ukraine"


def _mp3(out: Path) -> Path:
    files = sorted(out.glob("*.mp3"))
    assert len(files) == 1, files
    return files[0]


def test_seed_mp3_tags_and_chapters(seed_episode_dir):
    path = _mp3(seed_episode_dir)
    audio = MP3(str(path))
    assert audio.info.sample_rate == 44100
    assert audio.info.channels == 1
    assert audio.info.bitrate == 64000
    assert 60 < audio.info.length < 600
    tags = ID3(str(path))
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == SEED_TITLE
    assert str(tags["TPE1"]) == "audiobrief"
    assert str(tags["TALB"]) == "audiobrief"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags["TDRC"])[:4].isdigit()
    assert tags.getall("COMM") and "Kim Jong Un" in str(tags.getall("COMM")[0])
    apic = tags.getall("APIC")[0]
    assert apic.mime == "image/png" and apic.data.startswith(b"\x89PNG")
    toc = tags.getall("CTOC")[0]
    assert toc.flags & 0x01 and toc.flags & 0x02  # ordered, top level
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    titles = [str(chaps[i].sub_frames["TIT2"]) for i in toc.child_element_ids]
    assert titles == ["Intro", SEED_TITLE, *SEED_SECTIONS, "Credits"]
    starts = [chaps[i].start_time for i in toc.child_element_ids]
    ends = [chaps[i].end_time for i in toc.child_element_ids]
    assert starts == sorted(starts) and starts[0] == 0
    assert starts[1:] == ends[:-1]
    assert abs(ends[-1] - audio.info.length * 1000) < 100


def _speech_onsets(path: Path):
    """Decode the MP3 and return (samples, rate, rms per 5 ms frame)."""
    data, rate = soundfile.read(str(path), dtype="float32")
    if data.ndim > 1:
        data = data.mean(axis=1)
    hop = rate // 200
    frames = len(data) // hop
    rms = np.sqrt(np.mean(data[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    return data, rate, rms, hop


def test_chapter_starts_match_the_audio_within_50ms(seed_episode_dir):
    path = _mp3(seed_episode_dir)
    data, rate, rms, hop = _speech_onsets(path)
    assert np.max(np.abs(data)) < 1.0, "clipped"
    assert np.max(np.abs(data)) > 0.3, "too quiet"
    silence, speech = 0.001, 0.003  # about -60 and -50 dBFS
    tags = ID3(str(path))
    for chap in tags.getall("CHAP")[1:]:
        start_frame = int(chap.start_time / 1000 * rate) // hop
        # just before the chapter there is silence (a pause after the transition)
        before = rms[max(0, start_frame - 16): start_frame - 4]
        assert before.max() < silence, (chap.element_id, before.max())
        # and speech begins within 50 ms of the marked start
        window = rms[start_frame - 10: start_frame + 10 + 1]
        onset = next((i for i, v in enumerate(window) if v >= speech), 99) - 10
        assert abs(onset * 5) <= 50, (chap.element_id, onset * 5)


def test_feed_parses_with_feedparser_and_podcastparser(seed_episode_dir):
    path = _mp3(seed_episode_dir)
    feed_xml = seed_episode_dir / "feed.xml"
    parsed = feedparser.parse(feed_xml.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.title == SEED_TITLE
    enclosure = entry.enclosures[0]
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == path.stat().st_size
    assert enclosure.href == f"https://example.org/pod/{path.name}"
    assert entry.published_parsed is not None
    length = MP3(str(path)).info.length
    assert abs(int(entry.itunes_duration) - length) <= 1

    with feed_xml.open("rb") as handle:
        pod = podcastparser.parse("https://example.org/pod/feed.xml", handle)
    assert pod["title"] == "audiobrief"
    assert len(pod["episodes"]) == 1
    episode = pod["episodes"][0]
    assert episode["title"] == SEED_TITLE
    assert episode["enclosures"][0]["file_size"] == path.stat().st_size
    assert episode["enclosures"][0]["mime_type"] == "audio/mpeg"
    assert abs(episode["total_time"] - length) <= 1
    assert episode["guid"]
    assert pod["cover_url"].endswith("cover.png")


def test_catalog_records_the_episode(seed_episode_dir):
    catalog = json.loads((seed_episode_dir / "episodes.json").read_text())
    assert catalog["version"] == 2
    [entry] = catalog["episodes"]
    mp3 = seed_episode_dir / entry["file"]
    assert entry["bytes"] == mp3.stat().st_size
    assert entry["title"] == SEED_TITLE
    assert len(entry["chapters"]) == 9  # Intro, lead, six sections, Credits


def test_cover_is_square_png_in_range(seed_episode_dir):
    from PIL import Image

    with Image.open(seed_episode_dir / "cover.png") as image:
        assert image.format == "PNG" and image.mode == "RGB"
        assert image.width == image.height and 1400 <= image.width <= 3000


def _vtt_cues(text: str):
    """[(start_s, end_s, text)] from a WebVTT file."""
    import re

    assert text.startswith("WEBVTT\n")
    stamp = r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)"
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        m = re.fullmatch(f"{stamp} --> {stamp}", lines[1])
        assert m, lines
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, m.groups())
        cues.append((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000, lines[2]))
    return cues


def test_chapters_agree_in_id3_json_and_show_notes(seed_episode_dir):
    import re

    path = _mp3(seed_episode_dir)
    tags = ID3(str(path))
    toc = tags.getall("CTOC")[0]
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    id3 = [(str(chaps[i].sub_frames["TIT2"]), chaps[i].start_time / 1000) for i in toc.child_element_ids]
    data = json.loads((seed_episode_dir / f"{path.stem}.chapters.json").read_text())
    assert data["version"] == "1.2.0"
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0
    assert [c["title"] for c in data["chapters"]] == [t for t, _ in id3]
    for (_, id3_start), json_start in zip(id3, starts):
        assert abs(id3_start - json_start) <= 0.05
    from xml.etree import ElementTree

    item = ElementTree.parse(seed_episode_dir / "feed.xml").getroot().find("channel/item")
    notes = item.findtext("description")  # the raw show notes, before any reader sanitises them
    times = [float(s) for s in re.findall(r'datetime="PT([\d.]+)S"', notes)]
    assert len(times) == len(id3)
    for (title, id3_start), note_start in zip(id3, times):
        assert abs(id3_start - note_start) <= 0.05, title
    for title, _ in id3:
        assert title.replace("&", "&amp;") in notes or title in notes
    catalog = json.loads((seed_episode_dir / "episodes.json").read_text())["episodes"][0]
    assert catalog["chapters_file"] == f"{path.stem}.chapters.json"


def test_transcripts_are_ordered_and_start_where_speech_starts(seed_episode_dir):
    path = _mp3(seed_episode_dir)
    cues = _vtt_cues((seed_episode_dir / f"{path.stem}.vtt").read_text())
    assert len(cues) > 30  # a cue per sentence
    for (s1, e1, _), (s2, _, _) in zip(cues, cues[1:]):
        assert s1 < e1 <= s2, (s1, e1, s2)
    srt = (seed_episode_dir / f"{path.stem}.srt").read_text()
    assert srt.count(" --> ") == len(cues) and "," in srt.split("\n")[1]
    data, rate, rms, hop = _speech_onsets(path)
    speech = 0.003
    for start, end, text in cues:
        # speech begins within 250 ms of the cue's start ...
        frame = int(start * rate) // hop
        window = rms[max(0, frame - 50): frame + 51]
        onset = next((i for i, v in enumerate(window) if v >= speech), None)
        assert onset is not None, text
        assert abs((onset - min(frame, 50)) * 5) <= 250, (text, (onset - 50) * 5)
        # ... and the cue covers voiced audio
        assert rms[frame: int(end * rate) // hop].max() >= 0.03, text
    tags = ID3(str(path))
    [uslt] = tags.getall("USLT")
    assert uslt.text.split("\n") == [c[2] for c in cues]
    catalog = json.loads((seed_episode_dir / "episodes.json").read_text())["episodes"][0]
    assert [t["file"] for t in catalog["transcripts"]] == [f"{path.stem}.vtt", f"{path.stem}.srt"]
    assert [t["type"] for t in catalog["transcripts"]] == ["text/vtt", "application/x-subrip"]


def test_seed_episode_is_on_the_podcast_target(seed_episode_dir):
    from audio_check import longest_full_scale_run, loudness_and_peak

    path = _mp3(seed_episode_dir)
    lufs, peak = loudness_and_peak(path)
    assert abs(lufs + 16) <= 1 and peak <= -1.0
    data, _ = soundfile.read(str(path))
    assert longest_full_scale_run(data) == 0
    entry = json.loads((seed_episode_dir / "episodes.json").read_text())["episodes"][0]
    assert entry["profile"] == "podcast"
    assert abs(entry["loudness_lufs"] - lufs) < 0.3 and abs(entry["true_peak_dbtp"] - peak) < 0.3
