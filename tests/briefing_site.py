"""A real HTTP server on 127.0.0.1 for the briefing tests, with a log of what it was asked.

It serves the pages in fixtures/briefing/site, an RSS feed of them (one link
dead, one item carrying its full text), and the hostile cases: a redirect
loop, too many redirects, a redirect to file:, a 20 MB body, a gzip bomb, a
server that answers too slowly, a non-HTML page,
a feed of old items and a feed linking file:///etc/passwd.  Pages and feeds
answer If-None-Match / If-Modified-Since with 304.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).parent / "fixtures" / "briefing" / "site"
LAST_MODIFIED = "Fri, 04 Dec 2026 05:00:00 GMT"
BIG = 20 * 1024 * 1024

MARKET_CONTENT = """\
<p>After two quiet years, the winter market is back on the harbour square, with forty stalls selling roasted
chestnuts, knitted hats and wooden toys made in the valley.</p>
<p>The market opens every evening at five until the twenty-third of December. A small ferry will carry visitors
from the north quay for free on Saturdays.</p>
<p>The organisers ask visitors to bring their own cups: the stalls will fill them with spiced apple juice at half
price, and every cup not thrown away saves the town the cost of emptying the bins twice a night.</p>"""


def rss(base: str, items: list[tuple[str, str, datetime, str]]) -> str:
    """An RSS 2.0 feed; each item is (title, link, published, full HTML content or "")."""
    out = []
    for title, link, when, content in items:
        encoded = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else ""
        out.append(f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                   f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
                   f"<description>{title}.</description>{encoded}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Millbrook and valley news</title><link>{base}/</link><language>en</language>"
            f"<description>Local stories</description>{''.join(out)}</channel></rss>\n")


class Site:
    """``with Site() as site:`` serves on ``site.base``; ``site.log`` lists (path, headers) asked."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(timezone.utc).replace(microsecond=0)
        self.log: list[tuple[str, dict]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "Site":
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def feeds(self) -> dict[str, str]:
        b, now = self.base, self.now
        hour = timedelta(hours=1)
        return {
            "/feed.xml": rss(b, [
                ("Neuer Radweg an der Alten Mühle", f"{b}/pages/radweg.html", now - hour, ""),
                ("Riverside library opens on Sundays", f"{b}/pages/library-hours.html", now - 2 * hour, ""),
                ("Bridge closed for repairs", f"{b}/pages/gone.html", now - 3 * hour, ""),
                ("Winter market returns to the harbour square", f"{b}/pages/market.html", now - 4 * hour,
                 MARKET_CONTENT),
            ]),
            "/renamed-feed.xml": rss(b, [("Sunday hours at the library", f"{b}/pages/library-hours.html", now, "")]),
            "/old-feed.xml": rss(b, [("Last week's news", f"{b}/pages/market.html", now - timedelta(days=10), "")]),
            "/passwd-feed.xml": rss(b, [("Read me", "file:///etc/passwd", now - hour, "")]),
            "/secret/feed.xml": rss(b, [("Members' news", f"{b}/pages/library-hours.html", now - hour, "")]),
        }


@functools.cache
def _bomb() -> bytes:
    """21 MB of spaces, gzipped to about 20 KB."""
    return gzip.compress(b" " * BIG, compresslevel=9)


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # the test reads site.log instead
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            site.log.append((self.path, dict(self.headers)))
            path = self.path.split("?", 1)[0]
            feeds = site.feeds()
            if path == "/secret/feed.xml" and self.headers.get("Authorization") != \
                    "Basic " + base64.b64encode(b"reader:s3cret-pw").decode():
                return self._send(401, b"who are you?", "text/plain")
            if path in feeds:
                return self._cached(feeds[path].encode("utf-8"), "application/rss+xml")
            if path.startswith("/pages/") and (SITE / path[7:]).is_file():
                return self._cached((SITE / path[7:]).read_bytes(), "text/html; charset=utf-8")
            hops = {"/loop-a": "/loop-b", "/loop-b": "/loop-a", "/to-file": "file:///etc/passwd",
                    "/moved/radweg.html": "/pages/radweg.html"}
            if path in hops:
                return self._redirect(hops[path])
            if path.startswith("/hop/"):
                return self._redirect(f"/hop/{int(path[5:]) + 1}")
            if path == "/big":
                return self._big(declared=False)
            if path == "/big-declared":
                return self._big(declared=True)
            if path == "/bomb":
                return self._send(200, _bomb(), "text/html", {"Content-Encoding": "gzip"})
            if path == "/slow":
                time.sleep(2)
                return self._send(200, b"<p>late</p>", "text/html")
            if path == "/image.png":
                return self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
            self._send(404, b"not here", "text/plain")

        def _cached(self, body: bytes, content_type: str) -> None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(200, body, content_type, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

        def _redirect(self, target: str) -> None:
            self._send(302, b"", "text/plain", {"Location": target})

        def _big(self, declared: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if declared:
                self.send_header("Content-Length", str(BIG))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            try:
                for _ in range(BIG // len(chunk) + 1):
                    self.wfile.write(chunk)
            except OSError:  # the client stopped reading at its cap
                pass
            self.close_connection = True

        def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the client gave up first (a timeout test)
                pass

    return Handler
