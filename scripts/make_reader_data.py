"""Write src/audiobrief/readers/data/cldr.json: the facts the readers take from CLDR.

The readers need two things from the Unicode CLDR, which Babel carries: the
English name of a language (jusText names its stop-word lists "German.txt",
"French.txt", ...) and the month and weekday names of the supported
languages (to know a dateline). Loading any of Babel's locale data imports
babel.dates and its time-zone code, which made `plan` start about 20 ms
slower; the few hundred words are kept here instead, and
tests/test_reader_data.py checks them against the installed Babel.

    .venv/bin/python scripts/make_reader_data.py      # after upgrading babel or justext
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "audiobrief" / "readers" / "data" / "cldr.json"


def _stoplist_names() -> list[str]:
    spec = importlib.util.find_spec("justext")
    folder = Path(list(spec.submodule_search_locations)[0]) / "stoplists"
    return sorted(p.stem for p in folder.glob("*.txt"))


def cldr_facts() -> dict:
    """What cldr.json holds, computed from the installed Babel and jusText."""
    from babel import Locale, localedata
    from babel.dates import get_day_names, get_month_names

    sys.path.insert(0, str(ROOT / "src"))
    from audiobrief.readers.shapes import LANGUAGES

    lists = set(_stoplist_names())
    stoplists = {}
    for code in sorted(localedata.locale_identifiers()):
        if "_" in code:
            continue  # a language's own code is enough: the detector gives "de", not "de_AT"
        name = (Locale.parse(code).get_display_name("en") or "").split(" (")[0]
        if name in lists:
            stoplists[code] = name
    months, days = set(), set()
    for lang in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                months.update(n.casefold().rstrip(".") for n in get_month_names(width, context, lang).values())
                days.update(n.casefold().rstrip(".") for n in get_day_names(width, context, lang).values())
    return {"stoplists": stoplists, "months": sorted(months), "days": sorted(days)}


def render(facts: dict) -> str:
    return json.dumps(facts, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(cldr_facts()), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
