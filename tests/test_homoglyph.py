"""Homoglyph obfuscation (textfix/homoglyph.py): look-alike letters of other scripts read as Latin.

The spun sentences are our own, obfuscated the way the real pages were (Cyrillic а е і о р с ѕ,
Latin phonetic letters ᴜ ɡ ɩ); the negatives are clean text that uses other scripts by right."""
from __future__ import annotations

import pytest

import textfix
from textfix import homoglyph

OBFUSCATED = ("Warriors coach Steve Kеrr sаid on Тhursdаy thаt the tеam wіll suppоrt Drаymond Grееn "
              "аfter his suspensіon, аnd thаt he еxpects hіm bаck soon.")
PLAIN = ("Warriors coach Steve Kerr said on Thursday that the team will support Draymond Green "
         "after his suspension, and that he expects him back soon.")


def test_obfuscated_text_reads_as_latin():
    r = textfix.explain(OBFUSCATED)
    assert r.text == PLAIN
    assert all(e.source == "homoglyph" and e.confidence == 1.0 for e in r.edits)
    assert textfix.apply_edits(OBFUSCATED, r.edits) == r.text
    assert r.spin_score > 0.99 and textfix.spin_score(PLAIN) < 0.5
    assert any("look-alike" in n for n in r.notes)


def test_phonetic_latin_lookalikes_and_the_word_decides_i_or_l():
    text = "Тhe ruthɩess side foᴜɡht back, аnd the crowd sаng ɩoudly as the gоal stood."
    assert textfix.restore(text) == "The ruthless side fought back, and the crowd sang loudly as the goal stood."


def test_homoglyphs_inside_a_spun_phrase_make_one_edit():
    text = "Russia’s protection minister informеd reporters fіnal week that the conflict has did not go as hoped."
    r = textfix.explain(text)
    assert r.text == "Russia’s defense minister told reporters last week that the war has failed to go as hoped."
    merged = [e for e in r.edits if e.spun == "informеd"]
    assert merged and merged[0].original == "told" and "homoglyph" in merged[0].source
    assert textfix.apply_edits(text, r.edits) == r.text


def test_whole_lookalike_words_only_in_an_obfuscated_text():
    # "сор" is Russian (all Cyrillic) and reads "cop": left alone unless the text is obfuscated
    assert homoglyph.find("The word сор is Russian.") == []
    spun = "Тhe сор sаid thаt the саr wаs stоlen."
    assert textfix.restore(spun) == "The cop said that the car was stolen."


@pytest.mark.parametrize("clean", [
    "Путин заявил, что переговоры продолжатся. Putin said talks would go on.",
    "The NF-κB pathway was active at 5 μM and 3 μg per well in the β-cells.",
    "Café owner Jürgen Müller met Altıntop in İstanbul and São Paulo.",
    "Only one word here, Kеrr, has a Cyrillic letter in it.",
    "Ελληνικά κείμενα και English words side by side.",
])
def test_clean_text_with_other_scripts_is_unchanged(clean):
    assert homoglyph.find(clean) == []
    assert textfix.restore(clean) == clean


def test_learning_counts_the_text_as_read():
    from textfix.channel import Counts

    c = Counts().add(OBFUSCATED)
    assert c.counts["said"] == 1 and "sаid" not in c.counts
