#!/usr/bin/env python3
"""Accuracy of textfix on synthetically spun BBC news and on the two real spun examples.

For every spinner configuration (benchmarks/spinner.py) and every context scorer asked for, each of
the 300 BBC articles is spun, restored with ``textfix.explain``, and compared with the exact list of
substitutions the spinner made (no fuzzy alignment):

- **restored**: share of substitutions whose original wording came back exactly;
- **wrong**: share changed by textfix, but to something other than the original;
- **missed**: share left as the spinner wrote them;
- **clean chg (spun)**: share of the words the spinner did NOT touch that textfix changed;
- **clean chg (orig)**: share of the words of the untouched original articles that textfix changed
  (false positives on clean text; target <= 0.1%), and how many articles changed at all;
- **AUC**: ``textfix.spin_score`` ROC AUC, spun articles against their clean originals (target >= 0.99);
- **MB/s**: throughput of ``textfix.explain`` on the spun text (UTF-8 bytes of input / wall time).

Substitutions are counted one per spun word or phrase (a phrase rewrite such as "according to" ->
"based on" is one), split by where the spinner took them from: its thesaurus (the non-circular part
when that thesaurus is not Moby, textfix's own candidate source) or its small list of fixed phrase
rewrites (which textfix's curated table is meant to know).

The real examples (../shared/examples/*.txt) are compared with our own hand restorations in
benchmarks/examples_restored/ by a word-level difflib alignment: of the words the spinner changed,
how many textfix brought back, and how many words the spinner had left alone textfix broke. The
same again *held out*: each article restored without the curated rows that only it shows (the
nearest we have to an unseen article from the same spinner).

Clean text that is not news (the standard library's docstrings; Debian's licences and package
READMEs and the Node.js API reference when present) is restored too: words changed, and documents
spin_score flags as spun.

Mixed documents: 20 articles pasted into one text (as paragraphs, or one article per line), 1, 5,
10 or 20 of them spun (mythes), restored as one document: the edits that land in the spun articles
(against the same articles restored alone) and in the clean ones.

usage: python benchmarks/accuracy.py [--config NAME ...] [--scorer trigram,bigram] [--limit N]
                                     [--json] [--no-examples] [--no-offdomain] [--no-mixed] [--show N]
configs: see CONFIGS below (default: mythes, mythes-open, wordnet, moby)
"""
from __future__ import annotations

import argparse
import difflib
import json
import platform
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _corpus  # noqa: E402
from benchmarks.spinner import SpinConfig, Sub, get_spinner  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _docs import stdlib_docs  # noqa: E402  (the same sample the tests use)

WORDS = regex.compile(r"\w+(?:['’]\w+)*")

CONFIGS: dict[str, SpinConfig] = {
    # headline, not circular: textfix's candidate table comes from Moby only
    "mythes": SpinConfig(thesaurus=("mythes",)),
    "mythes-open": SpinConfig(thesaurus=("mythes",), spin_quotes=True, spin_names=True),
    "mythes-nophrases": SpinConfig(thesaurus=("mythes",), phrases=False),
    "wordnet": SpinConfig(thesaurus=("wordnet",)),
    "wordnet-open": SpinConfig(thesaurus=("wordnet",), spin_quotes=True, spin_names=True),
    # circular: the same thesaurus textfix's candidates come from
    "moby": SpinConfig(thesaurus=("moby",)),
    "moby-open": SpinConfig(thesaurus=("moby",), spin_quotes=True, spin_names=True),
    "mythes-rate10": SpinConfig(thesaurus=("mythes",), rate=0.10),
    "mythes-rate30": SpinConfig(thesaurus=("mythes",), rate=0.30),
    "mythes-seed2": SpinConfig(thesaurus=("mythes",), seed=2),
}
DEFAULT_CONFIGS = ("mythes", "mythes-open", "wordnet", "moby")


def table_pairs(tables: tuple[str, ...] | None) -> set[tuple[str, str]]:
    """(spun, original) pairs in textfix's shipped tables, lowercased, to measure candidate
    coverage: the share of substitutions whose original textfix could propose at all."""
    pairs: set[tuple[str, str]] = set()
    names = tables or ("phrases", "thesaurus")
    for name in names:
        try:
            from textfix.tables import table_path

            path = table_path(name)
        except Exception:  # noqa: BLE001
            path = _corpus.REPO / "wordlists" / f"{name}.tsv"
        if not Path(path).exists():
            continue
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or line.startswith("spun\t"):
                continue
            parts = line.split("\t")
            if len(parts) >= 2:
                pairs.add((parts[0], parts[1]))
    return pairs


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("’", "'").split())


def nwords(text: str) -> int:
    return sum(1 for _ in WORDS.finditer(text))


# --------------------------------------------------------------------------------------------------
# exact scoring of one spun document

@dataclass
class DocScore:
    subs: int = 0
    subs_thes: int = 0
    subs_phrase: int = 0
    restored: int = 0
    restored_thes: int = 0
    restored_phrase: int = 0
    restored_nocase: int = 0  # right word, wrong case (counted as wrong above)
    covered: int = 0  # the original is among textfix's table candidates for the spun form
    covered_thes: int = 0
    wrong: int = 0
    missed: int = 0
    words: int = 0
    clean_words: int = 0
    clean_changed: int = 0
    edits: int = 0
    bad_edits: int = 0  # edits whose span does not match the input (a textfix bug)
    examples_wrong: list[tuple[str, str, str]] = field(default_factory=list)
    examples_fp: list[tuple[str, str]] = field(default_factory=list)

    def add(self, o: "DocScore") -> None:
        for k, v in vars(o).items():
            if isinstance(v, int):
                setattr(self, k, getattr(self, k) + v)
            else:
                getattr(self, k).extend(v)


def _apply(text: str, lo: int, hi: int, repl: list[tuple[int, int, str]]) -> str:
    out, pos = [], lo
    for s, e, r in sorted(repl):
        out.append(text[pos:s])
        out.append(r)
        pos = e
    out.append(text[pos:hi])
    return "".join(out)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1 or b0 == b1:  # an insertion touches what it is inside or next to
        return a0 <= b1 and b0 <= a1
    return a0 < b1 and b0 < a1


def score_doc(spun: str, subs: list[Sub], edits, pairs: set[tuple[str, str]] | None = None) -> DocScore:
    ds = DocScore()
    if pairs:
        for s in subs:
            if (_norm(s.spun), _norm(s.original)) in pairs:
                ds.covered += 1
                ds.covered_thes += s.kind == "thesaurus"
    ds.words = nwords(spun)
    good_edits = []
    for e in edits:
        if not (0 <= e.start <= e.end <= len(spun)) or spun[e.start:e.end] != e.spun:
            ds.bad_edits += 1
        else:
            good_edits.append(e)
    ds.edits = len(good_edits)
    # clusters of overlapping subs and edits
    items = [(s.start, s.end, 0, i) for i, s in enumerate(subs)] + \
            [(e.start, e.end, 1, i) for i, e in enumerate(good_edits)]
    items.sort(key=lambda x: (x[0], x[1]))
    clusters: list[list[tuple[int, int, int, int]]] = []
    hi = -1
    for it in items:
        if clusters and (_overlaps(it[0], it[1], clusters[-1][0][0], hi)):
            clusters[-1].append(it)
            hi = max(hi, it[1])
        else:
            clusters.append([it])
            hi = it[1]
    sub_words = 0
    for cl in clusters:
        lo = min(x[0] for x in cl)
        hi = max(x[1] for x in cl)
        csubs = [subs[x[3]] for x in cl if x[2] == 0]
        cedits = [good_edits[x[3]] for x in cl if x[2] == 1]
        expected = _apply(spun, lo, hi, [(s.start, s.end, s.original) for s in csubs])
        got = _apply(spun, lo, hi, [(e.start, e.end, e.original) for e in cedits])
        whole_ok = expected == got
        for s in csubs:
            ds.subs += 1
            kind_thes = s.kind == "thesaurus"
            ds.subs_thes += kind_thes
            ds.subs_phrase += not kind_thes
            exact = whole_ok or any(e.start == s.start and e.end == s.end and e.original == s.original
                                    for e in cedits)
            if exact:
                ds.restored += 1
                ds.restored_thes += kind_thes
                ds.restored_phrase += not kind_thes
            elif any(_overlaps(e.start, e.end, s.start, s.end) for e in cedits):
                ds.wrong += 1
                hit = [e for e in cedits if _overlaps(e.start, e.end, s.start, s.end)]
                if any(e.original.lower() == s.original.lower() for e in hit):
                    ds.restored_nocase += 1
                ds.examples_wrong.append((s.spun, s.original, " | ".join(e.original for e in hit)))
            else:
                ds.missed += 1
        if not whole_ok:
            # words changed by an edit that lie outside every substitution of the cluster
            for e in cedits:
                for m in WORDS.finditer(spun, e.start, e.end):
                    if not any(s.start <= m.start() < s.end for s in csubs):
                        ds.clean_changed += 1
                if not csubs:
                    ds.examples_fp.append((e.spun, e.original))
    for s in subs:
        sub_words += nwords(s.spun)
    ds.clean_words = ds.words - sub_words
    return ds


# --------------------------------------------------------------------------------------------------

def auc(pos: list[float], neg: list[float]) -> float:
    """ROC AUC = P(score of a random positive > a random negative), ties counting one half
    (the Mann-Whitney U statistic, computed from ranks)."""
    if not pos or not neg:
        return float("nan")
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum = 0.0
    i = 0
    n = len(allv)
    while i < n:
        j = i
        while j < n and allv[j][0] == allv[i][0]:
            j += 1
        avg = (i + 1 + j) / 2.0  # ranks i+1..j
        rank_sum += avg * sum(1 for k in range(i, j) if allv[k][1] == 1)
        i = j
    npos, nneg = len(pos), len(neg)
    return (rank_sum - npos * (npos + 1) / 2.0) / (npos * nneg)


def pct(a: float, b: float, digits: int = 1) -> str:
    return f"{100.0 * a / b:.{digits}f}%" if b else "n/a"


# --------------------------------------------------------------------------------------------------

def run_clean(textfix, docs, opts) -> dict:
    """textfix on the untouched originals: words changed, documents changed, spin scores."""
    words = changed = docs_changed = 0
    per_cat: dict[str, list[int]] = {}
    scores: dict[str, float] = {}
    fps: Counter = Counter()
    nbytes = 0
    t0 = time.perf_counter()
    for name, text in docs:
        r = textfix.explain(text, **opts)
        w = nwords(text)
        c = sum(max(1, nwords(e.spun)) for e in r.edits)
        words += w
        changed += c
        docs_changed += bool(r.edits)
        nbytes += len(text.encode("utf-8"))
        cat = _corpus.category(name)
        pc = per_cat.setdefault(cat, [0, 0, 0])
        pc[0] += w
        pc[1] += c
        pc[2] += bool(r.edits)
        for e in r.edits:
            fps[(e.spun, e.original, e.source)] += 1
    elapsed = time.perf_counter() - t0
    for name, text in docs:
        scores[name] = float(textfix.spin_score(text, **opts))
    return {"words": words, "changed": changed, "docs": len(docs), "docs_changed": docs_changed,
            "per_cat": per_cat, "scores": scores, "top_fp": fps.most_common(15),
            "mb_per_s": nbytes / 1e6 / elapsed if elapsed else float("nan")}


def run_spun(textfix, docs, cfg: SpinConfig, opts, pairs=None) -> dict:
    spinner = get_spinner(cfg)
    total = DocScore()
    per_cat: dict[str, DocScore] = {}
    scores: dict[str, float] = {}
    nbytes = 0
    elapsed = 0.0
    orig_words = changed_words = 0
    spun_docs = []
    for name, text in docs:
        spun, subs = spinner.spin(text)
        spun_docs.append((name, spun))
        orig_words += nwords(text)
        changed_words += sum(nwords(s.original) for s in subs)
        t0 = time.perf_counter()
        r = textfix.explain(spun, **opts)
        elapsed += time.perf_counter() - t0
        nbytes += len(spun.encode("utf-8"))
        ds = score_doc(spun, subs, r.edits, pairs)
        total.add(ds)
        per_cat.setdefault(_corpus.category(name), DocScore()).add(ds)
    for name, spun in spun_docs:
        scores[name] = float(textfix.spin_score(spun, **opts))
    return {"score": total, "per_cat": per_cat, "scores": scores,
            "spin_rate": changed_words / orig_words if orig_words else 0.0,
            "mb_per_s": nbytes / 1e6 / elapsed if elapsed else float("nan"), "seconds": elapsed}


def hand_check(textfix, opts) -> list[dict]:
    """The real examples against our hand restorations (word-level difflib alignment)."""
    out = []
    for name, spun, hand in _corpus.examples():
        if hand is None:
            out.append({"name": name, "error": f"no hand restoration in {_corpus.RESTORED}"})
            continue
        out.append(_check_example(textfix, opts, name, spun, hand))
    return out


def _phrase_in(phrase: str, text: str) -> bool:
    words = phrase.split()
    pat = r"(?<![\w'’])" + r"\s+".join(regex.escape(w).replace("'", "['’]") for w in words) + r"(?![\w'’])"
    return regex.search(pat, text, flags=regex.IGNORECASE) is not None


def heldout_check(textfix, opts) -> list[dict]:
    """Each real example restored with the curated table it would have had without it.

    The curated phrase table was read off the two examples, so `hand_check` is partly circular.
    Here, for article X, every ``seed``/``seed-infl`` row of ``phrases.tsv`` whose spun phrase
    occurs in X and not in the other article is dropped (the rows a reader of the other article
    alone could not have written), and X is restored with that table, the thesaurus and the
    spinner rows. This is the nearest measurement we have of an unseen article from the same
    spinner: most of its substitutions must come from the thesaurus and from document evidence.
    """
    import os
    import shutil
    import tempfile

    from textfix import tables

    exs = [(n, s, h) for n, s, h in _corpus.examples() if h is not None]
    src = tables.table_path("phrases").parent
    out = []
    saved = os.environ.get("TEXTFIX_WORDLISTS")
    try:
        for name, spun, hand in exs:
            others = [s for n, s, _ in exs if n != name]
            with tempfile.TemporaryDirectory() as tmp:
                for f in src.glob("*.tsv"):
                    if f.name != "phrases.tsv":
                        shutil.copy(f, tmp)
                kept, dropped = [], 0
                for line in (src / "phrases.tsv").read_text(encoding="utf-8").splitlines(keepends=True):
                    cols = line.rstrip("\n").split("\t")
                    if not line.startswith("#") and len(cols) >= 4 and cols[3].startswith("seed") \
                            and _phrase_in(cols[0], spun) and not any(_phrase_in(cols[0], o) for o in others):
                        dropped += 1
                        continue
                    kept.append(line)
                (Path(tmp) / "phrases.tsv").write_text("".join(kept), encoding="utf-8")
                os.environ["TEXTFIX_WORDLISTS"] = tmp
                tables.load_table.cache_clear()
                tables.lexicon.cache_clear()
                r = _check_example(textfix, opts, name, spun, hand)
                r["rows_dropped"] = dropped
                out.append(r)
    finally:
        if saved is None:
            os.environ.pop("TEXTFIX_WORDLISTS", None)
        else:
            os.environ["TEXTFIX_WORDLISTS"] = saved
        tables.load_table.cache_clear()
        tables.lexicon.cache_clear()
    return out


#: standard-library modules whose documentation is the off-domain clean sample (present on every
#: Python 3.11; `offdomain_check`)
DOC_MODULES = ("abc argparse asyncio base64 bisect calendar cmd codecs collections configparser contextlib copy csv "
               "dataclasses datetime decimal difflib dis email enum filecmp fileinput fnmatch fractions ftplib "
               "functools getopt gettext glob gzip hashlib heapq hmac html http.client imaplib inspect io ipaddress "
               "itertools json linecache locale logging lzma mailbox math mimetypes mmap numbers operator optparse "
               "os pathlib pdb pickle platform poplib pprint queue random re sched secrets selectors shlex shutil "
               "signal site smtplib socket sqlite3 ssl stat statistics string struct subprocess sysconfig tarfile "
               "tempfile textwrap threading timeit tokenize trace types unittest urllib.request uuid warnings wave "
               "weakref zipfile zlib").split()
#: local clean prose that is not news, used when present (Debian: licences and package READMEs)
DOC_GLOBS = ("/usr/share/common-licenses/*", "/usr/share/doc/*/README*", "/usr/share/doc/*/*.txt")
#: long technical HTML, read the way `textfix clean` reads HTML (markup and code left out), when
#: present (Debian's nodejs package: 60-odd API reference pages; all.html repeats them all)
HTML_GLOBS = ("/usr/share/doc/nodejs/api/*.html",)


def html_documents(path: str) -> list[str]:
    """The documents `textfix clean` would restore in an HTML file (its visible prose, cut into
    documents of ~60,000 characters)."""
    import textfix
    from textfix import formats

    docs: list[str] = []

    def record(text: str):
        docs.append(text)
        return textfix.Explanation(text, (), 0.0)  # nothing is restored here: only the texts are wanted

    for _ in formats.process_html([Path(path).read_text(encoding="utf-8")], record):
        pass
    return docs


def offdomain_samples() -> list[tuple[str, list[tuple[str, str]]]]:
    """The clean texts that are not news, as (label, [(name, text)]): the standard library's own
    documentation (module, class and function docstrings; every Python has it) and, when the
    machine has them, Debian's licence texts and package READMEs (plain UTF-8 files of 500 to
    200,000 characters) and the Node.js API reference pages (HTML); a sample the machine lacks is
    an empty list."""
    import glob

    deb = []
    for f in sorted({f for g in DOC_GLOBS for f in glob.glob(g)}):
        try:
            t = Path(f).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if 500 <= len(t) <= 200_000:
            deb.append((f, t))
    pages = sorted({f for g in HTML_GLOBS for f in glob.glob(g) if not f.endswith("/all.html")})
    return [("stdlib docstrings", [(m, stdlib_docs(m)) for m in DOC_MODULES]),
            ("Debian licences and READMEs", deb),
            ("Node.js API reference (HTML)",
             [(f"{f}#{k}", doc) for f in pages for k, doc in enumerate(html_documents(f))])]


def offdomain_check(textfix, opts) -> list[dict]:
    """Clean text that is not news (offdomain_samples): it must come back unchanged too."""
    samples = [(label, docs) for label, docs in offdomain_samples() if docs]
    out = []
    for label, docs in samples:
        words = changed = docs_changed = flagged = flagged_scan = 0
        fps: Counter = Counter()
        for name, text in docs:
            r = textfix.explain(text, **opts)
            words += nwords(text)
            changed += sum(max(1, nwords(e.spun)) for e in r.edits)
            docs_changed += bool(r.edits)
            flagged += r.spin_score >= 0.5
            flagged_scan += textfix.spin_score(text, **opts) >= 0.5
            for e in r.edits:
                fps[(e.spun, e.original)] += 1
        out.append({"sample": label, "docs": len(docs), "words": words, "changed": changed,
                    "docs_changed": docs_changed, "flagged": flagged, "flagged_scan": flagged_scan,
                    "top_fp": fps.most_common(8)})
    return out


#: mixed documents: articles per document, documents per row, spun articles per document
MIXED_SIZE, MIXED_DOCS, MIXED_SPUN = 20, 6, (1, 5, 10, 20)


def mixed_check(textfix, docs: list[tuple[str, str]], opts) -> list[dict]:
    """Spun and clean articles pasted into one document (a dump of scraped articles in one file).

    For each layout (articles as paragraphs joined by blank lines; or each article on one line) and
    each count k in MIXED_SPUN: MIXED_DOCS documents of MIXED_SIZE consecutive articles, k of them
    (a fixed random choice) spun with the ``mythes`` spinner; each document restored whole. Counts
    the edits inside the spun articles, the edits those articles get when restored alone, and the
    edits inside the clean articles (all wrong)."""
    import random

    spinner = get_spinner(CONFIGS["mythes"])
    out = []
    for layout, sep in (("paragraphs", "\n\n"), ("one per line", "\n")):
        out.extend(_mixed_rows(textfix, [t for _, t in docs], opts, spinner, random.Random(7), layout, sep))
    return out


def _mixed_rows(textfix, texts: list[str], opts, spinner, rng, layout: str, sep: str) -> list[dict]:
    def shape(t: str) -> str:
        return t if sep == "\n\n" else " ".join(t.split())

    out = []
    for k in MIXED_SPUN:
        row = {"layout": layout, "spun": k, "size": MIXED_SIZE, "docs": 0, "edits_spun": 0, "edits_alone": 0,
               "edits_clean": 0}
        for g in range(MIXED_DOCS):
            idx = list(range(g * MIXED_SIZE, (g + 1) * MIXED_SIZE))
            if idx[-1] >= len(texts):
                break
            spun_idx = set(rng.sample(idx, k))
            parts, kinds = [], []
            for i in idx:
                if i in spun_idx:
                    s = shape(spinner.spin(texts[i])[0])
                    row["edits_alone"] += len(textfix.explain(s, **opts).edits)
                    parts.append(s)
                else:
                    parts.append(shape(texts[i]))
                kinds.append(i in spun_idx)
            edits = textfix.explain(sep.join(parts), **opts).edits
            starts, pos = [], 0
            for part in parts:
                starts.append(pos)
                pos += len(part) + len(sep)
            for e in edits:
                j = max(n for n, st in enumerate(starts) if st <= e.start)
                row["edits_spun" if kinds[j] else "edits_clean"] += 1
            row["docs"] += 1
        out.append(row)
    return out


def _check_example(textfix, opts, name: str, spun: str, hand: str) -> dict:
    return compare_restoration(name, spun, hand, textfix.restore(spun, **opts))


def compare_restoration(name: str, spun: str, hand: str, restored: str, max_block: int | None = None,
                        fold_apostrophes: bool = False) -> dict:
    """Word-level difflib alignments spun -> hand (what the spinner changed) and hand -> restored
    (what came back, what broke). With ``max_block``, a non-equal block of the first alignment
    longer than that many words on either side is taken for a difference of content, not of
    spinning (an original that is another revision of the article, a headline only one copy has):
    its words count neither as changed by the spinner nor as new errors (``unaligned``). With
    ``fold_apostrophes``, ’ and ' are the same (two copies of one article from different sites)."""
    def words(t: str) -> list[str]:
        return [m.group().replace("’", "'") if fold_apostrophes else m.group() for m in WORDS.finditer(t)]

    S, H, R = words(spun), words(hand), words(restored)
    changed_h: set[int] = set()
    unaligned: set[int] = set()
    spinner_inserted: set[int] = set()  # H positions before which the spinner added words ("all of the")
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, S, H, autojunk=False).get_opcodes():
        if max_block is not None and op != "equal" and max(i2 - i1, j2 - j1) > max_block:
            unaligned.update(range(j1, j2))
            spinner_inserted.update(range(j1, j2 + 1))
            continue
        if op != "equal":
            changed_h.update(range(j1, j2))
        if op == "delete":
            spinner_inserted.add(j1)
    ok_h: set[int] = set()
    sm = difflib.SequenceMatcher(None, H, R, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            ok_h.update(range(i1, i2))
    missed = sorted(changed_h - ok_h)
    broken = sorted(set(range(len(H))) - changed_h - ok_h - unaligned)
    # words textfix inserted where the spinner had changed nothing (a word the spinner added and
    # textfix left is a miss, not a new error)
    inserted = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "insert" and not ({i1 - 1, i1} & changed_h) and i1 not in spinner_inserted:
            inserted += j2 - j1

    def ctx(idx: list[int]) -> list[str]:
        return [" ".join(H[max(0, i - 2):i + 3]) for i in idx]

    return {"name": name, "words": len(H) - len(unaligned), "spinner_changed": len(changed_h),
            "restored": len(changed_h & ok_h), "not_restored": len(missed),
            "new_errors": len(broken) + inserted, "missed_context": ctx(missed),
            "broken_context": ctx(broken)}


# --------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS),
                    help="spinner configuration (repeatable); default: " + ", ".join(DEFAULT_CONFIGS))
    ap.add_argument("--scorer", default="trigram", help="textfix context scorer(s): trigram, bigram, "
                    "or both comma-separated")
    ap.add_argument("--limit", type=int, help="use N articles (spread evenly over the categories)")
    ap.add_argument("--min-confidence", type=float, help="passed to textfix")
    ap.add_argument("--no-gating", action="store_true", help="textfix document_gating=False")
    ap.add_argument("--tables", help="textfix tables, comma-separated (default: textfix's)")
    ap.add_argument("--no-examples", action="store_true", help="skip the two real example articles")
    ap.add_argument("--no-offdomain", action="store_true",
                    help="skip the clean non-news texts (standard-library docs, Debian licences and READMEs)")
    ap.add_argument("--no-mixed", action="store_true", help="skip the mixed documents (spun and clean articles "
                    "pasted together)")
    ap.add_argument("--no-categories", action="store_true", help="skip the per-category tables")
    ap.add_argument("--show", type=int, default=0, help="print N sample errors of each kind")
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = ap.parse_args(argv)

    import textfix

    configs = args.config or list(DEFAULT_CONFIGS)
    scorers = [s.strip() for s in args.scorer.split(",") if s.strip()]
    docs = _corpus.bbc_articles(args.limit)
    base_opts: dict = {}
    if args.min_confidence is not None:
        base_opts["min_confidence"] = args.min_confidence
    if args.no_gating:
        base_opts["document_gating"] = False
    if args.tables:
        base_opts["tables"] = tuple(t for t in args.tables.split(",") if t)

    results: dict = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                                 "cpus": _cpus()},
                     "textfix": getattr(textfix, "__version__", "?"), "revision": _corpus.textfix_revision(),
                     "load_before": _corpus.load_average(), "docs": len(docs),
                     "options": base_opts, "runs": [], "clean": {}, "examples": {}, "heldout": {},
                     "offdomain": {}, "mixed": {}}
    t_start = time.perf_counter()
    pairs = table_pairs(base_opts.get("tables"))
    for scorer in scorers:
        opts = dict(base_opts, scorer=scorer)
        textfix.restore("warm up the tables and the model", **opts)
        clean = run_clean(textfix, docs, opts)
        results["clean"][scorer] = clean
        for cname in configs:
            r = run_spun(textfix, docs, CONFIGS[cname], opts, pairs)
            neg = [clean["scores"][n] for n, _ in docs]
            pos = [r["scores"][n] for n, _ in docs]
            r["auc"] = auc(pos, neg)
            r["auc_per_cat"] = {
                cat: auc([r["scores"][n] for n, _ in docs if _corpus.category(n) == cat],
                         [clean["scores"][n] for n, _ in docs if _corpus.category(n) == cat])
                for cat in sorted({_corpus.category(n) for n, _ in docs})}
            r["config"] = cname
            r["spinner"] = CONFIGS[cname].name
            r["scorer"] = scorer
            results["runs"].append(r)
        if not args.no_examples:
            results["examples"][scorer] = hand_check(textfix, opts)
            results["heldout"][scorer] = heldout_check(textfix, opts)
        if not args.no_offdomain:
            results["offdomain"][scorer] = offdomain_check(textfix, opts)
        if not args.no_mixed:
            results["mixed"][scorer] = mixed_check(textfix, docs, opts)
    results["seconds"] = time.perf_counter() - t_start
    results["load_after"] = _corpus.load_average()

    if args.json:
        print(json.dumps(_jsonable(results), indent=1))
    else:
        print(markdown(results, args))
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def _jsonable(results: dict) -> dict:
    out = json.loads(json.dumps(results, default=lambda o: vars(o) if isinstance(o, DocScore) else str(o)))
    for r in out["runs"]:
        r.pop("scores", None)
        for k in ("examples_wrong", "examples_fp"):
            r["score"].pop(k, None)
            for c in r["per_cat"].values():
                c.pop(k, None)
    for c in out["clean"].values():
        c.pop("scores", None)
    return out


def markdown(res: dict, args) -> str:
    L: list[str] = []
    m = res["machine"]
    L.append(f"textfix {res['textfix']} (git {res['revision']}) on {res['docs']} BBC articles; Python "
             f"{m['python']}, {m['cpus']} CPUs; options {res['options'] or 'default'}; {res['seconds']:.0f} s in "
             f"all; load average {res['load_before']} before, {res['load_after']} after.")
    L.append("")
    L.append("| spinner config | scorer | spun (rate) | restored | from thesaurus | from phrases | wrong "
             "| missed | clean chg (spun) | clean chg (orig) | orig docs changed | AUC | MB/s |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in res["runs"]:
        s: DocScore = r["score"]
        c = res["clean"][r["scorer"]]
        L.append(f"| {r['config']} (`{r['spinner']}`) | {r['scorer']} | {s.subs} ({r['spin_rate']:.1%}) "
                 f"| {pct(s.restored, s.subs)} | {pct(s.restored_thes, s.subs_thes)} "
                 f"| {pct(s.restored_phrase, s.subs_phrase)} | {pct(s.wrong, s.subs)} "
                 f"| {pct(s.missed, s.subs)} | {pct(s.clean_changed, s.clean_words, 2)} "
                 f"| {pct(c['changed'], c['words'], 3)} | {c['docs_changed']}/{c['docs']} "
                 f"| {r['auc']:.4f} | {r['mb_per_s']:.2f} |")
    L.append("\nCandidate coverage (the original is among the candidates textfix's tables list for the spun "
             "form; an upper bound on what table-driven restoration can reach):\n")
    L.append("| spinner config | all substitutions | thesaurus substitutions |")
    L.append("|---|---|---|")
    seen = set()
    for r in res["runs"]:
        if r["config"] in seen:
            continue
        seen.add(r["config"])
        s = r["score"]
        L.append(f"| {r['config']} | {pct(s.covered, s.subs)} | {pct(s.covered_thes, s.subs_thes)} |")
    for r in res["runs"]:
        if r["score"].restored_nocase:
            L.append(f"\n{r['config']} / {r['scorer']}: {r['score'].restored_nocase} of the 'wrong' have the right "
                     f"word in the wrong case.")
    bad = sum(r["score"].bad_edits for r in res["runs"])
    if bad:
        L.append(f"\n**{bad} edits did not match their span in the input (textfix bug).**")
    for scorer, c in res["clean"].items():
        L.append(f"\nClean originals, scorer {scorer}: {c['changed']} of {c['words']} words changed "
                 f"({pct(c['changed'], c['words'], 3)}) in {c['docs_changed']} of {c['docs']} articles; "
                 f"explain at {c['mb_per_s']:.2f} MB/s.")
        if c["top_fp"]:
            L.append("Most frequent edits on clean text: " + "; ".join(
                f"{sp!r}->{orig!r} ({src}) x{n}" for (sp, orig, src), n in c["top_fp"][:10]))
    if not args.no_categories:
        for r in res["runs"]:
            L.append(f"\nPer category, {r['config']}, scorer {r['scorer']}:\n")
            L.append("| category | spun | restored | wrong | clean chg (spun) | clean chg (orig) | AUC |")
            L.append("|---|---|---|---|---|---|---|")
            c = res["clean"][r["scorer"]]
            for cat, s in sorted(r["per_cat"].items()):
                w, ch, _ = c["per_cat"].get(cat, [0, 0, 0])
                L.append(f"| {cat} | {s.subs} | {pct(s.restored, s.subs)} | {pct(s.wrong, s.subs)} "
                         f"| {pct(s.clean_changed, s.clean_words, 2)} | {pct(ch, w, 3)} "
                         f"| {r['auc_per_cat'].get(cat, float('nan')):.4f} |")
    for key, title in (("examples", "Real spun examples against the hand restorations (benchmarks/examples_restored/):"),
                       ("heldout", "Held out: each real example restored without the curated rows only it shows "
                                   "(an unseen article from the same spinner; see heldout_check):")):
        if not res.get(key):
            continue
        L.append(f"\n{title}\n")
        L.append("| article | scorer | words | changed by the spinner | restored by textfix | "
                 "not restored | new errors elsewhere |")
        L.append("|---|---|---|---|---|---|---|")
        for scorer, exs in res[key].items():
            for e in exs:
                if "error" in e:
                    L.append(f"| {e['name']} | {scorer} | {e['error']} | | | | |")
                    continue
                L.append(f"| {e['name']} | {scorer} | {e['words']} | {e['spinner_changed']} "
                         f"| {e['restored']} ({pct(e['restored'], e['spinner_changed'])}) "
                         f"| {e['not_restored']} | {e['new_errors']} |")
            tot_c = sum(e.get("spinner_changed", 0) for e in exs)
            tot_r = sum(e.get("restored", 0) for e in exs)
            tot_n = sum(e.get("new_errors", 0) for e in exs)
            L.append(f"| **both** | {scorer} | | {tot_c} | {tot_r} ({pct(tot_r, tot_c)}) | {tot_c - tot_r} "
                     f"| {tot_n} |")
    if res.get("offdomain"):
        L.append("\nClean text that is not news (must come back unchanged; flagged = spin score >= 0.5, by explain, "
                 "the restoring pass, and by spin_score, the scan):\n")
        L.append("| sample | scorer | documents | words | words changed | documents changed | flagged (explain) | "
                 "flagged (spin_score) | most frequent changes |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        for scorer, samples in res["offdomain"].items():
            for x in samples:
                top = "; ".join(f"{a}->{b} x{n}" for (a, b), n in x["top_fp"][:5])
                L.append(f"| {x['sample']} | {scorer} | {x['docs']} | {x['words']} | {x['changed']} "
                         f"({pct(x['changed'], x['words'], 3)}) | {x['docs_changed']} | {x['flagged']} | "
                         f"{x.get('flagged_scan', '')} | {top} |")
    if res.get("mixed"):
        L.append("\nMixed documents (articles pasted into one text, some spun, restored as one document; "
                 "edits in the clean articles are all wrong):\n")
        L.append("| scorer | layout | documents | spun of articles | edits in spun articles | the same articles "
                 "restored alone | edits in clean articles |")
        L.append("|---|---|---|---|---|---|---|")
        for scorer, rows in res["mixed"].items():
            for x in rows:
                L.append(f"| {scorer} | {x['layout']} | {x['docs']} | {x['spun']} of {x['size']} | {x['edits_spun']} | "
                         f"{x['edits_alone']} | {x['edits_clean']} |")
    if args.show:
        for r in res["runs"]:
            s = r["score"]
            L.append(f"\nSample errors, {r['config']} / {r['scorer']}:")
            L.append("  wrong (spun -> original, textfix gave): " + "; ".join(
                f"{a}->{b} [{c}]" for a, b, c in s.examples_wrong[:args.show]))
            L.append("  changed clean words (spun text): " + "; ".join(
                f"{a}->{b}" for a, b in s.examples_fp[:args.show]))
        for scorer, exs in res["examples"].items():
            for e in exs:
                if "error" in e:
                    continue
                L.append(f"\n{e['name']} / {scorer}: not restored: " + "; ".join(e["missed_context"][:args.show]))
                L.append(f"{e['name']} / {scorer}: new errors at: " + "; ".join(e["broken_context"][:args.show]))
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
