"""The English side: translator interface, the dictionaries, the glossary."""

from __future__ import annotations

import time
from importlib import resources

import pytest

from briefing import dictionaries, translate
from briefing.errors import UsageError
from briefing.models import Translation
from briefing.translate import GistTranslator, Translator, get_translator, gist, glossary_terms


# --------------------------------------------------------------------------
# Interface
# --------------------------------------------------------------------------


def test_gist_backend_labels_its_output() -> None:
    translator = get_translator("gist")
    assert isinstance(translator, Translator) and translator.name == "gist"
    out = translator.translate(["美国商务部发布新规。", "英伟达芯片"])
    assert [t.mode for t in out] == ["gist", "gist"]
    assert out[1] == Translation("Nvidia chips", "gist")


def test_default_backend_is_gist() -> None:
    assert isinstance(get_translator(), GistTranslator)


def test_none_backend_returns_empty_english() -> None:
    translator = get_translator("none")
    assert translator.name == "none"
    assert translator.translate(["中美", "芯片"]) == [Translation("", "none")] * 2


def test_unknown_backend_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="known: gist, none"):
        get_translator("babelfish")


def test_empty_batch() -> None:
    assert get_translator("gist").translate([]) == []


# --------------------------------------------------------------------------
# The gist
# --------------------------------------------------------------------------


def test_glossary_beats_cedict() -> None:
    # CC-CEDICT's first sense of 出口 is "an exit"; the glossary says what policy means.
    assert gist("出口管制") == "Export controls"
    assert gist("台积电") == "TSMC"
    assert translate.cedict_lookup("出口") == "exit"


def test_longest_glossary_term_wins() -> None:
    assert gist("美国商务部") == "US Department of Commerce"
    assert gist("商务部") == "Department of Commerce"
    # Across jieba tokens too: 拜登 + 政府 → one term.
    assert gist("拜登政府") == "Biden administration"


def test_particles_are_dropped() -> None:
    assert gist("美国的芯片") == "US chips"
    assert gist("中国发布了新规吗").split()[0:2] == ["China", "released"]
    for particle in ("的", "了", "吗"):
        assert particle not in gist("美国的芯片了吗")


def test_numbers_dates_and_latin_pass_through() -> None:
    english = gist("OpenAI于2024年5月16日发布GPT-4，投入320亿美元，占比10.5%。")
    assert "OpenAI" in english and "GPT-4" in english
    assert "May 16, 2024" in english  # English order, as news writes it
    assert "32 billion US dollars" in english
    assert "10.5%" in english
    assert gist("5月7日") == "May 7"
    assert gist("170万用户").startswith("1.7 million")


def test_unknown_names_are_romanised_whole() -> None:
    # An unknown transliterated name is romanised whole, never glossed piece by piece
    # (罗 → "gauze") and never left in Chinese.
    english = gist("特里奥罗认为")
    assert english.startswith("Teliaoluo")
    assert "believes" in english


def test_punctuation_is_english() -> None:
    english = gist("美方表示：“将加强出口管制”，中方（外交部）回应。")
    for mark in "，。：“”（）":
        assert mark not in english
    assert ': "will strengthen the export controls",' in english
    assert english.endswith(".")
    assert "(Ministry of Foreign Affairs)" in english


def test_cedict_senses_are_cleaned() -> None:
    clean = dictionaries.plain_sense
    assert clean(["CL:個|个[ge4]", "tree"]) == "tree"
    assert clean(["surname Li", "plum"]) == "plum"
    assert clean(["variant of 樹|树[shu4]", "old variant of X"]) is None
    assert clean(["(bound form) wood", "timber"]) == "wood"
    assert clean(["to release; to issue"]) == "release"
    assert clean(["(business) company"]) == "company"
    # "old" opens notes (old name for …) and ordinary senses alike: 老朋友 is an old friend, not its slang sense.
    assert clean(["old friend", "(slang) period"]) == "old friend"
    assert clean(["old name for Beijing", "Peiping"]) == "Peiping"


def test_single_characters_prefer_common_reading() -> None:
    assert translate.cedict_lookup("比") != "Belgium"
    assert translate.cedict_lookup("和") == "and"  # not "surname He"


def test_cedict_loads_once_and_fast() -> None:
    dictionaries.cedict_index.cache_clear()
    started = time.perf_counter()
    index = dictionaries.cedict_index()
    elapsed = time.perf_counter() - started
    assert len(index) > 100_000
    assert elapsed < 2.0, f"CC-CEDICT index took {elapsed:.2f} s"
    assert dictionaries.cedict_index() is index


# --------------------------------------------------------------------------
# Glossary data and glossary_terms
# --------------------------------------------------------------------------


def test_glossary_file_is_well_formed() -> None:
    text = (resources.files("briefing") / "data" / "glossary.tsv").read_text(encoding="utf-8")
    terms = [line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")]
    assert len(terms) >= 300
    assert len(terms) == len(set(terms)), "duplicate glossary terms"
    glossary = translate.policy_glossary()
    expected = {
        "英伟达": "Nvidia",
        "商务部": "Department of Commerce",
        "美国商务部": "US Department of Commerce",
        "出口管制": "export controls",
        "实体清单": "Entity List",
        "拜登政府": "Biden administration",
        "布林肯": "Blinken",
        "大模型": "large models",
        "人工智能": "AI",
        "芯片": "chips",
        "台积电": "TSMC",
        "外交部": "Ministry of Foreign Affairs",
        "小院高墙": "small yard, high fence",
    }
    for zh, en in expected.items():
        assert glossary[zh] == en


def test_glossary_terms_first_appearance_deduplicated() -> None:
    texts = [
        "美国商务部将华为列入实体清单。",
        "中国外交部回应实体清单问题，英伟达芯片受影响。",
    ]
    terms = glossary_terms(texts)
    assert terms == [
        ("美国商务部", "US Department of Commerce"),
        ("华为", "Huawei"),
        ("实体清单", "Entity List"),
        ("中国外交部", "Chinese Ministry of Foreign Affairs"),
        ("英伟达", "Nvidia"),
        ("芯片", "chips"),
    ]
    # Common words (中国, 问题) are fixed in the gist but not listed.
    assert all(zh not in ("中国", "美国", "问题") for zh, _ in terms)


def test_glossary_terms_are_stable() -> None:
    texts = ["拜登政府收紧出口管制，大模型也在其中。"]
    assert glossary_terms(texts) == glossary_terms(list(texts))
    assert glossary_terms([]) == []


def test_title_gist() -> None:
    assert translate.gist_title("美国AI出口管制:中国如何应对").startswith("US AI export controls:")
