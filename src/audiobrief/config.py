"""audiobrief.toml: one declarative schema, one loader, every problem listed at once.

The schema below is the single source for defaults, types, validation and the
commented file that ``audiobrief init`` writes.
"""

from __future__ import annotations

import difflib
import re
import string
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from audiobrief.cluster_address import scheduler_address
from audiobrief.engines.protocol import MAX_RATE, MIN_RATE
from audiobrief.errors import ConfigError
from audiobrief.speech.lexicon import validate_table

#: transitions made by audiobrief itself; any other value names a sound file
BUILT_IN_TRANSITIONS = ("sting", "crossfade", "none")


def toml():
    """The TOML reader, imported when a settings file is read (most runs have none)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib

CONFIG_NAME = "audiobrief.toml"
#: longest string setting accepted (the description has its own, tighter, Apple limit)
MAX_STRING = 10_000
#: a settings file is a few kilobytes; refuse anything absurdly big before parsing it
MAX_CONFIG_BYTES = 1_000_000
#: the longest episode when ``max_minutes`` is 0: three hours (length.py applies it)
DEFAULT_MAX_MINUTES = 180
#: the most ``max_minutes`` may be set to
MOST_MINUTES = 600

DEFAULT_INTRO = "Welcome to {podcast}. Today: {title}."
DEFAULT_OUTRO = "That was {title}, from {podcast}. Thanks for listening."


@dataclass(frozen=True)
class Option:
    section: str
    key: str
    type: type
    default: Any
    doc: str
    choices: tuple = ()


OPTIONS: tuple[Option, ...] = (
    Option("podcast", "title", str, "audiobrief", "Name of the podcast, spoken in every intro."),
    Option("podcast", "author", str, "audiobrief", "Shown as the artist in players and as itunes:author."),
    Option("podcast", "owner_email", str, "", "Contact address for podcast directories (itunes:owner)."),
    Option("podcast", "description", str, "Articles read aloud, made offline with audiobrief.",
           "What the podcast is about (at most 4000 bytes)."),
    Option("podcast", "language", str, "en", "Language code of the podcast, e.g. en, de, es."),
    Option("podcast", "base_url", str, "",
           "Public URL of the episodes folder, e.g. https://example.org/podcast/ . Empty = local only."),
    Option("podcast", "category", str, "News", "Apple Podcasts category."),
    Option("podcast", "subcategory", str, "Daily News", "Apple Podcasts subcategory (empty for none)."),
    Option("podcast", "explicit", bool, False, "Whether episodes contain explicit material."),
    Option("podcast", "cover", str, "", "Square JPEG/PNG cover, 1400-3000 px. Empty = generate one."),
    Option("podcast", "owner_name", str, "", "Name in itunes:owner. Empty = the author."),
    Option("podcast", "copyright", str, "", "Copyright line of the feed. Empty = '\u00a9 <author>'."),
    Option("podcast", "show_type", str, "episodic",
           "itunes:type: 'episodic' (newest first) or 'serial' (listen in order).", ("episodic", "serial")),
    Option("podcast", "locked", bool, False,
           "podcast:locked: true forbids other platforms to import the feed without the owner_email's consent."),
    Option("podcast", "keep_last", int, 0,
           "Keep only the newest N episodes in the feed; older ones move to archive/ (never deleted). 0 = keep all."),
    Option("speech", "engine", str, "pyttsx3",
           "Speech engine: 'pyttsx3' (default; espeak-ng), 'hibari' (natural English voice; "
           "pip install 'audiobrief[natural]') or 'piper' (pip install 'audiobrief[piper]'). See docs/engines.md.",
           ("pyttsx3", "hibari", "piper")),
    Option("speech", "voice", str, "",
           "Voice id (see `audiobrief voices`), or for piper a path to a .onnx voice. Empty = a voice for the language."),
    Option("speech", "rate", int, 175, "Speaking rate in words per minute (80-450); for piper 175 is the voice's own pace."),
    Option("episode", "intro", str, DEFAULT_INTRO, "Intro template; {podcast} and {title} are filled in."),
    Option("episode", "outro", str, DEFAULT_OUTRO, "Outro template; {podcast} and {title} are filled in."),
    Option("episode", "transition", str, BUILT_IN_TRANSITIONS[0],
           "Between sections: 'sting' (a short generated chime), 'crossfade', 'none' or a path to a sound file."),
    Option("episode", "paragraph_pause_ms", int, 700, "Silence after each paragraph."),
    Option("episode", "section_pause_ms", int, 600, "Silence before each section's transition."),
    Option("episode", "profile", str, "podcast",
           "Output profile: 'podcast' (44.1 kHz 64 kbps, -16 LUFS), 'alexa' (256 kbps, -14 LUFS, at most "
           "10 minutes) or 'hq' (48 kHz 128 kbps, -16 LUFS).", ("podcast", "alexa", "hq")),
    Option("episode", "sentence_pause_ms", int, 350, "Silence after each sentence within a paragraph."),
    Option("episode", "section_pause_after_ms", int, 450,
           "Silence after each section's transition, before its first words."),
    Option("episode", "music", str, "", "Music bed under the intro and outro: a WAV file. Empty = none."),
    Option("episode", "music_duck_db", int, 18, "How far the music bed drops under speech, in dB (0-40)."),
    Option("episode", "max_minutes", int, 0,
           "Longest allowed episode in minutes (up to 600); a longer one is refused before it is spoken, "
           "with its estimated length. 0 = the default, 180 (the alexa profile allows 10 at most)."),
    Option("input", "max_article_mb", int, 5, "Refuse article files larger than this many megabytes (1-1000)."),
    Option("cluster", "scheduler", str, "",
           "Dask scheduler that speaks, measures and encodes, e.g. tcp://10.0.0.5:8786 "
           "(pip install 'audiobrief[cluster]'). Empty = this machine."),
    Option("pronunciations", "pronunciations", dict, {},
           'Words the engine says wrongly: "Word" = "respelling" (whole word; a key with capitals is '
           'case-sensitive), "re:regex" = "..." for a pattern, or "[[espeak phonemes]]" as the value.'),
)
#: options whose section is a free-form table of entries (the section *is* the value)
_TABLES = {"pronunciations"}


@dataclass(frozen=True)
class Config:
    title: str = "audiobrief"
    author: str = "audiobrief"
    owner_email: str = ""
    description: str = "Articles read aloud, made offline with audiobrief."
    language: str = "en"
    base_url: str = ""
    category: str = "News"
    subcategory: str = "Daily News"
    explicit: bool = False
    cover: str = ""
    owner_name: str = ""
    copyright: str = ""
    show_type: str = "episodic"
    locked: bool = False
    keep_last: int = 0
    engine: str = "pyttsx3"
    voice: str = ""
    rate: int = 175
    intro: str = DEFAULT_INTRO
    outro: str = DEFAULT_OUTRO
    transition: str = "sting"
    paragraph_pause_ms: int = 700
    section_pause_ms: int = 600
    profile: str = "podcast"
    sentence_pause_ms: int = 350
    section_pause_after_ms: int = 450
    music: str = ""
    music_duck_db: int = 18
    max_minutes: int = 0
    max_article_mb: int = 5
    #: where the work runs, not what is made: left out of repr, so stamps and build keys ignore it
    scheduler: str = field(default="", repr=False, compare=False)
    pronunciations: dict = field(default_factory=dict, hash=False, compare=False)
    #: folder the config file lives in; relative paths resolve against it
    root: str = "."

    def resolve(self, value: str) -> Optional[Path]:
        """A path from the config, relative to the config file's folder."""
        if not value:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path(self.root) / path

    def with_overrides(self, **overrides: Any) -> "Config":
        """CLI flags win over the file; ``None`` means 'not given'."""
        given = {k: v for k, v in overrides.items() if v is not None}
        problems = _validate(given)
        if problems:
            raise ConfigError("; ".join(problems))
        return replace(self, **given)


_BY_KEY = {o.key: o for o in OPTIONS}
_SECTIONS = {o.section for o in OPTIONS}
assert set(_BY_KEY) == {f.name for f in fields(Config)} - {"root"}


def _show(value: Any, width: int = 40) -> str:
    """A value for an error message: its repr, on one line and bounded."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


_TYPE_NAMES = {str: "a string in quotes", bool: "true or false", int: "a whole number"}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _http_url(value: str) -> bool:
    """An absolute http(s) URL with a host and nothing that breaks out of an attribute."""

    if any(c in value for c in ' <>"\'\\`') or not value.isprintable():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _scheduler_problem(value: str) -> Optional[str]:
    """Why ``[cluster] scheduler`` is not an address Dask can be given (None if it is), judged by
    the same rule as ``--scheduler``."""
    try:
        scheduler_address(value, "[cluster] scheduler")
    except ConfigError as exc:
        return str(exc)
    return None


def _check_value(opt: Option, value: Any) -> Optional[str]:
    where = f"'{opt.section}.{opt.key}'"
    if opt.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        return f"{where}: expected a whole number, got {_show(value)}"
    if opt.type is not int and not isinstance(value, opt.type):
        return f"{where}: expected {_TYPE_NAMES.get(opt.type, opt.type.__name__)}, got {_show(value)}"
    if isinstance(value, str) and _CONTROL.search(value):
        return f"{where}: contains control characters; remove them"
    if isinstance(value, str) and len(value) > MAX_STRING:
        return f"{where}: {len(value)} characters is too long; use at most {MAX_STRING}"
    if opt.key == "language" and not _LANGUAGE.fullmatch(value):
        return f"{where}: {_show(value)} is not a language code; use e.g. en, de or pt-BR"
    if opt.choices and value not in opt.choices:
        return f"{where}: unknown value {_show(value)}; choose one of {', '.join(opt.choices)}"
    if opt.key == "rate":
        if not MIN_RATE <= value <= MAX_RATE:
            return f"{where}: {value} words per minute is out of range; use {MIN_RATE}-{MAX_RATE}"
    if opt.key == "music_duck_db" and not 0 <= value <= 40:
        return f"{where}: {value} dB is out of range; use 0-40"
    if opt.key == "max_minutes" and not 0 <= value <= MOST_MINUTES:
        return f"{where}: {value} minutes is out of range; use 0 (the default, {DEFAULT_MAX_MINUTES}) to {MOST_MINUTES}"
    if opt.key == "max_article_mb" and not 1 <= value <= 1000:
        return f"{where}: {value} MB is out of range; use 1-1000"
    if opt.key.endswith("_ms") and not 0 <= value <= 10_000:
        return f"{where}: {value} ms is out of range; use 0-10000"
    if opt.key == "base_url" and value and not _http_url(value):
        return f"{where}: {_show(value)} is not an http(s) URL; use e.g. https://example.org/podcast/"
    if opt.key == "scheduler" and value:
        return _scheduler_problem(value)
    if opt.key == "keep_last" and value < 0:
        return f"{where}: {value} is negative; use 0 (keep every episode) or the number of episodes to keep"
    if opt.key == "description" and len(value.encode("utf-8")) > 4000:
        return f"{where}: {len(value.encode('utf-8'))} bytes, Apple Podcasts allows 4000; shorten it"
    if opt.key == "title" and not value.strip():
        return f"{where}: must not be empty"
    if opt.key in _TABLES:
        problems = validate_table(value, f"[{opt.section}]")
        return "; ".join(problems) if problems else None
    if opt.key in ("intro", "outro"):
        try:
            fields_used = [f for _, f, spec, conv in string.Formatter().parse(value) if f is not None]
            value.format(podcast="", title="")
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            return f"{where}: bad template ({_show(str(exc))}); only {{podcast}} and {{title}} can be used"
        odd = [f for f in fields_used if f not in ("podcast", "title")]
        if odd:
            return f"{where}: bad template (field {_show(odd[0])}); only {{podcast}} and {{title}} can be used"
    return None


def _validate(flat: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in flat.items():
        problem = _check_value(_BY_KEY[key], value)
        if problem:
            problems.append(problem)
    return problems


MAX_PROBLEMS = 12


def _name(name: Any) -> str:
    """A key from the file, printable and bounded, for an error message."""
    text = _CONTROL.sub("?", str(name))
    return text if len(text) <= 40 else text[:39] + "\u2026"


def _suggest(name: str, candidates) -> str:
    if len(name) > 100:
        return ""

    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def parse_config(data: dict, root: str = ".") -> Config:
    """Validate a parsed TOML document; raise one ConfigError listing every problem."""
    problems: list[str] = []
    flat: dict[str, Any] = {}
    for section, table in data.items():
        if section in _TABLES:
            flat[section] = table
            continue
        if section not in _SECTIONS:
            problems.append(f"unknown section [{_name(section)}]{_suggest(section, _SECTIONS)}")
            continue
        if not isinstance(section, str) or not isinstance(table, dict):
            problems.append(f"'{_name(section)}' must be a table: write [{_name(section)}] on its own line")
            continue
        for key, value in table.items():
            opt = _BY_KEY.get(key)
            if opt is None or opt.section != section:
                known = [o.key for o in OPTIONS if o.section == section]
                problems.append(f"'{section}.{_name(key)}': unknown setting{_suggest(key, known)}")
                continue
            flat[key] = value
    problems += _validate(flat)
    if len(problems) > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS] + [f"and {len(problems) - MAX_PROBLEMS} more problems"]
    if problems:
        raise ConfigError("audiobrief.toml: " + "; ".join(problems))
    return Config(root=root, **flat)


def load_config(path: Optional[Path] = None, cwd: Optional[Path] = None) -> Config:
    """Load ``path``, or ./audiobrief.toml when it exists, or the defaults."""
    if path is None:
        candidate = (cwd or Path.cwd()) / CONFIG_NAME
        if not candidate.is_file():
            return Config(root=str(cwd or Path.cwd()))
        path = candidate
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give the audiobrief.toml file inside it")
    if path.exists() and not path.is_file():
        raise ConfigError(f"{path}: not a regular file; give an audiobrief.toml file")
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found; create one with `audiobrief init`")
    tomllib = toml()
    try:
        raw = path.read_bytes()[: MAX_CONFIG_BYTES + 1]
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1000} kB, not a settings file; "
                              "write one with `audiobrief init`")
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the line it names") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a settings file; write one with `audiobrief init`") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc}); check the file") from None
    try:
        return parse_config(data, root=str(path.resolve().parent))
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("audiobrief.toml:", f"{path}:", 1)) from None


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_default_config(**values: Any) -> str:
    """The commented audiobrief.toml that ``audiobrief init`` writes."""
    lines = [
        "# audiobrief settings. Paths are relative to this file.",
        "# Command-line flags (--base-url, ...) override what is written here.",
    ]
    section = None
    for opt in OPTIONS:
        if opt.key in _TABLES:
            lines += ["", f"# {opt.doc}", f"[{opt.section}]", '# "Nguyen" = "win"', '# "re:GIFs?" = "jif"',
                      "# \"Eich\" = \"[['aIk]]\""]
            for key, value in values.get(opt.key, {}).items():
                lines.append(f"{_toml_value(key)} = {_toml_value(value)}")
            continue
        if opt.section != section:
            section = opt.section
            lines += ["", f"[{section}]"]
        lines.append(f"# {opt.doc}")
        lines.append(f"{opt.key} = {_toml_value(values.get(opt.key, opt.default))}")
    return "\n".join(lines) + "\n"
