"""Offline thesauri as candidate sources: which words a spinner may have replaced by a word.

A dictionary spinner replaces an original ``o`` by a synonym ``s`` from its thesaurus; reading the
thesaurus backwards gives the candidate originals of a spun word. textfix ships one such table
(``thesaurus``: Moby, reversed and pruned, see ``wordlists/README.md``) and reads two more from
Debian packages when they are installed, never shipping them:

- **MyThes** (``mythes-en-us``, ``/usr/share/mythes/th_en_US_v2.dat``; BSD-style / LGPL, the
  OpenOffice thesaurus), both directions, antonyms left out;
- **WordNet 3.0** (``wordnet-base``, ``/usr/share/wordnet``; WordNet licence): members of a synset
  and of its similar and hypernym synsets, both directions.

:func:`originals` gives one source's candidates for a spun word in the spun word's inflection
("woodlands" -> "forests", via lemminflect). Parsed links are cached on disk like the tables.
Everything is read on first use.
"""
from __future__ import annotations

import functools
import hashlib
import marshal
import os
import re
from pathlib import Path

__all__ = ["SOURCES", "DEBIAN", "available", "missing_note", "originals"]

WORDNET_DIR = Path(os.environ.get("TEXTFIX_WORDNET", "/usr/share/wordnet"))
MYTHES_DAT = Path(os.environ.get("TEXTFIX_MYTHES", "/usr/share/mythes/th_en_US_v2.dat"))

#: the thesauri :func:`originals` reads ("merged": MyThes and WordNet together)
SOURCES = ("moby", "mythes", "wordnet", "merged")
#: the installed ones: the Debian package each is read from, and the variable naming another path
DEBIAN = {"mythes": ("mythes-en-us", "TEXTFIX_MYTHES"), "wordnet": ("wordnet-base", "TEXTFIX_WORDNET")}


def _source_stamp(path: Path) -> str:
    st = path.stat()
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _cached(kind: str, stamp: str, build):  # noqa: ANN001, ANN202
    """``build()``, cached on disk under ``kind`` and the hash of ``stamp`` (like the tables)."""
    from .tables import _cache_dir

    cache_dir = _cache_dir()
    digest = hashlib.sha256(stamp.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    path = cache_dir / f"science-{kind}-{digest}.marshal" if cache_dir else None
    if path is not None:
        try:
            return marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass
    value = build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(value))
            os.replace(tmp, path)
        except OSError:
            pass
    return value


def _mythes_links() -> dict[str, str]:
    """lemma -> space-separated synonyms (single words, both directions), from MyThes."""
    links: dict[str, set[str]] = {}
    with MYTHES_DAT.open(encoding="utf-8", errors="replace") as fh:
        fh.readline()
        head: str | None = None
        for line in fh:
            line = line.rstrip("\n")
            if not line.startswith("("):
                w = line.split("|", 1)[0]
                head = w if w.isalpha() and w.islower() else None
                continue
            if head is None:
                continue
            for p in line.split("|")[1:]:
                if p.endswith("(antonym)"):
                    continue
                t = p.split(" (", 1)[0].strip()
                if t.isalpha() and t.islower() and t != head:
                    links.setdefault(head, set()).add(t)
                    links.setdefault(t, set()).add(head)
    return {k: " ".join(sorted(v)) for k, v in links.items()}


def _wordnet_links() -> dict[str, str]:
    """lemma -> synonyms: members of the same synset and of its similar / hypernym synsets."""
    synsets: dict[tuple[str, str], tuple[list[str], list[tuple[str, str]]]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        with (WORDNET_DIR / f"data.{pos}").open(encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                f = line.split(" | ", 1)[0].split()
                n = int(f[3], 16)
                words = [re.sub(r"\(.*\)$", "", f[4 + 2 * i]).lower() for i in range(n)]
                k = 4 + 2 * n
                ptrs = []
                for i in range(int(f[k])):
                    sym, toff, tpos = f[k + 1 + 4 * i:k + 4 + 4 * i]
                    if sym in ("@", "&"):
                        ptrs.append((toff, "a" if tpos == "s" else tpos))
                synsets[(f[0], "a" if f[2] == "s" else f[2])] = (words, ptrs)
    links: dict[str, set[str]] = {}
    for words, ptrs in synsets.values():
        related = set(words)
        for key in ptrs:
            tgt = synsets.get(key)
            if tgt:
                related.update(tgt[0])
        related = {w for w in related if w.isalpha()}
        for w in words:
            if w.isalpha():
                for r in related:
                    if r != w:
                        links.setdefault(w, set()).add(r)
                        links.setdefault(r, set()).add(w)
    return {k: " ".join(sorted(v)) for k, v in links.items()}


def _file(source: str) -> Path:
    """The installed file an installed thesaurus is read from (looked up when asked, so that the
    module's paths can be pointed elsewhere)."""
    return MYTHES_DAT if source == "mythes" else WORDNET_DIR / "data.noun"


_READERS = {"mythes": _mythes_links, "wordnet": _wordnet_links}


@functools.cache
def _merged_links() -> dict[str, str]:
    """MyThes and WordNet links together (what science.word_candidates proposes)."""
    parts = [(_file(src), read) for src, read in _READERS.items() if _file(src).is_file()]
    if not parts:
        return {}
    stamp = "|".join(_source_stamp(p) for p, _ in parts) + "|links-v1"

    def build() -> dict[str, str]:
        merged: dict[str, set[str]] = {}
        for _, read in parts:
            for k, v in read().items():
                merged.setdefault(k, set()).update(v.split(" "))
        return {k: " ".join(sorted(v)) for k, v in merged.items()}

    return _cached("links", stamp, build)


@functools.cache
def _links(source: str) -> dict[str, str]:
    """lemma -> space-separated linked lemmas of one installed source ({} when not installed)."""
    if source == "merged":
        return _merged_links()
    if source not in _READERS:
        raise ValueError(f"unknown thesaurus {source!r}; choose from {', '.join(SOURCES)}")
    if not available(source):
        return {}
    return _cached(f"links-{source}", _source_stamp(_file(source)) + "|links-v1", _READERS[source])


def available(source: str) -> bool:
    """Is this thesaurus installed (the shipped Moby table always is; "merged": either)?"""
    if source == "moby":
        return True
    return any(_file(s).is_file() for s in (_READERS if source == "merged" else (source,)))


def missing_note(source: str) -> str | None:
    """How to install an installed thesaurus ``source`` that is missing, or None (it is there, or
    it ships with textfix)."""
    if source not in DEBIAN or available(source):
        return None
    pkg, var = DEBIAN[source]
    return f"apt-get install --no-install-recommends {pkg} (or set {var} to its path)"


_UPOS = ("NOUN", "VERB", "ADJ", "ADV")
_BASE_TAGS = frozenset({"NN", "VB", "JJ", "RB", "VBP"})


@functools.lru_cache(maxsize=65536)
def originals(word: str, source: str) -> tuple[str, ...]:
    """The single words ``source`` links to ``word`` in ``word``'s inflection ("woodlands" ->
    "forests"), in the source's order; ``word`` itself left out. For ``moby``, the shipped
    ``thesaurus`` table's one-word originals."""
    out: dict[str, None] = {}
    if source == "moby":
        from .tables import load_table

        for c in load_table("thesaurus").get((word,)):
            if len(c.words) == 1:
                out[c.words[0]] = None
        out.pop(word, None)
        return tuple(out)
    links = _links(source)
    if not links or not word.isalpha():
        return ()
    import lemminflect

    lemmas = lemminflect.getAllLemmas(word)
    for upos in _UPOS:
        for lemma in lemmas.get(upos, ()):
            syns = links.get(lemma)
            if not syns:
                continue
            forms = lemminflect.getAllInflections(lemma, upos=upos)
            tags = [t for t, fs in forms.items() if word in fs and t not in _BASE_TAGS]
            base = word == lemma
            for syn in syns.split(" "):
                if base:
                    out[syn] = None
                for t in tags:
                    inflected = lemminflect.getInflection(syn, tag=t)
                    if inflected:
                        out[inflected[0]] = None
    out.pop(word, None)
    return tuple(out)
