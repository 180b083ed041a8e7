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
    p = sub("clean", d, d / "f000.txt", "--in-place", "--backup", ".orig", "-j", "2", timeout=120)
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
    runs = [popen("clean", d, "--in-place", "--backup", ".orig", "-j", "2", "-q") for _ in range(2)]
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


def test_backup_that_is_a_hard_link_of_its_file(tf_main, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(SPUN, encoding="utf-8")
    os.link(f, tmp_path / "a.txt.orig")
    assert tf_main("clean", "--in-place", "--backup", ".orig", f) == 0
    assert (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == SPUN
    assert f.read_text(encoding="utf-8") == textfix.restore(SPUN)
    assert sorted(tree(tmp_path)) == ["a.txt", "a.txt.orig"]  # no stray temporary file


@pytest.fixture
def tf_main(capsys):
    from textfix.cli import main

    def run(*args: object) -> int:
        return main([str(a) for a in args])
    return run
