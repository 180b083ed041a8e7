"""The result of textfix: edits as spans of the input, and how to apply them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["Edit", "Explanation", "apply_edits"]


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
