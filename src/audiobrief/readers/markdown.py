"""Markdown (``.md``) -> :class:`~audiobrief.models.Article`.

Parsed with cmarkgfm (GitHub's C implementation of CommonMark, with the GFM
table and strikethrough extensions; 25x as fast as a pure-Python parser on a
2 MB article), rendered to HTML with raw HTML allowed, then read by the same block walker as
saved web pages (:mod:`audiobrief.readers.blocks`), so ``<figure>`` and
``<figcaption>`` inside Markdown are handled exactly like HTML.  ``#``-``###``
start sections; deeper headings fold into their parent.

YAML front matter (between ``---`` lines at the very top) is read with
PyYAML's ``safe_load`` (no Python objects, no tags), TOML front matter
(between ``+++`` lines, as Hugo and Zola write it) with tomllib: ``title``, ``date``,
``author``/``authors``, ``summary``/``excerpt``/``description``,
``language``/``lang``, ``voice``, ``rate`` and ``pronunciations``.  None of it
is spoken except the title.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Optional

from audiobrief.config import toml
from audiobrief.errors import InputError
from audiobrief.models import Article
from audiobrief.readers.blocks import Walker, assemble
from audiobrief.readers.html import parse_fragment
from audiobrief.readers.language import normalise_code
from audiobrief.speech.lexicon import validate_table

MAX_LEVEL = 3
_TOML_FRONT_MATTER_RE = re.compile(r"\A\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.S)
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _toml_front_matter(m: re.Match, source: str) -> dict[str, Any]:
    try:
        return toml().loads(m.group(1))
    except toml().TOMLDecodeError as exc:
        raise InputError(
            f"{source}: the front matter between the +++ lines is not valid TOML ({exc}); fix it or remove the block"
        ) from None


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    """Return (front matter mapping, Markdown body): YAML between ``---`` lines (Jekyll, Hugo)
    or TOML between ``+++`` lines (Hugo, Zola)."""
    toml_block = _TOML_FRONT_MATTER_RE.match(text)
    if toml_block:
        return _toml_front_matter(toml_block, source), text[toml_block.end():]
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    import yaml

    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InputError(
            f"{source}: the front matter between the --- lines is not valid YAML{where}; fix it or remove the block"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{source}: the front matter must be 'key: value' lines (a YAML mapping); fix or remove it")
    return data, text[m.end():]


def _text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value if isinstance(v, (str, int, float))]
        return ", ".join(items) or None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split()) or None
    return None


def front_matter_fields(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Article fields and meta from front matter; bad voice/rate/pronunciations are errors."""
    meta: dict[str, Any] = {}
    voice = data.get("voice")
    if voice is not None:
        if not isinstance(voice, str) or not voice.strip():
            raise InputError(f"{source}: front matter 'voice' must be a voice id text; see `audiobrief voices`")
        meta["voice"] = voice.strip()
    engine = data.get("engine")
    if engine is not None:  # which engines exist is the script's question (script.check_engine)
        if not isinstance(engine, str) or not engine.strip():
            raise InputError(f"{source}: front matter 'engine' must be an engine name; see `audiobrief voices`")
        meta["engine"] = engine.strip()
    rate = data.get("rate")
    if rate is not None:  # the range the engine honours is checked with the script
        if isinstance(rate, bool) or not isinstance(rate, int):
            raise InputError(f"{source}: front matter 'rate' must be a whole number of words per minute")
        meta["rate"] = rate
    if "pronunciations" in data:
        problems = validate_table(data["pronunciations"], "front matter 'pronunciations'")
        if problems:
            raise InputError(f"{source}: " + "; ".join(problems))
        meta["pronunciations"] = dict(data["pronunciations"])
    date = _text(data.get("date"))
    return {
        "title": _text(data.get("title")),
        "language": normalise_code(data.get("language") or data.get("lang")),
        "author": _text(data.get("author") or data.get("authors")),
        "summary": _text(data.get("summary") or data.get("excerpt") or data.get("description")),
        "date": date if date and re.match(r"^\d{4}-\d{2}-\d{2}$", date) else None,
        "meta": meta,
    }


#: GFM's other extensions are left out on purpose: "tagfilter" would turn a raw
#: <script> into visible text (and so into speech), "autolink" would link bare URLs
MARKDOWN_EXTENSIONS = ("table", "strikethrough")


def render_html(body: str) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return cmarkgfm.markdown_to_html_with_extensions(body, options=Options.CMARK_OPT_UNSAFE,
                                                     extensions=list(MARKDOWN_EXTENSIONS))


def parse_markdown(text: str, source: str = "") -> Article:
    data, body = split_front_matter(text, source)
    fields = front_matter_fields(data, source)
    walker = Walker()
    root = parse_fragment(render_html(body))
    walker.walk(root)
    extra = (f"front matter: {', '.join(str(k) for k in data)}",) if data else ()
    meta = {"reader": "markdown", **fields.pop("meta")}
    return assemble(
        walker.blocks, source=source, max_level=MAX_LEVEL, extra_dropped=extra, meta=meta,
        title=fields.pop("title"), language=fields.pop("language"), **fields,
    )
