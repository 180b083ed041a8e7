"""Pipeline behaviour: tortured phrases, protections, grammar repair, document gating, composition."""
from __future__ import annotations

import pytest
import textfix
from _docs import stdlib_docs
from textfix import pipeline
from textfix.edits import Edit
from textfix.edits import compose_edits


def test_tortured_phrases_with_the_fingerprint_table():
    text = "We apply an irregular woodland classifier to picture division. Counterfeit neural network models help."
    r = textfix.explain(text, tables=("tortured", "phrases"))
    assert r.text == ("We apply a random forest classifier to image segmentation. Artificial neural network "
                      "models help.")
    assert all(e.source.startswith("tortured:pps") for e in r.edits)
    # not in the default tables, but a text with listed fingerprints is read as science (issue 12)
    assert textfix.restore(text) == r.text
    assert "irregular woodland" in textfix.restore(text, domains="news")


def test_article_follows_the_restored_word(kim):
    r = textfix.explain(kim)
    assert "a uncommon" in kim and "a rare trip to Russia" in r.text
    # 'an necessary' -> 'an important': the article was the original's all along
    assert "an necessary neighbor" in kim and "an important neighbor" in r.text


def test_capital_is_carried_over():
    text = ("Mentioned the minister, the conflict is over. " * 3 + "Final 12 months the army informed "
            "reporters it was for the reason that of extra packages. ")
    r = textfix.explain(text)
    for e in r.edits:
        assert e.original[:1].isupper() == e.spun[:1].isupper()


def test_quotes_protected_unless_switched_off(shoigu):
    quoted = "“highlights the dire straits that Russia finds itself in when it comes to resupplying"
    assert quoted in textfix.restore(shoigu)
    opened = textfix.explain(shoigu, protect_quotes=False, adaptive_protection=False)
    assert len(opened.edits) >= len(textfix.explain(shoigu).edits)


def test_document_gating_is_what_keeps_clean_text():
    clean = "The final report said the army had informed officers of the conflict."
    assert textfix.restore(clean) == clean
    assert textfix.spin_score(clean) < 0.2


def test_compose_maps_second_pass_edits_back():
    t0 = "aa bb cc dd"
    e1 = [Edit(3, 5, "bb", "BBBB", 0.9, "x")]
    t1 = "aa BBBB cc dd"
    e2 = [Edit(8, 10, "cc", "C", 0.8, "y"), Edit(3, 7, "BBBB", "b", 0.7, "z")]
    out = compose_edits(t0, e1, t1, e2)
    assert textfix.apply_edits(t0, out) == "aa b C dd"
    assert [(e.start, e.end, e.original) for e in out] == [(3, 5, "b"), (6, 8, "C")]
    assert out[0].confidence == 0.7 and out[0].source == "x+z"


_BODY = ("The protection minister informed reporters final week that the army would construct a brand new base. "
         "Officers mentioned the conflict had grown for the reason that the financial system was weak. ")
_QUOTED = ("“The army will construct a brand new base for the reason that the conflict is not over,” mentioned an "
           "officer. “We informed reporters final week that the protection minister has did not act,” he added. ")


def _in_quotes(text: str, e) -> bool:
    return text.rfind("“", 0, e.start) > text.rfind("”", 0, e.start)


def test_protection_lifted_when_quotes_are_spun_too():
    text = _BODY * 2 + _QUOTED * 2 + _BODY
    r = textfix.explain(text)
    assert any("quoted text looks spun too" in n for n in r.notes)
    assert any(_in_quotes(text, e) for e in r.edits)
    assert "“The military will build a new base since the war is not over,” said an official." in r.text


def test_quotes_stay_protected_when_only_the_body_is_spun():
    clean_quotes = ("“We will build a new base because the war is not over,” said an official. "
                    "“We told reporters last week that the defense minister has failed to act,” he added. ")
    text = _BODY * 2 + clean_quotes * 2 + _BODY
    r = textfix.explain(text)
    assert not r.notes
    assert not any(_in_quotes(text, e) for e in r.edits)
    assert r.edits  # the body is still restored


def test_adaptive_protection_can_be_switched_off():
    text = _BODY * 2 + _QUOTED * 2 + _BODY
    r = textfix.explain(text, adaptive_protection=False)
    assert not r.notes
    assert not any(_in_quotes(text, e) for e in r.edits)


def test_numbers_follow_news_style_only_in_spun_documents(kim):
    r = textfix.explain(kim)
    assert "the first five months of this year" in r.text
    assert "commemorate the 70th anniversary" in r.text
    assert any(e.source == "rule:numerals" for e in r.edits)
    clean = "The twentieth century saw 5 wars and the 2 sides met in the fiftieth year."
    assert textfix.restore(clean) == clean


def test_wrapped_lines_keep_their_breaks():
    text = ("Officers said the army would build it for the\nreason that the conflict started final 12\n"
            "months ago. The protection minister informed reporters final week that the conflict has did not end.")
    r = textfix.explain(text)
    assert r.edits
    assert r.text.count("\n") == text.count("\n") == 2
    assert all("\n" not in e.spun for e in r.edits)


def test_unlike_news_is_not_spun_enough_to_edit():
    """A text a news model finds unfluent (here: the json module's own documentation) may get a
    high spin score, but without the tables' own evidence nothing is edited, and explain says why."""
    import inspect
    import json

    text = "\n\n".join(inspect.getdoc(o) or "" for o in (json, json.dumps, json.loads, json.JSONDecoder,
                                                          json.JSONEncoder))
    r = textfix.explain(text)
    assert r.text == text and not r.edits
    if r.spin_score >= 0.5:
        assert any("edits were held back" in n for n in r.notes)


# A long text is judged in parts (pipeline.LONG_TEXT): articles pasted together, spun and clean,
# each get their own verdict. Judged as one document, the clean article below got 9 edits and the
# manual 37, and the spun article lost some of its own.
def test_pasted_articles_are_judged_each_on_its_own(kim_restored, shoigu):
    text = kim_restored + "\n\n" + shoigu
    assert len(text) >= pipeline.LONG_TEXT
    r = textfix.explain(text)
    assert r.text == kim_restored + "\n\n" + textfix.restore(shoigu)
    assert textfix.restore(r.text) == r.text
    assert 0.3 < r.spin_score < 0.8  # the length-weighted mean of a clean part and a spun one
    assert any("judged in 2 parts" in n for n in r.notes)


def test_spun_article_inside_a_manual_is_restored_and_the_manual_kept(shoigu):
    manual = "\n\n".join(stdlib_docs(m) for m in ("argparse", "json", "logging"))[:20_000]
    text = manual + "\n\n" + shoigu
    assert textfix.restore(text) == manual + "\n\n" + textfix.restore(shoigu)


def test_long_spun_text_is_one_document(kim, shoigu):
    text = kim + "\n\n" + shoigu
    r = textfix.explain(text)
    assert not any("parts" in n for n in r.notes)
    assert len(r.edits) >= len(textfix.explain(kim).edits) + len(textfix.explain(shoigu).edits) - 10


def test_one_article_per_line_is_judged_line_by_line(kim_restored, shoigu):
    def flat(t: str) -> str:
        return " ".join(t.split())

    clean, spun = flat(kim_restored), flat(shoigu)
    r = textfix.explain(clean + "\n" + spun)
    assert r.text == clean + "\n" + textfix.restore(spun)
    assert textfix.restore(r.text) == r.text


def test_quote_belief_follows_the_quotes_own_matches():
    from textfix.detect import QUOTES_SPUN_PRIOR, Site, quote_belief

    def sites(gains):
        return [Site(None, g, "quote", False, False, "phrases") for g in gains]
    rates = {"phrases": 0.6}
    # no quoted matches: the prior; matches the model finds spun raise it, unspun ones lower it
    assert quote_belief([], rates, 0.5) == pytest.approx(QUOTES_SPUN_PRIOR)
    assert quote_belief(sites([3.0, 2.5, 4.0]), rates, 0.5) > 0.95
    assert quote_belief(sites([-3.0, -2.0, -2.5, -4.0]), rates, 0.5) < 0.05
    # a body the spinner barely touched says little either way about its quotes
    low = {"phrases": 0.01}
    assert abs(quote_belief(sites([-3.0, -2.0]), low, 0.01) - QUOTES_SPUN_PRIOR) < 0.05


def test_word_salad_is_read_as_its_spinner_wrote_it():
    # a word-salad spinner writes function words as the element they are the symbol of; the page
    # reads as spun and they come back, while one element name on an ordinary page stays
    salad = ("The club said helium would leave arsenic a free agent astatine the end of the season. "
             "Helium joined the team arsenic a teenager and helium has won the league arsenic captain. "
             "Fans gathered astatine the stadium astatine noon, and helium thanked them arsenic he left.")
    r = textfix.explain(salad)
    assert r.spin_score >= 0.5
    fixed = {(e.spun.lower(), e.original.lower()) for e in r.edits if e.source.startswith("wordsalad")}
    assert ("arsenic", "as") in fixed and ("astatine", "at") in fixed
    plain = ("Party City blamed rising costs, including for helium used in balloons, and slowing demand. "
             "The well water held arsenic at levels above the limit, the agency said.")
    assert textfix.restore(plain) == plain
