"""Parquet in and out (textfix.parquet, and clean / scan / learn on .parquet files): one string
column restored row by row with the real library, every other column, the schema, the row groups
and the compression kept; a file with nothing to restore copied byte for byte."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'textfix[parquet]')")
pq = pytest.importorskip("pyarrow.parquet")

import textfix  # noqa: E402
from textfix import parquet as tp  # noqa: E402
from textfix.cli import main  # noqa: E402

DATA = Path(__file__).parent / "data" / "cli"
FIXTURES = Path(__file__).parent / "fixtures"
SPUN = (DATA / "spun.txt").read_text(encoding="utf-8")
CLEAN = (DATA / "clean.txt").read_text(encoding="utf-8")
PAGES = [p for name in ("spun-nyt-kim.txt", "spun-wt-shoigu.txt")
         for p in (FIXTURES / name).read_text(encoding="utf-8").split("\n\n") if len(p) > 200]


@pytest.fixture
def tf(capsysbinary, monkeypatch):
    def run(*args: object) -> tuple[int, bytes, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
        rc = main([str(a) for a in args])
        cap = capsysbinary.readouterr()
        return rc, cap.out, cap.err.decode("utf-8", "replace")
    return run


def table(texts: list[str | None]) -> pa.Table:
    n = len(texts)
    schema = pa.schema([("id", pa.int64()), ("text", pa.large_string()), ("site", pa.string()),
                        ("tags", pa.list_(pa.string())), ("score", pa.float32())],
                       metadata={b"made-by": b"textfix tests"})
    return pa.table({"id": list(range(n)), "text": texts, "site": [f"site{i % 3}" for i in range(n)],
                     "tags": [["a", str(i)] for i in range(n)], "score": [i / 7 for i in range(n)]},
                    schema=schema)


def write(path: Path, t: pa.Table, **kw: object) -> Path:
    pq.write_table(t, path, **kw)
    return path


def test_clean_restores_the_column_and_keeps_everything_else(tf, tmp_path):
    texts = [SPUN, CLEAN, None, "", SPUN.upper()[:0] + PAGES[0], CLEAN]
    src = write(tmp_path / "dump.parquet", table(texts), compression="zstd", row_group_size=4)
    rc, out, err = tf("clean", src, "-o", tmp_path / "out", "--no-learn")
    assert rc == 0, err
    dest = tmp_path / "out" / "dump.parquet"
    a, b = pq.read_table(src), pq.read_table(dest)
    assert b.schema.equals(a.schema, check_metadata=True)
    for name in ("id", "site", "tags", "score"):
        assert b[name].equals(a[name])
    assert b["text"].to_pylist() == [None if t is None else textfix.restore(t) for t in texts]
    assert b["text"].to_pylist()[0] != SPUN and b["text"].to_pylist()[1] == CLEAN
    md = pq.ParquetFile(dest).metadata
    assert md.num_row_groups == 2 and [md.row_group(i).num_rows for i in range(2)] == [4, 2]
    assert {md.row_group(0).column(j).compression for j in range(md.num_columns)} == {"ZSTD"}


def test_nothing_to_restore_is_copied_byte_for_byte(tf, tmp_path):
    src = write(tmp_path / "clean.parquet", table([CLEAN, CLEAN, None]))
    rc, _, err = tf("clean", src, "-o", tmp_path / "out", "--no-learn")
    assert rc == 0, err
    assert (tmp_path / "out" / "clean.parquet").read_bytes() == src.read_bytes()
    rc, out, _ = tf("clean", src, "--no-learn")  # to standard output, too
    assert rc == 0 and out == src.read_bytes()


def test_in_place_and_jsonl_report(tf, tmp_path):
    src = write(tmp_path / "d.pq", table([CLEAN, SPUN]))
    rc, out, err = tf("clean", src, "--in-place", "--jsonl", "--no-learn")
    assert rc == 0, err
    report = json.loads(out)
    ex = textfix.explain(SPUN)
    assert report["format"] == "parquet" and report["changed"] is True
    assert [(e["line"], e["start"], e["original"]) for e in report["edits"]] == \
        [(2, e.start, e.original) for e in sorted(ex.edits, key=lambda e: e.start)]
    assert pq.read_table(src)["text"].to_pylist() == [CLEAN, textfix.restore(SPUN)]


def test_scan_records_are_rows(tf, tmp_path):
    src = write(tmp_path / "d.parquet", table([CLEAN, SPUN, None]))
    rc, out, err = tf("scan", src, "--records", "--jsonl", "--no-learn")
    assert rc == 0, err
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert [(r["path"], r["line"]) for r in rows] == [(str(src), 1), (str(src), 2)]
    assert rows[1]["spin_score"] > 0.5 > rows[0]["spin_score"]
    assert "(1 of 2 records)" in err and "records/s)" in err


def test_learn_from_parquet_equals_learn_from_jsonl(tf, tmp_path):
    pages = PAGES * 2
    src = write(tmp_path / "site.parquet", table(pages), row_group_size=5)
    (tmp_path / "site.jsonl").write_text("".join(json.dumps({"text": p}) + "\n" for p in pages), encoding="utf-8")
    rc, _, err = tf("learn", src, "-o", tmp_path / "a.tsv")
    assert rc == 0, err
    rc, _, err = tf("learn", tmp_path / "site.jsonl", "-o", tmp_path / "b.tsv")
    assert rc == 0, err
    a = (tmp_path / "a.tsv").read_text(encoding="utf-8")
    assert a == (tmp_path / "b.tsv").read_text(encoding="utf-8")
    assert "mentioned\tsaid" in a.replace(" ", "\t") or "mentioned" in a


def test_a_missing_or_non_string_column_is_said_and_the_file_kept(tf, tmp_path):
    src = write(tmp_path / "d.parquet", table([SPUN]))
    rc, _, err = tf("clean", src, "--field", "body", "-o", tmp_path / "out", "--no-learn")
    assert rc == 0 and "no column 'body'" in err and "--field" in err
    assert (tmp_path / "out" / "d.parquet").read_bytes() == src.read_bytes()
    rc, _, err = tf("clean", src, "--field", "score", "-o", tmp_path / "o2", "--no-learn")
    assert rc == 0 and "column 'score' is float, not a string column" in err


def test_diff_and_broken_files_are_errors(tf, tmp_path):
    src = write(tmp_path / "d.parquet", table([SPUN]))
    rc, _, err = tf("clean", src, "--diff", "--no-learn")
    assert rc == 3 and "no --diff" in err
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    rc, _, err = tf("clean", bad, "-o", tmp_path / "out", "--no-learn")
    assert rc == 3 and "not a readable Parquet file" in err
    assert not (tmp_path / "out" / "bad.parquet").exists()
    rc, _, err = tf("explain", src)
    assert rc == 2 and "textfix report" in err


def test_a_huge_row_group_is_written_in_parts_with_the_same_values(tmp_path, monkeypatch):
    monkeypatch.setattr(tp, "BATCH_ROWS", 3)
    monkeypatch.setattr(tp, "GROUP_BYTES", 1)  # every batch is "too big": one row group per batch
    texts = [SPUN, CLEAN] * 4
    data = io.BytesIO()
    pq.write_table(table(texts), data)
    data.seek(0)
    out = io.BytesIO()
    pieces = list(tp.process_parquet(data, textfix.explain, "text", out=out, label="mem"))
    assert len(pieces) == 3 and [r["line"] for p in pieces for r in p.records] == list(range(1, 9))
    out.seek(0)
    md = pq.ParquetFile(out).metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == [3, 3, 2]
    assert pq.read_table(out)["text"].to_pylist() == [textfix.restore(t) for t in texts]


def test_dictionary_encoded_strings(tmp_path):
    t = pa.table({"text": pa.array([SPUN, CLEAN, SPUN]).dictionary_encode()})
    data = io.BytesIO()
    pq.write_table(t, data)
    data.seek(0)
    out = io.BytesIO()
    for _ in tp.process_parquet(data, textfix.explain, "text", out=out):
        pass
    out.seek(0)
    back = pq.read_table(out)
    assert back.schema.equals(pq.read_table(io.BytesIO(data.getvalue())).schema)
    assert back["text"].to_pylist() == [textfix.restore(SPUN), CLEAN, textfix.restore(SPUN)]
