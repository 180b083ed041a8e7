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
import importlib.resources
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

__all__ = ["Candidate", "Table", "TableError", "load_table", "parse_table", "table_path", "Lexicon",
           "lexicon"]

FORMAT_LINE = "# textfix-wordlist 1"
COLUMNS = "spun\toriginal\tweight\tsource"
REQUIRED_KEYS = ("name", "version", "source", "licence")
MAX_TOKENS = 5

_TOKEN = regex.compile(r"[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{M}\p{N}]*(?:'[\p{Ll}\p{Lo}\p{N}]+)*")
_SOURCE = regex.compile(r"[a-z0-9][a-z0-9_.-]*")


class TableError(ValueError):
    """A phrase table is malformed; the message names ``file:line``."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible original for a spun phrase."""

    words: tuple[str, ...]
    weight: float
    source: str

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Table:
    """A parsed table: ``entries[spun_words] -> candidates`` (heaviest first)."""

    name: str
    version: str
    meta: dict[str, str]
    entries: dict[tuple[str, ...], tuple[Candidate, ...]]
    max_len: int

    def __len__(self) -> int:
        return len(self.entries)


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


def parse_table(text: str, filename: str = "<table>") -> Table:
    """Parse and validate a table from its text; raise :class:`TableError` on the first problem."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0].rstrip("\r") != FORMAT_LINE:
        raise TableError(f"{filename}:1: first line must be {FORMAT_LINE!r}")
    meta: dict[str, str] = {}
    i = 1
    while i < len(lines) and lines[i].startswith("#"):
        line = lines[i]
        body = line[1:].strip()
        if ":" in body:
            key, _, value = body.partition(":")
            key = key.strip()
            if key and " " not in key and key not in meta:
                meta[key] = value.strip()
        i += 1
    for key in REQUIRED_KEYS:
        if not meta.get(key):
            raise TableError(f"{filename}:{i + 1}: header lacks '# {key}: ...'")
    if i >= len(lines) or lines[i] != COLUMNS:
        raise TableError(f"{filename}:{i + 1}: expected the column header {COLUMNS!r}")
    i += 1
    grouped: dict[tuple[str, ...], list[Candidate]] = {}
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    max_len = 0
    for lineno in range(i + 1, len(lines) + 1):
        line = lines[lineno - 1]
        where = f"{filename}:{lineno}"
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
        if (spun, orig) in seen:
            raise TableError(f"{where}: duplicate row {spun_s!r} -> {orig_s!r}")
        seen.add((spun, orig))
        grouped.setdefault(spun, []).append(Candidate(orig, weight, source))
        max_len = max(max_len, len(spun))
    entries = {k: tuple(sorted(v, key=lambda c: -c.weight)) for k, v in grouped.items()}
    return Table(meta["name"], meta["version"], meta, entries, max_len)


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


@functools.cache
def load_table(name: str) -> Table:
    """Load (once) and validate the shipped table ``name``."""
    path = table_path(name)
    table = parse_table(path.read_text(encoding="utf-8"), str(path))
    if table.name != name:
        raise TableError(f"{path}:1: header says name {table.name!r}, file is {name!r}")
    return table


@dataclass(frozen=True)
class Lexicon:
    """The tables in use, merged: ``lookup(words)`` -> candidates with a ``table:source`` tag."""

    entries: dict[tuple[str, ...], tuple[tuple[Candidate, str], ...]]
    max_len: int
    first_words: frozenset[str]

    def lookup(self, words: tuple[str, ...]) -> tuple[tuple[Candidate, str], ...]:
        return self.entries.get(words, ())


@functools.cache
def lexicon(names: tuple[str, ...]) -> Lexicon:
    """Merge the named tables; a phrase in an earlier table shadows the same phrase in a later one
    only for the same original (curated weights win)."""
    merged: dict[tuple[str, ...], list[tuple[Candidate, str]]] = {}
    max_len = 0
    for name in names:
        table = load_table(name)
        max_len = max(max_len, table.max_len)
        for spun, cands in table.entries.items():
            slot = merged.setdefault(spun, [])
            have = {c.words for c, _ in slot}
            slot.extend((c, name) for c in cands if c.words not in have)
    entries = {k: tuple(v) for k, v in merged.items()}
    return Lexicon(entries, max_len, frozenset(k[0] for k in entries))


def iter_rows(table: Table) -> Iterable[tuple[str, str, float, str]]:
    """All rows of a table as (spun, original, weight, source)."""
    for spun, cands in table.entries.items():
        for c in cands:
            yield " ".join(spun), c.text, c.weight, c.source
