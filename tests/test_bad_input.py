"""The bad-input corpus: every case in tests/bad_input/*.json, run through the CLI.

Each case names its input (a file beside it, bytes in the JSON, or a generator
for inputs too big or too special to commit: FIFOs, 50 MB files, 50,000 nested
tags) and what must happen:

- ``exit`` 2 (or 4): one line on stderr, ``error: ...`` matching ``message``,
  no traceback, and the episodes folder hashes the same as before;
- ``exit`` [0, 2]: a clear error as above, or a safe episode (used for inputs a
  reader added later may accept: HTML, Markdown);
- ``episode``: a safe episode: a bounded slug, files only inside the folder,
  the feed and catalog sound.

Strings listed in ``forbid`` must never reach what is spoken or published.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import folder_hash
from statecheck import published_state

CORPUS = Path(__file__).parent / "bad_input"
CASES = sorted(CORPUS.glob("*.json"))
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,69}")


def _generate(kind: str, path: Path) -> None:
    name, _, arg = kind.partition(":")
    if name == "directory":
        path.mkdir()
    elif name == "fifo":
        os.mkfifo(path)
    elif name == "symlink":
        path.symlink_to(arg)
    elif name == "text":  # plain prose of the given size
        line = b"The harbour committee met again to discuss the tides and the ferry timetable.\n\n"
        with open(path, "wb") as handle:
            handle.write(b"A Very Large File\n\n")
            size = int(arg)
            block = line * (1_000_000 // len(line))
            while handle.tell() + len(block) <= size:
                handle.write(block)
            handle.write(line * ((size - handle.tell()) // len(line) + 1))
    elif name == "nested-html":
        n = int(arg)
        path.write_text("<html><body><h1>Deep</h1>" + "<div>" * n + "<p>Deep inside the tags.</p>" + "</div>" * n
                        + "<p>A closing paragraph outside the nesting.</p></body></html>")
    elif name == "huge-attribute":
        path.write_text(f'<html><body><h1>Attribute</h1><p title="{"A" * int(arg)}">A paragraph with a big attribute.</p>'
                        "<p>And a second ordinary paragraph.</p></body></html>")
    elif name == "md-quotes":
        path.write_text("# Quotes\n\n" + ">" * int(arg) + " deep quote\n\nA closing paragraph.\n")
    elif name == "md-lists":
        n = int(arg)
        path.write_text("# Lists\n\n" + "".join("  " * i + "- item\n" for i in range(n)) + "\nA closing paragraph.\n")
    elif name == "md-stars":
        path.write_text("# Stars\n\n" + "*a " * int(arg) + "\n\nA closing paragraph.\n")
    elif name == "deep-array":
        n = int(arg)
        path.write_text("[podcast]\ntitle = " + "[" * n + "1" + "]" * n + "\n")
    elif name == "big":
        path.write_text("# padding\n" * (int(arg) // 10 + 1) + "[podcast]\ntitle = \"x\"\n")
    else:
        raise ValueError(kind)


def _write(spec: dict, path: Path, key: str = "") -> None:
    if "text" in spec:
        path.write_bytes(spec["text"].encode("utf-8", "surrogatepass"))
    elif "hex" in spec:
        path.write_bytes(bytes.fromhex(spec["hex"]))
    elif "generate" in spec:
        _generate(spec["generate"], path)
    elif "file" in spec:
        path.write_bytes((CORPUS / spec["file"]).read_bytes())


def _outside(work: Path, out: Path) -> set[str]:
    return {str(p.relative_to(work)) for p in work.rglob("*") if out not in p.parents and p != out}


def _run(args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audiobrief", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=240, env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(case_path, populated_out, tmp_path):
    case = json.loads(case_path.read_text())
    work = tmp_path / "work"
    work.mkdir()
    out = populated_out
    default_input = work / "article.txt"
    default_input.write_text("A Plain Article\n\nOne ordinary paragraph to speak.\n")
    source = default_input
    if "input" in case:
        source = work / case["input"]["name"]
        _write(case["input"], source)
    for name, text in case.get("extra", {}).items():
        (work / name).write_text(text)
    for name, hexdata in case.get("extra_hex", {}).items():
        (work / name).write_bytes(bytes.fromhex(hexdata))
    config = work / "audiobrief.toml"
    if "config" in case:
        config.write_text(case["config"])
    elif "config_hex" in case:
        config.write_bytes(bytes.fromhex(case["config_hex"]))
    elif "config_generate" in case:
        _generate(case["config_generate"], config)
    args = [a.replace("{input}", str(source)) for a in case.get("args", ["make", "{input}"])]
    if config.exists() or config.is_symlink():
        args += ["--config", str(config)]
    planning = args[0] == "plan"  # inputs a reader may accept but would take hours to speak
    if not planning:
        args += ["--out", str(out), "-j", "1"]
    before_hash, before_outside = folder_hash(out), _outside(work, out)
    catalog_before = json.loads((out / "episodes.json").read_text())["episodes"]

    result = _run(args, work)

    expected = case["exit"] if isinstance(case["exit"], list) else [case["exit"]]
    assert result.returncode in expected, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert _outside(work, out) == before_outside, "a file was written outside the output folder"
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ")
        assert re.search(case["message"], lines[0]), lines[0]
        assert folder_hash(out) == before_hash, "the episodes folder changed"
    elif not planning:
        assert published_state(out) == []
        catalog = json.loads((out / "episodes.json").read_text())["episodes"]
        new = [e for e in catalog if e["guid"] not in {b["guid"] for b in catalog_before}]
        assert len(new) == 1
        assert SLUG.fullmatch(new[0]["slug"]), new[0]["slug"]
        assert (out / new[0]["file"]).resolve().parent == out.resolve()
        published = (out / "feed.xml").read_text() + (out / "episodes.json").read_text()
        for word in case.get("forbid", []):
            assert word not in published
    if case.get("plan") and source.suffix:
        planned = _run(["plan", str(source), "--json"], work)
        assert planned.returncode in expected and "Traceback" not in planned.stderr
        if planned.returncode == 0:
            for word in case.get("forbid", []):
                assert word not in planned.stdout
        else:
            assert len(planned.stderr.strip().splitlines()) == 1


def test_corpus_is_big_enough():
    assert len(CASES) >= 40
