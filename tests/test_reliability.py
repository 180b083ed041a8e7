"""Issue 13: no lost backups, clean exits under signals and broken pipes, every command safe on
every input. Tests that involve a signal, a pipe or two processes run ``python -m textfix`` as
subprocesses, each bounded by a timeout."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_cli import tf  # noqa: F401 - the in-process runner fixture

import textfix
from test_cli import CLEAN, REPO, SPUN, sub, tree

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))


def popen(*args: object, **kw: object) -> subprocess.Popen[bytes]:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "textfix", *map(str, args)], env=ENV, **kw)  # type: ignore[call-overload]


def spun_dir(root: Path, n: int, name: str = "d") -> Path:
    d = root / name
    d.mkdir()
    for i in range(n):
        (d / f"f{i:03}.txt").write_text(SPUN, encoding="utf-8")
    return d


# --------------------------------------------------------------------------- backups

def test_a_file_reached_twice_is_processed_once(tmp_path):
    d = spun_dir(tmp_path, 2)
    p = sub("clean", "--no-learn", d, d / "f000.txt", "--in-place", "--backup", ".orig", "-j", "2", timeout=120)
    assert p.returncode == 0, p.stderr
    assert (d / "f000.txt.orig").read_text(encoding="utf-8") == SPUN  # the original, not restored text
    assert b"2 files, 2 changed" in p.stderr
    assert f"{d / 'f000.txt'}: given again; each file is processed once per run".encode() in p.stderr
    # a hard link of an input is the same file too
    os.link(d / "f001.txt", tmp_path / "link.txt")
    p = sub("scan", "--jsonl", d / "f001.txt", tmp_path / "link.txt", timeout=120)
    assert [json.loads(x)["path"] for x in p.stdout.decode().splitlines()] == [str(d / "f001.txt")]
    assert b"the same file as" in p.stderr


def test_two_runs_at_once_keep_every_original_as_backup(tmp_path):
    d = spun_dir(tmp_path, 40)
    runs = [popen("clean", "--no-learn", d, "--in-place", "--backup", ".orig", "-j", "2", "-q") for _ in range(2)]
    for p in runs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    restored = textfix.restore(SPUN)
    for i in range(40):
        assert (d / f"f{i:03}.txt.orig").read_text(encoding="utf-8") == SPUN
        assert (d / f"f{i:03}.txt").read_text(encoding="utf-8") == restored
    assert sorted(tree(d)) == sorted([f"f{i:03}.txt" for i in range(40)] + [f"f{i:03}.txt.orig" for i in range(40)])


def test_a_file_changed_meanwhile_is_not_replaced(tmp_path):
    """Another program rewrites the file between textfix's read and its rename: textfix leaves it."""
    from textfix.fileio import AtomicWriter, FileChanged

    f = tmp_path / "a.txt"
    f.write_text("old", encoding="utf-8")
    with open(f, "rb") as fp:
        w = AtomicWriter(str(f), backup=str(f) + ".orig", expect=os.fstat(fp.fileno()))
        w.write(b"restored")
        (tmp_path / "other").write_text("someone else's", encoding="utf-8")
        os.replace(tmp_path / "other", f)
        with pytest.raises(FileChanged):
            w.commit()
        w.abort()
    assert f.read_text(encoding="utf-8") == "someone else's"
    assert sorted(tree(tmp_path)) == ["a.txt"]  # no backup of the wrong text, no temporary file


def test_backup_that_is_a_hard_link_of_its_file(tf, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    os.link(f, tmp_path / "a.txt.orig")
    assert tf("clean", "--in-place", "--backup", ".orig", f).rc == 0
    assert (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == SPUN
    assert f.read_text(encoding="utf-8") == textfix.restore(SPUN)
    assert sorted(tree(tmp_path)) == ["a.txt", "a.txt.orig"]  # no stray temporary file


# --------------------------------------------------------------------------- signals

def _wait_until_rewriting(d: Path, before: dict[str, bytes], proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while tree(d) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def _assert_whole(d: Path, before: dict[str, bytes], err: bytes) -> None:
    after = tree(d)
    assert sorted(after) == sorted(before), "no temporary file is left"
    restored = textfix.restore(SPUN).encode()
    assert all(data in (before[name], restored) for name, data in after.items())
    changed = sum(after[name] != before[name] for name in after)
    assert f", {changed} changed, ".encode() in err  # the summary matches the disk


@pytest.mark.parametrize("target", ["process-group", "parent-only", "one-worker"])
def test_sigterm_ends_a_parallel_run_promptly_with_143(tmp_path, target):
    """As ``timeout`` does (the whole group), ``kill PID`` (the parent only) or a SIGTERM to one
    worker; it used to hang about 1 in 7 times (the pool's thread died with InvalidStateError),
    exited 130, and a worker given SIGTERM went on answering "interrupted" for every file."""
    if target == "one-worker" and not os.path.exists("/proc/self/task"):
        pytest.skip("needs Linux /proc")
    for attempt in range(4 if target != "one-worker" else 2):
        d = spun_dir(tmp_path, 80, name=f"d{attempt}")
        before = tree(d)
        proc = popen("clean", "--no-learn", "--in-place", "-j", "2", d, start_new_session=True)
        _wait_until_rewriting(d, before, proc)
        time.sleep(0.05 * attempt)
        if target == "process-group":
            os.killpg(proc.pid, signal.SIGTERM)
        elif target == "parent-only":
            proc.send_signal(signal.SIGTERM)
        else:
            os.kill(_children(proc.pid)[0], signal.SIGTERM)
        t0 = time.monotonic()
        _, err = proc.communicate(timeout=30)
        assert time.monotonic() - t0 < 15
        if proc.returncode == 0:
            continue  # finished before the signal
        assert proc.returncode == 143, err
        why = b"a worker process was terminated" if target == "one-worker" else b"stopped by SIGTERM"
        assert why + b"; files not yet processed were left as they are" in err
        assert b"Traceback" not in err
        _assert_whole(d, before, err)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(x) for x in fh.read().split()]
    except FileNotFoundError:
        return []


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    d = spun_dir(tmp_path, 150)
    before = tree(d)
    proc = popen("clean", "--no-learn", "--in-place", "-j", "2", d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    _wait_until_rewriting(d, before, proc)
    workers = _children(proc.pid)
    assert workers
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [w for w in workers if _running(w)]
    for w in alive:
        os.kill(w, signal.SIGKILL)
    assert not alive, "worker processes outlived their parent"
    restored = textfix.restore(SPUN).encode()
    after = tree(d)
    visible = {k: v for k, v in after.items() if not k.startswith(".")}
    assert all(v in (before[k], restored) for k, v in visible.items())


# --------------------------------------------------------------------------- broken pipe

@pytest.mark.parametrize("mode", [["--in-place", "-j", "1"], ["--in-place", "-j", "2"], ["--check"]])
def test_broken_pipe_stops_safely_and_exits_141(tmp_path, mode):
    """``clean DIR --in-place --diff | head -1`` used to exit 0 with files left unrestored."""
    d = spun_dir(tmp_path, 60)
    before = tree(d)
    proc = popen("clean", "--no-learn", d, "--diff", *mode)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as head does after its line
    _, err = proc.communicate(timeout=60)
    assert first.startswith(b"--- ")
    assert proc.returncode == 141, err
    assert b"standard output was closed (broken pipe): stopped" in err
    assert b"Traceback" not in err and b"Exception ignored" not in err
    if "--check" in mode:
        assert tree(d) == before
    else:
        _assert_whole(d, before, err)
        assert tree(d) != before  # it did not just fail


def test_broken_pipe_in_scan_and_explain(tmp_path):
    d = spun_dir(tmp_path, 40)
    for args in (["scan", d, "-j", "1"], ["scan", d, "-j", "2"], ["explain", SPUN * 3]):
        proc = popen(*args)
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()
        _, err = proc.communicate(timeout=60)
        # scan prints a row per file as it goes; explain may have printed all before the close
        assert proc.returncode == 141 or (args[0] == "explain" and proc.returncode == 0), err
        assert b"Traceback" not in err and b"Exception ignored" not in err


# --------------------------------------------------------------------------- odd inputs

@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems require UTF-8 names")
def test_file_name_that_is_not_utf8(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    raw = os.fsencode(d) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(SPUN.encode())
    for args in (["scan", d], ["scan", "--csv", d], ["clean", "--diff", d]):
        p = sub(*args, timeout=120)
        assert p.returncode == 0 and b"Traceback" not in p.stderr, p.stderr
        assert raw in p.stdout  # the name's own bytes, as ls prints them
    for args in (["scan", "--jsonl", d], ["clean", "--jsonl", d]):
        p = sub(*args, timeout=120)
        assert p.returncode == 0 and b"Traceback" not in p.stderr, p.stderr
        p.stdout.decode("utf-8")  # valid UTF-8
        row = json.loads(p.stdout.splitlines()[0])
        assert os.fsencode(row["path"]) == raw  # \udcXX escapes give the bytes back
    p = sub("clean", "--no-learn", "--in-place", "--backup", ".orig", d, timeout=120)
    assert p.returncode == 0, p.stderr
    assert open(raw, "rb").read() == textfix.restore(SPUN).encode()
    p = sub("clean", "--no-learn", "--jsonl", d / "missing\udce9.txt", timeout=120)
    assert p.returncode == 3 and b"Traceback" not in p.stderr and b"missing\\xe9.txt" in p.stderr


def _page() -> str:
    return ("<html><head><style>/* A uncommon journey final 12 months */</style></head><body>"
            "<!-- A uncommon journey by the protection minister final week -->"
            f"<p>{SPUN}</p></body></html>")


def _dump(tmp_path: Path) -> Path:
    f = tmp_path / "dump.jsonl"
    rows = [{"id": i, "text": CLEAN} for i in range(9)]
    rows.insert(5, {"id": "spun", "text": SPUN})
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return f


def _clean_edits(tf, path: Path) -> list[tuple]:
    r = tf("clean", "--jsonl", path)
    return [(e["start"], e["end"], e["original"], e["line"]) for e in json.loads(r.text)["edits"]]


def test_explain_file_makes_the_edits_clean_makes(tf, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(_page(), encoding="utf-8")
    obj = json.loads(tf("explain", "--json", page).text)
    assert [(e["start"], e["end"], e["original"], e["line"]) for e in obj["edits"]] == _clean_edits(tf, page)
    comment_end = _page().index("-->")
    assert obj["edits"] and all(e["start"] > comment_end for e in obj["edits"])  # not in the comment
    assert obj["text"] == tf("clean", page).text
    plain = tf("explain", page).text
    assert "uncommon -> rare] journey by the protection" not in plain

    dump = _dump(tmp_path)
    obj = json.loads(tf("explain", "--json", dump).text)
    assert [(e["start"], e["end"], e["original"], e["line"]) for e in obj["edits"]] == _clean_edits(tf, dump)
    assert {e["line"] for e in obj["edits"]} == {6}
    assert [r["line"] for r in obj["records"] if r["spin_score"] >= 0.5] == [6]
    plain = tf("explain", dump).text
    assert plain.startswith("10 records, 1 look spun")
    assert "\nline 6: spin score 1.00 (looks spun)" in plain


def test_explain_says_when_a_file_name_does_not_exist(tf, tmp_path):
    for name in ("typo.tx", str(tmp_path / "nothere"), "notes/today"):
        r = tf("explain", name)
        assert r.rc == 3 and f"{name}: no such file" in r.err
    r = tf("explain", "The protection minister final week")  # a sentence is text
    assert r.rc == 0 and r.err == ""
    r = tf("explain", tmp_path)
    assert r.rc == 3 and f"{tmp_path}: is a folder; explain takes one file" in r.err
    r = tf("explain", os.devnull)  # not a regular file, but readable
    assert r.rc == 0 and "nothing to restore" in r.text


def test_scan_judges_json_lines_records(tf, tmp_path):
    dump = _dump(tmp_path)
    r = tf("scan", "--jsonl", dump)
    row = json.loads(r.text)
    assert row["spin_score"] >= 0.5 and (row["records"], row["spun_records"]) == (10, 1)
    assert "1 look spun (1 of 10 records)" in r.err
    r = tf("scan", "--records", "--threshold", "0.5", dump)
    assert [x.split("\t")[1:] for x in r.text.splitlines()] == [[str(row["edits"]), f"{dump}:6"]]
    rows = [json.loads(x) for x in tf("scan", "--records", "--jsonl", dump).text.splitlines()]
    assert [x["line"] for x in rows] == list(range(1, 11))


@pytest.mark.parametrize("broken", ["bad-row", "no-folder"])
def test_a_broken_table_is_one_line_for_every_command(tmp_path, broken):
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    if broken == "bad-row":
        wl = tmp_path / "wl"
        wl.mkdir()
        for t in ("phrases", "thesaurus", "tortured"):
            (wl / f"{t}.tsv").write_bytes((REPO / "wordlists" / f"{t}.tsv").read_bytes())
        n = len((wl / "phrases.tsv").read_text(encoding="utf-8").splitlines()) + 1
        with open(wl / "phrases.tsv", "a", encoding="utf-8") as fh:
            fh.write("a row without tabs\n")
        expect = f"textfix: {wl / 'phrases.tsv'}:{n}: expected 4 tab-separated fields, found 1\n"
    else:
        wl = tmp_path / "nonexistent"
        expect = None
    env = {"TEXTFIX_WORDLISTS": str(wl), "TEXTFIX_CACHE_DIR": ""}
    for args in (["explain", "A uncommon journey final week"], ["explain", f], ["clean", f],
                 ["clean", "--diff", "-j", "2", f, f.with_name("b.txt")], ["scan", f]):
        if args[-1] == f.with_name("b.txt"):
            f.with_name("b.txt").write_text(SPUN, encoding="utf-8")
        p = sub(*args, env=env, timeout=120)
        err = p.stderr.decode()
        assert p.returncode == 3, (args, err)
        assert err.count("\n") == 1 and "Traceback" not in err, (args, err)
        if expect is not None:
            assert err == expect
        else:
            assert err.startswith("textfix: cannot load the tables: ") and str(wl) in err


# --------------------------------------------------------------------------- smaller items

def test_clean_help_gives_the_real_tables_default(tf):
    text = " ".join(tf("clean", "--help").text.split())
    from textfix.config import DEFAULT_TABLES

    assert f"(default: {','.join(DEFAULT_TABLES)}; add tortured for science papers)" in text


def test_a_glob_that_matches_nothing_is_said_and_fails(tf, tmp_path):
    d = spun_dir(tmp_path, 1)
    r = tf("clean", "--check", "--glob", "*.md", d)
    assert r.rc == 3
    assert f"{d}: no file in this folder matches *.md" in r.err
    r = tf("scan", "--glob", "*.md", d, tmp_path / "d" / "f000.txt")  # one file was still scanned
    assert r.rc == 0 and f"{d}: no file in this folder matches *.md" in r.err


def test_utf16_input(tf, tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xff\xfe" + SPUN.encode("utf-16-le"))
    r = tf("clean", f)
    assert r.rc == 0, r.err
    assert r.out == b"\xff\xfe" + textfix.restore(SPUN).encode("utf-16-le")  # written back as read
    f.write_bytes(SPUN.encode("utf-16-be"))
    r = tf("clean", f)
    assert r.rc == 3
    assert "looks like UTF-16 without a byte-order mark (NUL bytes between letters); pass --encoding utf-16-be" in r.err
    assert tf("clean", "--encoding", "utf-16-be", f).out == textfix.restore(SPUN).encode("utf-16-be")


def test_stale_temporary_files_are_removed_by_the_next_writing_run(tmp_path):
    import fcntl

    d = spun_dir(tmp_path, 3)
    p = sub("clean", "--no-learn", "--in-place", "-j", "1", d, env={"_TEXTFIX_TEST_CRASH": "before-rename"}, timeout=120)
    assert p.returncode == 70  # as if killed: a temporary file is left
    stale = [k for k in tree(d) if k.startswith(".")]
    assert len(stale) == 1
    # a temporary file some running textfix is writing (it holds the lock) is never taken
    live = d / ".f002.txt.textfix-live123.tmp"
    with open(live, "wb") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        p = sub("clean", "--no-learn", "--diff", d, timeout=120)  # reporting only: mentioned, left
        assert b"2 temporary files left by an interrupted run" in p.stderr
        assert live.exists() and (d / stale[0]).exists()
        p = sub("clean", "--no-learn", "--in-place", d, timeout=120)
        assert p.returncode == 0, p.stderr
        assert b"removed 1 temporary file left by an interrupted run" in p.stderr
        assert not (d / stale[0]).exists() and live.exists()
    live.unlink()
    # -o removes those in its output folder
    out = tmp_path / "out"
    out.mkdir()
    (out / ".f000.txt.textfix-old123.tmp").write_bytes(b"half")
    p = sub("clean", "--no-learn", "-o", out, d, timeout=120)
    assert p.returncode == 0 and b"removed 1 temporary file" in p.stderr
    assert sorted(tree(out)) == ["f000.txt", "f001.txt", "f002.txt"]


def _feed_diff(old: str, new: str, sizes: list[int]) -> str:
    from textfix.formats import UnifiedDiff

    out: list[str] = []
    d = UnifiedDiff("a", "b", out.append)
    i = j = 0
    for n in sizes:  # cut both sides at matching places, as pieces are
        d.feed(old[i:i + n], new[j:j + n])
        i += n
        j += n
    d.feed(old[i:], new[j:])
    d.close()
    return "".join(out)


def test_diff_of_long_lines_is_right(monkeypatch):
    import random

    import textfix.formats as formats
    from _unidiff import apply_unified

    monkeypatch.setattr(formats, "LONG_LINE", 8, raising=False)  # lines over 8 characters spill
    rnd = random.Random(13)
    words = ["a", "bb", "ccc", "spun", "clean", "\n", "\n\n", "\r\n"]
    for _ in range(200):
        old = "".join(rnd.choice(words) + " " for _ in range(rnd.randrange(0, 60)))
        new = " ".join(w if rnd.random() < 0.9 else "X" for w in old.split(" "))
        if rnd.random() < 0.3:
            old, new = old.rstrip("\n "), new.rstrip("\n ")
        sizes = [rnd.randrange(1, 30) for _ in range(10)]
        diff = _feed_diff(old, new, sizes)
        assert apply_unified(old, diff) == new, (old, new, diff)
        assert (diff == "") == (old == new)


def test_diff_memory_does_not_grow_with_line_length():
    """A 16 MB line used to be held several times over (600 MB for a 50 MB line)."""
    import tracemalloc

    from textfix.formats import UnifiedDiff

    piece = "word " * 50_000  # 250 K characters, no line break
    written = 0

    def sink(text: str) -> None:
        nonlocal written
        written += len(text)

    tracemalloc.start()
    try:
        d = UnifiedDiff("a", "b", sink)
        d.feed("spun " + piece, "orig " + piece)
        for _ in range(64):
            d.feed(piece, piece)
        d.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = 5 + 65 * len(piece)
    assert written > 2 * size  # the whole line, removed and added
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB line"


def test_in_place_waits_for_a_lock_and_says_so(tmp_path):
    """A file locked by another run (here: by the test) is waited for, not read half-rewritten."""
    import fcntl

    d = spun_dir(tmp_path, 1)
    f = d / "f000.txt"
    import threading

    lines: list[bytes] = []
    said = threading.Event()
    with open(f, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        proc = popen("clean", "--no-learn", "--in-place", "--backup", ".orig", d)

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.append(line)
                if b"waiting for another process that is rewriting it" in line:
                    said.set()
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        # the lock is held until the run says it is waiting (after 5 s of waiting; however long
        # its start-up takes on a loaded machine), and nothing was written meanwhile
        assert said.wait(timeout=120), b"".join(lines)
        assert proc.poll() is None and f.read_text(encoding="utf-8") == SPUN  # still waiting
    proc.wait(timeout=60)
    reader.join(timeout=10)
    err = b"".join(lines)
    assert proc.returncode == 0, err
    assert f.read_text(encoding="utf-8") == textfix.restore(SPUN)
    assert (d / "f000.txt.orig").read_text(encoding="utf-8") == SPUN


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_an_error_not_a_traceback(tmp_path):
    d = spun_dir(tmp_path, 2)
    for args in (["clean", d / "f000.txt"], ["clean", "--diff", d], ["scan", d], ["explain", d / "f000.txt"]):
        with open("/dev/full", "wb") as full:
            proc = popen(*args, stdout=full)
            _, err = proc.communicate(timeout=120)
        assert proc.returncode == 3, (args, err)
        assert b"cannot write standard output: No space left on device" in err
        assert b"Traceback" not in err
