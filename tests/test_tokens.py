"""Tokens, sentences and protected spans."""
from __future__ import annotations

from textfix.tokens import NUMBER, URL, quote_spans, tokenize


def _by_text(text: str) -> dict[str, object]:
    return {t.text: t for t in tokenize(text)}


def test_offsets_are_exact():
    text = "Russia’s  defence\tminister — “rare” trip, 5,380 tons.\r\nNext line"
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text
    assert [t.norm for t in tokenize("Russia’s")] == ["russia's"]


def test_quotes_curly_straight_and_open_to_end_of_line():
    text = 'He said “this is quoted” and "that too" then “open to the end\nnot here'
    toks = _by_text(text)
    assert toks["this"].in_quote and toks["quoted"].in_quote and toks["too"].in_quote
    assert toks["end"].in_quote
    assert not toks["said"].in_quote and not toks["then"].in_quote and not toks["here"].in_quote


def test_apostrophes_are_not_quotes():
    text = "Russia’s army and Russia”s navy don’t move"
    assert quote_spans(text) == []
    assert not any(t.in_quote for t in tokenize(text))


def test_single_quotes_pair_within_a_line():
    toks = _by_text("the ‘new Cold War’ bandwagon")
    assert toks["new"].in_quote and not toks["bandwagon"].in_quote


def test_names_and_sentence_starts():
    toks = tokenize("Defense Minister Sergei Shoigu came. Final results were in. The army left.")
    by = {t.text: t for t in toks}
    assert by["Defense"].name_like and by["Minister"].name_like and by["Shoigu"].name_like
    assert by["Final"].sent_start and not by["Final"].name_like
    assert by["The"].sent_start


def test_abbreviations_do_not_end_sentences():
    toks = _by_text("Mr. Kim met Brig. Gen. Ryder in the U.S. capital.")
    assert toks["Kim"].name_like and toks["Ryder"].name_like
    assert not toks["Kim"].sent_start


def test_dateline_dash_starts_a_clause():
    toks = _by_text("SEOUL — A uncommon journey")
    assert toks["A"].sent_start and not toks["A"].name_like


def test_urls_emails_and_figures_are_fixed():
    text = ("See www.nytimes.com or https://x.org/final-12-months?c=1, mail final.journey@example.org: 5,380 "
            "tons, 12.5%, 82mm, 70th, 18-month, £3bn")
    toks = tokenize(text)
    for url in ("www.nytimes.com", "https://x.org/final-12-months?c=1", "final.journey@example.org"):
        start = text.index(url)
        inside = [t for t in toks if start <= t.start < start + len(url)]
        assert inside and all(t.fixed == URL for t in inside), url
    by = {t.text: t for t in toks}
    for fig in ("5,380", "12.5%", "82mm", "70th", "18-month", "£3bn"):
        assert by[fig].fixed == NUMBER, fig
    assert by["tons"].fixed is None and by["See"].fixed is None


def test_protections_can_be_switched_off():
    toks = {t.text: t for t in tokenize("visit www.example.com now", urls=False)}
    assert "www" in toks and toks["www"].fixed is None
    toks = {t.text: t for t in tokenize("5,380 tons", numbers=False)}
    assert toks["5"].fixed is None


def test_joined_and_hyphens():
    toks = tokenize("a low-key method, then more\nwords wrapped.\nNew line\n\nnew paragraph")
    by = {t.text: t for t in toks}
    assert by["low"].hyphened and by["key"].hyphened
    assert not by["then"].joined_prev       # after a comma
    assert by["words"].joined_prev and not by["words"].sent_start  # a wrapped line goes on
    assert by["New"].sent_start
    assert by["new"].sent_start and not by["new"].joined_prev
