"""The pronunciation lexicon (config, front matter, `lexicon check`) and per-language scripts."""

from __future__ import annotations

import json

import pytest

from audiobrief.config import Config, parse_config, render_default_config, toml
from audiobrief.errors import ConfigError
from audiobrief.readers import parse
from audiobrief.readers.language import detect_language, normalise_code
from audiobrief.script import build_script
from conftest import run_cli

ARTICLE = """---
title: Visiting the CALC Team
pronunciations:
  Nguyen: "win"
---

Anh Nguyen leads the CALC team at GSA. She met Eich at NASA in 2015.
"""


def test_pronunciations_table_is_read_and_validated():
    config = parse_config({"pronunciations": {"CALC": "calk", "re:DUNS?": "dunns"}})
    assert config.pronunciations == {"CALC": "calk", "re:DUNS?": "dunns"}
    with pytest.raises(ConfigError, match="regular expression"):
        parse_config({"pronunciations": {"re:(": "x"}})
    with pytest.raises(ConfigError, match="respelling"):
        parse_config({"pronunciations": {"CALC": 3}})
    with pytest.raises(ConfigError, match=r"\[\[\.\.\.\]\]"):
        parse_config({"pronunciations": {"Eich": "[['aIk"}})


def test_default_config_has_a_pronunciations_section_that_reads_back():
    text = render_default_config()
    assert "[pronunciations]" in text
    parse_config(toml().loads(text))


def test_config_and_front_matter_entries_reach_the_script():
    article = parse(ARTICLE, ".md", "a.md")
    config = parse_config({"pronunciations": {"CALC": "calk", "Eich": "[['aIk]]", "Nguyen": "noo-yen"}})
    text = " ".join(p.text for p in build_script(article, config))
    assert "calk team" in text and "[['aIk]]" in text
    assert "Anh win" in text  # the article's own entry wins over the file's
    assert "G S A" in text and "NASA" in text and "twenty fifteen" in text


def test_lexicon_check_lists_names_without_entries(tmp_path):
    source = tmp_path / "a.md"
    source.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "audiobrief.toml").write_text('[pronunciations]\n"CALC" = "calk"\n', encoding="utf-8")
    result = run_cli("lexicon", "check", source, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert "GSA" in listed and "NASA" in listed and "Eich" in listed
    assert "CALC" not in listed and "Nguyen" not in listed  # covered by the file / front matter
    assert listed.index("GSA") < listed.index("Eich")  # acronyms first


@pytest.mark.parametrize("language, intro", [
    ("en", "Welcome to"), ("de", "Willkommen bei"), ("es", "Bienvenidos a"), ("fr", "Bienvenue dans")])
def test_intro_and_outro_follow_the_language(language, intro):
    article = parse(f"---\ntitle: T\nlanguage: {language}\n---\n\nSome body text.\n", ".md", "a.md")
    script = build_script(article, Config())
    assert script[0].text.startswith(intro)
    custom = build_script(article, Config(intro="Hello {title}."))
    assert custom[0].text == "Hello T."  # a template set in the file is used for every language


def test_language_detection_and_codes():
    german = ("Die Stadt will bis Ende des Jahres neue Fahrradstraßen einrichten. Autos dürfen weiter "
              "fahren, aber nur langsam, und Parkplätze fallen an einigen Stellen weg.")
    assert detect_language(german) == "de"
    assert detect_language("Too short.") == "en"
    assert normalise_code("en-GB") == "en" and normalise_code("de_DE") == "de" and normalise_code(3) is None


def test_german_plan_speaks_german_numbers(tmp_path):
    source = tmp_path / "de.md"
    source.write_text("# Neue Regeln\n\nAm 3. Oktober 2023 kostete das Ticket 12,50 Euro, "
                      "etwa 15 % mehr als im Vorjahr. Die Stadt rechnet mit 1.924.300 Fahrten.\n", encoding="utf-8")
    result = run_cli("plan", source, "--json", cwd=tmp_path)
    plan = json.loads(result.stdout)
    assert plan["language"] == "de"
    body = " ".join(p["text"] for p in plan["script"] if p["kind"] == "body")
    assert "am dritten oktober zweitausenddreiundzwanzig" in body.lower()
    assert "zwölf Euro und fünfzig Cent" in body and "fünfzehn Prozent" in body
    assert plan["script"][0]["text"].startswith("Willkommen")
