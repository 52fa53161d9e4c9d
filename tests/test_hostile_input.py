"""Issue 21: one path for input errors. Every command that reads an article (make, plan,
lexicon check) gives the same one `error:` line for the same bad argument, a non-zero
exit, no traceback, and `make` leaves the episodes folder byte-identical.

One table of bad arguments, each made in a fresh folder, run through every command.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import folder_hash, run_cli

COMMANDS = (("make",), ("plan",), ("lexicon", "check"))


def _loop(folder: Path) -> str:
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    return "a.txt"


def _not_utf8(folder: Path) -> str:
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 file name
    (folder / name).write_text("Title\n\nA paragraph of words.\n")
    return name


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.txt")
    return "pipe.txt"


def _write(name: str, data: bytes):
    def make(folder: Path) -> str:
        (folder / name).write_bytes(data)
        return name
    return make


def _symlink(name: str, target: str):
    def make(folder: Path) -> str:
        (folder / name).symlink_to(target)
        return name
    return make


def _big(folder: Path) -> str:
    (folder / "audiobrief.toml").write_text("[input]\nmax_article_mb = 1\n")
    (folder / "big.txt").write_bytes(b"Big\n\n" + b"The ferry left the harbour at dawn.\n\n" * 40_000)
    return "big.txt"


#: (case, how to make the argument, words the error line must hold)
CASES = [
    ("symlink loop", _loop, ["a.txt", "cannot be read", "symbolic links"]),
    ("missing file", lambda folder: "missing.txt", ["missing.txt", "no such file"]),
    ("dangling symlink", _symlink("gone.txt", "nowhere.txt"), ["gone.txt", "no such file"]),
    ("device symlink", _symlink("zero.txt", "/dev/zero"), ["zero.txt", "device", "not a regular file"]),
    ("fifo", _fifo, ["pipe.txt", "FIFO"]),
    ("name not utf-8", _not_utf8, ["caf\\xe9.txt", "not valid UTF-8", "rename"]),
    ("empty argument", lambda folder: "", ["empty article path"]),
    ("url refused", lambda folder: "http://127.0.0.1:9/story.html", ["127.0.0.1:9/story.html", "refused the connection"]),
    ("unsupported suffix", _write("story.pdf", b"%PDF-1.4 not really"), ["story.pdf", "not supported"]),
    ("empty file", _write("empty.txt", b""), ["empty.txt", "empty"]),
    ("binary", _write("noise.txt", bytes(range(256)) * 20), ["noise.txt", "binary"]),
    ("too big", _big, ["big.txt", "1 MB limit", "max_article_mb"]),
]


def _run(command: tuple, arg: str, folder: Path):
    out = folder / "episodes"
    extra = ("--out", str(out)) if command == ("make",) else ()
    return run_cli(*command, arg, *extra, cwd=folder, timeout=120)


def _error_line(result) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert lines == errors, result.stderr  # nothing else on stderr: no progress, no warning
    return errors[0]


@pytest.mark.parametrize("case, make_arg, words", CASES, ids=[c[0] for c in CASES])
def test_every_command_gives_the_same_error(tmp_path, case, make_arg, words):
    lines = {}
    for command in COMMANDS:
        folder = tmp_path / "-".join(command)
        folder.mkdir()
        arg = make_arg(folder)
        (folder / "episodes").mkdir()
        (folder / "episodes" / "kept.txt").write_text("a file the folder already held")
        before = folder_hash(folder / "episodes")
        lines[command] = _error_line(_run(command, arg, folder))
        assert folder_hash(folder / "episodes") == before, command
    assert len(set(lines.values())) == 1, lines  # word for word the same line
    line = lines[COMMANDS[0]]
    for word in words:
        assert word in line, (word, line)


def test_a_folder_reports_its_unreadable_files_and_makes_the_rest(tmp_path):
    """Folders and globs in make go through the same checks: a loop or a bad name inside a
    folder is one error line each (not skipped unsaid), and the good article is published."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text("Good Title\n\nA fine paragraph about the ferry.\n")
    _loop(folder)
    name = _not_utf8(folder)
    (folder / "sub.txt").mkdir()  # a folder with an article's suffix is not an article
    out = tmp_path / "episodes"
    for arg in (str(folder), str(folder / "*.txt")):
        result = run_cli("make", arg, "--out", out, cwd=tmp_path, timeout=300)
        assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
        errors = sorted(line for line in result.stderr.splitlines() if line.startswith("error: "))
        assert len(errors) == 3, result.stderr  # a.txt and b.txt loop, and the Latin-1 name
        assert "caf\\xe9.txt" in errors[-1] and "UTF-8" in errors[-1]
        assert sum("symbolic links" in line for line in errors) == 2
        assert (out / "good-title.mp3").is_file()
    assert os.fsencode(name) == b"caf\xe9.txt"


def test_a_folder_that_cannot_be_listed(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root lists every folder")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0)
    try:
        result = run_cli("make", folder, "--out", tmp_path / "episodes", timeout=120)
    finally:
        folder.chmod(0o755)
    line = _error_line(result)
    assert "cannot be listed" in line and not (tmp_path / "episodes").exists()
