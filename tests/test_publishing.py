"""Catalog and guid behaviour across runs, with the real engine."""

from __future__ import annotations

import json

import feedparser

from conftest import SAMPLE, folder_hash, run_cli, shared_article


def _catalog(out):
    return json.loads((out / "episodes.json").read_text())["episodes"]


def test_same_article_again_keeps_one_episode_and_its_guid(populated_out):
    before = _catalog(populated_out)
    feed_before = (populated_out / "feed.xml").read_bytes()
    [seed] = before
    result = run_cli("make", shared_article("seed-blog-post.txt"), "--out", populated_out,
                     "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr
    assert "unchanged" in result.stdout
    assert "0 clips spoken" in result.stdout  # every clip came from the cache
    after = _catalog(populated_out)
    assert after == before
    assert (populated_out / "feed.xml").read_bytes() == feed_before


def test_second_article_adds_second_episode(populated_out):
    [seed] = _catalog(populated_out)
    result = run_cli("make", SAMPLE, "--out", populated_out, "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr
    episodes = _catalog(populated_out)
    assert len(episodes) == 2
    assert len({e["guid"] for e in episodes}) == 2
    assert {e["number"] for e in episodes} == {1, 2}
    assert episodes[0]["guid"] == seed["guid"]
    parsed = feedparser.parse((populated_out / "feed.xml").read_bytes())
    assert not parsed.bozo
    newest_first = sorted(episodes, key=lambda e: (e["pub_date"], e["number"]), reverse=True)
    assert [e.id for e in parsed.entries] == [e["guid"] for e in newest_first]
    assert newest_first[0]["guid"] != seed["guid"]
    for entry in parsed.entries:
        name = entry.enclosures[0].href.rsplit("/", 1)[-1]
        assert int(entry.enclosures[0].length) == (populated_out / name).stat().st_size


def test_edited_article_replaces_episode_keeping_guid(tmp_path):
    article = tmp_path / "note.txt"
    article.write_text("A Short Note\n\nThe first version of this note has one sentence.\n")
    out = tmp_path / "episodes"
    assert run_cli("make", article, "--out", out).returncode == 0
    [first] = _catalog(out)
    article.write_text("A Short Note\n\nThe second version of this note says something else entirely.\n")
    result = run_cli("make", article, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "updated" in result.stdout
    [second] = _catalog(out)
    assert second["guid"] == first["guid"]
    assert second["slug"] == first["slug"]
    assert second["bytes"] == (out / second["file"]).stat().st_size
    assert len(list(out.glob("*.mp3"))) == 1
    # the sidecars moved with the audio: new addresses, named after the new MP3, the old ones gone
    stem = second["file"][: -len(".mp3")]
    assert stem != first["file"][: -len(".mp3")]
    files = [second["chapters_file"]] + [t["file"] for t in second["transcripts"]]
    assert files == [f"{stem}.chapters.json", f"{stem}.vtt", f"{stem}.srt"]
    assert all((out / name).is_file() for name in files)
    old = [first["chapters_file"]] + [t["file"] for t in first["transcripts"]]
    assert not [name for name in old if (out / name).exists()]
    assert not feedparser.parse((out / "feed.xml").read_bytes()).bozo
    feed_text = (out / "feed.xml").read_text()
    assert all(f"/{name}\"" in feed_text for name in files) and not any(f"/{name}\"" in feed_text for name in old)
    page = (out / f"{second['slug']}.html").read_text()
    assert f"{stem}.vtt" in page and f"{first['file'][:-4]}.vtt" not in page


def test_hostile_title_gives_valid_xml(tmp_path):
    article = tmp_path / "odd.txt"
    title = 'Cats & Dogs <script> "quoted" \u2014 \U0001F600 emoji\x07 bell'
    article.write_text(f"{title}\n\nA very short article about cats and dogs living together in peace.\n")
    out = tmp_path / "episodes"
    result = run_cli("make", article, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "local" in result.stderr  # no base URL: the user is told the feed is local-only
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title.startswith('Cats & Dogs <script> "quoted"')
    assert "\U0001F600" in parsed.entries[0].title
    [entry] = _catalog(out)
    assert "/" not in entry["slug"] and entry["slug"].startswith("cats-dogs-script")


def test_make_without_arguments_builds_the_bundled_sample(tmp_path):
    result = run_cli("make", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "episodes"
    [entry] = _catalog(out)
    assert entry["title"] == "Why Small Libraries Are Lending More Than Books"
    assert (out / entry["file"]).stat().st_size == entry["bytes"]
    assert "Traceback" not in result.stderr


def test_configured_cover_goes_into_mp3_and_feed(tmp_path):
    from mutagen.id3 import ID3
    from PIL import Image

    Image.new("RGB", (1400, 1400), (20, 90, 160)).save(tmp_path / "art.jpg", quality=90)
    (tmp_path / "audiobrief.toml").write_text('[podcast]\ncover = "art.jpg"\ntitle = "Own Art"\n')
    (tmp_path / "a.txt").write_text("Covered\n\nA short article with its own cover art.\n")
    result = run_cli("make", "a.txt", "--out", "out", "--base-url", "https://example.org/p", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert (out / "cover.jpg").read_bytes() == (tmp_path / "art.jpg").read_bytes()
    [mp3] = out.glob("*.mp3")
    apic = ID3(str(mp3)).getall("APIC")[0]
    assert apic.mime == "image/jpeg" and apic.data == (tmp_path / "art.jpg").read_bytes()
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert parsed.feed.image.href == "https://example.org/p/cover.jpg"
