"""The compiled scoring loop (textfix/_fastlm.c) against the pure-Python one: the same floats.

The compiled module is built at install time when a C compiler is there. CI sets
TEXTFIX_REQUIRE_COMPILED=1 on its compiled run (so a build that silently fell back fails here) and
runs the suite again with TEXTFIX_PURE=1 (the fallback path).
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from textfix import scoring
from textfix.tokens import tokenize

FIXTURES = Path(__file__).parent / "fixtures"

compiled = pytest.mark.skipif(not scoring.compiled_available(),
                              reason="textfix._fastlm not built (no C compiler) or TEXTFIX_PURE=1")


def test_compiled_present_when_required():
    if os.environ.get("TEXTFIX_REQUIRE_COMPILED", "") in ("", "0"):
        pytest.skip("TEXTFIX_REQUIRE_COMPILED not set")
    assert scoring.compiled_available(), "the compiled scoring loop was required but did not build or import"
    assert scoring.get_scorer("trigram").compiled


def test_pure_env_turns_it_off(monkeypatch):
    monkeypatch.setenv("TEXTFIX_PURE", "1")
    assert not scoring.compiled_available()
    with pytest.raises(RuntimeError):
        scoring.TrigramScorer(compiled=True)


@pytest.fixture(scope="module")
def both():
    return scoring.TrigramScorer(compiled=True), scoring.TrigramScorer(compiled=False)


def _fixture_words() -> list[str | None]:
    sc = scoring.get_scorer("trigram")
    words: list[str | None] = []
    for p in sorted(FIXTURES.glob("*.txt")):
        words.extend(sc.vocab_form(t.norm) for t in tokenize(p.read_text(encoding="utf-8")))
    return words


@compiled
def test_logp_matches_pure(both):
    fast, pure = both
    vocab = ["the", "minister", "said", "<s>", "</s>", "rare", "uncommon", "journey", "zzqx", "a", None]
    for w, p1, p2 in itertools.product(vocab, repeat=3):
        assert fast.logp(w, p1, p2) == pure.logp(w, p1, p2), (w, p1, p2)
        assert fast.unigram(w) == pure.unigram(w), w
    assert fast.logp("zzqx") < -50.0   # out of vocabulary: pocketsphinx's log-zero, as the pure path
    assert fast.vocab_form("zzqx") is None and fast.vocab_form("12") == "twelve"


@compiled
def test_score_matches_pure_on_real_text(both):
    """Every 1-5 word window of the fixtures, after every history, with and without a sentence end."""
    fast, pure = both
    words = _fixture_words()
    assert len(words) > 1000 and None in words
    n = 0
    for k in range(0, len(words) - 5):
        for size in (1, 2, 5):
            seq = tuple(words[k:k + size])
            p2, p1 = (words[k - 2], words[k - 1]) if k >= 2 else (None, "<s>")
            for hist in ((p2, p1), (None, p1), (p2, None), (None, None)):
                for eos in (False, True):
                    assert fast.score(seq, *hist, eos) == pure.score(seq, *hist, eos), (seq, hist, eos)
                    n += 1
    assert n > 10_000
    assert fast.score([], "a", "b") == pure.score([], "a", "b") == (0.0, "a", "b")
    assert fast.score(["war"], None, None, True) == pure.score(["war"], None, None, True)


@compiled
def test_bad_words_raise(both):
    fast, _ = both
    with pytest.raises(TypeError):
        fast.score([1], None, None)
    with pytest.raises(TypeError):
        fast.score(["a"], None)
    with pytest.raises(TypeError):
        fast.logp(b"war")


def _explain_fixtures(pure: bool) -> list:
    env = dict(os.environ)
    env.pop("TEXTFIX_PURE", None)
    if pure:
        env["TEXTFIX_PURE"] = "1"
    code = ("import json, sys, textfix, textfix.scoring as s\n"
            "out = {'compiled': s.get_scorer('trigram').compiled, 'runs': []}\n"
            "for p in sys.argv[1:]:\n"
            "    r = textfix.explain(open(p, encoding='utf-8').read())\n"
            "    out['runs'].append([r.text, [[e.start, e.end, e.spun, e.original, e.confidence, e.source, e.reason] for e in r.edits], r.spin_score, list(r.notes)])\n"
            "print(json.dumps(out))\n")
    paths = [str(p) for p in sorted(FIXTURES.glob("spun-*.txt"))]
    done = subprocess.run([sys.executable, "-c", code, *paths], env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


@compiled
def test_restore_same_on_both_paths():
    fast, pure = _explain_fixtures(False), _explain_fixtures(True)
    assert fast["compiled"] and not pure["compiled"]
    assert fast["runs"] == pure["runs"]
    assert any(run[1] for run in fast["runs"])  # the fixtures are spun: there are edits to compare


@compiled
def test_gains_match_pure(both):
    """decode.candidate_gains's candidate loop: every candidate list of the lexicon's entries for
    the fixtures' words, before real right contexts, with and without a given base."""
    from textfix.decode import FREQ_DISCOUNT, LENGTH_COST
    from textfix.tables import lexicon

    fast, pure = both
    lex = lexicon(("phrases", "family", "thesaurus"))
    words = _fixture_words()
    n = 0
    for k in range(2, len(words) - 4, 5):
        spun = (words[k],)
        if spun[0] is None:
            continue
        cands = lex.lookup(spun)
        if not cands:
            continue
        heads = [tuple(pure.vocab_form(w) for w in c.words) for c, _ in cands]
        unis = [sum(pure.unigram(w) for w in h) if tb == "thesaurus" else None for h, (_, tb) in zip(heads, cands)]
        tail = tuple(words[k + 1:k + 3])
        for hist, eos in (((words[k - 2], words[k - 1]), False), ((None, "<s>"), True), ((None, None), False)):
            for base in (None, -7.25):
                got = fast.gains(heads, unis, spun, tail, *hist, eos, base, LENGTH_COST, FREQ_DISCOUNT)
                assert got == pure.gains(heads, unis, spun, tail, *hist, eos, base, LENGTH_COST, FREQ_DISCOUNT)
                n += 1
    assert n > 300
    assert fast.gains([], [], ("war",), (), None, None, False, None, 1.0, 0.7) == \
        pure.gains([], [], ("war",), (), None, None, False, None, 1.0, 0.7)
    with pytest.raises(ValueError):
        fast.gains([("war",)], [], ("war",), (), None, None, False, None, 1.0, 0.7)


@compiled
def test_stale_build_refused(monkeypatch, tmp_path):
    """A module built from another _fastlm.c than the one beside scoring.py is not used."""
    source = Path(scoring.__file__).with_name("_fastlm.c")
    import hashlib
    assert scoring._fastlm_module().SOURCE_SHA256 == hashlib.sha256(source.read_bytes()).hexdigest()
    (tmp_path / "_fastlm.c").write_text(source.read_text(encoding="utf-8") + "/* edited */\n", encoding="utf-8")
    monkeypatch.setattr(scoring, "__file__", str(tmp_path / "scoring.py"))
    scoring._fastlm_module.cache_clear()
    try:
        assert not scoring.compiled_available()
    finally:
        monkeypatch.undo()
        scoring._fastlm_module.cache_clear()
    assert scoring.compiled_available()


@compiled
def test_estimate_rate_matches_pure(monkeypatch):
    """detect.estimate_rate's EM loop in C (_fastlm.estimate_rate): the same floats as the Python
    loop (whose sums are Python's sum(): plain before 3.12, compensated from 3.12 on)."""
    import random

    from textfix import detect

    rng = random.Random(11)
    cases = [([], None), ([0.0], None), ([2.0], [1.0]), ([-9.0, 9.0, 0.0], [1.0, 2.0, 0.5]), ([1e-9] * 50, None)]
    for _ in range(3000):
        k = rng.randint(1, 50)
        gains = [rng.choice([rng.gauss(0.0, 2.0), rng.uniform(-10.0, 10.0), 0.0, 1.0, -7.0, 6.0]) for _ in range(k)]
        weights = None if rng.random() < 0.4 else [rng.choice([1.0, 2.5, 3.0, 0.5, rng.uniform(0.1, 5.0)])
                                                   for _ in range(k)]
        cases.append((gains, weights))
    fast = [detect.estimate_rate(g, w) for g, w in cases]
    fast_iters = [detect.estimate_rate(g, w, iters=3) for g, w in cases[:200]]
    monkeypatch.setattr(detect, "_compiled", lambda: None)
    assert [detect.estimate_rate(g, w) for g, w in cases] == fast
    assert [detect.estimate_rate(g, w, iters=3) for g, w in cases[:200]] == fast_iters
    # weights that do not pair up with the gains take the Python loop (zip's truncation)
    assert detect.estimate_rate([1.0, 2.0], [1.0]) == detect.estimate_rate([1.0, 2.0], (w for w in [1.0]))


@compiled
def test_document_sites_same_on_both_paths(monkeypatch):
    """_Doc's evidence sites (their gains from _fastlm.LM.site_gains on the compiled path, from
    candidate_gains on the pure one): the same sites, gains and evidence."""
    from textfix import pipeline
    from textfix.config import Config

    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    texts += ["A uncommon journey by Russia’s protection minister to North Korea final week.",
              "An necessary assembly was held, he mentioned. “The final 12 months were laborious,” she said."]

    def sites(cfg):
        out = []
        for t in texts:
            d = pipeline._Doc(t, cfg)
            out.append((d.evidence, sorted(d.gains.values()), [
                (s.gain, s.region, s.multiword_curated, s.article_tell, s.table, s.stands_for, s.occurrences,
                 s.match.i, s.match.j, s.match.spun, s.match.candidates) for s in d.sites]))
        return out

    cfg = Config()
    assert scoring.get_scorer("trigram").compiled
    fast = sites(cfg)
    assert sum(len(f[2]) for f in fast) > 50 and any(s[3] for f in fast for s in f[2])  # sites, an article tell
    monkeypatch.setenv("TEXTFIX_PURE", "1")
    scoring.get_scorer.cache_clear()
    try:
        assert not scoring.get_scorer("trigram").compiled
        assert sites(cfg) == fast
    finally:
        monkeypatch.undo()
        scoring.get_scorer.cache_clear()
