"""textfix: find phrases an article spinner swapped for synonyms, and restore the original wording.

>>> import textfix
>>> textfix.restore("It was a clean sentence.")
'It was a clean sentence.'

Nothing is loaded at import; tables and the language model load on first use.
"""
from __future__ import annotations

from .config import Config
from .edits import Edit, Explanation, apply_edits
from .errors import TableError

__all__ = ["Config", "Edit", "Explanation", "TableError", "apply_edits", "explain", "restore",
           "spin_score", "__version__"]
__version__ = "0.1.0"


def explain(text: str, *, config: Config | None = None, **options: object) -> Explanation:
    """Restore ``text`` and say what changed: an :class:`Explanation` with ``text``, ``edits``,
    ``spin_score`` and ``notes``. Options are those of :class:`Config`."""
    from .pipeline import run

    return run(text, config, options)


def restore(text: str, *, config: Config | None = None, **options: object) -> str:
    """The text with spun phrases mapped back to their likely original wording.

    Clean text comes back unchanged, and everything outside an edited phrase is kept
    byte-for-byte (whitespace, punctuation, quotes, case).
    """
    return explain(text, config=config, **options).text


def spin_score(text: str, *, config: Config | None = None, **options: object) -> float:
    """How spun one document looks: 0.0 (clean) .. 1.0 (certainly spun)."""
    from .pipeline import score_document

    return score_document(text, config, options)
