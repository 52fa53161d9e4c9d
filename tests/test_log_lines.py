"""Library log records reach the user as the CLI's own `warning: ...` lines, never Python's default format."""

from __future__ import annotations

import logging
from pathlib import Path

from audiobrief.logs import route_warnings
from conftest import run_cli

PAGE = Path(__file__).parent / "fixtures" / "readers" / "yo.html"
PREFIXES = ("warning: ", "error: ", "note: ", "[")  # "[1/1] ..." is the progress line


def test_make_with_the_real_engine_prints_log_warnings_as_warning_lines(tmp_path):
    """pyttsx3's driver calls logging.debug() on the root logger, which ran basicConfig and gave
    "WARNING:audiobrief.engines.pyttsx3_voices:..." lines; the voice fallback is one of ours."""
    result = run_cli("make", PAGE, "--out", tmp_path / "out", "--cache-dir", tmp_path / "cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "warning: no voice for language 'yo'; using the default voice" in result.stderr, result.stderr
    assert all(line.startswith(PREFIXES) for line in lines), result.stderr
    assert "WARNING:" not in result.stderr and "Traceback" not in result.stderr


def test_route_warnings_keeps_basic_config_out_and_writes_one_line(capsys):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        route_warnings()
        route_warnings()  # a second command in the same process adds no second handler
        logging.basicConfig(level=logging.DEBUG)  # what a library's first logging.debug() runs
        logging.getLogger("audiobrief.engines.clips").warning("clip for %s was bad (%s);\nmaking it again", "p1", "silent")
        logging.getLogger("some.library").info("chatter")
        logging.getLogger("audiobrief.x").error("it broke")
    finally:
        root.handlers[:] = before
    err = capsys.readouterr().err
    assert err == "warning: clip for p1 was bad (silent); making it again\nerror: it broke\n"
