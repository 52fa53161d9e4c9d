"""`plan --json` on the real articles in ../shared/articles, scored against both answer keys.

expected.json and expected-more.json were made by hand; strings are compared
after collapsing whitespace.  Every article is scored on its title, its
headings in order (or an accepted alternative), the noise lines it speaks
(must be 0), its credits line and its language.  One parametrised test checks
each article; at the end of the module a per-article table is printed, the
way podcastparser's fixture tests report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from conftest import SHARED_ARTICLES, run_cli, shared_article

KEYS = ("expected.json", "expected-more.json")


def _entries() -> dict:
    entries = {}
    for name in KEYS:
        path = SHARED_ARTICLES / name
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            entries.update({k: v for k, v in data.items() if not k.startswith("_")})
    return entries


ENTRIES = _entries()


def _c(text):
    return " ".join(text.split()) if isinstance(text, str) else text


def _spoken_lines(plan):
    lines = [_c(s["heading"]) for s in plan["sections"] if s["heading"]]
    lines += [_c(p) for s in plan["sections"] for p in s["paragraphs"]]
    return lines


def _is_description(line):
    """Entries of the key that describe noise rather than quote it ("YAML front matter block (...)")."""
    return " — " in line or line.startswith("YAML front matter")


@dataclass
class Score:
    title: bool = False
    headings: bool = False
    noise_spoken: list = field(default_factory=list)
    credits: bool = False
    language: bool = False
    got_title: str = ""
    got_headings: list = field(default_factory=list)

    @property
    def right(self) -> bool:
        return self.title and self.headings and not self.noise_spoken and self.credits and self.language


def _headings_right(entry, plan) -> tuple[bool, list]:
    got = [_c(s["heading"]) for s in plan["sections"]]
    optional = set(entry.get("optional_sections", []))
    accepted = [[_c(h) for h in entry["expected_sections"]]]
    if "acceptable_alternative_sections" in entry:
        accepted.append([_c(h) for h in entry["acceptable_alternative_sections"]])
    if not got or got[0] is not None:
        got = [None] + got  # an article may open with a heading: the untitled lead is then empty
    return any(got == want or got == [h for h in want if h not in optional] for want in accepted), got


def _noise_spoken(entry, plan) -> list:
    spoken = _spoken_lines(plan)
    paragraphs = [_c(p) for s in plan["sections"] for p in s["paragraphs"]]
    noise = [_c(n) for n in entry.get("noise_lines", []) if not _is_description(n)]
    noise += [_c(n) for n in entry.get("noise_also", {}).get("img_alt_texts", [])]
    dropped = [_c(d["text"]) for d in plan["dropped"]]
    found = []
    for line in noise:
        if line in dropped and spoken.count(line) == 1:
            continue  # a caption repeated word for word as body text: dropped as caption, spoken once as text
        if line in spoken or (len(line.split()) >= 6 and any(line in p for p in paragraphs)):
            found.append(line)
    script = " ".join(p["text"] for p in plan["script"])
    for marker in ("http", "www", "[edit]"):
        if marker in script:
            found.append(f"script holds {marker!r}")
    found += [end for end in entry.get("end_matter_not_spoken", []) if end in spoken]
    return found


def score(entry, plan) -> Score:
    result = Score(got_title=_c(plan["title"]))
    result.title = _c(plan["title"]) == _c(entry["expected_title"])
    result.headings, result.got_headings = _headings_right(entry, plan)
    result.noise_spoken = _noise_spoken(entry, plan)
    result.credits = _c(plan["credits"]) == _c(entry["expected_sources_line"])
    result.language = plan["language"] == entry["language"]
    return result


SCORES: dict[str, Score] = {}


def _mark(ok: bool) -> str:
    return "ok" if ok else "WRONG"


@pytest.fixture(scope="module", autouse=True)
def table(request):
    """Print the per-article table once every article has been scored."""
    yield
    if not SCORES:
        return
    rows = [f"{'article':52} {'lang':4} {'title':6} {'heads':6} {'noise':5} {'credits':7} all"]
    for name, s in sorted(SCORES.items()):
        rows.append(f"{name[:52]:52} {_mark(s.language)[:4]:4} {_mark(s.title):6} {_mark(s.headings):6} "
                    f"{len(s.noise_spoken):5} {_mark(s.credits):7} {'RIGHT' if s.right else 'wrong'}")
    rows.append(f"fully right: {sum(s.right for s in SCORES.values())} of {len(SCORES)}")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # shown without -s, like a terminal summary
        print("\n" + "\n".join(rows))


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_article_is_read_right(name, tmp_path):
    result = run_cli("plan", shared_article(name), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    entry = ENTRIES[name]
    s = SCORES[name] = score(entry, plan)
    assert s.language, plan["language"]
    assert s.title, f"title {s.got_title!r}, want {entry['expected_title']!r}"
    assert s.headings, s.got_headings
    assert not s.noise_spoken, f"noise spoken: {s.noise_spoken}"
    assert s.credits, f"credits {plan['credits']!r}, want {entry['expected_sources_line']!r}"


def test_every_dropped_line_has_a_reason(tmp_path):
    """`dropped` lists every line not spoken, each with the reason it was left out."""
    name = "digitalgov-a-look-at-podcasting-at-csosa.txt"
    result = run_cli("plan", shared_article(name), "--json", cwd=tmp_path)
    plan = json.loads(result.stdout)
    assert plan["dropped"]
    assert all(isinstance(d["text"], str) and d["text"] and d["reason"] for d in plan["dropped"])
