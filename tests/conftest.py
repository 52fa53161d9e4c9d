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


# --- serving a folder and the gPodder client (issue 5) -------------------------------------

import contextlib  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402


@contextlib.contextmanager
def served(folder: Path, *extra: str, startup: float = 60.0):
    """Run `audiobrief serve FOLDER --port 0` in a subprocess; yield (feed URL, local base URL).

    The server picks a free loopback port and prints it; it is stopped by its PID.
    """
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "audiobrief", "serve", str(folder), "--host", "127.0.0.1",
                             "--port", "0", "--quiet", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], startup)
        line = proc.stdout.readline() if ready else ""
        if "subscribe to: " not in line:
            proc.kill()
            raise AssertionError(f"serve did not start: {line!r} {proc.stderr.read()!r}")
        port = int(line.split(" port ", 1)[1].split(";", 1)[0])
        yield line.rsplit("subscribe to: ", 1)[1].strip(), f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            stream.close()


@pytest.fixture(scope="session")
def gpo_bin() -> str:
    """gPodder's command-line client; installed with apt-get (Debian package gpodder) when missing."""
    found = shutil.which("gpo")
    if found:
        return found
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
        pytest.skip("gpo (Debian package gpodder) is missing and we are not root to apt-get install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "gpodder"]
    result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:  # the package lists may be missing or stale
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
        result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
    found = shutil.which("gpo")
    if not found:
        pytest.skip(f"could not install gpodder with apt-get: {result.stderr.strip()[-300:]}")
    return found


OWN_ARTICLES = Path(__file__).parent / "fixtures" / "articles"


@pytest.fixture(scope="session")
def three_episodes(tmp_path_factory) -> Path:
    """Three real episodes of our own short articles (made once; copy before changing)."""
    out = tmp_path_factory.mktemp("three") / "episodes"
    names = ("ferry.txt", "orchard.txt", "library.txt")
    result = run_cli("make", *(OWN_ARTICLES / n for n in names), "--out", out, "--base-url", "https://example.org/pod/")
    assert result.returncode == 0, result.stderr
    assert len(list(out.glob("*.mp3"))) == 3
    return out


@pytest.fixture()
def episodes_copy(three_episodes, tmp_path) -> Path:
    out = tmp_path / "episodes"
    shutil.copytree(three_episodes, out, symlinks=True)
    return out


_USER_FOLDERS = ("XDG_CACHE_HOME", "XDG_DATA_HOME")


def pytest_configure(config):
    """Runs of the whole session (session fixtures too) never touch the real user folders."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="audiobrief-user-"))
    for name in _USER_FOLDERS:
        os.environ[name] = str(base / name.lower())


@pytest.fixture(autouse=True)
def _own_user_folders(tmp_path_factory):
    """Each test gets its own user cache and data folders (clip cache, memos, archives, locks),
    as a fresh machine would: platformdirs follows XDG_CACHE_HOME and XDG_DATA_HOME. Set
    directly, not through monkeypatch, so a test's monkeypatch.undo() keeps them."""
    base = tmp_path_factory.mktemp("user")
    saved = {name: os.environ.get(name) for name in _USER_FOLDERS}
    os.environ.update({name: str(base / name.lower()) for name in _USER_FOLDERS})
    yield
    os.environ.update({name: value for name, value in saved.items() if value is not None})


def user_cache() -> Path:
    """The clip cache a test's runs use (see _own_user_folders)."""
    return Path(os.environ["XDG_CACHE_HOME"]) / "audiobrief"
