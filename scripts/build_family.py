#!/usr/bin/env python3
"""Build ``wordlists/family.tsv``: the dominant spinner family's dictionary, read off real pages.

The data is ``../shared/corpora/real-spun/`` (real spun news pages collected from public web pages,
with unspun copies of the same articles; see its README). It lies beside the repository and is
never copied into it: the table holds derived word pairs and their counts only.

For every pair whose spun page the corpus index labels "dominant dictionary", both texts are
tokenised (words, lowercased), aligned with ``difflib.SequenceMatcher``, and each short ``replace``
block between two agreeing stretches, inside one sentence on either side, is counted as one
substitution (spun phrase -> original phrase). Equal-length blocks of several words are split word
by word (this spinner swaps words, so "chapter safety" is "chapter" + "safety"). A row's weight is
how often the spun phrase, on this family's spun pages, was the spinner's rewrite of that original
(kept occurrences of the phrase count against it); its source tag records its evidence:
``real.n7.s4.k2`` = 7 aligned occurrences on 4 sites, the phrase left as it was twice.

    python scripts/build_family.py            # write wordlists/family.tsv
    python scripts/build_family.py check      # exit 1 if the committed table differs
    python scripts/build_family.py --out F --min-occurrences 1 --min-sites 1   # a variant to measure
"""
from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import regex

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEXTFIX_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpora" / "real-spun"
OUT = REPO / "wordlists" / "family.tsv"
#: written into the header; bump when the table's content changes on purpose
TABLE_VERSION = "2026.12.1"

#: the longest replace block (tokens on either side) taken as a substitution. The spinner's own
#: rewrites are at most 3-4 words ("according to" -> "in line with", "cook" -> "prepare dinner");
#: longer blocks in these pairs are revision differences (a reworded sentence)
MAX_BLOCK = 4
#: the fewest agreeing tokens on each side of a block: a substitution sits in text that otherwise
#: matches (1 suffices: heavy spinning leaves one word between two swaps, "told reporters last
#: year" -> "informed reporters final 12 months")
MIN_CONTEXT = 1
#: the evidence a row needs to ship: aligned occurrences and distinct sites, or, from fewer sites,
#: a weight of at least ONE_SITE_WEIGHT (the phrase was the spinner's nearly every time it was
#: seen). Chosen with benchmarks/real.py (leave-one-site-out; RESULTS.md "Real spinner family"),
#: share of the spinner's word errors removed / new errors (at af36bf7, before only the strong rows
#: counted as evidence of spinning):
#:   every row (1+ on 1+ site), no weight prior   54.5% / 1.65%, but the family table then made
#:                                                textfix edit a long stdlib manual (test_negative)
#:   every row, WEIGHT_PRIOR 1                    52.4% / 1.53%
#:   every row, WEIGHT_PRIOR 3                    49.4% / 1.37%
#:   2+ sites, or weight >= 0.5, WEIGHT_PRIOR 1   55.5% / 1.68%  <- this build
#:   2+ occurrences on 2+ sites                   50.1% / 1.58%
#:   3+ occurrences on 2+ sites                   47.3% / 1.49%
MIN_OCCURRENCES, MIN_SITES = 1, 2
ONE_SITE_WEIGHT = 0.5
#: pseudo-count added to the denominator of every weight: a phrase seen once as a swap and never
#: as itself gets 0.5, not 1
WEIGHT_PRIOR = 1.0
#: split an equal-length block of several words word by word ("chapter safety" -> "bankruptcy
#: protection" is two swaps) rather than keep it as one phrase ("after which" -> "and then"):
#: 40.8% removed / 1.55% new errors against 39.8% / 1.43% (family trust 0.5, 2+/2+ rows)
SPLIT_EQUAL = True
#: weights as the spinner's channel (the share of the phrase's occurrences on spun pages, kept ones
#: included) rather than the share among its originals only: 40.8% removed / 1.55% new errors
#: against 42.8% / 2.45% (same setting): "of", "to", "which" are rarely the spinner's
CHANNEL_WEIGHTS = True

#: leave out a substitution that only contracts or expands ("did not" -> "didn't", "here's" ->
#: "here is"): the spinner does both, so the text cannot tell which way it went. Measured with
#: benchmarks/real.py (leave-one-site-out, at 44f8bfe + quote beliefs): the contraction rows made
#: 33 edits, of which 15 restored the original and 12 changed a word the spinner had left alone
SKIP_CONTRACTIONS = True
_CONTRACTION = {"n't": " not", "'re": " are", "'s": " is", "'d": " would", "'ve": " have", "'ll": " will",
                "'m": " am"}
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*")
_TABLE_TOKEN = regex.compile(r"[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{M}\p{N}]*(?:'[\p{Ll}\p{Lo}\p{N}]+)*")
# a sentence ends at . ! ? followed by a space and a capital or quote, or at a line break
_SENT_END = regex.compile(r"[.!?][\"”’']?\s+(?=[\"“‘'(\p{Lu}\p{N}])|\n")


@dataclass(frozen=True)
class Page:
    name: str
    kind: str        # pair-spun, pair-original, spun-only
    url: str
    family: str      # the index's "spinner family" cell
    path: Path

    @property
    def dominant(self) -> bool:
        return self.family.startswith("dominant dictionary")

    @property
    def site(self) -> str:
        return site_of(self.url)


def site_of(url: str) -> str:
    """The site of a page: its host without www/m/amp or other subdomains ("news.mracuity.com" ->
    "mracuity.com"; "dailyupdates.net.ng" stays whole). File names mostly agree with this, but not
    always ("a-news-garage-..." is news-garage.com)."""
    host = (urlparse(url).hostname or "").lower()
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in ("co", "com", "net", "org", "gov", "ac"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def read_index(corpus: Path = CORPUS) -> list[Page]:
    """Every page the INDEX files list, with its family label."""
    pages = []
    for index in sorted(corpus.glob("INDEX-*.md")):
        for line in index.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.split("|")]
            if len(cells) < 6 or not regex.match(r"[ab]-", cells[1]):
                continue
            name, kind, url, family = cells[1:5]
            if kind == "pair-spun":
                path = corpus / "pairs" / "spun" / f"{name}.txt"
            elif kind == "pair-original":
                path = corpus / "pairs" / "original" / f"{name}.txt"
            else:
                path = corpus / "spun-only" / f"{name}.txt"
            pages.append(Page(name, kind, url, family, path))
    return pages


def read_text(path: Path) -> str:
    """A page's text without its ``# source:`` line."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("# source:"):
        text = text.partition("\n")[2]
    return text


@dataclass(frozen=True)
class Pair:
    name: str
    site: str
    dominant: bool
    spun: str
    original: str


def read_pairs(corpus: Path = CORPUS) -> list[Pair]:
    """The spun/original pairs, each with the site and family of its spun page."""
    pages = read_index(corpus)
    spun = {p.name: p for p in pages if p.kind == "pair-spun"}
    orig = {p.name: p for p in pages if p.kind == "pair-original"}
    out = []
    for name in sorted(spun):
        if name not in orig:
            continue
        s = spun[name]
        out.append(Pair(name, s.site, s.dominant, read_text(s.path), read_text(orig[name].path)))
    return out


def words(text: str) -> tuple[list[str], list[int], list[tuple[int, int]]]:
    """Lowercased word tokens (straight apostrophes), the sentence number of each, and their spans."""
    toks, sents, spans = [], [], []
    ends = [m.end() for m in _SENT_END.finditer(text)]
    k = 0
    for m in _WORD.finditer(text):
        while k < len(ends) and ends[k] <= m.start():
            k += 1
        toks.append(m.group().lower().replace("’", "'"))
        sents.append(k)
        spans.append(m.span())
    return toks, sents, spans


def expand_contractions(phrase: str) -> str:
    """``phrase`` with its English contractions spelled out ("didn't" -> "did not", "can't" ->
    "can not", "it's" -> "it is"): two phrases that agree this way are one wording."""
    words = []
    for w in phrase.replace("cannot", "can not").split(" "):
        w = {"can't": "can not", "won't": "will not", "shan't": "shall not"}.get(w, w)
        for short, full in _CONTRACTION.items():
            if w.endswith(short) and len(w) > len(short):
                w = w[: -len(short)] + full
                break
        words.append(w)
    return " ".join(words)


def substitution_blocks(spun: list[str], s_sent: list[int], orig: list[str], o_sent: list[int]
                        ) -> list[tuple[int, int, int, int]]:
    """The ``replace`` blocks (i1, i2, j1, j2) of the alignment spun -> original that are spinner
    substitutions: at most MAX_BLOCK tokens a side, between agreeing stretches of at least
    MIN_CONTEXT tokens, each side inside one sentence."""
    ops = difflib.SequenceMatcher(None, spun, orig, autojunk=False).get_opcodes()
    out = []
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op != "replace" or i2 - i1 > MAX_BLOCK or j2 - j1 > MAX_BLOCK:
            continue
        prev = ops[k - 1] if k > 0 else None
        nxt = ops[k + 1] if k + 1 < len(ops) else None
        if prev is not None and (prev[0] != "equal" or prev[2] - prev[1] < MIN_CONTEXT):
            continue
        if nxt is not None and (nxt[0] != "equal" or nxt[2] - nxt[1] < MIN_CONTEXT):
            continue
        if len(set(s_sent[i1:i2])) > 1 or len(set(o_sent[j1:j2])) > 1:
            continue
        out.append((i1, i2, j1, j2))
    return out


def substitutions(spun_text: str, orig_text: str, split: bool | None = None
                  ) -> tuple[list[tuple[str, str]], Counter]:
    """(spun phrase, original phrase) for every substitution of one pair, and how often each phrase
    of up to MAX_BLOCK words occurs on the spun page where the spinner left it as it was."""
    split = SPLIT_EQUAL if split is None else split
    s, s_sent, _ = words(spun_text)
    o, o_sent, _ = words(orig_text)
    out = []
    for i1, i2, j1, j2 in substitution_blocks(s, s_sent, o, o_sent):
        if split and i2 - i1 == j2 - j1 > 1:
            pieces = [((s[i1 + d],), (o[j1 + d],)) for d in range(i2 - i1) if s[i1 + d] != o[j1 + d]]
        else:
            pieces = [(tuple(s[i1:i2]), tuple(o[j1:j2]))]
        for sp, og in pieces:
            if {sp, og} == {("a",), ("an",)}:
                continue  # the article follows the swapped word ("an enormous" for "a big")
            if SKIP_CONTRACTIONS and expand_contractions(" ".join(sp)) == expand_contractions(" ".join(og)):
                continue
            if all(_TABLE_TOKEN.fullmatch(w) for w in sp + og):
                out.append((" ".join(sp), " ".join(og)))
    kept: Counter = Counter()
    for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, s, o, autojunk=False).get_opcodes():
        if op == "equal":
            for a in range(i1, i2):
                for b in range(a + 1, min(i2, a + MAX_BLOCK) + 1):
                    kept[" ".join(s[a:b])] += 1
    return out, kept


@dataclass(frozen=True)
class Row:
    spun: str
    original: str
    weight: float
    occurrences: int
    sites: int
    kept: int = 0

    @property
    def source(self) -> str:
        return f"real.n{self.occurrences}.s{self.sites}.k{self.kept}"


def count_pairs(pairs: Iterable[Pair], exclude_sites: frozenset[str] | set[str] = frozenset()
                ) -> tuple[Counter, dict[tuple[str, str], set[str]], Counter]:
    """Occurrences and sites of every substitution on the dominant family's pairs outside
    ``exclude_sites``, and how often each phrase was left as it was on those spun pages."""
    occ: Counter = Counter()
    sites: dict[tuple[str, str], set[str]] = defaultdict(set)
    kept: Counter = Counter()
    for p in pairs:
        if not p.dominant or p.site in exclude_sites:
            continue
        subs, k = substitutions(p.spun, p.original)
        kept.update(k)
        for sub in subs:
            occ[sub] += 1
            sites[sub].add(p.site)
    return occ, sites, kept


def build_rows(pairs: Iterable[Pair], exclude_sites: frozenset[str] | set[str] = frozenset(), *,
               min_occurrences: int = MIN_OCCURRENCES, min_sites: int = MIN_SITES) -> list[Row]:
    """The table's rows from the dominant family's pairs, leaving out the pages of
    ``exclude_sites`` (leave-one-site-out), sorted by (spun, original).

    A row's weight is the share of the spun phrase's occurrences on the spun pages that the
    spinner made from this original: substitutions / (all its substitutions + the times the phrase
    was left as it was + WEIGHT_PRIOR). "retailer" is the spinner's word for "store" 22 times, but a
    retailer is also just a retailer (kept 45 times), so the weight says 0.32, not 1."""
    occ, sites, kept = count_pairs(pairs, exclude_sites)
    total: Counter = Counter()
    for (sp, _og), n in occ.items():
        total[sp] += n
    rows = []
    for (sp, og), n in occ.items():
        weight = n / (total[sp] + (kept[sp] if CHANNEL_WEIGHTS else 0) + WEIGHT_PRIOR)
        if n >= min_occurrences and (len(sites[(sp, og)]) >= min_sites or weight >= ONE_SITE_WEIGHT):
            rows.append(Row(sp, og, weight, n, len(sites[(sp, og)]), kept[sp]))
    return sorted(rows, key=lambda r: (r.spun, r.original))


def _weight(w: float) -> str:
    w = min(1.0, max(0.0001, w))
    return f"{w:.4f}".rstrip("0").rstrip(".")


def consistency(pairs: Iterable[Pair], rows: list[Row], exclude_sites: frozenset[str] | set[str] = frozenset()
                ) -> tuple[float, float]:
    """How often a row's original occurs elsewhere on the spun page (as a word of the page), when the
    spinner made the spun word from it, and when the spun word was the page's own word.

    This spinner is consistent within a page: when "store" is still on the page, "retailer" there is
    rarely the spinner's "store" (measured on all 63 pairs: present for 15% of substitutions, 67% of
    kept words). pipeline.py turns the two shares into a log-odds term for the table's candidates."""
    cands: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        cands[r.spun].add(r.original)
    sub = [0, 0]
    kept = [0, 0]
    for p in pairs:
        if not p.dominant or p.site in exclude_sites:
            continue
        s, s_sent, _ = words(p.spun)
        o, o_sent, _ = words(p.original)
        page = set(s)
        for i1, i2, j1, j2 in substitution_blocks(s, s_sent, o, o_sent):
            x, y = " ".join(s[i1:i2]), " ".join(o[j1:j2])
            if y in cands.get(x, ()):
                sub[0] += 1
                sub[1] += all(w in page for w in y.split(" "))
        for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, s, o, autojunk=False).get_opcodes():
            if op == "equal":
                for i in range(i1, i2):
                    for y in cands.get(s[i], ()):
                        kept[0] += 1
                        kept[1] += all(w in page for w in y.split(" "))
    return (sub[1] + 1) / (sub[0] + 2), (kept[1] + 1) / (kept[0] + 2)


def render(rows: list[Row], min_occurrences: int = MIN_OCCURRENCES, min_sites: int = MIN_SITES,
           page_shares: tuple[float, float] | None = None) -> str:
    out = ["# textfix-wordlist 1", "# name: family", f"# version: {TABLE_VERSION}",
           "# source: derived word pairs and counts from real spun news pages collected from public web pages "
           "(pages of the dominant dictionary spinner family aligned with unspun copies of the same articles); "
           "no page text is included",
           "# licence: derived data (word pairs and counts only), for research use; the pages belong to their "
           "publishers",
           "# generated-by: scripts/build_family.py",
           f"# evidence: a row needs {min_occurrences}+ aligned occurrences on {min_sites}+ sites, or a weight of "
           f"{ONE_SITE_WEIGHT}+; source tag "
           "real.nN.sS.kK = N occurrences on S sites, the spun phrase left as it was K times on those pages",
           "# weight: N / (all substitutions that produced the spun phrase + K + 1): how often the phrase on a spun "
           "page of this family came from this original",
           *([f"# page-consistency: {page_shares[0]:.4f} {page_shares[1]:.4f} (share of substitutions, and of "
              "kept spun words, whose original occurs elsewhere on the page)"] if page_shares else []),
           "spun\toriginal\tweight\tsource"]
    out.extend(f"{r.spun}\t{r.original}\t{_weight(r.weight)}\t{r.source}" for r in rows)
    return "\n".join(out) + "\n"


def build(exclude_sites: frozenset[str] | set[str] = frozenset(), *, min_occurrences: int = MIN_OCCURRENCES,
          min_sites: int = MIN_SITES, pairs: list[Pair] | None = None) -> str:
    """The text of family.tsv built from the corpus (without ``exclude_sites``)."""
    pairs = read_pairs() if pairs is None else pairs
    rows = build_rows(pairs, exclude_sites, min_occurrences=min_occurrences, min_sites=min_sites)
    return render(rows, min_occurrences, min_sites, consistency(pairs, rows, exclude_sites))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", nargs="?", default="build", choices=("build", "check"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--min-occurrences", type=int, default=MIN_OCCURRENCES)
    ap.add_argument("--min-sites", type=int, default=MIN_SITES)
    ap.add_argument("--exclude-site", action="append", default=[], help="leave a site's pages out")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"cannot find {CORPUS}; set TEXTFIX_SHARED to the shared/ folder", file=sys.stderr)
        return 2
    text = build(frozenset(args.exclude_site), min_occurrences=args.min_occurrences, min_sites=args.min_sites)
    if args.command == "check":
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from a rebuild'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(f"{args.out}: {sum(1 for line in text.splitlines() if not line.startswith('#')) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
