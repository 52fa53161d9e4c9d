"""Stress of `audiobrief serve` on loopback: 200 parallel range requests and 20
aborted downloads, then the server must still answer correctly. Also: only the
folder is served, read-only, on 127.0.0.1 by default.

Skips while the `serve` command does not exist (it arrives with the feed issue).
"""

from __future__ import annotations

import http.client
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import run_cli


def _has_serve() -> bool:
    return run_cli("serve", "--help", timeout=60).returncode == 0


pytestmark = pytest.mark.skipif(not _has_serve(), reason="`audiobrief serve` does not exist yet")


@pytest.fixture()
def server(populated_out):
    proc = subprocess.Popen([sys.executable, "-m", "audiobrief", "serve", str(populated_out), "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "200"})
    line = proc.stdout.readline()
    found = re.search(r" on (\S+) port (\d+)", line)
    assert found, (line, proc.stderr.read() if proc.poll() is not None else "")
    host, port = found.group(1), int(found.group(2))
    try:
        yield host, port, populated_out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _get(host, port, path, headers=None, method="GET"):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_listens_on_loopback_only_by_default(server):
    host, _, _ = server
    assert host in ("127.0.0.1", "::1", "localhost")


def test_200_parallel_range_requests_then_20_aborted_downloads(server):
    host, port, out = server
    [mp3] = sorted(out.glob("*.mp3"))
    data = mp3.read_bytes()
    rng = random.Random(7)
    ranges = []
    for _ in range(200):
        start = rng.randrange(0, len(data) - 1)
        end = min(len(data) - 1, start + rng.randrange(1, 64_000))
        ranges.append((start, end))

    def fetch(span):
        start, end = span
        status, headers, body = _get(host, port, "/" + mp3.name, {"Range": f"bytes={start}-{end}"})
        return status, body == data[start:end + 1], headers.get("Content-Range", "")

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(fetch, ranges))
    assert time.monotonic() - began < 120
    assert all(status == 206 for status, _, _ in results), {s for s, _, _ in results}
    assert all(ok for _, ok, _ in results)
    assert all(cr.endswith(f"/{len(data)}") for _, _, cr in results)

    for _ in range(20):  # a client that goes away mid-download, abruptly (RST)
        sock = socket.create_connection((host, port), timeout=10)
        sock.sendall(f"GET /{mp3.name} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        sock.recv(4096)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    slow = socket.create_connection((host, port), timeout=10)  # and one that never finishes its request
    slow.sendall(b"GET /feed.xml HTTP/1.1\r\n")

    status, _, body = _get(host, port, "/" + mp3.name)
    assert status == 200 and body == data
    status, _, body = _get(host, port, "/feed.xml")  # the server may rewrite links to itself
    assert status == 200
    import xml.etree.ElementTree as ET

    assert ET.fromstring(body).tag == "rss"
    slow.close()


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
                                  "//etc/passwd", "/.cache/../../etc/passwd"])
def test_only_the_folder_is_served(server, path):
    host, port, _ = server
    status, _, body = _get(host, port, path)
    assert status in (400, 403, 404)
    assert b"root:" not in body


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_read_only(server, method):
    host, port, out = server
    before = sorted(p.name for p in out.iterdir())
    status, _, _ = _get(host, port, "/feed.xml", method=method)
    assert status in (403, 405, 501)
    assert sorted(p.name for p in out.iterdir()) == before
