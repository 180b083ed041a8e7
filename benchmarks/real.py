"""Real spun pages (issue 11): leave-one-site-out restoration, examples, spin_score, clean text.

Data: ``../shared/corpora/real-spun/`` (real spun news pages collected from public web pages, with
unspun copies of the same articles; research use, nothing of it is committed) and the BBC sample.

- **Leave-one-site-out** over the dominant family's pairs: for each site, ``family.tsv`` is built
  (``scripts/build_family.py``) without that site's pages, written with the other shipped tables to
  a temporary folder named by ``TEXTFIX_WORDLISTS``, and the site's spun pages are restored with
  ``textfix.explain``. Spun page and restoration are aligned word by word to the original: the
  *spinner's word errors* are the original's words in the short ``replace`` blocks of the spun ->
  original alignment (the blocks build_family.py counts as substitutions); they are *removed* when
  they are in an equal block of the original -> restored alignment, *wrong* when textfix changed
  them to something else, *missed* otherwise. *Words left alone* are the original's words in equal
  blocks of spun -> original; *new errors* are those that are not equal in original -> restored
  (plus words textfix inserted there). Other words (long blocks: revision differences between
  the two copies) are not counted. The originals of the held-out site are restored in the same fold.
- The other families' pairs, the spun-only pages (never used to build the table) and the two
  examples use the table built from all pairs.
- pages flagged (spin score >= 0.5) per family (the index's labels, grouped) and on the originals, by
  ``explain`` (the restoring pass's evidence) and by ``spin_score`` (the scan of issue 14); words
  changed in the originals and in the 300 clean BBC articles.

    python benchmarks/real.py                                  # default tables
    python benchmarks/real.py --tables phrases,thesaurus       # without the family table
    python benchmarks/real.py --min-occurrences 1 --min-sites 1 --show 20
"""
from __future__ import annotations

import argparse
import difflib
import functools
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

import _corpus  # noqa: E402
from accuracy import _check_example, nwords  # noqa: E402

bf = _corpus.script("build_family")


def family_group(label: str) -> str:
    """The index's free-text family label, grouped."""
    low = label.lower()
    if low.startswith("dominant dictionary"):
        return "dominant"
    for key, group in (("homoglyph", "homoglyph"), ("word-salad", "word salad"), ("word salad", "word salad"),
                       ("punctuation", "punctuation stripper"), ("translation", "translation round trip"),
                       ("round trip", "translation round trip"), ("round-trip", "translation round trip"),
                       ("paraphras", "paraphraser")):
        if key in low:
            return group
    return "other dictionary"


# -- one fold ------------------------------------------------------------------------------------

#: the shipped tables (or the folder TEXTFIX_WORDLISTS names when the run starts)
#: textfix options besides the tables (set from the command line before the workers fork)
OPTS: dict = {}
SRC_TABLES = Path(os.environ.get("TEXTFIX_WORDLISTS") or REPO / "wordlists")


def _tables_dir(tmp: Path, family_text: str | None) -> None:
    for f in SRC_TABLES.glob("*.tsv"):
        if f.name != "family.tsv":
            shutil.copy(f, tmp)
    if family_text is not None:
        (tmp / "family.tsv").write_text(family_text, encoding="utf-8")


def _use_tables(folder: str) -> None:
    from textfix import tables
    os.environ["TEXTFIX_WORDLISTS"] = folder
    tables.load_table.cache_clear()
    tables.lexicon.cache_clear()


def score_pair(spun: str, original: str, restored: str) -> dict:
    """Spinner's word errors removed / wrong / missed and new errors of one restored pair."""
    S, s_sent, s_spans = bf.words(spun)
    O, o_sent, _ = bf.words(original)
    R, _, _ = bf.words(restored)
    errors: set[int] = set()
    blocks = bf.substitution_blocks(S, s_sent, O, o_sent)
    for i1, i2, j1, j2 in blocks:
        errors.update(range(j1, j2))
    so = difflib.SequenceMatcher(None, S, O, autojunk=False).get_opcodes()
    alone: dict[int, int] = {}   # original word left alone by the spinner -> its spun word
    for op, i1, i2, j1, j2 in so:
        if op == "equal":
            alone.update(zip(range(j1, j2), range(i1, i2)))
    alone_s = set(alone.values())
    ok: set[int] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, O, R, autojunk=False).get_opcodes():
        if op == "equal":
            ok.update(range(i1, i2))
    # what textfix changed, from the spun -> restored alignment: words changed, words inserted
    s_changed: set[int] = set()
    inserted = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, S, R, autojunk=False).get_opcodes():
        if op != "equal":
            s_changed.update(range(i1, i2))
        if op == "insert" and i1 - 1 in alone_s and i1 in alone_s:
            inserted += j2 - j1
    touched_o: set[int] = set()   # original words of spun blocks that textfix changed
    for op, i1, i2, j1, j2 in so:
        if op == "replace" and s_changed.intersection(range(i1, i2)):
            touched_o.update(range(j1, j2))
    removed = errors & ok
    wrong = (errors - ok) & touched_o
    new = {j for j, i in alone.items() if i in s_changed}
    # quoted speech: the spun page's words inside quotation marks, and the substitutions among them
    from textfix.tokens import quote_spans
    qs = quote_spans(spun)

    def quoted(i: int) -> bool:
        a = s_spans[i][0]
        return any(x <= a < y for x, y in qs)
    quote_words = sum(1 for i in range(len(S)) if quoted(i))
    quote_subs = sum(1 for i1, _i2, _j1, _j2 in blocks if quoted(i1))
    detail = []
    for i1, i2, j1, j2 in blocks:
        js = set(range(j1, j2))
        status = "removed" if js <= ok else "wrong" if js & touched_o else "missed"
        per_word = "".join("r" if j in ok else "w" if j in touched_o else "m" for j in range(j1, j2))
        detail.append((" ".join(S[i1:i2]), " ".join(O[j1:j2]), status, per_word))
    return {"errors": len(errors), "removed": len(removed), "wrong": len(wrong),
            "missed": len(errors) - len(removed) - len(wrong), "alone": len(alone),
            "new": len(new) + inserted, "quote_words": quote_words, "quote_subs": quote_subs,
            "missed_words": [O[j] for j in sorted(errors - ok - touched_o)],
            "new_words": [O[j] for j in sorted(new)], "blocks": detail}


def _other_sites_pages(site: str) -> list[str]:
    """Every spun page (pairs and spun-only, every family) whose site is not ``site``: what a
    crawl of this spinner's other sites would give to learn from."""
    out = []
    for page in bf.read_index():
        if page.kind in ("pair-spun", "spun-only", "spun") and bf.site_of(page.url) != site and page.path.exists():
            out.append(bf.read_text(page.path))
    return out


#: --learn-sources (module-level so that the worker processes see it: they fork after parsing)
LEARN_SOURCES: list[str] = []


@functools.lru_cache(maxsize=1)
def _folder_texts() -> tuple[str, ...]:
    """Every spun page of the dominant family (pairs and spun-only)."""
    return tuple(bf.read_text(page.path) for page in bf.read_index()
                 if page.dominant and page.kind in ("pair-spun", "spun-only", "spun") and page.path.exists())


def _fold(task: tuple) -> dict:
    """Restore one held-out site's spun pages and originals with a family table built without it
    (and, with ``learn``, a profile learned from the other sites' spun pages)."""
    site, names, tables, min_occ, min_sites, learn = task
    import textfix
    pairs = {p.name: p for p in bf.read_pairs()}
    with tempfile.TemporaryDirectory() as tmp:
        text = bf.build({site}, min_occurrences=min_occ, min_sites=min_sites, pairs=list(pairs.values())) \
            if "family" in tables else None
        _tables_dir(Path(tmp), text)
        _use_tables(tmp)
        srcs = LEARN_SOURCES or None
        profile = (textfix.learn(_other_sites_pages(site), sources=srcs) if learn == "others"
                   else textfix.learn(_folder_texts(), sources=srcs) if learn == "folder" else None)
        out = []
        for name in names:
            p = pairs[name]
            r = textfix.explain(p.spun, tables=tables, profile=profile, **OPTS)
            ro = textfix.explain(p.original, tables=tables, profile=profile, **OPTS)
            sc = score_pair(p.spun, p.original, r.text)
            sc.update(name=name, site=site, spin=r.spin_score, orig_spin=ro.spin_score,
                      scan=textfix.spin_score(p.spun, tables=tables, profile=profile, **OPTS),
                      orig_scan=textfix.spin_score(p.original, tables=tables, profile=profile, **OPTS),
                      orig_words=nwords(p.original), orig_changed=sum(max(1, nwords(e.spun)) for e in ro.edits),
                      edits=[(e.spun, e.original, e.source) for e in r.edits],
                      orig_edits=[(e.spun, e.original, e.source) for e in ro.edits])
            out.append(sc)
        return {"site": site, "pairs": out}


def _full(task: tuple) -> dict:
    """Work done with the table built from all pairs: other families, spun-only pages, examples, BBC."""
    kind, items, tables, min_occ, min_sites = task
    import textfix
    with tempfile.TemporaryDirectory() as tmp:
        text = bf.build(min_occurrences=min_occ, min_sites=min_sites) if "family" in tables else None
        _tables_dir(Path(tmp), text)
        _use_tables(tmp)
        out = []
        for item in items:
            if kind == "score":
                name, group, body = item
                out.append((name, group, float(textfix.spin_score(body, tables=tables, **OPTS)),
                            textfix.explain(body, tables=tables, **OPTS).spin_score))
            elif kind == "clean":
                name, body = item
                r = textfix.explain(body, tables=tables, **OPTS)
                out.append((name, nwords(body), sum(max(1, nwords(e.spun)) for e in r.edits), r.spin_score,
                            [(e.spun, e.original) for e in r.edits], float(textfix.spin_score(body, tables=tables, **OPTS))))
            elif kind == "example":
                name, spun, hand = item
                out.append(_check_example(textfix, {"tables": tables, **OPTS}, name, spun, hand))
        return {"kind": kind, "out": out}


# -- the run -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    from textfix.config import DEFAULT_TABLES
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", default=",".join(DEFAULT_TABLES), help="comma-separated (default: the defaults)")
    ap.add_argument("--min-occurrences", type=int, default=bf.MIN_OCCURRENCES)
    ap.add_argument("--min-sites", type=int, default=bf.MIN_SITES)
    ap.add_argument("--min-confidence", type=float, help="passed to textfix")
    ap.add_argument("--check-model", help="passed to textfix (check_model: smollm2, the optional stronger model)")
    ap.add_argument("--folds-only", action="store_true",
                    help="only the leave-one-site-out restoration (not the other families, examples, clean text)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-bbc", action="store_true", help="skip the 300 BBC articles")
    ap.add_argument("--show", type=int, default=0, help="print the N commonest misses, wrong and new errors")
    ap.add_argument("--json", type=Path, help="also write every number to this file")
    ap.add_argument("--learn", action="store_const", const="others", default="",
                    help="restore each held-out site with a profile (textfix.learn) learned from every "
                         "other site's spun pages, pairs and spun-only (the family table still without it)")
    ap.add_argument("--learn-folder", dest="learn", action="store_const", const="folder",
                    help="restore each held-out site with one profile learned from every spun page of the "
                         "dominant family, the site's own included: a folder of this family's pages cleaned "
                         "in one run, as textfix clean learns by default (learned in each fold, its candidates "
                         "from the family table built without the site)")
    ap.add_argument("--learn-sources", metavar="NAMES",
                    help="candidate sources of the learned profile, comma-separated (default: textfix's)")
    args = ap.parse_args(argv)
    if args.learn_sources:
        LEARN_SOURCES[:] = args.learn_sources.split(",")
    tables = tuple(args.tables.split(","))
    if args.min_confidence is not None:
        OPTS["min_confidence"] = args.min_confidence
    if args.check_model:
        OPTS["check_model"] = args.check_model
    if args.folds_only:
        args.no_bbc = True
    t0 = time.perf_counter()

    pairs = bf.read_pairs()
    pages = bf.read_index()
    by_site: dict[str, list[str]] = defaultdict(list)
    for p in pairs:
        if p.dominant:
            by_site[p.site].append(p.name)
    folds = [(site, names, tables, args.min_occurrences, args.min_sites, args.learn)
             for site, names in sorted(by_site.items())]

    score_items = []
    for pg in pages:
        if pg.kind == "spun-only" or (pg.kind == "pair-spun" and not pg.dominant):
            score_items.append((pg.name, family_group(pg.family), bf.read_text(pg.path)))
    other_originals = [(p.name, p.original) for p in pairs if not p.dominant]
    clean_items = [("orig:" + n, t) for n, t in other_originals]
    if not args.no_bbc:
        clean_items += [("bbc:" + n, t) for n, t in _corpus.bbc_articles()]
    ex_items = [(n, s, h) for n, s, h in _corpus.examples() if h is not None]
    jobs = []
    half = (len(clean_items) + 1) // 2
    for chunk in (score_items[: len(score_items) // 2], score_items[len(score_items) // 2:]):
        jobs.append(("score", chunk))
    for chunk in (clean_items[:half], clean_items[half:]):
        jobs.append(("clean", chunk))
    jobs.append(("example", ex_items))
    full_tasks = [] if args.folds_only else [(k, items, tables, args.min_occurrences, args.min_sites) for k, items in jobs]

    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        fold_res = pool.map_async(_fold, folds, chunksize=1)
        full_res = pool.map_async(_full, full_tasks, chunksize=1)
        fold_out = fold_res.get()
        full_out = full_res.get()

    # --- leave-one-site-out
    tot = Counter()
    per_site = []
    missed, news = Counter(), Counter()
    dom_spin, orig_spin = [], []
    # spin_score's own values (the scan, issue 14) next to explain's, which the rows above hold
    dom_scan, orig_scan = [], []
    orig_words = orig_changed = 0
    orig_fp = Counter()
    quoted_pages = [0, 0]  # dominant pages with quoted speech, of them with a substitution inside it
    for f in fold_out:
        st = Counter()
        for p in f["pairs"]:
            for k in ("errors", "removed", "wrong", "missed", "alone", "new"):
                st[k] += p[k]
            missed.update(p["missed_words"])
            news.update(p["new_words"])
            dom_spin.append(p["spin"])
            orig_spin.append(p["orig_spin"])
            dom_scan.append(p["scan"])
            orig_scan.append(p["orig_scan"])
            orig_words += p["orig_words"]
            orig_changed += p["orig_changed"]
            orig_fp.update((a, b) for a, b, _ in p["orig_edits"])
            if p["quote_words"]:
                quoted_pages[0] += 1
                quoted_pages[1] += p["quote_subs"] > 0
        tot.update(st)
        per_site.append((f["site"], len(f["pairs"]), st))
    # --- the rest
    spins: dict[str, list[float]] = defaultdict(list)   # explain's spin score (the restoring pass)
    scans: dict[str, list[float]] = defaultdict(list)   # spin_score's (the scan)
    spins["dominant"].extend(dom_spin)
    scans["dominant"].extend(dom_scan)
    clean = {"orig": [0, 0, 0], "bbc": [0, 0, 0], "bbc_scan": 0}
    clean_fp = Counter()
    examples = []
    for r in full_out:
        for item in r["out"]:
            if r["kind"] == "score":
                scans[item[1]].append(item[2])
                spins[item[1]].append(item[3])
            elif r["kind"] == "clean":
                name, w, c, s, edits, s_scan = item
                key = name.split(":")[0]
                clean[key][0] += w
                clean[key][1] += c
                if key == "orig":
                    orig_spin.append(s)
                    orig_scan.append(s_scan)
                else:
                    clean[key][2] += s >= 0.5
                    clean["bbc_scan"] += s_scan >= 0.5
                clean_fp.update(edits)
            else:
                examples.append(item)
    clean["orig"][0] += orig_words
    clean["orig"][1] += orig_changed

    def pct(a, b, d=1):
        return f"{100.0 * a / b:.{d}f}%" if b else "n/a"

    print(f"# textfix on real spun pages ({_corpus.textfix_revision()}, tables {','.join(tables)}, "
          f"family rows need {args.min_occurrences}+ occurrences on {args.min_sites}+ sites or weight {bf.ONE_SITE_WEIGHT}+)\n")
    print(f"Leave-one-site-out, dominant family: {sum(n for _, n, _ in per_site)} pairs on {len(per_site)} sites"
          + (" (each site restored with a profile learned from the other sites' spun pages)" if args.learn == "others"
             else " (each site restored with one profile learned from all the family's spun pages)"
             if args.learn == "folder" else "")
          + "\n")
    print("| | spinner's word errors | removed | wrong | missed | words left alone | new errors |")
    print("|---|---|---|---|---|---|---|")
    print(f"| all sites | {tot['errors']} | {tot['removed']} ({pct(tot['removed'], tot['errors'])}) | "
          f"{tot['wrong']} ({pct(tot['wrong'], tot['errors'])}) | {tot['missed']} | {tot['alone']} | "
          f"{tot['new']} ({pct(tot['new'], tot['alone'], 2)}) |")
    rates = sorted(st["removed"] / st["errors"] for _, _, st in per_site if st["errors"])
    if rates:
        print(f"| per site: median removed | {rates[len(rates) // 2]:.0%} (range {rates[0]:.0%}-{rates[-1]:.0%}) "
              "| | | | | |")
    print(f"\nQuoted speech: {quoted_pages[0]} of these spun pages quote someone; on {quoted_pages[1]} "
          f"({pct(quoted_pages[1], quoted_pages[0], 0)}) the spinner changed a quoted word "
          "(detect.QUOTES_SPUN_PRIOR)")
    print("\nPer site:\n")
    print("| site | pairs | errors | removed | wrong | left alone | new |")
    print("|---|---|---|---|---|---|---|")
    for site, n, st in per_site:
        print(f"| {site} | {n} | {st['errors']} | {st['removed']} ({pct(st['removed'], st['errors'], 0)}) | "
              f"{st['wrong']} | {st['alone']} | {st['new']} |")
    print("\nExamples (table from all pairs):\n")
    print("| example | words | changed by the spinner | restored | new errors |")
    print("|---|---|---|---|---|")
    for e in examples:
        print(f"| {e['name']} | {e['words']} | {e['spinner_changed']} | {e['restored']} "
              f"({pct(e['restored'], e['spinner_changed'])}) | {e['new_errors']} |")
    print("\nspin score >= 0.5 (explain: the restoring pass's evidence; spin_score: the scan of issue 14):\n")
    print("| pages | n | flagged by explain | flagged by spin_score |")
    print("|---|---|---|---|")

    def flagged(v):
        return f"{sum(x >= 0.5 for x in v)} ({pct(sum(x >= 0.5 for x in v), len(v), 0)})"

    for g in sorted(spins, key=lambda g: (g != "dominant", g)):
        print(f"| spun, {g} | {len(spins[g])} | {flagged(spins[g])} | {flagged(scans[g])} |")
    print(f"| originals of the pairs | {len(orig_spin)} | {sum(x >= 0.5 for x in orig_spin)} | "
          f"{sum(x >= 0.5 for x in orig_scan)} |")
    if not args.no_bbc:
        print(f"| BBC clean articles | 300 | {clean['bbc'][2]} | {clean['bbc_scan']} |")
    print("\nClean text, words changed:\n")
    print(f"- originals of the pairs: {clean['orig'][1]} of {clean['orig'][0]} ({pct(clean['orig'][1], clean['orig'][0], 2)})")
    if not args.no_bbc:
        print(f"- 300 BBC articles: {clean['bbc'][1]} of {clean['bbc'][0]} ({pct(clean['bbc'][1], clean['bbc'][0], 3)})")
    print(f"\n{time.perf_counter() - t0:.0f} s wall, {args.jobs} processes")
    if args.show:
        print("\nmissed (original words):", missed.most_common(args.show))
        print("new errors (original words):", news.most_common(args.show))
        print("edits in originals:", (orig_fp + clean_fp).most_common(args.show))
    if args.json:
        args.json.write_text(json.dumps({"folds": fold_out, "full": full_out}, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
