"""audiobrief.fetch against a real HTTP server on 127.0.0.1: limits, conditional requests, redaction."""

from __future__ import annotations

import socket

import pytest

from audiobrief import __version__
from audiobrief.fetch import Fetcher, FetchError, NetworkUnavailable, check_url, redact
from briefing_site import Site

MB = 1_000_000


@pytest.fixture()
def site():
    with Site() as running:
        yield running


def fetcher(tmp_path, max_bytes: int = 5 * MB) -> Fetcher:
    return Fetcher(tmp_path / "cache", max_bytes)


def test_page_is_fetched_with_our_user_agent(site, tmp_path):
    got = fetcher(tmp_path).get(f"{site.base}/pages/library-hours.html")
    assert b"Riverside library opens on Sundays" in got.body
    assert got.content_type == "text/html" and not got.from_cache
    assert site.log[-1][1]["User-Agent"] == f"audiobrief/{__version__}"


def test_second_fetch_is_conditional_and_returns_the_kept_body(site, tmp_path):
    url = f"{site.base}/pages/radweg.html"
    first = fetcher(tmp_path).get(url)
    assert "If-None-Match" not in site.log[-1][1]
    second = fetcher(tmp_path).get(url)  # a new Fetcher: the validators live on disk
    headers = site.log[-1][1]
    assert headers["If-None-Match"].startswith('"') and headers["If-Modified-Since"] == "Fri, 04 Dec 2026 05:00:00 GMT"
    assert second.from_cache and second.body == first.body and second.content_type == "text/html"


def test_conditional_requests_follow_redirects(site, tmp_path):
    first = fetcher(tmp_path).get(f"{site.base}/moved/radweg.html")
    site.log.clear()
    second = fetcher(tmp_path).get(f"{site.base}/moved/radweg.html")
    assert second.from_cache and second.body == first.body and second.url == f"{site.base}/pages/radweg.html"
    assert [(path, "If-None-Match" in headers) for path, headers in site.log] == [
        ("/moved/radweg.html", False), ("/pages/radweg.html", True)]


@pytest.mark.parametrize("path, why", [
    ("/loop-a", "redirect loop"),
    ("/hop/1", "more than 5 redirects"),
    ("/to-file", "redirects to a file URL"),
    ("/big", "more than the 5 MB limit"),
    ("/big-declared", "21.0 MB is larger than the 5 MB limit"),
    ("/bomb", "more than the 5 MB limit"),  # 20 KB on the wire, 21 MB unpacked
    ("/image.png", "is image/png, not an HTML page"),
    ("/pages/gone.html", "HTTP 404"),
])
def test_hostile_answers_are_refused_with_one_line(site, tmp_path, path, why):
    with pytest.raises(FetchError) as caught:
        fetcher(tmp_path).get(site.base + path)
    message = str(caught.value)
    assert message.startswith(f"{site.base}{path}: ") and why in message and "\n" not in message


def test_feed_kind_refuses_a_page(site, tmp_path):
    with pytest.raises(FetchError, match="is text/html, not an RSS or Atom feed"):
        fetcher(tmp_path).get(f"{site.base}/pages/radweg.html", kind="feed")


@pytest.mark.parametrize("url, why", [
    ("file:///etc/passwd", "file URLs are not fetched"),
    ("ftp://example.org/x", "ftp URLs are not fetched"),
    ("https:///nohost", "has no host"),
])
def test_only_http_and_https_are_fetched(url, why):
    with pytest.raises(FetchError, match=why):
        check_url(url)


def test_credentials_are_sent_but_never_shown(site, tmp_path):
    url = site.base.replace("://", "://reader:s3cret-pw@") + "/secret/feed.xml?token=abc123&page=2"
    got = fetcher(tmp_path).get(url, kind="feed")
    assert b"Members' news" in got.body
    assert "s3cret" not in got.url and "abc123" not in got.url and "reader" not in got.url
    assert got.url == f"{site.base}/secret/feed.xml?token=***&page=2"
    stored = "".join(p.read_text() for p in (tmp_path / "cache" / "http").glob("*.json"))
    assert "s3cret" not in stored and "abc123" not in stored
    wrong = site.base.replace("://", "://reader:wrong-pw@") + "/secret/feed.xml"
    with pytest.raises(FetchError) as caught:
        fetcher(tmp_path).get(wrong, kind="feed")
    assert "wrong-pw" not in str(caught.value) and "HTTP 401" in str(caught.value)


def test_redact_leaves_plain_urls_alone():
    assert redact("https://example.org/a?b=1#c") == "https://example.org/a?b=1#c"
    assert redact("https://u:p@example.org/") == "https://***@example.org/"


def test_connection_refused_names_the_url(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=f"http://127.0.0.1:{port}/x: the server refused the connection"):
        fetcher(tmp_path).get(f"http://127.0.0.1:{port}/x")


def test_no_network_says_so_and_suggests_files(tmp_path):
    # .invalid never resolves (RFC 2606), as every name does not on a machine with no network
    with pytest.raises(FetchError, match="save the pages in a browser and pass the files instead$"):
        fetcher(tmp_path).get("https://news.example.invalid/today")


def test_no_route_is_named_no_network(tmp_path, monkeypatch):
    import audiobrief.fetch as fetch

    monkeypatch.setattr(fetch, "_has_route", lambda: False)
    with pytest.raises(NetworkUnavailable, match=r"^https://news.example.invalid/today: no network \(this machine"):
        fetcher(tmp_path).get("https://news.example.invalid/today")


def test_a_silent_server_times_out(site, tmp_path, monkeypatch):
    import audiobrief.fetch as fetch

    monkeypatch.setattr(fetch, "READ_TIMEOUT", 0.5)
    with pytest.raises(FetchError, match=r"/slow: the server sent nothing for 0.5 s; try again later$"):
        fetcher(tmp_path).get(f"{site.base}/slow")
