"""flash-briefing.json: Amazon Alexa's Flash Briefing feed (JSON, 1-5 items, newest first).

Fields per Amazon's Flash Briefing Skill API feed reference: uid, updateDate
(``2026-11-27T07:00:00.0Z``), titleText, mainText, streamUrl (HTTPS audio),
redirectionUrl. Only episodes made for a profile Amazon accepts qualify.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional, Sequence

from audiobrief.catalog import Entry
from audiobrief.config import Config
from audiobrief.fsutil import atomic_write_bytes
from audiobrief.publish.feed import base_url, file_url

FLASH_NAME = "flash-briefing.json"
#: profiles whose loudness and format Amazon's flash briefing accepts
ACCEPTED_PROFILES = ("alexa",)
MAX_ITEMS = 5
MIN_SECONDS, MAX_SECONDS = 10, 600


@dataclass(frozen=True)
class FlashResult:
    items: list  # the JSON items written (empty: none qualified, no file)
    note: str  # one line for the user


def update_date(iso: str) -> str:
    when = datetime.fromisoformat(iso).astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.0Z")


def why_not(entry: Entry) -> Optional[str]:
    if entry.profile not in ACCEPTED_PROFILES:
        return f"made with profile '{entry.profile}', not {' or '.join(ACCEPTED_PROFILES)}"
    if not MIN_SECONDS <= entry.duration <= MAX_SECONDS:
        return f"{entry.duration:.0f} s long, Amazon takes {MIN_SECONDS}-{MAX_SECONDS} s"
    return None


def flash_items(config: Config, episodes: Sequence[Entry], reasons: Optional[list] = None) -> list[dict]:
    """The briefing's items, newest first; ``reasons`` (when given) gets why each episode looked at does not qualify."""

    items = []
    for entry in episodes:  # newest first
        reason = why_not(entry)
        if reason is not None:
            if reasons is not None:
                reasons.append(reason)
        else:
            items.append({
                "uid": f"urn:uuid:{entry.guid}",
                "updateDate": update_date(entry.pub_date),
                "titleText": entry.title,
                "mainText": entry.summary or entry.title,
                "streamUrl": file_url(config, entry.file),
                "redirectionUrl": base_url(config),
            })
        if len(items) == MAX_ITEMS:
            break
    return items


def render_flash(items: list[dict]) -> bytes:
    return (json.dumps(items, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_flash(config: Config, episodes: Sequence[Entry], out_dir) -> FlashResult:
    """Write flash-briefing.json, or remove a stale one and say why no episode qualifies."""

    target = out_dir / FLASH_NAME
    looked: list[str] = []
    items = flash_items(config, episodes, looked)
    if not items:  # then every episode was looked at
        if target.is_file():
            target.unlink()
        reasons = sorted(set(looked))
        detail = "; ".join(reasons[:3]) if reasons else "no episodes in the feed"
        return FlashResult([], f"{FLASH_NAME} not written: no episode qualifies for Alexa ({detail}); "
                               "make an episode with the 'alexa' profile, 10 s to 10 min long")
    data = render_flash(items)
    if not (target.is_file() and target.read_bytes() == data):
        atomic_write_bytes(target, data)
    note = f"{FLASH_NAME}: {len(items)} episode(s)"
    if not config.base_url.lower().startswith("https://"):
        note += "; Alexa needs HTTPS stream URLs: set base_url to an https:// address before submitting it"
    return FlashResult(items, note)
