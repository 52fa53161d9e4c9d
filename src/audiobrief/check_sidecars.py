"""Checks of the files published beside the feed: chapters, transcripts, the flash briefing.

Each check records what it looked at and each problem, with its fix, in a
``check.CheckReport`` (``report.checked``, ``report.error``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from functools import partial
from typing import Any, Callable, Optional
from urllib.parse import unquote, urlsplit

FLASH = "flash-briefing.json"
_UPDATE_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\dZ$")


def _load_sidecar(path: Path, what: str, parse: Callable[[str], Any], bad: str, fix: str, report) -> Any:
    """A sidecar read and parsed, recorded as checked; None (with the error said) when it is
    missing or ``parse`` fails (``bad`` says what that means)."""
    report.checked.append(path.name)
    if not path.is_file():
        report.error(path.name, f"{what} file is missing", fix)
        return None
    try:
        return parse(path.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - each parser has its own error classes; all mean "does not parse"
        report.error(path.name, f"{bad} ({type(exc).__name__}: {exc})", fix)
        return None


def check_chapters(path: Path, report, seconds: Optional[float] = None) -> None:
    where = path.name
    fix = "make the article again to rewrite the chapters file"
    data = _load_sidecar(path, "chapters", json.loads, "not valid JSON", fix, report)
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get("version"), str) or not isinstance(data.get("chapters"), list):
        report.error(where, 'needs {"version": "1.2.0", "chapters": [...]}', fix)
        return
    last = -1.0
    for n, ch in enumerate(data["chapters"], 1):
        start = ch.get("startTime") if isinstance(ch, dict) else None
        if not isinstance(start, (int, float)) or isinstance(start, bool) or start < 0:
            report.error(where, f"chapter {n} has no valid startTime", fix)
            return
        if not isinstance(ch.get("title", ""), str):
            report.error(where, f"chapter {n} title is not text", fix)
        if start <= last:
            report.error(where, f"chapter {n} starts at {start} s, not after chapter {n - 1} ({last} s)", fix)
            return
        if seconds is not None and start > seconds:
            report.error(where, f"chapter {n} starts at {start} s, after the audio ends ({seconds:.1f} s)", fix)
        last = start


def _cues(text: str, mime: str) -> list:
    if mime == "text/vtt":
        import webvtt  # parsers of the transcript formats, used only here

        return webvtt.from_string(text).captions
    import srt

    return list(srt.parse(text))


def check_transcript(path: Path, mime: str, report) -> None:
    if mime not in ("text/vtt", "application/x-subrip"):
        report.checked.append(path.name)
        report.error(path.name, f"transcript type {mime!r} is not text/vtt or application/x-subrip",
                     "run `audiobrief feed`")
        return
    fix = "make the article again to rewrite the transcript"
    cues = _load_sidecar(path, "transcript", partial(_cues, mime=mime), f"does not parse as {mime}", fix, report)
    if cues is not None and not cues:
        report.error(path.name, "has no cues", fix)


def check_flash(folder: Path, report) -> None:
    path = folder / FLASH
    if not path.is_file():
        return
    report.checked.append(FLASH)
    fix = "run `audiobrief feed` to rewrite it"
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.error(FLASH, f"not valid JSON ({exc})", fix)
        return
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not 1 <= len(items) <= 5:
        report.error(FLASH, "must hold 1 to 5 items", fix)
        return
    uids = set()
    for n, item in enumerate(items, 1):
        where = f"{FLASH} item {n}"
        if not isinstance(item, dict):
            report.error(where, "is not an object", fix)
            continue
        for key in ("uid", "updateDate", "titleText", "mainText", "streamUrl"):
            if not isinstance(item.get(key), str) or not item[key]:
                report.error(where, f"has no {key}", fix)
        if item.get("uid") in uids:
            report.error(where, f"uid {item.get('uid')} is repeated", fix)
        uids.add(item.get("uid"))
        if isinstance(item.get("updateDate"), str) and not _UPDATE_DATE.match(item["updateDate"]):
            report.error(where, f"updateDate {item['updateDate']!r} is not like 2026-11-27T07:00:00.0Z", fix)
        url = item.get("streamUrl") or ""
        if isinstance(url, str) and url:
            if not url.startswith("https://"):
                report.error(where, f"streamUrl {url} is not HTTPS; Alexa plays only HTTPS audio",
                             "set podcast.base_url to an https:// address, then run `audiobrief feed`")
            name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            if not (folder / name).is_file():
                report.error(where, f"streamUrl file {name} is missing", fix)
