"""scripts/intelligibility: the scorer's normalisation, and one short episode heard end to end.

The recogniser lives in its own venv (.venv-listen, set up by the script on
first use); these tests use it the way the script does, and run the episode
with no network."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "intelligibility.py"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def listen_python() -> str:
    """The recogniser venv's python (created on first use: the only step that needs the network)."""
    done = subprocess.run(["bash", "-c", f'source "{ROOT}/scripts/_listen_venv.sh" && echo "$LISTEN_VENV"'],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    return str(Path(done.stdout.strip().splitlines()[-1]) / "bin" / "python")


def listen(python: str, *args: str, offline: bool = False) -> subprocess.CompletedProcess:
    command = [python, str(SCRIPT), "--audiobrief-python", sys.executable, *map(str, args)]
    if offline and shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"]).returncode == 0:
        command = ["unshare", "-n", *command]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.parametrize("said, heard", [
    ("$3,499", "three thousand four hundred and ninety-nine dollars"),
    ("It cost $1.2 billion in 2019.", "It cost one point two billion dollars in twenty nineteen."),
    ("Dr. Smith's 3rd visit", "doctor smith's third visit"),
])
def test_number_formats_are_not_mishearings(listen_python, said, heard):
    done = listen(listen_python, "--compare", said, heard)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("WER 0.0%"), done.stdout


def test_a_real_mishearing_counts(listen_python):
    done = listen(listen_python, "--compare", "the barcode on the book", "the market on the book")
    assert done.stdout.startswith("WER 20.0%"), done.stdout


def test_one_short_episode_is_heard_and_scored_offline(listen_python, tmp_path):
    article = tmp_path / "short-note.txt"
    article.write_text("A Short Note\n\nThe town library now lends garden tools as well as books. "
                       "Borrowers return them within two weeks, and volunteers sharpen the blades.\n",
                       encoding="utf-8")
    done = listen(listen_python, article, "--engine", "pyttsx3", "--json", tmp_path / "wer.json", offline=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["article", "engine", "words", "WER"]
    row = next(line for line in lines if line.startswith("short-note.txt"))
    assert row.split()[1] == "pyttsx3" and int(row.split()[2]) >= 25
    import json

    (result,) = json.loads((tmp_path / "wer.json").read_text(encoding="utf-8"))
    assert result["words"] >= 25 and result["wer"] < 0.35, result
    assert result["said"] == result["spoken"] and "display" in result
    again = listen(listen_python, "--rescore", tmp_path / "wer.json", "--reference", "display")
    assert again.returncode == 0, again.stderr
    assert next(line for line in again.stdout.splitlines() if line.startswith("short-note.txt")) == row


@pytest.mark.parametrize("said, heard", [
    ("the U S and H T M L", "the US and HTML"),
    ("the crates dot io registry", "the crates.io registry"),
    ("the crates dot I O registry", "the crates.io registry"),
    ("written in C plus plus and C sharp", "written in C++ and C#"),
    ("the ferry leaves at five eleven A M", "the ferry leaves at 5:11 a.m."),
    ("tag it hashtag Ferry Friday for twelve plus weeks", "tag it #FerryFriday for 12+ weeks"),
    ("posted at five eleven A M to the ferryboat log", "posted at 5.11am to the ferry boat log"),
])
def test_spelled_letters_and_dotted_names_are_formats_not_mishearings(listen_python, said, heard):
    done = listen(listen_python, "--compare", said, heard)
    assert done.stdout.startswith("WER 0.0%"), done.stdout
