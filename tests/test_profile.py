"""The learned spinner model: textfix.learn, Profile files, and restoring with a profile."""
from __future__ import annotations

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


def test_profile_edits_more_than_the_tables_alone(site):
    text = SPUN[1]
    with_p = textfix.explain(text, profile=site)
    assert any(e.source.startswith("profile:") for e in with_p.edits)
    assert len(with_p.edits) >= len(textfix.explain(text).edits)


def test_clean_text_unchanged_with_a_spun_sites_profile(site):
    # a clean article of a mixed folder keeps its "said"s: the channel evidence says it is clean
    assert textfix.restore(CLEAN, profile=site) == CLEAN
    assert textfix.spin_score(CLEAN, profile=site) < 0.5


def test_learning_from_clean_text_changes_nothing():
    p = textfix.learn([CLEAN, CLEAN.replace("bridge", "tunnel")])
    assert textfix.restore(CLEAN, profile=p) == CLEAN


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
          "spun\toriginal\tweight\tbelief\tseen\texpected_spun\tobserved\texpected\tgain\tsource\n")


@pytest.mark.parametrize("body, message", [
    ("mentioned\tsaid\t1.5\t0.9\t3\t0.1\t0\t2\t1\tlearned\n", r"p\.tsv:7: weight '1\.5' is not in \[0, 1\]"),
    ("mentioned\tsaid\t0.5\t0.9\t3\n", r"p\.tsv:7: expected 10 tab-separated fields, found 5"),
    ("Mentioned\tsaid\t0.5\t0.9\t3\t0.1\t0\t2\t1\tlearned\n", r"p\.tsv:7: spun 'Mentioned'"),
    ("said\tsaid\t0.5\t0.9\t3\t0.1\t0\t2\t1\tlearned\n", r"p\.tsv:7: 'said' maps to itself"),
    ("mentioned\tsaid\t0.5\t0.9\t3\t0.1\t0\t2\tx\tlearned\n", r"p\.tsv:7: gain 'x' is not a number"),
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
                    + "mentioned\tsaid\t0.95\t0.99\t30\t1\t0\t40\t1.5\tedited\n", encoding="utf-8")
    p = Profile.load(path)
    text = SPUN[0]
    out = textfix.explain(text, profile=p)
    assert any(e.source == "profile:edited" and e.original.lower() == "said" for e in out.edits)
