"""textfix.spark in Spark's local mode (2 cores): the profile learned and the texts restored are the
command line's over the same JSON Lines records. Needs pyspark and a Java runtime; skipped, saying
which is missing, otherwise."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'textfix[spark]')")
pytest.importorskip("pandas", reason="pandas is not installed (pip install 'textfix[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'textfix[spark]')")
if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
    pytest.skip("no Java runtime for Spark (Debian: apt-get install default-jre-headless; .ci/run installs it)",
                allow_module_level=True)

import textfix  # noqa: E402
from textfix import spark as tspark  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
PAGES = [p for name in ("spun-nyt-kim.txt", "spun-wt-shoigu.txt")
         for p in (FIXTURES / name).read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
CLEAN = ["The council said on Tuesday that the new bridge would open next spring, a year later than planned.",
         "The hospital said it would hire forty more nurses this year to cut waiting times."]
RECORDS = [{"id": i, "site": f"site{i % 3}", "text": t} for i, t in enumerate(PAGES * 2 + CLEAN)]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this interpreter (with textfix)
    s = (SparkSession.builder.master("local[2]").appName("textfix-test")
         .config("spark.ui.enabled", "false").config("spark.sql.files.maxPartitionBytes", "4000")
         .config("spark.sql.files.openCostInBytes", "0").getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def test_local_mode_learns_and_restores_as_the_cli_does(spark, tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "textfix", "clean", str(dump), "-o", str(tmp_path / "o"),
                        "--save-profile", str(tmp_path / "cli.tsv"), "-q"], capture_output=True, cwd=REPO,
                       timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    cli = [json.loads(line) for line in (tmp_path / "o" / "dump.jsonl").read_text(encoding="utf-8").splitlines()]

    df = spark.read.json(str(dump))
    assert df.rdd.getNumPartitions() >= 2  # partitions in the file's order, over both cores
    profile = tspark.learn(df, field="text")
    profile.save(tmp_path / "spark.tsv")
    assert (tmp_path / "spark.tsv").read_text(encoding="utf-8") == (tmp_path / "cli.tsv").read_text(encoding="utf-8")
    out = tspark.clean(df, field="text", profile=profile)
    assert out.schema == df.schema
    rows = out.collect()
    assert [r["text"] for r in rows] == [r["text"] for r in cli]
    assert [(r["id"], r["site"]) for r in rows] == [(r["id"], r["site"]) for r in RECORDS]
    assert sum(r["text"] != o["text"] for r, o in zip(rows, RECORDS)) > len(PAGES)
    # no profile: each text judged alone, as textfix.restore does
    alone = tspark.clean(df.limit(4), field="text").collect()
    assert [r["text"] for r in alone] == [textfix.restore(r["text"]) for r in RECORDS[:4]]
