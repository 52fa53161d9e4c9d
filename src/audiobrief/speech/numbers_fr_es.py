"""French and Spanish readings that the shared rules of :mod:`audiobrief.speech.numbers` lack.

Run before those rules, for ``fr`` and ``es`` only: thousands grouped with
spaces ("2 500", "10 000 €"), clock times ("18h30", "9 h 05", "14:45"),
ordinals ("1er", "21e", "3.º", "1.ª"; Spanish "1.er", "3.er" and "3.º puesto"
shortened before a noun: "primer", "tercer puesto"), Roman centuries ("XXe
siècle", "siglo XXI"), amounts with a scale ("1,2 milliard d'euros", "5
millones de dólares", "$5 millones") and units ("15 km", "30 °C").

A number with a dot that is not a thousands group ("Python 3.6.0",
"version 2.1", "2.05") is read part by part with the word both languages say
for a dot, "point" and "punto": the decimal comma's word ("virgule",
"coma") would be wrong, and dropping the dot as a thousands separator would
read "2.1" as twenty-one.  Spanish clock times written with a dot ("a las
19.30", "14.30 h") are times.  Number words come from num2words, as
everywhere else.
"""

from __future__ import annotations

import re
from functools import lru_cache

from audiobrief.speech import numbers  # (numbers imports this module too: names are looked up when used)


def say(number, lang: str, to: str = "cardinal") -> str:
    return numbers.say(number, lang, to)


def to_number(text: str, lang: str):
    return numbers.to_number(text, lang)

#: unit symbol -> (French singular, French plural, Spanish singular, Spanish plural)
UNITS = {
    "km/h": ("kilomètre par heure", "kilomètres par heure", "kilómetro por hora", "kilómetros por hora"),
    "km": ("kilomètre", "kilomètres", "kilómetro", "kilómetros"),
    "cm": ("centimètre", "centimètres", "centímetro", "centímetros"),
    "mm": ("millimètre", "millimètres", "milímetro", "milímetros"),
    "kg": ("kilogramme", "kilogrammes", "kilogramo", "kilogramos"),
    "GB": ("gigaoctet", "gigaoctets", "gigabyte", "gigabytes"),
    "Go": ("gigaoctet", "gigaoctets", "gigabyte", "gigabytes"),
    "MB": ("mégaoctet", "mégaoctets", "megabyte", "megabytes"),
    "kWh": ("kilowattheure", "kilowattheures", "kilovatio hora", "kilovatios hora"),
    "°C": ("degré Celsius", "degrés Celsius", "grado Celsius", "grados Celsius"),
    "m²": ("mètre carré", "mètres carrés", "metro cuadrado", "metros cuadrados"),
    "m": ("mètre", "mètres", "metro", "metros"),
    "g": ("gramme", "grammes", "gramo", "gramos"),
    "ha": ("hectare", "hectares", "hectárea", "hectáreas"),
    "h": ("heure", "heures", "hora", "horas"),
    "min": ("minute", "minutes", "minuto", "minutos"),
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_SCALE_WORDS = {
    "fr": {"million": "million", "millions": "millions", "milliard": "milliard", "milliards": "milliards"},
    "es": {"millón": "millón", "millones": "millones", "mil millones": "mil millones"},
}
_CURRENCY_WORDS = {
    "fr": {"€": "euros", "$": "dollars", "£": "livres"},
    "es": {"€": "euros", "$": "dólares", "£": "libras"},
}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
#: words after a Spanish masculine ordinal that show it stands alone ("el 1.º de mayo", "el 3.º fue"):
#: before any other word it qualifies a noun and is shortened ("tercer puesto", "primer día")
_ES_NOT_A_NOUN = frozenset(
    "de del en y e o u a al con por para que se es fue era ha sin entre tras según desde hasta sobre como".split())


def _roman(text: str) -> int:
    total = 0
    for a, b in zip(text, text[1:] + " "):
        value = _ROMAN[a]
        total += -value if b != " " and _ROMAN[b] > value else value
    return total


def _group_spaces(text: str) -> str:
    """"2 500" -> "2500", "1 234 567" -> "1234567" (spaces, no-break and narrow no-break spaces)."""
    return re.sub(r"\b\d{1,3}(?:[ \u00a0\u202f]\d{3})+\b(?![.,]\d)",
                  lambda m: re.sub(r"[ \u00a0\u202f]", "", m.group(0)), text)


def _clock(m: re.Match, lang: str) -> str:
    found = {k: v for k, v in m.groupdict().items() if v}  # the dotted Spanish rule has two spellings
    return _clock_words(int(found.get("h") or found["h2"]), int(found.get("min") or found.get("min2") or 0),
                        lang) or m.group(0)


def _clock_words(hour: int, minute: int, lang: str) -> str:
    if hour > 24 or minute > 59:
        return ""
    if lang == "fr":
        hours = "une heure" if hour == 1 else f"{say(hour, lang)} heures"
        return hours + (f" {say(minute, lang)}" if minute else "")
    return say(hour, lang) + (f" y {say(minute, lang)}" if minute else "")


def _ordinal(m: re.Match, lang: str) -> str:
    n, mark = int(m.group(1)), m.group(2)
    if lang == "fr":
        if n == 1:
            return "première" if mark in ("re", "ère") else "premier"
        return say(n, lang, "ordinal")
    word = say(n, lang, "ordinal")
    if "ª" in mark:
        return word[:-1] + "a" if word.endswith("o") else word
    alone = m.group("next") is None or m.group("next").casefold() in _ES_NOT_A_NOUN
    if mark == "er" or not alone:  # "1.er"/"3.er" are the short forms; "3.º puesto" needs one
        return re.sub(r"(primer|tercer)o$", r"\1", word)  # "tercer puesto", "vigésimo primer día"
    return word


def _dotted(m: re.Match, lang: str) -> str:
    """"3.6.0" -> "trois point six point zéro"; a thousands group ("10.000", "1.234.567") is
    left to the shared rules, unless a version word comes first ("version 1.000")."""
    parts = m.group("number").split(".")
    if not m.group("cue") and len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
        return m.group(0)
    if len(parts) == 3 and len(parts[2]) == 4 and len(parts[0]) <= 2 and len(parts[1]) <= 2:
        return m.group(0)  # a date, 05.12.2026
    spoken = f" {numbers.words(lang)['dot']} ".join(_digits(p, lang) for p in parts)
    cue = m.group("cue") or ""
    if cue.strip().casefold() == "v":  # "v2.1"
        cue = "version " if lang == "fr" else "versión "
    return cue + spoken


def _digits(part: str, lang: str) -> str:
    """One dotted part: its leading zeros said ("05" -> "zéro cinq"), then its value."""
    zeros = len(part) - len(part.lstrip("0"))
    if zeros == len(part):
        zeros -= 1
    return " ".join([say(0, lang)] * zeros + [say(int(part[zeros:]), lang)])


def _century(m: re.Match, lang: str) -> str:
    n = _roman(m.group("roman"))
    if lang == "fr":
        return f"{'premier' if n == 1 else say(n, lang, 'ordinal')} {m.group('word')}"
    return f"{m.group('word')} {say(n, lang, 'ordinal') if n <= 10 else say(n, lang)}"


def _scaled(m: re.Match, lang: str) -> str:
    amount = say(to_number(m.group("amount"), lang), lang)
    scale = m.group("scale")
    currency = m.group("cur_before") or m.group("cur_after") or ""
    out = f"{amount} {scale}"
    if currency:
        name = _CURRENCY_WORDS[lang][currency]
        out += f" d'{name}" if lang == "fr" and name[0] in "aeiouy" else f" de {name}"
    return out


def _unit(m: re.Match, lang: str) -> str:
    value = to_number(m.group("amount"), lang)
    fr_s, fr_p, es_s, es_p = UNITS[m.group("unit")]
    singular, plural = (fr_s, fr_p) if lang == "fr" else (es_s, es_p)
    return f"{say(value, lang)} {singular if value == 1 else plural}"


@lru_cache(maxsize=2)
def _rules(lang: str) -> tuple:
    return tuple(_make_rules(lang))


def _make_rules(lang: str):
    _NUM = numbers._NUM
    scales = "|".join(re.escape(s) for s in sorted(_SCALE_WORDS[lang], key=len, reverse=True))
    currencies = "|".join(re.escape(c) for c in _CURRENCY_WORDS[lang])
    yield re.compile(r"\b(?P<h>[01]?\d|2[0-4])\s?h\s?(?P<min>[0-5]\d)?\b" if lang == "fr"
                     else r"\b(?P<h>[01]?\d|2[0-4]):(?P<min>[0-5]\d)\b"), _clock
    if lang == "es":  # "a las 19.30", "14.30 h": a dotted time said as a time
        yield re.compile(r"\b(?P<h2>[01]?\d|2[0-3])\.(?P<min2>[0-5]\d)(?:\s?h\b|(?=\s?horas?\b))"
                         r"|(?<=\blas )(?P<h>[01]?\d|2[0-3])\.(?P<min>[0-5]\d)\b(?!\.\d)", re.I), _clock
    yield re.compile(r"(?P<cue>\b(?:version|versión|v)\s?)?(?<![\d.,$€£¥])(?P<number>\d+(?:\.\d+)+)\b"
                     r"(?![.,]?\d|\.?[ºª°]|\.er\b|\s?[%€$£])", re.I), _dotted
    if lang == "fr":
        yield re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)\b"), _clock
        yield re.compile(r"\b(\d{1,4})(er|re|ère|e|ème)\b"), _ordinal
        yield re.compile(r"\b(?P<roman>[IVXLC]{1,6})(?:er|e|ème)\s+(?P<word>siècle|millénaire)\b"), _century
    else:
        yield re.compile(r"\b(\d{1,4})\.?(er\b|[ºª°])(?!C)(?=\s+(?P<next>[^\W\d_]+))?"), _ordinal
        yield re.compile(r"\b(?P<word>siglo|siglos)\s+(?P<roman>[IVXLC]{1,6})\b"), _century
    yield re.compile(rf"(?P<cur_before>{currencies})?\s?(?P<amount>{_NUM})\s(?P<scale>{scales})\b"
                     rf"(?:\s(?:de\s|d')?(?P<cur_after>{currencies}))?"), _scaled
    yield re.compile(rf"(?P<amount>{_NUM})\s?(?P<unit>{_UNIT_ALT})(?![\w/])"), _unit


def speak_fr_es(text: str, lang: str) -> str:
    """The French or Spanish readings applied to ``text``; other numbers are left for the shared rules."""
    text = _group_spaces(text)
    for pattern, fn in _rules(lang):
        text = pattern.sub(lambda m, fn=fn: fn(m, lang), text)
    return text
