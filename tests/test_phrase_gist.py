"""The phrase gist (briefing/phrase_gist.py): names, phrases, grammar words and word-order rules.

Every rule has an example here whose English changes when the rule is left
out, so a rule that stopped firing fails a test.  The sentences are our own.
"""

from __future__ import annotations

import re
import time
from importlib import resources

import pytest

from briefing import dictionaries
from briefing.phrase_gist import GRAMMAR_WORDS, RULES, choose_sense, parse_chinese_number, participle, person_name, place_name, plural, romanise, translate_line
from briefing.translate import gist, glossary_terms, word_gist

HAN = re.compile(r"[\u3400-\u9fff]")


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("苏齐芳", "Su Qifang"),  # surname first, given name as one word
        ("郭嘉昆", "Guo Jiakun"),
        ("欧阳娜娜", "Ouyang Nana"),  # a two-character surname
        ("单雄信", "Shan Xiongxin"),  # a surname read as a surname (单 is dan1 elsewhere)
    ],
)
def test_chinese_person_names_are_romanised_surname_first(chinese: str, english: str) -> None:
    assert person_name(chinese) == english


def test_foreign_and_place_names_are_romanised_whole() -> None:
    assert person_name("特里奥罗") == "Teliaoluo"
    assert place_name("双桥区") == "Shuangqiao District"
    assert place_name("锡那罗州") == "Xinaluo State"
    assert romanise("龙须塘") == "Longxutang"


def test_names_never_stay_in_chinese() -> None:
    for line in ("苏齐芳说，双桥区的龙须塘发生火灾。", "外交部发言人郭嘉昆回应。", "瓦尔迪兹被杀的第二天"):
        english = gist(line)
        assert not HAN.search(english), english
        assert HAN.search(word_gist(line))  # the old gist left them in Chinese


def test_a_dotted_foreign_name_reads_as_one_name() -> None:
    # jieba cuts an unknown transliteration into characters (埃 + 隆), which glossed one by one read
    # "dust sound of drums"; beside a name dot they are one part, and the dot is the space between parts.
    assert translate_line("埃隆•马斯克访问北京").startswith("Ailong Musk visited")
    assert translate_line("埃隆•马斯克访问北京", RULES - {"name-dot"}).startswith("Dust sound of drums·Musk")
    assert "Donald Trump" in translate_line("唐纳德·特朗普说")
    assert translate_line("他的·马斯克").startswith("His")  # grammar words stay out of a name


def test_names_compose_with_what_the_dictionaries_know() -> None:
    assert gist("外交部发言人郭嘉昆表示").startswith("Foreign Ministry spokesperson Guo Jiakun said")
    assert "the Dutch team" in gist("他说荷兰队获胜。")
    assert "Su Qifang said" in gist("苏齐芳说")


# --------------------------------------------------------------------------
# Words, phrases and senses
# --------------------------------------------------------------------------


def test_senses_that_fit_news() -> None:
    # 开放 is "open" here, not CC-CEDICT's first "bloom"; 们 is not "plural marker for pronouns".
    line = "中国公司在开放AI模型领域超越美国"
    assert translate_line(line, rules=RULES - {"senses", "forms"}) == "The Chinese company in open AI models field surpass US"
    assert "marker" not in gist("居民们说")
    assert "application" in gist("新的应用")


def test_learnt_senses_replace_the_first_listed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # Our own table: 发表 in CC-CEDICT's second sense.
    monkeypatch.setattr(dictionaries, "learned_senses", lambda: {"发表": "publish"})
    monkeypatch.setattr(dictionaries, "learned_forms", dict)
    assert translate_line("他们发表了报告") == "They published report"
    assert translate_line("他们发表了报告", rules=RULES - {"senses"}) == "They issued report"
    assert choose_sense("发表", learned=False) == "issue"


def test_learnt_forms_inflect_bare_verbs_and_nouns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dictionaries, "learned_senses", dict)
    monkeypatch.setattr(dictionaries, "learned_forms", lambda: {"举行": "past", "问题": "plural", "公司": "plural"})
    assert translate_line("政府举行会议") == "The government held the meeting"
    assert translate_line("政府举行会议", rules=RULES - {"forms"}) == "The government hold the meeting"
    assert translate_line("他们讨论问题") == "They discuss the questions"
    # Where Chinese says the tense or the number itself, the rules decide: 将 "will", 一家 "a".
    assert translate_line("政府将举行会议") == "The government will hold the meeting"
    assert translate_line("一家公司") == "A company"


def test_learnt_senses_never_touch_policy_terms_or_grammar_words() -> None:
    # training/gist_senses.py leaves those to the glossary and the rules; the shipped table must too.
    learnt = dictionaries.learned_senses()
    assert not set(learnt) & dictionaries.listed_terms()
    assert not set(learnt) & (set(GRAMMAR_WORDS) | set(dictionaries.FUNCTION_WORDS) | dictionaries.PARTICLES)


def test_shipped_table_loads_and_changes_a_sense() -> None:
    header = (resources.files("briefing") / "data" / dictionaries.LEARNED_SENSES).read_text(encoding="utf-8")
    assert re.search(r"^# learnt from: \S+ \(sha256 [0-9a-f]{64}\)", header, re.MULTILINE)
    assert re.search(r"^# command: python -m training\.gist_senses ", header, re.MULTILINE)
    learnt = dictionaries.learned_senses()
    assert len(learnt) > 100
    changed = [word for word, sense in learnt.items() if sense and sense != dictionaries.cedict_lookup(word)]
    assert len(changed) > 100
    word = changed[0]
    assert choose_sense(word) == learnt[word] != choose_sense(word, learned=False)


def test_phrases_before_words() -> None:
    # 一次又一次 is four jieba words and one CC-CEDICT entry.
    assert gist("他一次又一次失败") == "He repeatedly defeated"
    assert "repeatedly" not in translate_line("他一次又一次失败", rules=RULES - {"phrases"})


def test_grammar_words_are_not_glossed_as_content() -> None:
    english = gist("他说，这不是问题。")
    assert english.startswith("He said") and "persuade" not in english and "fault" not in english
    assert "persuade" in translate_line("他说", rules=RULES - {"function"}).lower()


# --------------------------------------------------------------------------
# Dates, times, amounts
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("1月16日", "January 16"),
        ("2025年3月1日", "March 1, 2025"),
        ("10日", "On the 10th"),
        ("22日", "On the 22nd"),
        ("17时10分", "17:10"),
        ("13.21万亿元", "13.21 trillion yuan"),
        ("百分之30", "30%"),
    ],
)
def test_dates_times_and_amounts(chinese: str, english: str) -> None:
    assert gist(chinese) == english


def test_impossible_dates_stay_as_written() -> None:
    assert "13月" in gist("13月5日") or "13" in gist("13月5日")
    assert "32日" in gist("32日") or "32" in gist("32日")


# --------------------------------------------------------------------------
# Word-order rules: each changes its example
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "chinese", "expected"),
    [
        ("localiser", "记者们在会议上提问。", "The reporters on the meeting question."),
        ("demonym", "他说荷兰队获胜", "the Dutch team"),
        ("plural", "记者们提问", "reporters"),
        ("passive", "他被警方逮捕了。", "He was arrested by the police."),
        ("article", "他在会议上发言", "on the meeting"),
        ("tense", "他们发表了报告", "They issued"),
        ("approximate", "350多辆汽车", "More than 350 car"),
        ("approximate", "逮捕了3900多名抗议者", "more than 3900 protesters"),
        ("date-order", "郭嘉昆10日表示", "said on the 10th"),
        ("function", "这股寒流", "This cold"),
        ("possessive", "他的公司", "His company"),
        ("dates", "10日", "On the 10th"),
        ("names", "苏齐芳说", "Su Qifang"),
        ("numerals", "一万多名游客回国", "More than 10,000 tourists"),
        ("numerals", "第十九次会议", "19th meeting"),
        ("numerals", "两千三百人参加", "2,300 people"),
        ("numerals", "跑了2小时13分38秒", "13 minutes"),
        ("object-article", "这是问题", "is the question"),
        ("aspect", "警方已经逮捕嫌疑人", "has arrested"),
        ("of", "公司的任务", "mission of company"),
        ("capitals", "他说。他们走了。", "said. They"),
        ("determiners", "这两家公司", "These two companies"),
        ("determiners", "他买了一辆车", "bought a car"),
        ("spacing", "他在 2003 年 9 月 1 日加入", "September 1, 2003"),
    ],
)
def test_each_rule_does_its_work(rule: str, chinese: str, expected: str) -> None:
    # Without the learnt senses and forms, so that retraining the table (training/gist_senses.py) leaves these alone.
    fixed = RULES - {"senses", "forms"}
    assert expected in translate_line(chinese, rules=fixed)
    assert expected not in translate_line(chinese, rules=fixed - {rule})


def test_chinese_numerals_are_read_whole() -> None:
    assert [parse_chinese_number(n) for n in ("十九", "两千三百", "一万", "三十五万", "一千零五", "十二亿五千万")] == [
        19, 2300, 10_000, 350_000, 1005, 1_250_000_000,
    ]
    assert parse_chinese_number("万") is None
    assert translate_line("第一个") == "First"  # small ordinals stay words
    assert "19th National Congress" in translate_line("党的十九大")  # the glossary wins over the number


def test_plural_and_participle_spelling() -> None:
    assert [plural(w) for w in ("reporter", "company", "bus", "child", "press officer")] == [
        "reporters", "companies", "bus", "children", "press officers",
    ]
    assert [participle(w) for w in ("kill", "arrest", "use", "carry", "take", "hold up")] == [
        "killed", "arrested", "used", "carried", "taken", "held up",
    ]


# --------------------------------------------------------------------------
# As a component of the brief
# --------------------------------------------------------------------------


def test_deterministic_and_line_shaped() -> None:
    line = "美国商务部10日宣布，将英伟达的两款芯片列入出口管制清单。"
    assert gist(line) == gist(line)
    assert "\n" not in gist(line) and gist(line)[0].isupper()
    assert gist("") == ""


def test_fast_enough_for_a_brief() -> None:
    # A brief glosses ~25 points and ~20 titles; after the dictionaries load
    # (first call) that must stay well under a tenth of a second.
    lines = [f"外交部发言人郭嘉昆{n}日表示，荷兰队在比赛中获胜，苏齐芳的公司被收购。" for n in range(1, 46)]
    gist(lines[0])
    started = time.perf_counter()
    for line in lines:
        gist(line)
    assert time.perf_counter() - started < 0.5


def test_glossary_lists_terms_a_rule_touched() -> None:
    # "the export controls": the article rule changed the English, the term is still the term.
    line = "美国商务部对出口管制进行了修改"
    assert "the export controls" in gist(line)
    assert ("出口管制", "export controls") in glossary_terms([line])
