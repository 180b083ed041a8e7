#!/usr/bin/env python3
"""Speed and memory of textfix, side by side with ftfy and a bare regex tokeniser (issue 4).

One run measures, on the same text (the 300-article BBC sample spun by benchmarks/spinner.py, and
the clean originals):

- throughput (MB/s of UTF-8 input) of ``textfix.restore``, ``textfix.spin_score`` and
  ``textfix.learn`` (issue 14: on both scoring paths, the compiled loop and ``TEXTFIX_PURE=1``,
  when the compiled one is built), ``ftfy.fix_text``, a bare ``regex`` word tokenise pass and a
  floor (textfix's own tokeniser and table look-up, nothing else), in this process, every row as a
  ratio to ftfy and to the floor; the rows take turns in each timing round;
- the ``textfix clean`` command (``python -m textfix clean DIR -o OUT -j N``) on a folder of the 300
  files, with ``-j 1`` and ``-j 2`` (wall time of the whole command, start-up included);
- cold start: wall time of ``python -c "import textfix"``, of ``import textfix; textfix.restore('x')``
  and of a first ``restore`` on a real spun sentence (which has to load the tables and the model);
- peak RSS (VmHWM, or ru_maxrss off Linux) of a fresh process that restores the whole sample;
- scaling: ``restore`` over 1x, 4x and 16x the sample (the article list repeated), and over single
  documents made of 10, 40 and 160 articles.

Every timing is repeated (``--repeats``, default 5; ``--quick`` = 2) and the median is reported.

usage: python benchmarks/speed.py [--quick] [--repeats N] [--limit N] [--spinner CONFIG] [--json]
                                  [--no-cli] [--no-scaling] [--only spin_score] [--sure-spun T]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _corpus  # noqa: E402
from benchmarks.accuracy import CONFIGS  # noqa: E402
from benchmarks.spinner import get_spinner  # noqa: E402

TOKEN = regex.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
REPO = _corpus.REPO
SPUN_SENTENCE = "A uncommon journey by Russia’s protection minister to North Korea final week."

# the targets of issue 14 (import: issue 4's), on a 2-core machine
TARGETS = {
    "restore_vs_ftfy": 0.25,
    "score_vs_ftfy": 1.0,
    "learn_s": 20.0,
    "import_s": 0.15,
    "first_restore_s": 0.5,
    "rss_mb": 200.0,
    "j2_vs_j1": 1.8,
}


def mb(docs: list[str]) -> float:
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def subprocess_wall(args: list[str], repeats: int, cwd: Path | None = None) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=run_env(), cwd=cwd)
        times.append(time.perf_counter() - t0)
    return times


class Row:
    def __init__(self, name: str) -> None:
        self.name = name
        self.cells: dict[str, str] = {}
        self.values: dict[str, float | None] = {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 repeats, smaller scaling runs")
    ap.add_argument("--repeats", type=int, help="timing repeats (default 5, --quick 2)")
    ap.add_argument("--limit", type=int, help="use N articles instead of 300")
    ap.add_argument("--spinner", default="mythes", choices=sorted(CONFIGS), help="spinner configuration")
    ap.add_argument("--no-cli", action="store_true", help="skip the textfix clean rows")
    ap.add_argument("--no-scaling", action="store_true", help="skip the 1x/4x/16x rows")
    ap.add_argument("--scale-docs", type=int, help="articles in the 1x unit of the scaling rows "
                    "(default: the whole sample; --quick: 30)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    ap.add_argument("--sure-spun", type=float, metavar="T", help="also time spin_score with the scan's "
                    "experimental rule textfix.scan.SURE_SPUN = T (extra rows, same run)")
    ap.add_argument("--only", choices=["spin_score"], help="time only these textfix rows (and the baselines)")
    args = ap.parse_args(argv)
    R = args.repeats or (2 if args.quick else 5)

    import ftfy

    res: dict = {"revision": _corpus.textfix_revision(), "load_before": _corpus.load_average(),
                 "machine": {"python": platform.python_version(), "platform": platform.platform(),
                             "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                             else os.cpu_count(), "ftfy": ftfy.__version__},
                 "repeats": R, "spinner": CONFIGS[args.spinner].name, "notes": []}
    arts = _corpus.bbc_articles(args.limit)
    clean = [t for _, t in arts]
    spinner = get_spinner(CONFIGS[args.spinner])
    spun = [spinner.spin(t)[0] for t in clean]
    res["docs"] = len(clean)
    res["mb"] = {"spun": mb(spun), "clean": mb(clean)}

    try:
        import textfix
        textfix.restore(SPUN_SENTENCE)  # load tables and model before timing
        res["textfix"] = textfix.__version__
        tf_error = None
    except Exception as exc:  # noqa: BLE001  (report, do not crash: baselines are still useful)
        textfix = None
        tf_error = f"{type(exc).__name__}: {exc}"
        res["notes"].append(f"textfix not usable in-process: {tf_error}")

    # ---- in-process throughput ------------------------------------------------------------------
    # textfix's rows run on both scoring paths where they differ: the compiled loop (textfix._fastlm,
    # built at install time) and the pure-Python fallback (TEXTFIX_PURE=1), switched in this process
    # by resetting the cached scorer; each timing round runs every row once, so the paths, ftfy and the
    # floors are measured in turn under the same machine load
    if textfix:
        from textfix import scoring
        from textfix.config import Config
        from textfix.decode import find_matches
        from textfix.tables import lexicon
        from textfix.tokens import tokenize

        paths = ["compiled", "pure"] if scoring.compiled_available() else ["pure"]
        if paths == ["pure"]:
            res["notes"].append("textfix._fastlm not available (no C compiler at install, or TEXTFIX_PURE=1): "
                                "only the pure-Python path is timed")
        tables = Config().tables
    else:
        paths = []

    def use_path(path: str) -> None:
        if path == "pure":
            os.environ["TEXTFIX_PURE"] = "1"
        else:
            os.environ.pop("TEXTFIX_PURE", None)
        scoring.get_scorer.cache_clear()

    def floor(docs):
        # the bare tokenise-and-look-up floor: textfix's own tokeniser and table look-up, nothing else
        lex = lexicon(tables)
        for d in docs:
            toks = tokenize(d)
            find_matches(toks, lex, [t.fixed is None for t in toks])

    def sure_spun(docs: list[str]) -> list[float]:
        from textfix import scan

        scan.SURE_SPUN = args.sure_spun
        try:
            return [textfix.spin_score(d) for d in docs]
        finally:
            scan.SURE_SPUN = None

    fns: dict[str, tuple[str | None, object]] = {}
    if textfix:
        for path in paths:
            if not args.only:
                fns[f"textfix.restore [{path}]"] = (path, lambda docs: [textfix.restore(d) for d in docs])
            fns[f"textfix.spin_score [{path}]"] = (path, lambda docs: [textfix.spin_score(d) for d in docs])
            if args.sure_spun is not None:
                fns[f"textfix.spin_score [{path}, SURE_SPUN = {args.sure_spun:g}]"] = (path, sure_spun)
            if not args.only:
                fns[f"textfix.learn [{path}]"] = (path, lambda docs: textfix.learn(docs))
    fns["ftfy.fix_text"] = (None, lambda docs: [ftfy.fix_text(d) for d in docs])
    fns["regex tokenise"] = (None, lambda docs: [TOKEN.findall(d) for d in docs])
    if textfix:
        fns["floor: textfix tokenize + table look-up"] = (None, floor)
    times: dict[tuple[str, str], list[float]] = {}
    for name, (path, fn) in fns.items():  # warm-up (tables, model, caches) on both paths
        if path:
            use_path(path)
        for corpus, docs in (("spun", spun), ("clean", clean)):
            fn(docs[:20])
    for _ in range(R):
        for name, (path, fn) in fns.items():
            if path:
                use_path(path)
                fn(spun[:5])  # the scorer was reset: reload it outside the timing
            for corpus, docs in (("spun", spun), ("clean", clean)):
                times.setdefault((name, corpus), []).extend(timed(lambda: fn(docs), 1))
    if paths:
        use_path(paths[0])
    thr: dict[str, dict[str, float | None]] = {}
    secs: dict[str, dict[str, float | None]] = {}
    for name in fns:
        thr[name] = {c: res["mb"][c] / statistics.median(times[(name, c)]) for c in ("spun", "clean")}
        secs[name] = {c: statistics.median(times[(name, c)]) for c in ("spun", "clean")}
    res["throughput_mb_s"] = thr
    res["seconds"] = secs
    res["paths"] = paths

    # ---- the CLI -----------------------------------------------------------------------------------
    cli: dict[str, dict[str, float | None]] = {}
    if not args.no_cli:
        help_ok = subprocess.run([sys.executable, "-m", "textfix", "clean", "--help"], env=run_env(),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if help_ok.returncode != 0:
            msg = (help_ok.stderr.strip().splitlines() or ["no output"])[-1]
            res["notes"].append(f"`python -m textfix clean` not available yet ({msg}); CLI rows skipped")
        else:
            work = Path(tempfile.mkdtemp(prefix="textfix-speed-"))
            try:
                for corpus, docs in (("spun", spun), ("clean", clean)):
                    src = work / corpus
                    src.mkdir()
                    for (name, _), d in zip(arts, docs):
                        (src / name).write_text(d, encoding="utf-8")
                    cli[corpus] = {}
                    for j in (1, 2):
                        times: list[float] = []
                        failed = False
                        for r in range(R):
                            out = work / f"out-{corpus}-{j}-{r}"
                            t0 = time.perf_counter()
                            p = subprocess.run([sys.executable, "-m", "textfix", "clean", str(src), "-o",
                                                str(out), "-j", str(j)], env=run_env(),
                                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                            times.append(time.perf_counter() - t0)
                            if p.returncode != 0:
                                last = (p.stderr.strip().splitlines() or [""])[-1]
                                res["notes"].append(f"textfix clean -j {j} on {corpus} exited {p.returncode}: "
                                                    f"{last[-300:]}")
                                failed = True
                                break
                            n_out = sum(1 for _ in out.rglob("*.txt"))
                            if n_out != len(docs):
                                res["notes"].append(f"textfix clean -j {j} wrote {n_out} of {len(docs)} files")
                            shutil.rmtree(out, ignore_errors=True)
                        ok = times and not failed
                        cli[corpus][f"j{j}"] = res["mb"][corpus] / statistics.median(times) if ok else None
                        cli[corpus][f"j{j}_s"] = statistics.median(times) if ok else None
            finally:
                shutil.rmtree(work, ignore_errors=True)
    res["cli_mb_s"] = cli

    # ---- cold start ---------------------------------------------------------------------------------
    py = sys.executable
    cold = {"pass": statistics.median(subprocess_wall([py, "-c", "pass"], R))}
    for label, code in (("import textfix", "import textfix"),
                        ("import textfix; textfix.restore('x')", "import textfix; textfix.restore('x')"),
                        ("import textfix; textfix.restore(<spun sentence>)",
                         f"import textfix; textfix.restore({SPUN_SENTENCE!r})")):
        try:
            cold[label] = statistics.median(subprocess_wall([py, "-c", code], R, cwd=Path(tempfile.gettempdir())))
        except subprocess.CalledProcessError as exc:
            cold[label] = None
            res["notes"].append(f"cold start `{label}` failed (exit {exc.returncode})")
    res["cold_start_s"] = cold

    # ---- peak RSS ----------------------------------------------------------------------------------
    rss: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory(prefix="textfix-rss-") as tmp:
        for corpus, docs in (("spun", spun), ("clean", clean)):
            path = Path(tmp) / f"{corpus}.json"
            path.write_text(json.dumps(docs), encoding="utf-8")
            code = ("import json, resource, sys, time\n"
                    "def hwm():\n"
                    "    # VmHWM belongs to this process's own address space (ru_maxrss on Linux\n"
                    "    # can carry the parent's peak over fork+exec)\n"
                    "    try:\n"
                    "        for line in open('/proc/self/status'):\n"
                    "            if line.startswith('VmHWM:'):\n"
                    "                return int(line.split()[1])\n"
                    "    except OSError:\n"
                    "        pass\n"
                    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
                    "docs = json.load(open(sys.argv[1], encoding='utf-8'))\n"
                    "base = hwm()\n"
                    "import textfix\n"
                    "t0 = time.perf_counter()\n"
                    "n = sum(len(textfix.explain(d).edits) for d in docs)\n"
                    "print(json.dumps({'maxrss_kb': hwm(), 'base_kb': base, 'edits': n,"
                    " 'seconds': time.perf_counter() - t0}))\n")
            p = subprocess.run([py, "-c", code, str(path)], env=run_env(), capture_output=True, text=True)
            if p.returncode == 0:
                info = json.loads(p.stdout.strip().splitlines()[-1])
                rss[corpus] = info["maxrss_kb"] / 1024.0
                rss[corpus + "_edits"] = info["edits"]
                rss["interpreter_with_docs"] = info["base_kb"] / 1024.0
            else:
                rss[corpus] = None
                res["notes"].append(f"RSS run on {corpus} failed: {(p.stderr.strip().splitlines() or [''])[-1]}")
    res["peak_rss_mb"] = rss

    # ---- scaling -----------------------------------------------------------------------------------
    scaling: list[dict] = []
    if textfix is not None and not args.no_scaling:
        unit = spun[:args.scale_docs or (30 if args.quick else len(spun))]
        for k in (1, 4, 16):
            docs = unit * k
            reps = R if k < 16 else max(1, min(R, 3))
            ts = timed(lambda: [textfix.restore(d) for d in docs], reps)
            scaling.append({"what": f"{k}x the sample ({len(docs)} articles)", "mb": mb(docs),
                            "seconds": statistics.median(ts), "repeats": reps})
        for n in (10, 40, 160):
            n = min(n, len(spun))
            doc = "\n\n".join(spun[:n])
            ts = timed(lambda: textfix.restore(doc), R if n < 160 else max(1, min(R, 3)))
            scaling.append({"what": f"one document of {n} articles", "mb": mb([doc]),
                            "seconds": statistics.median(ts), "repeats": len(ts)})
        for s in scaling:
            s["mb_s"] = s["mb"] / s["seconds"] if s["seconds"] else None
    res["scaling"] = scaling

    res["load_after"] = _corpus.load_average()
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        print(markdown(res))
    return 0


def _f(v: float | None, fmt: str = "{:.2f}") -> str:
    return "n/a" if v is None else fmt.format(v)


def _ok(passed: bool | None) -> str:
    return "" if passed is None else (" ✅" if passed else " ❌")


def markdown(res: dict) -> str:
    m = res["machine"]
    thr = res["throughput_mb_s"]
    L = [f"textfix {res.get('textfix', '(not importable)')} (git {res['revision']}), {res['docs']} BBC articles "
         f"({res['mb']['clean']:.2f} MB clean, {res['mb']['spun']:.2f} MB spun with `{res['spinner']}`); "
         f"Python {m['python']}, nproc {m['nproc']}, ftfy {m['ftfy']}; median of {res['repeats']} runs; "
         f"load average {res['load_before']} before, {res['load_after']} after.", ""]
    L.append("| throughput (MB/s of input) | spun | clean | x ftfy (spun / clean) | x floor (spun / clean) "
             "| seconds (spun / clean) | target |")
    L.append("|---|---|---|---|---|---|---|")
    ftfy_s, ftfy_c = thr["ftfy.fix_text"]["spun"], thr["ftfy.fix_text"]["clean"]
    fl = thr.get("floor: textfix tokenize + table look-up", {"spun": None, "clean": None})

    def ratio(v, base):
        return None if v is None or not base else v / base

    for name in thr:
        s, c = thr[name]["spun"], thr[name]["clean"]
        rs, rc = ratio(s, ftfy_s), ratio(c, ftfy_c)
        tgt = ""
        key = ("restore_vs_ftfy" if name.startswith("textfix.restore") else
               "score_vs_ftfy" if name.startswith("textfix.spin_score") else None)
        if key:
            t = TARGETS[key]
            passed = None if rs is None else (rs >= t and (rc is None or rc >= t))
            tgt = f">= {t:g}x ftfy{_ok(passed)}"
        elif name.startswith("textfix.learn"):
            sec = res["seconds"][name]["spun"]
            tgt = f"< {TARGETS['learn_s']:g} s on {res['docs']} spun{_ok(sec < TARGETS['learn_s'])}"
        sec = res["seconds"][name]
        L.append(f"| {name} | {_f(s)} | {_f(c)} | {_f(rs, '{:.3f}x')} / {_f(rc, '{:.3f}x')} "
                 f"| {_f(ratio(s, fl['spun']), '{:.3f}x')} / {_f(ratio(c, fl['clean']), '{:.3f}x')} "
                 f"| {sec['spun']:.2f} / {sec['clean']:.2f} | {tgt} |")
    cli = res["cli_mb_s"]
    if cli:
        L.append("")
        L.append("| `textfix clean` (whole command) | spun MB/s | clean MB/s | x ftfy | target |")
        L.append("|---|---|---|---|---|")
    for corpus in ("spun", "clean"):
        if corpus in cli:
            c = cli[corpus]
            sp = ratio(c.get("j2"), c.get("j1"))
            L.append(f"| `textfix clean -j 1` on {corpus} ({res['docs']} files, whole command) | "
                     f"{_f(c.get('j1')) if corpus == 'spun' else ''} | {_f(c.get('j1')) if corpus == 'clean' else ''}"
                     f" | {_f(ratio(c.get('j1'), ftfy_s if corpus == 'spun' else ftfy_c), '{:.2f}x')} | |")
            L.append(f"| `textfix clean -j 2` on {corpus} | "
                     f"{_f(c.get('j2')) if corpus == 'spun' else ''} | {_f(c.get('j2')) if corpus == 'clean' else ''}"
                     f" | -j 2 / -j 1 = {_f(sp, '{:.2f}x')} | >= 1.8x{_ok(None if sp is None else sp >= 1.8)} |")
    L.append("")
    L.append("| cold start (subprocess wall time) | seconds | target |")
    L.append("|---|---|---|")
    for label, v in res["cold_start_s"].items():
        tgt = ""
        if label == "import textfix":
            tgt = f"< {TARGETS['import_s']} s{_ok(None if v is None else v < TARGETS['import_s'])}"
        elif label == "import textfix; textfix.restore('x')":
            tgt = f"< {TARGETS['first_restore_s']} s{_ok(None if v is None else v < TARGETS['first_restore_s'])}"
        L.append(f"| `python -c \"{label}\"` | {_f(v, '{:.3f}')} | {tgt} |")
    rss = res["peak_rss_mb"]
    L.append("")
    L.append("| peak RSS of a fresh process restoring the whole sample | MB | target |")
    L.append("|---|---|---|")
    for corpus in ("spun", "clean"):
        v = rss.get(corpus)
        L.append(f"| {corpus} ({rss.get(corpus + '_edits', 'n/a')} edits) | {_f(v, '{:.0f}')} "
                 f"| < {TARGETS['rss_mb']:.0f} MB{_ok(None if v is None else v < TARGETS['rss_mb'])} |")
    if rss.get("interpreter_with_docs") is not None:
        L.append(f"| (same process before importing textfix, texts loaded) | {rss['interpreter_with_docs']:.0f} | |")
    if res["scaling"]:
        L.append("")
        L.append("| scaling: textfix.restore on spun text | MB | seconds | MB/s | time / (size x time at 1x) |")
        L.append("|---|---|---|---|---|")
        base = res["scaling"][0]
        per_mb = base["seconds"] / base["mb"]
        for s in res["scaling"]:
            L.append(f"| {s['what']} | {s['mb']:.2f} | {s['seconds']:.2f} | {_f(s['mb_s'])} "
                     f"| {s['seconds'] / (s['mb'] * per_mb):.2f} |")
    if res["notes"]:
        L.append("")
        L.extend(f"- {n}" for n in res["notes"])
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
