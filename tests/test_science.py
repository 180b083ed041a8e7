"""Science papers (issue 12): domains, context-dependent fingerprints, unlisted tortured phrases,
and scan's per-document report. Uses only shipped data (the tortured and Moby tables), so it runs
whether or not WordNet, MyThes and FOLDOC are installed."""
from __future__ import annotations

import json

import pytest

import textfix
from textfix.cli import main

# two context-free listed fingerprints: the text of a paper mill
MILL = "We train an irregular woodland on huge information from the sensors. "


def test_domains_option():
    assert textfix.Config().domains == ("auto",)
    assert textfix.Config(domains="science").domains == ("science",)
    assert textfix.Config(domains=("news", "science")).science is True
    assert textfix.Config(domains="news").science is False
    with pytest.raises(ValueError, match="unknown domain"):
        textfix.Config(domains="physics")
    with pytest.raises(ValueError, match="alone"):
        textfix.Config(domains=("auto", "science"))


def test_auto_reads_a_paper_without_naming_tables():
    text = MILL + "Picture division is then done on the test set."
    assert textfix.restore(text) == ("We train a random forest on big data from the sensors. "
                                     "Image segmentation is then done on the test set.")


def test_auto_says_when_it_reads_a_paper():
    assert any("science paper" in n for n in textfix.explain(MILL).notes)
    assert not any("science paper" in n for n in textfix.explain(MILL, domains="science").notes)
    assert not any("science paper" in n for n in textfix.explain("The council met on Tuesday.").notes)


def test_news_domain_leaves_tortured_phrases():
    text = MILL.strip()
    assert textfix.restore(text, domains="news") == text


@pytest.mark.parametrize("text", [
    "It was a profound learning experience for all of us.",
    "The court heard that the leak was a huge information dump.",
    "The biopsy confirmed a malignant growth in the left lung, and surgery was planned.",
    "She wore a brooch pinned to her bosom at the gala.",
])
def test_legitimate_uses_stay(text):
    assert textfix.restore(text) == text


@pytest.mark.parametrize("text", [
    "It was a profound learning experience for all of us.",
    "The biopsy confirmed a malignant growth in the left lung, and surgery was planned.",
    "She wore a brooch pinned to her bosom at the gala.",
])
def test_legitimate_uses_stay_in_science_domain(text):
    # context-dependent rows and unlisted phrases need their context; a single ordinary sentence
    # gives none
    assert textfix.restore(text, domains="science") == text


def test_context_row_fires_where_context_confirms_it():
    r = textfix.explain("Risk factors for bosom cancer were recorded in every cohort.", domains="science")
    assert r.text == "Risk factors for breast cancer were recorded in every cohort."
    assert r.edits[0].source == "tortured:pps-context"


needs_text = pytest.mark.skipif(
    len(__import__("textfix.science").science.terms().sources) < 2,
    reason="unlisted phrases need running text to attest ordinary ones: apt-get install wordnet-base "
           "dict-foldoc")


@needs_text
def test_unlisted_phrase_restored_in_a_paper_mill_text():
    # "profound learning" is in no list (nor the dev list): a Moby swap gives "deep learning", a
    # term the listed originals use
    text = MILL + "The profound learning model is trained for ten epochs."
    r = textfix.explain(text, domains="science")
    assert r.text.endswith("The deep learning model is trained for ten epochs.")
    unlisted = [e for e in r.edits if e.source.startswith("science:")]
    assert [(e.spun, e.original) for e in unlisted] == [("profound learning", "deep learning")]
    assert textfix.apply_edits(text, r.edits) == r.text


def test_unlisted_phrase_alone_is_left():
    # without a listed fingerprint the term evidence is not enough (see RESULTS.md, issue 12)
    text = "The profound learning model is trained for ten epochs."
    assert textfix.restore(text, domains="science") == text


def _scan(tmp_path, capsys, *args):
    paper = tmp_path / "paper.txt"
    paper.write_text(MILL + "Counterfeit knowledge and picture division are used. The bosom malignancy "
                     "data and the profound learning model are described.\n", encoding="utf-8")
    (tmp_path / "news.txt").write_text("The council said on Tuesday that the bridge would reopen.\n",
                                       encoding="utf-8")
    capsys.readouterr()
    rc = main(["scan", "--domain", "science", "-j", "1", *args, str(tmp_path)])
    return rc, capsys.readouterr().out


@needs_text
def test_scan_science_jsonl(tmp_path, capsys):
    rc, out = _scan(tmp_path, capsys, "--jsonl")
    assert rc == 0
    rows = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line) for line in out.splitlines()}
    paper, news = rows["paper.txt"], rows["news.txt"]
    found = {(t["spun"], t["original"]) for t in paper["tortured"]}
    assert {("irregular woodland", "random forest"), ("huge information", "big data"),
            ("counterfeit knowledge", "artificial intelligence"), ("picture division", "image segmentation"),
            ("bosom malignancy", "breast cancer"), ("profound learning", "deep learning")} <= found
    assert paper["tortured_distinct"] >= 6 and paper["pps_flag"] is True
    assert news["tortured_distinct"] == 0 and news["pps_flag"] is False and news["tortured"] == []


@needs_text
def test_scan_science_csv_and_plain(tmp_path, capsys):
    rc, out = _scan(tmp_path, capsys, "--csv")
    lines = out.splitlines()
    assert lines[0] == "path,spin_score,edits,error,tortured_distinct,tortured_total,pps_flag,tortured_phrases"
    paper = next(line for line in lines if "paper.txt" in line)
    assert ",yes," in paper and "irregular woodland -> random forest (1)" in paper
    rc, out = _scan(tmp_path, capsys)
    assert "PPS-FLAG" in next(line for line in out.splitlines() if "paper.txt" in line)
    assert "\tprofound learning -> deep learning\t1" in out


def test_scan_without_science_domain_is_unchanged(tmp_path, capsys):
    rc, out = _scan(tmp_path, capsys, "--csv")
    capsys.readouterr()
    main(["scan", "--csv", "-j", "1", str(tmp_path)])
    assert capsys.readouterr().out.splitlines()[0] == "path,spin_score,edits,error"
