"""`plan --json` on the real articles in ../shared/articles, checked against expected.json.

The answer key was made by hand; strings are compared after collapsing
whitespace.  For each article: the title, the headings in order (or an
accepted alternative), no noise line spoken, the credits line.
"""

from __future__ import annotations

import json

import pytest

from conftest import SHARED_ARTICLES, run_cli, shared_article


def _key():
    path = SHARED_ARTICLES / "expected.json"
    if not path.is_file():
        pytest.skip("the shared answer key is not here")
    return json.loads(path.read_text(encoding="utf-8"))


def _names():
    path = SHARED_ARTICLES / "expected.json"
    if not path.is_file():
        return []
    return sorted(k for k in json.loads(path.read_text(encoding="utf-8")) if not k.startswith("_"))


def _c(text):
    return " ".join(text.split()) if isinstance(text, str) else text


def _spoken_lines(plan):
    lines = [_c(s["heading"]) for s in plan["sections"] if s["heading"]]
    lines += [_c(p) for s in plan["sections"] for p in s["paragraphs"]]
    return lines


def _is_description(line):
    """Entries of the key that describe noise rather than quote it ("YAML front matter block (...)")."""
    return " — " in line or line.startswith("YAML front matter")


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("plans")
    cache = {}

    def get(name):
        if name not in cache:
            result = run_cli("plan", shared_article(name), "--json", cwd=cwd)
            assert result.returncode == 0, result.stderr
            cache[name] = json.loads(result.stdout)
        return cache[name]

    return get


@pytest.mark.parametrize("name", _names())
def test_title(name, plans):
    assert _c(plans(name)["title"]) == _c(_key()[name]["expected_title"])


@pytest.mark.parametrize("name", _names())
def test_headings_in_order(name, plans):
    entry = _key()[name]
    got = [_c(s["heading"]) for s in plans(name)["sections"]]
    optional = set(entry.get("optional_sections", []))
    accepted = [[_c(h) for h in entry["expected_sections"]]]
    if "acceptable_alternative_sections" in entry:
        accepted.append([_c(h) for h in entry["acceptable_alternative_sections"]])
    if got and got[0] is not None:
        got = [None] + got  # an article may open with a heading: the untitled lead is then empty
    assert any(got == want or got == [h for h in want if h not in optional] for want in accepted), got


@pytest.mark.parametrize("name", _names())
def test_noise_is_not_spoken(name, plans):
    entry = _key()[name]
    plan = plans(name)
    spoken = _spoken_lines(plan)
    noise = [_c(n) for n in entry.get("noise_lines", []) if not _is_description(n)]
    noise += [_c(n) for n in entry.get("noise_also", {}).get("img_alt_texts", [])]
    dropped = [_c(d) for d in plan["dropped"]]
    for line in noise:
        if line in dropped and spoken.count(line) == 1:
            continue  # a caption repeated word for word as body text: dropped as caption, spoken once as text
        assert line not in spoken, f"noise line spoken: {line!r}"
        if len(line.split()) >= 6:
            paragraphs = [_c(p) for s in plan["sections"] for p in s["paragraphs"]]
            assert not any(line in p for p in paragraphs), f"noise line inside a paragraph: {line!r}"
    script = " ".join(p["text"] for p in plan["script"])
    assert "http" not in script and "www" not in script and "[edit]" not in script
    for end in entry.get("end_matter_not_spoken", []):
        assert end not in spoken


@pytest.mark.parametrize("name", _names())
def test_credits_line(name, plans):
    assert _c(plans(name)["credits"]) == _c(_key()[name]["expected_sources_line"])


@pytest.mark.parametrize("name", _names())
def test_language(name, plans):
    assert plans(name)["language"] == _key()[name]["language"]
