"""`audiobrief check`: lint a published episodes folder the way strict podcast clients would.

Every problem names the file, what is wrong and the exact fix. Errors make
the command exit non-zero; warnings are advice (e.g. Apple's recommended tags).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

from audiobrief.catalog import load_catalog
from audiobrief.check_sidecars import check_chapters, check_flash, check_transcript
from audiobrief.errors import AudiobriefError
from audiobrief.memos import archive_dir
from audiobrief.profiles import PROFILES

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
FEED = "feed.xml"
MAX_DESCRIPTION = 4000


def loudness_limits(profile: str) -> Optional[tuple[float, float, float]]:
    """The profile's accepted loudness range and true-peak ceiling (from profiles.py)."""
    p = PROFILES.get(profile)
    return None if p is None else (p.lufs - p.tolerance_lu, p.lufs + p.tolerance_lu, p.ceiling_dbtp)
REMAKE = "make the article again (audiobrief make ARTICLE) or run `audiobrief feed`"


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    where: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.what}; fix: {self.fix}"


@dataclass
class CheckReport:
    folder: Path
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # what was looked at, for the summary

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def error(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem("error", where, what, fix))

    def warn(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem("warning", where, what, fix))


class _Files:
    """Maps the feed's URLs to files in the folder."""

    def __init__(self, folder: Path, base: str) -> None:
        self.folder, self.base = folder, base

    def name(self, url: str) -> str:
        if self.base and url.startswith(self.base):
            return unquote(url[len(self.base):])
        return unquote(urlsplit(url).path.rsplit("/", 1)[-1])

    def path(self, url: str) -> Path:
        return self.folder / self.name(url)


def check_folder(folder: Path) -> CheckReport:
    report = CheckReport(folder)
    if not folder.is_dir():
        report.error(str(folder), "not a folder", "pass the episodes folder, e.g. `audiobrief check episodes`")
        return report
    try:
        catalog = load_catalog(folder, write_migration=False)
    except AudiobriefError as exc:
        report.error("episodes.json", str(exc), "restore the catalog from its backup")
        catalog = None
    root = _feed(folder, report)
    if root is not None:
        _channel(root, folder, report)
        durations = _items(root, folder, report, catalog)
        _catalog_matches(root, catalog, report)
        _chapters_and_transcripts(root, folder, report, durations)
    if catalog is not None:
        _catalog_files(folder, catalog, report)
        _loudness(catalog, report)
    check_flash(folder, report)
    return report


def _feed(folder: Path, report: CheckReport):
    from lxml import etree

    path = folder / FEED
    report.checked.append(FEED)
    if not path.is_file():
        report.error(FEED, "missing", REMAKE)
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(path.read_bytes(), parser)
    except etree.XMLSyntaxError as exc:
        report.error(FEED, f"not valid XML ({exc})", "regenerate it with `audiobrief feed`")
        return None


def _text(elem, tag: str) -> Optional[str]:
    found = elem.find(tag)
    return None if found is None or found.text is None else found.text.strip()


def _base(channel) -> str:
    link = _text(channel, "link") or ""
    return link if link.endswith("/") else link + "/"


def _channel(root, folder: Path, report: CheckReport) -> None:
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        report.error(FEED, "not an RSS 2.0 document (<rss><channel>)", "regenerate it with `audiobrief feed`")
        return
    cfg = "set it in audiobrief.toml, then run `audiobrief feed`"
    for tag, key in (("title", "podcast.title"), ("description", "podcast.description"),
                     ("language", "podcast.language"), ("link", "podcast.base_url")):
        if not _text(channel, tag):
            report.error(FEED, f"channel <{tag}> is missing (Apple requires it)", f"set {key} in audiobrief.toml, then run `audiobrief feed`")
    description = _text(channel, "description") or ""
    if len(description.encode("utf-8")) > MAX_DESCRIPTION:
        report.error(FEED, f"channel description is {len(description.encode('utf-8'))} bytes, Apple allows {MAX_DESCRIPTION}",
                     "shorten podcast.description in audiobrief.toml, then run `audiobrief feed`")
    explicit = _text(channel, f"{ITUNES}explicit")
    if explicit not in ("true", "false"):
        report.error(FEED, f"itunes:explicit is {explicit!r}, Apple wants 'true' or 'false'", f"set podcast.explicit; {cfg}")
    category = channel.find(f"{ITUNES}category")
    if category is None or not category.get("text"):
        report.error(FEED, "itunes:category is missing", f"set podcast.category; {cfg}")
    elif category.find(f"{ITUNES}category") is None:
        report.warn(FEED, "itunes:category has no subcategory", f"set podcast.subcategory; {cfg}")
    if not _text(channel, f"{ITUNES}author"):
        report.warn(FEED, "itunes:author is missing (Apple recommends it)", f"set podcast.author; {cfg}")
    owner = channel.find(f"{ITUNES}owner")
    if owner is None or not _text(owner, f"{ITUNES}email"):
        report.warn(FEED, "itunes:owner with an email is missing (directories use it to verify you)",
                    f"set podcast.owner_email; {cfg}")
    for tag in ("copyright", "lastBuildDate", "generator", f"{ITUNES}type"):
        if not _text(channel, tag):
            report.warn(FEED, f"channel <{tag.replace(ITUNES, 'itunes:')}> is missing", "run `audiobrief feed`")
    link = _text(channel, "link") or ""
    if urlsplit(link).hostname in ("localhost", "127.0.0.1", "::1"):
        report.warn(FEED, f"links point at {link}, which works on this machine only",
                    "set podcast.base_url (or pass --base-url to `audiobrief feed`) before publishing")
    image = channel.find(f"{ITUNES}image")
    if image is None or not image.get("href"):
        report.error(FEED, "itunes:image is missing (Apple requires it)", f"set podcast.cover; {cfg}")
    else:
        _cover(_Files(folder, _base(channel)).path(image.get("href")), report, "podcast.cover")
    if not _text(channel, f"{PODCAST}guid"):
        report.warn(FEED, "podcast:guid is missing", "run `audiobrief feed`")


def _cover(path: Path, report: CheckReport, setting: str) -> None:
    from PIL import Image, UnidentifiedImageError

    where = path.name
    report.checked.append(where)
    fix = f"use a square RGB JPEG or PNG of 1400-3000 px for {setting}, then run `audiobrief feed`"
    if not path.is_file():
        report.error(where, "cover image is missing", fix)
        return
    try:
        with Image.open(path) as img:
            fmt, (w, h), mode = img.format, img.size, img.mode
            img.verify()
    except (OSError, UnidentifiedImageError, SyntaxError) as exc:
        report.error(where, f"cover is not a readable image ({exc})", fix)
        return
    if fmt not in ("JPEG", "PNG"):
        report.error(where, f"cover is {fmt}, Apple takes JPEG or PNG", fix)
    if w != h:
        report.error(where, f"cover is {w}x{h}, not square", fix)
    if not (1400 <= w <= 3000 and 1400 <= h <= 3000):
        report.error(where, f"cover is {w}x{h} px, Apple and Google want 1400-3000 px", fix)
    if mode not in ("RGB", "L"):
        report.error(where, f"cover colour mode is {mode}, Apple wants RGB", fix)


def _mp3_seconds(path: Path) -> Optional[float]:
    from mutagen import MutagenError
    from mutagen.mp3 import MP3

    try:
        return MP3(path).info.length
    except (MutagenError, OSError):
        return None


def _items(root, folder: Path, report: CheckReport, catalog) -> dict[str, float]:
    """Checks every item: its own tags, then its audio; returns guid -> measured audio seconds."""
    channel = root.find("channel")
    if channel is None:
        return {}
    files = _Files(folder, _base(channel))
    seen: dict[str, str] = {}
    measured: dict[str, float] = {}
    for n, item in enumerate(channel.findall("item"), 1):
        where = f"{FEED} item {n} ({_text(item, 'title') or 'untitled'})"
        guid = _item_tags(item, where, seen, report)
        audio = _enclosure(item, where, files, report)
        if audio is None:
            continue
        if guid:
            measured[guid] = audio[1]
        if not _duration_matches(item, where, *audio, report):
            continue
        image = item.find(f"{ITUNES}image")
        if image is not None and image.get("href"):
            _cover(files.path(image.get("href")), report, "the episode's cover")
    return measured


def _item_tags(item, where: str, seen: dict[str, str], report: CheckReport) -> Optional[str]:
    """The item's title, guid (unique across the feed: ``seen``) and pubDate; returns the guid."""
    if not _text(item, "title"):
        report.error(where, "has no <title>", REMAKE)
    guid = _text(item, "guid")
    if not guid:
        report.error(where, "has no <guid>", REMAKE)
    elif guid in seen:
        report.error(where, f"guid {guid} is also used by {seen[guid]}; apps would drop one of them",
                     "give one of them a new guid in episodes.json (python -c 'import uuid; print(uuid.uuid4())'), "
                     "then run `audiobrief feed`")
    else:
        seen[guid] = where
    pub = _text(item, "pubDate")
    try:
        parsedate_to_datetime(pub or "")
    except (TypeError, ValueError):
        report.error(where, f"pubDate {pub!r} is not an RFC 2822 date", "run `audiobrief feed`")
    return guid


def _enclosure(item, where: str, files: _Files, report: CheckReport) -> Optional[tuple[Path, float]]:
    """The enclosure's type, file and length; returns the MP3 and its measured seconds (None
    when there is no readable file to measure)."""
    enclosure = item.find("enclosure")
    if enclosure is None:
        report.error(where, "has no <enclosure>", REMAKE)
        return None
    if enclosure.get("type") != "audio/mpeg":
        report.error(where, f"enclosure type is {enclosure.get('type')!r}, not audio/mpeg", "run `audiobrief feed`")
    path = files.path(enclosure.get("url", ""))
    if not path.is_file():
        report.error(where, f"enclosure file {path.name} is missing from {files.folder}",
                     f"restore {path.name} (see `audiobrief episodes list`) or remove the episode with `audiobrief episodes remove SLUG`")
        return None
    actual = path.stat().st_size
    if enclosure.get("length") != str(actual):
        report.error(where, f"enclosure length is {enclosure.get('length')} but {path.name} has {actual} bytes",
                     "run `audiobrief feed` to write the real length (or make the article again)")
    seconds = _mp3_seconds(path)
    if seconds is None:
        report.error(where, f"{path.name} is not a readable MP3", REMAKE)
        return None
    return path, seconds


def _duration_matches(item, where: str, path: Path, seconds: float, report: CheckReport) -> bool:
    """itunes:duration against the measured audio; False when it is not a number at all."""
    declared = _text(item, f"{ITUNES}duration")
    try:
        declared_s = float(declared or "")
    except ValueError:
        report.error(where, f"itunes:duration {declared!r} is not a number of seconds", "run `audiobrief feed`")
        return False
    if abs(declared_s - seconds) > 1.0:
        report.error(where, f"itunes:duration says {declared_s:.0f} s but {path.name} plays {seconds:.1f} s",
                     "make the article again so the catalog records the real duration")
    return True


def _catalog_matches(root, catalog, report: CheckReport) -> None:
    if catalog is None:
        return
    feed_guids = [_text(i, "guid") for i in root.iter("item")]
    published = {e.guid for e in catalog.newest_first()}
    if set(feed_guids) != published:
        report.error(FEED, "its episodes differ from the catalog (episodes.json)", "run `audiobrief feed`")
    all_guids = [e.guid for e in catalog.episodes]
    for guid in {g for g in all_guids if all_guids.count(g) > 1}:
        slugs = ", ".join(e.slug for e in catalog.episodes if e.guid == guid)
        report.error("episodes.json", f"guid {guid} is shared by {slugs}",
                     "give all but the first a new guid (python -c 'import uuid; print(uuid.uuid4())'), then run `audiobrief feed`")


def _chapters_and_transcripts(root, folder: Path, report: CheckReport, durations: dict[str, float]) -> None:
    channel = root.find("channel")
    if channel is None:
        return
    files = _Files(folder, _base(channel))
    for item in channel.findall("item"):
        seconds = durations.get(_text(item, "guid") or "")
        chapters = item.find(f"{PODCAST}chapters")
        if chapters is not None:
            check_chapters(files.path(chapters.get("url", "")), report, seconds)
        for transcript in item.findall(f"{PODCAST}transcript"):
            check_transcript(files.path(transcript.get("url", "")), transcript.get("type", ""), report)


def _catalog_files(folder: Path, catalog, report: CheckReport) -> None:
    archive = archive_dir(folder)
    for e in catalog.episodes:
        base = archive if e.archived else folder
        for name in e.files():
            if not (base / name).is_file():
                where = f"episodes.json ({e.slug})"
                place = str(archive / name) if e.archived else name
                report.error(where, f"{place} is missing", f"put {place} back, or make the article again")
        if not e.archived and (folder / e.file).is_file() and (folder / e.file).stat().st_size != e.bytes:
            report.error(f"episodes.json ({e.slug})", f"records {e.bytes} bytes but {e.file} has {(folder / e.file).stat().st_size}",
                         "make the article again so the catalog matches the file")


def _loudness(catalog, report: CheckReport) -> None:
    for e in catalog.newest_first():
        limits = loudness_limits(e.profile)
        if e.loudness_lufs is None or limits is None:
            continue
        low, high, peak = limits
        where = f"{e.file} (profile {e.profile})"
        if not low <= e.loudness_lufs <= high:
            report.error(where, f"loudness {e.loudness_lufs:.1f} LUFS is outside {low:.0f}..{high:.0f}",
                         "make the article again with the same profile to re-level it")
        if e.true_peak_dbtp is not None and e.true_peak_dbtp > peak:
            report.error(where, f"true peak {e.true_peak_dbtp:.1f} dBTP is above {peak:.0f}",
                         "make the article again with the same profile to re-level it")
