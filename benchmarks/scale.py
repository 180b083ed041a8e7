#!/usr/bin/env python3
"""Issue 15: textfix beyond one process. Two measurements, on the BBC sample spun by
``benchmarks/spinner.py`` (MyThes, rate 0.2, fixed choice: the headline spinner of accuracy.py);
data written under ``benchmarks/_out/scale/`` (gitignored: BBC text, research use only):

``dask``: the 300 spun articles as one JSON Lines file (``{"id", "category", "text"}`` records).
  A: ``textfix clean FILE -o OUT --save-profile P`` (one process: a file is one job), timed as a
  whole process. B: ``textfix.dask`` on a ``LocalCluster`` of 2 worker processes with one thread
  each: ``learn(bag, jsonl=True)`` then ``clean(bag, jsonl=True, profile=p)``, the bag read with
  ``dask.bag.read_text(FILE, blocksize=...)``; the cluster's start-up is timed apart (a cluster is
  started once for many jobs), the workers are warmed with one small restore first (as the CLI's own
  start-up loads its tables once); ``clean`` splits each partition into ``--pieces`` tasks (default:
  textfix.dask's choice). Checks: B's output lines are A's output file byte for byte and
  B's profile is A's saved profile. Reports records per second and per core (A uses one core, B two)
  for each of ``--repeat`` alternating rounds, and their medians.

``parquet``: the 300 spun articles repeated to ``--rows`` records (10,000) as one Parquet file
  (``{"id", "copy", "category", "text"}``, the writer's default row groups), cleaned by
  ``textfix clean FILE -o OUT`` in a child process; its peak RSS (``ru_maxrss`` of the child) and
  time, with and without the learning pass (``--no-learn``). Checks the output's row count, schema
  and other columns.

Usage::

    python benchmarks/scale.py dask [--repeat 3] [--blocksize 200000] [--pieces 1]
    python benchmarks/scale.py parquet [--rows 10000] [--only learn|no-learn]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _corpus  # noqa: E402

OUT = _corpus.BENCH / "_out" / "scale"


def spun_articles() -> list[dict[str, object]]:
    from benchmarks.spinner import SpinConfig, get_spinner

    spinner = get_spinner(SpinConfig(thesaurus=("mythes",), rate=0.2, seed=1))
    rows = []
    for i, (name, text) in enumerate(_corpus.spread(_corpus.bbc_articles())):
        spun, _ = spinner.spin(text)
        rows.append({"id": i, "category": _corpus.category(name), "text": spun})
    return rows


def jsonl_file() -> Path:
    path = OUT / "bbc-spun-300.jsonl"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in spun_articles()), encoding="utf-8")
    return path


def machine() -> str:
    return (f"{platform.node()} {platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
            f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}")


def _cpu(ru: resource.struct_rusage) -> float:
    return ru.ru_utime + ru.ru_stime


def run_cli(args: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s, exit status) of ``python -m textfix ARGS`` as a child process (its CPU
    time, and its children's: the CLI runs one file in its own process)."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "textfix", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()  # type: ignore[union-attr]
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        sys.stderr.write(err.decode(errors="replace"))
    return wall, _cpu(ru), rc


def _worker_cpu() -> float:
    return _cpu(resource.getrusage(resource.RUSAGE_SELF))


def bench_dask(args: argparse.Namespace) -> int:
    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    from textfix import dask as tdask

    src = jsonl_file()
    n = sum(1 for _ in src.open(encoding="utf-8"))
    print(f"# scale.py dask: {n} records, {src.stat().st_size / 1e6:.2f} MB; {machine()}")
    print(f"# textfix {_corpus.textfix_revision()}")
    t = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    client = Client(cluster)
    start_s = time.perf_counter() - t
    client.run(lambda: __import__("textfix").restore("The army marched past the final house."))
    warm_s = time.perf_counter() - t - start_s
    print(f"cluster start {start_s:.1f} s, worker warm-up {warm_s:.1f} s")
    rows = []
    try:
        for k in range(args.repeat):
            out = OUT / f"cli-{k}"
            a_wall, a_cpu, rc = run_cli(["clean", str(src), "-o", str(out), "--save-profile",
                                         str(OUT / f"cli-{k}.tsv"), "-q"])
            assert rc == 0
            bag = db.read_text(str(src), blocksize=args.blocksize)
            w0, d0 = sum(client.run(_worker_cpu).values()), _worker_cpu()
            t = time.perf_counter()
            profile = tdask.learn(bag, jsonl=True)
            learn_s = time.perf_counter() - t
            t = time.perf_counter()
            lines = tdask.clean(bag, jsonl=True, profile=profile, pieces=args.pieces).compute()
            clean_s = time.perf_counter() - t
            w_cpu, d_cpu = sum(client.run(_worker_cpu).values()) - w0, _worker_cpu() - d0
            b_cpu = w_cpu + d_cpu  # workers + driver
            profile.save(OUT / f"dask-{k}.tsv")
            same_out = "".join(lines).encode("utf-8") == (out / src.name).read_bytes()
            same_prof = (OUT / f"dask-{k}.tsv").read_bytes() == (OUT / f"cli-{k}.tsv").read_bytes()
            if not same_out:  # kept to be looked at, beside the CLI's cli-K/
                (OUT / f"dask-{k}.jsonl").write_text("".join(lines), encoding="utf-8")
                (out / src.name).replace(OUT / f"cli-{k}-differs.jsonl")
            b_wall = learn_s + clean_s
            row = {"cli_s": a_wall, "dask_s": b_wall, "learn_s": learn_s, "clean_s": clean_s,
                   "partitions": bag.npartitions, "same_output": same_out, "same_profile": same_prof,
                   "cli_per_core": n / a_wall, "dask_per_core": n / b_wall / 2,
                   "cli_cpu": a_cpu, "dask_cpu": b_cpu}
            rows.append(row)
            print(f"round {k + 1}: CLI {a_wall:.1f} s wall, {a_cpu:.1f} s CPU ({n / a_wall:.2f} rec/s on 1 core, "
                  f"{n / a_cpu:.2f} per CPU-s); Dask {b_wall:.1f} s wall (learn {learn_s:.1f} + clean {clean_s:.1f}), "
                  f"{b_cpu:.1f} s CPU (workers {w_cpu:.1f}, driver {d_cpu:.1f}; {n / b_wall:.2f} rec/s, "
                  f"{n / b_wall / 2:.2f} per core, {n / b_cpu:.2f} per "
                  f"CPU-s; {bag.npartitions} partitions); same output {same_out}, same profile {same_prof}; "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        client.close()
        cluster.close()
    cli = statistics.median(r["cli_per_core"] for r in rows)
    dsk = statistics.median(r["dask_per_core"] for r in rows)
    cc = statistics.median(n / r["cli_cpu"] for r in rows)
    dc = statistics.median(n / r["dask_cpu"] for r in rows)
    print(f"median per CPU-second: CLI {cc:.2f} rec, Dask {dc:.2f} rec: Dask/CLI {dc / cc:.2f}")
    print(f"median per core (wall): CLI {cli:.2f} rec/s, Dask {dsk:.2f} rec/s: Dask/CLI {dsk / cli:.2f}; "
          f"median wall CLI {statistics.median(r['cli_s'] for r in rows):.1f} s, "
          f"Dask {statistics.median(r['dask_s'] for r in rows):.1f} s")
    return 0 if all(r["same_output"] and r["same_profile"] for r in rows) else 1


def bench_parquet(args: argparse.Namespace) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = OUT / f"bbc-spun-{args.rows}.parquet"
    if not path.exists():
        base = spun_articles()
        rows = [dict(base[i % len(base)], id=i, copy=i // len(base)) for i in range(args.rows)]
        pq.write_table(pa.Table.from_pylist(rows), path)
    md = pq.ParquetFile(path).metadata
    print(f"# scale.py parquet: {md.num_rows} rows in {md.num_row_groups} row group(s), "
          f"{path.stat().st_size / 1e6:.1f} MB on disk; {machine()}")
    print(f"# textfix {_corpus.textfix_revision()}")
    ok = True
    variants = [["--no-learn"], []]
    if args.only:
        variants = [["--no-learn"]] if args.only == "no-learn" else [[]]
    for extra in variants:
        out = OUT / ("pq-out-nolearn" if extra else "pq-out-learn")
        cmd = ["clean", str(path), "-o", str(out), "-q", *extra]
        # RUSAGE_CHILDREN's high-water mark covers every child so far: one child per process run
        code = ("import resource,subprocess,sys;"
                f"p=subprocess.run([sys.executable,'-m','textfix',*{cmd!r}]);"
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)")
        t = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        wall = time.perf_counter() - t
        peak_kb, rc = (int(x) for x in res.stdout.split())
        a, b = pq.read_table(path), pq.read_table(out / path.name)
        same_rest = all(a[c].equals(b[c]) for c in a.column_names if c != "text")
        changed = sum(x != y for x, y in zip(a["text"].to_pylist(), b["text"].to_pylist()))
        ok = ok and rc == 0 and same_rest and b.schema.equals(a.schema) and b.num_rows == a.num_rows
        print(f"textfix clean {' '.join(extra) or '(learning)'}: peak RSS {peak_kb / 1024:.0f} MB, "
              f"{wall:.0f} s ({md.num_rows / wall:.1f} rows/s), exit {rc}; {changed} of {b.num_rows} texts changed, "
              f"other columns and schema kept: {same_rest and b.schema.equals(a.schema)}", flush=True)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    d = sub.add_parser("dask")
    d.add_argument("--repeat", type=int, default=3)
    d.add_argument("--blocksize", type=int, default=100_000, help="bytes per partition (default: ~40 records)")
    d.add_argument("--pieces", type=int, default=None,
                   help="tasks per partition for restoring (textfix.dask.clean's pieces=; default: its own "
                        "choice, about 8 tasks per worker; 1: one task per partition)")
    p = sub.add_parser("parquet")
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--only", choices=("learn", "no-learn"), help="one of the two runs (each takes a while)")
    args = ap.parse_args(argv)
    return bench_dask(args) if args.what == "dask" else bench_parquet(args)


if __name__ == "__main__":
    sys.exit(main())
