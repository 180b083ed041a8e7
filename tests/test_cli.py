"""The textfix command line, run in-process (``main(argv)``) and as ``python -m textfix``.

Every test uses the real library: ``tests/data/cli/spun.txt`` is an excerpt of a real spun
article that textfix restores, ``clean.txt`` is ordinary prose it must leave alone. Expected
outputs are computed with the library's own functions, so these tests pin down what the CLI adds:
file handling, formats, encodings, safety and reporting.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

import textfix
from textfix.cli import main
from textfix.formats import chunk_text

from _unidiff import apply_unified

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "cli"
SPUN = (DATA / "spun.txt").read_text(encoding="utf-8")
CLEAN = (DATA / "clean.txt").read_text(encoding="utf-8")
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def restored() -> str:
    text = textfix.restore(SPUN)
    assert text != SPUN, "the test excerpt must be one the library restores"
    assert textfix.restore(CLEAN) == CLEAN, "the clean text must be one the library leaves alone"
    return text


# --------------------------------------------------------------------------- helpers

@dataclass
class Run:
    rc: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8")


class _TtyStdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def tf(capsysbinary, monkeypatch):
    """Run ``main(argv)`` in this process with ``stdin`` bytes; capture stdout (bytes) and stderr."""
    def run(*args: object, stdin: bytes = b"", tty_stdin: bool = False) -> Run:
        cls = _TtyStdin if tty_stdin else io.TextIOWrapper
        monkeypatch.setattr(sys, "stdin", cls(io.BytesIO(stdin), encoding="utf-8"))
        rc = main([str(a) for a in args])
        cap = capsysbinary.readouterr()
        return Run(rc, cap.out, cap.err.decode("utf-8", "replace"))
    return run


def sub(*args: object, stdin: bytes = b"", env: dict[str, str] | None = None,
        cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m textfix ARGS`` as a separate process."""
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join([str(REPO), e.get("PYTHONPATH", "")])
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "textfix", *map(str, args)], input=stdin,
                          capture_output=True, env=e, cwd=cwd, timeout=timeout)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones too), relative path -> content."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def make_dir(root: Path) -> Path:
    d = root / "scraped"
    (d / "sub").mkdir(parents=True)
    (d / "spun.txt").write_text(SPUN, encoding="utf-8")
    (d / "sub" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    return d


# --------------------------------------------------------------------------- basics

def test_version(tf):
    r = tf("--version")
    assert r.rc == 0 and r.text.strip() == f"textfix {textfix.__version__}"
    p = sub("--version")
    assert p.returncode == 0 and p.stdout.decode().strip() == f"textfix {textfix.__version__}"


@pytest.mark.parametrize("cmd", [[], ["clean"], ["scan"], ["explain"]])
def test_help_teaches_examples_and_exit_codes(tf, cmd):
    r = tf(*cmd, "--help")
    assert r.rc == 0
    assert "examples:" in r.text and "exit status:" in r.text
    for code in ("0 ", "1 ", "2 ", "3 "):
        assert f"\n  {code}" in r.text


def test_no_command_is_a_usage_error(tf):
    r = tf()
    assert r.rc == 2 and "clean" in r.err


def test_clean_one_file_to_stdout(tf, tmp_path, restored):
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    r = tf("clean", f)
    assert r.rc == 0
    assert r.text == restored
    assert f.read_text(encoding="utf-8") == SPUN  # input untouched
    assert "1 file, 1 changed" in r.err and "MB/s" in r.err


def test_clean_stdin_to_stdout_subprocess(restored):
    p = sub("clean", "-", stdin=SPUN.encode())
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode("utf-8") == restored


def test_clean_stdin_in_process(tf, restored):
    r = tf("clean", "-", "-q", stdin=SPUN.encode())
    assert (r.rc, r.text, r.err) == (0, restored, "")


def test_clean_text_passes_through_unchanged(tf, tmp_path, restored):
    f = tmp_path / "clean.txt"
    f.write_text(CLEAN, encoding="utf-8")
    assert tf("clean", f).out == CLEAN.encode()
    r = tf("clean", "--check", f)
    assert r.rc == 0 and f"would change {f}" not in r.err


def test_empty_file(tf, tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    r = tf("clean", f)
    assert (r.rc, r.out) == (0, b"")
    r = tf("clean", tmp_path, "-o", tmp_path / "out")
    assert r.rc == 0 and (tmp_path / "out" / "empty.txt").read_bytes() == b""


def test_missing_input_is_reported_and_others_go_on(tf, tmp_path):
    d = make_dir(tmp_path)
    r = tf("clean", d, tmp_path / "nope.txt", "-o", tmp_path / "out")
    assert r.rc == 3
    assert "nope.txt: no such file or folder" in r.err
    assert (tmp_path / "out" / "scraped" / "spun.txt").exists()


# --------------------------------------------------------------------------- usage errors

@pytest.mark.parametrize("args", [
    ["clean", "--backup", ".orig", "{f}"],
    ["clean", "--check", "-o", "{out}", "{f}"],
    ["clean", "--check", "--in-place", "{f}"],
    ["clean", "--diff", "--jsonl", "{f}"],
    ["clean", "--in-place", "-o", "{out}", "{f}"],
    ["clean", "{d}"],
    ["clean", "{f}", "{f}"],
    ["clean", "-", "-o", "{out}"],
    ["clean", "--diff", "-", "-"],
    ["clean", "--min-confidence", "2", "{f}"],
    ["clean", "--min-confidence", "x", "{f}"],
    ["clean", "--encoding", "no-such-codec", "{f}"],
    ["clean", "--encoding", "rot13", "{f}"],
    ["clean", "--tables", "bogus", "{f}"],
    ["clean", "--scorer", "bogus", "{f}"],
    ["clean", "--format", "pdf", "{f}"],
    ["clean", "-j", "0", "{f}"],
    ["clean", "--in-place", "--backup", "x/y", "{f}"],
    ["clean", "--bogus", "{f}"],
    ["clean"],
    ["scan"],
    ["scan", "--jsonl", "--csv", "{f}"],
    ["scan", "--threshold", "1.5", "{f}"],
    ["explain", "--context", "-1", "x"],
    ["nonsense"],
])
def test_usage_errors_exit_2(tf, tmp_path, args):
    d = make_dir(tmp_path)
    f = d / "spun.txt"
    before = tree(tmp_path)
    argv = [a.format(f=f, d=d, out=tmp_path / "out") for a in args]
    r = tf(*argv)
    assert r.rc == 2, r.err
    assert "error" in r.err
    assert tree(tmp_path) == before  # nothing written


def test_usage_error_as_subprocess(tmp_path):
    p = sub("clean", tmp_path)
    assert p.returncode == 2 and b"-o DIR" in p.stderr


# --------------------------------------------------------------------------- restoring options

@pytest.mark.parametrize("flags,options", [
    (["--min-confidence", "0.9"], {"min_confidence": 0.9}),
    (["--min-confidence", "0"], {"min_confidence": 0.0}),
    (["--no-protect-quotes"], {"protect_quotes": False}),
    (["--no-protect-names"], {"protect_names": False}),
    (["--no-protect-urls"], {"protect_urls": False}),
    (["--no-protect-numbers"], {"protect_numbers": False}),
    (["--no-adaptive-protection"], {"adaptive_protection": False}),
    (["--no-document-gating"], {"document_gating": False}),
    (["--tables", "phrases"], {"tables": ("phrases",)}),
    (["--tables", "thesaurus,phrases"], {"tables": ("thesaurus", "phrases")}),
])
def test_restoring_options_reach_the_library(tf, tmp_path, flags, options):
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    r = tf("clean", *flags, f)
    assert r.rc == 0, r.err
    assert r.text == textfix.restore(SPUN, **options)


def test_min_confidence_one_is_more_cautious(tf, tmp_path, restored):
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    strict = json.loads(tf("clean", "--jsonl", "--min-confidence", "1", f).text)
    default = json.loads(tf("clean", "--jsonl", f).text)
    assert len(strict["edits"]) < len(default["edits"])
    assert all(e["confidence"] >= 1.0 for e in strict["edits"])


# --------------------------------------------------------------------------- reports

def test_check_changes_nothing_and_exits_1(tf, tmp_path):
    d = make_dir(tmp_path)
    before = tree(tmp_path)
    r = tf("clean", "--check", d)
    assert r.rc == 1
    assert f"would change {d / 'spun.txt'}" in r.err
    assert "clean.txt" not in r.err.split("textfix:")[0]
    assert tree(tmp_path) == before
    assert tf("clean", "--check", d / "sub").rc == 0


def test_failure_wins_over_check(tf, tmp_path):
    d = make_dir(tmp_path)
    (d / "bad.txt").write_bytes(b"caf\xe9\n")
    assert tf("clean", "--check", d).rc == 3


def test_diff_is_a_unified_diff_that_applies(tf, tmp_path, restored):
    d = make_dir(tmp_path)
    before = tree(tmp_path)
    r = tf("clean", "--diff", d)
    assert r.rc == 0
    assert tree(tmp_path) == before
    diff = r.text
    assert diff.startswith(f"--- {d / 'spun.txt'}\n+++ {d / 'spun.txt'}\n@@ -")
    assert "clean.txt" not in diff  # unchanged files give no diff
    assert apply_unified(SPUN, diff) == restored
    assert "1 would change" in r.err


def test_diff_with_output_dir_names_both_files(tf, tmp_path):
    d = make_dir(tmp_path)
    r = tf("clean", "--diff", d, "-o", tmp_path / "out")
    assert r.rc == 0
    assert f"+++ {tmp_path / 'out' / 'spun.txt'}" in r.text
    assert (tmp_path / "out" / "spun.txt").exists()


def test_jsonl_report(tf, tmp_path, restored):
    d = make_dir(tmp_path)
    (d / "bad.txt").write_bytes(b"ok\n\xff\n")
    r = tf("clean", "--jsonl", d)
    assert r.rc == 3
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert [row["path"] for row in rows] == [str(d / "bad.txt"), str(d / "spun.txt"),
                                             str(d / "sub" / "clean.txt")]
    bad, spun, clean = rows
    assert "not valid utf-8 at byte offset 3" in bad["error"]
    assert clean["changed"] is False and clean["edits"] == []
    assert spun["changed"] is True and spun["format"] == "text"
    assert 0.0 <= clean["spin_score"] < spun["spin_score"] <= 1.0
    assert spun["spin_score"] == pytest.approx(textfix.spin_score(SPUN), abs=1e-3)
    edits = [textfix.Edit(e["start"], e["end"], e["spun"], e["original"], e["confidence"], e["source"],
                          e["reason"]) for e in spun["edits"]]
    assert textfix.apply_edits(SPUN, edits) == restored
    for e in spun["edits"]:
        assert SPUN[e["start"]:e["end"]] == e["spun"]
        assert e["line"] == SPUN.count("\n", 0, e["start"]) + 1
        assert set(e) >= {"start", "end", "line", "spun", "original", "confidence", "source", "reason"}


# --------------------------------------------------------------------------- where output goes

def test_output_dir_mirrors_the_tree(tf, tmp_path, restored):
    d = make_dir(tmp_path)
    (d / "notes.md").write_text(SPUN, encoding="utf-8")        # not a default glob
    (d / ".hidden.txt").write_text(SPUN, encoding="utf-8")     # hidden: skipped
    (d / "page.HTML").write_text(f"<p>{SPUN}</p>", encoding="utf-8")
    before = tree(d)
    out = tmp_path / "out"
    r = tf("clean", d, "-o", out)
    assert r.rc == 0, r.err
    assert tree(d) == before
    assert sorted(tree(out)) == ["page.HTML", "spun.txt", "sub/clean.txt"]
    assert (out / "spun.txt").read_text(encoding="utf-8") == restored
    assert (out / "sub" / "clean.txt").read_bytes() == CLEAN.encode()
    assert "3 files, 2 changed" in r.err


def test_output_layout_with_several_inputs(tf, tmp_path):
    d = make_dir(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text(CLEAN, encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_text(CLEAN, encoding="utf-8")
    out = tmp_path / "out"
    r = tf("clean", single, d, other, "-o", out, "-j", "2")
    assert r.rc == 0, r.err
    assert sorted(tree(out)) == ["other/x.txt", "scraped/spun.txt", "scraped/sub/clean.txt", "single.txt"]
    (tmp_path / "b").mkdir()
    shutil.copy(single, tmp_path / "b" / "single.txt")
    r = tf("clean", single, tmp_path / "b" / "single.txt", "-o", out)
    assert r.rc == 2 and "same names" in r.err


def test_output_dir_inside_the_input_is_not_an_input(tf, tmp_path):
    d = make_dir(tmp_path)
    out = d / "restored"
    assert tf("clean", d, "-o", out).rc == 0
    assert tf("clean", d, "-o", out).rc == 0
    assert sorted(tree(out)) == ["spun.txt", "sub/clean.txt"]


def test_never_overwrites_an_input_without_in_place(tf, tmp_path):
    d = make_dir(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "spun.txt").write_text(CLEAN, encoding="utf-8")
    before = tree(tmp_path)
    for args in ([d, "-o", d], [other, d / "sub", "-o", d], [d / "spun.txt", "-o", tmp_path]):
        r = tf("clean", *args)
        assert r.rc == 2 and "inside the output folder" in r.err
    r = tf("clean", d / "spun.txt", "-o", d / "spun.txt")
    assert r.rc == 2 and "not a folder" in r.err
    assert tree(tmp_path) == before
    # also when the output folder is reached through a symbolic link
    link = tmp_path / "elsewhere"
    link.symlink_to(d)
    r = tf("clean", d / "spun.txt", "-o", link)
    assert r.rc == 2 and (d / "spun.txt").read_text(encoding="utf-8") == SPUN


def test_in_place_with_backup(tf, tmp_path, restored):
    d = make_dir(tmp_path)
    spun, clean = d / "spun.txt", d / "sub" / "clean.txt"
    spun.chmod(0o640)
    clean_stat = clean.stat()
    r = tf("clean", "--in-place", "--backup", ".orig", d)
    assert r.rc == 0, r.err
    assert spun.read_text(encoding="utf-8") == restored
    assert (d / "spun.txt.orig").read_text(encoding="utf-8") == SPUN
    assert stat.S_IMODE(spun.stat().st_mode) == 0o640
    # unchanged files are not touched at all, and get no backup
    assert clean.stat().st_ino == clean_stat.st_ino and clean.stat().st_mtime_ns == clean_stat.st_mtime_ns
    assert not (d / "sub" / "clean.txt.orig").exists()
    assert sorted(tree(d)) == ["spun.txt", "spun.txt.orig", "sub/clean.txt"]  # no temp files
    # running again, the backups are not taken as inputs (no spun.txt.orig.orig)
    r = tf("clean", "--in-place", "--backup", ".orig", "--glob", "*", d)
    assert r.rc == 0
    assert sorted(tree(d)) == ["spun.txt", "spun.txt.orig", "sub/clean.txt"]


def test_in_place_without_backup(tf, tmp_path, restored):
    d = make_dir(tmp_path)
    assert tf("clean", "--in-place", d / "spun.txt").rc == 0
    assert sorted(tree(d)) == ["spun.txt", "sub/clean.txt"]
    assert (d / "spun.txt").read_text(encoding="utf-8") == restored


def test_in_place_through_a_symlink_rewrites_the_target(tf, tmp_path, restored):
    target = tmp_path / "real.txt"
    target.write_text(SPUN, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert tf("clean", "--in-place", link).rc == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == restored


def test_glob_selects_files(tf, tmp_path):
    d = make_dir(tmp_path)
    (d / "notes.md").write_text(SPUN, encoding="utf-8")
    r = tf("clean", "--jsonl", "--glob", "*.MD", d)
    assert [json.loads(x)["path"] for x in r.text.splitlines()] == [str(d / "notes.md")]


# --------------------------------------------------------------------------- formats

class _Markup(HTMLParser):
    """Everything in a page except its visible text: tags with attributes, comments, raw text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[object] = []
        self.text: list[str] = []
        self._raw = False

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, attrs))
        self._raw = tag in ("script", "style", "pre")

    def handle_endtag(self, tag):
        self.items.append(("end", tag))
        self._raw = False

    def handle_comment(self, data):
        self.items.append(("comment", data))

    def handle_decl(self, decl):
        self.items.append(("decl", decl))

    def handle_data(self, data):
        if self._raw:
            self.items.append(("raw", data))
        else:
            self.text.append(data)


def _markup(page: str) -> _Markup:
    p = _Markup()
    p.feed(page)
    p.close()
    return p


def test_html_round_trip_restores_only_visible_text(tf, tmp_path):
    paras = [p for p in SPUN.split("\n\n") if p.strip()]
    lead = paras[1]  # "SEOUL, South Korea — A uncommon journey by Russia's protection minister..."
    page = ("<!DOCTYPE html>\r\n<html><head><title>Shoigu</title>\r\n"
            f"<style>/* {lead} */ p {{ color: red }}</style>\r\n"
            f"<script>var s = \"{lead}\"; if (a < b && c) {{}}</script></head>\r\n"
            f"<body><!-- {lead} -->\r\n"
            f"<p class=\"{lead[:60]}\" data-x='1'>{paras[0]} Tom &amp; Jerry</p>\r\n"
            f"<pre>{lead}</pre>\r\n"
            + "".join(f"<p>{p}</p>\r\n" for p in paras[1:])
            + "<p>Fish &amp; chips, caf&eacute; &#169; 2024<br>next line</p>\r\n</body></html>\r\n")
    f = tmp_path / "page.html"
    f.write_bytes(page.encode("utf-8"))
    r = tf("clean", f)
    assert r.rc == 0, r.err
    out = r.text
    assert out != page
    before, after = _markup(page), _markup(out)
    assert after.items == before.items  # tags, attributes, comments, scripts, styles, pre: same
    assert out.count("\r\n") == page.count("\r\n")
    assert out.count("&amp;") == page.count("&amp;")  # entities are kept as written
    assert "caf&eacute; &#169; 2024<br>next line</p>" in out
    # every reported edit lies in visible text and replaces exactly what it says
    report = json.loads(tf("clean", "--jsonl", f).text)
    assert report["format"] == "html" and report["edits"]
    for e in report["edits"]:
        assert page[e["start"]:e["end"]] == e["spun"]
        opened = max(page.rfind("<p>", 0, e["start"]), page.rfind("<p ", 0, e["start"]))
        assert opened > page.rfind("</p>", 0, e["start"])
    # the same page through --format html on a .txt name and on stdin
    g = tmp_path / "page.txt"
    g.write_bytes(page.encode("utf-8"))
    assert tf("clean", "--format", "html", g).text == out
    assert tf("clean", "--format", "html", "-", stdin=page.encode()).text == out
    assert tf("clean", g).text != out  # read as plain text, the markup is text too


def test_html_edit_offsets_after_entities(tf, tmp_path):
    page = f"<p>Tom &amp; Jerry &lt;3 &#8212; {SPUN.replace(chr(10) + chr(10), '</p><p>')}</p>"
    f = tmp_path / "p.html"
    f.write_text(page, encoding="utf-8")
    report = json.loads(tf("clean", "--jsonl", f).text)
    assert report["edits"]
    for e in report["edits"]:
        assert page[e["start"]:e["end"]] == e["spun"]
    assert "Tom &amp; Jerry &lt;3 &#8212; " in tf("clean", f).text


def test_jsonl_round_trip(tf, tmp_path, restored):
    paras = [p for p in SPUN.split("\n\n") if p.strip()]
    spun_value = "\n\n".join(paras)
    lines = [
        json.dumps({"id": 1, "url": "https://example.com/a", "text": spun_value, "n": 1}).replace(
            '"n": 1', '"n": 1.0e5, "nested": {"a": [1, 2.50, null]}'),
        '{"id": 2, "title": "no text here"}',
        '{"id": 3, "text": 42}',
        "this line is not json",
        "",
        '[1, 2, 3]',
        json.dumps({"text": CLEAN, "lang": "en"}),
        '{"text":' + json.dumps("Caf\u00e9 \u2014 " + paras[0], ensure_ascii=True) + ',"z":true}',
        '{ "text" : ' + json.dumps(paras[1], ensure_ascii=False) + ' , "text2": "x" }',
    ]
    src = "\r\n".join(lines) + "\r\n"
    f = tmp_path / "dump.jsonl"
    f.write_bytes(src.encode("utf-8"))
    r = tf("clean", f)
    assert r.rc == 0, r.err
    out_lines = r.text.split("\r\n")
    assert len(out_lines) == len(lines) + 1 and out_lines[-1] == ""
    changed = 0
    for old, new in zip(lines, out_lines):
        try:
            rec = json.loads(old)
        except ValueError:
            assert new == old
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            assert new == old
            continue
        new_rec = json.loads(new)
        assert list(new_rec) == list(rec)  # key order
        value = rec["text"]
        assert new_rec == {**rec, "text": textfix.restore(value)}
        # outside the field's value, the line is byte-for-byte the same
        literal = next(lit for lit in (json.dumps(value), json.dumps(value, ensure_ascii=False)) if lit in old)
        assert new == old.replace(literal, json.dumps(textfix.restore(value), ensure_ascii=literal.isascii()))
        changed += new != old
    assert changed >= 2
    assert "\\u00e9" in out_lines[7]  # an ASCII-escaped value stays ASCII-escaped
    # --field chooses another field; a field no record has is reported
    r = tf("clean", "--field", "title", f)
    assert r.rc == 0 and r.text == src
    r = tf("clean", "--field", "body", f)
    assert r.rc == 0 and "no record has a string field 'body'" in r.err


def test_jsonl_format_option_and_report(tf, tmp_path):
    rec = json.dumps({"text": SPUN, "id": 7}) + "\n"
    f = tmp_path / "dump.json"
    f.write_text(rec + rec, encoding="utf-8")
    report = json.loads(tf("clean", "--format", "jsonl", "--jsonl", f).text)
    assert report["format"] == "jsonl"
    assert {e["line"] for e in report["edits"]} == {1, 2}
    for e in report["edits"]:
        assert e["field"] == "text" and SPUN[e["start"]:e["end"]] == e["spun"]


# --------------------------------------------------------------------------- encodings

def test_crlf_and_bom_are_kept(tf, tmp_path):
    text = SPUN.replace("\n", "\r\n")
    data = BOM + text.encode("utf-8")
    f = tmp_path / "win.txt"
    f.write_bytes(data)
    expected = BOM + textfix.restore(text).encode("utf-8")
    assert expected != data
    r = tf("clean", f)
    assert r.out == expected
    assert r.out.count(b"\r\n") == data.count(b"\r\n") and r.out.count(b"\n") == data.count(b"\n")
    assert tf("clean", "-", stdin=data).out == expected
    assert tf("clean", tmp_path, "-o", tmp_path / "out").rc == 0
    assert (tmp_path / "out" / "win.txt").read_bytes() == expected
    assert tf("clean", "--in-place", f).rc == 0
    assert f.read_bytes() == expected


@pytest.mark.parametrize("encoding,bom", [("latin-1", b""), ("cp1252", b""), ("utf-16", b"\xff\xfe"),
                                          ("utf-16", b"\xfe\xff"), ("utf-8-sig", b"")])
def test_other_encodings_round_trip(tf, tmp_path, encoding, bom):
    text = "Caf\u00e9 cr\u00e8me. " + SPUN.translate({0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2014: "-"})
    codec = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(bom, encoding)
    data = bom + text.encode(codec)
    f = tmp_path / "a.txt"
    f.write_bytes(data)
    r = tf("clean", "--encoding", encoding, f)
    assert r.rc == 0, r.err
    assert r.out == bom + textfix.restore(text).encode(codec)


def test_undecodable_input_names_file_and_offset(tf, tmp_path):
    d = make_dir(tmp_path)
    good = SPUN.encode("utf-8")
    (d / "broken.txt").write_bytes(good[:100] + b"\xff" + good[100:])
    out = tmp_path / "out"
    r = tf("clean", d, "-o", out)
    assert r.rc == 3
    errors = [ln for ln in r.err.splitlines() if "broken.txt" in ln]
    assert errors == [f"textfix: {d / 'broken.txt'}: not valid utf-8 at byte offset 100: invalid byte "
                      "(0xff); if this is text in another encoding, pass --encoding"]
    assert sorted(tree(out)) == ["spun.txt", "sub/clean.txt"]  # the others were done
    assert "1 failed" in r.err
    # the same bytes are fine in an 8-bit encoding
    assert tf("clean", "--encoding", "latin-1", d / "broken.txt").rc == 0


def test_truncated_utf8_at_end_of_file(tf, tmp_path):
    f = tmp_path / "t.txt"
    f.write_bytes("caf\u00e9".encode()[:-1])
    r = tf("clean", f)
    assert r.rc == 3 and r.out == b""
    assert "byte offset 3: truncated character at end of file" in r.err


def test_binary_input(tf, tmp_path):
    d = make_dir(tmp_path)
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    r = tf("clean", "--diff", d)
    assert r.rc == 3
    assert f"textfix: {d / 'image.txt'}: binary file (NUL byte at byte offset 8), skipped" in r.err
    assert f"--- {d / 'spun.txt'}" in r.text
    p = sub("clean", d / "image.txt")
    assert p.returncode == 3 and p.stdout == b"" and b"binary file" in p.stderr


# --------------------------------------------------------------------------- safety

def _make_unwritable(path: Path) -> bool:
    """Make a folder unwritable even for root (chattr +i); False if that is not possible."""
    if os.geteuid() != 0:
        path.chmod(0o555)
    elif shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)],
                                                          capture_output=True).returncode != 0:
        return False
    try:
        (path / ".probe").write_text("x")
    except OSError:
        return True
    (path / ".probe").unlink()
    return False


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o755)


def test_read_only_output_folder(tf, tmp_path):
    d = make_dir(tmp_path)
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    if not _make_unwritable(out):
        pytest.skip("cannot make a folder read-only here")
    try:
        r = tf("clean", d, "-o", out)
        assert r.rc == 3
        assert f"{d / 'spun.txt'}: cannot write {out / 'spun.txt'}: " in r.err
        assert "2 failed" not in r.err and "1 failed" in r.err  # sub/ is still writable
        assert sorted(tree(out)) == ["sub/clean.txt"]
    finally:
        _make_writable(out)


def test_interrupted_in_place_run_keeps_every_original(tmp_path):
    """The process dies between writing a file's new version and renaming it into place."""
    d = make_dir(tmp_path)
    for i in range(3):
        (d / f"copy{i}.txt").write_text(SPUN, encoding="utf-8")
    before = tree(d)
    p = sub("clean", "--in-place", "--backup", ".orig", "-j", "1", d,
            env={"_TEXTFIX_TEST_CRASH": "before-rename:2"})
    assert p.returncode == 70, p.stderr  # died on the second rename
    after = tree(d)
    visible = {k: v for k, v in after.items() if not Path(k).name.startswith(".")}
    restored_files = {k for k in visible if k in before and visible[k] != before[k]}
    assert restored_files == {"copy0.txt"}  # the first file was completed...
    assert visible["copy0.txt"] == textfix.restore(SPUN).encode()
    for name, data in before.items():  # ...every other original is intact
        if name != "copy0.txt":
            assert visible[name] == data
    assert visible["copy0.txt.orig"] == before["copy0.txt"]
    stale = [k for k in after if Path(k).name.startswith(".")]
    assert len(stale) == 1 and re.fullmatch(r"\.copy1\.txt\.textfix-\w+\.tmp", stale[0])
    # the next run finishes the job, never takes the temporary file for an input, and says so
    p = sub("clean", "--in-place", "--jsonl", "-j", "1", d)
    assert p.returncode == 0, p.stderr
    paths = [json.loads(x)["path"] for x in p.stdout.decode().splitlines()]
    assert paths and not any("textfix-" in x for x in paths)
    assert b"temporary file left by an interrupted run" in p.stderr


def test_worker_dying_mid_write_leaves_originals(tmp_path):
    """With worker processes, a worker killed between write and rename fails only its files."""
    d = make_dir(tmp_path)
    for i in range(5):
        (d / f"copy{i}.txt").write_text(SPUN, encoding="utf-8")
    before = tree(d)
    p = sub("clean", "--in-place", "-j", "2", d, env={"_TEXTFIX_TEST_CRASH": "before-rename"})
    assert p.returncode == 3, p.stderr
    assert b"a worker process died while this file was being processed; the file is intact" in p.stderr
    after = tree(d)
    assert sorted(after) == sorted(before)  # no temporary files left behind
    restored = textfix.restore(SPUN).encode()
    for name, data in after.items():
        assert data == before[name] or data == restored


def test_ctrl_c_leaves_files_whole(tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(150):
        (d / f"f{i:03}.txt").write_text(SPUN, encoding="utf-8")
    before = tree(d)
    e = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-m", "textfix", "clean", "--no-learn", "--in-place", "-j", "2", str(d)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while tree(d) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # wait until files are being rewritten
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130), err
    after = tree(d)
    assert sorted(after) == sorted(before)  # no temporary files
    restored = textfix.restore(SPUN).encode()
    assert all(data in (before[name], restored) for name, data in after.items())
    changed = sum(after[name] != before[name] for name in after)
    assert f", {changed} changed, ".encode() in err  # the summary matches the disk
    if proc.returncode == 130:
        assert b"interrupted; files not yet processed were left as they are" in err


def test_stale_temporary_files_are_skipped_and_mentioned(tf, tmp_path):
    d = make_dir(tmp_path)
    (d / ".spun.txt.textfix-abc123.tmp").write_text("half", encoding="utf-8")
    r = tf("clean", "--jsonl", "--glob", "*", d)
    assert ".tmp" not in r.text
    assert "1 temporary file left by an interrupted run" in r.err


# --------------------------------------------------------------------------- many files

def test_parallel_output_is_deterministic(tf, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    for i in range(6):
        (d / f"{i}.txt").write_text(SPUN if i % 2 else CLEAN, encoding="utf-8")
    one = tf("clean", "--jsonl", "-j", "1", d)
    two = tf("clean", "--jsonl", "-j", "2", d)
    assert one.rc == two.rc == 0
    assert one.out == two.out
    assert [json.loads(x)["path"] for x in one.text.splitlines()] == [str(d / f"{i}.txt") for i in range(6)]
    assert tf("clean", "--diff", "-j", "2", d).out == tf("clean", "--diff", "-j", "1", d).out


def test_stdin_among_files_with_workers(tf, tmp_path):
    d = make_dir(tmp_path)
    r = tf("clean", "--jsonl", "-j", "2", d / "sub", "-", d / "spun.txt", stdin=SPUN.encode())
    assert r.rc == 0, r.err
    rows = [json.loads(x) for x in r.text.splitlines()]
    assert [x["path"] for x in rows] == [str(d / "sub" / "clean.txt"), "-", str(d / "spun.txt")]
    assert rows[1]["edits"] == rows[2]["edits"]


def test_large_file_is_judged_in_chunks_of_paragraphs(tf, tmp_path):
    text = (SPUN.rstrip("\n") + "\n\n" + CLEAN + "\n") * 45
    assert len(text) > 64 * 1024
    f = tmp_path / "big.txt"
    f.write_text(text, encoding="utf-8")
    r = tf("clean", f)
    assert r.rc == 0
    chunks = list(chunk_text([text]))
    assert len(chunks) > 1
    assert r.text == "".join(textfix.restore(c) for c in chunks)


def test_summary_and_quiet(tf, tmp_path):
    d = make_dir(tmp_path)
    r = tf("clean", "--diff", d)
    assert re.search(r"textfix: 2 files, 1 would change, \d+ edits?, 0 failed; [\d.]+ [kM]B in [\d.]+ s "
                     r"\([\d.]+ MB/s\)", r.err)
    r = tf("clean", "--diff", "-q", d)
    assert r.err == ""


def test_progress_bar_on_a_terminal(tf, tmp_path, monkeypatch):
    import textfix.cli as cli

    monkeypatch.setattr(cli, "_stderr_is_tty", lambda: True)
    d = make_dir(tmp_path)
    r = tf("clean", "-o", tmp_path / "out", "-j", "2", d)
    assert r.rc == 0 and "2 files, 1 changed" in r.err


# --------------------------------------------------------------------------- scan

def test_scan_outputs(tf, tmp_path):
    d = make_dir(tmp_path)
    (d / "bad.txt").write_bytes(b"\x00\x01")
    spun_score = round(textfix.spin_score(SPUN), 3)
    r = tf("scan", "--jsonl", d)
    assert r.rc == 3
    rows = [json.loads(x) for x in r.text.splitlines()]
    assert rows[0] == {"path": str(d / "bad.txt"), "error": rows[0]["error"]}
    assert rows[1]["path"] == str(d / "spun.txt") and rows[1]["edits"] > 0
    assert rows[1]["spin_score"] == pytest.approx(spun_score, abs=1e-3)
    assert rows[2]["edits"] == 0 and rows[2]["spin_score"] < rows[1]["spin_score"]

    r = tf("scan", "--csv", "--sort", "score", d)
    table = list(csv.reader(io.StringIO(r.text)))
    assert table[0] == ["path", "spin_score", "edits", "error"]
    assert [row[0] for row in table[1:3]] == [str(d / "spun.txt"), str(d / "sub" / "clean.txt")]
    assert table[3][0] == str(d / "bad.txt") and "binary file" in table[3][3]

    r = tf("scan", d / "spun.txt", d / "sub")  # not a terminal: plain columns
    assert r.rc == 0
    score, edits, path = r.text.splitlines()[0].split("\t")
    assert (path, float(score)) == (str(d / "spun.txt"), pytest.approx(spun_score, abs=1e-3))
    assert "2 files scanned" in r.err

    cut = (spun_score + textfix.spin_score(CLEAN)) / 2
    r = tf("scan", "--threshold", f"{cut:.4f}", "--sort", "edits", "--jsonl", d / "sub", d / "spun.txt")
    assert [json.loads(x)["path"] for x in r.text.splitlines()] == [str(d / "spun.txt")]


def test_scan_scores_only(tf, tmp_path):
    d = make_dir(tmp_path)
    before = tree(d)
    r = tf("scan", "--scores-only", "--jsonl", d)
    assert r.rc == 0
    rows = {x["path"]: x for x in map(json.loads, r.text.splitlines())}
    # spin_score's own figures, and no count of phrases (none was looked for)
    assert rows[str(d / "spun.txt")] == {"path": str(d / "spun.txt"),
                                         "spin_score": pytest.approx(textfix.spin_score(SPUN), abs=1e-4)}
    assert rows[str(d / "sub" / "clean.txt")]["spin_score"] == pytest.approx(textfix.spin_score(CLEAN), abs=1e-4)
    assert "suspected phrase" not in r.err and "2 files scanned, 1 look spun" in r.err
    r = tf("scan", "--scores-only", "--csv", d)
    assert [row[2] for row in csv.reader(io.StringIO(r.text))][1:] == ["", ""]
    r = tf("scan", "--scores-only", d / "spun.txt")
    assert r.text.split("\t")[1] == "-"
    assert tree(d) == before  # nothing written
    for extra in (("--sort", "edits"), ("--domain", "science")):
        r = tf("scan", "--scores-only", *extra, d)
        assert r.rc == 2 and "--scores-only" in r.err


def test_scan_table_on_a_terminal(tf, tmp_path, monkeypatch):
    import textfix.cli as cli

    monkeypatch.setattr(cli, "_stdout_is_tty", lambda: True)
    d = make_dir(tmp_path)
    r = tf("scan", d)
    assert r.rc == 0
    assert "spin score" in r.text and "spun.txt" in r.text


# --------------------------------------------------------------------------- explain

def test_explain_plain_when_piped(tf):
    ex = textfix.explain(SPUN)
    r = tf("explain", SPUN)
    assert r.rc == 0
    assert "\x1b[" not in r.text
    assert f"spin score {ex.spin_score:.2f}" in r.text
    for e in ex.edits:
        assert f"[{e.spun} -> {e.original}]" in r.text
        assert f"confidence {e.confidence:.2f}, {e.source}" in r.text
    assert tf("explain", "-", stdin=SPUN.encode()).out == r.out
    assert tf("explain", stdin=SPUN.encode()).out == r.out
    assert "nothing to restore" in tf("explain", CLEAN).text


def test_explain_json(tf):
    r = tf("explain", "--json", "-", stdin=SPUN.encode())
    obj = json.loads(r.text)
    ex = textfix.explain(SPUN)
    assert obj["text"] == ex.text
    assert [(e["start"], e["original"]) for e in obj["edits"]] == [(e.start, e.original) for e in ex.edits]
    assert all(e["line"] >= 1 and e["column"] >= 1 for e in obj["edits"])


def test_explain_reads_a_file_given_by_path(tf, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(SPUN, encoding="utf-8")
    by_path = json.loads(tf("explain", "--json", str(path)).text)
    assert (by_path.pop("path"), by_path.pop("format")) == (str(path), "text")
    assert by_path == json.loads(tf("explain", "--json", "-", stdin=SPUN.encode()).text)
    assert by_path["edits"]
    (tmp_path / "bad.txt").write_bytes(b"ok \xff")
    r = tf("explain", str(tmp_path / "bad.txt"))
    assert r.rc == 3 and "bad.txt" in r.err and "byte offset 3" in r.err


def test_explain_colours_on_a_terminal(tf, monkeypatch):
    import textfix.cli as cli

    monkeypatch.setattr(cli, "_stdout_is_tty", lambda: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    r = tf("explain", SPUN)
    assert r.rc == 0 and "\x1b[" in r.text


def test_explain_needs_text(tf):
    r = tf("explain", tty_stdin=True)
    assert r.rc == 2 and "give the TEXT" in r.err
    r = tf("explain", "-", stdin=b"\xff")
    assert r.rc == 3 and "byte offset 0" in r.err


def test_explain_subprocess():
    p = sub("explain", SPUN)
    assert p.returncode == 0 and b" -> " in p.stdout and b"\x1b[" not in p.stdout
