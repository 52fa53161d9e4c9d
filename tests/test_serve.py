"""`audiobrief serve`: byte ranges, HEAD, read-only, no way out of the folder; raw HTTP."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

from audiobrief.serve import parse_range
from conftest import served


def _raw(url: str, request_line: str, headers: str = "") -> tuple[int, dict, bytes]:
    """Send one HTTP/1.1 request exactly as written; read one response (bounded)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(f"{request_line}\r\nHost: {parts.netloc}\r\n{headers}Connection: close\r\n\r\n".encode())
        data = b""
        for _ in range(10_000):  # bounded: the server closes after one response
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return status, fields, body


@pytest.fixture()
def server(episodes_copy):
    mp3 = sorted(episodes_copy.glob("*.mp3"))[0]
    with served(episodes_copy) as (_url, local):
        yield local, mp3, None


@pytest.mark.parametrize("header, start, end", [
    ("bytes=0-99", 0, 99),            # first bytes
    ("bytes=1000-1999", 1000, 1999),  # middle
    ("bytes=-500", None, None),       # last 500 bytes
    ("bytes=5000-", 5000, None),      # open-ended
])
def test_byte_ranges_give_206_with_exact_bytes(server, header, start, end):
    base, mp3, _ = server
    data = mp3.read_bytes()
    size = len(data)
    if start is None:
        start, end = size - 500, size - 1
    elif end is None:
        end = size - 1
    status, fields, body = _raw(base, f"GET /{mp3.name} HTTP/1.1", f"Range: {header}\r\n")
    assert status == 206
    assert fields["content-range"] == f"bytes {start}-{end}/{size}"
    assert int(fields["content-length"]) == end - start + 1
    assert body == data[start:end + 1]
    assert fields["content-type"] == "audio/mpeg"


def test_range_past_the_end_is_416(server):
    base, mp3, _ = server
    size = mp3.stat().st_size
    status, fields, body = _raw(base, f"GET /{mp3.name} HTTP/1.1", f"Range: bytes={size}-\r\n")
    assert status == 416
    assert fields["content-range"] == f"bytes */{size}"


def test_head_and_full_get(server):
    base, mp3, _ = server
    status, fields, body = _raw(base, f"HEAD /{mp3.name} HTTP/1.1")
    assert status == 200 and body == b""
    assert int(fields["content-length"]) == mp3.stat().st_size
    assert fields["accept-ranges"] == "bytes"
    status, fields, body = _raw(base, f"GET /{mp3.name} HTTP/1.1")
    assert status == 200 and body == mp3.read_bytes()


def test_mime_types(server):
    base, _, _ = server
    assert _raw(base, "HEAD /feed.xml HTTP/1.1")[1]["content-type"].startswith("application/rss+xml")
    assert _raw(base, "HEAD /cover.png HTTP/1.1")[1]["content-type"] == "image/png"


@pytest.mark.parametrize("target", [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2Fepisodes.json",
    "/..%2f..%2fetc%2fpasswd",
    "/etc/passwd",
    "//etc/passwd",
    "/.cache/",
    "/episodes.json",     # the catalog holds local paths: never served
    "/archive/",
    "http://127.0.0.1/../../etc/passwd",  # absolute-form request target
    "/C:%5cWindows%5cwin.ini",
])
def test_no_way_out_and_no_listing(server, target):
    base, _, _ = server
    status, _, body = _raw(base, f"GET {target} HTTP/1.1")
    assert status in (403, 404), (target, status)
    assert b"root:" not in body


def test_folder_address_is_the_show_page_not_a_listing(server):
    base, _, _ = server
    status, headers, body = _raw(base, "GET / HTTP/1.1")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b'<meta name="generator" content="audiobrief">' in body and b"episodes.json" not in body
    assert _raw(base, "GET /index.html HTTP/1.1")[2] == body


def test_symlink_out_of_the_folder_is_refused(episodes_copy, tmp_path):
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"not for you")
    os.symlink(secret, episodes_copy / "leak.mp3")
    with served(episodes_copy) as (_url, local):
        status, _, body = _raw(local, "GET /leak.mp3 HTTP/1.1")
    assert status in (403, 404) and b"not for you" not in body


def test_read_only(server):
    base, mp3, _ = server
    before = mp3.read_bytes()
    for method in ("PUT", "POST", "DELETE"):
        status, fields, _ = _raw(base, f"{method} /{mp3.name} HTTP/1.1", "Content-Length: 0\r\n")
        assert status == 405 and fields["allow"] == "GET, HEAD"
    assert mp3.read_bytes() == before


def test_feed_urls_follow_base_url_option(episodes_copy):
    with served(episodes_copy, "--base-url", "http://192.0.2.7:9000/pod") as (url, local):
        assert url == "http://192.0.2.7:9000/pod/feed.xml"
        status, _, body = _raw(local, "GET /feed.xml HTTP/1.1")
        flash_status, _, _ = _raw(local, "GET /flash-briefing.json HTTP/1.1")
    assert status == 200
    assert b"http://192.0.2.7:9000/pod/cover.png" in body and b"example.org" not in body
    assert flash_status == 404  # no Alexa-profile episode: no flash briefing written


def test_feed_urls_follow_the_host_the_client_used(server):
    local, _, _ = server
    status, _, body = _raw(local, "GET /feed.xml HTTP/1.1")
    assert status == 200
    host = local.split("//", 1)[1]
    assert f"<link>http://{host}/</link>".encode() in body
    assert b"example.org" not in body


@pytest.mark.parametrize("header, size, expected", [
    ("bytes=0-0", 10, (0, 0)),
    ("bytes=9-", 10, (9, 9)),
    ("bytes=-20", 10, (0, 9)),
    ("bytes=2-100", 10, (2, 9)),
    ("bytes=5-2", 10, None),        # malformed: ignored, whole file
    ("bytes=0-1,4-5", 10, None),    # multiple ranges: whole file
    ("items=0-1", 10, None),
])
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected


@pytest.mark.parametrize("header, size", [("bytes=10-", 10), ("bytes=-0", 10), ("bytes=0-", 0)])
def test_parse_range_unsatisfiable(header, size):
    with pytest.raises(ValueError):
        parse_range(header, size)
