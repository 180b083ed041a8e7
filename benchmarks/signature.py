"""How far the dominant spinner family's word signature alone tells its pages apart (issue 11 groundwork).

The signature: for every word of the dominant family's pairs (``../shared/corpora/real-spun/``,
research use, nothing of it committed) seen 5+ times whose rate on the spun pages differs from its
rate on the originals by a two-proportion z of 3+, the log10 ratio of the two rates (pseudo-count
0.5): the family's outputs ("stated", "yr", "greenback") score up, the words it replaces ("said",
"told", "before") down. A document's score is the sum over its words, each word counted at most 3
times. Not used by textfix yet: this prints the scores of the held-out pairs (signature built without
their site), the spun-only pages of each family, 300 clean BBC articles, the same spun by the
synthetic spinners, and the non-news texts of accuracy.py.

    python benchmarks/signature.py          # about 2 minutes
"""
from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import _corpus  # noqa: E402
import accuracy  # noqa: E402
import real  # noqa: E402

bf = real.bf
MIN_COUNT, MIN_Z, PSEUDO, CAP = 5, 3.0, 0.5, 3


def signature(pairs: list, exclude: set[str] = frozenset()) -> dict[str, float]:
    cs: Counter = Counter()
    co: Counter = Counter()
    for p in pairs:
        if p.dominant and p.site not in exclude:
            cs.update(bf.words(p.spun)[0])
            co.update(bf.words(p.original)[0])
    ns, no = sum(cs.values()), sum(co.values())
    out = {}
    for w in set(cs) | set(co):
        a, b = cs[w], co[w]
        if a + b < MIN_COUNT:
            continue
        pool = (a + b) / (ns + no)
        z = (a / ns - b / no) / math.sqrt(pool * (1 - pool) * (1 / ns + 1 / no))
        if abs(z) >= MIN_Z:
            out[w] = math.log10(((a + PSEUDO) / ns) / ((b + PSEUDO) / no))
    return out


def score(text: str, sig: dict[str, float]) -> float:
    c = Counter(bf.words(text)[0])
    return sum(min(n, CAP) * sig[w] for w, n in c.items() if w in sig)


def summary(label: str, xs: list[float]) -> str:
    xs = sorted(xs)
    if not xs:
        return f"| {label} | 0 | | | | |"
    return (f"| {label} | {len(xs)} | {xs[0]:.1f} | {xs[len(xs) // 2]:.1f} | {xs[-1]:.1f} | "
            f"{sum(x > 0 for x in xs)} |")


def main() -> int:
    pairs = bf.read_pairs()
    full = signature(pairs)
    print(f"# the dominant family's word signature ({_corpus.textfix_revision()}): {len(full)} words\n")
    top = sorted(full.items(), key=lambda x: (x[1], x[0]))
    print("most negative:", ", ".join(f"{w} {v:.1f}" for w, v in top[:12]))
    print("most positive:", ", ".join(f"{w} {v:.1f}" for w, v in top[::-1][:12]), "\n")
    print("| documents | n | min | median | max | > 0 |")
    print("|---|---|---|---|---|---|")
    spun, orig = [], []
    for site in sorted({p.site for p in pairs if p.dominant}):
        sig = signature(pairs, {site})
        for p in pairs:
            if p.dominant and p.site == site:
                spun.append(score(p.spun, sig))
                orig.append(score(p.original, sig))
    print(summary("dominant pairs, spun (held out by site)", spun))
    print(summary("dominant pairs, originals (held out by site)", orig))
    groups: dict[str, list[float]] = defaultdict(list)
    for pg in bf.read_index():
        if pg.kind == "spun-only" or (pg.kind == "pair-spun" and not pg.dominant):
            groups[real.family_group(pg.family)].append(score(bf.read_text(pg.path), full))
    for g in sorted(groups, key=lambda g: (g != "dominant", g)):
        print(summary(f"spun-only / other pairs: {g}", groups[g]))
    bbc = list(_corpus.bbc_articles())
    print(summary("300 BBC articles", [score(t, full) for _, t in bbc]))
    for cname in ("mythes", "wordnet", "moby"):
        spinner = accuracy.get_spinner(accuracy.CONFIGS[cname])
        print(summary(f"the same spun by {cname}", [score(spinner.spin(t)[0], full) for _, t in bbc]))
    for label, docs in accuracy.offdomain_samples():
        print(summary(label, [score(t, full) for _, t in docs]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
