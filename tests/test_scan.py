"""spin_score's fast path (textfix/scan.py): the fluency loop on both paths, the scan's verdicts,
when the full pass is used instead, and the science check it shares with the full pass."""
from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textfix
from textfix import pipeline, scan, science, scoring
from textfix.config import Config
from textfix.tables import iter_rows, load_table
from textfix.tokens import tokenize

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = ("The minister said on Monday that the government would publish its plans for the rail network "
         "next year. Critics said the proposals did not go far enough, and the opposition called for a vote.")

compiled = pytest.mark.skipif(not scoring.compiled_available(),
                              reason="textfix._fastlm not built (no C compiler) or TEXTFIX_PURE=1")


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))] + [
        CLEAN, "“Quoted words,” she said. \"More here.\"\n\nA new paragraph … and Names In Caps", "", "!!", "a"]


@compiled
def test_fluency_matches_pure():
    fast, pure = scoring.TrigramScorer(compiled=True), scoring.TrigramScorer(compiled=False)
    for text in _texts():
        toks = scan.TOKEN.findall(text)
        vocab = [pure.vocab_form(t.lower().replace("’", "'")) for t in toks]
        assert fast.fluency(toks, vocab, -3.0, "<s>") == pure.fluency(toks, vocab, -3.0, "<s>")


def test_fluency_flags():
    sc = scoring.get_scorer("trigram")
    toks = scan.TOKEN.findall("He met Ann. “Go,” she said.\n\nThe end")
    vocab = [sc.vocab_form(t.lower()) for t in toks]
    flags = dict(zip(toks, sc.fluency(toks, vocab, -3.0, "<s>")[-1]))
    assert flags["He"] & scoring.FLAG_BOS and not flags["He"] & scoring.FLAG_NAME
    assert flags["Ann"] & scoring.FLAG_NAME and not flags["met"] & scoring.FLAG_CHUNK
    assert flags["Go"] & scoring.FLAG_QUOTE and not flags["she"] & scoring.FLAG_QUOTE
    assert flags["The"] & scoring.FLAG_BOS and flags["."] == 0


def test_scan_verdicts(kim, shoigu):
    cfg = Config()
    assert scan.scan_score(CLEAN, cfg) < 0.5
    assert textfix.spin_score(CLEAN) < 0.2
    for text in (kim, shoigu):
        assert scan.scan_score(text, cfg) > 0.95
        assert textfix.spin_score(text) > 0.95


def test_full_pass_where_the_scan_does_not_judge(kim, monkeypatch):
    calls = []
    real = pipeline._documents

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_documents", spy)
    textfix.spin_score(kim)
    assert not calls  # the scan judged it
    textfix.spin_score(kim, domains="science")  # the tortured-phrase evidence needs the full pass
    assert len(calls) == 1
    textfix.spin_score(kim, tables=("thesaurus",))  # no curated table
    assert len(calls) == 2
    textfix.spin_score(kim, profile=textfix.learn([kim]))  # a profile's channel evidence
    assert len(calls) == 3


def test_long_text_in_parts(kim):
    # a long text is scanned in parts, as the full pass judges it: clean parts after spun ones
    clean = "\n\n".join([CLEAN] * 40)
    assert len(kim) + len(clean) >= pipeline.LONG_TEXT
    mixed = kim + "\n\n" + clean
    assert scan.scan_score(mixed, Config()) > 0.99  # as one document
    full = pipeline._verdict(pipeline._documents(mixed, Config(), {}, None))[0]
    assert 0.3 < full < 0.7  # two runs: the spun article and the clean text
    assert textfix.spin_score(mixed) == pytest.approx(full, abs=0.01)


def _old_domain_evidence(words: list[str]) -> tuple[int, int, int]:
    """science.domain_evidence as it was (a loop over words and lengths), the reference."""
    grams, spun, longest, firsts = science._domain_terms()
    hits = 0
    found: set[str] = set()
    for i, first in enumerate(words):
        if first not in firsts:
            continue
        for n in range(1, max(longest, 3) + 1):
            if i + n > len(words):
                break
            g = " ".join(words[i:i + n])
            if n in (2, 3) and g in grams:
                hits += 1
            if spun.get(g) is False:
                found.add(g)
    return len(found), hits, len(words)


def test_domain_evidence_as_before():
    rows = list(iter_rows(load_table("tortured")))
    rng = random.Random(3)
    texts = _texts()
    for _ in range(40):
        texts.append(" ".join(f"In this study the {rng.choice(r[:2])} was measured again." for r in
                              rng.sample(rows, rng.randint(1, 30))))
    seen_science = False
    for text in texts:
        words = [t.norm for t in tokenize(text) if t.is_word and t.fixed is None]
        assert science.domain_evidence_words(words) == _old_domain_evidence(words)
        seen_science |= science.is_science_words(words)
    assert seen_science


# -- the compiled scan (_fastlm.LM.scan, _fastlm.phrases) against the pure-Python one -------------

_TRICKY = "aAbZé’'_\n \t.,“”\"!?…1２٣ǅİßΣx\u00a0\u3000\u2028\x1c-"


def _varied_texts() -> list[str]:
    rng = random.Random(7)
    texts = _texts() + ["İstanbul’S CAFÉ don’t x_y 3’4 ÆØ STRAßE ǅ", "rock'n'roll ’tis 'quoted' \u2028 \x1c x\u00a0y",
                        "A\n \n\nB\n\n\n", "\n", "’", "a’", "a’b’", "ΣΑΣ ΟΔΟΣ"]
    for _ in range(300):
        texts.append("".join(rng.choice(_TRICKY) for _ in range(rng.randint(0, 30))))
    return texts


@compiled
def test_scan_pass_matches_pure():
    fast, pure = scoring.TrigramScorer(compiled=True), scoring.TrigramScorer(compiled=False)
    for text in _varied_texts():
        for sci in (True, False):
            assert fast.scan(text, -3.0, "<s>", sci) == pure.scan(text, -3.0, "<s>", sci), (text, sci)


@compiled
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_scan_pass_matches_pure_on_any_text(text):
    fast, pure = _both_scorers()
    assert fast.scan(text, -3.0, "<s>", True) == pure.scan(text, -3.0, "<s>", True)


@functools.cache
def _both_scorers() -> tuple:
    return scoring.TrigramScorer(compiled=True), scoring.TrigramScorer(compiled=False)


@compiled
def test_phrases_as_the_automaton_finds_them():
    """_fastlm.phrases over the curated index finds what the Aho-Corasick pass finds."""
    cur = scan._curated(Config().tables)
    sc = scoring.get_scorer("trigram")
    n = 0
    for text in _varied_texts() + ["a uncommon journey final week , the final 12 months", "final 12 months"]:
        lows = sc.scan(text, -3.0, "<s>", False)[1]
        fast = scan._matches(cur, lows, True)
        pure = scan._matches(cur, lows, False)
        assert sorted(fast, key=lambda m: (m.i, m.j)) == sorted(pure, key=lambda m: (m.i, m.j))
        n += len(fast)
    assert n > 50
    with pytest.raises(TypeError):
        scoring._fastlm_module().phrases(("a",), {})
    assert scoring._fastlm_module().phrases(["a", "b", "a"], {"a": (((), 1), (("b",), 2))}) == [(0, 1), (0, 2), (2, 1)]


@compiled
def test_scan_evidence_same_on_both_paths(monkeypatch):
    cfg = Config()
    texts = _varied_texts()
    fast = [scan.scan_evidence(t, cfg) for t in texts]
    science_fast = [science.domain_evidence_words(t.lower().split()) for t in texts]
    monkeypatch.setenv("TEXTFIX_PURE", "1")
    scoring.get_scorer.cache_clear()
    try:
        assert not scoring.get_scorer("trigram").compiled
        assert [scan.scan_evidence(t, cfg) for t in texts] == fast
        assert [science.domain_evidence_words(t.lower().split()) for t in texts] == science_fast
    finally:
        monkeypatch.undo()
        scoring.get_scorer.cache_clear()


def test_sure_spun_is_off_by_default(monkeypatch):
    import dataclasses

    ev = scan.scan_evidence(CLEAN, Config())
    doubtful = dataclasses.replace(ev, score=0.6, dense_score=0.6, edit_score=0.6, dense_edit_score=0.6)
    assert scan.SURE_SPUN is None and not scan.decided(doubtful)
    monkeypatch.setattr(scan, "SURE_SPUN", 0.5)
    assert scan.decided(doubtful) and not scan.decided(doubtful, "edit_score")
    assert not scan.decided(dataclasses.replace(doubtful, score=0.4, dense_score=0.4))


def test_clean_text_is_passed_by_the_scan(monkeypatch):
    # text the scan is sure is clean comes back without the full pass (which would edit nothing),
    # with the scan's spin score
    import textfix.pipeline as pipeline
    from test_profile import CLEAN

    from textfix.config import resolve_config

    full = pipeline._full_score(CLEAN, resolve_config(None, {}), None)  # the full pass's score
    assert textfix.restore(CLEAN) == CLEAN

    def no_full_pass(*args, **kwargs):
        raise AssertionError("the full pass ran")

    monkeypatch.setattr(pipeline, "_decide", no_full_pass)
    r = textfix.explain(CLEAN)
    assert r.text == CLEAN and r.edits == () and r.notes == ()
    assert abs(r.spin_score - full) <= 0.01 and r.spin_score == textfix.spin_score(CLEAN)
    # spun text, a profile, a fingerprint table: the full pass decides
    for call in (lambda: textfix.restore("A uncommon journey by Russia’s protection minister final week."),
                 lambda: textfix.restore(CLEAN, profile=textfix.Profile([], 0.0, 0.02, {})),
                 lambda: textfix.restore(CLEAN, tables=("phrases", "tortured"))):
        with pytest.raises(AssertionError, match="full pass"):
            call()
