"""Phrase tables: spun phrase -> candidate originals, loaded lazily from ``wordlists/``.

A table is a UTF-8 TSV file::

    # textfix-wordlist 1
    # name: phrases
    # version: 2026.11.22
    # source: where the rows came from
    # licence: the data's licence
    spun	original	weight	source
    12 months	year	1.0	seed

``spun`` and ``original`` are lowercase tokens separated by single spaces (straight
apostrophes); ``weight`` is a prior in (0, 1] among the candidates of one spun phrase;
``source`` is a short tag. The file is validated on load: a bad row is a :class:`TableError`
naming ``file:line``, never skipped.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.resources
import marshal
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import regex

from .errors import TableError

__all__ = ["Candidate", "Table", "TableError", "load_table", "parse_table", "table_path", "Lexicon",
           "lexicon"]

FORMAT_LINE = "# textfix-wordlist 1"
COLUMNS = "spun\toriginal\tweight\tsource"
REQUIRED_KEYS = ("name", "version", "source", "licence")
MAX_TOKENS = 5

_TOKEN = regex.compile(r"[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{M}\p{N}]*(?:'[\p{Ll}\p{Lo}\p{N}]+)*")
_SOURCE = regex.compile(r"[a-z0-9][a-z0-9_.-]*")


class Candidate(NamedTuple):
    """One possible original for a spun phrase."""

    words: tuple[str, ...]
    weight: float
    source: str

    @property
    def text(self) -> str:
        return " ".join(self.words)


class Table:
    """A validated table. Candidates are kept packed per spun phrase and unpacked on lookup, so a
    160k-row table loads in a few hundredths of a second from the cache."""

    def __init__(self, name: str, version: str, meta: dict[str, str], packed: dict[str, str]) -> None:
        self.name = name
        self.version = version
        self.meta = meta
        self._packed = packed
        self._unpacked: dict[tuple[str, ...], tuple[Candidate, ...]] = {}
        self.max_len = max((k.count(" ") + 1 for k in packed), default=0)
        self.first_words = frozenset(k.partition(" ")[0] for k in packed)
        # every proper prefix of a multi-word phrase, so a phrase search can stop early
        prefixes: set[str] = set()
        for k in packed:
            while " " in k:
                k = k.rpartition(" ")[0]
                prefixes.add(k)
        self.prefixes = frozenset(prefixes)

    def __len__(self) -> int:
        return len(self._packed)

    def get(self, words: tuple[str, ...]) -> tuple[Candidate, ...]:
        """Candidates for a spun phrase (heaviest first), or ``()``."""
        try:
            return self._unpacked[words]
        except KeyError:
            pass
        raw = self._packed.get(" ".join(words))
        out: tuple[Candidate, ...] = ()
        if len(self._unpacked) > 50_000:
            self._unpacked.clear()
        if raw is not None:
            rows = [r.split("\t") for r in raw.split("\n")]
            out = tuple(Candidate(tuple(o.split(" ")), float(w), src) for o, w, src in rows)
        self._unpacked[words] = out
        return out

    @property
    def entries(self) -> dict[tuple[str, ...], tuple[Candidate, ...]]:
        """Every entry, unpacked (slow; for tools and tests)."""
        return {tuple(k.split(" ")): self.get(tuple(k.split(" "))) for k in self._packed}


def _check_phrase(value: str, what: str, where: str) -> tuple[str, ...]:
    if not value:
        raise TableError(f"{where}: empty {what}")
    if unicodedata.normalize("NFC", value) != value:
        raise TableError(f"{where}: {what} {value!r} is not NFC")
    words = tuple(value.split(" "))
    if len(words) > MAX_TOKENS:
        raise TableError(f"{where}: {what} {value!r} has more than {MAX_TOKENS} words")
    for w in words:
        if not _TOKEN.fullmatch(w):
            raise TableError(f"{where}: {what} {value!r} has a bad token {w!r} (lowercase words, digits and "
                             "straight apostrophes, separated by single spaces)")
    return words


def _parse_header(lines: list[str], filename: str, *, format_line: str = FORMAT_LINE,
                  columns: str = COLUMNS) -> tuple[dict[str, str], int]:
    """Validate the header (of a table, or of a file with the same conventions: a profile);
    return its ``key: value`` pairs and the index of the first data line."""
    if not lines or lines[0].rstrip("\r") != format_line:
        raise TableError(f"{filename}:1: first line must be {format_line!r}")
    meta: dict[str, str] = {}
    i = 1
    while i < len(lines) and lines[i].startswith("#"):
        body = lines[i][1:].strip()
        if ":" in body:
            key, _, value = body.partition(":")
            key = key.strip()
            if key and " " not in key and key not in meta:
                meta[key] = value.strip()
        i += 1
    for key in REQUIRED_KEYS:
        if not meta.get(key):
            raise TableError(f"{filename}:{i + 1}: header lacks '# {key}: ...'")
    if i >= len(lines) or lines[i] != columns:
        raise TableError(f"{filename}:{i + 1}: expected the column header {columns!r}")
    return meta, i + 1


def _check_row(line: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...], float, str]:
    """Validate one data row in detail (the slow path that names what is wrong)."""
    fields = line.split("\t")
    if len(fields) != 4:
        raise TableError(f"{where}: expected 4 tab-separated fields, found {len(fields)}")
    spun_s, orig_s, weight_s, source = fields
    spun = _check_phrase(spun_s, "spun", where)
    orig = _check_phrase(orig_s, "original", where)
    if spun == orig:
        raise TableError(f"{where}: {spun_s!r} maps to itself")
    try:
        weight = float(weight_s)
    except ValueError:
        raise TableError(f"{where}: weight {weight_s!r} is not a number") from None
    if not 0.0 < weight <= 1.0:
        raise TableError(f"{where}: weight {weight_s!r} is not in (0, 1]")
    if not _SOURCE.fullmatch(source):
        raise TableError(f"{where}: bad source tag {source!r}")
    return spun, orig, weight, source


# Possessive quantifiers throughout: on a bad row the match fails there, at once, instead of
# backtracking through every row before it.
_TOK = r"[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{M}\p{N}]*+(?:'[\p{Ll}\p{Lo}\p{N}]++)*+"
_PHRASE = rf"{_TOK}(?: {_TOK}){{0,{MAX_TOKENS - 1}}}+"
_ROWS = regex.compile(rf"(?:{_PHRASE}\t{_PHRASE}\t[0-9.eE+-]++\t[a-z0-9][a-z0-9_.-]*+\n)*+")


def parse_table(text: str, filename: str = "<table>") -> Table:
    """Parse and validate a table from its text; raise :class:`TableError` on the first problem."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    meta, first = _parse_header(lines, filename)
    data = lines[first:]
    # fast path: one regex checks the shape of every row; the per-row checks below are cheap
    body = "\n".join(data) + "\n" if data else ""
    fast = unicodedata.is_normalized("NFC", body) and _ROWS.fullmatch(body) is not None
    grouped: dict[str, list[Candidate]] = {}
    seen: set[str] = set()
    for lineno, line in enumerate(data, start=first + 1):
        if fast:
            spun_s, orig_s, weight_s, source = line.split("\t")
            try:
                weight = float(weight_s)
            except ValueError:
                weight = -1.0
            if spun_s == orig_s or not 0.0 < weight <= 1.0:
                _check_row(line, f"{filename}:{lineno}")
            orig = tuple(orig_s.split(" "))
        else:
            spun, orig, weight, source = _check_row(line, f"{filename}:{lineno}")
            spun_s = " ".join(spun)
        key = spun_s + "\t" + orig_s if fast else spun_s + "\t" + " ".join(orig)
        if key in seen:
            raise TableError(f"{filename}:{lineno}: duplicate row {spun_s!r} -> {' '.join(orig)!r}")
        seen.add(key)
        cands = grouped.get(spun_s)
        if cands is None:
            grouped[spun_s] = [Candidate(orig, weight, source)]
        else:
            cands.append(Candidate(orig, weight, source))
    return Table(meta["name"], meta["version"], meta, _pack(grouped))


def _pack(grouped: dict[str, list[Candidate]]) -> dict[str, str]:
    return {k: "\n".join(f"{' '.join(c.words)}\t{c.weight!r}\t{c.source}" for c in sorted(v, key=lambda c: -c.weight))
            for k, v in grouped.items()}


def table_path(name: str) -> Path:
    """Where the table ``name`` lives: in the directory named by the environment variable
    ``TEXTFIX_WORDLISTS`` if set (to try modified tables), else inside the installed package,
    else in a source checkout's ``wordlists/``."""
    filename = f"{name}.tsv"
    override = os.environ.get("TEXTFIX_WORDLISTS")
    if override:
        path = Path(override) / filename
        if not path.is_file():
            raise FileNotFoundError(f"textfix table {name!r} not found in TEXTFIX_WORDLISTS={override}")
        return path
    try:
        res = importlib.resources.files("textfix") / "wordlists" / filename
        if res.is_file():
            return Path(str(res))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    path = Path(__file__).resolve().parent.parent / "wordlists" / filename
    if not path.is_file():
        raise FileNotFoundError(f"textfix table {name!r} not found (looked for textfix/wordlists/{filename} "
                                f"and {path})")
    return path


CACHE_VERSION = 1


def _cache_dir() -> Path | None:
    """Where validated tables are cached: ``TEXTFIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/textfix``
    or ``~/.cache/textfix``. Set ``TEXTFIX_CACHE_DIR`` to an empty string to turn caching off."""
    env = os.environ.get("TEXTFIX_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "textfix"


@functools.cache
def load_table(name: str) -> Table:
    """Load (once per process) and validate the table ``name``.

    The first load of a given file validates every row and stores the packed result in the cache
    directory under the file's SHA-256; later processes read that (``marshal``, no code runs).
    """
    path = table_path(name)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:20]
    cache_dir = _cache_dir()
    cache_file = cache_dir / f"{name}-{digest}-c{CACHE_VERSION}.marshal" if cache_dir else None
    if cache_file is not None:
        try:
            name_c, version, meta, packed = marshal.loads(cache_file.read_bytes())
            return Table(name_c, version, meta, packed)
        except (OSError, EOFError, ValueError, TypeError):
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TableError(f"{path}:{line}: not valid UTF-8") from None
    table = parse_table(text, str(path))
    if table.name != name:
        raise TableError(f"{path}:1: header says name {table.name!r}, file is {name!r}")
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps((table.name, table.version, table.meta, table._packed)))
            os.replace(tmp, cache_file)
        except OSError:
            pass  # a read-only home: no cache, still correct
    return table


class Lexicon:
    """The tables in use, merged: ``lookup(words)`` -> ((candidate, table name), ...). A phrase's
    candidates from an earlier table come first; a later table adds only new originals."""

    def __init__(self, tables: tuple[Table, ...]) -> None:
        self.tables = tables
        self.max_len = max((t.max_len for t in tables), default=0)
        self.first_words: frozenset[str] = frozenset().union(*(t.first_words for t in tables))
        self.prefixes: frozenset[str] = frozenset().union(*(t.prefixes for t in tables))
        self._cache: dict[tuple[str, ...], tuple[tuple[Candidate, str], ...]] = {}

    def lookup(self, words: tuple[str, ...]) -> tuple[tuple[Candidate, str], ...]:
        try:
            return self._cache[words]
        except KeyError:
            pass
        out: list[tuple[Candidate, str]] = []
        have: set[tuple[str, ...]] = set()
        for t in self.tables:
            for c in t.get(words):
                if c.words not in have:
                    have.add(c.words)
                    out.append((c, t.name))
        res = tuple(out)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[words] = res
        return res


@functools.cache
def lexicon(names: tuple[str, ...]) -> Lexicon:
    """The merged lexicon of the named tables (loaded once)."""
    return Lexicon(tuple(load_table(n) for n in names))


def iter_rows(table: Table) -> Iterable[tuple[str, str, float, str]]:
    """All rows of a table as (spun, original, weight, source)."""
    for spun, cands in table.entries.items():
        for c in cands:
            yield " ".join(spun), c.text, c.weight, c.source
