"""--new-only state: fingerprints of published points, saved atomically."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from briefing.errors import BriefingError
from briefing.models import Point, Sentence, Source
from briefing.state import PublishedState, fingerprint


def point(text, path="a.txt"):
    sentence = Sentence(text=text, norm=text, source=Source(path=path, title="t"), paragraph=0, position=0,
                        start=0, end=len(text))
    return Point(sentence=sentence, score=1.0, occurrences=[sentence])


def test_fingerprint_ignores_punctuation_width_and_case():
    assert fingerprint("美国商务部宣布新规，涉及AI芯片。") == fingerprint("美国商务部宣布新规, 涉及ai芯片.")
    assert fingerprint("美国商务部宣布新规。") != fingerprint("美国商务部撤销新规。")


def test_round_trip_and_new_points(tmp_path):
    path = tmp_path / "state.json"
    state = PublishedState.load(path)
    old, new = point("中美举行人工智能对话。"), point("英伟达发布新芯片。")
    assert state.is_new(old)
    state.record([old], dt.date(2024, 5, 22))
    state.save()
    again = PublishedState.load(path)
    assert not again.is_new(old)
    assert again.is_new(new)
    assert list(json.loads(path.read_text())["published"].values()) == ["2024-05-22"]


def test_a_repeat_from_another_outlet_is_not_new(tmp_path):
    state = PublishedState(tmp_path / "s.json")
    state.record([point("中美举行人工智能对话。", "a.txt")], dt.date(2024, 5, 22))
    assert not state.is_new(point("中美举行人工智能对话!", "b.txt"))


def test_corrupt_state_is_a_clear_error(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BriefingError, match="cannot read the state file"):
        PublishedState.load(path)


def test_save_leaves_no_temporary_files(tmp_path):
    state = PublishedState(tmp_path / "state.json")
    state.record([point("一句话。")], dt.date(2024, 1, 1))
    state.save()
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
