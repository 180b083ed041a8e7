"""Hypothesis properties of restore/explain on arbitrary and on table-heavy text."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textfix
from textfix.tables import lexicon

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# words the tables know (as spinner outputs) mixed with glue, punctuation, quotes and names
_TABLE_WORDS = ["final", "12", "months", "uncommon", "journey", "mentioned", "protection", "minister",
                "army", "conflict", "packages", "informed", "reporters", "a", "an", "necessary", "the",
                "based", "on", "state", "media", "satellite", "tv", "for", "pc", "assume", "tank", "in",
                "opposition", "to", "has", "did", "not", "win", "week", "last", "year", "said", "Mr.",
                "Kim", "Russia’s", "officers", "chief", "extra", "within", "nation’s", "1000’s"]
_GLUE = [" ", " ", " ", ", ", ". ", "\n", "\r\n", " “", "” ", ' "', '" ', " — ", "'s ", "  ", "\t"]

tabley = st.lists(st.tuples(st.sampled_from(_TABLE_WORDS), st.sampled_from(_GLUE)), max_size=60).map(
    lambda pairs: "".join(w + g for w, g in pairs))
anytext = st.one_of(st.text(max_size=300), tabley,
                    st.lists(st.sampled_from(list("aeioubcdfgt '’\"“”.,\n\r-") + ["final ", "12 months"]),
                            max_size=100).map("".join))


def _check_edits(text: str, r: textfix.Explanation) -> None:
    prev_end = 0
    for e in r.edits:
        assert 0 <= e.start < e.end <= len(text)
        assert e.start >= prev_end
        assert e.spun == text[e.start:e.end]
        assert e.original != e.spun
        assert 0.0 <= e.confidence <= 1.0
        prev_end = e.end
    assert textfix.apply_edits(text, r.edits) == r.text


@SETTINGS
@given(anytext)
def test_any_text_gives_consistent_edits(text):
    r = textfix.explain(text)
    _check_edits(text, r)
    assert 0.0 <= r.spin_score <= 1.0
    assert textfix.restore(text) == r.text
    # line structure is kept
    assert r.text.count("\n") == text.count("\n")


@SETTINGS
@given(tabley)
def test_idempotent(text):
    once = textfix.restore(text)
    assert textfix.restore(once) == once


@SETTINGS
@given(tabley)
def test_idempotent_without_gating(text):
    once = textfix.restore(text, document_gating=False)
    assert textfix.restore(once, document_gating=False) == once


def _unknown_words():
    def known(w: str) -> bool:
        return w in lexicon(("phrases", "thesaurus")).first_words

    return st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=2, max_size=9).filter(lambda w: not known(w))


@SETTINGS
@given(st.lists(st.tuples(_unknown_words(), st.sampled_from(_GLUE)), max_size=40))
def test_words_no_table_knows_are_untouched(pairs):
    text = "".join(w + g for w, g in pairs)
    r = textfix.explain(text)
    assert r.text == text and r.edits == ()


@st.composite
def _text_and_edits(draw):
    text = draw(st.text(alphabet="abc xyz", min_size=0, max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    edits = []
    for s, e in zip(cuts[::2], cuts[1::2]):
        if s < e:
            edits.append(textfix.Edit(s, e, text[s:e], draw(st.text(alphabet="ABC ", min_size=1, max_size=5)),
                                      0.9, "t"))
    return text, edits


@SETTINGS
@given(_text_and_edits(), st.data())
def test_composed_edits_equal_applying_both(first, data):
    from textfix.edits import compose_edits

    t0, e1 = first
    t1 = textfix.apply_edits(t0, e1)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(t1)), max_size=8, unique=True)))
    e2 = [textfix.Edit(s, e, t1[s:e], data.draw(st.text(alphabet="pq", min_size=1, max_size=4)), 0.8, "u")
          for s, e in zip(cuts[::2], cuts[1::2]) if s < e]
    t2 = textfix.apply_edits(t1, e2)
    composed = compose_edits(t0, e1, t1, e2)
    assert textfix.apply_edits(t0, composed) == t2


_PHRASES = ["for the reason that", "final 12 months", "in opposition to", "based on state media",
            "satellite tv for pc", "a great deal of", "has did not win", "brand new", "financial system"]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(_PHRASES), st.sampled_from([" ", "\n", "\r\n", "  ", "\t"]),
                          st.sampled_from(_GLUE)), min_size=1, max_size=12))
def test_line_breaks_survive_phrases_split_across_lines(parts):
    filler = "The protection minister informed reporters the army mentioned the conflict. "
    text = filler + "".join(p.replace(" ", inner) + g for p, inner, g in parts) + filler
    r = textfix.explain(text)
    assert r.text.count("\n") == text.count("\n")
    assert r.text.count("\r") == text.count("\r")
    assert textfix.restore(r.text) == r.text
