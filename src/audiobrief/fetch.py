"""Fetching web pages and feeds over HTTP(S), safely and politely.

The client is urllib3: trafilatura already depends on it, so it adds nothing
to the install; it is maintained by the team behind requests, streams a body
so a size cap holds however big the response is (after gzip is undone, so a
compressed bomb is cut off too), and takes separate connect and read
timeouts.  Redirects are followed here, one hop at a time, so every hop's
scheme is checked (http and https only), a loop is named as a loop, and the
credentials of a ``https://user:pass@host/`` URL never travel to another host.

Rules every fetch keeps:

- timeouts of 10 s to connect and 30 s between bytes; at most 5 redirects;
- at most ``max_bytes`` of body (``[input] max_article_mb``);
- the content type must be what was asked for: HTML for pages, RSS, Atom or
  XML for feeds;
- ``User-Agent: audiobrief/<version>``;
- conditional requests: the ETag and Last-Modified of every answer are kept in
  ``<cache_dir>/http/`` (per URL and credentials, after redirects), and a 304
  returns the body kept from last time;
- URLs are shown only through :func:`redact`, so credentials stay out of logs,
  errors and everything published.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from audiobrief import __version__
from audiobrief.cache import write_atomic
from audiobrief.errors import AudiobriefError, InputError

USER_AGENT = f"audiobrief/{__version__}"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
#: media types accepted for each kind of fetch
ACCEPTED = {
    "page": ("text/html", "application/xhtml+xml"),
    "feed": ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml",
             "application/xml", "text/xml"),
}
ACCEPTED["any"] = ACCEPTED["page"] + ACCEPTED["feed"]
_ACCEPT_HEADER = {
    "page": "text/html,application/xhtml+xml;q=0.9",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8",
    "any": "text/html,application/rss+xml,application/atom+xml,application/xhtml+xml;q=0.9,application/xml;q=0.8",
}
_WANTED = {"page": "an HTML page", "feed": "an RSS or Atom feed", "any": "an HTML page or an RSS or Atom feed"}
#: query parameters whose values are secrets often put in feed URLs
_SECRET_PARAMS = {"token", "access_token", "api_key", "apikey", "key", "password", "pass", "secret", "auth", "sig",
                  "signature"}
_CHUNK = 64 * 1024


class FetchError(InputError):
    """A URL could not be fetched; the message names the (redacted) URL and why."""


class NetworkUnavailable(FetchError):
    """The network cannot be reached at all."""

    exit_code = 6


class HostNotFound(FetchError):
    """A host name did not resolve: a typo, or a network without DNS."""


def redact(url: str) -> str:
    """``url`` with its user name, password and secret-looking query values replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() in _SECRET_PARAMS for k, _ in pairs):
            query = urlencode([(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


@dataclass(frozen=True)
class Fetched:
    """A fetched body.  ``url`` is where it came from after redirects, redacted."""

    url: str
    body: bytes
    content_type: str
    from_cache: bool = False  # the server answered 304 Not Modified


def check_url(url: str) -> str:
    """Refuse anything but an absolute http(s) URL with a host; returns the URL stripped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError(f"{redact(url)}: not a valid URL; give an http:// or https:// address") from None
    if parts.scheme.lower() not in SCHEMES:
        scheme = parts.scheme or "no scheme"
        raise FetchError(f"{redact(url)}: {scheme} URLs are not fetched, only http and https; "
                         "for a local file pass its path")
    if not parts.hostname:
        raise FetchError(f"{redact(url)}: the URL has no host; give a full address like https://example.org/page")
    return url


def _media_type(header: Optional[str]) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def _credentials(url: str) -> tuple[str, dict]:
    """The URL without user info, and the Authorization header it asked for (if any)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, {}
    userinfo, _, host = parts.netloc.rpartition("@")
    from urllib.parse import unquote

    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode("utf-8")).decode("ascii")
    return urlunsplit((parts.scheme, host, parts.path, parts.query, "")), {"Authorization": f"Basic {token}"}


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.hostname, parts.port


class Validators:
    """The ETag/Last-Modified and body of each URL's last answer, under ``<cache_dir>/http/``."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = Path(cache_dir) / "http"

    def _paths(self, url: str, auth: dict) -> tuple[Path, Path]:
        """Entries are per URL and per credentials: one reader's page is never another's."""
        key = hashlib.sha256(f"{url}\n{auth.get('Authorization', '')}".encode("utf-8")).hexdigest()[:40]
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def load(self, url: str, auth: dict) -> Optional[dict]:
        meta_path, body_path = self._paths(url, auth)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return None  # a torn or edited entry: fetch in full
        return {**meta, "body": body}

    def store(self, url: str, auth: dict, headers, fetched: Fetched) -> None:
        etag, modified = headers.get("ETag"), headers.get("Last-Modified")
        if not etag and not modified:
            return
        meta_path, body_path = self._paths(url, auth)
        meta = {"url": redact(url), "etag": etag, "last_modified": modified, "content_type": fetched.content_type,
                "sha256": hashlib.sha256(fetched.body).hexdigest()}
        try:
            write_atomic(body_path, fetched.body)
            write_atomic(meta_path, json.dumps(meta, sort_keys=True).encode("utf-8"))
        except AudiobriefError:
            pass  # a cache that cannot be written only costs a full fetch next time


class Fetcher:
    """Fetch pages and feeds with the rules in the module docstring.

    ``pool`` is a ``urllib3.PoolManager`` (one is made when not given);
    ``max_bytes`` caps every body.
    """

    def __init__(self, cache_dir: Path, max_bytes: int, pool=None) -> None:
        import urllib3

        self.max_bytes = max_bytes
        self.validators = Validators(cache_dir)
        self.pool = pool or urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT), retries=False)

    def get(self, url: str, kind: str = "page") -> Fetched:
        """The body at ``url``: ``kind`` is ``"page"`` (HTML), ``"feed"`` (RSS/Atom/XML) or ``"any"``."""
        original = check_url(url)
        url, auth = _credentials(original)
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            cached = self.validators.load(url, auth)
            headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT_HEADER[kind], "Accept-Encoding": "gzip, deflate",
                       **auth, **_conditional(cached)}
            response = self._request(url, headers, original)
            read_whole = False
            try:
                if response.status in (301, 302, 303, 307, 308):
                    target = self._redirect_target(response, url, original, seen)
                    if _origin(target) != _origin(url):
                        auth = {}  # credentials are for the host they were written for
                    url = target
                    seen.add(url)
                    continue
                if response.status == 304 and cached:
                    return Fetched(redact(url), cached["body"], cached["content_type"], from_cache=True)
                fetched = self._body(response, url, original, kind)
                read_whole = True
            finally:
                if not read_whole:  # an unread body must not go back to the pool with its connection
                    response.close()
                response.release_conn()
            self.validators.store(url, auth, response.headers, fetched)
            return fetched
        raise FetchError(f"{redact(original)}: more than {MAX_REDIRECTS} redirects; open it in a browser, "
                         "save the page and pass the file")

    def _request(self, url: str, headers: dict, original: str):
        import urllib3

        try:
            return self.pool.request("GET", url, headers=headers, redirect=False, preload_content=False)
        except urllib3.exceptions.HTTPError as exc:
            raise _transport_error(exc, original) from None

    def _redirect_target(self, response, url: str, original: str, seen: set) -> str:
        location = response.headers.get("Location")
        if not location:
            raise FetchError(f"{redact(original)}: HTTP {response.status} redirect without a Location; "
                             "save the page and pass the file")
        target = urljoin(url, location.strip())
        if urlsplit(target).scheme.lower() not in SCHEMES:
            raise FetchError(f"{redact(original)}: redirects to a {urlsplit(target).scheme or 'non-web'} URL, "
                             "which is never followed")
        if target in seen:
            raise FetchError(f"{redact(original)}: redirect loop (it leads back to {redact(target)}); "
                             "the site is misconfigured: save the page from a browser and pass the file")
        return target

    def _body(self, response, url: str, original: str, kind: str) -> Fetched:
        if response.status != 200:
            reason = f"HTTP {response.status} {response.reason or ''}".strip()
            raise FetchError(f"{redact(original)}: {reason}; check the address")
        media = _media_type(response.headers.get("Content-Type"))
        if media not in ACCEPTED[kind]:
            wanted = _WANTED[kind]
            raise FetchError(f"{redact(original)}: is {media or 'of no stated type'}, not {wanted}; "
                             f"give the address of {wanted}")
        limit = f"the {self.max_bytes / 1e6:g} MB limit; raise [input] max_article_mb in audiobrief.toml"
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{redact(original)}: {int(declared) / 1e6:.1f} MB is larger than {limit}")
        body = bytearray()
        try:
            for chunk in response.stream(_CHUNK):
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchError(f"{redact(original)}: more than {limit}")
        except AudiobriefError:
            raise
        except Exception as exc:  # noqa: BLE001 - urllib3 and zlib errors mid-body
            raise _transport_error(exc, original) from None
        return Fetched(redact(url), bytes(body), media)


def _conditional(cached: Optional[dict]) -> dict:
    """If-None-Match / If-Modified-Since from the last answer (none when there was none)."""
    headers: dict = {}
    if not cached:
        return headers
    if cached.get("etag"):
        headers["If-None-Match"] = cached["etag"]
    if cached.get("last_modified"):
        headers["If-Modified-Since"] = cached["last_modified"]
    return headers


def _transport_error(exc: Exception, original: str) -> FetchError:
    """One line for a urllib3 failure; no network at all gets its own error and fix."""
    import urllib3.exceptions as ue

    where = redact(original)
    files = "save the pages in a browser and pass the files instead"
    if isinstance(exc, ue.NameResolutionError):
        if not _has_route():
            return NetworkUnavailable(f"{where}: no network (this machine has no route out); {files}")
        return HostNotFound(f"{where}: the host name cannot be resolved; check the address, or if the network "
                            f"is down, {files}")
    if isinstance(exc, ue.NewConnectionError):
        return _connection_error(exc, where, files)
    if isinstance(exc, ue.ConnectTimeoutError):
        return FetchError(f"{where}: no connection within {CONNECT_TIMEOUT:g} s; try again later")
    if isinstance(exc, (ue.ReadTimeoutError, socket.timeout)):
        return FetchError(f"{where}: the server sent nothing for {READ_TIMEOUT:g} s; try again later")
    if isinstance(exc, ue.SSLError):
        return FetchError(f"{where}: the secure connection failed (certificate or TLS); check the address")
    return _connection_error(exc, where, files)


def _connection_error(exc: Exception, where: str, files: str) -> FetchError:
    import errno

    cause = exc
    while isinstance(cause.__context__, BaseException) and cause.__context__ is not cause:
        if isinstance(cause, OSError) and cause.errno:
            break
        cause = cause.__context__
    if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTUNREACH):
        return NetworkUnavailable(f"{where}: no network ({cause.strerror}); {files}")
    if isinstance(cause, ConnectionRefusedError):
        return FetchError(f"{where}: the server refused the connection; check the address or try again later")
    if isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc):
        return FetchError(f"{where}: no connection within {CONNECT_TIMEOUT:g} s; try again later")
    detail = (cause.strerror if isinstance(cause, OSError) else None) or type(cause).__name__  # str() may hold the URL
    return FetchError(f"{where}: the connection failed ({detail}); try again later")


def _has_route() -> bool:
    """Whether the machine has a route to the internet (a UDP connect sends no packet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 53))  # TEST-NET-1 (RFC 5737): routed like any public address
        except OSError:
            return False
    return True
