"""Cache, skipping, parallel output and batches, end to end with the real engine.

Counters come from the build report (`make`'s last stdout line and the
library's BuildReport), never from timing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import folder_hash, run_cli

SECTIONS = ("Early Days", "What Changed", "Looking Ahead")


def _article(path: Path, edit: str = "") -> Path:
    lines = ["Harbour Notes", "", "The ferry dock reopened on a cold morning with a small crowd."
             " Children waved flags while the first boat came in.", ""]
    for n, heading in enumerate(SECTIONS):
        body = (f"Part {n + 1} began when the council voted to repair the pier. "
                f"Volunteers painted the railings in {heading.lower()} colours.")
        if n == 1 and edit:
            body = body.replace("repair the pier.", f"repair the pier {edit}.")
        lines += [heading, "", body, ""]
    lines.append("Sources: the harbour office")
    path.write_text("\n".join(lines) + "\n")
    return path


def _counts(stdout: str) -> dict:
    line = stdout.strip().splitlines()[-1]
    found = dict((name, int(n)) for n, name in re.findall(
        r"(\d+) (episode\(s\) made|unchanged|failed|clips spoken|from cache|segments encoded)", line))
    segments = re.search(r"segments encoded, (\d+) from cache", line)
    found["segments cached"] = int(segments.group(1))
    return found


def test_rerun_hits_the_cache_and_changes_nothing(tmp_path):
    article = _article(tmp_path / "notes.txt")
    out = tmp_path / "out"
    first = run_cli("make", article, "--out", out, "--jobs", "1")
    assert first.returncode == 0, first.stderr
    assert _counts(first.stdout)["clips spoken"] > 0
    before = folder_hash(out)
    again = run_cli("make", article, "--out", out, "--jobs", "1")
    assert again.returncode == 0, again.stderr
    counts = _counts(again.stdout)
    assert counts["clips spoken"] == 0 and counts["segments encoded"] == 0 and counts["unchanged"] == 1
    assert again.stdout.lstrip().startswith("unchanged")
    assert folder_hash(out) == before  # catalog, feed, MP3 and cache byte-identical


def test_an_unchanged_article_is_recognised_from_its_bytes_without_reading_it(tmp_path, monkeypatch):
    import audiobrief.build as build_module
    import audiobrief.sources as sources
    from audiobrief.config import Config

    article = _article(tmp_path / "notes.txt")
    out = tmp_path / "out"
    first = build_module.build([article], Config(), out, workers=1)
    assert first.episodes[0].status == "new"

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged article was read and scripted again")

    monkeypatch.setattr(sources, "read_article", no_reading)
    again = build_module.build([article], Config(), out, workers=1)
    assert [e.status for e in again.episodes] == ["unchanged"]
    assert again.clips_made == 0 and again.clips_cached == first.clips_made
    # a new byte (even one that changes nothing spoken) means reading it again
    article.write_text(article.read_text() + "\n")
    with pytest.raises(AssertionError, match="read and scripted again"):
        build_module.build([article], Config(), out, workers=1)
    monkeypatch.undo()
    third = build_module.build([article], Config(), out, workers=1)
    assert [e.status for e in third.episodes] == ["unchanged"] and third.clips_made == 0  # same build key


def test_the_stamp_follows_the_settings_and_the_files_they_name(tmp_path):
    from audiobrief.memos import source_stamp
    from audiobrief.config import Config
    from audiobrief.profiles import get_profile

    sound = tmp_path / "ding.wav"
    sound.write_bytes(b"RIFF one")
    config = Config(transition=str(sound))
    podcast = get_profile("podcast")
    base = source_stamp(b"article", config, podcast)
    assert source_stamp(b"article", config, podcast) == base
    assert source_stamp(b"article!", config, podcast) != base
    assert source_stamp(b"article", Config(transition=str(sound), author="Someone"), podcast) != base
    assert source_stamp(b"article", config, get_profile("alexa")) != base
    sound.write_bytes(b"RIFF two")  # same name, new sound
    assert source_stamp(b"article", config, podcast) != base


def test_language_detection_is_remembered_by_its_sample(tmp_path, monkeypatch):
    from audiobrief.memos import LanguageMemo
    from audiobrief.readers import language

    text = "The ferry dock reopened on a cold morning and the children waved their flags. " * 20
    with language.memo_in(LanguageMemo(tmp_path / "language")) as memo:
        assert language.detect_language(text) == "en"
        assert not (tmp_path / "language").exists()  # nothing written before the build holds the folder
        memo.flush()
    assert len(list((tmp_path / "language").rglob("*"))) == 2  # one folder, one answer
    monkeypatch.setattr(language, "_detect", lambda *a: pytest.fail("detected again"))
    with language.memo_in(LanguageMemo(tmp_path / "language")):
        assert language.detect_language(text) == "en"
        # an edit past the sample does not change what the language is
        assert language.detect_language(text + " Ein ganz anderer Satz am Ende.") == "en"
    with pytest.raises(pytest.fail.Exception):
        language.detect_language(text)  # no memo outside a build


def test_an_edit_misses_exactly_one_section(tmp_path):
    from audiobrief.build import build
    from audiobrief.config import Config

    article = _article(tmp_path / "notes.txt")
    out = tmp_path / "out"
    first = build([article], Config(), out, workers=1)
    assert first.clips_made > 0 and first.sections_spoken == len(SECTIONS) + 2
    _article(article, edit="before the storms")
    second = build([article], Config(), out, workers=1)
    assert second.clips_made == 1 and second.sections_spoken == 1
    assert second.clips_cached == first.clips_made - 1
    assert second.episodes[0].status == "updated"
    # the gain moved by less than its step, so only the edited block was encoded again
    assert second.segments_encoded == 1, (second.segments_encoded, second.segments_cached)


def test_a_corrupt_or_truncated_clip_is_rebuilt(tmp_path):
    from audiobrief.build import build
    from audiobrief.cache import ClipCache
    from audiobrief.config import Config

    article = _article(tmp_path / "notes.txt")
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = build([article], Config(), out, workers=1, cache_dir=cache)
    clips = sorted((cache / "clips").rglob("*.wav"))
    assert len(clips) == first.clips_made
    flipped, cut = clips[0], clips[1]
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the audio
    flipped.write_bytes(bytes(data))
    cut.write_bytes(cut.read_bytes()[:-1000])
    assert not ClipCache.is_valid(flipped) and not ClipCache.is_valid(cut)
    shutil.rmtree(cache / "segments")
    (out / "episodes.json").unlink()  # force a rebuild of the episode
    second = build([article], Config(), out, workers=1, cache_dir=cache)
    assert second.clips_made == 2
    assert ClipCache.is_valid(flipped) and ClipCache.is_valid(cut)


def test_jobs_1_and_jobs_2_give_identical_files(tmp_path):
    """Same clips in, same bytes out, whatever the number of workers.

    espeak-ng's output depends on what the process spoke before (its wave
    generator keeps state between utterances), so both runs start from the
    same spoken clips; everything after speech -- layout, loudness, limiter,
    encoding, tags, catalog, feed -- runs in parallel in the second run.
    """
    articles = [_article(tmp_path / "a.txt"), _article(tmp_path / "b.txt", edit="in spring")]
    one, two = tmp_path / "one", tmp_path / "two"
    first = run_cli("make", *articles, "--out", one, "--jobs", "1", "--cache-dir", tmp_path / "c1",
                    "--base-url", "https://example.org/p/")
    assert first.returncode == 0, first.stderr
    shutil.copytree(tmp_path / "c1" / "clips", tmp_path / "c2" / "clips")
    second = run_cli("make", *articles, "--out", two, "--jobs", "2", "--cache-dir", tmp_path / "c2",
                     "--base-url", "https://example.org/p/")
    assert second.returncode == 0, second.stderr
    assert _counts(second.stdout)["segments encoded"] == _counts(first.stdout)["segments encoded"] > 0
    names = sorted(p.name for p in one.iterdir() if p.suffix in (".mp3", ".vtt", ".srt", ".json"))
    assert len([n for n in names if n.endswith(".mp3")]) == 2
    for name in names:
        if name == "episodes.json":
            continue  # guids are random per folder; compared below without them
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    strip = lambda text: re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
                                r"\d{4}-\d\d-\d\dT[\d:]+\+00:00|\w{3}, \d\d \w{3} \d{4} [\d:]+ \+0000", "X", text)
    assert strip((one / "feed.xml").read_text()) == strip((two / "feed.xml").read_text())
    # publishing episodes never sets the catalog's "changed" (publish/feed.py), whatever the timing
    assert strip((one / "episodes.json").read_text()) == strip((two / "episodes.json").read_text())
    assert '"changed": null' in (one / "episodes.json").read_text()


def test_a_long_episode_is_encoded_in_worker_processes_with_the_same_bytes(tmp_path, monkeypatch):
    """Long episodes (production.PROCESS_RENDER_WORDS) encode in spawned processes to
    keep peak memory low; the MP3 is the same as from one process."""
    import audiobrief.build as build_module
    import audiobrief.production as production
    from audiobrief.config import Config

    article = _article(tmp_path / "a.txt")
    build_module.build([article], Config(), tmp_path / "one", workers=1, cache_dir=tmp_path / "c1")
    shutil.copytree(tmp_path / "c1" / "clips", tmp_path / "c2" / "clips")
    kinds = []
    real = production.make_executor
    monkeypatch.setattr(production, "make_executor",
                        lambda jobs, processes=False: kinds.append(processes) or real(jobs, processes))
    monkeypatch.setattr(production, "PROCESS_RENDER_WORDS", 10)  # this short article counts as long
    report = build_module.build([article], Config(), tmp_path / "two", workers=2, cache_dir=tmp_path / "c2")
    assert kinds == [True] and report.segments_encoded > 0
    [one] = (tmp_path / "one").glob("*.mp3")
    [two] = (tmp_path / "two").glob("*.mp3")
    assert one.read_bytes() == two.read_bytes()


def test_batch_of_a_folder_with_one_bad_file_publishes_the_rest(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    _article(folder / "one.txt")
    _article(folder / "two.txt", edit="at last")
    (folder / "three.txt").write_text("   \n\n")  # nothing to speak
    (folder / "notes.bin").write_bytes(b"\x00\x01")  # not an article: ignored by the folder scan
    out = tmp_path / "out"
    result = run_cli("make", folder, "--out", out, "--jobs", "2")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    errors = [l for l in result.stderr.splitlines() if l.startswith("error: ")]
    assert len(errors) == 1 and "three.txt" in errors[0]
    assert len(list(out.glob("*.mp3"))) == 2
    counts = _counts(result.stdout)
    assert counts["episode(s) made"] == 2 and counts["failed"] == 1
    import feedparser

    assert len(feedparser.parse(str(out / "feed.xml")).entries) == 2


def test_glob_input_and_cache_commands(tmp_path):
    _article(tmp_path / "x1.txt")
    out = tmp_path / "out"
    result = run_cli("make", str(tmp_path / "x*.txt"), "--out", out, "--jobs", "1")
    assert result.returncode == 0, result.stderr
    info = run_cli("cache", "info", "--out", out)
    assert info.returncode == 0 and re.search(r"\d+ clips, \d+ encoded segments and \d+ fetched pages", info.stdout)
    assert ": 0 B in" not in info.stdout
    pruned = run_cli("cache", "prune", "--out", out, "--max-size", "0")
    assert pruned.returncode == 0 and "removed" in pruned.stdout
    assert "0 clips, 0 encoded segments and 0 fetched pages" in run_cli("cache", "info", "--out", out).stdout
    bad = run_cli("cache", "prune", "--out", out, "--max-size", "lots")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")


def _spoken_in_two_parts(monkeypatch, between):
    """Make ``synthesize_all`` speak the first article's clips, call ``between()``,
    then the rest: the real engine, in this process."""
    from audiobrief.engines import pool

    real = pool.synthesize_all

    def speak(jobs, spec, workers=1, on_done=None, on_made=None, cancel=None):
        first = [j for j in jobs if j.label.startswith(jobs[0].label.split(":")[0] + ":")]
        real(first, spec, workers=1, on_done=on_done, on_made=on_made)
        between()
        real([j for j in jobs if j not in first], spec, workers=1, on_done=on_done, on_made=on_made)

    monkeypatch.setattr(pool, "synthesize_all", speak)


def test_an_article_renders_while_the_next_ones_are_spoken(tmp_path, monkeypatch):
    import threading

    import audiobrief.build as build_module
    import audiobrief.segments as segments
    from audiobrief.config import Config

    measuring = threading.Event()
    real_measure = segments.measure
    monkeypatch.setattr(segments, "measure", lambda *a: measuring.set() or real_measure(*a))
    overlapped = []
    _spoken_in_two_parts(monkeypatch, lambda: overlapped.append(measuring.wait(60)))
    articles = [_article(tmp_path / "a.txt"), _article(tmp_path / "b.txt", edit="in spring")]
    report = build_module.build(articles, Config(), tmp_path / "out", workers=2)
    assert overlapped == [True], "the first article's rendering waited for every article's speech"
    assert [e.status for e in report.episodes] == ["new", "new"] and not report.failures


def test_a_speech_failure_keeps_the_articles_already_spoken(tmp_path, monkeypatch):
    import feedparser

    import audiobrief.build as build_module
    from audiobrief.config import Config
    from audiobrief.errors import SynthesisError

    def fail() -> None:
        raise SynthesisError("could not synthesise b.txt: section 1: the engine gave up")

    _spoken_in_two_parts(monkeypatch, fail)
    articles = [_article(tmp_path / "a.txt"), _article(tmp_path / "b.txt", edit="in spring")]
    out = tmp_path / "out"
    with pytest.raises(SynthesisError, match="b.txt"):
        build_module.build(articles, Config(), out, workers=2)
    assert len(list(out.glob("*.mp3"))) == 1
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo and [e.title for e in feed.entries] == ["Harbour Notes"]
