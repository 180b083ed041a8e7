#!/usr/bin/env python3
"""Check that textfix's output has not changed: a guard for speed work (issue 4).

For a fixed set of texts it records, per text, ``textfix.explain(text)`` (the restored text, every
edit's start/end/original/replacement/confidence/source, spin score, notes) and
``textfix.spin_score(text)``, with every float rounded to 1e-9, into a JSON file; later runs
compare against that file and list every text whose record differs.

The texts (deterministic):

- the two real spun examples in ``tests/fixtures/spun-*.txt``;
- the BBC sample (``benchmarks/_data/bbc-sample``, 300 articles by default, ``--limit N`` for an
  even spread of N), spun by ``benchmarks/spinner.py`` with the ``mythes`` configuration;
- the same articles, clean (the originals).

usage:
  python benchmarks/same_output.py --record [--out FILE]   # at the baseline commit
  python benchmarks/same_output.py [--out FILE]            # later: compare, exit 1 on any difference
  options: --limit N (articles; default all 300), -j N (worker processes, default 2)

The default record file is ``benchmarks/_out/same_output.json`` (gitignored: it holds BBC text).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _corpus  # noqa: E402

DEFAULT_OUT = _corpus.BENCH / "_out" / "same_output.json"


def _r(x: float) -> float:
    return round(float(x), 9)


def record_one(text: str) -> dict:
    import textfix

    ex = textfix.explain(text)
    return {
        "text": ex.text,
        "edits": [[e.start, e.end, e.spun, e.original, _r(e.confidence), e.source, e.reason] for e in ex.edits],
        "explain_score": _r(ex.spin_score),
        "notes": list(ex.notes),
        "spin_score": _r(textfix.spin_score(text)),
    }


def texts(limit: int | None) -> list[tuple[str, str]]:
    from benchmarks.accuracy import CONFIGS
    from benchmarks.spinner import get_spinner

    out = [(f"fixture:{p.name}", p.read_text(encoding="utf-8"))
           for p in sorted((_corpus.REPO / "tests" / "fixtures").glob("spun-*.txt"))]
    arts = _corpus.bbc_articles(limit)
    spinner = get_spinner(CONFIGS["mythes"])
    out += [(f"spun:{name}", spinner.spin(text)[0]) for name, text in arts]
    out += [(f"clean:{name}", text) for name, text in arts]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--record", action="store_true", help="write the record instead of comparing")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("-j", type=int, default=2)
    args = ap.parse_args(argv)
    items = texts(args.limit)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.j) as ex:
        recs = list(ex.map(record_one, [t for _, t in items], chunksize=4))
    elapsed = time.perf_counter() - t0
    got = {name: rec for (name, _), rec in zip(items, recs)}
    n_edits = sum(len(r["edits"]) for r in got.values())
    print(f"{len(items)} texts, {n_edits} edits, {elapsed:.1f} s", file=sys.stderr)
    if args.record:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(got, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
        print(f"recorded {args.out}", file=sys.stderr)
        return 0
    want = json.loads(args.out.read_text(encoding="utf-8"))
    bad = 0
    for name, rec in got.items():
        if name not in want:
            print(f"NEW  {name} (not in the record)")
            bad += 1
            continue
        if rec != want[name]:
            bad += 1
            old = want[name]
            diffs = [k for k in rec if rec[k] != old.get(k)]
            print(f"DIFF {name}: {', '.join(diffs)}")
            for k in diffs:
                if k == "edits":
                    a, b = old[k], rec[k]
                    for x in a:
                        if x not in b:
                            print(f"   - {x}")
                    for x in b:
                        if x not in a:
                            print(f"   + {x}")
                elif k != "text":
                    print(f"   {k}: {old.get(k)!r} -> {rec[k]!r}")
    missing = [n for n in want if n not in got]
    if args.limit is None and missing:
        print(f"{len(missing)} recorded texts not checked")
        bad += len(missing)
    print("IDENTICAL" if not bad else f"{bad} texts differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
