"""The learned spinner model: textfix.learn, Profile files, and restoring with a profile."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

import textfix
from textfix import Profile, TableError
from textfix.channel import Counts, estimate

FIXTURES = Path(__file__).parent / "fixtures"
SPUN = [(FIXTURES / n).read_text(encoding="utf-8") for n in ("spun-nyt-kim.txt", "spun-wt-shoigu.txt")]

# our own clean prose (news-like, many common words, "said" throughout)
CLEAN = """The council said on Tuesday that the new bridge would open next spring, a year later than planned.

Engineers found cracks in two of the supports last month, the council's transport director said. "We would
rather be late than sorry," she told reporters. The work will cost about four million pounds more than the
first estimate, and the contractor has agreed to pay part of it.

Local businesses said the delay had hurt trade. One shop owner said customers had stopped coming into town
since the old bridge was closed in March. The council said it would look at ways to help them, including
lower parking charges during the work.
"""


@pytest.fixture(scope="module")
def site() -> Profile:
    return textfix.learn(SPUN)


def test_learns_the_common_spins_of_two_articles(site):
    pairs = {(" ".join(e.spun), " ".join(e.original)) for e in site}
    assert ("mentioned", "said") in pairs      # "said" is gone from both bodies, "mentioned" everywhere
    e = next(e for e in site if e.spun == ("mentioned",))
    assert e.observed == 0 and e.seen >= 10 and e.weight > 0.5
    assert site.spun_share > 0.5


def test_counts_merge_like_one_pass():
    one = Counts()
    for t in SPUN:
        one.add(t)
    merged = Counts().add(SPUN[0]) + Counts().add(SPUN[1])
    assert merged.counts == one.counts and merged.words == one.words
    assert estimate(merged).entries == estimate(one).entries


def test_saved_profile_reproduces_the_edits(site, tmp_path):
    path = tmp_path / "site.profile.tsv"
    site.save(path)
    back = Profile.load(path)
    assert back.entries == site.entries
    assert back.spun_share == pytest.approx(site.spun_share, abs=1e-4)
    for text in SPUN:
        a, b = textfix.explain(text, profile=site), textfix.explain(text, profile=back)
        assert a.edits == b.edits
        assert textfix.apply_edits(text, a.edits) == a.text


def test_a_pickled_profile_carries_its_entries_not_its_lookups(site):
    """What goes to a worker (Dask, Spark) is the entries only: a profile in use, its look-ups
    built, pickles to the same bytes as one never used (a worker pickled a half-built look-up for
    another worker while its own task was building it, and that worker restored differently)."""
    import pickle

    fresh = pickle.loads(pickle.dumps(site))
    textfix.explain(SPUN[1], profile=site)  # builds its table, count and verdict look-ups
    assert site._llr is not None and site._table is not None
    assert pickle.dumps(site) == pickle.dumps(fresh)
    copy = pickle.loads(pickle.dumps(site))
    assert copy._llr is None and copy._table is None and copy.entries == site.entries
    assert textfix.explain(SPUN[0], profile=copy).edits == textfix.explain(SPUN[0], profile=site).edits


@pytest.mark.parametrize("phrase", ["A rare trip by Russia’s defense minister", "told reporters", "analysts said",
                                    "according to state media"])
def test_the_sites_profile_restores_the_examples(site, phrase):
    both = "\n".join(textfix.restore(t, profile=site) for t in SPUN)
    assert phrase in both
    assert both.count(" mentioned") < sum(t.count(" mentioned") for t in SPUN) / 2  # most "mentioned"s are "said" again


def test_clean_text_unchanged_with_a_spun_sites_profile(site):
    # a clean article of a mixed folder keeps its "said"s: the channel evidence says it is clean
    assert textfix.restore(CLEAN, profile=site) == CLEAN
    assert textfix.spin_score(CLEAN, profile=site) < 0.5


def test_learning_from_clean_text_changes_nothing():
    p = textfix.learn([CLEAN, CLEAN.replace("bridge", "tunnel")])
    assert len(p) == 0 and "nothing learned" in p.meta["note"]  # too few words to learn from
    assert textfix.restore(CLEAN, profile=p) == CLEAN
    texts = [CLEAN.replace("bridge", w) for w in ("tunnel", "road", "station", "museum", "school", "pool",
                                                     "library", "hospital", "market", "stadium")]
    p = textfix.learn(texts)
    for t in texts:
        assert textfix.restore(t, profile=p) == t


def test_learn_takes_one_text_or_an_iterable():
    assert isinstance(textfix.learn(SPUN[0]), Profile)
    assert isinstance(textfix.learn(iter(SPUN)), Profile)
    with pytest.raises(TypeError, match="decode"):
        textfix.learn([b"bytes"])
    with pytest.raises(ValueError, match="candidate source"):
        textfix.learn(SPUN, sources=("wikipedia",))


def test_profile_argument_checked():
    with pytest.raises(TypeError, match="Profile"):
        textfix.restore("text", profile="site.tsv")  # type: ignore[arg-type]


HEADER = ("# textfix-profile 1\n# name: site\n# version: 1\n# source: test\n# licence: MIT\n"
          "spun\toriginal\tweight\tbelief\tprior\tseen\texpected_spun\tobserved\texpected\tgain\tsource\n")


@pytest.mark.parametrize("body, message", [
    ("mentioned\tsaid\t1.5\t0.9\t0.3\t3\t0.1\t0\t2\t1\tlearned\n", r"p\.tsv:7: weight '1\.5' is not in \[0, 1\]"),
    ("mentioned\tsaid\t0.5\t0.9\t3\n", r"p\.tsv:7: expected 11 tab-separated fields, found 5"),
    ("Mentioned\tsaid\t0.5\t0.9\t0.3\t3\t0.1\t0\t2\t1\tlearned\n", r"p\.tsv:7: spun 'Mentioned'"),
    ("said\tsaid\t0.5\t0.9\t0.3\t3\t0.1\t0\t2\t1\tlearned\n", r"p\.tsv:7: 'said' maps to itself"),
    ("mentioned\tsaid\t0.5\t0.9\t0.3\t3\t0.1\t0\t2\tx\tlearned\n", r"p\.tsv:7: gain 'x' is not a number"),
])
def test_bad_rows_name_file_and_line(tmp_path, body, message):
    path = tmp_path / "p.tsv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(TableError, match=message):
        Profile.load(path)


def test_bad_header(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("spun\toriginal\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"p\.tsv:1: first line"):
        Profile.load(path)
    with pytest.raises(FileNotFoundError, match="no profile"):
        Profile.load(tmp_path / "missing.tsv")


def test_hand_edited_profile_is_used(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text(HEADER.replace("# licence: MIT\n", "# licence: MIT\n# spun-share: 0.99\n")
                    + "mentioned\tsaid\t0.95\t0.99\t0.3\t30\t1\t0\t40\t1.5\tedited\n", encoding="utf-8")
    p = Profile.load(path)
    text = SPUN[0]
    out = textfix.explain(text, profile=p)
    assert any(e.source == "profile:edited" and e.original.lower() == "said" for e in out.edits)


def test_count_model_recovers_a_simulated_dictionary():
    """The count mixture behind the missing-word evidence: words of a simulated folder, a known
    share of them replaced (kept 1% of the time), the rest Poisson-gamma around wordfreq-like
    expectations; the fit finds that share."""
    import random

    from textfix.channel import _fit_counts, _missing

    rng = random.Random(7)
    pairs, truth = [], []
    for _ in range(3000):
        e = math.exp(rng.uniform(math.log(2), math.log(200)))
        replaced = rng.random() < 0.15
        mean = e * (0.01 if replaced else rng.gammavariate(2.0, 0.5))
        c = _poisson(rng, mean)
        pairs.append((c, e))
        truth.append(replaced)
    pi, eps, k = _fit_counts(pairs)
    # (the share comes out high: normal words at a fraction of their expectation look like survivors)
    assert 0.1 < pi < 0.3 and eps < 0.05
    # and the per-word evidence separates them
    flagged = [_missing(c, e, eps, k) > 1.0 for c, e in pairs]
    hits = sum(f and t for f, t in zip(flagged, truth))
    assert hits / max(1, sum(flagged)) > 0.85 and hits / sum(truth) > 0.6


def _poisson(rng, mean: float) -> int:
    # Knuth for small means, a normal approximation for large ones
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def test_counts_stay_bounded():
    from textfix.channel import CONTEXTS

    c = Counts()
    for _ in range(30):
        c.add(SPUN[0])
    assert max(len(v) for v in c.contexts.values()) <= CONTEXTS
    assert c.docs == 30 and c.counts["mentioned"] == 30 * Counts().add(SPUN[0]).counts["mentioned"]


FAMILY_SPUN = ("The retailer filed for chapter safety on Monday. The company mentioned it would close 200 shops, "
               "and its chief govt stated the bankruptcy court docket must approve the plan. Final yr the company "
               "mentioned gross sales fell.")


@pytest.mark.parametrize("agreement, want", [(None, "200 shops"), ("0", "200 shops"), ("1", "200 stores")])
def test_a_profile_of_the_family_keeps_the_familys_channel(agreement, want):
    # a profile whose texts rejected the family's "shops" -> "stores" (belief 1e-4 against the prior
    # 0.3): it holds unless the texts learned from were the family's own (family-agreement 1), where
    # the family table's measured weight stands
    from textfix.profile import Entry
    e = Entry(("shops",), ("stores",), 0.0, 1e-4, 0.3, 40, 1.0, 0, 2.0, -1.0, "learned:family")
    p = Profile([e], 0.5, 0.02, {} if agreement is None else {"family-agreement": agreement})
    assert p.family_agreement == (0.0 if agreement is None else float(agreement))
    out = textfix.restore(FAMILY_SPUN, profile=p)
    assert want in out and "bankruptcy protection" in out
    assert "200 stores" in textfix.restore(FAMILY_SPUN)  # no profile: the table's row


def test_family_agreement_is_learned():
    # the two seed articles are of the family, but too short to confirm many of its pairs
    assert 0.0 < textfix.learn(SPUN).family_agreement < 1.0
    assert textfix.learn([CLEAN]).family_agreement == 0.0  # nothing learned from 150 words


def test_profile_rows_that_shadow_the_familys_keep_its_rate():
    # a folder profile re-weighs the family's strongest rows ("stated", "mentioned", "chapter", "yr"):
    # each then stands in the family row's place, but still counts for the family's rate, so the
    # family's other rows ("shops" -> "stores") are decided as surely as without a profile
    from textfix.profile import Entry
    rows = [(("stated",), ("said",)), (("mentioned",), ("said",)), (("chapter",), ("bankruptcy",)), (("yr",), ("year",))]
    p = Profile([Entry(s, o, 0.93, 0.95, 0.12, 40, 1.0, 0, 10.0, 1.2, "learned:family") for s, o in rows],
                0.9, 0.02, {"family-agreement": "1"})

    def shops(**kw: object) -> float:
        return next(e.confidence for e in textfix.explain(FAMILY_SPUN, **kw).edits if e.spun == "shops")
    assert shops(profile=p) >= shops() - 0.05
