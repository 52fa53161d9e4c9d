"""The publish folder holds only what listeners fetch; older folders are moved out of in one step."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from audiobrief.memos import archive_dir, cache_root, folder_memos
from conftest import SAMPLE, run_cli

LISTENER_SUFFIXES = (".mp3", ".json", ".vtt", ".srt", ".xml", ".html", ".png", ".jpg")


def _make(article: Path, out: Path, *extra) -> "subprocess.CompletedProcess":  # noqa: F821
    return run_cli("make", article, "--out", out, "--jobs", "1", *extra, cwd=article.parent)


def test_the_folder_holds_only_what_listeners_fetch_and_names_no_private_path(tmp_path):
    article = tmp_path / "notes" / "ferry.txt"
    article.parent.mkdir()
    shutil.copy(SAMPLE, article)
    out = tmp_path / "episodes"
    made = _make(article, out)
    assert made.returncode == 0, made.stderr
    names = sorted(p.name for p in out.rglob("*"))
    assert all(not n.startswith(".") and n.endswith(LISTENER_SUFFIXES) for n in names), names
    sources = [e["source"] for e in json.loads((out / "episodes.json").read_text())["episodes"]]
    assert sources == ["ferry.txt"]  # relative to the folder the run started in (no settings file)
    assert str(tmp_path) not in (out / "episodes.json").read_text()
    # an article outside the settings' folder is named by a hash, not its path
    elsewhere = run_cli("make", SAMPLE, "--out", out, "--jobs", "1", cwd=article.parent)
    assert elsewhere.returncode == 0, elsewhere.stderr
    sources = [e["source"] for e in json.loads((out / "episodes.json").read_text())["episodes"]]
    assert sources[1].startswith("elsewhere/") and sources[1].endswith("/sample-article.txt")
    assert str(SAMPLE.parent) not in (out / "episodes.json").read_text()


def test_an_older_folder_is_moved_out_of_with_one_line(tmp_path):
    article = tmp_path / "ferry.txt"
    shutil.copy(SAMPLE, article)
    out = tmp_path / "episodes"
    assert _make(article, out).returncode == 0
    feed = (out / "feed.xml").read_bytes()
    # what an older version left: its cache, archive and lock inside, absolute sources in the catalog
    catalog = json.loads((out / "episodes.json").read_text())
    catalog["episodes"][0]["source"] = str(article)
    (out / "episodes.json").write_text(json.dumps(catalog))
    (out / ".cache" / "clips" / "ab").mkdir(parents=True)
    (out / ".cache" / "clips" / "ab" / "old-clip.wav").write_bytes(b"RIFF")
    (out / ".cache" / "feed.stamp").write_text("old")
    (out / "archive").mkdir()
    (out / "archive" / "removed.mp3").write_bytes(b"ID3")
    (out / ".audiobrief.lock").write_text("")

    again = _make(article, out)
    assert again.returncode == 0, again.stderr
    assert again.stdout.lstrip().startswith("unchanged")
    notes = [line for line in again.stderr.splitlines() if line.startswith("note: moved")]
    assert len(notes) == 1 and ".cache/" in notes[0] and "archive/" in notes[0] and "relative to" in notes[0]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".") or p.is_dir()) == []
    assert (cache_root() / "clips" / "ab" / "old-clip.wav").is_file()
    assert (archive_dir(out) / "removed.mp3").read_bytes() == b"ID3"
    assert folder_memos(out).is_dir()
    assert json.loads((out / "episodes.json").read_text())["episodes"][0]["source"] == "ferry.txt"
    assert (out / "feed.xml").read_bytes() == feed  # nothing published changed
    third = _make(article, out)
    assert "note: moved" not in third.stderr and third.stdout.lstrip().startswith("unchanged")


def test_an_unreachable_url_is_one_line_without_its_credentials_and_nothing_is_published(tmp_path):
    out = tmp_path / "episodes"
    # .invalid names never resolve (RFC 2606)
    result = run_cli("make", "https://reader:s3cret@story.example.invalid/story.html", "--out", out)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert errors == ["error: https://***@story.example.invalid/story.html: the host name cannot be resolved; "
                      "check the address, or if the network is down, save the pages in a browser and pass the "
                      "files instead"]
    assert "s3cret" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("nothing published (0 episode(s) made")
    assert "feed:" not in result.stdout and not out.exists()


def test_build_takes_a_source_that_did_not_come_from_a_file(tmp_path):
    """What a later `brief` command or `make URL` will hand to build: an id, bytes, read()."""
    from audiobrief.build import build
    from audiobrief.config import Config
    from audiobrief.models import Article, Section
    from audiobrief.sources import Source

    text = b"Harbour Notes\n\nThe ferry runs again on Monday morning."
    article = Article("Harbour Notes", (Section(None, ("The ferry runs again on Monday morning.",)),))
    reads = []
    source = Source(id="fetched/harbour-notes", data=text, read=lambda: reads.append(1) or article,
                    where="https://example.org/harbour-notes")
    out = tmp_path / "episodes"
    first = build([source], Config(), out, workers=1)
    assert [e.status for e in first.episodes] == ["new"] and not first.failures and reads == [1]
    assert json.loads((out / "episodes.json").read_text())["episodes"][0]["source"] == "fetched/harbour-notes"
    again = build([source], Config(), out, workers=1)
    assert [e.status for e in again.episodes] == ["unchanged"] and reads == [1]  # known from its bytes
