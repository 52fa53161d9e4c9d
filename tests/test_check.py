"""`audiobrief check` on a good folder of real episodes and on each kind of broken one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiobrief.memos import archive_dir
from conftest import run_cli

GOOD_VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nHello there.\n\n00:00:04.000 --> 00:00:08.000\nAnd goodbye.\n"
GOOD_SRT = "1\n00:00:00,000 --> 00:00:04,000\nHello there.\n\n2\n00:00:04,000 --> 00:00:08,000\nAnd goodbye.\n"


def _edit_catalog(out: Path, n: int = 0, **changes) -> dict:
    path = out / "episodes.json"
    data = json.loads(path.read_text())
    data["episodes"][n].update(changes)
    path.write_text(json.dumps(data, indent=2))
    return data["episodes"][n]


def _feed(out: Path) -> None:
    result = run_cli("feed", "--out", out, "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr


def _mp3(out: Path) -> Path:
    return out / json.loads((out / "episodes.json").read_text())["episodes"][0]["file"]


def _with_sidecars(out: Path, chapters: str, vtt: str = GOOD_VTT, srt: str = GOOD_SRT) -> None:
    slug = _mp3(out).stem
    (out / f"{slug}.chapters.json").write_text(chapters)
    (out / f"{slug}.vtt").write_text(vtt)
    (out / f"{slug}.srt").write_text(srt)
    _edit_catalog(out, chapters_file=f"{slug}.chapters.json", transcripts=[
        {"file": f"{slug}.vtt", "type": "text/vtt", "language": "en"},
        {"file": f"{slug}.srt", "type": "application/x-subrip", "language": "en"}])
    _feed(out)


GOOD_CHAPTERS = json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"},
                                                             {"startTime": 4.5, "title": "Story"}]})


def wrong_length(out):
    with open(_mp3(out), "ab") as handle:
        handle.write(b"\0" * 100)


def duplicate_guid(out):
    first = json.loads((out / "episodes.json").read_text())["episodes"][0]
    _edit_catalog(out, 1, guid=first["guid"])
    _feed(out)


def missing_file(out):
    _mp3(out).unlink()


def small_cover(out):
    from PIL import Image

    Image.new("RGB", (600, 600), (10, 20, 30)).save(out / "cover.png")


def not_square_cover(out):
    from PIL import Image

    Image.new("RGB", (1400, 1500), (10, 20, 30)).save(out / "cover.png")


def cover_not_an_image(out):
    (out / "cover.png").write_bytes(b"this is text, not a picture")


def chapters_not_ascending(out):
    _with_sidecars(out, json.dumps({"version": "1.2.0", "chapters": [{"startTime": 5, "title": "B"},
                                                                     {"startTime": 2, "title": "A"}]}))


def chapters_not_json(out):
    _with_sidecars(out, '{"version": "1.2.0", "chapters": [')


def transcript_does_not_parse(out):
    _with_sidecars(out, GOOD_CHAPTERS, vtt="this is not a WebVTT file\n")


def loudness_off_profile(out):
    _edit_catalog(out, loudness_lufs=-30.0)


def flash_not_https(out):
    for n in range(3):
        _edit_catalog(out, n, profile="alexa")
    result = run_cli("feed", "--out", out, "--base-url", "http://example.org/pod/")
    assert result.returncode == 0 and "needs HTTPS" in result.stdout, result.stdout


def duration_off(out):
    _edit_catalog(out, duration=_edit_catalog(out)["duration"] + 5)
    _feed(out)


def description_too_long(out):
    feed = out / "feed.xml"
    text = feed.read_text()
    head, rest = text.split("<description>", 1)
    feed.write_text(head + "<description>" + "x" * 4100 + rest)


def flash_not_json(out):
    (out / "flash-briefing.json").write_text("[{]")


def cover_missing(out):
    (out / "cover.png").unlink()


def archived_file_missing(out):
    slug = json.loads((out / "episodes.json").read_text())["episodes"][0]["slug"]
    assert run_cli("episodes", "remove", slug, "--out", out).returncode == 0
    next(archive_dir(out).glob("*.mp3")).unlink()


def feed_not_xml(out):
    (out / "feed.xml").write_text("<rss><channel><title>half a feed")


CASES = [
    (flash_not_json, "flash-briefing.json: not valid JSON"),
    (cover_missing, "cover image is missing"),
    (archived_file_missing, "archive/"),
    (feed_not_xml, "not valid XML"),
    (wrong_length, "enclosure length is"),
    (duplicate_guid, "apps would drop one of them"),
    (missing_file, "is missing from"),
    (small_cover, "cover is 600x600 px"),
    (not_square_cover, "not square"),
    (cover_not_an_image, "not a readable image"),
    (chapters_not_ascending, "not after chapter 1"),
    (chapters_not_json, "not valid JSON"),
    (transcript_does_not_parse, "does not parse as text/vtt"),
    (loudness_off_profile, "loudness -30.0 LUFS"),
    (flash_not_https, "is not HTTPS"),
    (duration_off, "itunes:duration says"),
    (description_too_long, "Apple allows 4000"),
]


def test_good_folder_passes(episodes_copy):
    result = run_cli("check", episodes_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout


def test_good_chapters_and_transcripts_pass_and_are_in_the_feed(episodes_copy):
    _with_sidecars(episodes_copy, GOOD_CHAPTERS)
    result = run_cli("check", episodes_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    feed = (episodes_copy / "feed.xml").read_text()
    slug = _mp3(episodes_copy).stem
    assert f'<podcast:chapters url="https://example.org/pod/{slug}.chapters.json" type="application/json+chapters"/>' in feed
    assert f'<podcast:transcript url="https://example.org/pod/{slug}.vtt" type="text/vtt" language="en"/>' in feed
    assert f'<podcast:transcript url="https://example.org/pod/{slug}.srt" type="application/x-subrip" language="en"/>' in feed


@pytest.mark.parametrize("breakage, message", CASES, ids=[c[0].__name__ for c in CASES])
def test_each_broken_kind_is_an_error_with_its_fix(episodes_copy, breakage, message):
    breakage(episodes_copy)
    result = run_cli("check", episodes_copy)
    assert result.returncode == 1, result.stdout
    lines = [line for line in result.stderr.splitlines() if message in line]
    assert lines, result.stderr
    assert all(line.startswith("error: ") and "; fix: " in line for line in lines)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("profile, lufs, peak, ok", [
    ("podcast", -16.2, -1.5, True),
    ("podcast", -16.0, -0.5, False),   # true peak above -1 dBTP
    ("alexa", -14.1, -2.5, True),
    ("alexa", -16.0, -2.5, False),     # a podcast-level episode sent to Alexa
    ("unknown-profile", -30.0, 0.0, True),  # no limits known: nothing to say
])
def test_loudness_is_checked_against_the_episode_profile(tmp_path, profile, lufs, peak, ok):
    from audiobrief.catalog import Catalog, Entry
    from audiobrief.check import CheckReport, _loudness

    entry = Entry(slug="a", guid="g", number=1, title="A", source="/a.txt", file="a.mp3", bytes=1, duration=20.0,
                  pub_date="2026-11-27T07:00:00+00:00", updated="2026-11-27T07:00:00+00:00", profile=profile,
                  loudness_lufs=lufs, true_peak_dbtp=peak)
    report = CheckReport(tmp_path)
    _loudness(Catalog(tmp_path / "episodes.json", [entry]), report)
    assert (report.errors == []) is ok, report.problems
