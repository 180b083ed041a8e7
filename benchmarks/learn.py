#!/usr/bin/env python3
"""Issue 10: learning the spinner from the text at hand, one article, a site folder, real pages.

The BBC sample, spun by ``benchmarks/spinner.py`` under one configuration, is one *site folder*
(articles in round-robin order over the five categories, so any prefix is an even spread). For
N = 1, 10, 30, 100, 300:

- N = 1: each article on its own, learning from itself (``textfix.learn([text])``);
- N > 1: ``textfix.learn`` on the first N spun articles of the folder, then those N restored with
  the profile (``textfix.explain(text, profile=p)``).

Scored exactly against the spinner's substitutions with ``accuracy.score_doc`` (the counts of
``accuracy.py``): **removed** = word errors (substitutions) restored exactly, **wrong** = changed
to something else, **clean chg** = words the spinner left alone that were changed; **AUC** =
``spin_score`` ROC AUC of the spun articles against their clean originals, single documents (N = 1:
each text learns from itself); at N > 1 also **AUC (site profile)**: the N spun articles and their
N originals all scored with the spun folder's profile. Learn time, restore time (wall, all N
texts) and the peak RSS of the step (Linux: the high-water mark is reset before each step; else the
process's peak so far).

Each configuration is run with these kinds of profile:

- ``none``: today's behaviour, ``textfix.explain(text)`` with no profile (the baseline; at N > 1
  the same first N articles, each judged alone);
- ``default``: ``textfix.learn(texts)``, textfix's default candidate sources;
- ``own``: candidates from every source textfix has, the spinner's own thesaurus among them;
- ``held-out``: every source textfix has except the spinner's thesaurus (a real spinner's
  dictionary is in no thesaurus we have; for ``moby`` that means without textfix's shipped Moby
  table). Where textfix has no such source (``mythes``, ``wordnet`` at the time of writing) ``own``
  is the same run and is not repeated.

Further sections: a folder of the 300 clean articles learned and cleaned in one run (words changed,
target <= 0.1%); a folder half clean, half spun (alternate articles; the clean ones' words changed,
target <= 0.1%); and the real spun pages of ``../shared/corpora/real-spun/`` (research use only: read
at run time, never copied into the project): the profile is learned from the pages of the other
sites (``pairs/spun`` and ``spun-only``, folds grouped by site) and each pair's spun page is restored
and aligned with its original word by word (``accuracy.compare_restoration``; blocks of more than 8
words that differ are differences of content, not spinning, and left out): the spinner's word errors
removed, and new errors.

Until ``textfix.learn`` exists only the ``none`` rows are measured. Run time on the 2-core project
machine (shared with another session's runs): ``--quick`` 2-3 minutes; the default (4
configurations, none / own / held-out) about 45 minutes, most of it N = 1 (300 single-article
profiles, each spun and each clean article); ``--all --limit 60 --n 1,60 --profile none,held-out
--no-clean --no-mixed --no-real`` (24 configurations) 28 minutes.

usage: python benchmarks/learn.py [--config NAME ...] [--all] [--rates 0.2,0.4,0.6] [--n 1,10,300]
                                  [--limit N] [--profile none,own,held-out] [--quick] [--json]
                                  [--no-clean] [--no-mixed] [--no-real] [--folds K] [--show K]
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _corpus  # noqa: E402
from benchmarks.accuracy import DocScore, _cpus, auc, compare_restoration, nwords, pct, score_doc  # noqa: E402
from benchmarks.spinner import THESAURI, SpinConfig, get_spinner  # noqa: E402

#: candidate sources of textfix.learn, as the brief of issue 10 names them ("moby" is textfix's
#: shipped thesaurus table); the ones this textfix has are read from textfix.channel.SOURCES
SOURCES = ("phrases", "moby", "mythes", "wordnet", "context")
PROFILES = ("none", "default", "own", "held-out")


def available_sources() -> tuple[str, ...]:
    try:
        from textfix.channel import SOURCES as have
    except ImportError:
        return SOURCES
    return tuple(have)
NS = (1, 10, 30, 100, 300)
#: a non-equal block longer than this (words) in a real pair is a difference of content
REAL_MAX_BLOCK = 8


def _config_name(th: str, rate: float, choice: str, phrases: bool) -> str:
    return f"{th}-r{rate:g}-{choice}" + ("" if phrases else "-nophrases")


def grid(rates: tuple[float, ...] = (0.2, 0.4)) -> dict[str, SpinConfig]:
    out = {}
    for th in THESAURI:
        for rate in rates:
            for choice in ("fixed", "page"):
                for phrases in (True, False):
                    out[_config_name(th, rate, choice, phrases)] = SpinConfig(
                        thesaurus=(th,), rate=rate, choice=choice, phrases=phrases)
    return out


CONFIGS = grid((0.2, 0.4, 0.6))
#: each thesaurus, both rates, both choices, with and without phrase rewrites, in four runs
DEFAULT_CONFIGS = ("mythes-r0.2-fixed", "wordnet-r0.4-page", "moby-r0.2-fixed", "mythes-r0.4-page-nophrases")


# --------------------------------------------------------------------------------------------------
# memory and time

def _reset_peak() -> bool:
    """Reset the process's RSS high-water mark (Linux >= 4.0); False if it cannot be."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Step:
    """Times and the peak RSS of one measured step."""

    def __init__(self) -> None:
        self.reset = _reset_peak()
        self.learn = 0.0
        self.restore = 0.0
        self.nbytes = 0

    def peak(self) -> float:
        return _peak_mb()


# --------------------------------------------------------------------------------------------------

def sources_for(kind: str, cfg: SpinConfig) -> tuple[str, ...] | None:
    """The ``sources`` argument of textfix.learn for a kind of profile (None: the default)."""
    have = available_sources()
    if kind == "own":
        return have
    if kind == "held-out":
        return tuple(s for s in have if s not in cfg.thesaurus)
    return None


def kinds_for(kinds: list[str], cfg: SpinConfig) -> list[str]:
    """``own`` is left out where it is the same as ``held-out`` (the spinner's thesaurus is no
    source of this textfix)."""
    if "own" in kinds and "held-out" in kinds and sources_for("own", cfg) == sources_for("held-out", cfg):
        return [k for k in kinds if k != "own"]
    return kinds


def _learn(textfix, texts: list[str], sources, step: Step | None):
    t0 = time.perf_counter()
    p = textfix.learn(texts) if sources is None else textfix.learn(texts, sources=sources)
    if step is None:
        return p
    step.learn += time.perf_counter() - t0
    return p


def _explain(textfix, text: str, profile, step: Step):
    t0 = time.perf_counter()
    r = textfix.explain(text) if profile is None else textfix.explain(text, profile=profile)
    step.restore += time.perf_counter() - t0
    step.nbytes += len(text.encode("utf-8"))
    return r


def _spin_score(textfix, text: str, profile) -> float:
    return float(textfix.spin_score(text) if profile is None else textfix.spin_score(text, profile=profile))


def _row(n: int, docs: int, score: DocScore, step: Step | None, entries, auc1=None, auc_site=None) -> dict:
    row = {"n": n, "docs": docs, "score": score, "auc": auc1, "auc_site": auc_site, "entries": entries}
    if step is not None:
        row.update(learn_s=step.learn, restore_s=step.restore,
                   mb_per_s=step.nbytes / 1e6 / step.restore if step.restore else float("nan"),
                   peak_mb=step.peak(), peak_reset=step.reset)
    return row


def run_config(textfix, cname: str, cfg: SpinConfig, folder: list[tuple[str, str]], ns: list[int],
               kinds: list[str]) -> dict:
    """One spinner configuration: the spun folder, every N, every kind of profile."""
    spinner = get_spinner(cfg)
    spun = []
    orig_words = changed = 0
    for name, text in folder:
        s, subs = spinner.spin(text)
        spun.append((name, text, s, subs))
        orig_words += nwords(text)
        changed += sum(nwords(x.original) for x in subs)
    out = {"config": cname, "spinner": cfg.name, "docs": len(folder), "subs": sum(len(x[3]) for x in spun),
           "spin_rate": changed / orig_words if orig_words else 0.0, "rows": {}}
    out["sources"] = {k: sources_for(k, cfg) for k in kinds_for(kinds, cfg) if k != "none"}
    for kind in kinds_for(kinds, cfg):
        rows = []
        srcs = sources_for(kind, cfg)
        # N = 1: every article alone (the baseline's per-document results give every N's rows too)
        step = Step()
        per_doc: list[DocScore] = []
        pos, neg = [], []
        entries = 0
        for name, text, s, subs in spun:
            prof = None if kind == "none" else _learn(textfix, [s], srcs, step)
            if prof is not None:
                entries += len(prof)
            r = _explain(textfix, s, prof, step)
            per_doc.append(score_doc(s, subs, r.edits))
            pos.append(_spin_score(textfix, s, prof))
            cprof = None if kind == "none" else _learn(textfix, [text], srcs, None)
            neg.append(_spin_score(textfix, text, cprof))
        total = DocScore()
        for d in per_doc:
            total.add(d)
        rows.append(_row(1, len(spun), total, step, entries / len(spun) if kind != "none" else None,
                         auc1=auc(pos, neg)))
        for n in ns:
            if n <= 1 or n > len(spun):
                continue
            part = spun[:n]
            if kind == "none":
                total = DocScore()
                for d in per_doc[:n]:
                    total.add(d)
                rows.append(_row(n, n, total, None, None, auc1=auc(pos[:n], neg[:n])))
                continue
            step = Step()
            prof = _learn(textfix, [s for _, _, s, _ in part], srcs, step)
            total = DocScore()
            for name, text, s, subs in part:
                total.add(score_doc(s, subs, _explain(textfix, s, prof, step).edits))
            peak = step.peak()
            site_pos = [_spin_score(textfix, s, prof) for _, _, s, _ in part]
            site_neg = [_spin_score(textfix, t, prof) for _, t, _, _ in part]
            row = _row(n, n, total, step, len(prof), auc1=auc(pos[:n], neg[:n]), auc_site=auc(site_pos, site_neg))
            row["peak_mb"] = peak
            rows.append(row)
        out["rows"][kind] = rows
    return out


def clean_folder(textfix, folder: list[tuple[str, str]], kind: str) -> dict:
    """The clean articles as one folder: learned (``kind`` "default": textfix's default sources;
    "all": every source it has) and cleaned in one run; "none": each article alone."""
    step = Step()
    texts = [t for _, t in folder]
    srcs = available_sources() if kind == "all" else None
    prof = None if kind == "none" else _learn(textfix, texts, srcs, step)
    words = changed = docs_changed = 0
    fps: dict[tuple[str, str], int] = {}
    for t in texts:
        r = _explain(textfix, t, prof, step)
        words += nwords(t)
        c = sum(max(1, nwords(e.spun)) for e in r.edits)
        changed += c
        docs_changed += bool(r.edits)
        for e in r.edits:
            fps[(e.spun, e.original)] = fps.get((e.spun, e.original), 0) + 1
    return {"profile": f"{kind} ({', '.join(srcs)})" if srcs else kind, "docs": len(texts), "words": words, "changed": changed,
            "docs_changed": docs_changed, "entries": len(prof) if prof is not None else None,
            "learn_s": step.learn, "restore_s": step.restore, "peak_mb": step.peak(),
            "top_fp": sorted(fps.items(), key=lambda kv: -kv[1])[:8]}


def mixed_folder(textfix, cname: str, cfg: SpinConfig, folder: list[tuple[str, str]], kind: str) -> dict:
    """Half the folder spun (every other article in folder order), half clean; learned from all of
    it, every article restored with that profile."""
    spinner = get_spinner(cfg)
    items = []
    for i, (name, text) in enumerate(folder):
        if i % 2 == 0:
            s, subs = spinner.spin(text)
            items.append((s, subs))
        else:
            items.append((text, None))
    step = Step()
    srcs = sources_for(kind, cfg)
    prof = None if kind == "none" else _learn(textfix, [t for t, _ in items], srcs, step)
    spun_score = DocScore()
    clean_words = clean_changed = clean_docs_changed = 0
    for t, subs in items:
        r = _explain(textfix, t, prof, step)
        if subs is None:
            clean_words += nwords(t)
            clean_changed += sum(max(1, nwords(e.spun)) for e in r.edits)
            clean_docs_changed += bool(r.edits)
        else:
            spun_score.add(score_doc(t, subs, r.edits))
    return {"config": cname, "profile": kind, "docs": len(items), "spun_docs": sum(1 for _, s in items if s is not None),
            "score": spun_score, "clean_words": clean_words, "clean_changed": clean_changed,
            "clean_docs": sum(1 for _, s in items if s is None), "clean_docs_changed": clean_docs_changed,
            "entries": len(prof) if prof is not None else None, "learn_s": step.learn, "restore_s": step.restore,
            "peak_mb": step.peak()}


def real_pages(textfix, kinds: list[str], folds: int) -> dict:
    """Learn from real spun pages of the other sites, restore each pair's spun page, align it with
    its original. ``folds`` groups the sites of the pairs (0: one site at a time)."""
    import hashlib

    data = _corpus.real_spun()
    pairs, only = data["pairs"], data["spun_only"]
    sites = sorted({p[1] for p in pairs})
    if folds <= 0 or folds >= len(sites):
        groups = [[s] for s in sites]
    else:
        order = sorted(sites, key=lambda s: hashlib.blake2b(s.encode(), digest_size=8).digest())
        groups = [order[i::folds] for i in range(folds)]
    all_pages = [(n, site, s) for n, site, s, _ in pairs] + list(only)
    out = {"pairs": len(pairs), "sites": len(sites), "spun_only": len(only), "groups": len(groups), "rows": []}
    srcs = sources_for("own", SpinConfig()) if "own" in kinds or "held-out" in kinds else None

    families = _corpus.real_spun_families()

    def family(name: str) -> str:
        return "dominant" if families.get(name, "").startswith("dominant") else "other"

    out["learn_sources"] = srcs or "default"
    out["families"] = {f: sum(1 for n, *_ in pairs if family(n) == f) for f in ("dominant", "other")}

    def measure(label: str, profile_for) -> dict:
        step = Step()
        keys = ("words", "spinner_changed", "restored", "new_errors")
        tot = {f: dict.fromkeys(keys, 0) for f in ("dominant", "other")}
        learned = []
        for g in groups:
            prof = profile_for(g, step)
            if prof is not None and prof != "self":
                learned.append(len(prof))
            for name, site, spun, orig in pairs:
                if site not in g:
                    continue
                p = _learn(textfix, [spun], srcs, step) if prof == "self" else prof
                restored = _explain(textfix, spun, p, step).text
                c = compare_restoration(name, spun, orig, restored, max_block=REAL_MAX_BLOCK,
                                        fold_apostrophes=True)
                for k in keys:
                    tot[family(name)][k] += c[k]
        return {"profile": label, "by_family": tot, "entries": (sum(learned) / len(learned)) if learned else None,
                "learn_s": step.learn, "restore_s": step.restore, "peak_mb": step.peak()}

    if "none" in kinds:
        out["rows"].append(measure("none (each page alone, no profile)", lambda g, step: None))
    if any(k != "none" for k in kinds):
        out["rows"].append(measure("each page learns from itself", lambda g, step: "self"))
        out["rows"].append(measure(
            f"learned from the other sites' pages ({len(groups)} folds by site)",
            lambda g, step: _learn(textfix, [s for _, site, s in all_pages if site not in g], srcs, step)))
        cache: dict = {}

        def everything(g, step):  # not held out: the pages themselves are in the folder
            if "p" not in cache:
                cache["p"] = _learn(textfix, [s for _, _, s in all_pages], srcs, step)
            return cache["p"]

        out["rows"].append(measure("learned from all pages, these included (not held out)", everything))
    return out


# --------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", action="append", help="spinner configuration (repeatable), e.g. "
                    "mythes-r0.2-fixed, wordnet-r0.4-page-nophrases; default: " + ", ".join(DEFAULT_CONFIGS))
    ap.add_argument("--all", action="store_true", help="the grid: every thesaurus x rate (--rates) x fixed/page "
                    "x with/without phrase rewrites")
    ap.add_argument("--rates", default="0.2,0.4", help="rates of the --all grid (default 0.2,0.4; 0.6 too: "
                    "0.2,0.4,0.6)")
    ap.add_argument("--n", default=",".join(map(str, NS)), help="folder sizes (default 1,10,30,100,300)")
    ap.add_argument("--limit", type=int, help="folder of N articles (an even spread; default all 300)")
    ap.add_argument("--profile", default=None, help="kinds of profile, comma-separated: none, default, own, "
                    "held-out (default: none,own,held-out when textfix.learn exists, else none)")
    ap.add_argument("--quick", action="store_true", help="60 articles, N = 1,10,30, two configs")
    ap.add_argument("--no-clean", action="store_true", help="skip the clean folder")
    ap.add_argument("--no-mixed", action="store_true", help="skip the half-clean, half-spun folder")
    ap.add_argument("--no-real", action="store_true", help="skip the real spun pages")
    ap.add_argument("--folds", type=int, default=5, help="real pages: learn from the other folds' sites "
                    "(default 5; 0 = one site at a time)")
    ap.add_argument("--render", type=Path, help="print the markdown of a saved --json-out file and exit")
    ap.add_argument("--show", type=int, default=0, help="print N sample errors per run")
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    ap.add_argument("--json-out", type=Path, help="also write the JSON to this file (updated after each "
                    "configuration)")
    args = ap.parse_args(argv)
    if args.render:
        print(markdown(_from_json(json.loads(args.render.read_text(encoding="utf-8"))), args))
        return 0

    import textfix

    has_learn = hasattr(textfix, "learn")
    kinds = [k.strip() for k in args.profile.split(",")] if args.profile else \
        (["none", "own", "held-out"] if has_learn else ["none"])
    res_sources = available_sources() if has_learn else ()
    for k in kinds:
        if k not in PROFILES:
            ap.error(f"unknown profile kind {k!r}; choose from {', '.join(PROFILES)}")
        if k != "none" and not has_learn:
            ap.error(f"textfix {textfix.__version__} has no learn(): only --profile none can run")
    configs = dict(CONFIGS)
    if args.all:
        names = list(grid(tuple(float(r) for r in args.rates.split(","))))
        configs.update(grid(tuple(float(r) for r in args.rates.split(","))))
    elif args.config:
        names = args.config
    else:
        names = list(DEFAULT_CONFIGS[:2] if args.quick else DEFAULT_CONFIGS)
    for n in names:
        if n not in configs:
            ap.error(f"unknown config {n!r}: thesaurus-rRATE-fixed|page[-nophrases], e.g. {DEFAULT_CONFIGS[0]}")
    limit = args.limit or (60 if args.quick else None)
    ns = sorted({int(x) for x in (("1,10,30" if args.quick and args.n == ",".join(map(str, NS)) else args.n)
                                  .split(","))})
    folder = _corpus.spread(_corpus.bbc_articles(limit))
    ns = [n for n in ns if n <= len(folder)]

    res: dict = {"command": "python benchmarks/learn.py " + shlex.join(argv),
                 "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": _cpus()},
                 "textfix": getattr(textfix, "__version__", "?"), "revision": _corpus.textfix_revision(),
                 "learn_api": has_learn, "load_before": _corpus.load_average(), "docs": len(folder), "ns": ns,
                 "profiles": kinds, "sources": res_sources, "runs": [], "clean": [], "mixed": [], "real": None}
    t_start = time.perf_counter()
    textfix.restore("warm up the tables and the model")
    for n in names:
        res["runs"].append(run_config(textfix, n, configs[n], folder, ns, kinds))
        print(f"[learn.py] {n} done at {time.perf_counter() - t_start:.0f} s", file=sys.stderr, flush=True)
        if args.json_out:  # the runs so far, in case a long grid is stopped
            res["seconds"] = time.perf_counter() - t_start
            args.json_out.write_text(json.dumps(_jsonable(res), indent=1), encoding="utf-8")
    if not args.no_clean:
        ckinds = (["none"] if "none" in kinds else []) + (["default"] if "default" in kinds else []) + \
            (["all"] if "own" in kinds or "held-out" in kinds else [])
        for k in ckinds:
            res["clean"].append(clean_folder(textfix, folder, k))
    if not args.no_mixed:
        for k in kinds_for(kinds, configs[names[0]]):
            res["mixed"].append(mixed_folder(textfix, names[0], configs[names[0]], folder, k))
    if not args.no_real:
        res["real"] = real_pages(textfix, kinds, args.folds)
    res["seconds"] = time.perf_counter() - t_start
    res["load_after"] = _corpus.load_average()
    if args.json_out:
        args.json_out.write_text(json.dumps(_jsonable(res), indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(_jsonable(res), indent=1))
    else:
        print(markdown(res, args))
    return 0


def _jsonable(res: dict) -> dict:
    def conv(o):
        if isinstance(o, DocScore):
            return {k: v for k, v in vars(o).items() if not isinstance(v, list)}
        return str(o)

    return json.loads(json.dumps(res, default=conv))


def _from_json(res: dict) -> dict:
    """A saved result with its scores as DocScore again (sample errors are not saved)."""
    def ds(d: dict) -> DocScore:
        return DocScore(**{k: v for k, v in d.items() if k in DocScore.__dataclass_fields__})

    for r in res["runs"]:
        for rows in r["rows"].values():
            for row in rows:
                row["score"] = ds(row["score"])
    for x in res.get("mixed") or []:
        x["score"] = ds(x["score"])
    res.setdefault("seconds", float("nan"))
    res.setdefault("load_after", "n/a")
    for c in res.get("clean") or []:
        c["top_fp"] = [((a, b), n) for (a, b), n in (tuple(x) for x in c["top_fp"])] if c.get("top_fp") else []
    return res


def _f(x, fmt: str) -> str:
    return "" if x is None or x != x else format(x, fmt)


def markdown(res: dict, args) -> str:
    m = res["machine"]
    L = [f"`{res['command']}`", "",
         f"textfix {res['textfix']} (git {res['revision']}; learn API: "
         f"{'yes, sources ' + ', '.join(res['sources']) if res['learn_api'] else 'no'}) on a "
         f"folder of {res['docs']} BBC articles; Python {m['python']}, {m['cpus']} CPUs; {res['seconds']:.0f} s in all; "
         f"load average {res['load_before']} before, {res['load_after']} after.", "",
         "| spinner config | profile | N | subs | removed | from thesaurus | from phrases | wrong | clean chg "
         "| AUC (single docs) | AUC (site profile) | entries | learn s | restore s | MB/s | peak RSS MB |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in res["runs"]:
        first = True
        for kind, rows in r["rows"].items():
            for row in rows:
                s: DocScore = row["score"]
                label = f"{r['config']} ({r['spin_rate']:.1%} spun)" if first else ""
                first = False
                srcs = r.get("sources", {}).get(kind)
                klabel = f"{kind} ({', '.join(srcs)})" if srcs else kind
                L.append(f"| {label} | {klabel if row['n'] == 1 else ''} | {row['n']} | {s.subs} | {pct(s.restored, s.subs)} "
                         f"| {pct(s.restored_thes, s.subs_thes)} | {pct(s.restored_phrase, s.subs_phrase)} "
                         f"| {pct(s.wrong, s.subs)} | {pct(s.clean_changed, s.clean_words, 2)} "
                         f"| {_f(row['auc'], '.4f')} | {_f(row['auc_site'], '.4f')} | {_f(row['entries'], '.0f')} "
                         f"| {_f(row.get('learn_s'), '.1f')} | {_f(row.get('restore_s'), '.1f')} "
                         f"| {_f(row.get('mb_per_s'), '.2f')} | {_f(row.get('peak_mb'), '.0f')} |")
    L.append("\nN = 1: each article alone (times summed over the articles); N > 1: the first N articles of the "
             "folder learned together and restored. `none` at N > 1 is the same N articles each judged alone "
             "(times only at N = 1). *removed* / *wrong* = shares of the substitutions; *clean chg* = share of "
             "the words the spinner left alone that were changed; *AUC (site profile)* = the N spun articles "
             "and their originals scored with the spun folder's profile. Peak RSS is the process's high-water "
             "mark during the step (reset before it), textfix's tables and the spinner's thesaurus included.")
    bad = sum(row["score"].bad_edits for r in res["runs"] for rows in r["rows"].values() for row in rows)
    if bad:
        L.append(f"\n**{bad} edits did not match their span in the input (textfix bug).**")
    if res["clean"]:
        L.append("\nClean folder (the untouched articles, learned and cleaned in one run; target <= 0.1% "
                 "of words changed):\n")
        L.append("| profile | articles | words | words changed | articles changed | entries | learn s | "
                 "restore s | peak RSS MB | most frequent changes |")
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for c in res["clean"]:
            top = "; ".join(f"{a}->{b} x{n}" for (a, b), n in c["top_fp"][:5])
            L.append(f"| {c['profile']} | {c['docs']} | {c['words']} | {c['changed']} ({pct(c['changed'], c['words'], 3)}) "
                     f"| {c['docs_changed']} | {_f(c['entries'], 'd')} | {c['learn_s']:.1f} | {c['restore_s']:.1f} "
                     f"| {c['peak_mb']:.0f} | {top} |")
    if res["mixed"]:
        L.append("\nHalf-clean, half-spun folder (every other article spun, learned and cleaned in one run; "
                 "target <= 0.1% of the clean articles' words changed):\n")
        L.append("| spinner config | profile | articles | spun removed | wrong | clean chg (spun articles) | "
                 "clean articles: words changed | articles changed | entries | learn s | restore s |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for x in res["mixed"]:
            s = x["score"]
            L.append(f"| {x['config']} | {x['profile']} | {x['spun_docs']} spun + {x['clean_docs']} clean "
                     f"| {pct(s.restored, s.subs)} | {pct(s.wrong, s.subs)} | {pct(s.clean_changed, s.clean_words, 2)} "
                     f"| {x['clean_changed']} of {x['clean_words']} ({pct(x['clean_changed'], x['clean_words'], 3)}) "
                     f"| {x['clean_docs_changed']} | {_f(x['entries'], 'd')} | {x['learn_s']:.1f} | {x['restore_s']:.1f} |")
    if res["real"]:
        rr = res["real"]
        fam = rr["families"]
        L.append(f"\nReal spun pages (`../shared/corpora/real-spun/`: {rr['pairs']} pairs from {rr['sites']} sites, "
                 f"{fam['dominant']} of them by the examples' dominant dictionary spinner, {fam['other']} by other "
                 f"families (translation round trips, homoglyphs, word salad, second dictionaries, ...); "
                 f"{rr['spun_only']} spun-only pages; learned with sources {rr.get('learn_sources')}); each pair's spun page "
                 f"restored and aligned with its original "
                 f"(blocks of more than {REAL_MAX_BLOCK} differing words left out):\n")
        L.append("| profile | pairs | aligned words | changed by the spinner | removed | not removed | new errors | "
                 "entries | learn s | restore s |")
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for x in rr["rows"]:
            first = True
            for f, label in (("dominant", "dominant dictionary"), ("other", "other families")):
                t = x["by_family"][f]
                L.append(f"| {x['profile'] if first else ''} | {label} ({fam[f]}) | {t['words']} | {t['spinner_changed']} "
                         f"| {t['restored']} ({pct(t['restored'], t['spinner_changed'])}) "
                         f"| {t['spinner_changed'] - t['restored']} | {t['new_errors']} "
                         + (f"| {_f(x['entries'], '.0f')} | {x['learn_s']:.1f} | {x['restore_s']:.1f} |" if first
                            else "| | | |"))
                first = False
    if args.show:
        for r in res["runs"]:
            for kind, rows in r["rows"].items():
                row = rows[-1]
                s = row["score"]
                L.append(f"\nSample errors, {r['config']} / {kind} / N={row['n']}:")
                L.append("  wrong (spun -> original [textfix gave]): " + "; ".join(
                    f"{a}->{b} [{c}]" for a, b, c in s.examples_wrong[:args.show]))
                L.append("  changed clean words: " + "; ".join(f"{a}->{b}" for a, b in s.examples_fp[:args.show]))
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
