"""Tortured phrases no list has (issue 12): k-fold over the Problematic Paper Screener dev list.

For each of K folds (the dev list's distinct spun phrases shuffled with a fixed seed), the
``tortured`` table is rebuilt without the fold (``scripts/build_wordlists.py``'s own builder) and
written with the other shipped tables to a temporary folder named by ``TEXTFIX_WORDLISTS``. The
term statistics of ``textfix.science`` read the originals of the table in use, so the held-out
fold's originals are in neither the table nor the term list. The fold's phrases (those whose two
sides are plain tokens, as the table keeps them) are restored with ``domains="science"``:

- **alone**: the spun phrase is the whole text;
- **in sentences**: the phrase in one of the scientific sentences below (our own writing), the
  template chosen by a hash of the phrase;
- **in a paper-mill paragraph** (``mill``): that sentence after one with two listed fingerprints
  of the fold's table (unlisted phrases are only restored in a text with such fingerprints).

*detected* = an edit overlaps the phrase; *exact* = the phrase came back as the list's original
(alone: the whole output; in a sentence: the whole sentence equals the template with the original,
so an edit elsewhere in the sentence also counts against it); *other edits* = edits in the
template's own words.

**False flags**: edits per 10,000 words of clean scientific prose, the scikit-learn user guide
(Debian ``python-sklearn-doc``, BSD-3-Clause; read at run time, never committed): the prose
paragraphs of ``html/_sources/modules/*.rst.txt`` (code, math and directives dropped), each page one
document, restored with the full table, with ``domains="science"`` and ``"auto"``.

``--domain-check`` prints the ``auto`` domain's evidence on the 300 BBC articles and the guide.

    python benchmarks/science.py                  # 5 folds, both processes
    python benchmarks/science.py --folds 5 --limit 200 --show 20
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

import _corpus  # noqa: E402

bw = _corpus.script("build_wordlists")

SKLEARN_DOC = Path("/usr/share/doc/python-sklearn-doc/html/_sources/modules")

#: scientific sentences of our own writing; {} is the phrase
TEMPLATES = (
    "In this paper, the {} is evaluated on three public benchmarks.",
    "We report results for the {} under two experimental settings.",
    "Table 2 compares the {} with the baselines described in Section 3.",
    "The {} was measured in every sample before and after treatment.",
    "Our analysis shows that the {} depends strongly on the sample size.",
    "Previous studies have examined the {} in controlled laboratory conditions.",
    "To address this problem, we combine the {} with a simple regularisation step.",
    "Figure 4 shows how the {} changes over the course of the experiment.",
    "Several authors have proposed extensions of the {} for larger data sets.",
    "The results confirm that the {} improves the accuracy of the final model.",
    "We describe the {} and discuss its limitations at the end of the paper.",
    "All participants completed the questionnaire on the {} within one week.",
)


def _tokens(s: str) -> str:
    return " ".join(s.lower().split())


def phrases() -> list[tuple[str, str, bool]]:
    """The dev list's rows whose two sides the table can hold (plain tokens, at most 5)."""
    out = []
    for spun, orig, ctx in bw.read_tortured():
        s, o = _tokens(spun), _tokens(orig)
        try:
            bw.check_phrase(s, "spun")
            bw.check_phrase(o, "original")
        except bw.TableFormatError:
            continue
        if s != o:
            out.append((s, o, ctx))
    return out


def folds(rows: list[tuple[str, str, bool]], k: int, seed: int) -> list[set[str]]:
    """K sets of spun phrases (all rows of one spun phrase in one fold)."""
    spun = sorted({s for s, _, _ in rows})
    random.Random(seed).shuffle(spun)
    return [set(spun[i::k]) for i in range(k)]


def template(spun: str) -> str:
    h = int.from_bytes(hashlib.blake2b(spun.encode(), digest_size=4).digest(), "big")
    return TEMPLATES[h % len(TEMPLATES)]


#: the paper-mill lead sentence: two listed fingerprints (from the training fold) in it
MILL_TEMPLATE = "We first apply the {} and then the {} to the raw measurements."
MILL_PREFERRED = (("irregular woodland", "random forest"), ("huge information", "big data"),
                  ("profound neural organization", "deep neural network"), ("counterfeit knowledge",
                                                                             "artificial intelligence"))


def mill_sentence(train: list[tuple[str, str, bool]]) -> tuple[str, str]:
    """(spun, restored) lead sentence with two context-free fingerprints the fold's table lists
    with one original each (the preferred ones when the fold has them)."""
    originals: dict[str, set[str]] = {}
    free: set[str] = set()
    for s, o, c in train:
        originals.setdefault(_tokens(s), set()).add(_tokens(o))
        if not c:
            free.add(_tokens(s))
    usable = [(s, next(iter(os_))) for s, os_ in sorted(originals.items())
              if s in free and len(os_) == 1 and s.count(" ") == 1]
    pair = [p for p in MILL_PREFERRED if p in usable]
    pair += [p for p in usable if p not in pair]
    pair = pair[:2]
    return MILL_TEMPLATE.format(*(s for s, _ in pair)), MILL_TEMPLATE.format(*(o for _, o in pair))


def _overlaps(edits, a: int, b: int) -> bool:  # noqa: ANN001
    return any(e.start < b and e.end > a for e in edits)


def run_fold(args: tuple) -> dict:
    """In a fresh process with TEXTFIX_WORDLISTS set: restore the held-out phrases."""
    folder, held, show, mill = args
    os.environ["TEXTFIX_WORDLISTS"] = folder
    import textfix

    c = Counter()
    examples = []
    t0 = time.time()
    for spun, originals, ctx in held:
        kind = "context" if ctx else "plain"
        c[f"{kind}:n"] += 1
        r = textfix.explain(spun, domains="science")
        det = bool(r.edits)
        exact = r.text.lower() in originals
        c[f"{kind}:alone_detected"] += det
        c[f"{kind}:alone_exact"] += exact
        tpl = template(spun)
        text = tpl.format(spun)
        a = tpl.index("{}")
        b = a + len(spun)
        r2 = textfix.explain(text, domains="science")
        det2 = _overlaps(r2.edits, a, b)
        exact2 = r2.text in {tpl.format(o) for o in originals}
        c[f"{kind}:sent_detected"] += det2
        c[f"{kind}:sent_exact"] += exact2
        c[f"{kind}:sent_other_edits"] += sum(1 for e in r2.edits if not (e.start < b and e.end > a))
        # in a paper-mill paragraph: after a sentence with two listed (training-fold) fingerprints
        lead_spun, lead_orig = mill
        text3 = lead_spun + " " + text
        a3, b3 = a + len(lead_spun) + 1, b + len(lead_spun) + 1
        r3 = textfix.explain(text3, domains="science")
        c[f"{kind}:mill_detected"] += _overlaps(r3.edits, a3, b3)
        c[f"{kind}:mill_exact"] += r3.text in {lead_orig + " " + tpl.format(o) for o in originals}
        c[f"{kind}:mill_other_edits"] += sum(1 for e in r3.edits if e.start >= len(lead_spun) + 1
                                             and not (e.start < b3 and e.end > a3))
        if len(examples) < show and not exact:
            examples.append((spun, originals[0], r.text))
    c["seconds"] = round(time.time() - t0)
    return {"counts": dict(c), "examples": examples}


def run_context(folder: str) -> dict:
    """The listed context-dependent rows (full table): alone, in a sentence, in a paper-mill
    paragraph. They are edits only where context confirms them, so alone they should stay."""
    os.environ["TEXTFIX_WORDLISTS"] = folder
    import textfix

    rows: dict[str, list[str]] = {}
    for s, o, c in phrases():
        if c:
            rows.setdefault(s, []).append(o)
    context_free = {s for s, _, c in phrases() if not c}
    c = Counter()
    lead_spun, lead_orig = mill_sentence([(s, o, False) for s, o, _ in phrases()])
    for spun, originals in sorted(rows.items()):
        if spun in context_free:
            continue
        c["n"] += 1
        r = textfix.explain(spun, domains="science")
        c["alone_detected"] += bool(r.edits)
        tpl = template(spun)
        r2 = textfix.explain(tpl.format(spun), domains="science")
        c["sent_detected"] += bool(r2.edits)
        c["sent_exact"] += r2.text in {tpl.format(o) for o in originals}
        r3 = textfix.explain(lead_spun + " " + tpl.format(spun), domains="science")
        c["mill_exact"] += r3.text in {lead_orig + " " + tpl.format(o) for o in originals}
    return dict(c)


def prose_documents() -> list[tuple[str, str]]:
    """(page name, prose) of the scikit-learn user guide pages."""
    docs = []
    for p in sorted(SKLEARN_DOC.glob("*.rst.txt")):
        paras = []
        in_block = False
        for para in re.split(r"\n\s*\n", p.read_text(encoding="utf-8", errors="replace")):
            stripped = para.strip()
            if not stripped:
                continue
            first = stripped.splitlines()[0]
            if in_block and para.startswith((" ", "\t")):
                continue  # the indented body of a directive or code block
            in_block = first.startswith("..") or first.endswith("::") or first.startswith(">>>")
            if in_block or para.startswith((" ", "\t")) or re.fullmatch(r"[=\-~^*#+]{3,}", stripped.splitlines()[-1]):
                if first.endswith("::") and not first.startswith(".."):
                    pass
                continue
            if "|" in first or first.startswith((":", "*", "-", "#")):
                continue
            text = re.sub(r":[a-z:]+:`([^`<]*)(?:<[^>]*>)?`", r"\1", stripped)   # :class:`Foo`
            text = re.sub(r"`([^`<]*?)\s*(?:<[^>]*>)?`_*", r"\1", text)       # `text <url>`_
            text = text.replace("``", "").replace("**", "").replace("\\", "")
            if len(text.split()) >= 12:
                paras.append(" ".join(text.split()))
        if paras:
            docs.append((p.name, "\n\n".join(paras)))
    return docs


def run_prose(args: tuple[str, str, int]) -> dict:
    """Edits in the guide's pages; ``domain="mill"``: each page after the paper-mill lead sentence
    (domains="science"), counting only the edits in the page's own words (where unlisted phrases
    are restored)."""
    folder, domain, show = args
    os.environ["TEXTFIX_WORDLISTS"] = folder
    import textfix

    words = edits = 0
    shown = []
    by_source = Counter()
    docs = prose_documents()
    lead = MILL_TEMPLATE.format(*(s for s, _ in MILL_PREFERRED[:2])) + "\n\n" if domain == "mill" else ""
    for name, text in docs:
        r = textfix.explain(lead + text, domains="science" if domain == "mill" else domain)
        words += len(text.split())
        page_edits = [e for e in r.edits if e.start >= len(lead)]
        edits += len(page_edits)
        for e in page_edits:
            by_source[e.source.split(":")[0]] += 1
            if len(shown) < show:
                shown.append((name, e.spun, e.original, e.source))
    return {"domain": domain, "documents": len(docs), "words": words, "edits": edits,
            "per_10k": round(1e4 * edits / max(1, words), 2), "by_source": dict(by_source), "shown": shown}


def domain_check() -> None:
    from textfix.science import domain_evidence, is_science
    from textfix.tokens import tokenize

    for label, texts in (("BBC", [t for _, t in _corpus.bbc_articles()]),
                         ("sklearn guide", [t for _, t in prose_documents()])):
        ev = [domain_evidence(tokenize(t)) for t in texts]
        per100 = sorted(100.0 * h / max(1, w) for _, h, w in ev)
        fps = Counter(f for f, _, _ in ev)
        sci = sum(is_science(tokenize(t)) for t in texts)
        if per100:
            print(f"{label}: {len(texts)} documents, read as science {sci}; term hits per 100 words "
                  f"median {per100[len(per100) // 2]:.2f}, max {per100[-1]:.2f}; fingerprints per document {dict(fps)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--limit", type=int, default=0, help="at most this many held-out phrases per fold")
    ap.add_argument("--show", type=int, default=0, help="print this many missed phrases per fold")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-prose", action="store_true")
    ap.add_argument("--no-folds", action="store_true")
    ap.add_argument("--domain-check", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if a.domain_check:
        domain_check()
        return 0
    rows = phrases()
    fs = folds(rows, a.folds, a.seed)
    tmp = Path(tempfile.mkdtemp(prefix="textfix-science-"))
    try:
        jobs = []
        for k, held_spun in enumerate(fs):
            folder = tmp / f"fold{k}"
            folder.mkdir()
            for p in (REPO / "wordlists").glob("*.tsv"):
                if p.name != "tortured.tsv":
                    os.symlink(p, folder / p.name)
            train = [(s, o, c) for s, o, c in bw.read_tortured() if _tokens(s) not in held_spun]
            (folder / "tortured.tsv").write_text(bw.build_tortured(rows_in=train), encoding="utf-8")
            held: dict[str, tuple[list[str], bool]] = {}
            for s, o, c in rows:
                if s in held_spun:
                    prev = held.get(s)
                    held[s] = ((prev[0] if prev else []) + [o], (prev[1] if prev else True) and c)
            items = sorted((s, os_, c) for s, (os_, c) in held.items())
            if a.limit:
                items = items[:a.limit]
            jobs.append((str(folder), items, a.show, mill_sentence(train)))
        full = tmp / "full"
        full.mkdir()
        for p in (REPO / "wordlists").glob("*.tsv"):
            os.symlink(p, full / p.name)
        ctx = multiprocessing.get_context("spawn")
        t0 = time.time()
        with ctx.Pool(a.jobs, maxtasksperchild=1) as pool:
            fold_res = [] if a.no_folds else pool.map(run_fold, jobs, chunksize=1)
            context = pool.apply(run_context, (str(full),)) if not a.no_folds else {}
            prose = [] if a.no_prose else pool.map(run_prose, [(str(full), d, 10) for d in ("news", "science", "auto", "mill")],
                                                    chunksize=1)
        total = Counter()
        for r in fold_res:
            total.update(r["counts"])
        out = {"folds": a.folds, "seed": a.seed, "limit": a.limit, "counts": dict(total), "prose": prose,
               "context_rows": context,
               "seconds": round(time.time() - t0)}
        if a.json:
            print(json.dumps(out, indent=1))
            return 0
        for kind in ("plain", "context"):
            n = total[f"{kind}:n"]
            if not n:
                continue
            print(f"held-out {kind} phrases: {n}")
            for where in ("alone", "sent", "mill"):
                print(f"  {where:5}: detected {total[f'{kind}:{where}_detected'] / n:6.1%}   exact "
                      f"{total[f'{kind}:{where}_exact'] / n:6.1%}")
            print(f"  other edits in the sentences' own words: {total[f'{kind}:sent_other_edits']} alone in a "
                  f"sentence, {total[f'{kind}:mill_other_edits']} in the paper-mill paragraph")
        if context:
            n = context["n"]
            print(f"listed context-dependent rows (full table): {n}; alone: edited {context['alone_detected'] / n:.1%}; "
                  f"in a sentence: edited {context['sent_detected'] / n:.1%}, exact {context['sent_exact'] / n:.1%}; "
                  f"in a paper-mill paragraph: exact {context['mill_exact'] / n:.1%}")
        for p in prose:
            where = "after a paper-mill lead sentence" if p["domain"] == "mill" else f"domains={p['domain']!r}"
            print(f"clean prose (scikit-learn user guide, {where}): {p['documents']} pages, "
                  f"{p['words']} words, {p['edits']} edits = {p['per_10k']} per 10,000 words {p['by_source']}")
            for s in p["shown"]:
                print("   ", s)
        for r in fold_res:
            for ex in r["examples"]:
                print("  missed:", ex)
        print(f"({out['seconds']} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
