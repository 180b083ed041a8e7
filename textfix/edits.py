"""The result of textfix: edits as spans of the input, and how to apply them."""
from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Edit", "Explanation", "apply_edits", "compose_edits"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One replacement: ``input[start:end] == spun`` becomes ``original``.

    Offsets are Python ``str`` indices (code points) into the text that was restored.
    ``confidence`` is in 0..1; ``source`` names the table or rule that proposed it
    (``"phrases:seed"``, ``"thesaurus:moby"``, ``"grammar:a-an"``...); ``reason`` is a short
    human explanation.
    """

    start: int
    end: int
    spun: str
    original: str
    confidence: float
    source: str
    reason: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.start, int) and isinstance(self.end, int)) or not 0 <= self.start <= self.end:
            raise ValueError(f"bad edit span {self.start!r}..{self.end!r}")
        if len(self.spun) != self.end - self.start:
            raise ValueError(f"edit spun text {self.spun!r} does not fit span {self.start}..{self.end}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"edit confidence must be in 0..1, got {self.confidence!r}")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of the edit."""
        return {"start": self.start, "end": self.end, "spun": self.spun, "original": self.original,
                "confidence": round(self.confidence, 4), "source": self.source, "reason": self.reason}


@dataclass(frozen=True)
class Explanation:
    """What :func:`textfix.explain` returns.

    ``text`` is the restored text, ``edits`` the edits that produced it (sorted, non-overlapping),
    ``spin_score`` how spun the input looks (0 clean .. 1 certainly spun), and ``notes`` any
    document-level decisions (e.g. a protection lifted because the quotes were spun too).
    """

    text: str
    edits: tuple[Edit, ...]
    spin_score: float
    notes: tuple[str, ...] = field(default=())


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply edits to the text they were made for; ``apply_edits(t, explain(t).edits) == restore(t)``.

    Raises ``ValueError`` when an edit is out of bounds, overlaps another, or its ``spun`` does not
    match ``text[start:end]`` (the edits belong to other text).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            raise ValueError(f"edit at {e.start}..{e.end} overlaps the previous edit ending at {pos}")
        if e.end > len(text):
            raise ValueError(f"edit at {e.start}..{e.end} is past the end of the text ({len(text)})")
        if text[e.start:e.end] != e.spun:
            raise ValueError(f"edit at {e.start}..{e.end} expects {e.spun!r} but the text has "
                             f"{text[e.start:e.end]!r}")
        out.append(text[pos:e.start])
        out.append(e.original)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def compose_edits(text0: str, edits1: Sequence[Edit], text1: str, edits2: Sequence[Edit]) -> list[Edit]:
    """Edits on ``text0`` equivalent to applying ``edits1`` (to ``text0``, giving ``text1``) and
    then ``edits2`` (to ``text1``). Edits that touch or overlap once mapped back are merged: the
    merged edit keeps the lower confidence and both sources."""
    map1 = _OffsetMap(edits1)
    map2 = _OffsetMap(edits2)
    groups: list[list] = []  # [start0, end0, conf, sources, reasons]
    for e in map1.edits:
        groups.append([e.start, e.end, e.confidence, [e.source], [e.reason]])
    for e in map2.edits:
        groups.append([map1.backward(e.start, False), map1.backward(e.end, True), e.confidence,
                       [e.source], [e.reason]])
    groups.sort(key=lambda g: (g[0], g[1]))
    merged: list[list] = []
    for g in groups:
        if merged and g[0] < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], g[1])
            last[2] = min(last[2], g[2])
            last[3] += g[3]
            last[4] += g[4]
        else:
            merged.append(g)
    final_text = apply_edits(text1, map2.edits)
    out: list[Edit] = []
    # map text0 spans to the final text via text0 -> text1 -> text2 offsets
    for g in merged:
        s0, e0 = g[0], g[1]
        s2 = map2.forward(map1.forward(s0, False), False)
        e2 = map2.forward(map1.forward(e0, True), True)
        src = "+".join(dict.fromkeys(g[3]))
        out.append(Edit(s0, e0, text0[s0:e0], final_text[s2:e2], g[2], src, "; ".join(r for r in g[4] if r)))
    return [e for e in out if e.spun != e.original]


class _OffsetMap:
    """Offsets through a set of non-overlapping edits, in O(log n) per offset."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.edits = sorted(edits, key=lambda e: e.start)
        self.shift_before: list[int] = []   # length change of all edits before edit k
        self.new_starts: list[int] = []     # where edit k's replacement starts in the edited text
        self.new_ends: list[int] = []
        self.ends = [e.end for e in self.edits]
        shift = 0
        for e in self.edits:
            self.shift_before.append(shift)
            self.new_starts.append(e.start + shift)
            self.new_ends.append(e.start + shift + len(e.original))
            shift += len(e.original) - (e.end - e.start)
        self.total = shift

    def backward(self, pos: int, is_end: bool) -> int:
        """An offset in the edited text -> the unedited text. A position strictly inside a
        replacement widens to the edit's edge: its start for a start, its end for an end."""
        k = bisect.bisect_right(self.new_ends, pos)   # replacements ending at or before pos
        if k < len(self.edits) and self.new_starts[k] < pos:
            e = self.edits[k]
            return e.end if is_end else e.start
        return pos - (self.shift_before[k] if k < len(self.edits) else self.total)

    def forward(self, pos: int, is_end: bool) -> int:
        """An offset in the unedited text -> the edited text (strictly inside an edit: to the
        edge of its replacement)."""
        k = bisect.bisect_right(self.ends, pos)       # edits ending at or before pos
        if k < len(self.edits) and self.edits[k].start < pos:
            return self.new_ends[k] if is_end else self.new_starts[k]
        return pos + (self.shift_before[k] if k < len(self.edits) else self.total)
