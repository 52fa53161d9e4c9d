"""data/cldr.json is what scripts/make_reader_data.py makes from the installed Babel and jusText."""

import importlib.util
import json
from pathlib import Path

from audiobrief.readers import shapes, zones

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("make_reader_data", ROOT / "scripts" / "make_reader_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cldr_json_matches_babel():
    script = _script()
    kept = (ROOT / "src" / "audiobrief" / "readers" / "data" / "cldr.json").read_text(encoding="utf-8")
    assert json.loads(kept) == json.loads(script.render(script.cldr_facts())), (
        "readers/data/cldr.json is out of date: run .venv/bin/python scripts/make_reader_data.py")


def test_the_four_languages_have_their_stop_words_and_calendars():
    for code, word in (("en", "the"), ("de", "und"), ("fr", "les"), ("es", "los")):
        assert word in zones.stopwords(code)
    assert zones.stopwords("xx") == frozenset()
    for line in ("20 janvier 2020", "3. März 2024", "12 de septiembre de 2023", "May 27, 2016", "Mon, 4 Nov 2019"):
        assert shapes.has_date(line), line
    assert not shapes.has_date("The ferry leaves from the north pier.")
