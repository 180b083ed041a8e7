"""The table loader: validation with file:line errors, the packed cache, and the merged lexicon."""
from __future__ import annotations

import pytest

from textfix import tables
from textfix.tables import TableError, parse_table

HEADER = ("# textfix-wordlist 1\n# name: phrases\n# version: 1\n# source: test\n# licence: MIT\n"
          "spun\toriginal\tweight\tsource\n")


def test_parses_a_good_table():
    t = parse_table(HEADER + "12 months\tyear\t1.0\tseed\nfinal\tlast\t0.7\tseed\nfinal\tultimate\t0.3\tx\n")
    assert t.name == "phrases" and t.version == "1" and len(t) == 2 and t.max_len == 2
    assert [c.text for c in t.get(("final",))] == ["last", "ultimate"]
    assert t.get(("nope",)) == ()
    assert "12" in t.first_words


@pytest.mark.parametrize("row, message", [
    ("final\tlast\t1.0", "expected 4 tab-separated fields"),
    ("final\tfinal\t1.0\tseed", "maps to itself"),
    ("final\tlast\t0\tseed", "not in \\(0, 1\\]"),
    ("final\tlast\theavy\tseed", "not a number"),
    ("Final\tlast\t1.0\tseed", "bad token"),
    ("final  week\tlast week\t1.0\tseed", "bad token"),
    ("fi-nal\tlast\t1.0\tseed", "bad token"),
    ("final\tlast\t1.0\tSeed!", "bad source tag"),
    ("cafe\u0301\tcafe\t1.0\tseed", "not NFC"),
    ("a b c d e f\tx\t1.0\tseed", "more than 5 words"),
    ("final\tlast\t1.0\tseed\nfinal\tlast\t0.5\tseed", "duplicate row"),
])
def test_bad_rows_name_file_and_line(row, message):
    with pytest.raises(TableError, match=message) as exc:
        parse_table(HEADER + "ok\tfine\t1.0\tseed\n" + row + "\n", "t.tsv")
    assert "t.tsv:8:" in str(exc.value) or "t.tsv:9:" in str(exc.value)


@pytest.mark.parametrize("text, message", [
    ("", "first line"),
    ("# textfix-wordlist 2\n", "first line"),
    ("# textfix-wordlist 1\n# name: x\n# version: 1\n# source: s\nspun\toriginal\tweight\tsource\n", "licence"),
    (HEADER.replace("spun\toriginal\tweight\tsource", "spun\toriginal"), "column header"),
])
def test_bad_headers(text, message):
    with pytest.raises(TableError, match=message):
        parse_table(text, "t.tsv")


@pytest.fixture()
def custom_tables(tmp_path, monkeypatch):
    wl = tmp_path / "wl"
    wl.mkdir()
    (wl / "phrases.tsv").write_text(HEADER + "uncommon\trare\t1.0\tseed\n", encoding="utf-8")
    (wl / "thesaurus.tsv").write_text(HEADER.replace("name: phrases", "name: thesaurus")
                                      + "uncommon\tunusual\t0.5\tmoby\nuncommon\trare\t0.5\tmoby\n",
                                      encoding="utf-8")
    monkeypatch.setenv("TEXTFIX_WORDLISTS", str(wl))
    monkeypatch.setenv("TEXTFIX_CACHE_DIR", str(tmp_path / "cache"))
    tables.load_table.cache_clear()
    tables.lexicon.cache_clear()
    yield wl
    tables.load_table.cache_clear()
    tables.lexicon.cache_clear()


def test_cache_round_trip_and_corrupt_cache(custom_tables, tmp_path):
    first = tables.load_table("phrases")
    cached = list((tmp_path / "cache").glob("phrases-*.marshal"))
    assert len(cached) == 1
    tables.load_table.cache_clear()
    again = tables.load_table("phrases")
    assert again.entries == first.entries and again.meta == first.meta
    cached[0].write_bytes(b"garbage")
    tables.load_table.cache_clear()
    assert tables.load_table("phrases").entries == first.entries


def test_edited_table_is_revalidated(custom_tables):
    tables.load_table("phrases")
    (custom_tables / "phrases.tsv").write_text(HEADER + "uncommon\tuncommon\t1.0\tseed\n", encoding="utf-8")
    tables.load_table.cache_clear()
    with pytest.raises(TableError, match="phrases.tsv:7: 'uncommon' maps to itself"):
        tables.load_table("phrases")


def test_name_must_match_file(custom_tables):
    (custom_tables / "phrases.tsv").write_text(HEADER.replace("name: phrases", "name: other"), encoding="utf-8")
    with pytest.raises(TableError, match="header says name"):
        tables.load_table("phrases")


def test_lexicon_merges_tables_in_order(custom_tables):
    lex = tables.lexicon(("phrases", "thesaurus"))
    got = [(c.text, t) for c, t in lex.lookup(("uncommon",))]
    assert got == [("rare", "phrases"), ("unusual", "thesaurus")]
    assert lex.first_words == {"uncommon"}


def test_cache_can_be_turned_off(custom_tables, tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTFIX_CACHE_DIR", "")
    tables.load_table("phrases")
    assert not (tmp_path / "cache").exists()


def test_shipped_tables_load():
    tables.load_table.cache_clear()
    for name in ("phrases", "thesaurus"):
        t = tables.load_table(name)
        assert len(t) > 100 and t.meta["licence"] and t.meta["source"]
