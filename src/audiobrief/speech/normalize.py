"""Make text safe and natural for a speech engine.

This is the one place where written text becomes spoken text.  In order:

1. typography: curly quotes, dashes, ellipses, invisible characters;
2. things not to read: footnote markers ("[1]", "¹") and emoji are dropped;
   URLs are spoken as their domain ("sam dot gov"), e-mail addresses as
   "name at domain dot org" (see :func:`speak_links`);
3. the pronunciation lexicon (``[pronunciations]`` and front matter), so a
   producer's respelling wins over every rule below; espeak phonemes in
   ``[[...]]`` are passed through untouched;
4. abbreviations ("e.g.", "U.S.", "Dr.") from :data:`ABBREVIATIONS`, per
   language; acronyms that are words (NASA) stay, letter acronyms (BBC) are
   spelled "B B C" unless :data:`WORD_ACRONYMS` lists them;
5. numbers, money, dates, times, years and units become words in the
   article's language (:mod:`audiobrief.speech.numbers`);
6. sentences longer than :data:`MAX_SENTENCE` characters are split at a clause
   boundary so the engine never rushes or drops a block.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping, Optional

from audiobrief.speech import lexicon as _lexicon
from audiobrief.speech.forms import speak_forms
from audiobrief.speech.numbers import speak_numbers

MAX_SENTENCE = 300

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
        "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u2060": "", "\ufe0f": "",
        "\ufe0e": "", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    }
)
# dashes used as punctuation become a comma pause; a dash between numbers is "to" (numbers.py)
_DASH = re.compile(r"\s*[\u2013\u2014\u2015]\s*|\s+-{1,2}\s+")
_SPACE = re.compile(r"\s+")
_FOOTNOTE = re.compile(r"(?<=[\w.,;:!?)\"'])\[(?:\d{1,3}|[a-z]|note \d+)\]|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")
_AMPERSAND = {"en": "and", "de": "und", "es": "y", "fr": "et"}
_DOT = {"en": "dot", "de": "Punkt", "es": "punto", "fr": "point"}
_AT = {"en": "at", "de": "at", "es": "arroba", "fr": "arobase"}

# ------------------------------------------------------------------ links
_TLDS = ("com|org|net|gov|edu|mil|int|io|co|uk|de|fr|es|it|nl|eu|us|ca|au|info|biz|dev|app|ai|ly|me|tv|news|"
         "ch|at|be|se|no|dk|fi|pl|jp|cn|in|ru|br|mx")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]+)@((?:[\w-]+\.)+[a-zA-Z]{2,})(?![\w-])")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"')\]]+", re.I)
_DOMAIN = re.compile(rf"(?<![\w@/.-])((?:[\w-]+\.)+(?:{_TLDS}))(?:/[^\s<>\"')\]]*)?(?![\w.-]*\w)", re.I)
#: a file name with a common extension ("Cargo.toml", "README.md"): read with "dot" like a domain
_FILE_NAME = re.compile(r"(?<![\w@/.-])([\w-]+)\.(md|toml|txt|json|ya?ml|ini|cfg|csv|pdf|docx?|xlsx?|py|rs|js|ts|"
                        r"go|rb|java|html?|css|xml|sh|zip|tar|gz|exe|png|jpe?g|gif|svg|mp3|wav)\b(?![.-]?\w)", re.I)
_BARE_TLD = re.compile(rf"(?<![\w.])\.({_TLDS})\b")


#: two-letter top-level domains said as a word; the others are spelled ("dot I O", "dot U K")
_WORD_TLDS = frozenset({"co", "me"})


def _say_label(label: str, last: bool, language: str) -> str:
    """One part of a domain; in English spelled when it is a country-style code or has no vowel ("bbc")."""
    label = label.lower()
    spelled = language == "en" and ((last and len(label) == 2 and label not in _WORD_TLDS) or label == "edu" or
                                    (label.isalpha() and 2 <= len(label) <= 4 and not re.search(r"[aeiouy]", label)))
    return " ".join(label.upper()) if spelled else label


def _say_domain(domain: str, language: str) -> str:
    domain = re.sub(r"^www\.", "", domain, flags=re.I).rstrip(".")
    labels = [part for part in domain.split(".") if part]
    return f" {_DOT.get(language, 'dot')} ".join(_say_label(part, i == len(labels) - 1, language)
                                                 for i, part in enumerate(labels))


def speak_links(text: str, language: str = "en") -> str:
    """URL -> its domain, spoken ("sam dot gov"); e-mail -> "name at domain dot org".

    The path, query and scheme of a URL are never read: a listener cannot
    use them, and the show notes keep the original text.
    """
    def url(m: re.Match) -> str:
        raw = m.group(0).rstrip(".,;:!?")
        tail = m.group(0)[len(raw):]
        host = re.sub(r"^(?:https?|ftp)://", "", raw, flags=re.I).split("/")[0].split("?")[0].split("#")[0]
        host = host.split("@")[-1].split(":")[0]
        return _say_domain(host, language) + tail

    text = _EMAIL.sub(lambda m: f"{m.group(1).replace('.', ' ')} {_AT.get(language, 'at')} "
                                f"{_say_domain(m.group(2), language)}", text)
    text = _URL.sub(url, text)
    text = _DOMAIN.sub(lambda m: _say_domain(m.group(1), language), text)
    text = _FILE_NAME.sub(lambda m: f"{m.group(1)} {_DOT.get(language, 'dot')} "
                                    f"{_say_label(m.group(2), True, language)}", text)
    text = _BARE_TLD.sub(lambda m: f"{_DOT.get(language, 'dot')} {_say_label(m.group(1), True, language)}", text)
    return text


# ------------------------------------------------------------------ abbreviations
#: written abbreviation -> spoken words, per language. Extend per podcast with [pronunciations].
ABBREVIATIONS: dict[str, dict[str, str]] = {
    "en": {
        "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "approx.": "approximately",
        "U.S.": "U S", "U.K.": "U K", "U.N.": "U N", "E.U.": "E U", "D.C.": "D C", "Dr.": "Doctor",
        "Mr.": "Mister", "Mrs.": "Missus", "Prof.": "Professor", "Sen.": "Senator", "Rep.": "Representative",
        "Gov.": "Governor", "Gen.": "General", "Jr.": "Junior", "Sr.": "Senior", "Dept.": "Department",
        "Ave.": "Avenue", "No.": "number", "Nos.": "numbers", "a.k.a.": "also known as", "cf.": "compare",
        "Fig.": "Figure", "p.": "page", "pp.": "pages", "Inc.": "Incorporated", "Corp.": "Corporation",
        "Ltd.": "Limited", "Co.": "Company", "St.": "Saint", "Mt.": "Mount", "est.": "established",
    },
    "de": {
        "z.B.": "zum Beispiel", "z. B.": "zum Beispiel", "d.h.": "das heißt", "d. h.": "das heißt",
        "usw.": "und so weiter", "bzw.": "beziehungsweise", "ca.": "circa", "Nr.": "Nummer", "Dr.": "Doktor",
        "Prof.": "Professor", "u.a.": "unter anderem", "u. a.": "unter anderem", "s.o.": "siehe oben",
        "s.u.": "siehe unten", "vgl.": "vergleiche", "ggf.": "gegebenenfalls", "inkl.": "inklusive",
        "evtl.": "eventuell", "z.T.": "zum Teil", "Hr.": "Herr", "Fr.": "Frau", "Str.": "Straße",
        "Jh.": "Jahrhundert", "Mio.": "Millionen", "Mrd.": "Milliarden", "bspw.": "beispielsweise",
        "EU": "E U", "USA": "U S A",
    },
    "es": {"p. ej.": "por ejemplo", "etc.": "etcétera", "Sr.": "señor", "Sra.": "señora", "Dr.": "doctor",
           "EE. UU.": "Estados Unidos", "EE.UU.": "Estados Unidos"},
    "fr": {"p. ex.": "par exemple", "etc.": "et cetera", "M.": "monsieur", "Mme": "madame", "Dr": "docteur",
           "c.-à-d.": "c'est-à-dire"},
}
#: all-capital words said as words, not spelled out
WORD_ACRONYMS = frozenset(
    "NASA NATO UNESCO UNICEF FEMA OSHA ASCII GIF JPEG PDF LAN RAM ROM SIM PIN NASDAQ AIDS OPEC SWAT SCOTUS "
    "POTUS CAPTCHA STEM DARPA ASAP LASER RADAR SCUBA WAN SQL NAFTA ISIS FIFA UEFA INTERPOL EPCOT NORAD "
    "GAAP HUD TARP WIC CERN ESA IKEA COVID LEGO ZIP CAD DAX NIMBY YAML JSON OK".split()
)
#: pronounceable-looking acronyms that people nevertheless spell out
LETTER_ACRONYMS = frozenset("USDA USAID UCLA NCAA ACLU IEEE AARP USPS UEFA OECD IOU".split())
_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_ACRONYM = re.compile(r"(?<![\w\[])([A-Z][A-Z0-9]*[A-Z])(s?)(?![\w\]])")
_DOTTED = re.compile(r"(?<![\w.])((?:[A-Z]\.){2,})(?=[\s,;:!?)\"']|$)")


def _abbrev_pattern(language: str) -> Optional[re.Pattern]:
    table = ABBREVIATIONS.get(language, {})
    if not table:
        return None
    alternatives = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])({alternatives})(?=[\s,;:!?)\"']|$)")


#: abbreviations that usually end a sentence when a capital follows
_ENDERS = frozenset({"etc.", "usw.", "etcétera", "Inc.", "Ltd.", "Corp.", "Co."})
_ABBREV_RE = {lang: _abbrev_pattern(lang) for lang in ABBREVIATIONS}


_ORDINAL_WORDS = r"first|second|third|[a-z]*(?:fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|teenth|ieth)"
#: "St." after a street's name ("Downing St.", "Fifth St.") is "Street"; before a name it is "Saint"
_STREET_AFTER_NAME = re.compile(rf"(?<![.!?] )(?<!^)\b([A-Z][a-z]+|{_ORDINAL_WORDS}) St\.(?= +[A-Z]|$)")
#: ... and so is a "St." that no name follows ("on Main St., near", "lives on Elm St. now")
_STREET_NO_NAME = re.compile(r"\bSt\.(?=[,;:!?)]|\s+[a-z\d])")
#: words that open a place phrase before a saint's name ("In St. Louis", "The St. Lawrence")
_NOT_STREETS = frozenset("The In At On Of From To Near By For And With Visit A An This Our Their".split())


def _street_or_saint(text: str) -> str:
    def after_name(m: re.Match) -> str:
        if m.group(1) in _NOT_STREETS:
            return m.group(0)  # left for "Saint"
        ends_sentence = m.end() == len(m.string) or re.match(r" +[A-Z]", m.string[m.end():])
        return f"{m.group(1)} Street" + ("." if ends_sentence else "")

    text = _STREET_AFTER_NAME.sub(after_name, text)
    return _STREET_NO_NAME.sub("Street", text)


def speak_abbreviations(text: str, language: str = "en") -> str:
    pattern = _ABBREV_RE.get(language)
    table = ABBREVIATIONS.get(language, {})
    if language == "en" and "St." in text:
        text = _street_or_saint(text)

    def abbreviation(m: re.Match) -> str:
        spoken = table[m.group(1)]
        rest = m.string[m.end():]
        # the abbreviation's dot also ended the sentence: keep a full stop
        if m.group(1).endswith(".") and (not rest.strip() or m.group(1) in _ENDERS and re.match(r"\s+[A-Z\"']", rest)):
            spoken += "."
        return spoken

    if pattern is not None:
        text = pattern.sub(abbreviation, text)

    def dotted(m: re.Match) -> str:
        letters = " ".join(m.group(1).replace(".", ""))
        rest = m.string[m.end():]
        return letters + ("." if not rest.strip() else "")

    text = _DOTTED.sub(dotted, text)

    def acronym(m: re.Match) -> str:
        word, plural = m.group(1), m.group(2)
        if word in LETTER_ACRONYMS:
            return " ".join(word) + plural
        if word in WORD_ACRONYMS or _ROMAN.match(word) or any(ch.isdigit() for ch in word) or len(word) > 6:
            return m.group(0)
        if len(word) >= 4 and re.search(r"[AEIOU]", word) and not re.search(r"[^AEIOU]{3}", word):
            return m.group(0)  # pronounceable (NASA, FEMA, NATO): said as a word
        return " ".join(word) + plural

    return _ACRONYM.sub(acronym, text)


# ------------------------------------------------------------------ emoji
def _drop_symbols(text: str) -> str:
    out = []
    for ch in text:
        if ord(ch) < 0x2000:
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat in ("So", "Cs", "Co", "Cn") or 0x1F000 <= ord(ch) <= 0x1FAFF:
            continue  # emoji, pictographs, private use
        out.append(ch)
    return "".join(out)


# ------------------------------------------------------------------ long sentences
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9ÄÖÜÉ])")
_CLAUSE = re.compile(r"(?:[;:]\s+|,\s+(?=(?:and|but|or|so|yet|which|while|because|although|though|whereas|"
                     r"where|when|who|und|aber|oder|denn|weil|während|obwohl|die|der|das|dass|wobei|"
                     r"y|pero|que|et|mais|qui|car)\b)|\s+[-–]\s+)")
_COMMA = re.compile(r",\s+")


#: the comma of a spoken date ("December twenty-sixth, twenty nineteen") is never a place to split
_DATE_COMMA = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
                         r"December) [a-z-]+$")


def _split_long(sentence: str, limit: int = MAX_SENTENCE) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    middle = len(sentence) // 2
    best = None
    for pattern in (_CLAUSE, _COMMA):
        cuts = [m for m in pattern.finditer(sentence)
                if 40 <= m.start() <= len(sentence) - 40 and not _DATE_COMMA.search(sentence, 0, m.start())]
        if cuts:
            best = min(cuts, key=lambda m: abs(m.start() - middle))
            break
    if best is None:
        spaces = [m for m in re.finditer(r"\s+", sentence) if 40 <= m.start() <= len(sentence) - 40]
        if not spaces:
            return [sentence]
        best = min(spaces, key=lambda m: abs(m.start() - middle))
    head = sentence[:best.start()].rstrip(" ,;:-–") + "."
    tail = sentence[best.end():].lstrip()
    tail = tail[:1].upper() + tail[1:]
    return _split_long(head, limit) + _split_long(tail, limit)


def split_long_sentences(text: str, limit: int = MAX_SENTENCE) -> str:
    if len(text) <= limit:
        return text
    parts = []
    for sentence in _SENTENCE_END.split(text):
        parts.extend(_split_long(sentence, limit))
    return " ".join(parts)


# ------------------------------------------------------------------ pipeline
_PHONEMES = re.compile(r"(\[\[[^\]]*\]\])")


def _typography(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHY)
    text = _FOOTNOTE.sub("", text)
    text = _drop_symbols(text)
    # control characters (other than whitespace) are never spoken
    return "".join(ch for ch in text if ch.isprintable() or ch.isspace())


_INVISIBLE = str.maketrans({ch: None for ch in "\u00ad\u200b\u200c\u200d\ufeff\u2060\ufe0f\ufe0e"})


def for_display(text: str) -> str:
    """The article's own words as a transcript shows them: invisible characters, footnote
    markers and control characters removed, whitespace collapsed; nothing respelled."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _FOOTNOTE.sub("", text)
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return _SPACE.sub(" ", text).strip()


def clean_for_speech(text: str, language: str = "en", lexicon: Mapping[str, str] | None = None) -> str:
    """Return the text the engine receives for ``text`` in ``language``."""
    text = _typography(text)
    text = speak_links(text, language)
    text = _lexicon.apply(text, lexicon)
    pieces = _PHONEMES.split(text)
    for i in range(0, len(pieces), 2):  # odd pieces are espeak phonemes: passed through as written
        piece = speak_numbers(speak_forms(pieces[i], language), language)
        piece = speak_abbreviations(piece, language)
        piece = _DASH.sub(", ", piece)
        piece = piece.replace("&", f" {_AMPERSAND.get(language, 'and')} ")
        pieces[i] = piece
    text = "".join(pieces)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = _SPACE.sub(" ", text).strip()
    return split_long_sentences(text)


def as_sentence(text: str, language: str = "en", lexicon: Mapping[str, str] | None = None) -> str:
    """End a heading or title with a full stop so the engine drops its pitch."""
    text = clean_for_speech(text, language, lexicon)
    if text and text[-1] not in ".!?:;":
        text += "."
    return text
