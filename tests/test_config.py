"""Settings layering: defaults < config file < environment < flags."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.config import Settings, as_dict, find_config, load_settings, with_flags
from briefing.errors import ConfigError, UsageError


def write(tmp_path, text):
    path = tmp_path / "briefing.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    settings = load_settings(environ={})
    assert settings.build.output == "out/brief-{date}.pdf"
    assert settings.build.formats == ["pdf"]
    assert settings.translate.backend == "gist"
    assert settings.origin == "defaults"


def test_file_overrides_defaults_only_for_keys_it_sets(tmp_path):
    path = write(tmp_path, '[build]\ntop = 12\ntitle_en = "Morning AI brief"\n')
    settings = load_settings(path, environ={})
    assert settings.build.top == 12
    assert settings.build.title_en == "Morning AI brief"
    assert settings.build.per_theme == Settings().build.per_theme
    assert settings.origin == str(path)


def test_environment_beats_file_and_flags_beat_environment(tmp_path):
    path = write(tmp_path, "[build]\ntop = 12\nper_theme = 3\n")
    settings = load_settings(path, environ={"BRIEFING_BUILD_TOP": "7", "BRIEFING_BUILD_PER_THEME": "4"})
    settings.build = with_flags(settings.build, top=9, per_theme=None)
    assert settings.build.top == 9  # flag
    assert settings.build.per_theme == 4  # environment; the flag was not given


def test_environment_lists_and_unrelated_variables(tmp_path):
    settings = load_settings(
        write(tmp_path, ""), environ={"BRIEFING_BUILD_FORMATS": "pdf,md", "BRIEFINGX": "1", "HOME": "/root"}
    )
    assert settings.build.formats == ["pdf", "md"]


def test_working_directory_file_is_found(tmp_path, monkeypatch):
    write(tmp_path, "[build]\ntop = 3\n")
    monkeypatch.chdir(tmp_path)
    assert find_config() == tmp_path / "briefing.toml"
    assert load_settings(environ={}).build.top == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[build]\ntopp = 3\n", "unknown key build.topp"),
        ("[mail2]\nto = 'x'\n", "unknown section [mail2]"),
        ("[build]\ntop = 'many'\n", "build.top: expected a whole number"),
        ("[build]\nstrict = 'yes'\n", "build.strict: expected true or false"),
        ("[build]\nformats = 3\n", "build.formats: expected a list"),
        ("build = 3\n", "[build] must be a table"),
        ("[build\n", "cannot read config"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={})
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_as_dict_lists_every_section():
    assert set(as_dict(Settings())) == {"build", "themes", "translate", "mail", "fetch"}


def test_secrets_are_masked_in_printed_settings(tmp_path):
    path = write(tmp_path, '[mail]\npassword = "hunter2"\n[translate]\nopenai_api_key = "sk-123"\n')
    settings = load_settings(path, environ={})
    assert settings.mail.password == "hunter2"
    printed = as_dict(settings)
    assert printed["mail"]["password"] == "********"
    assert printed["translate"]["openai_api_key"] == "********"
    assert "hunter2" not in repr(printed) and "sk-123" not in repr(printed)


def test_stage_sections_take_numbers_and_paths(tmp_path):
    path = write(tmp_path, '[mail]\ntimeout = 5\nto = ["a@example.org"]\n[translate]\nargos_model = "~/m.argosmodel"\n'
                           '[fetch]\ntimeout = "2.5"\n')
    settings = load_settings(path, environ={})
    assert settings.mail.timeout == 5.0 and isinstance(settings.mail.timeout, float)
    assert settings.fetch.timeout == 2.5
    assert settings.translate.argos_model.name == "m.argosmodel"
    assert "~" not in str(settings.translate.argos_model)


def test_bad_number_in_a_frozen_section(tmp_path):
    with pytest.raises(ConfigError, match="fetch.timeout: expected a number"):
        load_settings(write(tmp_path, '[fetch]\ntimeout = "soon"\n'), environ={})


def test_dates_are_parsed_once_where_they_are_read(tmp_path):
    path = write(tmp_path, '[build]\nsince = "2024-05-01"\nuntil = 2024-05-31\n')
    settings = load_settings(path, environ={"BRIEFING_BUILD_UNTIL": "2024-06-30"})
    assert settings.build.since == dt.date(2024, 5, 1)  # a string in the file
    assert settings.build.until == dt.date(2024, 6, 30)  # TOML's own date, then the environment's
    assert as_dict(settings)["build"]["since"] == "2024-05-01"
    with pytest.raises(UsageError, match="build.since: 'May 1' is not a date in YYYY-MM-DD form"):
        load_settings(write(tmp_path, '[build]\nsince = "May 1"\n'), environ={})


def test_tuning_knobs_are_not_config_keys(tmp_path):
    assert list(as_dict(Settings())["themes"]) == ["file", "mode", "classifier", "sentence_encoder"]
    with pytest.raises(ConfigError, match="unknown key themes.threshold"):
        load_settings(write(tmp_path, "[themes]\nthreshold = 1.0\n"), environ={})


def test_a_misspelt_flag_is_an_error_not_a_silent_no_op():
    with pytest.raises(TypeError):
        with_flags(Settings().build, topp=3)
