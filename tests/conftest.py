"""Shared fixtures: paths to the real articles, a CLI runner, folder hashes."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_ARTICLES = ROOT.parent / "shared" / "articles"
SAMPLE = ROOT / "src" / "audiobrief" / "samples" / "sample-article.txt"


def shared_article(name: str) -> Path:
    path = SHARED_ARTICLES / name
    if not path.is_file():
        pytest.skip(f"{path} is not here (the shared articles sit beside the checkout)")
    return path


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m audiobrief`` in a fresh process, as a user would."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "audiobrief", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def folder_hash(folder: Path) -> str:
    """Hash of every file's name and bytes under ``folder`` (the cache included)."""
    digest = hashlib.sha256()
    if folder.exists():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def seed_episode_dir(tmp_path_factory) -> Path:
    """An episodes folder holding a real episode of the seed article (made once)."""
    out = tmp_path_factory.mktemp("seed-episodes")
    result = run_cli("make", shared_article("seed-blog-post.txt"), "--out", out,
                     "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture()
def populated_out(seed_episode_dir, tmp_path) -> Path:
    """A private copy of the seed episodes folder, to break or extend."""
    out = tmp_path / "episodes"
    shutil.copytree(seed_episode_dir, out)
    return out
