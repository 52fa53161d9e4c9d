"""Disk full and read-only output: a clear one-line error, the published
episodes, catalog and feed untouched, and a later run completes.

Uses a tiny tmpfs (needs root and mount permission) so the disk really fills
up; skips with the reason where that is not possible.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli
from statecheck import leftover_temps, published_state


def _published_hash(out: Path) -> str:
    """Hash of what subscribers see: everything but the clip cache."""
    digest = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts
                       and not p.name.startswith(".audiobrief.lock")):
        digest.update(str(path.relative_to(out)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture()
def tiny_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _article(folder: Path, title: str, body: str) -> Path:
    path = folder / (title.lower().replace(" ", "-") + ".txt")
    path.write_text(f"{title}\n\n{body}\n\nSecond Part\n\nA further paragraph that gives the episode some length.\n")
    return path


def _fill(mnt: Path, leave: int) -> Path:
    """Fill the tmpfs until only about ``leave`` bytes are free."""
    filler = mnt / "filler.bin"
    free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


def _assert_one_line_error(result, *words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.lstrip().startswith("Speaking")]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert any(w in lines[0] for w in words), lines[0]


@pytest.mark.parametrize("leave", [40_000, 250_000])
def test_disk_full_keeps_the_previous_state(tiny_disk, tmp_path, leave):
    out = tiny_disk / "episodes"
    first = run_cli("make", _article(tmp_path, "Canal Locks", "The canal locks open again on Monday."),
                    "--out", out, "-j", "1", "--base-url", "https://example.org/pod/")
    assert first.returncode == 0, first.stderr
    before = _published_hash(out)
    filler = _fill(tiny_disk, leave)
    src = _article(tmp_path, "Bridge Paint", "The old bridge will be painted green over the coming month. " * 6)
    full = run_cli("make", src, "--out", out, "-j", "1", "--base-url", "https://example.org/pod/")
    _assert_one_line_error(full, "full", "space")
    assert _published_hash(out) == before
    assert published_state(out) == []
    filler.unlink()
    again = run_cli("make", src, "--out", out, "-j", "1", "--base-url", "https://example.org/pod/")
    assert again.returncode == 0, again.stderr
    assert published_state(out) == [] and leftover_temps(out) == []


def test_disk_filling_up_during_the_mp3_write_keeps_the_previous_state(tiny_disk, tmp_path):
    """Clips cached, so the space check passes; the MP3 itself no longer fits."""
    out = tiny_disk / "episodes"
    src = _article(tmp_path, "Canal Locks", "The canal locks open again on Monday.")
    first = run_cli("make", src, "--out", out, "-j", "1")
    assert first.returncode == 0, first.stderr
    before = _published_hash(out)
    (tmp_path / "audiobrief.toml").write_text('[episode]\ntransition = "none"\n')  # new audio, same clips
    filler = _fill(tiny_disk, 100_000)
    full = run_cli("make", src, "--out", out, "-j", "1", "--config", tmp_path / "audiobrief.toml")
    _assert_one_line_error(full, "disk is full")
    assert full.returncode == 4
    assert _published_hash(out) == before and published_state(out) == []
    filler.unlink()
    again = run_cli("make", src, "--out", out, "-j", "1", "--config", tmp_path / "audiobrief.toml")
    assert again.returncode == 0, again.stderr
    assert published_state(out) == [] and leftover_temps(out) == []


def test_read_only_output_keeps_the_previous_state(tiny_disk, tmp_path):
    out = tiny_disk / "episodes"
    first = run_cli("make", _article(tmp_path, "Canal Locks", "The canal locks open again on Monday."),
                    "--out", out, "-j", "1")
    assert first.returncode == 0, first.stderr
    before = _published_hash(out)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    result = run_cli("make", _article(tmp_path, "Bridge Paint", "The bridge will be painted."), "--out", out, "-j", "1")
    _assert_one_line_error(result, "read-only", "not writable")
    assert result.returncode == 4
    assert _published_hash(out) == before
    assert published_state(out) == []


def test_unwritable_output_folder_is_a_clear_error(tmp_path, populated_out):
    """Without root, a folder without write permission; as root, a file where the folder should be."""
    src = _article(tmp_path, "Bridge Paint", "The bridge will be painted.")
    if os.geteuid() == 0:
        blocker = tmp_path / "blocked"
        blocker.write_text("a file, not a folder")
        result = run_cli("make", src, "--out", blocker / "episodes")
        _assert_one_line_error(result, "cannot create output folder", "not a folder")
        assert blocker.read_text() == "a file, not a folder"
        return
    before = _published_hash(populated_out)
    populated_out.chmod(0o555)
    try:
        result = run_cli("make", src, "--out", populated_out)
    finally:
        populated_out.chmod(0o755)
    _assert_one_line_error(result, "not writable", "permission")
    assert _published_hash(populated_out) == before
