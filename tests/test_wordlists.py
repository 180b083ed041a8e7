"""Data tests for the shipped phrase tables in wordlists/ and the script that builds them.

The table format is checked here with an independent parser (not the loader, not the build
script), then the loader (textfix.tables) is checked to accept the shipped files and to reject a
corrupted copy with file:line.
"""
from __future__ import annotations

import importlib.util
import math
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORDLISTS = ROOT / "wordlists"
SCRIPT = ROOT / "scripts" / "build_wordlists.py"
TABLES = sorted(WORDLISTS.glob("*.tsv"))
REQUIRED = ("name", "version", "source", "licence")
TOKEN = re.compile(r"[^\W_A-Z]+(?:'[^\W_A-Z]+)*")
SOURCE = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def parse(path: Path) -> tuple[dict[str, str], list[tuple[int, str, str, float, str]]]:
    """Parse a table strictly; fail the test with file:line on the first problem."""
    raw = path.read_bytes()
    assert b"\r" not in raw, f"{path.name}: CR line endings"
    assert raw.endswith(b"\n"), f"{path.name}: no final newline"
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text), f"{path.name}: not NFC"
    lines = text[:-1].split("\n")
    assert lines[0] == "# textfix-wordlist 1", f"{path.name}:1: bad magic line"
    meta: dict[str, str] = {}
    i = 1
    while lines[i].startswith("#"):
        m = re.match(r"# ([a-z-]+): (.+)\Z", lines[i])
        if m:
            meta.setdefault(m.group(1), m.group(2))
        i += 1
    for key in REQUIRED:
        assert meta.get(key), f"{path.name}: header lacks {key}"
    assert lines[i] == "spun\toriginal\tweight\tsource", f"{path.name}:{i + 1}: bad column header"
    rows = []
    for n, line in enumerate(lines[i + 1:], start=i + 2):
        where = f"{path.name}:{n}"
        assert line and not line.startswith("#"), f"{where}: blank or comment line in the data"
        fields = line.split("\t")
        assert len(fields) == 4, f"{where}: {len(fields)} fields"
        spun, orig, weight, source = fields
        for phrase in (spun, orig):
            toks = phrase.split(" ")
            assert 1 <= len(toks) <= 5, f"{where}: {phrase!r} has {len(toks)} tokens"
            assert all(TOKEN.fullmatch(t) for t in toks), f"{where}: bad token in {phrase!r}"
            assert phrase == phrase.lower(), f"{where}: {phrase!r} not lowercase"
        assert spun != orig, f"{where}: self-map {spun!r}"
        w = float(weight)
        assert 0.0 < w <= 1.0 and math.isfinite(w), f"{where}: weight {weight}"
        assert SOURCE.fullmatch(source), f"{where}: source {source!r}"
        rows.append((n, spun, orig, w, source))
    return meta, rows


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[dict[str, str], list[tuple[int, str, str, float, str]]]]:
    return {p.stem: parse(p) for p in TABLES}


def pairs(parsed, name: str) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for _n, s, o, w, _src in parsed[name][1]:
        out[s][o] = w
    return out


def test_both_tables_are_shipped():
    assert {p.stem for p in TABLES} >= {"phrases", "thesaurus"}


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_table_format(path):
    meta, rows = parse(path)
    assert meta["name"] == path.stem
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d{1,2}", meta["version"])
    assert rows, "empty table"
    keys = [(s, o) for _n, s, o, _w, _src in rows]
    assert len(set(keys)) == len(keys), "duplicate (spun, original) pairs"
    assert keys == sorted(keys), "rows are not sorted by spun, then original"


def test_phrases_entries(parsed):
    p = pairs(parsed, "phrases")
    for spun, orig in [("mentioned", "said"), ("informed", "told"), ("packages", "programs"),
                       ("final 12 months", "last year"), ("12 months", "year"), ("got here", "came"),
                       ("financial systems", "economies"), ("uncommon", "rare"), ("a number of", "several"),
                       ("for the reason that", "since"), ("in opposition to", "against"),
                       ("a minimum of", "at least"), ("has did not", "has failed to"),
                       ("nation's", "country's"), ("satellite tv for pc", "satellite"),
                       ("assume tank", "think tank"), ("made use of", "used")]:
        assert orig in p.get(spun, {}), f"phrases lacks {spun} -> {orig}"
    # artefacts of the seed alignment are not substitutions
    assert "reason that korean" not in p and "did not" not in p
    # several originals share the weight by count; one original gets 1
    assert p["journey"]["trip"] > p["journey"]["travel"]
    assert p["12 months"] == {"year": 1.0}
    sources = {src for *_x, src in parsed["phrases"][1]}
    assert sources <= {"seed", "seed-infl", "spinner", "spinner-infl"}


def test_phrase_weights_are_shares(parsed):
    # shares of a count sum to 1; an explicit (lower) prior in the source makes the sum smaller
    for spun, cands in pairs(parsed, "phrases").items():
        assert sum(cands.values()) < 1.002, spun


def test_thesaurus_entries_and_weights(parsed):
    meta, rows = parsed["thesaurus"]
    assert "Moby" in meta["source"] and "public domain" in meta["licence"]
    assert {src for *_x, src in rows} <= {"moby", "moby-infl"}
    t = pairs(parsed, "thesaurus")
    for spun, orig in [("mentioned", "said"), ("conflict", "war"), ("final", "last"), ("uncommon", "rare"),
                       ("exams", "tests"), ("combating", "fighting")]:
        assert orig in t.get(spun, {}), f"thesaurus lacks {spun} -> {orig}"
    for spun, cands in t.items():
        assert len(cands) <= 12, spun
        assert abs(sum(cands.values()) - 1) < 0.01, spun
        assert " " not in spun and all(" " not in o for o in cands)
    for stop in ("the", "of", "and", "to", "in", "is", "a"):
        assert stop not in t
    # one unit is never another's synonym ("62 cents per share" is not "62 dollars"), though Moby
    # lists them together; units with a sense in common stay
    for spun, orig in [("cents", "dollars"), ("pounds", "dollars"), ("dollars", "cents"), ("kilos", "pounds"),
                       ("billion", "million"), ("millions", "thousands"), ("minutes", "days"), ("hours", "days")]:
        assert orig not in t.get(spun, {}), f"thesaurus has the unit-for-unit pair {spun} -> {orig}"
    assert len(rows) <= 260_000 and (WORDLISTS / "thesaurus.tsv").stat().st_size < 8_000_000


def test_tortured_table(parsed):
    if "tortured" not in parsed:
        pytest.skip("no tortured.tsv")
    meta, rows = parsed["tortured"]
    assert "Cabanac" in meta["source"] and "CC BY 4.0" in meta["licence"] and "Cabanac" in meta["licence"]
    assert {src for *_x, src in rows} == {"pps", "pps-context"}
    t = pairs(parsed, "tortured")
    assert t["irregular woodland"] == {"random forest": 1.0} and "big data" in t["huge information"]
    # the rows the list marks as needing context keep that mark (decided in context, never blind)
    by_spun = {r[1]: r[4] for r in rows}
    assert by_spun["bosom"] == "pps-context" and by_spun["irregular woodland"] == "pps"


def test_tortured_table_matches_its_source():
    build = load_script()
    if not build.TORTURED_SRC.exists() or not (WORDLISTS / "tortured.tsv").exists():
        pytest.skip("shared/data/tortured_pairs.dev.tsv not beside the repository")
    assert build.build_tortured() == (WORDLISTS / "tortured.tsv").read_text(encoding="utf-8")


# --- the build script -------------------------------------------------------------------------

def _load_module(name: str, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def load_script():
    return _load_module("build_wordlists", SCRIPT)


@pytest.mark.skipif(not Path("/usr/share/wordnet/index.noun").exists() and not os.environ.get("TEXTFIX_WORDNET"),
                    reason="WordNet 3.0 not installed (Debian wordnet-base): the thesaurus build's unit filter reads it")
def test_units_are_not_synonyms():
    units = load_script().Units()
    assert units.pair({"cents", "cent"}, {"dollars", "dollar"}) and units.pair({"pound"}, {"kilogram"})
    # an ordinary word with a unit sense that is not its first, and units that share a sense
    assert not units.pair({"chain"}, {"link"}) and not units.pair({"link"}, {"chain"})
    assert not units.pair({"quid"}, {"pound"})
    assert not units.pair({"war"}, {"conflict"})
    # whole numbers and units of time are quantities too: "$2 billion" is not "$2 million", though
    # the two share a sense ("a very large indefinite number"); their first senses differ
    assert units.pair({"billion"}, {"million"}) and units.pair({"minute"}, {"day"})
    assert units.pair({"dozen"}, {"eleven"})
    assert not units.pair({"thousand"}, {"grand"})  # one number, two names


def test_thesaurus_selection_options():
    build = load_script()
    info = build.PairInfo
    pairs = {"quick": {"fast": info(0.30, 0.5, 10_000, 40, False, True),
                       "rapid": info(0.20, 0.4, 5_000, 10, False, True),
                       "swift": info(0.25, 0.3, 8_000, 20, True, False),
                       "hasty": info(0.0, None, 10, 5, False, True)},
             "rarely": {"seldom": info(0.5, 0.5, 1_000, 5, False, True)}}
    rank = {"quick": 10, "fast": 20, "rapid": 30, "swift": 40, "hasty": 50, "rarely": 90, "seldom": 100}
    scored = build.Scored(pairs, rank, {}, "test")
    out = build.select_candidates(scored, max_candidates=2, min_score=-100.0, spun_max_rank=60)
    assert [o for o, _w, _i in out["quick"]] == ["fast", "rapid"] and "rarely" not in out
    assert abs(sum(w for _o, w, _i in out["quick"]) - 1) < 1e-9
    # the reverse Moby direction is opt-in; the floor applies to the plausibility score
    out = build.select_candidates(scored, max_candidates=12, min_score=-100.0, reverse=True)
    assert "swift" in [o for o, _w, _i in out["quick"]]
    out = build.select_candidates(scored, max_candidates=12, min_score=3.0)
    assert "hasty" not in [o for o, _w, _i in out["quick"]]
    # a sharper weighting gives the top candidate more of the weight; "channel" favours few synonyms
    w1 = build.select_candidates(scored, min_score=-100.0, sharpness=1.0)["quick"][0][1]
    w2 = build.select_candidates(scored, min_score=-100.0, sharpness=2.0)["quick"][0][1]
    assert w2 > w1
    assert build.select_candidates(scored, min_score=-100.0)["quick"][0][1] == w2  # the default
    ch = build.select_candidates(scored, min_score=-100.0, weighting="channel")["quick"]
    assert build.pair_score(pairs["quick"]["rapid"], "channel") - build.pair_score(pairs["quick"]["rapid"]) \
        == pytest.approx(-math.log(10), abs=1e-6)
    assert len(ch) == 3


def test_script_help():
    out = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert "phrases" in out.stdout and "thesaurus" in out.stdout and "check" in out.stdout
    out = subprocess.run([sys.executable, str(SCRIPT), "thesaurus", "--help"], capture_output=True, text=True,
                         check=True)
    for opt in ("--max-candidates", "--min-score", "--spun-max-rank", "--reverse", "--weighting"):
        assert opt in out.stdout


@pytest.mark.skipif(not Path("/usr/share/wordnet/data.noun").exists() and not os.environ.get("TEXTFIX_WORDNET"),
                    reason="WordNet 3.0 not installed (Debian wordnet-base): the wordsalad table is read from it")
def test_wordsalad_table_is_what_wordnet_gives():
    build = load_script()
    text = build.build_wordsalad()
    assert text == (WORDLISTS / "wordsalad.tsv").read_text(encoding="utf-8")
    rows = {tuple(line.split("\t")[:2]) for line in text.splitlines()[1:] if not line.startswith(("#", "spun\t"))}
    for pair in [("arsenic", "as"), ("astatine", "at"), ("helium", "he"), ("indium", "in"), ("nobelium", "no")]:
        assert pair in rows
    # only symbols of elements and units: no ordinary synonym of a function word ("later" -> "after")
    assert all(o in build.FUNCTION_WORDS and o != "i" for _s, o in rows) and ("later", "after") not in rows


def test_curated_source_expands_to_committed_phrases():
    pytest.importorskip("lemminflect")
    build = load_script()
    assert build.build_phrases() == (WORDLISTS / "phrases.tsv").read_text(encoding="utf-8")


def test_source_expansion_rules(tmp_path):
    pytest.importorskip("lemminflect")
    build = load_script()
    src = tmp_path / "phrases.src.tsv"
    src.write_text(
        "# test\nspun\toriginal\tpos\tcount\tsource\n"
        "tell\tinform\tV\t1\tseed\n"
        "program\tpackage\tN\t3\tseed\n"
        "program\tplan\tN\t1\tspinner\n"
        "get here\tcome\tV\t1\tseed\n"
        "financial system\teconomy\tN\t1\tseed\n"
        "near\tclose\tA:JJR,JJS\t1\tseed\n"
        "go to\tvisit\t-\t=0.4\tseed\n", encoding="utf-8")
    meta, rows = parse_text(build.build_phrases(src), tmp_path)
    got = {(s, o): (w, src_) for _n, s, o, w, src_ in rows}
    assert got[("tell", "inform")] == (1.0, "seed")
    for s, o in [("told", "informed"), ("tells", "informs"), ("telling", "informing"), ("got here", "came"),
                 ("gets here", "comes"), ("financial systems", "economies"), ("nearer", "closer"),
                 ("nearest", "closest"), ("financial system's", "economy's")]:
        assert got[(s, o)][1] == "seed-infl", (s, o)
    assert got[("programs", "packages")] == (0.75, "seed-infl")
    assert got[("programs", "plans")] == (0.25, "spinner-infl")
    assert got[("go to", "visit")] == (0.4, "seed")
    assert ("near", "close") not in got  # A:JJR,JJS leaves out the base form


def parse_text(text: str, tmp_path: Path):
    path = tmp_path / "phrases.tsv"
    path.write_text(text, encoding="utf-8", newline="\n")
    return parse(path)


def test_bad_source_line_is_reported(tmp_path):
    pytest.importorskip("lemminflect")
    build = load_script()
    src = tmp_path / "phrases.src.tsv"
    src.write_text("spun\toriginal\tpos\tcount\tsource\nFinal\tlast\t-\t1\tseed\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"phrases\.src\.tsv:2: .*lowercase"):
        build.read_phrases_src(src)


@pytest.mark.skipif(not os.environ.get("TEXTFIX_BUILD_TESTS"),
                    reason="set TEXTFIX_BUILD_TESTS=1 to rebuild the thesaurus (about a minute, needs Moby)")
def test_thesaurus_rebuilds_identically():
    pytest.importorskip("lemminflect")
    build = load_script()
    assert build.build_thesaurus().text == (WORDLISTS / "thesaurus.tsv").read_text(encoding="utf-8")


# --- the loader --------------------------------------------------------------------------------

@pytest.fixture()
def loader(tmp_path, monkeypatch):
    tables = pytest.importorskip("textfix.tables")
    monkeypatch.setenv("TEXTFIX_CACHE_DIR", str(tmp_path / "cache"))
    tables.load_table.cache_clear()
    yield tables
    tables.load_table.cache_clear()


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_loader_accepts_shipped_tables(loader, monkeypatch, path):
    monkeypatch.setenv("TEXTFIX_WORDLISTS", str(WORDLISTS))
    table = loader.load_table(path.stem)
    _meta, rows = parse(path)
    assert len(table) == len({s for _n, s, *_x in rows})
    spun, orig = rows[0][1], rows[0][2]
    assert orig in [c.text for c in table.get(tuple(spun.split(" ")))]


# A bad token in the 140k-row thesaurus takes the loader ~20 s to reject (its one-regex fast path
# backtracks before falling back to per-row checks), so the thesaurus gets the cheap corruptions.
CORRUPTIONS = [("phrases", c) for c in ("self-map", "uppercase", "weight", "hyphen", "fields")] + \
    [("thesaurus", c) for c in ("self-map", "weight")]


@pytest.mark.parametrize("name, corruption", CORRUPTIONS)
def test_loader_rejects_corrupted_copy(loader, monkeypatch, tmp_path, name, corruption):
    copy = tmp_path / "wl"
    copy.mkdir()
    shutil.copy(WORDLISTS / f"{name}.tsv", copy / f"{name}.tsv")
    lines = (copy / f"{name}.tsv").read_text(encoding="utf-8").split("\n")
    first = lines.index("spun\toriginal\tweight\tsource") + 1
    target = first + (len(lines) - first) // 2   # a row in the middle
    spun, orig, weight, source = lines[target].split("\t")
    lines[target] = {
        "self-map": f"{spun}\t{spun}\t{weight}\t{source}",
        "uppercase": f"{spun.upper()}\t{orig}\t{weight}\t{source}",
        "weight": f"{spun}\t{orig}\t1.5\t{source}",
        "hyphen": f"{spun}-x\t{orig}\t{weight}\t{source}",
        "fields": f"{spun}\t{orig}\t{weight}",
    }[corruption]
    (copy / f"{name}.tsv").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setenv("TEXTFIX_WORDLISTS", str(copy))
    with pytest.raises(loader.TableError, match=rf"{name}\.tsv:{target + 1}:"):
        loader.load_table(name)


# --- the real spinner family (scripts/build_family.py) ------------------------------------------

FAMILY_SCRIPT = ROOT / "scripts" / "build_family.py"


def load_family_script():
    return _load_module("build_family", FAMILY_SCRIPT)


def test_family_table(parsed):
    meta, rows = parsed["family"]
    assert "real spun news pages collected from public web pages" in meta["source"]
    assert "derived" in meta["licence"] and meta.get("page-consistency")
    assert all(re.fullmatch(r"real\.n\d+\.s\d+\.k\d+", src) for *_x, src in rows)
    f = pairs(parsed, "family")
    for spun, orig in [("within", "in"), ("stated", "said"), ("metropolis", "city"), ("greenback", "dollar"),
                       ("chapter", "bankruptcy")]:
        assert orig in f.get(spun, {}), f"family lacks {spun} -> {orig}"
    for spun, cands in f.items():
        assert sum(cands.values()) < 1.0, spun  # the rest is the share of pages that kept the phrase


def test_family_table_is_what_the_script_builds():
    build = load_family_script()
    if not build.CORPUS.is_dir():
        pytest.skip("shared/corpora/real-spun not beside the repository")
    assert build.build() == (WORDLISTS / "family.tsv").read_text(encoding="utf-8")


def test_family_leaves_contractions_out():
    # the spinner contracts and expands both ways ("did not" -> "didn't", "here's" -> "here is"),
    # so such a substitution says nothing about which way to restore
    build = load_family_script()
    ex = build.expand_contractions
    assert ex("didn't") == "did not" and ex("it's") == "it is" and ex("can't") == ex("cannot")
    assert ex("they'd") == "they would" and ex("won't") == "will not"
    assert ex("company's") != ex("firm's") and ex("weren't") != ex("were")
    subs, _ = build.substitutions("They didn't say it. Here is the plan now.",
                                  "They did not say it. Here's the plan now.")
    assert subs == []
    subs, _ = build.substitutions("They didn't say it, the corporate mentioned.",
                                  "They did not say it, the company said.")
    assert ("corporate", "company") in subs and ("mentioned", "said") in subs
    assert all("'" not in a + b for a, b in subs)


def test_family_rows_leave_a_site_out():
    build = load_family_script()
    if not build.CORPUS.is_dir():
        pytest.skip("shared/corpora/real-spun not beside the repository")
    pairs_ = build.read_pairs()
    site = next(p.site for p in pairs_ if p.dominant)
    occ_all, _, _ = build.count_pairs(pairs_)
    occ_out, sites_out, _ = build.count_pairs(pairs_, {site})
    assert sum(occ_out.values()) < sum(occ_all.values())
    assert all(site not in s for s in sites_out.values())
