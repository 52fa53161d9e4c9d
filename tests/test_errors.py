"""Bad input: one clear line, non-zero exit, no traceback, nothing changed."""

from __future__ import annotations

import pytest

from conftest import folder_hash, run_cli


def _assert_clean_failure(result, out, before, *words):
    assert result.returncode != 0
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in lines[0]
    assert folder_hash(out) == before


def _bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n \n")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    folder = tmp_path / "a-folder.txt"
    folder.mkdir()
    return {
        "missing": (tmp_path / "nope.txt", ["no such file"]),
        "empty": (empty, ["empty"]),
        "suffix": (pdf, ["not supported", ".md"]),
        "binary": (binary, ["binary"]),
        "directory": (folder, ["folder"]),
    }


@pytest.mark.parametrize("case", ["missing", "empty", "suffix", "binary", "directory"])
def test_bad_article_leaves_episodes_untouched(case, populated_out, tmp_path):
    path, words = _bad_inputs(tmp_path)[case]
    before = folder_hash(populated_out)
    result = run_cli("make", path, "--out", populated_out)
    _assert_clean_failure(result, populated_out, before, *words)


def test_one_bad_article_among_good_ones_changes_nothing(populated_out, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Fine Title\n\nA fine paragraph.\n")
    before = folder_hash(populated_out)
    result = run_cli("make", good, tmp_path / "missing.txt", "--out", populated_out)
    _assert_clean_failure(result, populated_out, before, "missing.txt")


def test_plan_of_missing_file_is_one_line(tmp_path):
    result = run_cli("plan", tmp_path / "x.txt")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_bad_config_lists_every_problem(tmp_path):
    cfg = tmp_path / "audiobrief.toml"
    cfg.write_text('[podcast]\ntitel = "x"\nexplicit = "maybe"\n[speech]\nrate = 9000\n')
    article = tmp_path / "a.txt"
    article.write_text("T\n\nSome words here.\n")
    result = run_cli("make", article, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode != 0
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "did you mean 'title'" in line
    assert "'podcast.explicit'" in line and "'speech.rate'" in line
    assert not (tmp_path / "out").exists()
