"""The two real spun articles (tests/fixtures, copied from shared/examples): the project's seeds."""
from __future__ import annotations

import pytest
import regex

import textfix

_QUOTED = regex.compile(r"“[^”\n]*”?")


@pytest.fixture(scope="module")
def restored_shoigu(shoigu):
    return textfix.explain(shoigu)


@pytest.fixture(scope="module")
def restored_kim(kim):
    return textfix.explain(kim)


@pytest.mark.parametrize("phrase", [
    "A rare trip by Russia’s defense minister to North Korea last week",
    "Patrick S. Ryder told reporters",
    "the first visit to North Korea by a Russian defense minister",
    "late last month",
    # "1000’s" mixes digits and letters: still a table match. (Its verb, the spinner's "offered",
    # has the family's "sold" (5 of 6 times on its real pages) against the seed's "provided", and
    # the context cannot tell them apart: it stays "offered".)
    "thousands of fighters to supplement",
])
def test_shoigu_phrases_restored(restored_shoigu, phrase):
    assert phrase in restored_shoigu.text


@pytest.mark.parametrize("phrase", [
    "a rare trip to Russia",
    "according to state media",
    "the first five months of this year",
    "a think tank affiliated with",
    "military spy satellite into orbit",
    "analysts said",
])
def test_kim_phrases_restored(restored_kim, phrase):
    assert phrase in restored_kim.text


@pytest.mark.parametrize("phrase", ["a rare trip by Russia’s defense minister", "told reporters", "last year",
                                    "military satellite", "according to state media", "the first visit"])
def test_issue_phrases_restored(restored_kim, restored_shoigu, phrase):
    both = (restored_kim.text + "\n" + restored_shoigu.text).lower()
    assert phrase.lower() in both


def test_config_is_keyword_only():
    with pytest.raises(TypeError):
        textfix.restore("text", textfix.Config())  # type: ignore[misc]


def test_examples_look_spun(restored_kim, restored_shoigu):
    assert restored_kim.spin_score > 0.95
    assert restored_shoigu.spin_score > 0.95


def _assert_only_edits_differ(text: str, result) -> None:
    # walk the input: every stretch between edits must appear unchanged, in order, in the output
    assert textfix.apply_edits(text, result.edits) == result.text
    pos_in = pos_out = 0
    for e in result.edits:
        gap = text[pos_in:e.start]
        assert result.text[pos_out:pos_out + len(gap)] == gap
        pos_out += len(gap)
        assert result.text[pos_out:pos_out + len(e.original)] == e.original
        pos_out += len(e.original)
        pos_in = e.end
    assert result.text[pos_out:] == text[pos_in:]
    # and the edits are small: none longer than a phrase
    assert all(len(e.spun.split()) <= 6 for e in result.edits)


def test_only_edited_spans_change(kim, shoigu, restored_kim, restored_shoigu):
    _assert_only_edits_differ(kim, restored_kim)
    _assert_only_edits_differ(shoigu, restored_shoigu)


def test_quotes_and_names_untouched(kim, shoigu, restored_kim, restored_shoigu):
    for text, res in ((kim, restored_kim), (shoigu, restored_shoigu)):
        for m in _QUOTED.finditer(text):
            assert not any(e.start < m.end() and e.end > m.start() for e in res.edits), m.group()
        for name in ("Defense Minister Sergei Shoigu", "Kim Jong-un", "Washington Times", "Li Hongzhong",
                     "Communist Party", "National Intelligence Service"):
            if name in text:
                assert name in res.text


def test_lines_and_layout_kept(kim, shoigu, restored_kim, restored_shoigu):
    for text, res in ((kim, restored_kim), (shoigu, restored_shoigu)):
        assert res.text.count("\n") == text.count("\n")
        assert res.text.splitlines()[0][:5] == text.splitlines()[0][:5]


def test_examples_idempotent(restored_kim, restored_shoigu):
    for res in (restored_kim, restored_shoigu):
        assert textfix.restore(res.text) == res.text


def test_edit_sources_and_confidence(restored_shoigu):
    assert restored_shoigu.edits
    for e in restored_shoigu.edits:
        assert 0.5 <= e.confidence <= 1.0
        assert e.source.split(":")[0] in ("phrases", "family", "thesaurus", "rule")
        assert e.reason
