"""An episode's show notes: HTML for the feed (summary, timed sections, credits) and plain text.

A chapter that came from a web page (a briefing's story) links to it.

Each section's start is a ``<time>`` whose ``datetime`` is the exact start as
an ISO 8601 duration (``PT83.412S``), the same instant as the ID3 and JSON chapters.
"""

from __future__ import annotations

from html import escape

from audiobrief.catalog import Entry


def timestamp(ms: int) -> str:
    """00:05, 12:34 or 1:02:03: how players print a position (apps link these to the audio)."""
    seconds = int(ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _web_url(chapter: dict) -> str:
    """The web page a chapter came from (a briefing's story), or ""; never another kind of link."""
    url = str(chapter.get("url") or "")
    return url if url.startswith(("https://", "http://")) else ""


def _linked(chapter: dict) -> str:
    title, url = escape(chapter["title"]), _web_url(chapter)
    return f'<a href="{escape(url)}">{title}</a>' if url else title


def html_notes(entry: Entry) -> str:
    parts = []
    if entry.summary:
        parts.append(f"<p>{escape(entry.summary)}</p>")
    if entry.chapters:
        items = "".join(f'<li><time datetime="PT{ch["start_ms"] / 1000:.3f}S">{timestamp(ch["start_ms"])}</time> '
                        f"{_linked(ch)}</li>" for ch in entry.chapters)
        parts.append(f"<p>Sections:</p><ul>{items}</ul>")
    if entry.credits:
        parts.append(f"<p>{escape(entry.credits)}</p>")
    parts.append("<p>Read aloud by audiobrief.</p>")
    return "".join(parts)


def plain_notes(entry: Entry) -> str:
    lines = [entry.summary] if entry.summary else []
    if entry.chapters:
        lines.append("Sections:")
        lines += [f"{timestamp(ch['start_ms'])} {ch['title']}" + (f" <{_web_url(ch)}>" if _web_url(ch) else "")
                  for ch in entry.chapters]
    if entry.credits:
        lines.append(entry.credits)
    return "\n".join(lines)
