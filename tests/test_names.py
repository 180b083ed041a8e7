"""Names are protected as names: a capitalised word stays unless a curated table lists it as a
spinner output and the document is clearly spun (issue 11). Our own sentences, not corpus text."""
from __future__ import annotations

import textfix

CLEAN = ("Bill Gates met Mr. Cook at the White House on Tuesday, officials said. Later that day, Best Buy "
         "reported higher sales for the quarter, and Target said it would hire more workers for the holidays. "
         "In the evening, Aaron Judge hit two home runs as the Yankees beat Boston. The Kansas City Chiefs "
         "play on Sunday, and Red Lobster said its restaurants would stay open.")

# a clearly spun text: many other swaps of this spinner family around the capitalised ones
SPUN = ("Microsoft co-founder Invoice Gates informed reporters final week that the corporate would construct "
        "a brand new workplace within the Kansas Metropolis space. He stated the agency had been in talks "
        "with a number of retailers for the reason that begin of the 12 months. Federal Reserve Governor Lisa "
        "Prepare dinner mentioned the economic system was robust, however warned that costs had been rising "
        "quicker than anticipated. The White House didn't remark.")


def test_names_made_of_ordinary_words_stay_in_clean_text():
    r = textfix.explain(CLEAN)
    assert r.text == CLEAN, [(e.spun, e.original) for e in r.edits]
    assert r.spin_score < 0.5


def test_spun_names_come_back_in_spun_text():
    r = textfix.explain(SPUN)
    assert r.spin_score > 0.9
    assert "Bill Gates" in r.text and "Invoice" not in r.text
    assert "Lisa Cook said" in r.text
    assert "Kansas City" in r.text
    # a name that is not a spinner output stays, even here
    assert "The White House" in r.text and "Gates" in r.text
    by_spun = {e.spun: e for e in r.edits}
    assert by_spun["Invoice"].original == "Bill" and by_spun["Prepare dinner"].original == "Cook"


def test_capitalised_spun_form_stays_in_clean_text():
    # "Metropolis", "Invoice", "Goal" are this family's outputs, but in a clean text they are names
    text = ("Superman lives in Metropolis, the comic says. The Invoice Act passed the state senate on "
            "Monday, and Goal Systems said it would move its offices to Denver next year.")
    assert textfix.restore(text) == text


def test_names_stay_when_protection_is_on_and_the_table_does_not_list_them():
    r = textfix.explain(SPUN, tables=("phrases", "thesaurus"))
    assert "Invoice Gates" not in r.text  # phrases lists invoice -> bill
    assert "Kansas Metropolis" in r.text  # only the family table lists metropolis -> city
