#!/usr/bin/env python3
"""Where the real family's word errors go, by what the held-out fold's tables offered for them.

Reads the ``--json`` file of ``benchmarks/real.py`` (each substitution block of the leave-one-site-
out run with its per-word outcome) and sorts the spinner's word errors into classes, each with
how many were removed, wrong or missed:

- ``row``: the block's (spun, original) is a row of the fold's family table (built without the site);
- ``uneq``: no row, and the two sides differ in length (a phrase rewrite);
- word by word for the rest (equal-length blocks): ``wordrow`` the word pair is a row, ``thes`` the
  original is among the word's thesaurus candidates (``textfix.science.word_candidates``: Moby and
  the installed Debian thesauri), ``none`` neither; ``+orig`` when the original is some row's
  original elsewhere in the fold's table.

    python benchmarks/real.py --no-bbc --json /tmp/real.json && python benchmarks/real_coverage.py /tmp/real.json
"""
from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _corpus  # noqa: E402

OUTCOME = {"r": "removed", "w": "wrong", "m": "missed"}


def main(argv: list[str] | None = None) -> int:
    from textfix.science import word_candidates

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    bf = _corpus.script("build_family")
    data = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    pairs = list(bf.read_pairs())
    counts: Counter = Counter()
    examples: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for fold in data["folds"]:
        occ, _, _ = bf.count_pairs(pairs, exclude_sites={fold["site"]})
        originals = Counter()
        for (_s, o), n in occ.items():
            originals[o] += n
        for pr in fold["pairs"]:
            for spun, orig, _status, per_word in pr["blocks"]:
                if (spun, orig) in occ:
                    for c in per_word:
                        counts[("row", OUTCOME[c])] += 1
                    continue
                sw, ow = spun.split(), orig.split()
                if len(sw) != len(ow):
                    for c in per_word:
                        counts[("uneq", OUTCOME[c])] += 1
                    continue
                for a, b, c in zip(sw, ow, per_word):
                    if a == b:
                        kind = "same word"
                    elif (a, b) in occ:
                        kind = "wordrow"
                    elif b in word_candidates(a):
                        kind = "thes+orig" if originals[b] else "thes"
                    else:
                        kind = "none+orig" if originals[b] else "none"
                    counts[(kind, OUTCOME[c])] += 1
                    examples[(kind, OUTCOME[c])][(a, b)] += 1
    kinds = sorted({k for k, _ in counts}, key=lambda k: -sum(v for (kk, _), v in counts.items() if kk == k))
    print(f"# real family word errors by class ({argv[0]})\n")
    print("| class | words | removed | wrong | missed |")
    print("|---|---|---|---|---|")
    for k in kinds:
        row = [counts[(k, o)] for o in ("removed", "wrong", "missed")]
        print(f"| {k} | {sum(row)} | {row[0]} | {row[1]} | {row[2]} |")
    print()
    for key in sorted(examples):
        print(f"{key[0]}, {key[1]}:", ", ".join(f"{a}->{b} {n}" for (a, b), n in examples[key].most_common(12)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
