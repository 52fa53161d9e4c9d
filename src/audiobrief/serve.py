"""Serve an episodes folder read-only over HTTP, with byte ranges, for phones and speakers.

Python's ``http.server`` has no Range support, lists directories and follows
symlinks anywhere, so this is a small handler of our own on its
``ThreadingHTTPServer`` (one thread per client: a slow download blocks nobody).
Only regular files at the top of the folder with a known podcast type are
served, and the folder's own address is the show page (index.html);
feed.xml and flash-briefing.json have their URLs rewritten to the
address the client used (or to --base-url).
"""

from __future__ import annotations

import re
import socket
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

from audiobrief.errors import ConfigError, PublishError

FEED = "feed.xml"
FLASH = "flash-briefing.json"
INDEX = "index.html"
#: what we serve, by suffix; anything else (the catalog, hidden files, archive/) is 404
MIME = {
    ".mp3": "audio/mpeg",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
REWRITTEN = (FEED, FLASH)
PRIVATE = re.compile(r"^episodes(\.v\d+)?\.json$")  # the catalog holds local source paths
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
_LINK = re.compile(rb"<channel>.*?<link>([^<]+)</link>", re.S)


def parse_range(header: str, size: int) -> Optional[tuple[int, int]]:
    """(first, last) inclusive for one ``bytes=`` range; None to send the whole file.

    Raises ValueError for a well-formed range that the file cannot satisfy (416).
    Multiple or malformed ranges are ignored, as RFC 9110 allows.
    """
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise ValueError("empty suffix range")
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # malformed: ignore
    if start >= size:
        raise ValueError("range starts past the end")
    return start, min(end, size - 1)


class Handler(BaseHTTPRequestHandler):
    def version_string(self) -> str:
        return "audiobrief"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a silent client may hold its thread

    root: Path  # set by make_server on a subclass
    base_url: Optional[str] = None
    quiet = False

    # read-only: everything but GET/HEAD is refused
    def _refuse(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if not self.quiet:
            super().log_message(format, *args)

    def _error(self, status: HTTPStatus, extra: Optional[dict] = None) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _target(self) -> tuple[Optional[Path], HTTPStatus]:
        raw = urlsplit(self.path).path
        name = unquote(raw, errors="strict") if raw.startswith("/") else ""
        if name in ("", "/"):
            name = "/" + INDEX  # the folder's address is the show page (the feed's <link>)
        name = name[1:]
        if ("/" in name or "\\" in name or "\x00" in name or name.startswith(".")
                or PRIVATE.match(name) or Path(name).suffix.lower() not in MIME):
            return None, HTTPStatus.NOT_FOUND  # only top-level, public, known files; no listing, no ..
        path = self.root / name
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None, HTTPStatus.NOT_FOUND
        if real.parent != self.root or not real.is_file():
            return None, HTTPStatus.FORBIDDEN  # a symlink out of the folder, or not a file
        return real, HTTPStatus.OK

    def _public_base(self) -> str:
        if self.base_url:
            return self.base_url
        host = self.headers.get("Host", "")
        if not _HOST.match(host):
            addr, port = self.server.server_address[:2]
            host = f"{addr}:{port}"
        return f"http://{host}/"

    def _rewritten(self, path: Path) -> bytes:
        data = path.read_bytes()
        feed = self.root / FEED
        try:
            head = data if path.name == FEED else feed.read_bytes()[:65536]
        except OSError:
            return data
        m = _LINK.search(head)
        if not m:
            return data
        old = m.group(1).strip()
        return data.replace(old, self._public_base().encode())

    def _serve(self, body: bool) -> None:
        try:
            path, status = self._target()
        except UnicodeDecodeError:
            path, status = None, HTTPStatus.NOT_FOUND
        if path is None:
            self._error(status)
            return
        content = self._rewritten(path) if path.name in REWRITTEN else None
        stat = path.stat()
        size = len(content) if content is not None else stat.st_size
        headers = {
            "Content-Type": MIME[path.suffix.lower()],
            "Accept-Ranges": "bytes",
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        }
        if path.name in REWRITTEN:
            headers["Cache-Control"] = "no-cache"
        first, last = 0, size - 1
        status = HTTPStatus.OK
        if "Range" in self.headers:
            try:
                wanted = parse_range(self.headers["Range"], size)
            except ValueError:
                self._error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, {"Content-Range": f"bytes */{size}"})
                return
            if wanted:
                first, last = wanted
                status = HTTPStatus.PARTIAL_CONTENT
                headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        length = max(0, last - first + 1)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if not body or length == 0:
            return
        if content is not None:
            self.wfile.write(content[first:last + 1])
            return
        with open(path, "rb") as handle:
            self.wfile.flush()
            self.connection.sendfile(handle, offset=first, count=length)  # zero-copy where the OS has it


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, *, family=socket.AF_INET):
        self.address_family = family
        super().__init__(address, handler)


def lan_address() -> str:
    """This machine's address on its network (no packet is sent), for --host 0.0.0.0."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: routing lookup only
            return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000, base_url: Optional[str] = None,
                quiet: bool = False) -> Server:
    """A bound, not yet running server for ``folder`` (port 0 picks a free port)."""
    root = folder.resolve()
    if not (root / FEED).is_file():
        raise PublishError(f"{folder} has no {FEED}; make an episode first (audiobrief make ARTICLE --out {folder})")
    if base_url is not None and not base_url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"--base-url {base_url!r} is not an http(s) URL; use e.g. http://192.168.1.20:8000/")
    handler = type("FolderHandler", (Handler,), {
        "root": root, "base_url": (base_url if not base_url or base_url.endswith("/") else base_url + "/"),
        "quiet": quiet})
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return Server((host, port), handler, family=family)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port or --host") from None


def feed_address(server: Server, base_url: Optional[str] = None) -> str:
    """The feed URL to give a listener."""
    if base_url:
        return (base_url if base_url.endswith("/") else base_url + "/") + FEED
    host, port = server.server_address[:2]
    if host in ("0.0.0.0", "::"):
        host = lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/{FEED}"


def qr_text(url: str) -> Optional[str]:
    """The URL as a QR code drawn with text characters, when segno is installed."""
    try:
        import io

        import segno
    except ImportError:
        return None
    buffer = io.StringIO()
    segno.make(url, error="l").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()
