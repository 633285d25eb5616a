"""Theme taxonomy: the shipped themes, a user file extending or replacing them, errors naming file and key."""

from __future__ import annotations

import pytest

from briefing.errors import ConfigError
from briefing.themes import OTHER, load_taxonomy


def write(tmp_path, text, name="themes.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_taxonomy_covers_the_required_themes(taxonomy):
    ids = [t.id for t in taxonomy]
    for required in (
        "export_controls", "diplomacy", "corporate", "safety_governance",
        "chips_compute", "open_models", "data_flows", "competition", OTHER,
    ):  # fmt: skip
        assert required in ids
    for theme in taxonomy:
        assert theme.label_zh and theme.label_en and theme.description_zh and theme.description_en
        if theme.id != OTHER:
            assert 30 <= len(theme.keywords) <= 120, theme.id  # a taxonomy, not a dictionary
    keywords = {k for t in taxonomy for k, _ in t.keywords}
    for word in ("出口管制", "实体清单", "扩散规则", "bis", "联合声明", "访华", "特斯拉", "股价", "fsd", "gpu"):
        assert word in keywords


def test_replace_mode_uses_only_the_user_file(tmp_path):
    path = write(
        tmp_path,
        '[[theme]]\nid = "space"\nlabel_zh = "航天"\nlabel_en = "Space"\n[theme.keywords]\n"卫星" = 3\n',
    )
    themes = load_taxonomy(path, mode="replace")
    assert [t.id for t in themes] == ["space", OTHER]
    assert themes[0].keywords == (("卫星", 3.0),)


def test_extend_mode_overrides_same_id_and_appends_new(tmp_path, taxonomy):
    path = write(
        tmp_path,
        '[[theme]]\nid = "corporate"\nlabel_zh = "公司"\nlabel_en = "Companies"\n[theme.keywords]\n"公司" = 2\n'
        '[[theme]]\nid = "space"\nlabel_zh = "航天"\nlabel_en = "Space"\n[theme.keywords]\n"卫星" = 3\n',
    )
    themes = load_taxonomy(path, mode="extend")
    ids = [t.id for t in themes]
    assert ids[: len(taxonomy)] == [t.id for t in taxonomy]  # overridden in place
    assert ids[-1] == "space"
    corporate = next(t for t in themes if t.id == "corporate")
    assert corporate.label_en == "Companies" and corporate.keywords == (("公司", 2.0),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\ncolour = "red"\n', "unknown key 'colour'"),
        ('[[theme]]\nid = "x"\nlabel_en = "X"\n', "missing label 'label_zh'"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[theme.keywords]\n"芯片" = "high"\n', "weight must be a number"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[[theme]]\nid = "x"\nlabel_zh = "乙"\nlabel_en = "Y"\n', "duplicate id"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[theme.keywords]\n"芯片" = true\n', "weight must be a number"),
        ('themes = 1\n', "unknown key 'themes'"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[theme.negative]\n"芯片" = -1\n', "positive"),
    ],
)
def test_invalid_theme_files_name_file_and_key(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as error:
        load_taxonomy(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_unreadable_theme_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_taxonomy(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_taxonomy(write(tmp_path, "[[theme]\n"))
    with pytest.raises(ConfigError, match="mode"):
        load_taxonomy(None, mode="merge")  # type: ignore[arg-type]
