"""Calibration of textfix's edit confidences on real spun pages held out by site (issue 11).

For each site of the dominant family's pairs (``../shared/corpora/real-spun/``, research use, nothing
of it committed), ``family.tsv`` is built without that site's pages (as in ``benchmarks/real.py``)
and the site's spun pages are restored with ``min_confidence`` low enough to see every edit. An edit
is *right* when every word it wrote is in an equal block of the restored -> original word alignment.
Per table: edits and the share right by raw confidence bin (before pipeline.CALIBRATION), and the
power ``k`` that maximises the likelihood of the outcomes under P(right) = raw confidence ** k
(the power pipeline.CALIBRATION applies), with a bootstrap range.

    python benchmarks/calibration.py            # 1-2 min on 2 cores
"""
from __future__ import annotations

import argparse
import difflib
import math
import multiprocessing
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import real  # noqa: E402

bf = real.bf


def _words(text: str, pattern) -> list[tuple[int, int, str]]:  # noqa: ANN001
    return [(m.start(), m.end(), m.group().lower().replace("’", "'")) for m in pattern.finditer(text)]


def _fold(site: str) -> list[tuple[str, float, bool]]:
    import regex

    import textfix
    from textfix.pipeline import CALIBRATION
    pattern = regex.compile(r"[\w’']+")
    pairs = bf.read_pairs()
    with tempfile.TemporaryDirectory() as tmp:
        real._tables_dir(Path(tmp), bf.build({site}, min_occurrences=bf.MIN_OCCURRENCES,
                                             min_sites=bf.MIN_SITES, pairs=pairs))
        real._use_tables(tmp)
        out = []
        for p in pairs:
            if not p.dominant or p.site != site:
                continue
            r = textfix.explain(p.spun, min_confidence=0.01)
            R, O = _words(r.text, pattern), _words(p.original, pattern)
            ok: set[int] = set()
            sm = difflib.SequenceMatcher(None, [w for _, _, w in R], [w for _, _, w in O], autojunk=False)
            for op, i1, i2, _j1, _j2 in sm.get_opcodes():
                if op == "equal":
                    ok.update(range(i1, i2))
            shift = 0
            for e in sorted(r.edits, key=lambda e: e.start):
                a = e.start + shift
                b = a + len(e.original)
                shift += len(e.original) - (e.end - e.start)
                idx = [k for k, (s, t, _) in enumerate(R) if s < b and t > a]
                table = e.source.split(":")[0]
                raw = e.confidence ** (1.0 / CALIBRATION.get(table, 1.0))  # before pipeline.CALIBRATION
                out.append((table, raw, bool(idx) and all(k in ok for k in idx)))
        return out


def fit_power(outcomes: list[tuple[float, bool]]) -> float:
    """The k in 0.5..12 (step 0.1) of greatest likelihood for P(right) = confidence ** k."""
    def ll(k: float) -> float:
        return sum(math.log(max(1e-9, c ** k)) if ok else math.log(max(1e-9, 1.0 - c ** k)) for c, ok in outcomes)
    return max((k / 10 for k in range(5, 121)), key=ll)


def main(argv: list[str] | None = None) -> int:
    from textfix.pipeline import CALIBRATION
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--floor", type=float, default=0.5, help="fit on edits of at least this raw confidence")
    args = ap.parse_args(argv)
    sites = sorted({p.site for p in bf.read_pairs() if p.dominant})
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        edits = [x for part in pool.map(_fold, sites, chunksize=1) for x in part]
    by: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for table, conf, ok in edits:
        by[table].append((conf, ok))
    print(f"# edit confidence on real pages held out by site ({real._corpus.textfix_revision()}, {len(sites)} sites)\n")
    print("| table | edits >= floor | right | by raw confidence (right / edits) | k | bootstrap k (5%-95%) | in use |")
    print("|---|---|---|---|---|---|---|")
    rng = random.Random(1)
    for table in sorted(by):
        xs = [(c, ok) for c, ok in by[table] if c >= args.floor]
        bins: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for c, ok in by[table]:
            b = bins[min(9, int(c * 10))]
            b[0] += 1
            b[1] += ok
        cells = " ".join(f"{b / 10:.1f}: {v[1]}/{v[0]}" for b, v in sorted(bins.items()))
        if not xs:
            print(f"| {table} | 0 | | {cells} | | | |")
            continue
        boot = sorted(fit_power([rng.choice(xs) for _ in xs]) for _ in range(20))
        print(f"| {table} | {len(xs)} | {sum(ok for _, ok in xs)} | {cells} | {fit_power(xs):.1f} | "
              f"{boot[1]:.1f}-{boot[18]:.1f} | {CALIBRATION.get(table, 1.0)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
