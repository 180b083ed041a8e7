"""Offline thesauri as candidate sources (textfix.thesauri) and as sources of textfix.learn."""
from __future__ import annotations

import pytest

import textfix
from textfix import thesauri
from textfix.channel import _candidates
from textfix.tables import load_table

from test_profile import CLEAN, SPUN

needs_debian = pytest.mark.skipif(
    not (thesauri.available("mythes") and thesauri.available("wordnet")),
    reason="the Debian thesauri are not installed: apt-get install --no-install-recommends mythes-en-us wordnet-base")


def test_moby_is_the_shipped_table():
    want = [c.words[0] for c in load_table("thesaurus").get(("crevices",)) if len(c.words) == 1]
    assert list(thesauri.originals("crevices", "moby")) == [w for w in dict.fromkeys(want) if w != "crevices"]
    assert thesauri.available("moby")


def test_unknown_thesaurus_is_an_error():
    with pytest.raises(ValueError, match="unknown thesaurus"):
        thesauri.originals("bridge", "roget")


@needs_debian
@pytest.mark.parametrize("source", ["mythes", "wordnet", "merged"])
def test_candidates_keep_the_spun_words_inflection(source):
    # "woodlands" is a plural noun: its candidates are plural nouns too
    got = thesauri.originals("woodlands", source)
    assert "forests" in got and "forest" not in got and "woodlands" not in got


@needs_debian
def test_debian_thesauri_reach_what_moby_does_not_list():
    # a spinner's "crevices" for "cracks": the pruned Moby table has no row for it
    assert "cracks" not in thesauri.originals("crevices", "moby")
    for source in ("mythes", "wordnet"):
        assert (("cracks",), source) in _candidates("crevices", (source,))
        assert not any(src == source for _, src in _candidates("crevices", ("moby",)))


@needs_debian
def test_learning_with_every_thesaurus():
    p = textfix.learn(SPUN, sources=("phrases", "family", "moby", "mythes", "wordnet"))
    assert "mythes, wordnet" in p.meta["source"]
    assert ("mentioned", "said") in {(" ".join(e.spun), " ".join(e.original)) for e in p}
    # a folder of clean text learns nothing that changes it, whatever the sources
    texts = [CLEAN.replace("bridge", w) for w in ("tunnel", "road", "station", "museum", "school", "pool",
                                                     "library", "hospital", "market", "stadium")]
    p = textfix.learn(texts, sources=("phrases", "family", "moby", "mythes", "wordnet", "context"))
    for t in texts:
        assert textfix.restore(t, profile=p) == t


def test_a_missing_thesaurus_is_named(monkeypatch):
    from textfix import channel

    monkeypatch.setattr(thesauri, "MYTHES_DAT", thesauri.Path("/nonexistent/th_en_US_v2.dat"))
    monkeypatch.setattr(channel, "_WARNED", set())
    with pytest.warns(RuntimeWarning, match="mythes-en-us"):
        textfix.learn(SPUN, sources=("phrases", "mythes"))
