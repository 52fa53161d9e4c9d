"""Numbers as a listener expects to hear them, in the article's language.

Number words come from num2words (``lang=``); this module only decides *which*
reading a written number needs: money, percentage, ordinal, date, time, year,
decade, a unit, or a plain cardinal.  English and German have full rules
(German writes ``1.924.300`` and ``3,5``); Spanish and French get money,
percentages, units, years and cardinals, plus their own clock times,
ordinals, centuries, space-grouped thousands and units
(:mod:`audiobrief.speech.numbers_fr_es`).  Every rule is one regular
expression applied in a fixed order, most specific first; the words and
names they read are in :mod:`audiobrief.speech.number_words`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from audiobrief.speech import numbers_fr_es
from audiobrief.speech.number_words import (CURRENCY, MONTH_ABBR, MONTH_RE, MONTHS_DE, MONTHS_EN, SCALES,
                                             TIMEZONES, UNITS, WORDS)

SUPPORTED = ("en", "de", "es", "fr")

def words(language: str) -> dict:
    return WORDS.get(language, WORDS["en"])


@lru_cache(maxsize=4096)
def say(number: float | int, language: str = "en", to: str = "cardinal") -> str:
    """num2words in ``language`` without the commas it puts in long numbers."""
    from num2words import num2words

    lang = language if language in SUPPORTED else "en"
    try:
        text = num2words(number, lang=lang, to=to)
    except (NotImplementedError, OverflowError, ValueError, TypeError, KeyError, IndexError):
        text = num2words(number, lang=lang)
    if lang == "es" and isinstance(number, float):
        text = text.replace(" punto ", " coma ")  # Spain writes and says a decimal comma
    return text.replace(",", "")


def _grouping(language: str) -> tuple[str, str]:
    """(thousands separator, decimal separator) as the language writes them."""
    return (".", ",") if language in ("de", "es", "fr") else (",", ".")


def to_number(text: str, language: str) -> float | int:
    group, decimal = _grouping(language)
    text = text.replace(" ", "").replace("\u202f", "")
    if language != "en" and group == "." and re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
        group, decimal = ",", "."  # an English-formatted number in a German text
    if language == "en" and re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", text):
        group, decimal = ".", ","
    text = text.replace(group, "").replace(decimal, ".")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def cardinal(text: str, language: str) -> str:
    value = to_number(text, language)
    if isinstance(value, float) and value.is_integer():  # "2.0": the written zero is said
        decimals = re.split(r"[.,]", text)[-1]
        return f"{say(int(value), language)} {words(language)['point']} " + " ".join(say(0, language) for _ in decimals)
    return say(value, language)


def version_words(text: str, lang: str) -> str:
    """A version's dotted number ("2.0.1"): each part, joined by the language's word for the dot."""
    return f" {words(lang)['dot']} ".join(say(int(p), lang) for p in text.split("."))


def _dotted(m: re.Match, lang: str) -> str:
    """A version or other dotted number ("2.0.1"), unless it is thousands written with dots."""
    parts = m.group(0).split(".")
    if len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
        return _plain(m, lang)  # thousands written the German/Spanish/French way: 1.924.300
    return version_words(m.group(0), lang)


_NUM = r"\d{1,3}(?:[,.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?P<scale>bn|billion|mn|million|m|k|thousand|trillion|tn|Mio\.?|Mrd\.?|Millionen|Milliarden|Million|Milliarde|Tsd\.?)"
def _money(amount: str, scale: str | None, currency: str, language: str) -> str:
    w = words(language)
    value = to_number(amount, language)
    singular, plural = w[currency]
    if scale:
        scale_word = w[SCALES.get(scale.lower(), "million")]
        return f"{say(value, language)} {scale_word} {plural}"
    if isinstance(value, float) and not value.is_integer():
        whole = int(value)
        cents = round((value - whole) * 100)
        unit = singular if whole == 1 else plural
        if currency in ("dollar", "euro", "pound") and cents:
            cent_s, cent_p = w["cent"] if currency != "pound" else (("penny", "pence") if language == "en" else w["cent"])
            return f"{say(whole, language)} {unit} {w['and']} {say(cents, language)} {cent_s if cents == 1 else cent_p}"
        return f"{say(value, language)} {plural}"
    value = int(value)
    return f"{say(value, language)} {singular if value == 1 else plural}"


def _year(year: int, language: str) -> str:
    return say(year, language, "year") if language in ("en", "de") else say(year, language)


def _ordinal(n: int, language: str) -> str:
    return say(n, language, "ordinal")


def _month(name: str) -> int:
    key = name.rstrip(".").lower()
    for i, month in enumerate(MONTHS_EN):
        if month.lower() == key:
            return i + 1
    for i, month in enumerate(MONTHS_DE):
        if month.lower() == key:
            return i + 1
    return MONTH_ABBR.get(key[:4], MONTH_ABBR.get(key[:3], 0))


def _month_word(n: int, language: str) -> str:
    return (MONTHS_DE if language == "de" else MONTHS_EN)[n - 1]


# --------------------------------------------------------------------------- rules

Rule = tuple[re.Pattern, Callable[[re.Match, str], str]]


def _r(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, flags)


def _date_mdy(m: re.Match, lang: str) -> str:  # Oct. 29, 2015 / October 29
    month = _month(m.group("month"))
    day = int(m.group("day"))
    if not month or not 1 <= day <= 31:
        return m.group(0)
    out = f"{_month_word(month, lang)} {_ordinal(day, lang)}" if lang == "en" else \
        f"{_ordinal(day, lang)} {_month_word(month, lang)}"
    if m.group("year"):
        out += f", {_year(int(m.group('year')), lang)}" if lang == "en" else f" {_year(int(m.group('year')), lang)}"
    return out


def _date_dmy(m: re.Match, lang: str) -> str:  # 3 Sept. 2023 / 3. September 2023
    month = _month(m.group("month"))
    day = int(m.group("day"))
    if not month or not 1 <= day <= 31:
        return m.group(0)
    if lang == "en":
        out = f"the {_ordinal(day, lang)} of {_month_word(month, lang)}"
        if m.group("year"):
            out += f", {_year(int(m.group('year')), lang)}"
    else:
        ordinal = _ordinal(day, lang)
        if lang == "de" and m.group("pre"):
            ordinal += "n"  # "am dritten Oktober"
        out = f"{ordinal} {_month_word(month, lang)}"
        if m.group("year"):
            out += f" {_year(int(m.group('year')), lang)}"
    return (m.group("pre") or "") + out


def _date_iso(m: re.Match, lang: str) -> str:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return m.group(0)
    if lang == "en":
        return f"{_month_word(mo, lang)} {_ordinal(d, lang)}, {_year(y, lang)}"
    return f"{_ordinal(d, lang)} {_month_word(mo, lang)} {_year(y, lang)}"


def _time(m: re.Match, lang: str) -> str:
    hour = int(m.group("h"))
    minute = int(m.group("min") or 0)
    if hour > 24 or minute > 59:
        return m.group(0)
    ampm = (m.group("ampm") or "").replace(".", "").replace(" ", "").upper()
    if lang == "de":
        out = f"{say(hour, lang)} Uhr" + (f" {say(minute, lang)}" if minute else "")
    elif minute == 0:
        out = say(hour, lang) if ampm else f"{say(hour, lang)} hundred" if m.group("min") else say(hour, lang)
    elif minute < 10:
        out = f"{say(hour, lang)} oh {say(minute, lang)}"
    else:
        out = f"{say(hour, lang)} {say(minute, lang)}"
    if ampm:
        out += " " + " ".join(ampm)
    tz = m.group("tz")
    if tz:
        out += " " + TIMEZONES.get(tz, " ".join(tz))
    rest = m.string[m.end():]
    if m.group(0).endswith(".") and not tz and (not rest.strip() or re.match(r"\s+[A-Z\"'(]", rest)):
        out += "."  # "p.m." ended the sentence too
    return out


def _decade(m: re.Match, lang: str) -> str:
    year = int(m.group(1))
    if lang == "de":
        return say(year, lang, "year") + "er"
    if year % 100 == 0 and year % 1000 == 0:
        return f"{say(year, lang)}s"
    spoken = say(year, lang, "year")
    return spoken[:-1] + "ies" if spoken.endswith("y") else spoken + "s"


def _short_decade(m: re.Match, lang: str) -> str:
    spoken = say(int(m.group(1)), lang)
    return spoken[:-1] + "ies" if spoken.endswith("y") else spoken + "s"


def _percent(m: re.Match, lang: str) -> str:
    return f"{cardinal(m.group(1), lang)} {words(lang)['percent']}"


def _money_before(m: re.Match, lang: str) -> str:
    return _money(m.group("amount"), m.group("scale"), CURRENCY[m.group("cur")], lang)


def _money_after(m: re.Match, lang: str) -> str:
    cur = m.group("cur")
    key = CURRENCY.get(cur) or {"euro": "euro", "dollar": "dollar"}.get(cur.lower(), "euro")
    return _money(m.group("amount"), m.group("scale"), key, lang)


def _scaled(m: re.Match, lang: str) -> str:
    return f"{cardinal(m.group('amount'), lang)} {words(lang)[SCALES[m.group('scale').lower()]]}"


def _ordinal_en(m: re.Match, lang: str) -> str:
    return _ordinal(int(m.group(1)), "en")


def _fiscal(m: re.Match, lang: str) -> str:
    year = int(m.group(1))
    if year < 100:
        year += 2000
    return f"{words(lang)['fy']} {_year(year, lang)}"


def _unit(m: re.Match, lang: str) -> str:
    value = to_number(m.group("amount"), lang)
    sing, plural, german = UNITS[m.group("unit")]
    name = german if lang == "de" else (sing if value == 1 else plural)
    return f"{say(value, lang)} {name}"


def _year_only(m: re.Match, lang: str) -> str:
    return _year(int(m.group(0)), lang)


def _range(m: re.Match, lang: str) -> str:
    return f"{m.group(1)} {words(lang)['to']} {m.group(2)}"


def _plain(m: re.Match, lang: str) -> str:
    text = m.group(0)
    try:
        spoken = cardinal(text, lang)
    except ValueError:
        return text
    after = m.string[m.end():m.end() + 1]
    before = m.string[m.start() - 1:m.start()] if m.start() else ""
    # glued to letters: "18F" -> "eighteen F", "HTML5" -> "HTML five", "x86" -> "x eighty-six"
    return (" " if before.isalpha() else "") + spoken + (" " if after.isalpha() else "")


def _number_sign(m: re.Match, lang: str) -> str:
    return f"{words(lang)['number']} {m.group(1)}"


def _negative(m: re.Match, lang: str) -> str:
    return f"{words(lang)['minus']} {m.group(1)}"


_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_TZ_ALT = "|".join(sorted(TIMEZONES, key=len, reverse=True))

RULES: tuple[tuple[str, re.Pattern, Callable], ...] = (
    ("iso date", _r(r"\b(\d{4})-(\d{2})-(\d{2})\b"), _date_iso),
    ("dotted", _r(r"(?<![\d.,$€£])\b\d+(?:\.\d+){2,}\b(?![.,]?\d)"), _dotted),
    ("number range", _r(r"(?<![\w.,])(\d{1,4})\s?[-–—]\s?(\d{1,4})(?![\w.,]\d)"), _range),
    ("money before", _r(rf"(?P<cur>US\$|[$€£¥]|\b(?:USD|EUR|GBP)\s?)\s?(?P<amount>{_NUM})(?:\s?{_SCALE}\b)?"), _money_before),
    ("money after", _r(rf"(?P<amount>{_NUM})\s?(?:{_SCALE}\s)?(?P<cur>€|Euro\b|EUR\b|Dollar\b|US-Dollar\b)"), _money_after),
    ("percent", _r(rf"({_NUM})\s?(?:%|\s(?:percent|per cent|Prozent)\b)"), _percent),
    ("fiscal year", _r(r"\bFY\s?'?(\d{4}|\d{2})\b"), _fiscal),
    ("date m d y", _r(rf"\b(?P<month>{MONTH_RE})\s(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s(?P<year>\d{{4}})\b)?"), _date_mdy),
    ("date d m y", _r(rf"(?P<pre>\b(?i:am|vom|zum|bis zum|seit dem)\s)?\b(?P<day>\d{{1,2}})(?:\.|st|nd|rd|th)?\s(?:of\s)?(?P<month>{MONTH_RE})(?:,?\s(?P<year>\d{{4}})\b)?"), _date_dmy),
    ("time", _r(rf"\b(?P<h>\d{{1,2}})(?::(?P<min>\d{{2}}))?\s?(?:(?P<ampm>[ap]\.\s?m\.|[ap]m\b|[AP]M\b|[AP]\.M\.)|(?P<uhr>Uhr\b))(?:\s(?P<tz>{_TZ_ALT})\b)?"), _time),
    ("clock", _r(r"\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)\b(?P<ampm>)(?P<uhr>)(?P<tz>)"), _time),
    ("decade", _r(r"\b(1[0-9]{2}0|20[0-9]0)(?:s|’s|'s|er)\b"), _decade),
    ("short decade", _r(r"[’']([1-9]0)s\b"), _short_decade),
    ("ordinal", _r(r"\b(\d+)(?:st|nd|rd|th)\b"), _ordinal_en),
    ("scaled", _r(rf"\b(?P<amount>{_NUM})\s(?P<scale>billion|million|trillion|Millionen|Milliarden|Mio\.|Mrd\.)(?!\w)"), _scaled),
    ("unit", _r(rf"(?P<amount>{_NUM})\s?(?P<unit>{_UNIT_ALT})(?![\w/])"), _unit),
    ("number sign", _r(r"(?<!\w)#(\d+)\b"), _number_sign),
    ("negative", _r(r"(?<![\w\d])[-−](\d)"), _negative),
    ("year", _r(r"(?<![\d.,$€£])\b(1[1-9]\d\d|20\d\d)\b(?![.,]\d)"), _year_only),
    ("number", _r(_NUM), _plain),
)


_LETTER_DOT_NUMBER = re.compile(r"(?<![\w.])([A-Z])\.(?=\d)")


def speak_numbers(text: str, language: str = "en") -> str:
    """Every written number in ``text`` replaced by words in ``language``."""
    lang = language if language in SUPPORTED else "en"
    if lang in ("fr", "es"):
        text = numbers_fr_es.speak_fr_es(text, lang)  # also Roman centuries, which have no digit
    if not any(ch.isdigit() for ch in text):
        return text
    text = _LETTER_DOT_NUMBER.sub(r"\1 ", text)  # "H.264" -> "H 264"
    for name, pattern, fn in RULES:
        if name in ("ordinal",) and lang != "en":
            continue
        if name in ("time",) and lang not in ("en", "de"):
            continue
        text = pattern.sub(lambda m, fn=fn: fn(m, lang), text)
    return text
