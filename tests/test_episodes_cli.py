"""`audiobrief episodes list|remove|restore` and `audiobrief feed` on real episodes."""

from __future__ import annotations

import json

import feedparser

from audiobrief.memos import archive_dir
from conftest import folder_hash, run_cli


def _catalog(out):
    return json.loads((out / "episodes.json").read_text())


def test_list_shows_title_date_duration_loudness_file(three_episodes):
    result = run_cli("episodes", "list", "--out", three_episodes)
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0]
    for column in ("title", "date", "duration", "loudness", "file"):
        assert column in header
    for entry in _catalog(three_episodes)["episodes"]:
        assert entry["title"] in result.stdout and entry["file"] in result.stdout


def test_remove_then_restore_round_trip(episodes_copy):
    before = _catalog(episodes_copy)
    victim = before["episodes"][0]
    result = run_cli("episodes", "remove", victim["slug"], "--out", episodes_copy, "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr
    assert (archive_dir(episodes_copy) / victim["file"]).is_file()
    assert not (episodes_copy / victim["file"]).exists()
    parsed = feedparser.parse((episodes_copy / "feed.xml").read_bytes())
    assert victim["guid"] not in {e.id for e in parsed.entries} and len(parsed.entries) == 2
    assert "(not in feed)" in run_cli("episodes", "list", "--out", episodes_copy).stdout
    assert run_cli("check", episodes_copy).returncode == 0

    result = run_cli("episodes", "restore", victim["slug"], "--out", episodes_copy)  # base URL: the one stored
    assert result.returncode == 0, result.stderr
    assert b"https://example.org/pod/" + victim["file"].encode() in (episodes_copy / "feed.xml").read_bytes()
    after = _catalog(episodes_copy)
    [back] = [e for e in after["episodes"] if e["slug"] == victim["slug"]]
    assert (back["guid"], back["number"], back["archived"]) == (victim["guid"], victim["number"], False)
    assert len(feedparser.parse((episodes_copy / "feed.xml").read_bytes()).entries) == 3
    assert run_cli("check", episodes_copy).returncode == 0


def test_unknown_slug_is_one_line_error_and_changes_nothing(episodes_copy):
    before = folder_hash(episodes_copy)
    result = run_cli("episodes", "remove", "no-such-episode", "--out", episodes_copy)
    assert result.returncode == 4
    assert result.stderr.startswith("error: no episode 'no-such-episode'") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert folder_hash(episodes_copy) == before


def test_feed_command_is_idempotent_and_applies_config(episodes_copy, tmp_path):
    args = ("feed", "--out", episodes_copy, "--base-url", "https://example.org/pod/")
    assert run_cli(*args).returncode == 0
    feed = (episodes_copy / "feed.xml").read_bytes()
    result = run_cli(*args)
    assert result.returncode == 0 and "not written: no episode qualifies for Alexa" in result.stdout
    assert (episodes_copy / "feed.xml").read_bytes() == feed  # same catalog, same bytes
    config = tmp_path / "audiobrief.toml"
    config.write_text('[podcast]\ntitle = "Renamed Show"\nkeep_last = 1\n')
    result = run_cli("feed", "--out", episodes_copy, "--config", config, "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("archived ") == 2
    parsed = feedparser.parse((episodes_copy / "feed.xml").read_bytes())
    assert parsed.feed.title == "Renamed Show" and len(parsed.entries) == 1
    assert len(list(archive_dir(episodes_copy).glob("*.mp3"))) == 2


def test_commands_on_a_folder_without_episodes(tmp_path):
    for args in (("feed", "--out", tmp_path), ("serve", tmp_path), ("episodes", "remove", "x", "--out", tmp_path)):
        result = run_cli(*args)
        assert result.returncode == 4, args
        assert result.stderr.startswith("error: ") and "make" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("check", tmp_path / "nowhere")
    assert result.returncode == 1 and "not a folder" in result.stderr


def test_help_has_examples():
    for args in (("episodes", "list"), ("episodes", "remove"), ("episodes", "restore"), ("feed",), ("check",), ("serve",)):
        result = run_cli(*args, "--help")
        assert result.returncode == 0 and "Example: audiobrief" in result.stdout, args
