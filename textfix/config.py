"""Options for textfix, gathered in one immutable value.

Every public function takes ``config=`` and/or keyword overrides::

    restore(text, min_confidence=0.8)
    restore(text, config=Config(protect_quotes=False))
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = ["Config", "TABLE_NAMES", "DEFAULT_TABLES", "SCORER_NAMES", "DOMAIN_NAMES", "CHECK_MODEL_NAMES", "resolve_config"]

#: Tables shipped in ``wordlists/`` that ``Config.tables`` may name.
TABLE_NAMES = ("phrases", "thesaurus", "tortured", "family", "wordsalad")
#: The tables used unless ``Config.tables`` says otherwise.
DEFAULT_TABLES = ("phrases", "family", "wordsalad", "thesaurus")
#: Context scorers that ``Config.scorer`` may name.
SCORER_NAMES = ("trigram", "bigram")
#: What ``Config.domains`` may name.
DOMAIN_NAMES = ("auto", "news", "science")
#: What ``Config.check_model`` may name (textfix.context_model).
CHECK_MODEL_NAMES = ("smollm2",)


@dataclass(frozen=True)
class Config:
    """Everything that changes what textfix does. Immutable; use :meth:`replace` to vary it.

    min_confidence:
        an edit is made only when its confidence (0..1) is at least this. Higher is more
        cautious. Default 0.5.
    protect_quotes:
        leave text inside quotation marks alone (the common spinner does).
    protect_names:
        leave capitalised words that do not start a sentence alone (names, titles). In a clearly
        spun document, a capitalised word that a curated table (``phrases``, ``family``) lists as a
        spinner output is still decided in context ("Invoice Gates" -> "Bill Gates").
    protect_urls:
        leave URLs and e-mail addresses alone.
    protect_numbers:
        leave numbers inside figures alone ("5,380", "12.5%", "82mm").
    adaptive_protection:
        weigh quoted phrases by the belief that the document's quotes were spun too (from a prior
        and the quotes' own matches) instead of never editing them, and when a document shows that
        its capitalised words were spun too, lift ``protect_names`` for it (both reported in
        ``explain``). Off: ``protect_quotes`` / ``protect_names`` hold everywhere.
    document_gating:
        weigh every decision by how spun the whole document looks (``spin_score``). Turning it
        off makes textfix judge each phrase on its own, which changes clean text more often.
    tables:
        which shipped tables propose candidates: any of ``"phrases"`` (curated spinner
        phrases), ``"family"`` (the dominant spinner family's dictionary: word pairs and counts
        derived from real spun news pages), ``"wordsalad"`` (function words a word-salad spinner
        writes as the chemical element or unit they are the symbol of: "arsenic" for "as", from
        WordNet), ``"thesaurus"`` (reverse synonyms generated from Moby) and ``"tortured"``
        (tortured phrases found in science papers, from the Problematic Paper Screener; not used
        by default, add it for scholarly text: ``tables=("tortured", "phrases")``).
    scorer:
        the context model: ``"trigram"`` (pocketsphinx's 3-gram English model, default) or
        ``"bigram"`` (symspellpy bigram counts with wordfreq unigram back-off).
    domains:
        ``"auto"`` (default): a document whose vocabulary is scientific is also read as a
        science paper; ``"science"``: always (the ``tortured`` table's fingerprints, and
        tortured phrases no list has, restored to established terms: see ``textfix.science``);
        ``"news"``: never. A tuple such as ``("news", "science")`` is the same as ``"science"``.
    check_model:
        ``None`` (default), or ``"smollm2"``: the edits the context model is unsure of are weighed
        again with SmolLM2-135M, a small causal language model (an optional extra:
        ``pip install 'textfix[smollm]'``; about 6 s a spun page on 2 cores, against hundredths of
        a second without). Measured on real spun pages: a few more of the spinner's words restored
        at about the same rate of new errors (see ``textfix.context_model``).
    """

    min_confidence: float = 0.5
    protect_quotes: bool = True
    protect_names: bool = True
    protect_urls: bool = True
    protect_numbers: bool = True
    adaptive_protection: bool = True
    document_gating: bool = True
    tables: tuple[str, ...] = DEFAULT_TABLES
    scorer: str = "trigram"
    domains: tuple[str, ...] = ("auto",)
    check_model: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.min_confidence, bool) or not isinstance(self.min_confidence, (int, float)):
            raise TypeError(f"min_confidence must be a number, not {type(self.min_confidence).__name__}")
        if not 0.0 <= float(self.min_confidence) <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, got {self.min_confidence!r}")
        for name in ("protect_quotes", "protect_names", "protect_urls", "protect_numbers",
                     "adaptive_protection", "document_gating"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        tables = self.tables
        if isinstance(tables, str):
            tables = (tables,)
        tables = tuple(tables)
        if not tables:
            raise ValueError("tables must name at least one table")
        if len(set(tables)) != len(tables):
            raise ValueError(f"tables lists a table twice: {tables!r}")
        for t in tables:
            if t not in TABLE_NAMES:
                raise ValueError(f"unknown table {t!r}; choose from {', '.join(TABLE_NAMES)}")
        object.__setattr__(self, "tables", tables)
        if self.scorer not in SCORER_NAMES:
            raise ValueError(f"unknown scorer {self.scorer!r}; choose from {', '.join(SCORER_NAMES)}")
        domains = (self.domains,) if isinstance(self.domains, str) else tuple(self.domains)
        if not domains:
            raise ValueError("domains must name at least one domain")
        for d in domains:
            if d not in DOMAIN_NAMES:
                raise ValueError(f"unknown domain {d!r}; choose from {', '.join(DOMAIN_NAMES)}")
        if "auto" in domains and len(domains) > 1:
            raise ValueError(f"'auto' decides the domain itself: name it alone, not with others ({domains!r})")
        object.__setattr__(self, "domains", domains)
        if self.check_model is not None and self.check_model not in CHECK_MODEL_NAMES:
            raise ValueError(f"unknown check model {self.check_model!r}; choose from {', '.join(CHECK_MODEL_NAMES)}")

    @property
    def science(self) -> bool | None:
        """True: read as a science paper; False: never; None: decide per document ("auto")."""
        if self.domains == ("auto",):
            return None
        return "science" in self.domains

    def replace(self, **changes: object) -> Config:
        """A copy with some options changed: ``cfg.replace(min_confidence=0.9)``."""
        return resolve_config(self, changes)


_FIELDS = frozenset(f.name for f in dataclasses.fields(Config))


def resolve_config(config: Config | None, overrides: dict[str, object]) -> Config:
    """Merge keyword overrides into a config, with a clear error for an unknown option."""
    if config is None:
        config = _DEFAULT
    elif not isinstance(config, Config):
        raise TypeError(f"config must be a textfix.Config, not {type(config).__name__}")
    if not overrides:
        return config
    unknown = sorted(set(overrides) - _FIELDS)
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(unknown)}; valid options: {', '.join(sorted(_FIELDS))}")
    return dataclasses.replace(config, **overrides)  # type: ignore[arg-type]


_DEFAULT = Config()
