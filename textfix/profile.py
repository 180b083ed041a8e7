"""The spinner model of one site, folder or crawl: a :class:`Profile`, saved as a plain TSV.

A dictionary spinner is a channel with fixed parameters: each original word ``o`` it knows is
replaced by one of its outputs ``s``. A profile holds, for each output the text at hand gives
away, the originals it stands for and the evidence for each (see :mod:`textfix.channel`, which
estimates them)::

    # textfix-profile 1
    # name: site
    # version: 1
    # source: textfix.learn over 300 texts (102,913 body words)
    # licence: derived counts of the texts learned from
    # spun-share: 0.97
    spun	original	weight	belief	prior	seen	expected_spun	observed	expected	gain	source
    mentioned	said	0.94	0.999	0.11	412	21.3	0	198.0	1.21	learned:phrases

One row per (spun, original) pair, and rows with spun ``*`` for originals alone (``belief``:
the chance that this spinner replaces the word at all, from its body count). ``weight`` is the share of the spun word's body occurrences
the model attributes to the original (what restoring uses); ``belief`` the probability that
the spinner maps the original to the spun word at all, and ``prior`` the same before the
evidence of the texts; ``seen`` / ``expected_spun`` the spun
word's body count and its expectation in clean text of that length; ``observed`` /
``expected`` the same for the original (a word the spinner replaces all but vanishes); ``gain``
the mean log10 advantage of the original in the spun word's contexts (language model);
``source`` where the pair came from. A person may edit rows (or delete them); a saved profile,
reloaded, restores exactly the same way.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .errors import TableError
from .tables import Candidate, Table, _check_phrase, _pack, _parse_header

__all__ = ["Entry", "Profile", "FORMAT_LINE", "COLUMNS"]

FORMAT_LINE = "# textfix-profile 1"
COLUMNS = "spun\toriginal\tweight\tbelief\tprior\tseen\texpected_spun\tobserved\texpected\tgain\tsource"
_SOURCE = regex.compile(r"[a-z0-9][a-z0-9_.:-]*")
#: the spun column of a row about an original alone: its rate (belief = the chance that the
#: spinner replaces it) with its body count, whatever its outputs are
ANY = ("*",)


@dataclass(frozen=True, slots=True)
class Entry:
    """One (spun, original) pair of the spinner model with its evidence."""

    spun: tuple[str, ...]
    original: tuple[str, ...]
    weight: float          # P(original | an occurrence of spun in the body of a spun text)
    belief: float          # P(the spinner maps original -> spun)
    prior: float = 0.0     # ... before the evidence of the texts learned from
    seen: int = 0          # body occurrences of spun in the texts learned from
    expected_spun: float = 0.0  # ... expected in clean text of that length
    observed: int = 0      # body occurrences of original
    expected: float = 0.0  # ... expected in clean text of that length
    gain: float = 0.0      # mean log10 LM advantage of original in spun's contexts
    source: str = "learned"

    def row(self) -> str:
        return "\t".join([" ".join(self.spun), " ".join(self.original), _num(self.weight), _num(self.belief),
                          _num(self.prior), str(self.seen), _num(self.expected_spun), str(self.observed), _num(self.expected),
                          _num(self.gain), self.source])


def _num(x: float) -> str:
    return f"{x:.4g}"


def _canonical(e: Entry) -> Entry:
    q = lambda x: float(_num(x))  # noqa: E731
    return Entry(e.spun, e.original, q(e.weight), q(e.belief), q(e.prior), int(e.seen), q(e.expected_spun), int(e.observed),
                 q(e.expected), q(e.gain), e.source)


@dataclass
class Profile:
    """A learned spinner model: entries, plus how many of the texts looked spun.

    ``spun_share`` is the estimated share of the texts learned from that this spinner rewrote
    (the prior that a new text of the same site is spun); ``survival`` the estimated chance that
    a word in the spinner's dictionary is left as it is in the body of a spun text.
    """

    entries: list[Entry] = field(default_factory=list)
    spun_share: float = 0.5
    survival: float = 0.05
    meta: dict[str, str] = field(default_factory=dict)
    _table: Table | None = field(default=None, repr=False, compare=False)
    _signature: tuple | None = field(default=None, repr=False, compare=False)
    _llr: dict | None = field(default=None, repr=False, compare=False)
    _verdicts: dict | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # values as the file writes them (4 significant digits), entries in file order: a profile
        # in memory restores exactly as its saved copy does
        self.entries = sorted((_canonical(e) for e in self.entries), key=lambda e: (e.spun, -e.weight, e.original))
        self.spun_share = float(_num(self.spun_share))
        self.survival = float(_num(self.survival))

    def __getstate__(self) -> dict:
        # a pickle (a copy sent to another process: Dask, Spark) carries the entries and none of
        # the look-ups built from them on first use: those are rebuilt there. A worker may pickle
        # the profile to pass it to another worker while its own task is still building one
        # (count_llr filled its dict in a loop), and a half-built dict made that worker's
        # restorations differ (tests/test_dask.py, 1 run in about 50)
        state = self.__dict__.copy()
        for cache in ("_table", "_signature", "_llr", "_verdicts"):
            state[cache] = None
        return state

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def top(self, n: int = 10) -> list[Entry]:
        """The ``n`` entries that stand for the most spun words (seen x weight)."""
        return sorted(self.entries, key=lambda e: (-e.seen * e.weight, e.spun))[:n]

    # -- what restoring uses -------------------------------------------------------------------
    def table(self) -> Table:
        """The entries as a phrase table named ``profile`` (weight = the entry's weight)."""
        if self._table is None:
            grouped: dict[str, list[Candidate]] = {}
            for e in self.entries:
                if e.spun == ANY or e.weight <= 0.0:
                    continue
                grouped.setdefault(" ".join(e.spun), []).append(
                    Candidate(e.original, max(1e-6, min(1.0, e.weight)), e.source.replace(":", "-")))
            meta = {"name": "profile", "version": self.meta.get("version", "1"),
                    "source": self.meta.get("source", "learned"), "licence": self.meta.get("licence", "")}
            self._table = Table("profile", meta["version"], meta, _pack(grouped))
        return self._table

    def signature(self) -> tuple[dict[str, float], dict[str, float]]:
        """log10 likelihood ratios (spun text against clean) per body occurrence: of each spun
        word (more common in this spinner's texts) and of each original (all but gone there)."""
        spun_llr: dict[str, float] = {}
        orig_llr: dict[str, float] = {}
        floor = math.log10(max(1e-4, self.survival))
        for e in self.entries:
            if len(e.spun) != 1 or len(e.original) != 1 or e.spun == ANY:
                continue
            w = min(0.99, max(0.0, e.weight * e.belief))
            if w <= 0.0:
                continue
            s = e.spun[0]
            spun_llr[s] = spun_llr.get(s, 0.0) - math.log10(1.0 - w)
            o = e.original[0]
            orig_llr[o] = min(orig_llr.get(o, 0.0), floor * e.belief)
        return spun_llr, orig_llr

    def count_llr(self, original: tuple[str, ...]) -> float:
        """log10 likelihood ratio, from the site's body counts, that the spinner replaces
        ``original`` (against a word of its dictionary chosen blind): negative for a word the
        body uses at its normal rate, 0 when the profile has no count of it."""
        if self._llr is None:
            pi = float(self.meta.get("dictionary-share", "0.1") or 0.1)
            pi = min(0.5, max(1e-4, pi))
            base = math.log10(pi / (1 - pi))
            llr = {}
            for e in self.entries:
                if e.spun == ANY:
                    b = min(1 - 1e-6, max(1e-6, e.belief))
                    llr[e.original] = math.log10(b / (1 - b)) - base
            self._llr = llr  # whole, in one step: see __getstate__
        return self._llr.get(original, 0.0)

    @property
    def family_agreement(self) -> float:
        """How far the texts learned from are the real spinner family's (0..1): the mean belief
        the texts gave the family table's pairs, against the prior those pairs had. Measured
        (textfix.learn, default sources): 172 of the family's real pages 0.32 / 0.3 -> 1; 300 BBC
        articles spun with MyThes 0.045 / 0.3 = 0.15; the same articles clean 0.17. 0 for a
        profile that has no such figure."""
        try:
            return min(1.0, max(0.0, float(self.meta.get("family-agreement", "0") or 0)))
        except ValueError:
            return 0.0

    def verdict(self, spun: tuple[str, ...], original: tuple[str, ...]) -> float | None:
        """log10 Bayes factor the texts gave a pair the profile weighed (its belief against its
        prior, as odds), or None if it did not weigh it."""
        if self._verdicts is None:
            def logit(x: float) -> float:
                x = min(1 - 1e-6, max(1e-6, x))
                return math.log10(x / (1 - x))
            self._verdicts = {(e.spun, e.original): logit(e.belief) - logit(e.prior)
                              for e in self.entries if e.spun != ANY and e.prior > 0}
        return self._verdicts.get((spun, original))

    def signature_cached(self) -> tuple[dict[str, float], dict[str, float]]:
        if self._signature is None:
            self._signature = self.signature()
        return self._signature

    # -- files ---------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the profile as a TSV (atomically: a temporary file replaces ``path``)."""
        path = Path(path)
        meta = {"name": "profile", "version": "1", "source": "textfix.learn",
                "licence": "derived word counts of the texts learned from", **self.meta}
        lines = [FORMAT_LINE]
        for key in ("name", "version", "source", "licence"):
            lines.append(f"# {key}: {meta[key]}")
        lines.append(f"# spun-share: {self.spun_share:.4g}")
        lines.append(f"# survival: {self.survival:.4g}")
        for key, value in meta.items():
            if key not in ("name", "version", "source", "licence", "spun-share", "survival"):
                lines.append(f"# {key}: {value}")
        lines.append(COLUMNS)
        lines.extend(e.row() for e in self.entries)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Profile:
        """Read and validate a saved profile; a bad line raises :class:`TableError` naming ``file:line``."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"no profile at {path}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise TableError(f"{path}:{line}: not valid UTF-8") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, filename: str = "<profile>") -> Profile:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        meta, first = _parse_header(lines, filename, format_line=FORMAT_LINE, columns=COLUMNS)
        share = _header_float(meta, "spun-share", 0.5, filename)
        survival = _header_float(meta, "survival", 0.05, filename)
        entries = []
        seen: set[tuple] = set()
        for lineno, line in enumerate(lines[first:], start=first + 1):
            e = _parse_row(line, f"{filename}:{lineno}")
            if (e.spun, e.original) in seen:
                raise TableError(f"{filename}:{lineno}: duplicate row {' '.join(e.spun)!r} -> {' '.join(e.original)!r}")
            seen.add((e.spun, e.original))
            entries.append(e)
        keep = {k: v for k, v in meta.items() if k not in ("spun-share", "survival")}
        return cls(entries, share, survival, keep)


def _header_float(meta: dict[str, str], key: str, default: float, filename: str) -> float:
    if key not in meta:
        return default
    try:
        x = float(meta[key])
    except ValueError:
        raise TableError(f"{filename}: header '{key}: {meta[key]}' is not a number") from None
    if not 0.0 <= x <= 1.0:
        raise TableError(f"{filename}: header '{key}: {meta[key]}' is not in [0, 1]")
    return x


def _parse_row(line: str, where: str) -> Entry:
    fields = line.split("\t")
    if len(fields) != 11:
        raise TableError(f"{where}: expected 11 tab-separated fields, found {len(fields)}")
    spun = ANY if fields[0] == "*" else _check_phrase(fields[0], "spun", where)
    orig = _check_phrase(fields[1], "original", where)
    if spun == orig:
        raise TableError(f"{where}: {fields[0]!r} maps to itself")
    nums: list[float] = []
    for name, value in zip(("weight", "belief", "prior", "seen", "expected_spun", "observed", "expected", "gain"),
                           fields[2:10]):
        try:
            x = float(value)
        except ValueError:
            raise TableError(f"{where}: {name} {value!r} is not a number") from None
        if not math.isfinite(x):
            raise TableError(f"{where}: {name} {value!r} is not finite")
        if name in ("weight", "belief", "prior") and not 0.0 <= x <= 1.0:
            raise TableError(f"{where}: {name} {value!r} is not in [0, 1]")
        if name in ("seen", "expected_spun", "observed", "expected") and x < 0:
            raise TableError(f"{where}: {name} {value!r} is negative")
        nums.append(x)
    if not _SOURCE.fullmatch(fields[10]):
        raise TableError(f"{where}: bad source tag {fields[10]!r}")
    w, b, pr, seen, es, obs, exp, gain = nums
    return Entry(spun, orig, w, b, pr, int(seen), es, int(obs), exp, gain, fields[10])
