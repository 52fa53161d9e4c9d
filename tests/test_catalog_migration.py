"""Older catalogs are migrated on load; the old file is kept as a backup.

Golden files: each ``fixtures/catalog/<name>.v<N>.json`` sits beside
``<name>.expected.json``, the catalog it must become; one test finds every pair.
Regenerate an expected file with AUDIOBRIEF_REGEN=1 after checking the diff by eye.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from audiobrief.catalog import VERSION, load_catalog
from audiobrief.errors import PublishError

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
OLD = sorted(p for p in FIXTURES.glob("*.v*.json"))


@pytest.mark.parametrize("old", OLD, ids=[p.name for p in OLD])
def test_old_catalog_is_migrated_and_backed_up(old, tmp_path):
    shutil.copy(old, tmp_path / "episodes.json")
    catalog = load_catalog(tmp_path)
    written = json.loads((tmp_path / "episodes.json").read_text())
    expected_path = old.with_name(old.name.split(".v")[0] + ".expected.json")
    if os.environ.get("AUDIOBRIEF_REGEN"):
        expected_path.write_text(json.dumps(written, indent=2, ensure_ascii=False) + "\n")
    assert written == json.loads(expected_path.read_text())
    assert written["version"] == VERSION
    version = json.loads(old.read_text())["version"]
    backup = tmp_path / f"episodes.v{version}.json"
    assert backup.read_bytes() == old.read_bytes()  # the old file, kept byte for byte
    # guids and numbers survive; nothing is archived by a migration
    before = json.loads(old.read_text())["episodes"]
    assert [(e.guid, e.number) for e in sorted(catalog.episodes, key=lambda e: e.number)] == \
           [(e["guid"], e["number"]) for e in before]
    assert not any(e.archived for e in catalog.episodes)
    # loading again is a no-op
    again = load_catalog(tmp_path)
    assert again.episodes == catalog.episodes
    assert json.loads((tmp_path / "episodes.json").read_text()) == written


def test_read_only_load_migrates_in_memory_only(tmp_path):
    shutil.copy(OLD[0], tmp_path / "episodes.json")
    catalog = load_catalog(tmp_path, write_migration=False)
    assert catalog.episodes
    assert (tmp_path / "episodes.json").read_bytes() == OLD[0].read_bytes()
    assert not list(tmp_path.glob("episodes.v*.json"))


@pytest.mark.parametrize("text, hint", [
    ('{"version": 99, "episodes": []}', "upgrade audiobrief"),
    ('{"version": 2, "episodes": [{"slug": "x"}]}', "damaged"),
    ("not json", "damaged"),
])
def test_unreadable_catalog_says_what_to_do(tmp_path, text, hint):
    (tmp_path / "episodes.json").write_text(text)
    with pytest.raises(PublishError, match=hint):
        load_catalog(tmp_path)
    assert (tmp_path / "episodes.json").read_text() == text  # left as it was
