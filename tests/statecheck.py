"""What a published episodes folder must look like at every moment: the checks
the kill, concurrency and disk-fault tests apply after each fault."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit


def published_state(out: Path) -> list[str]:
    """Problems with the folder as a podcast app (or the next run) would see it; [] when sound."""
    problems: list[str] = []
    catalog_path, feed_path = out / "episodes.json", out / "feed.xml"
    if not catalog_path.exists():
        if feed_path.exists():
            problems.append("feed.xml exists without a catalog")
        return problems
    try:
        catalog = json.loads(catalog_path.read_text(encoding="utf-8"))
        entries = catalog["episodes"]
    except (ValueError, KeyError) as exc:
        return [f"catalog does not load: {exc}"]
    from audiobrief.catalog import load_catalog  # the program's own loader must accept it too

    try:
        load_catalog(out)
    except Exception as exc:  # noqa: BLE001 - any failure is a broken state
        problems.append(f"load_catalog fails: {exc}")
    guids = [e["guid"] for e in entries]
    if len(set(guids)) != len(guids):
        problems.append("duplicate guids in the catalog")
    for entry in entries:
        mp3 = out / entry["file"]
        if not mp3.is_file():
            problems.append(f"{entry['file']} listed but missing")
        elif mp3.stat().st_size != entry["bytes"]:
            problems.append(f"{entry['file']} is {mp3.stat().st_size} bytes, catalog says {entry['bytes']}")
        else:
            problems += _mp3_problems(mp3, entry["duration"])
    if not feed_path.exists():
        return problems + ["catalog exists without feed.xml"]
    try:
        root = ET.fromstring(feed_path.read_bytes())
    except ET.ParseError as exc:
        return problems + [f"feed.xml does not parse: {exc}"]
    import feedparser

    parsed = feedparser.parse(feed_path.read_bytes())
    if parsed.bozo:
        problems.append(f"feedparser rejects feed.xml: {parsed.bozo_exception}")
    feed_guids = [g.text for g in root.iter("guid")]
    if len(set(feed_guids)) != len(feed_guids):
        problems.append("duplicate guids in feed.xml")
    for enclosure in root.iter("enclosure"):
        name = unquote(urlsplit(enclosure.get("url", "")).path.rsplit("/", 1)[-1])
        path = out / name
        if not path.is_file():
            problems.append(f"feed enclosure {name} missing")
        elif path.stat().st_size != int(enclosure.get("length", -1)):
            problems.append(f"feed enclosure {name} length {enclosure.get('length')} != {path.stat().st_size}")
    return problems


def _mp3_problems(path: Path, duration: float) -> list[str]:
    from mutagen.mp3 import MP3

    try:
        info = MP3(str(path)).info
    except Exception as exc:  # noqa: BLE001
        return [f"{path.name} is not a readable MP3: {exc}"]
    if abs(info.length - duration) > 0.5:
        return [f"{path.name} plays {info.length:.2f} s, catalog says {duration:.2f} s"]
    return []


def feed_guids(out: Path) -> list[str]:
    root = ET.fromstring((out / "feed.xml").read_bytes())
    return [g.text for g in root.iter("guid")]


def leftover_temps(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if ".tmp-" in p.name or p.name.endswith(".part.wav"))
