#!/usr/bin/env python3
"""spin_score's scan (textfix/scan.py, issue 14) against the full pass it replaces, text by text.

For each text: ``textfix.spin_score`` (the scan) and the full pass's score (``explain``'s: tokens,
every curated site, the thesaurus sample, ``pipeline._full_score``), the CPU time of each, and
whether the scan decided alone (``scan.decided``) or left the text, or some of a long text's parts,
to the full pass.

Sets: the BBC sample spun by benchmarks/spinner.py (``--spinner``, default mythes) and the clean
originals (AUC and share flagged >= 0.5 of each); with ``--real``, the real spun pages of
../shared/corpora/real-spun (per family, and the originals; scored with the shipped tables, which
were built from these pages: for held-out figures see benchmarks/real.py); with ``--offdomain``,
the clean non-news texts of benchmarks/accuracy.py (stdlib docstrings, Debian licences and READMEs,
Node.js API pages).

usage: python benchmarks/scan.py [--limit N] [--spinner NAME] [--real] [--offdomain] [-j N] [--json FILE]
       python benchmarks/scan.py --write DIR    # the BBC sets as files, for timing `textfix scan`
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _corpus  # noqa: E402
from benchmarks.accuracy import CONFIGS, auc  # noqa: E402


def _sets(args) -> dict[str, list[tuple[str, str]]]:
    from benchmarks.spinner import get_spinner

    arts = _corpus.bbc_articles(args.limit)
    spinner = get_spinner(CONFIGS[args.spinner])
    sets = {"BBC spun": [(n, spinner.spin(t)[0]) for n, t in arts], "BBC clean": list(arts)}
    if args.real:
        from benchmarks.real import bf, family_group

        for pg in bf.read_index():
            if pg.kind in ("pair-spun", "spun-only") and pg.path.exists():
                sets.setdefault(f"real spun, {family_group(pg.family)}", []).append((pg.name, bf.read_text(pg.path)))
        sets["real originals"] = [(p.name, p.original) for p in bf.read_pairs()]
    if args.offdomain:
        from benchmarks.accuracy import offdomain_samples

        sets.update(offdomain_samples())
    return sets


def _warm() -> None:
    """Load the tables and the model before anything is timed."""
    import textfix

    textfix.explain("A uncommon journey by Russia’s protection minister to North Korea final week.")
    textfix.spin_score("A uncommon journey by Russia’s protection minister to North Korea final week.")


def _one(text: str) -> tuple[float, float, float, float, int]:
    """(scan score, full score, scan CPU s, full CPU s, documents or parts the scan left to the
    full pass)."""
    import textfix
    from textfix import homoglyph, pipeline
    from textfix.config import Config

    calls = [0]
    real = pipeline._Doc

    def counted(*a, **k):
        calls[0] += 1
        return real(*a, **k)

    pipeline._Doc = counted  # type: ignore[misc]
    try:
        t0 = time.process_time()
        s = textfix.spin_score(text)
        t1 = time.process_time()
    finally:
        pipeline._Doc = real  # type: ignore[misc]
    read, glyphs = homoglyph.read(text)
    f = pipeline._full_score(read, Config()) if read.strip() else 0.0
    if glyphs:
        f = homoglyph.combine(f, homoglyph.evidence(glyphs))
    t2 = time.process_time()
    return s, f, t1 - t0, t2 - t1, calls[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="BBC articles (default all 300)")
    ap.add_argument("--spinner", default="mythes", choices=sorted(CONFIGS))
    ap.add_argument("--real", action="store_true", help="also the real spun pages and their originals")
    ap.add_argument("--offdomain", action="store_true", help="also the clean non-news texts")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--sure-spun", type=float, metavar="T",
                    help="an experiment: textfix.scan.SURE_SPUN = T (the scan's score stands from T up)")
    ap.add_argument("--json", type=Path, help="also write every number to this file")
    ap.add_argument("--write", type=Path, metavar="DIR",
                    help="only write the BBC sets as files, DIR/spun/*.txt and DIR/clean/*.txt (BBC text: "
                         "keep DIR out of the repository), to time `textfix scan` as a whole command")
    args = ap.parse_args(argv)
    sets = _sets(args)
    if args.write:
        for key, sub in (("BBC spun", "spun"), ("BBC clean", "clean")):
            (args.write / sub).mkdir(parents=True, exist_ok=True)
            for n, t in sets[key]:
                (args.write / sub / f"{Path(n).stem}.txt").write_text(t, encoding="utf-8")
        print(f"wrote {len(sets['BBC spun'])} + {len(sets['BBC clean'])} files under {args.write}")
        return 0
    from textfix import scan

    if args.sure_spun is not None:
        scan.SURE_SPUN = args.sure_spun  # the pool forks: its workers inherit it
    items = [(k, n, t) for k, v in sets.items() for n, t in v]
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.jobs, initializer=_warm) as pool:
        out = pool.map(_one, [t for _, _, t in items], chunksize=4)
    res: dict[str, list] = {}
    for (k, n, _), o in zip(items, out):
        res.setdefault(k, []).append((n, *o))
    print(f"# spin_score: the scan against the full pass ({_corpus.textfix_revision()}, DECIDED = {scan.DECIDED}, SURE_SPUN = {scan.SURE_SPUN}, "
          f"spinner {CONFIGS[args.spinner].name}, {time.perf_counter() - t0:.0f} s wall, {args.jobs} processes)\n")
    print("| texts | n | flagged (>= 0.5): full pass | scan | verdicts that differ (full -> scan) | "
          "decided by the scan alone | median / max abs. difference | CPU s full / scan |")
    print("|---|---|---|---|---|---|---|---|")
    for k, rows in res.items():
        full = [r[2] for r in rows]
        sc = [r[1] for r in rows]
        up = sum(a < 0.5 <= b for a, b in zip(full, sc))
        down = sum(b < 0.5 <= a for a, b in zip(full, sc))
        first = sum(r[5] == 0 for r in rows)
        diffs = [abs(a - b) for a, b in zip(full, sc)]
        print(f"| {k} | {len(rows)} | {sum(x >= 0.5 for x in full)} | {sum(x >= 0.5 for x in sc)} | "
              f"{down} spun -> clean, {up} clean -> spun | {first} ({100.0 * first / len(rows):.0f}%) | "
              f"{statistics.median(diffs):.4f} / {max(diffs):.4f} | {sum(r[4] for r in rows):.1f} / "
              f"{sum(r[3] for r in rows):.1f} |")
    if "BBC spun" in res:
        pos, neg = res["BBC spun"], res["BBC clean"]
        print(f"\nBBC sample, spun against clean: AUC full pass {auc([r[2] for r in pos], [r[2] for r in neg]):.4f}, "
              f"scan {auc([r[1] for r in pos], [r[1] for r in neg]):.4f}")
        for r in pos + neg:
            if (r[1] >= 0.5) != (r[2] >= 0.5):
                print(f"- {r[0]} ({'spun' if r in pos else 'clean'}): full {r[2]:.3f}, scan {r[1]:.3f}")
    if args.json:
        args.json.write_text(json.dumps({k: [list(r) for r in v] for k, v in res.items()}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
