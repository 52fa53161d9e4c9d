"""Readers on hostile and unusual input: encodings, binary files, fuzzed text, bytes and Markdown.

Every input either yields a valid Article (a plan can be built from it) or
raises an AudiobriefError with a one-line message; nothing else escapes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiobrief.config import Config
from audiobrief.errors import AudiobriefError, InputError
from audiobrief.readers import decode, parse, read_article
from audiobrief.script import build_script, plan_dict
from conftest import run_cli

ARTICLE = ("Caf\u00e9 Owners \u201cWelcome\u201d the New Rules\n\n"
           "The caf\u00e9 re-opened on Monday \u2014 with cr\u00e8me br\u00fbl\u00e9e at \u20ac4 \u2013 and a queue.\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings_are_detected(encoding, tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    article = read_article(path)
    assert article.title == "Caf\u00e9 Owners \u201cWelcome\u201d the New Rules"
    assert "cr\u00e8me br\u00fbl\u00e9e" in article.sections[0].paragraphs[0]


def test_latin1_is_read(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 news today\n\nThe caf\u00e9 re-opened with cr\u00e8me br\u00fbl\u00e9e and a long queue.\n"
                     .encode("latin-1"))
    assert "cr\u00e8me br\u00fbl\u00e9e" in read_article(path).sections[0].paragraphs[0]


def test_crlf_and_nbsp_are_normalised():
    text = decode(b"Title\r\n\r\nOne\xc2\xa0two.\r\n", "x.txt")
    assert text == "Title\n\nOne two.\n"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    b"PK\x03\x04" + bytes(200),
    bytes(range(256)) * 4,
])
def test_binary_files_get_a_clear_error(data):
    with pytest.raises(InputError, match="binary file"):
        decode(data, "x.txt")


def test_typographic_quotes_and_dashes_reach_the_engine_plain(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    script = build_script(read_article(path), Config())
    text = " ".join(p.text for p in script)
    assert not set(text) & set("\u201c\u201d\u2018\u2019\u2013\u2014")
    assert "four euros" in text


def test_bad_front_matter_is_a_clear_error():
    with pytest.raises(InputError, match="front matter"):
        parse("---\ntitle: [unclosed\n---\n\nBody text here.\n", ".md", "a.md")
    with pytest.raises(InputError, match="rate"):
        parse("---\nrate: fast\n---\n\nBody text here.\n", ".md", "a.md")
    with pytest.raises(InputError, match="front matter"):
        parse("+++\ntitle = [unclosed\n+++\n\nBody text here.\n", ".md", "a.md")


def test_rate_outside_the_engines_range_is_refused_with_the_script():
    """The reader does not know the engines' range: the script asks the engines layer."""
    from audiobrief.config import Config
    from audiobrief.script import build_script

    article = parse("---\nrate: 9000\n---\n\nBody text here.\n", ".md", "a.md")
    with pytest.raises(InputError, match="rate 9000"):
        build_script(article, Config())


def test_toml_front_matter_gives_the_title():
    article = parse('+++\ntitle = "Harbour works resume"\nauthors = ["Port Desk"]\n+++\n\n'
                    "The dredgers came back on Monday and the quay should reopen by the spring.\n", ".md", "a.md")
    assert article.title == "Harbour works resume"
    assert article.author == "Port Desk"
    assert not any("+++" in p or "title =" in p for s in article.sections for p in s.paragraphs)


def test_html_never_expands_entities_or_fetches():
    page = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<html lang="de"><body><h1>Titel</h1><p>Ein Absatz &xxe; mit genug Text, um gelesen zu werden.</p>'
            '<img src="http://127.0.0.1:9/x.png" alt="Bild"></body></html>')
    article = parse(page, ".html", "a.html")
    text = " ".join(p for s in article.sections for p in s.paragraphs)
    assert "root:" not in text
    assert article.language == "de"


def _check(text: str, suffix: str) -> None:
    try:
        article = parse(text, suffix, f"fuzz{suffix}")
    except AudiobriefError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    assert article.title.strip()
    assert any(s.paragraphs for s in article.sections)
    plan = plan_dict(article, build_script(article, Config()))
    assert plan["script"][0]["kind"] == "intro" and plan["script"][-1]["kind"] == "outro"
    assert all(isinstance(p["text"], str) for p in plan["script"])


FUZZ = settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
_lines = st.lists(st.one_of(
    st.text(max_size=80),
    st.sampled_from(["# Title", "## Part", "### Sub", "#### Deep", "> quoted", "- item", "1. first",
                     "![alt](x.png)", "[link](http://example.com)", "```", "| a | b |", "|---|---|",
                     "<figure><img alt='x'><figcaption>cap</figcaption></figure>", "---", "title: x",
                     "$3,499 on Oct. 29, 2015 at 12 p.m. EST", "Photo: AP", "By Jane Doe", "Share this"]),
), max_size=25)


@FUZZ
@given(st.text(max_size=2000))
def test_fuzz_text(text):
    _check(text, ".txt")


@FUZZ
@given(_lines)
def test_fuzz_markdown(lines):
    _check("\n".join(lines), ".md")


@FUZZ
@given(_lines)
def test_fuzz_html(lines):
    _check("<html><body>" + "\n".join(f"<p>{l}</p>" if i % 3 else f"<h2>{l}</h2>" for i, l in enumerate(lines))
           + "</body></html>", ".html")


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".md", ".html"]))
def test_fuzz_bytes(data, suffix):
    try:
        text = decode(data, "fuzz")
    except AudiobriefError as exc:
        assert str(exc)
        return
    _check(text, suffix)


CHROME_ONLY = {
    "menu-en.txt": "Skip to content\nHome\nNews\nSport\nWeather\nSign in\nSearch\n\nAccept all cookies\n\n"
                   "Privacy policy\nTerms of use\nContact us\n© 2024 Example Media\n",
    "menu-de.txt": "Zum Inhalt springen\nStartseite\nNachrichten\nSport\nWetter\nAnmelden\n\n"
                   "Alle Cookies akzeptieren\n\nDatenschutz\nImpressum\nKontakt\n",
    "menu-fr.html": '<html lang="fr"><head><title>Accueil - Le Site</title></head><body><nav><a href="/">Accueil</a>'
                    '<a href="/a">Actualités</a></nav><ul><li><a href="/x">Politique</a></li><li><a href="/y">Culture'
                    '</a></li><li><a href="/z">Sport</a></li></ul><footer>Mentions légales</footer></body></html>',
    "menu-es.md": "# Portada\n\n- [Noticias](/n)\n- [Deportes](/d)\n- [Contacto](/c)\n\nAviso legal · Cookies\n",
}


@pytest.mark.parametrize("name", sorted(CHROME_ONLY))
def test_a_page_that_is_all_chrome_is_one_error_line(name, tmp_path):
    """Menus, links and notices only: an error naming the problem, not an empty episode."""
    path = tmp_path / name
    path.write_text(CHROME_ONLY[name], encoding="utf-8")
    result = run_cli("plan", path, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "no article text found" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_language_without_a_voice_is_named_in_a_warning(tmp_path):
    page = Path(__file__).parent / "fixtures" / "readers" / "yo.html"
    result = run_cli("plan", page, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "Yoruba (yo)" in result.stderr
    assert json.loads(result.stdout)["warnings"] == [result.stderr.strip().removeprefix("warning: ")]
