"""feedgen extension for the Podcast Index namespace.

Channel: podcast:guid, podcast:locked. Items: podcast:transcript, podcast:chapters.

feedgen ships the iTunes namespace but not this one; this module adds it
through feedgen's ``register_extension`` API. Being built on feedgen (and
lxml), it is imported where feedgen is: in ``feed.render_feed``. It also writes ``itunes:explicit``
as the ``true``/``false`` Apple asks for, which feedgen 1.0 cannot express.
"""

from __future__ import annotations

from typing import Optional

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
class PodcastIndexExtension(BaseExtension):
    def __init__(self) -> None:
        self._guid: Optional[str] = None
        self._locked: Optional[tuple[bool, str]] = None
        self._explicit: Optional[bool] = None

    def extend_ns(self):
        return {"podcast": PODCAST_NS}

    def guid(self, value: str) -> None:
        self._guid = value

    def locked(self, locked: bool, owner: str = "") -> None:
        self._locked = (locked, owner)

    def explicit(self, value: bool) -> None:
        self._explicit = value

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        if self._explicit is not None:
            etree.SubElement(channel, f"{{{ITUNES_NS}}}explicit").text = "true" if self._explicit else "false"
        if self._locked is not None:
            elem = etree.SubElement(channel, f"{{{PODCAST_NS}}}locked")
            elem.text = "yes" if self._locked[0] else "no"
            if self._locked[1]:
                elem.attrib["owner"] = self._locked[1]
        if self._guid:
            etree.SubElement(channel, f"{{{PODCAST_NS}}}guid").text = self._guid
        return rss_feed


CHAPTERS_TYPE = "application/json+chapters"
TRANSCRIPT_TYPES = ("text/vtt", "application/x-subrip")


class PodcastIndexEntryExtension(BaseEntryExtension):
    def __init__(self) -> None:
        self._transcripts: list[tuple[str, str, str]] = []
        self._chapters: Optional[str] = None

    def transcript(self, url: str, mime: str, language: str = "") -> None:
        if mime not in TRANSCRIPT_TYPES:
            raise ValueError(f"transcript type {mime!r}; use one of {', '.join(TRANSCRIPT_TYPES)}")
        self._transcripts.append((url, mime, language))

    def chapters(self, url: str) -> None:
        self._chapters = url

    def extend_rss(self, entry):
        for url, mime, language in self._transcripts:
            elem = etree.SubElement(entry, f"{{{PODCAST_NS}}}transcript")
            elem.attrib["url"] = url
            elem.attrib["type"] = mime
            if language:
                elem.attrib["language"] = language
        if self._chapters:
            elem = etree.SubElement(entry, f"{{{PODCAST_NS}}}chapters")
            elem.attrib["url"] = self._chapters
            elem.attrib["type"] = CHAPTERS_TYPE
        return entry


def register(fg) -> PodcastIndexExtension:
    """Add the extension to ``fg`` (and to entries added later); entries use ``fe.podcastindex``."""
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension, atom=False)
    return fg.podcastindex
