"""Config loading and the CLI's help, without synthesis."""

from __future__ import annotations

import pytest

from audiobrief.config import Config, load_config, parse_config, render_default_config, toml
from audiobrief.errors import ConfigError
from conftest import run_cli


def test_default_config_round_trips():
    config = parse_config(toml().loads(render_default_config()))
    assert config == Config()


def test_init_writes_a_commented_file_that_make_reads(tmp_path):
    result = run_cli("init", "--title", "Morning & Co", "--base-url", "https://example.org/p/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "audiobrief.toml").read_text()
    assert text.count("# ") > 10
    for key in ("title", "author", "owner_email", "description", "language", "base_url", "category",
                "explicit", "voice", "rate", "intro", "outro"):
        assert f"\n{key} = " in text
    config = load_config(cwd=tmp_path)
    assert config.title == "Morning & Co" and config.base_url == "https://example.org/p/"
    again = run_cli("init", cwd=tmp_path)
    assert again.returncode != 0 and "--force" in again.stderr


def test_cli_flags_override_and_are_validated():
    config = Config().with_overrides(base_url="https://x.org/", rate=None)
    assert config.base_url == "https://x.org/" and config.rate == 175
    with pytest.raises(ConfigError, match="not an http"):
        Config().with_overrides(base_url="javascript:alert(1)")


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    (tmp_path / "audiobrief.toml").write_text('[podcast]\ncover = "art/cover.png"\n')
    config = load_config(tmp_path / "audiobrief.toml")
    assert config.resolve(config.cover) == tmp_path.resolve() / "art" / "cover.png"


@pytest.mark.parametrize("command", ["make", "plan", "init", "voices", "lexicon", "lexicon check"])
def test_every_command_has_help_with_an_example(command):
    result = run_cli(*command.split(), "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout


def test_version_and_module_entry_point():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("audiobrief ")
