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

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from .profile import Profile


def __getattr__(name: str) -> object:
    """``textfix.Profile`` is imported on first use (nothing is loaded at import)."""
    if name == "Profile":
        from .profile import Profile

        return Profile
    raise AttributeError(f"module 'textfix' has no attribute {name!r}")

__all__ = ["Config", "Edit", "Explanation", "Profile", "TableError", "apply_edits", "explain", "learn",
           "restore", "spin_score", "__version__"]
__version__ = "0.1.0"


def explain(text: str, *, profile: Profile | None = None, config: Config | None = None,
            **options: object) -> Explanation:
    """Restore ``text`` and say what changed: an :class:`Explanation` with ``text``, ``edits``,
    ``spin_score`` and ``notes``. ``profile``: a spinner model from :func:`learn` (or
    ``Profile.load``) for the site the text comes from. Options are those of :class:`Config`.
    A text the one-pass scan is sure is clean (:mod:`textfix.scan`) comes back with no edit and the
    scan's spin score, without the full pass (which would edit nothing there)."""
    from .pipeline import run

    return run(text, config, options, profile)


def restore(text: str, *, profile: Profile | None = None, config: Config | None = None,
            **options: object) -> str:
    """The text with spun phrases mapped back to their likely original wording.

    Clean text comes back unchanged, and everything outside an edited phrase is kept
    byte-for-byte (whitespace, punctuation, quotes, case).
    """
    return explain(text, profile=profile, config=config, **options).text


def spin_score(text: str, *, profile: Profile | None = None, config: Config | None = None,
               **options: object) -> float:
    """How spun one document looks: 0.0 (clean) .. 1.0 (certainly spun).

    Computed by the scan (:mod:`textfix.scan`: the document evidence read in one pass, the
    thesaurus sample only where the rest leaves the verdict open), so it can differ a little from
    ``explain(text).spin_score``, the evidence of the full restoring pass; a profile, a science
    paper or a text of 12,000 characters or more is scored by the full pass."""
    from .pipeline import score_document

    return score_document(text, config, options, profile)


def learn(texts: object, *, prior: Profile | None = None, sources: tuple[str, ...] | None = None,
          config: Config | None = None) -> Profile:
    """The spinner model of a site: learned from an iterable of texts (one text is a corpus of
    one), streaming. ``prior``: a profile whose entries are kept where the texts have none;
    ``sources``: candidate sources, any of ``"phrases"``, ``"family"``, ``"moby"``,
    ``"mythes"``, ``"wordnet"`` (the Debian thesauri, when installed: :mod:`textfix.thesauri`),
    ``"context"`` (default: the shipped tables). See :mod:`textfix.channel`."""
    from .channel import learn_texts
    from .config import resolve_config

    if isinstance(texts, str):
        texts = [texts]
    cfg = resolve_config(config, {})
    return learn_texts(texts, prior=prior, sources=sources, scorer=cfg.scorer)
